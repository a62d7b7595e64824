/**
 * The vocabulary every tuning strategy speaks. Samplers and pruners are pure strategies over
 * frozen (immutable) trial snapshots, as in Optuna: they never mutate a trial and never do I/O,
 * so the same code runs in the worker, the CLI and the benchmarks, and is tested in plain Node.
 */

/**
 * A prior over a numeric dimension: the unit-cube coordinate u of a point is the prior's CDF, so
 * random and quasi-random points follow it (W&B `beta` / `q_beta`: value = ppf(u), then the step).
 */
export interface BetaPrior {
  readonly type: 'beta';
  readonly a: number;
  readonly b: number;
}

/** One tunable dimension of a search space. */
export type Distribution =
  | { readonly type: 'float'; readonly low: number; readonly high: number; readonly log?: boolean; readonly step?: number; readonly prior?: BetaPrior }
  | { readonly type: 'int'; readonly low: number; readonly high: number; readonly log?: boolean; readonly step?: number; readonly prior?: BetaPrior }
  /** `weights`: W&B `categorical_w_probabilities`; a random point takes choice i with probability weights[i] (as W&B: the first choice whose cumulative weight exceeds u). */
  | { readonly type: 'categorical'; readonly choices: readonly ParamValue[]; readonly weights?: readonly number[] };

export type ParamValue = number | string | boolean | null;

/**
 * A parameter of the space. `condition` makes it conditional: it is only sampled when the
 * named parent parameter took one of the listed values (e.g. `momentum` only when optimizer=sgd).
 */
export interface ParamSpec {
  readonly name: string;
  readonly distribution: Distribution;
  readonly condition?: { readonly parent: string; readonly values: readonly ParamValue[] };
}

export interface SearchSpace {
  readonly params: readonly ParamSpec[];
}

export type Direction = 'minimize' | 'maximize';

export type TrialState = 'waiting' | 'running' | 'complete' | 'pruned' | 'fail';

export function isFinished(state: TrialState): boolean {
  return state === 'complete' || state === 'pruned' || state === 'fail';
}

/** An immutable snapshot of a trial as the strategies see it. */
export interface FrozenTrial {
  readonly number: number;
  readonly state: TrialState;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Objective value; set for complete trials (and the last reported value of pruned ones). In a multi-objective study, the first objective's. */
  readonly value?: number;
  /** Multi-objective studies: every objective's value of a complete trial, in the study's objective order. */
  readonly values?: readonly number[];
  /** Intermediate values reported by step (epoch, iteration…), in the study's direction. */
  readonly intermediate: ReadonlyMap<number, number>;
}

/** What a sampler is told about the study when asked for the next point. */
export interface StudyView {
  readonly space: SearchSpace;
  readonly direction: Direction;
  /** Multi-objective studies: one direction per objective (direction is the first); absent for one objective. */
  readonly directions?: readonly Direction[];
  /** Every trial so far, in number order, including running ones (for parallel awareness). */
  readonly trials: readonly FrozenTrial[];
  /** The planned total number of trials when known (lets `auto` pick a strategy for the budget). */
  readonly budget?: number;
}

/**
 * A sampler proposes the parameters of the next trial. It is constructed with a seed and must be
 * deterministic: the same seed and the same history give the same proposal.
 */
export interface Sampler {
  readonly name: string;
  sample(study: StudyView): Record<string, ParamValue>;
  /**
   * The same proposal, computed in time slices that give the event loop back (heartbeats, signals)
   * and stop early when `signal` aborts. Samplers whose proposals are cheap at any study size omit it.
   */
  sampleAsync?(study: StudyView, options?: ProposeOptions): Promise<Record<string, ParamValue>>;
}

export interface ProposeOptions {
  /** Aborting rejects the proposal with an AbortError at the next slice. */
  readonly signal?: AbortSignal;
}

/** A pruner decides, on the step it is given, whether a running trial should stop early. */
export interface Pruner {
  readonly name: string;
  /** `trial.intermediate` holds the values reported so far, including `step`. */
  shouldPrune(study: StudyView, trial: FrozenTrial, step: number): boolean;
}
