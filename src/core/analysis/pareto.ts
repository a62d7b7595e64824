/**
 * What the Pareto view draws for a multi-objective study: each complete trial's objective vector, which
 * trials are on the front (no other trial is at least as good on every objective and better on one),
 * the front as a staircase for one pair of objectives, and the hypervolume history. Pure: the
 * webview draws it, the unit tests check it.
 */
import { defaultReferencePoint, hypervolume, minimizedVector, nonDominatedRanks, paretoFront, resumableHypervolumeHistory, type HypervolumeHistory } from '../search/pareto';
import type { Direction, ParamValue, TrialState } from '../search/types';

export interface ParetoInputTrial {
  readonly number: number;
  readonly state: TrialState;
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly values?: readonly number[];
}

export interface ParetoPoint {
  readonly number: number;
  readonly values: readonly number[];
  /** 0 on the Pareto front, 1 on the next front, … */
  readonly rank: number;
}

export interface ParetoPlot {
  /** Complete trials with one finite value per objective, by number. */
  readonly points: readonly ParetoPoint[];
  readonly front: readonly ParetoPoint[];
  /**
   * Hypervolume after each of those trials (trial order), of the minimised vectors below `reference`:
   * the worst value seen per objective plus a tenth of its range (studies have no given reference).
   * Only the last value when asked for no history.
   */
  readonly hypervolume: Float64Array;
  readonly reference: readonly number[];
  /** The full history's state, for the next plot of the same study to resume from (absent without history). */
  readonly history?: HypervolumeHistory;
}

/**
 * What every multi-objective view starts from, computed once per change of the trials (the curves
 * store caches it; the status line, trial picker, Pareto, hypervolume and parallel views all take
 * it): the complete trials with one finite value per objective, by number, their minimised vectors,
 * which of them are on the Pareto front and the default reference point.
 */
export interface ParetoData {
  readonly scored: readonly { readonly number: number; readonly values: readonly number[] }[];
  /** `scored`'s vectors with maximised objectives negated (smaller is better everywhere). */
  readonly minimised: readonly number[][];
  /** Indices into `scored` of the non-dominated trials, ascending. */
  readonly front: readonly number[];
  /** The worst value seen per objective plus a tenth of its range (minimised). */
  readonly reference: readonly number[];
}

/** Complete trials with one finite value per objective, by number. */
function scoredVectors(trials: Iterable<ParetoInputTrial>, directions: readonly Direction[]): { number: number; values: readonly number[] }[] {
  const scored: { number: number; values: readonly number[] }[] = [];
  for (const t of trials) {
    if (t.state !== 'complete' || !t.values || t.values.length !== directions.length || !t.values.every(Number.isFinite)) continue;
    scored.push({ number: t.number, values: t.values });
  }
  return scored.sort((a, b) => a.number - b.number);
}

/** Scores the trials and finds the front: the one place a view's Pareto front is computed. */
export function paretoData(trials: Iterable<ParetoInputTrial>, directions: readonly Direction[]): ParetoData {
  const scored = scoredVectors(trials, directions);
  const minimised = scored.map(s => minimizedVector(s.values, directions));
  return { scored, minimised, front: paretoFront(minimised), reference: defaultReferencePoint(minimised) };
}

/**
 * Scored trials of a study with `directions.length` objectives, ranked by non-domination. Without
 * `history` (views that show only the final value), `hypervolume` holds just the last step: the
 * history costs a hypervolume per front change, which three objectives and 10,000 trials feel.
 * Without `ranks`, every trial off the front gets rank 1 (front or not is all the scatter shows).
 */
export function paretoPlot(trials: Iterable<ParetoInputTrial>, directions: readonly Direction[], options: { history?: boolean; ranks?: boolean } = {}): ParetoPlot {
  return paretoPlotOf(paretoData(trials, directions), options);
}

/**
 * `paretoPlot` of data already scored, with its front (the curves store's, shared by the views).
 * `resume`: the previous plot of the same study, whose history is kept up to where the trials change.
 */
