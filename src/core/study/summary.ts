/**
 * What "done", "best" and "budget" mean for a study, and how its values print: one definition shared
 * by the study loop, the study index (sidebar, status bar, progress), `hpstudio tune` and the analysis
 * views, so they never disagree about how far a study is or which trial won.
 */
import { minimizedVector, paretoFront } from '../search/pareto';
import { isFinished, type Direction, type Distribution, type FrozenTrial, type ParamValue, type TrialState } from '../search/types';
import type { JournalTrial } from './journal';
import type { Objective, ParetoTrial, StudyConfig, StudySummary, TrialSummary } from './types';

/** The part of a trial these rules read (journal trials, frozen trials, snapshots and CLI records all have it). */
export interface TrialOutcomeLike {
  readonly number: number;
  readonly state: TrialState;
  readonly value?: number;
  /** A failed trial whose params were queued again as a new trial: the retry counts, not this one. */
  readonly requeued?: boolean;
  /** Multi-objective studies: every objective's value of a complete trial. */
  readonly values?: readonly number[];
}

export interface BestTrial {
  readonly number: number;
  readonly value: number;
  readonly params: Readonly<Record<string, ParamValue>>;
}

export interface TrialCounts {
  complete: number;
  pruned: number;
  fail: number;
  running: number;
  waiting: number;
}

/**
 * A study as the editor shows it. running: its runner (this window's worker, or a CLI) holds the lock
 * and is alive. crashed: the lock or a running trial belongs to a process that is gone (offer Resume).
 * paused: the flapping guard stopped it. stopped: stopped by the user (or a shutdown); resumable.
 * finished: the budget is used. idle: created but not at its budget and not running (resumable).
 */
export const STUDY_RUN_STATES = ['running', 'crashed', 'paused', 'stopped', 'finished', 'idle'] as const;
export type StudyRunState = (typeof STUDY_RUN_STATES)[number];

/** True when `a` is a better objective value than `b` in this direction. */
export function isBetter(direction: Direction, a: number, b: number): boolean {
  return direction === 'minimize' ? a < b : a > b;
}

/** A value at least as good as the study's `metric.target`: no new trials after it. */
export function reachesTarget(direction: Direction, value: number, target: number): boolean {
  return value === target || isBetter(direction, value, target);
}

/** Counts against the budget: every trial (running and waiting ones too) except a failure queued again. */
export function countsAgainstBudget(t: Pick<TrialOutcomeLike, 'state' | 'requeued'>): boolean {
  return !(t.state === 'fail' && t.requeued);
}

/** Done: the trial ended (complete, pruned or failed) and counts against the budget. */
export function isDone(t: Pick<TrialOutcomeLike, 'state' | 'requeued'>): boolean {
  return isFinished(t.state) && countsAgainstBudget(t);
}

/** The best complete trial with a value; of equal values the earliest wins. */
export function bestTrial<T extends TrialOutcomeLike>(trials: Iterable<T>, direction: Direction): (T & { readonly value: number }) | undefined {
  let best: (T & { readonly value: number }) | undefined;
  for (const t of trials) {
    if (t.state !== 'complete' || t.value === undefined) continue;
    if (best === undefined || isBetter(direction, t.value, best.value)) best = t as T & { readonly value: number };
  }
  return best;
}

/** The best of some values in this direction, ignoring NaN; undefined when there is none. */
export function bestValue(values: Iterable<number>, direction: Direction): number | undefined {
  let best: number | undefined;
  for (const v of values) if (!Number.isNaN(v) && (best === undefined || isBetter(direction, v, best))) best = v;
  return best;
}

// --- several objectives ---------------------------------------------------------------------------

/** A complete trial's objective vector when it has one finite value per objective. */
export function objectiveValues(t: TrialOutcomeLike, objectives: readonly Objective[]): readonly number[] | undefined {
  if (t.state !== 'complete' || !t.values || t.values.length !== objectives.length) return undefined;
  return t.values.every(Number.isFinite) ? t.values : undefined;
}

/**
 * The Pareto set: the complete trials (every objective finite) that no other complete trial beats on
 * every objective at once — better somewhere and nowhere worse. Equal trials are all kept. By number.
 */
export function paretoTrials<T extends TrialOutcomeLike>(trials: Iterable<T>, objectives: readonly Objective[]): (T & { readonly values: readonly number[] })[] {
  const scored: (T & { readonly values: readonly number[] })[] = [];
  for (const t of trials) if (objectiveValues(t, objectives)) scored.push(t as T & { readonly values: readonly number[] });
  const directions = objectives.map(o => o.direction);
  const front = paretoFront(scored.map(t => minimizedVector(t.values as number[], directions)));
  return front.map(i => scored[i]).sort((a, b) => a.number - b.number);
}

/** `val_accuracy=0.953 model_mb=1.21`. */
export function formatValues(values: readonly number[] | undefined, objectives: readonly Objective[]): string {
  return objectives.map((o, k) => `${o.name}=${formatValue(values?.[k])}`).join(' ');
}

/**
 * Trials per state, trials done, and the best trial — or, with several objectives, the Pareto set:
 * what every study list and progress bar shows.
 */
