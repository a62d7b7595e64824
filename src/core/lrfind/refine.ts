/**
 * The lr-find's second pass. The first pass' short runs see only the start of training, and how a rate
 * ranks there is not how it ranks at the end: on a problem with uneven curvature a high rate bounces at
 * first and wins later; on a noisy one a high rate wins early and loses to its noise floor later. So
 * after the first pass its suggestion, a rate below it and two above it (REFINE_FACTORS × it) run
 * REFINE_LENGTH times longer, and the one whose loss ends lowest is the suggestion, unless it won by no
 * more than the runs' noise: then the lower of it and the first suggestion is (see judgeRefinement).
 * test/bench/lrfind.bench.ts measures the factors and the length against complete runs over a fine grid.
 *
 * Refinement trials live in the same journal as the first pass; they are told apart by their rate: the
 * first pass' rates are its log-spaced grid (LrFindSampler.rates), refinement rates are kept off it.
 */
import type { Direction, ParamValue, Sampler, StudyView } from '../search/types';
import { decidedPart, noiseLevel, roundRate, scoreOf, statusOf, type LrFindInput, type LrFindResult, type LrPoint, type LrTrial } from './analysis';
import { LrFindSampler, sameRate } from './sampler';
import { lrParameter, LR_FIND } from './spec';
import type { StreamRules } from './stream';
import { describeResult } from './words';

/**
 * Rates of the second pass, as multiples of the first pass' suggestion: one below it, so the pass can move
 * down as well as up (on a noisy problem the first pass, seeing only the start, points too high), and two
 * above it (on uneven curvature a higher rate wins in the end).
 */
export const REFINE_FACTORS = [1 / Math.sqrt(3), 1, Math.sqrt(3), 3] as const;
/**
 * The second pass' runs give this many times the first pass' reports (3 × 10 = 30 by default): long enough
 * for the noise floor of a too-high rate to show, inside the bar's 20% of a fine grid's training steps
 * together with the first pass (test/bench/lrfind.bench.ts).
 */
export const REFINE_LENGTH = 3;

/** How many times the runs' noise the rate that ended lowest must beat a lower rate by to be chosen over it. */
export const NOISE_MARGIN = 2;

/** The second pass stops a run only when it diverges or reaches its (longer) report budget. */
export function refineRules(rules: StreamRules): StreamRules {
  const maxReports = Math.round(REFINE_LENGTH * rules.maxReports);
  return { ...rules, maxReports, minReports: maxReports + 1 };
}

/** The first pass' rates of a study with this space and planned number of trials. */
export function firstPassRates(space: StudyView['space'], planned: number): number[] {
  return LrFindSampler.rates({ space, budget: planned });
}

/**
 * The second pass' rates around a suggestion, inside [low, high] and off the first pass' grid (a rate
 * that would fall on the grid moves up by 1%, so the two passes stay apart in one journal).
 */
export function refinementRates(suggested: number, grid: readonly number[], low: number, high: number): number[] {
  const out: number[] = [];
  for (const f of REFINE_FACTORS) {
    let r = roundRate(suggested * f);
    if (r < low || r > high) continue;
    while (grid.some(g => sameRate(g, r)) || out.some(o => sameRate(o, r))) r = Number((r * 1.01).toPrecision(3));
    out.push(r);
  }
  return out;
}

/** Hands out the second pass' rates that have no trial yet (the driver sets the budget to their number). */
export class LrRefineSampler implements Sampler {
  readonly name = LR_FIND;

  constructor(private readonly rates: readonly number[]) {}

  sample(study: StudyView): Record<string, ParamValue> {
    const { name } = lrParameter(study.space);
    const next = this.rates.find(rate => !study.trials.some(t => sameRate(t.params[name], rate)));
    if (next === undefined) throw new Error('every rate of the refinement has been tried');
    return { [name]: next };
  }
}

export interface Refinement {
  /** The second pass' rates (planned), and the suggestion they were placed around. */
  readonly rates: readonly number[];
  readonly around: number;
  /** Reports each run gives (its budget) and the report its loss is compared at. */
  readonly reports: number;
  readonly points: readonly LrPoint[];
  /**
   * The suggestion: the lowest rate whose loss ended within NOISE_MARGIN × the runs' noise of the lowest
   * ending loss (the rate that ended lowest when no lower rate comes that close).
   */
  readonly chosen?: number;
  /** The rate whose loss ended lowest (differs from `chosen` when it won by noise alone). */
  readonly lowest?: number;
  /** Within-run noise of the runs' losses (robust spread of consecutive reports). */
  readonly noise?: number;
  readonly state: 'pending' | 'running' | 'done' | 'all-diverged';
}

