/**
 * Opening finished or still-running runs for the curves panel: a TensorBoard log directory (one
 * run per directory holding event files; Lightning `metrics.csv` files found there count too), a
 * single event file, a Lightning `metrics.csv`, a Hugging Face `trainer_state.json`, or an Optuna
 * JournalStorage file (one run per trial). Every source is read incrementally: call `poll()` on a
 * timer and append what it returns.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ParamValue } from '../search/types';
import type { MetricPoint } from './types';
import { CsvFollower, metricFileKind, TfEventsFollower, TrainerStateFollower, walkMetricFiles, type FileFollower } from './followers';
import { JournalError, JournalReplay, type JournalDirection, type JournalTrialState } from './optuna-journal';
import { parsePythonJson } from './pyjson';
import { completeLines, DEFAULT_MAX_READ_BYTES, FileTail } from './tail';

export type RunFormat = 'tensorboard' | 'lightning-csv' | 'trainer-state' | 'optuna-journal';

export interface RunInfo {
  /** Unique within the source: the run's directory relative to the opened one (`.` for itself), or `<study>/<trial number>`. */
  readonly id: string;
  /** For legends: `version_0`, `lr-sweep #3`. */
  readonly label: string;
  readonly format: RunFormat;
  /** The directory or file the run's data comes from. */
  readonly path: string;
  /** Optuna only. */
  readonly study?: string;
  readonly trialNumber?: number;
  readonly state?: JournalTrialState;
  readonly params?: Readonly<Record<string, ParamValue>>;
  /** Objective value(s) of a finished trial; one per study direction. */
  readonly values?: readonly number[];
  readonly directions?: readonly JournalDirection[];
}

export type RunPoint = MetricPoint & { readonly run: string };

export interface RunUpdate {
  /**
   * The source was rewritten (truncated or replaced): forget what it delivered before; this update
   * is a fresh start. Only the journal does that; the file followers just skip what they sent.
   */
  readonly reset: boolean;
  /** Runs that are new or changed (state, params, values) since the previous poll. */
  readonly runs: RunInfo[];
  readonly points: RunPoint[];
  /** Skipped input, for a status line: corrupt records, malformed lines. */
  readonly warnings: string[];
}

export interface RunSource {
  readonly path: string;
  readonly format: RunFormat;
  poll(): Promise<RunUpdate>;
}

/** Metric names of Optuna trial curves. */
export const INTERMEDIATE_METRIC = 'intermediate_value';
export const FINAL_METRIC = 'value';