export function tallyTrials<T extends TrialOutcomeLike & { readonly params: Readonly<Record<string, ParamValue>> }>(
  trials: readonly T[],
  direction: Direction,
  objectives?: readonly Objective[],
): { counts: TrialCounts; done: number; best?: BestTrial; pareto?: ParetoTrial[] } {
  const counts: TrialCounts = { complete: 0, pruned: 0, fail: 0, running: 0, waiting: 0 };
  let done = 0;
  for (const t of trials) {
    counts[t.state]++;
    if (isDone(t)) done++;
  }
  if (objectives && objectives.length > 1) {
    return { counts, done, pareto: paretoTrials(trials, objectives).map(t => ({ number: t.number, values: t.values, params: t.params })) };
  }
  const b = bestTrial(trials, direction);
  return { counts, done, best: b ? { number: b.number, value: b.value, params: b.params } : undefined };
}

/** A study's outcome as the loop returns it and the CLI prints it. */
export function summarize(
  study: string,
  status: StudySummary['status'],
  frozen: readonly FrozenTrial[],
  trials: readonly JournalTrial[],
  direction: Direction,
  objectives?: readonly Objective[],
): StudySummary {
  const { counts, best, pareto } = tallyTrials(frozen, direction, objectives);
  const list: TrialSummary[] = trials.map(t => ({ number: t.number, state: t.state, value: t.value, ...(t.values ? { values: t.values } : {}), params: t.params, error: t.error }));
  return { study, status, completed: counts.complete, pruned: counts.pruned, failed: counts.fail, best, ...(pareto ? { pareto } : {}), trials: list };
}

// --- budget ---------------------------------------------------------------------------------------

/** Trials when neither the caller nor the study file says (W&B would run forever; a CLI must end). */
export const DEFAULT_TRIALS = 20;

function gridSize(dists: readonly Distribution[]): number | undefined {
  let size = 1;
  for (const d of dists) {
    if (d.type === 'categorical') size *= d.choices.length;
    else if (d.type === 'int' && !d.log) size *= Math.floor((d.high - d.low) / (d.step ?? 1)) + 1;
    else if (d.type === 'float' && d.step && !d.log) size *= Math.floor((d.high - d.low) / d.step + 1e-9) + 1;
    else return undefined;
  }
  return size;
}

/** Total trials a run aims at: the caller's, the file's, the grid's size, or DEFAULT_TRIALS. */
export function plannedTrials(config: StudyConfig, trials?: number): number {
  const explicit = trials ?? config.limits.trials;
  if (explicit !== undefined) return explicit;
  const grid = config.sampler === 'grid' ? gridSize(config.space.params.map(p => p.distribution)) : undefined;
  return grid ?? DEFAULT_TRIALS;
}

// --- printing -------------------------------------------------------------------------------------

/** An objective or parameter value for people: 5 significant digits, exponent form outside [0.001, 10⁶). */
/** `Pareto front: 7 trials`: what progress shows for a study with several metrics instead of one best value. */
export function frontSizeText(size: number): string {
  return `Pareto front: ${size} trial${size === 1 ? '' : 's'}`;
}

/**
 * The best-so-far part of a progress line: the Pareto front's size with several metrics (the first
 * metric alone would hide the trade-off), else the best value (with the metric's name if asked).
 */
export function bestSoFarText(s: { readonly best?: { readonly value: number }; readonly pareto?: readonly unknown[]; readonly metric?: string }, withMetric = false): string | null {
  if (s.pareto) return frontSizeText(s.pareto.length);
  if (!s.best) return null;
  return `best ${withMetric && s.metric ? `${s.metric} ` : ''}${formatValue(s.best.value)}`;
}

/**
 * Where a study stands, for a sentence ("…, best 0.953 in trial #12"): with several metrics the Pareto
 * front's size instead of the first metric's best. Null before any trial completed.
 */
export function standingText(s: { readonly best?: { readonly number: number; readonly value: number }; readonly pareto?: readonly unknown[] }): string | null {
  if (s.pareto) return s.pareto.length ? frontSizeText(s.pareto.length) : null;
  return s.best ? `best ${formatValue(s.best.value)} in trial #${s.best.number}` : null;
}

/**
 * One trial's result for a pick list: `val_accuracy=0.953 model_kb=12 · on the Pareto front` with
 * several metrics, else `loss 0.0421`; empty when it has none.
 */
export function trialResultText(t: TrialOutcomeLike, study: { readonly metric: string; readonly objectives?: readonly Objective[]; readonly pareto?: readonly { readonly number: number }[] }): string {
  if (study.objectives) {
    if (!t.values) return '';
    const front = study.pareto?.some(p => p.number === t.number);
    return `${formatValues(t.values, study.objectives)} · ${front ? 'on the Pareto front' : 'off the front'}`;
  }
  return t.value !== undefined ? `${study.metric} ${formatValue(t.value)}` : '';
}

export function formatValue(v: number | undefined): string {
  if (v === undefined) return '-';
  if (v === 0 || !Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? String(Number(v.toPrecision(5))) : v.toExponential(3);
}

/** `lr=0.001 batch=32 optimizer=adam`. */
export function formatParams(params: Readonly<Record<string, unknown>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? formatValue(v) : String(v)}`)
    .join(' ');
}
