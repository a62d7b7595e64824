/**
 * The metric collector a trial executor runs next to each trial: it turns console output and the
 * files the trial writes into `MetricPoint`s, so users get live curves with no change to their code.
 */
import type { MetricCollector, MetricCollectorOptions, MetricPoint } from './types';
import { LineSplitter, MAX_LINE_LENGTH, MetricRegex, parseMetricLine, type LineMetric } from './lines';
import {
  CsvFollower,
  StepCounter,
  TfEventsFollower,
  TrainerStateDedup,
  TrainerStateFollower,
  walkMetricFiles,
  type FileFollower,
} from './followers';

/** Directories never worth descending into while looking for metric files. */
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', '__pycache__', '.venv', 'venv', 'wandb', '.ipynb_checkpoints']);
/** A trial directory with more entries than this is not scanned further (a dataset written into it…). */
const MAX_SCANNED_ENTRIES = 5000;
/**
 * New metric files are looked for at most this often once some are followed: polls come every
 * ~250 ms and a checkpoint-heavy trial dir holds thousands of entries, while files appear rarely.
 */
const DISCOVERY_INTERVAL_MS = 2000;
/**
 * Distinct metric names kept per trial, and their longest form: a program printing ever-new keys
 * (ids, timestamps as keys) must not grow the charts and the step counters without bound.
 */
export const MAX_METRIC_NAMES = 500;
export const MAX_METRIC_NAME_LENGTH = 200;
/** Cut lines reported one by one; beyond, only their number at the end (a trial may print millions). */
const MAX_CUT_LINE_WARNINGS = 3;

/** Characters (≈ bytes of log text) as whole KB, as the messages give sizes. */
function kilobytes(chars: number): string {
  return `${Math.round(chars / 1024)} KB`;
}

export function createMetricCollector(options: MetricCollectorOptions): MetricCollector {
  return new Collector(options);
}

class Collector implements MetricCollector {
  private readonly regex: MetricRegex | undefined;
  private readonly splitters: Record<'stdout' | 'stderr', LineSplitter>;
  private readonly counter = new StepCounter();
  private readonly followers = new Map<string, FileFollower>();
  private readonly trainerStateDedup = new TrainerStateDedup();
  private polling: Promise<MetricPoint[]> = Promise.resolve([]);
  private warnedScanLimit = false;
  private ended = false;
  private lastDiscovery = 0;
  private readonly names = new Set<string>();
  private warnedNames = false;
  private cutLines = 0;

  constructor(private readonly options: MetricCollectorOptions) {
    this.regex = options.regex ? new MetricRegex(options.regex) : undefined;
    const overlong = (stream: string) => (length: number) => {
      if (++this.cutLines <= MAX_CUT_LINE_WARNINGS) {
        this.warn(`${stream}: a line of ${kilobytes(length)} was cut at ${kilobytes(MAX_LINE_LENGTH)}; metrics after the cut are not read`);
      }
    };
    this.splitters = { stdout: new LineSplitter(overlong('stdout')), stderr: new LineSplitter(overlong('stderr')) };
  }

  pushText(stream: 'stdout' | 'stderr', chunk: string): MetricPoint[] {
    return this.fromLines(stream, this.splitters[stream].push(chunk));
  }

  pollFiles(): Promise<MetricPoint[]> {
    // Polls are serialised: two overlapping reads of one file would emit its points twice.
    const next = this.polling.then(async () => this.admit(await this.pollOnce(false)));
    this.polling = next.catch(() => []);
    return next;
  }

  async end(): Promise<MetricPoint[]> {
    const lines = [
      ...this.fromLines('stdout', this.splitters.stdout.flush()),
      ...this.fromLines('stderr', this.splitters.stderr.flush()),
    ];
    if (this.ended) return lines;
    this.ended = true;
    if (this.cutLines > MAX_CUT_LINE_WARNINGS) {
      this.warn(`${this.cutLines - MAX_CUT_LINE_WARNINGS} more lines were cut at ${kilobytes(MAX_LINE_LENGTH)}`);
    }
    const next = this.polling.then(async () => this.admit(await this.pollOnce(true)));
    this.polling = next.catch(() => []);
    return [...lines, ...(await next)];
  }

  /** Drops points past the name limits (telling onWarning once). */
  private admit(points: MetricPoint[]): MetricPoint[] {
    return points.filter((p) => this.admitName(p.name));
  }

  private admitName(name: string): boolean {
    if (this.names.has(name)) return true;
    if (name.length <= MAX_METRIC_NAME_LENGTH && this.names.size < MAX_METRIC_NAMES) {
      this.names.add(name);
      return true;
    }
    if (!this.warnedNames) {
      this.warnedNames = true;
      this.warn(
        name.length > MAX_METRIC_NAME_LENGTH
          ? `a metric name of ${name.length} characters (more than ${MAX_METRIC_NAME_LENGTH}) was ignored`
          : `more than ${MAX_METRIC_NAMES} different metric names; new names are ignored from now on`,
      );
    }
    return false;
  }

  private fromLines(stream: 'stdout' | 'stderr', lines: string[]): MetricPoint[] {
    const out: MetricPoint[] = [];
    for (const line of lines) {
      let found: LineMetric[] = this.regex ? this.regex.parse(line) : [];
      if (found.length === 0) found = parseMetricLine(line);
      if (found.length === 0) continue;
      const wallTime = Date.now() / 1000;
      for (const m of found) {
        if (!this.admitName(m.name)) continue;
        const step = m.step ?? this.counter.take(m.name);
        out.push({ name: m.name, step, value: m.value, wallTime, source: stream });
      }
    }
    return out;
  }

  private async pollOnce(final: boolean): Promise<MetricPoint[]> {
    const dir = this.options.trialDir;
    if (!dir) return [];
    const now = Date.now();
    if (final || this.followers.size === 0 || now - this.lastDiscovery >= DISCOVERY_INTERVAL_MS) {
      this.lastDiscovery = now;
      await this.discover(dir);
    }
    const points: MetricPoint[] = [];
    for (const follower of this.followers.values()) {
      try {
        const result = await follower.poll(final);
        points.push(...result.points);
        for (const w of result.warnings) this.warn(w);
      } catch (e) {
        this.warn(`could not read ${follower.path}: ${(e as Error).message}`);
      }
    }
    return points;
  }

  /** Finds metric files below the trial directory that are not followed yet. */
  private async discover(root: string): Promise<void> {
    const complete = await walkMetricFiles(root, { maxDepth: this.options.maxDepth ?? 4, maxEntries: MAX_SCANNED_ENTRIES, skipDirs: SKIPPED_DIRS }, (file, _dir, kind) => {
      if (this.followers.has(file)) return;
      if (kind === 'tfevents') this.followers.set(file, new TfEventsFollower(file));
      else if (kind === 'csv') this.followers.set(file, new CsvFollower(file));
      else this.followers.set(file, new TrainerStateFollower(file, this.trainerStateDedup));
    });
    if (!complete && !this.warnedScanLimit) {
      this.warnedScanLimit = true;
      this.warn(`${root} holds more than ${MAX_SCANNED_ENTRIES} entries; metric files beyond them are not followed`);
    }
  }

  private warn(message: string): void {
    this.options.onWarning?.(message);
  }
}
