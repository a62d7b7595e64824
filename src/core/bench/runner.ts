/**
 * Runs benchmark studies in-process: a sequential ask/tell loop around a sampler (and a pruner for
 * learning-curve problems), recording the best value after each checkpoint and the time spent
 * outside the objective (the sampler's overhead).
 */
import type { FrozenTrial, ParamValue, Pruner, Sampler, SearchSpace, TrialState } from '../search/types';
import { hypervolumeHistory } from '../search/pareto';
import type { LearningCurveProblem, MultiObjectiveProblem, Params } from './problems';

export const CHECKPOINTS = [10, 20, 50, 100] as const;

export interface SamplerRunResult {
  readonly values: number[];
  /** best value after each checkpoint ≤ trials (keys "10", "20", …, and the last trial count). */
  readonly bestValueAfter: Record<string, number>;
  readonly overheadMsPerTrial: number;
  readonly bestParams: Record<string, ParamValue>;
}

export function checkpointsFor(n: number): number[] {
  return [...CHECKPOINTS.filter(c => c < n), n];
}

function freeze(number: number, state: TrialState, params: Record<string, ParamValue>, value?: number, intermediate?: Map<number, number>): FrozenTrial {
  return { number, state, params, value, intermediate: intermediate ?? new Map() };
}

/**
 * Minimises `evaluate` for `nTrials` trials. The overhead is wall time minus time inside the
 * objective, per trial (what Optuna's reference runner reports).
 */
export async function runSamplerStudy(
  space: SearchSpace,
  evaluate: (p: Params) => number | Promise<number>,
  sampler: Sampler,
  nTrials: number,
  opts: { budget?: number; signal?: AbortSignal } = {},
): Promise<SamplerRunResult> {
  const trials: FrozenTrial[] = [];
  const values: number[] = [];
  let objectiveMs = 0;
  const t0 = performance.now();
  let best = Infinity;
  let bestParams: Record<string, ParamValue> = {};
  for (let i = 0; i < nTrials; i++) {
    if (opts.signal?.aborted) throw new Error('aborted');
    const params = sampler.sample({ space, direction: 'minimize', trials, budget: opts.budget ?? nTrials });
    const te = performance.now();
    const v = await evaluate(params);
    objectiveMs += performance.now() - te;
    if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`objective returned ${String(v)} for ${JSON.stringify(params)}`);
    trials.push(freeze(i, 'complete', params, v));
    values.push(v);
    if (v < best) {
      best = v;
      bestParams = params;
    }
  }
  const wall = performance.now() - t0;
  const bestValueAfter: Record<string, number> = {};
  for (const c of checkpointsFor(nTrials)) bestValueAfter[String(c)] = Math.min(...values.slice(0, c));
  return { values, bestValueAfter, overheadMsPerTrial: (wall - objectiveMs) / nTrials, bestParams };
}

export interface PruningRunResult {
  readonly nTrials: number;
  readonly nPruned: number;
  readonly totalEpochs: number;
  readonly bestValue: number;
  /** best completed value after each checkpoint trial count */
  readonly bestValueAfter: Record<string, number>;
  /** [cumulative epochs, best completed value so far] after each finished trial */
  readonly curve: [number, number][];
  readonly overheadMsPerTrial: number;
}

/**
 * A learning-curve study: each trial reports loss epoch by epoch and asks the pruner after each.
 * Stops after `nTrials` trials, or once `epochBudget` epochs were spent when that is given.
 */
export function runPruningStudy(
  problem: LearningCurveProblem,
  sampler: Sampler,
  pruner: Pruner | undefined,
  opts: { nTrials: number; epochBudget?: number },
): PruningRunResult {
  const trials: FrozenTrial[] = [];
  let epochs = 0;
  let best = Infinity;
  let nPruned = 0;
  const curve: [number, number][] = [];
  const bestAfterTrial: number[] = [];
  const t0 = performance.now();
  let objectiveMs = 0;
  const maxTrials = opts.epochBudget !== undefined ? 1_000_000 : opts.nTrials;
  for (let i = 0; i < maxTrials; i++) {
    const study = { space: problem.space, direction: 'minimize' as const, trials, budget: opts.nTrials };
    const params = sampler.sample(study);
    const intermediate = new Map<number, number>();
    const running = freeze(i, 'running', params, undefined, intermediate);
    trials.push(running);
    let state: TrialState = 'complete';
    let last = NaN;
    for (let t = 1; t <= problem.maxEpoch; t++) {
      const te = performance.now();
      last = problem.lossAt(params, t);
      objectiveMs += performance.now() - te;
      epochs++;
      intermediate.set(t, last);
      if (t < problem.maxEpoch && pruner?.shouldPrune(study, running, t)) {
        state = 'pruned';
        break;
      }
    }
    trials[i] = freeze(i, state, params, state === 'complete' ? last : last, intermediate);
    if (state === 'pruned') nPruned++;
    else if (last < best) best = last;
    curve.push([epochs, best]);
    bestAfterTrial.push(best);
    if (opts.epochBudget !== undefined && epochs >= opts.epochBudget) break;
  }
  const n = trials.length;
  const bestValueAfter: Record<string, number> = {};
  for (const c of checkpointsFor(n)) bestValueAfter[String(c)] = bestAfterTrial[c - 1];
  return { nTrials: n, nPruned, totalEpochs: epochs, bestValue: best, bestValueAfter, curve, overheadMsPerTrial: (performance.now() - t0 - objectiveMs) / n };
}