/** The second pass from its trials: each run's loss at the common report, and the lowest. */
export function judgeRefinement(trials: readonly LrTrial[], rates: readonly number[], around: number, direction: Direction, rules: StreamRules): Refinement {
  const all = trials.filter(t => t.state !== 'waiting' && !(t.state === 'fail' && t.requeued));
  // Scored on the reports up to the pruner's decision (decidedPart); the reports made count in full.
  const live = all.map(t => decidedPart(t, direction, rules));
  let step = -Infinity;
  for (const t of live) {
    const k = Math.min(t.values.length, rules.maxReports);
    if (k > 0) step = Math.max(step, t.values[k - 1][0]);
  }
  const points: LrPoint[] = live
    .map((t, i) => {
      const { status, why } = statusOf(t, direction, rules);
      const loss = status === 'ok' || status === 'running' ? scoreOf(t, step, 3) : null;
      return { lr: t.lr, trial: t.number, status, loss, smoothed: null, reports: all[i].values.length, why };
    })
    .sort((a, b) => a.lr - b.lr);
  const base = { rates, around, reports: rules.maxReports, points };
  if (live.length === 0) return { ...base, state: 'pending' };
  const missing = rates.some(r => !points.some(p => sameRate(p.lr, r)));
  if (missing || points.some(p => p.status === 'running')) return { ...base, state: 'running' };
  const sign = direction === 'minimize' ? 1 : -1;
  const ok = points.filter(p => p.status === 'ok' && p.loss !== null);
  if (ok.length === 0) return { ...base, state: 'all-diverged' };
  const best = ok.reduce((a, b) => (sign * (b.loss as number) < sign * (a.loss as number) ? b : a));
  // The rate that ended lowest wins outright only when it beat every lower rate by more than NOISE_MARGIN ×
  // the runs' own noise: on a noisy problem the ranking of close rates at the end of a run is a coin toss.
  // Among the rates within the noise of it the lowest is taken: SGD's stationary loss and its spread grow
  // with the rate, and that floor shows late in training, after these runs end. (Comparing the lowest with
  // the first suggestion's run alone kept a too-high suggestion whose own run ended badly by chance: the
  // bench's MLP, seed 4, 0.031 kept over 0.018 that ended level with the lowest — 1.21× the expected best
  // final loss against 1.14×; test/bench/lrfind.bench.ts.)
  const noise = noiseLevel(live.filter(t => ok.some(p => p.trial === t.number)));
  const close = ok.filter(p => sign * ((p.loss as number) - (best.loss as number)) <= NOISE_MARGIN * noise);
  const chosen = Math.min(...close.map(p => p.lr));
  return { ...base, chosen, lowest: best.lr, noise, state: 'done' };
}

/**
 * The first pass' result with its second pass: the suggestion the longer runs chose, and the words for it.
 */
export function withRefinement(first: LrFindResult, refinement: Refinement, input: LrFindInput, studyRunning = false): LrFindResult {
  if (first.verdict !== 'ok') return first;
  // The second pass is due once the first has a suggestion: none to apply until it has spoken (the study
  // shows as finished for a moment between the passes; an lr-find from before this pass resumes into it).
  const f: Refinement = refinement.state === 'pending' ? { ...refinement, state: 'running' } : refinement;
  const trials = first.trials + f.points.length;
  const reports = first.reports + f.points.reduce((n, p) => n + p.reports, 0);
  const merged: LrFindResult =
    f.state === 'running' ? { ...first, verdict: 'running', suggested: null, refined: f, trials, reports }
    : f.state === 'all-diverged' ? { ...first, verdict: 'refine-diverged', suggested: null, refined: f, trials, reports }
    : { ...first, suggested: f.chosen as number, refined: f, trials, reports };
  const { advice: _drop, ...rest } = merged;
  const words = describeResult(merged, input);
  if (f.state === 'running' && !studyRunning) return { ...rest, ...words, advice: 'Resume the lr-find to finish its second pass (running it again does).' };
  return { ...rest, ...words };
}
