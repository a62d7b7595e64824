/**
 * The curves of existing runs — a TensorBoard log directory, a Lightning metrics.csv, an HF
 * trainer_state.json, an Optuna journal or SQLite storage, an MLflow store — without tuning. Each run
 * becomes one "trial" of the panel; a run without params gets its label as the `run` parameter so
 * tooltips and the CSV name it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { explainNoRuns, FINAL_METRIC, NoRunsError, openRun, type RunInfo, type RunSource } from '../metrics/runs';
import { CURVES_LIMITS, type CurvesDelta, type CurvesDisposable, type CurvesSeries, type CurvesSnapshot, type CurvesSource, type CurvesTrial } from '../protocol/curves';
import type { ParamValue } from '../search/types';
import { DeltaPoller } from './poller';

/** Warnings kept for a status line (the newest). */
const MAX_WARNINGS = 200;

/**
 * Params as the panel's protocol takes them: at most its count, names within its length, long text values
 * cut (MLflow params may hold kilobytes). A run's params are shown, never refused.
 */
export function fitParams(params: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  let kept = 0;
  for (const [name, value] of Object.entries(params)) {
    if (kept >= CURVES_LIMITS.paramsPerTrial) break;
    if (name.length > CURVES_LIMITS.nameLength) continue;
    out[name] = typeof value === 'string' && value.length > CURVES_LIMITS.paramStringLength ? `${value.slice(0, CURVES_LIMITS.paramStringLength - 1)}…` : value;
    kept++;
  }
  return out;
}

export class RunCurvesSource implements CurvesSource {
  readonly key: string;
  readonly title: string;
  private readonly numbers = new Map<string, number>();
  /** Trial numbers handed out, and the highest: a 10,000-trial study must not rescan them per run. */
  private readonly usedNumbers = new Set<number>();
  private highestNumber = -1;
  private readonly trials = new Map<number, CurvesTrial>();
  private readonly series = new Map<string, { trial: number; metric: string; steps: number[]; values: number[] }>();
  private readonly metrics = new Set<string>();
  /** Metric names refused by `admit` (each warned about once). */
  private readonly refused = new Set<string>();
  /** Trials whose run carries no objective value (see withValue). */
  private readonly withoutObjective = new Set<number>();
  private direction: 'minimize' | 'maximize' = 'minimize';
  private readonly poller: DeltaPoller;
  /** Problems met while reading (corrupt records, malformed lines), newest last. */
  readonly warnings: string[] = [];

  private constructor(private readonly source: RunSource, intervalMs: number) {
    this.key = `run:${source.path}`;
    this.title = `${path.basename(source.path)} (${source.format})`;
    this.poller = new DeltaPoller(() => this.poll(), intervalMs);
  }

  /**
   * Opens the runs at `target` and reads what is there now. A folder with no run at all is refused with
   * a NoRunsError saying what it holds and what was expected, unless `allowEmpty` (watch it anyway).
   */
  static async open(target: string, intervalMs = 500, options: { allowEmpty?: boolean } = {}): Promise<RunCurvesSource> {
    const runs = await openRun(target);
    const source = new RunCurvesSource(runs, intervalMs);
    await source.poll();
    if (source.trials.size === 0 && !options.allowEmpty && (await fs.stat(runs.path).then(s => s.isDirectory(), () => false))) {
      throw new NoRunsError(await explainNoRuns(runs));
    }
    return source;
  }

  /** How many runs the panel shows. */
  get runCount(): number {
    return this.trials.size;
  }

  private warn(...messages: string[]): void {
    this.warnings.push(...messages);
    if (this.warnings.length > MAX_WARNINGS) this.warnings.splice(0, this.warnings.length - MAX_WARNINGS);
  }

  /**
   * Whether a point can go to the panel: the protocol drops a whole message over one name longer than its
   * limit, a metric past its count or a step that is not finite (a hostile or odd file must not blank it).
   */
  private admit(name: string, step: number): boolean {
    if (!Number.isFinite(step)) return false;
    if (this.metrics.has(name)) return true;
    if (name.length <= CURVES_LIMITS.nameLength && this.metrics.size < CURVES_LIMITS.metrics) return true;
    if (!this.refused.has(name) && this.refused.size < MAX_WARNINGS) {
      this.refused.add(name);
      this.warn(name.length > CURVES_LIMITS.nameLength ? `a metric name of ${name.length} characters was skipped (at most ${CURVES_LIMITS.nameLength})` : `more than ${CURVES_LIMITS.metrics} metrics: "${name}" was skipped`);
    }
    return false;
  }