/** Decides what `target` is; throws an Error with a message for the user when it is none of them. */
export async function detectRunFormat(target: string): Promise<RunFormat> {
  let stat;
  try {
    stat = await fs.stat(target);
  } catch {
    throw new Error(`${target} does not exist`);
  }
  if (stat.isDirectory()) return 'tensorboard';
  const base = path.basename(target);
  const kind = metricFileKind(base);
  if (kind === 'tfevents') return 'tensorboard';
  if (kind === 'csv' || base.endsWith('.csv')) return 'lightning-csv';
  if (kind === 'trainer_state') return 'trainer-state';
  // Journal files have no fixed name: look at the first line.
  const handle = await fs.open(target, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const firstLine = head.subarray(0, bytesRead).toString('utf8').split('\n')[0].trim();
    if (/^\{.*"op_code"\s*:/.test(firstLine)) return 'optuna-journal';
    if (base.endsWith('.json') && /"log_history"/.test(head.toString('utf8'))) return 'trainer-state';
  } finally {
    await handle.close();
  }
  throw new Error(
    `${target} is not a run this panel can open: expected a TensorBoard log directory or event file, a Lightning metrics.csv, a Hugging Face trainer_state.json or an Optuna journal file`,
  );
}

export async function openRun(target: string): Promise<RunSource> {
  const absolute = path.resolve(target);
  const format = await detectRunFormat(absolute);
  switch (format) {
    case 'tensorboard':
      return (await fs.stat(absolute)).isDirectory()
        ? new LogDirSource(absolute)
        : new SingleFileSource(absolute, format, new TfEventsFollower(absolute));
    case 'lightning-csv':
      return new SingleFileSource(absolute, format, new CsvFollower(absolute));
    case 'trainer-state':
      return new SingleFileSource(absolute, format, new TrainerStateFollower(absolute));
    case 'optuna-journal':
      return new JournalSource(absolute);
  }
}

function runLabel(dir: string): string {
  return path.basename(dir) || dir;
}

class SingleFileSource implements RunSource {
  private announced = false;
  constructor(
    readonly path: string,
    readonly format: RunFormat,
    private readonly follower: FileFollower,
  ) {}

  async poll(): Promise<RunUpdate> {
    const result = await this.follower.poll();
    const runs: RunInfo[] = [];
    if (!this.announced) {
      this.announced = true;
      runs.push({ id: '.', label: runLabel(path.dirname(this.path)), format: this.format, path: this.path });
    }
    return { reset: false, runs, points: result.points.map((p) => ({ ...p, run: '.' })), warnings: result.warnings };
  }
}

/** Directories in a log dir that are never runs. */
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', '__pycache__', 'checkpoints', '.hpstudio']);
const MAX_LOGDIR_DEPTH = 6;
const MAX_LOGDIR_ENTRIES = 20000;

/** A TensorBoard-style log directory: every directory holding event files (or a metrics.csv) is a run. */
class LogDirSource implements RunSource {
  readonly format = 'tensorboard' as const;
  private readonly followers = new Map<string, { follower: FileFollower; run: string }>();
  private readonly runs = new Set<string>();
  private warnedLimit = false;

  constructor(readonly path: string) {}

  async poll(): Promise<RunUpdate> {
    const warnings: string[] = [];
    const newRuns = await this.discover(warnings);
    const points: RunPoint[] = [];
    for (const { follower, run } of this.followers.values()) {
      const result = await follower.poll();
      for (const p of result.points) points.push({ ...p, run });
      warnings.push(...result.warnings);
    }
    return { reset: false, runs: newRuns, points, warnings };
  }

  private async discover(warnings: string[]): Promise<RunInfo[]> {
    const found: RunInfo[] = [];
    const complete = await walkMetricFiles(this.path, { maxDepth: MAX_LOGDIR_DEPTH, maxEntries: MAX_LOGDIR_ENTRIES, skipDirs: SKIPPED_DIRS }, (file, dir, kind) => {
      if (this.followers.has(file) || (kind !== 'tfevents' && kind !== 'csv')) return;
      const run = path.relative(this.path, dir) || '.';
      this.followers.set(file, { follower: kind === 'tfevents' ? new TfEventsFollower(file) : new CsvFollower(file), run });
      if (!this.runs.has(run)) {
        this.runs.add(run);
        found.push({ id: run, label: run === '.' ? runLabel(this.path) : run, format: 'tensorboard', path: dir });
      }
    });
    if (!complete && !this.warnedLimit) {
      warnings.push(`${this.path} holds more than ${MAX_LOGDIR_ENTRIES} entries; the rest is not read`);
      this.warnedLimit = true;
    }
    return found;
  }
}

/** An Optuna journal: one run per trial, curves from intermediate values, final values as a last point. */
class JournalSource implements RunSource {
  readonly format = 'optuna-journal' as const;
  private readonly tail: FileTail;
  private replay = new JournalReplay();
  private lineNumber = 0;

  constructor(readonly path: string) {
    this.tail = new FileTail(path);
  }

  async poll(): Promise<RunUpdate> {
    const warnings: string[] = [];
    const changed = new Set<number>();
    const points: RunPoint[] = [];
    let reset = false;
    for (let round = 0; round < 64; round++) {
      const read = await this.tail.read();
      if (!read) {
        warnings.push(`${this.path} no longer exists`);
        break;
      }
      if (read.restarted) {
        // Journals only grow; a shrunk or replaced one is a different study history.
        this.replay = new JournalReplay();
        this.lineNumber = 0;
        changed.clear();
        points.length = 0;
        reset = true;
        warnings.push(`${this.path} was truncated or replaced; reading it again from the start`);
      }
      const { lines, bytes } = completeLines(read.data);
      if (bytes === 0) {
        if (read.data.length >= DEFAULT_MAX_READ_BYTES) {
          warnings.push(`${this.path}: line ${this.lineNumber + 1} is longer than ${DEFAULT_MAX_READ_BYTES} bytes; skipped`);
          this.tail.consume(read.data.length);
          continue;
        }
        break;
      }
      for (const line of lines) this.applyLine(line, changed, points, warnings);
      this.tail.consume(bytes);
      if (read.data.length < DEFAULT_MAX_READ_BYTES) break;
    }
    const runs = [...changed].map((id) => this.runInfo(id)).filter((r): r is RunInfo => r !== undefined);
    return { reset, runs, points, warnings };
  }

  private applyLine(line: string, changed: Set<number>, points: RunPoint[], warnings: string[]): void {
    this.lineNumber++;
    if (line.trim() === '') return;
    let entry: unknown;
    try {
      entry = parsePythonJson(line);
    } catch (e) {
      warnings.push(`${path.basename(this.path)} line ${this.lineNumber}: not JSON (${(e as Error).message}); skipped`);
      return;
    }
    let effects;
    try {
      effects = this.replay.apply(entry);
    } catch (e) {
      if (!(e instanceof JournalError)) throw e;
      warnings.push(`${path.basename(this.path)} line ${this.lineNumber}: ${e.message}; skipped`);
      return;
    }
    for (const effect of effects) {
      if (effect.kind === 'study') continue;
      changed.add(effect.trialId);
      const trial = this.replay.trials.get(effect.trialId);
      const study = trial && this.replay.studies.get(trial.studyId);
      if (!trial || !study) continue;
      const run = `${study.name}/${trial.number}`;
      const wallTime = Date.now() / 1000;
      if (effect.kind === 'intermediate') {
        points.push({ run, name: INTERMEDIATE_METRIC, step: effect.step, value: effect.value, wallTime, source: 'journal' });
      } else if (effect.kind === 'finished' && trial.values) {
        // The final value sits after the last intermediate step so it continues the curve.
        const step = trial.intermediate.size > 0 ? Math.max(...trial.intermediate.keys()) : 0;
        trial.values.forEach((value, i) => {
          const name = trial.values && trial.values.length > 1 ? `${FINAL_METRIC}_${i}` : FINAL_METRIC;
          points.push({ run, name, step, value, wallTime, source: 'journal' });
        });
      }
    }
  }

  private runInfo(trialId: number): RunInfo | undefined {
    const trial = this.replay.trials.get(trialId);
    const study = trial && this.replay.studies.get(trial.studyId);
    if (!trial || !study) return undefined;
    return {
      id: `${study.name}/${trial.number}`,
      label: `${study.name} #${trial.number}`,
      format: 'optuna-journal',
      path: this.path,
      study: study.name,
      trialNumber: trial.number,
      state: trial.state,
      params: { ...trial.params },
      values: trial.values ? [...trial.values] : undefined,
      directions: study.directions,
    };
  }
}