/** Best completed value within an epoch budget, from a run's curve. */
export function bestWithinEpochs(curve: readonly [number, number][], budget: number): number {
  let v = Infinity;
  for (const [e, b] of curve) if (e <= budget) v = b;
  return v;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** The space of the overhead benchmark (Optuna reference: x, y ∈ [−10, 10], objective x² + y²). */
export const OVERHEAD_SPACE: SearchSpace = {
  params: [
    { name: 'x', distribution: { type: 'float', low: -10, high: 10 } },
    { name: 'y', distribution: { type: 'float', low: -10, high: 10 } },
  ],
};

export interface OverheadResult {
  readonly nTrials: number;
  readonly wallMs: number;
  readonly meanMsPerTrial: number;
  readonly last10pctMsPerTrial: number;
  readonly bestValue: number;
}

/** Times the whole ask/tell loop on a trivial objective: what the sampler costs per trial. */
export function runOverhead(sampler: Sampler, nTrials: number): OverheadResult {
  const trials: FrozenTrial[] = [];
  const stamps: number[] = [];
  let best = Infinity;
  const t0 = performance.now();
  for (let i = 0; i < nTrials; i++) {
    const p = sampler.sample({ space: OVERHEAD_SPACE, direction: 'minimize', trials, budget: nTrials });
    const x = p.x as number;
    const y = p.y as number;
    const v = x * x + y * y;
    best = Math.min(best, v);
    trials.push(freeze(i, 'complete', p, v));
    stamps.push(performance.now());
  }
  const wall = performance.now() - t0;
  const tailN = Math.max(1, Math.floor(nTrials / 10));
  const tailStart = nTrials - tailN;
  const tail = (stamps[nTrials - 1] - (tailStart > 0 ? stamps[tailStart - 1] : t0)) / tailN;
  return { nTrials, wallMs: wall, meanMsPerTrial: wall / nTrials, last10pctMsPerTrial: tail, bestValue: best };
}

/** Checkpoints of the multi-objective benchmark (issue #14: after 100 and 300 trials). */
export const MO_CHECKPOINTS = [100, 300] as const;

export interface MultiObjectiveRunResult {
  readonly values: number[][];
  /** Hypervolume under the problem's reference after each checkpoint ≤ trials (and the last trial count). */
  readonly hypervolumeAfter: Record<string, number>;
  readonly overheadMsPerTrial: number;
}

/**
 * Minimises every objective of `problem` for `nTrials` sequential trials and records the dominated
 * hypervolume at the checkpoints; the overhead is wall time minus time inside the objective.
 */
export function runMultiObjectiveStudy(problem: MultiObjectiveProblem, sampler: Sampler, nTrials: number): MultiObjectiveRunResult {
  const trials: FrozenTrial[] = [];
  const values: number[][] = [];
  const directions = problem.reference.map(() => 'minimize' as const);
  let objectiveMs = 0;
  const t0 = performance.now();
  for (let i = 0; i < nTrials; i++) {
    const params = sampler.sample({ space: problem.space, direction: 'minimize', directions, trials, budget: nTrials });
    const te = performance.now();
    const v = problem.evaluate(params);
    objectiveMs += performance.now() - te;
    trials.push({ number: i, state: 'complete', params, value: v[0], values: v, intermediate: new Map() });
    values.push(v);
  }
  const wall = performance.now() - t0;
  const history = hypervolumeHistory(values, problem.reference);
  const hypervolumeAfter: Record<string, number> = {};
  for (const c of [...MO_CHECKPOINTS.filter(c => c < nTrials), nTrials]) hypervolumeAfter[String(c)] = history[c - 1];
  return { values, hypervolumeAfter, overheadMsPerTrial: (wall - objectiveMs) / nTrials };
}