  /** Validation loss is what people watch first; then any loss; then whatever came first. */
  private preferredMetric(): string | null {
    const metrics = [...this.metrics];
    return metrics.find(m => /val.*loss/i.test(m)) ?? metrics.find(m => /loss/i.test(m)) ?? metrics[0] ?? null;
  }

  /**
   * A run that has no objective of its own (TensorBoard, MLflow, metrics.csv) is ranked by the last value
   * of the metric shown first, so history, parallel coordinates and importance have something to rank.
   */
  private withValue(trial: CurvesTrial): CurvesTrial {
    if (!this.withoutObjective.has(trial.number)) return trial;
    const metric = this.preferredMetric();
    const series = metric === null ? undefined : this.series.get(`${trial.number}\u0000${metric}`);
    if (!series || series.steps.length === 0) return trial;
    let last = 0;
    for (let i = 1; i < series.steps.length; i++) if (series.steps[i] >= series.steps[last]) last = i;
    return { ...trial, value: series.values[last] };
  }

  snapshot(): CurvesSnapshot {
    return {
      title: this.title,
      direction: this.direction,
      metrics: [...this.metrics],
      metric: this.preferredMetric(),
      trials: [...this.trials.values()].sort((a, b) => a.number - b.number).map(t => this.withValue(t)),
      series: [...this.series.values()].map(s => ({ ...s, steps: [...s.steps], values: [...s.values] })),
    };
  }

  onDidChange(listener: (delta: CurvesDelta) => void): CurvesDisposable {
    return this.poller.subscribe(listener);
  }

  refresh(): Promise<void> {
    return this.poller.tick();
  }

  private trialFor(run: RunInfo): CurvesTrial {
    let number = this.numbers.get(run.id);
    if (number === undefined) {
      // Keep Optuna's trial numbers when they are unique; a journal with several studies repeats them.
      number = run.trialNumber !== undefined && !this.usedNumbers.has(run.trialNumber) ? run.trialNumber : this.highestNumber + 1;
      this.numbers.set(run.id, number);
      this.usedNumbers.add(number);
      this.highestNumber = Math.max(this.highestNumber, number);
    }
    const value = run.values?.[0] ?? null;
    if (run.values === undefined) this.withoutObjective.add(number);
    else this.withoutObjective.delete(number);
    if (run.directions?.[0]) this.direction = run.directions[0] === 'maximize' ? 'maximize' : 'minimize';
    const trial: CurvesTrial = {
      number,
      state: run.state ?? 'complete',
      params: fitParams(run.params ?? { run: run.label }),
      value,
      durationMs: null,
    };
    this.trials.set(number, trial);
    return trial;
  }

  private async poll(): Promise<CurvesDelta> {
    const update = await this.source.poll();
    this.warn(...update.warnings);
    if (update.reset) {
      this.trials.clear();
      this.series.clear();
      this.numbers.clear();
      this.usedNumbers.clear();
      this.highestNumber = -1;
      this.metrics.clear();
      this.withoutObjective.clear();
    }
    const trials = update.runs.map(r => this.trialFor(r));
    const fresh = new Map<string, CurvesSeries & { steps: number[]; values: number[] }>();
    for (const p of update.points) {
      if (p.name === FINAL_METRIC || !this.admit(p.name, p.step)) continue;
      let number = this.numbers.get(p.run);
      if (number === undefined) number = this.trialFor({ id: p.run, label: p.run, format: this.source.format, path: this.source.path }).number;
      this.metrics.add(p.name);
      const key = `${number}\u0000${p.name}`;
      let all = this.series.get(key);
      if (!all) this.series.set(key, (all = { trial: number, metric: p.name, steps: [], values: [] }));
      all.steps.push(p.step);
      all.values.push(p.value);
      let part = fresh.get(key);
      if (!part) fresh.set(key, (part = { trial: number, metric: p.name, steps: [], values: [] }));
      part.steps.push(p.step);
      part.values.push(p.value);
    }
    // After a reset the listeners take a fresh snapshot rather than this delta.
    if (update.reset) return { reset: true };
    // Runs ranked by their last value of the preferred metric: a new point there moves their value.
    const preferred = this.preferredMetric();
    const moved = new Map(trials.map(t => [t.number, t]));
    for (const part of fresh.values()) {
      const trial = this.trials.get(part.trial);
      if (trial && part.metric === preferred && this.withoutObjective.has(part.trial)) moved.set(part.trial, trial);
    }
    return { trials: [...moved.values()].map(t => this.withValue(t)), series: [...fresh.values()] };
  }
}
