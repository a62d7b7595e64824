/**
 * A parallel study simulated faithfully, the way the study loop runs one with `parallel: k`: k
 * trials are proposed before any result is known, each runs for a random (seeded) duration, and
 * results are told in completion order; every time a trial ends the next one is proposed while the
 * other k − 1 are still running, so the sampler sees them as running trials with their params
 * (never with a value). With k = 1 this is exactly the sequential ask/tell loop.
 *
 * The durations depend only on the seed, never on the sampler or the values, so two samplers (ours
 * and Optuna's through an ask/tell pipe) run with the same seed meet the same completion order.
 */
import { mixSeed, Rng } from '../search/rng';
import type { FrozenTrial, ParamValue, Sampler, SearchSpace } from '../search/types';
import type { Params } from './problems';
import { checkpointsFor, type SamplerRunResult } from './runner';

/** Something that proposes trials and learns their results: our samplers, or Optuna over a pipe. */
export interface Proposer {
  /** Params of trial `number`; `trials` holds every trial so far (running ones without a value). */
  ask(trials: readonly FrozenTrial[], number: number): Record<string, ParamValue> | Promise<Record<string, ParamValue>>;
  /** The result of trial `number` (our samplers read it from `trials` instead). */
  tell?(number: number, value: number): void | Promise<void>;
}

export interface ParallelRunOptions {
  /** Trials running at once (1 = sequential). */
  readonly parallel: number;
  /** Seeds the trial durations (independent of the sampler's seed). */
  readonly seed: number;
  /** The planned budget the sampler is told (default: nTrials). */
  readonly budget?: number;
  readonly signal?: AbortSignal;
}

export interface ParallelRunResult extends SamplerRunResult {
  /** Values in completion order (the order the sampler learnt them). */
  readonly completionOrder: number[];
  /** How many running trials the sampler saw at each proposal, by trial number. */
  readonly pendingAtProposal: number[];
}

interface Running {
  readonly number: number;
  readonly finishAt: number;
  readonly value: number;
}

/**
 * Trial durations: log-normal with σ = 0.5 (a trial often takes 1.6× or 0.6× the median), so the
 * completion order differs from the proposal order as it does on real machines.
 */
function durationRng(seed: number): () => number {
  const rng = new Rng(mixSeed(seed, 0x7d1a));
  return () => Math.exp(0.5 * rng.normal());
}

/** Our sampler as a proposer: it reads everything (running trials included) from the study view. */
export function samplerProposer(sampler: Sampler, space: SearchSpace, budget: number): Proposer {
  return { ask: trials => sampler.sample({ space, direction: 'minimize', trials, budget }) };
}

/** The running trial that ends first (ties: the lower number). */
function nextToFinish(running: readonly Running[]): number {
  let k = 0;
  for (let i = 1; i < running.length; i++) {
    const a = running[i];
    const b = running[k];
    if (a.finishAt < b.finishAt || (a.finishAt === b.finishAt && a.number < b.number)) k = i;
  }
  return k;
}

/**
 * Minimises `evaluate` for `nTrials` trials with `parallel` of them in flight. The objective is
 * evaluated when a trial starts (so an external evaluator is used in order) but its value is only
 * told when the simulated duration has passed.
 */
export async function runParallelStudy(
  space: SearchSpace,
  evaluate: (p: Params) => number | Promise<number>,
  proposer: Sampler | Proposer,
  nTrials: number,
  opts: ParallelRunOptions,
): Promise<ParallelRunResult> {
  const parallel = Math.floor(opts.parallel);
  if (!(parallel >= 1)) throw new Error(`parallel must be a positive integer, got ${opts.parallel}`);
  const propose = 'sample' in proposer ? samplerProposer(proposer, space, opts.budget ?? nTrials) : proposer;
  const duration = durationRng(opts.seed);
  const trials: FrozenTrial[] = [];
  const running: Running[] = [];
  const values: number[] = new Array(nTrials);
  const completionOrder: number[] = [];
  const pendingAtProposal: number[] = [];
  let now = 0;
  let objectiveMs = 0;
  let best = Infinity;
  let bestParams: Record<string, ParamValue> = {};
  const t0 = performance.now();
  while (completionOrder.length < nTrials) {
    while (running.length < parallel && trials.length < nTrials) {
      if (opts.signal?.aborted) throw new Error('aborted');
      const number = trials.length;
      pendingAtProposal.push(running.length);
      const params = await propose.ask(trials, number);
      trials.push({ number, state: 'running', params, intermediate: new Map() });
      const te = performance.now();
      const value = await evaluate(params);
      objectiveMs += performance.now() - te;
      if (typeof value !== 'number' || Number.isNaN(value)) throw new Error(`objective returned ${String(value)} for ${JSON.stringify(params)}`);
      running.push({ number, finishAt: now + duration(), value });
    }
    const done = running.splice(nextToFinish(running), 1)[0];
    now = done.finishAt;
    const t = trials[done.number];
    trials[done.number] = { number: t.number, state: 'complete', params: t.params, value: done.value, intermediate: t.intermediate };
    await propose.tell?.(done.number, done.value);
    values[done.number] = done.value;
    completionOrder.push(done.value);
    if (done.value < best) {
      best = done.value;
      bestParams = t.params as Record<string, ParamValue>;
    }
  }
  const wall = performance.now() - t0;
  const bestValueAfter: Record<string, number> = {};
  for (const c of checkpointsFor(nTrials)) bestValueAfter[String(c)] = Math.min(...completionOrder.slice(0, c));
  return { values, completionOrder, bestValueAfter, overheadMsPerTrial: (wall - objectiveMs) / nTrials, bestParams, pendingAtProposal };
}