export function paretoPlotOf(data: ParetoData, options: { history?: boolean; ranks?: boolean; resume?: ParetoPlot } = {}): ParetoPlot {
  const { scored, minimised, front, reference } = data;
  let ranks: Int32Array;
  if (options.ranks === false) {
    ranks = new Int32Array(minimised.length).fill(1);
    for (const i of front) ranks[i] = 0;
  } else ranks = nonDominatedRanks(minimised);
  const points = scored.map((s, i) => ({ number: s.number, values: s.values, rank: ranks[i] }));
  if (options.history === false) {
    const last = Float64Array.of(minimised.length ? hypervolume(front.map(i => minimised[i]), reference) : 0);
    return { points, front: front.map(i => points[i]), hypervolume: last, reference };
  }
  const history = resumableHypervolumeHistory(minimised, reference, options.resume?.history);
  return { points, front: front.map(i => points[i]), hypervolume: history.values, reference, history };
}

/**
 * Every scored trial with its non-domination rank, and nothing else (no hypervolume): the parallel
 * view's colours. The front is the data's; only the trials off it are ranked, one lower (removing
 * the front leaves the next front as the rest's first, and so on).
 */
export function rankedPoints(data: ParetoData): ParetoPoint[] {
  const ranks = new Int32Array(data.scored.length);
  const onFront = new Uint8Array(data.scored.length);
  for (const i of data.front) onFront[i] = 1;
  const others = data.minimised.flatMap((_, i) => (onFront[i] ? [] : [i]));
  nonDominatedRanks(others.map(i => data.minimised[i])).forEach((r, k) => (ranks[others[k]] = r + 1));
  return data.scored.map((s, i) => ({ number: s.number, values: s.values, rank: ranks[i] }));
}

/**
 * The front of objectives (i, j) as a staircase from its best point in i to its best in j, the way
 * the dominated region's edge runs (for minimised objectives: right then down).
 */
export function frontStaircase(front: readonly ParetoPoint[], i: number, j: number, directions: readonly Direction[]): { x: number; y: number }[] {
  const si = directions[i] === 'maximize' ? -1 : 1;
  const sj = directions[j] === 'maximize' ? -1 : 1;
  // The 2-D front of the pair: a trial of the full front may be dominated in this projection.
  const sorted = [...front].sort((a, b) => si * (a.values[i] - b.values[i]) || sj * (a.values[j] - b.values[j]));
  const steps: { x: number; y: number }[] = [];
  let bestJ = Infinity;
  for (const p of sorted) {
    const yj = sj * p.values[j];
    if (yj >= bestJ) continue;
    if (steps.length) steps.push({ x: p.values[i], y: steps[steps.length - 1].y });
    steps.push({ x: p.values[i], y: p.values[j] });
    bestJ = yj;
  }
  return steps;
}

/** Pairs of objectives for the pair selector: (0, 1), (0, 2), (1, 2) … */
export function objectivePairs(count: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < count; i++) for (let j = i + 1; j < count; j++) pairs.push([i, j]);
  return pairs;
}

export interface HypervolumeStep {
  /** The trial after which the hypervolume was measured. */
  readonly number: number;
  readonly hypervolume: number;
  /** True when that trial made the front grow (the hypervolume rose). */
  readonly improved: boolean;
}

/**
 * The hypervolume history for its view: one step per complete trial, all measured against the
 * plot's one reference point (so a later, worse trial that moves the reference re-measures the whole
 * history, and the curve never dips).
 */
export function hypervolumeSteps(plot: ParetoPlot): HypervolumeStep[] {
  return plot.points.map((p, k) => ({ number: p.number, hypervolume: plot.hypervolume[k], improved: plot.hypervolume[k] > (k ? plot.hypervolume[k - 1] : 0) }));
}

/**
 * The reference point in the objectives' own directions and units (maximised objectives were
 * negated to compute it), e.g. "val_accuracy 0.76, model_kb 2.6k".
 */
export function referenceInUnits(plot: ParetoPlot, directions: readonly Direction[]): number[] {
  return plot.reference.map((r, k) => (directions[k] === 'maximize' ? -r : r));
}

/**
 * Colour order for trials of a multi-objective study (parallel coordinates): 0 on the Pareto front,
 * rising with the non-domination rank to 1 on the last front; trials without every value get 1.
 */
export function paretoBadness(numbers: readonly number[], plot: { readonly points: readonly ParetoPoint[] }): Float64Array {
  const rank = new Map(plot.points.map(p => [p.number, p.rank]));
  const worst = Math.max(1, ...plot.points.map(p => p.rank));
  return Float64Array.from(numbers, n => (rank.has(n) ? (rank.get(n) as number) / worst : 1));
}
