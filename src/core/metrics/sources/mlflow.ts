/**
 * An MLflow file store (`mlruns/`), read live: one run per MLflow run of every live experiment, with its
 * state, params and every metric history. Deleted runs (lifecycle_stage: deleted) and deleted experiments
 * (moved to `.trash/`) are hidden, as MLflow's UI hides them. Opening an experiment folder or a single
 * run folder shows just that.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ParamValue } from '../../search/types';
import type { MetricPoint } from '../types';
import { filesBelow, META_FILE, MetricFile, paramValue, readMeta, runState } from './mlflowFiles';
import type { RunInfo, RunPoint, RunSource, RunState, RunUpdate } from './types';

export type MlflowLayout = 'root' | 'experiment' | 'run';

const TRASH = '.trash';
/** Folders of the store root that are not experiments (the model registry). */
const ROOT_RESERVED = new Set([TRASH, 'models']);
/** Folders of an experiment that are not runs (`FileStore.RESERVED_EXPERIMENT_FOLDERS`, MLflow 3's logged models). */
const EXPERIMENT_RESERVED = new Set(['tags', 'datasets', 'traces', 'models']);
/** Finished runs' meta.yaml is looked at only every this many polls (deletion, renaming); running ones every poll. */
const SLOW_ROUND = 10;
const MAX_PROBED_CHILDREN = 200;

const isRunMeta = (m: Record<string, unknown>) => typeof (m.run_id ?? m.run_uuid) === 'string';
const isExperimentMeta = (m: Record<string, unknown>) => 'experiment_id' in m && 'name' in m && !isRunMeta(m);

/** Whether `dir` is an MLflow store root, one experiment or one run; undefined when it is none. */
export async function mlflowLayout(dir: string): Promise<MlflowLayout | undefined> {
  const own = await readMeta(dir);
  if (own) return isRunMeta(own) ? 'run' : isExperimentMeta(own) ? 'experiment' : undefined;
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const e of entries.filter(e => e.isDirectory() && !ROOT_RESERVED.has(e.name)).slice(0, MAX_PROBED_CHILDREN)) {
    const meta = await readMeta(path.join(dir, e.name));
    if (meta && isExperimentMeta(meta)) return 'root';
  }
  return undefined;
}

interface Run {
  readonly dir: string;
  readonly id: string;
  readonly experiment: string;
  metaMtime: number;
  visible: boolean;
  name: string;
  state: RunState;
  params: Record<string, ParamValue>;
  readonly paramFiles: Set<string>;
  readonly metrics: Map<string, MetricFile>;
  /** Finished and read to the end after finishing: its files change no more. */
  drained: boolean;
  sent: string;
}

interface Counts {
  experiments: number;
  trashed: number;
  runs: number;
  deleted: number;
}

export class MlflowSource implements RunSource {
  readonly format = 'mlflow' as const;
  private runs = new Map<string, Run>();
  private round = 0;
  /** Experiment names by id, for the runs' `study`. */
  private readonly experimentNames = new Map<string, string>();
  private counts: Counts = { experiments: 0, trashed: 0, runs: 0, deleted: 0 };

  constructor(readonly path: string, private readonly layout: MlflowLayout) {}

  async poll(): Promise<RunUpdate> {
    const first = await this.scan();
    if (!first.hidden) return { reset: false, runs: first.runs, points: first.points, warnings: first.warnings };
    // A run or experiment was deleted: read everything again so listeners can drop what is gone.
    this.runs = new Map();
    const fresh = await this.scan();
    return { reset: true, runs: fresh.runs, points: fresh.points, warnings: [...first.warnings, ...fresh.warnings] };
  }

  /** Why nothing shows, from the last scan's counts. */
  explainEmpty(): string {
    const c = this.counts;
    const where = `${path.basename(this.path) || this.path} (MLflow ${this.layout === 'root' ? 'store' : this.layout})`;
    if (c.runs === 0) return `no runs in ${where}: ${c.experiments} experiment${c.experiments === 1 ? '' : 's'} without any run folder holding a meta.yaml${c.trashed ? `, ${c.trashed} deleted experiment${c.trashed === 1 ? '' : 's'} in ${TRASH}/` : ''}`;
    return `no live runs in ${where}: all ${c.runs} run${c.runs === 1 ? ' is' : 's are'} deleted (lifecycle_stage: deleted)${c.trashed ? `, and ${c.trashed} experiment${c.trashed === 1 ? ' is' : 's are'} in ${TRASH}/` : ''}`;
  }

  private async scan(): Promise<{ hidden: boolean; runs: RunInfo[]; points: RunPoint[]; warnings: string[] }> {
    const slow = this.round++ % SLOW_ROUND === 0;
    const warnings: string[] = [];
    const seen = new Set<string>();
    const counts: Counts = { experiments: 0, trashed: 0, runs: 0, deleted: 0 };
    let hidden = false;
    await inBatches(await this.runDirs(counts), async ({ dir, id }) => {
      seen.add(dir);
      const run = this.runs.get(dir);
      const wasVisible = run?.visible ?? false;
      const updated = run && !slow && run.drained ? run : await this.readRun(dir, id, run);
      if (!updated) return;
      counts.runs++;
      if (!updated.visible) counts.deleted++;
      if (wasVisible && !updated.visible) hidden = true;
    });
    for (const [dir, run] of this.runs) {
      if (seen.has(dir)) continue;
      this.runs.delete(dir);
      if (run.visible) hidden = true;
    }
    this.counts = counts;
    const runs: RunInfo[] = [];
    const points: RunPoint[] = [];
    const visible = [...this.runs.values()].filter(run => run.visible);
    const found = new Map<Run, RunPoint[]>();
    await inBatches(visible, async run => {
      const mine: RunPoint[] = [];
      await this.readRunFiles(run, mine, warnings);
      found.set(run, mine);
    });
    for (const run of visible) {
      points.push(...(found.get(run) ?? []));
      const info = this.runInfo(run);
      const signature = JSON.stringify([info.label, info.state, info.params]);
      if (signature !== run.sent) {
        run.sent = signature;
        runs.push(info);
      }
    }
    return { hidden, runs, points, warnings };
  }

