/**
 * Runs read from metric files: a TensorBoard-style log directory (one run per directory holding event
 * files or a Lightning metrics.csv), or a single event file, metrics.csv or trainer_state.json.
 */
import * as path from 'node:path';
import { CsvFollower, TfEventsFollower, walkMetricFiles, type FileFollower } from '../followers';
import type { RunFormat, RunInfo, RunPoint, RunSource, RunUpdate } from './types';

function runLabel(dir: string): string {
  return path.basename(dir) || dir;
}

export class SingleFileSource implements RunSource {
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
export const SKIPPED_LOGDIR_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', '__pycache__', 'checkpoints', '.hpstudio']);
export const MAX_LOGDIR_DEPTH = 6;
const MAX_LOGDIR_ENTRIES = 20000;

/** A TensorBoard-style log directory: every directory holding event files (or a metrics.csv) is a run. */
export class LogDirSource implements RunSource {
  readonly format = 'tensorboard' as const;
  private readonly followers = new Map<string, { follower: FileFollower; run: string }>();
  private readonly runs = new Set<string>();
  private warnedLimit = false;

  constructor(readonly path: string) {}

  /** How many runs were found so far. */
  get runCount(): number {
    return this.runs.size;
  }

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
    const complete = await walkMetricFiles(this.path, { maxDepth: MAX_LOGDIR_DEPTH, maxEntries: MAX_LOGDIR_ENTRIES, skipDirs: SKIPPED_LOGDIR_DIRS }, (file, dir, kind) => {
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