  /** The run folders of the live experiments, with their run ids (`<experiment id>/<run folder>`). */
  private async runDirs(counts: Counts): Promise<Array<{ dir: string; id: string }>> {
    if (this.layout === 'run') return [{ dir: this.path, id: path.basename(this.path) }];
    const experiments = this.layout === 'experiment' ? [this.path] : await this.experimentDirs(counts);
    const out: Array<{ dir: string; id: string }> = [];
    for (const experiment of experiments) {
      const meta = await readMeta(experiment);
      if (!meta || !isExperimentMeta(meta)) continue;
      if (meta.lifecycle_stage === 'deleted') {
        counts.trashed++;
        continue;
      }
      counts.experiments++;
      this.experimentNames.set(String(meta.experiment_id), String(meta.name));
      for (const name of await subdirs(experiment)) {
        if (!EXPERIMENT_RESERVED.has(name)) out.push({ dir: path.join(experiment, name), id: `${path.basename(experiment)}/${name}` });
      }
    }
    return out;
  }

  private async experimentDirs(counts: Counts): Promise<string[]> {
    counts.trashed += (await subdirs(path.join(this.path, TRASH))).length;
    return (await subdirs(this.path)).filter(n => !ROOT_RESERVED.has(n)).map(n => path.join(this.path, n));
  }

  /** (Re)reads a run's meta.yaml when it changed; undefined for a folder that is no run (MLflow skips those too). */
  private async readRun(dir: string, id: string, known: Run | undefined): Promise<Run | undefined> {
    const mtime = await fs.stat(path.join(dir, META_FILE)).then(s => s.mtimeMs, () => undefined);
    if (mtime === undefined) return undefined;
    if (known && known.metaMtime === mtime) return known;
    const meta = await readMeta(dir);
    // A run whose meta.yaml names another experiment is ignored by MLflow ("Wrong experiment ID").
    if (!meta || !isRunMeta(meta) || (this.layout !== 'run' && String(meta.experiment_id) !== path.basename(path.dirname(dir)))) return undefined;
    const run: Run = known ?? { dir, id, experiment: String(meta.experiment_id), metaMtime: mtime, visible: true, name: '', state: 'running', params: {}, paramFiles: new Set(), metrics: new Map(), drained: false, sent: '' };
    run.metaMtime = mtime;
    run.visible = meta.lifecycle_stage !== 'deleted';
    run.state = runState(meta.status);
    run.name = typeof meta.run_name === 'string' && meta.run_name ? meta.run_name : ((await readText(path.join(dir, 'tags', 'mlflow.runName'))) ?? String(meta.run_id ?? meta.run_uuid));
    if (run.state === 'running' || run.state === 'waiting') run.drained = false;
    this.runs.set(dir, run);
    return run;
  }

  /** New params and metric points of a run; a finished run is read one last time, then left alone. */
  private async readRunFiles(run: Run, points: RunPoint[], warnings: string[]): Promise<void> {
    if (run.drained) return;
    const finished = run.state !== 'running' && run.state !== 'waiting';
    for (const name of await filesBelow(path.join(run.dir, 'params'))) {
      if (run.paramFiles.has(name)) continue;
      const text = await readText(path.join(run.dir, 'params', name));
      if (text === undefined) continue;
      run.paramFiles.add(name);
      run.params = { ...run.params, [name]: paramValue(text) };
    }
    for (const name of await filesBelow(path.join(run.dir, 'metrics'))) {
      if (!run.metrics.has(name)) run.metrics.set(name, new MetricFile(path.join(run.dir, 'metrics', name), name));
    }
    const found: MetricPoint[] = [];
    for (const metric of run.metrics.values()) await metric.poll(found, warnings);
    for (const p of found) points.push({ ...p, run: run.id });
    if (finished) run.drained = true;
  }

  private runInfo(run: Run): RunInfo {
    return { id: run.id, label: run.name, format: 'mlflow', path: run.dir, study: this.experimentNames.get(run.experiment) ?? run.experiment, state: run.state, params: { ...run.params } };
  }
}

/** Runs' files are read this many at a time: a store of 1,000 runs is mostly waiting on the disk. */
const CONCURRENT_RUNS = 16;

async function inBatches<T>(items: readonly T[], each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENT_RUNS) await Promise.all(items.slice(i, i + CONCURRENT_RUNS).map(each));
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries.filter(e => e.isDirectory()).map(e => e.name).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  } catch {
    return [];
  }
}

async function readText(file: string): Promise<string | undefined> {
  return fs.readFile(file, 'utf8').catch(() => undefined);
}
