/**
 * From an lr-find's short trials to a suggestion with its reason. Each finished trial becomes one point
 * of the loss-vs-rate curve: its loss at the common report (the median of its last half, so a spike or
 * two of a noisy short run cannot move it); diverged and failed trials sit at the edge. The curve is
 * smoothed across rates by a 3-point running median before any decision, so one noisy rate cannot move
 * it. (No further averaging: weights like 1-2-1 smear a noisy rate at the top of the valley into its
 * neighbours and shift the floor and minimum; test/bench/lrfind.bench.ts measured that.)
 *   - where the loss falls fastest: the steepest descent of the smoothed curve (in log loss when the loss
 *     is positive), and the region around it at least half as steep;
 *   - where it reaches its floor (the lowest rate within 10% of the drop of its minimum), where it is
 *     lowest, and where it rises again (10% of the drop above the minimum) or diverges;
 *   - the suggestion: half a grid step (÷1.5) below where the floor begins. Short runs favour rates
 *     that are a little too high for a full run; the entrance of the valley, not its lowest point, is
 *     what complete runs reward (test/bench/lrfind.bench.ts measures this against complete runs).
 * When the curve cannot decide (still falling at the top, lowest at the bottom, flat, everything
 * diverged or failed) there is no suggestion, a verdict saying so and what to try.
 */
import type { Direction, TrialState } from '../search/types';
import { judgeStream, type StreamRules } from './stream';
import type { Refinement } from './refine';
import { describeResult } from './words';

export interface LrTrial {
  readonly number: number;
  readonly lr: number;
  readonly state: TrialState;
  /** The objective's finite reports, [step, value], in step order. */
  readonly values: readonly (readonly [number, number])[];
  /** The metric turned NaN or infinite at this step (the divergence guard's marker). */
  readonly nonFinite?: { readonly step: number; readonly value: string };
  readonly error?: string;
  /** A failure that was queued again: its retry stands for it. */
  readonly requeued?: boolean;
}

export interface LrFindInput {
  readonly param: string;
  readonly metric: string;
  readonly direction: Direction;
  readonly rules: StreamRules;
  readonly trials: readonly LrTrial[];
  /** The range and number of rates planned (for the advice when the range is too narrow). */
  readonly low?: number;
  readonly high?: number;
  readonly planned?: number;
}

export type PointStatus = 'ok' | 'diverged' | 'failed' | 'running';

export interface LrPoint {
  readonly lr: number;
  readonly trial: number;
  readonly status: PointStatus;
  /** The trial's loss at the common report (null when it diverged or failed). */
  readonly loss: number | null;
  /** The smoothed curve at this rate (ok points only). */
  readonly smoothed: number | null;
  readonly reports: number;
  /** Why it sits at the edge (the NaN step, the error's first line). */
  readonly why?: string;
}

export type LrVerdict = 'ok' | 'running' | 'refine-diverged' | 'no-data' | 'too-few' | 'all-diverged' | 'all-failed' | 'ignored' | 'flat' | 'still-falling' | 'lowest-at-bottom';

export interface LrFindResult {
  readonly param: string;
  readonly metric: string;
  readonly direction: Direction;
  readonly verdict: LrVerdict;
  readonly points: readonly LrPoint[];
  /** Where the loss falls fastest, and the region at least half as steep. */
  readonly steepest?: { readonly lr: number; readonly low: number; readonly high: number };
  readonly minimum?: { readonly lr: number; readonly loss: number };
  /** The lowest rate whose loss is already within 10% of the drop of the minimum: the valley's entrance. */
  readonly floor?: number;
  /** The rate above which the loss is clearly up again. */
  readonly rise?: number;
  /** The lowest rate above the minimum that diverged or failed. */
  readonly divergedAbove?: number;
  readonly suggested: number | null;
  /** The reason in words ("the loss falls fastest around 0.3; it diverges above 2.5; suggested 0.6"). */
  readonly message: string;
  /** What to try when there is no suggestion (or the range cut the curve short). */
  readonly advice?: string;
  /** Trials that ran (or run) and metric reports they gave. */
  readonly trials: number;
  readonly reports: number;
  readonly range?: { readonly low: number; readonly high: number };
  /** The second pass: longer runs around the first pass' suggestion (refine.ts), once it has begun. */
  readonly refined?: Refinement;
}

/** The suggestion sits this factor (half a step of a 3-per-decade grid) below the valley's entrance. */
export const BACK_OFF = 1.5;
/** The floor begins, and the loss "rises again", this share of the drop away from its minimum. */
const SHARE = 0.1;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Two significant digits: what a person writes into a config (0.0072, 0.25, 1.5). */
export function roundRate(x: number): number {
  return Number(x.toPrecision(2));
}

/** The step every trial is compared at: where the trials that ran their full budget stopped. */
function commonStep(trials: readonly LrTrial[], rules: StreamRules): number {
  let step = -Infinity;
  for (const t of trials) {
    const k = Math.min(t.values.length, rules.maxReports);
    if (k > 0) step = Math.max(step, t.values[k - 1][0]);
  }
  return step;
}

/** Why a trial ended, read back from its reports with the pruner's own rules. */
export function statusOf(t: LrTrial, direction: Direction, rules: StreamRules): { status: PointStatus; why?: string } {
  if (t.nonFinite) return { status: 'diverged', why: `${t.nonFinite.value} at step ${t.nonFinite.step}` };
  if (t.state === 'fail') return { status: 'failed', why: (t.error ?? 'failed').split('\n')[0] };
  const values = t.values.map(([, v]) => v);
  for (let k = 1; k <= values.length; k++) {
    const verdict = judgeStream(values.slice(0, k), direction, rules);
    if (verdict === 'diverged') return { status: 'diverged', why: `the loss rose well above its start by report ${k}` };
    if (verdict) break;
  }
  return { status: t.state === 'running' ? 'running' : 'ok' };
}

/**
 * The reports up to the one at which the pruner's rules said "enough". Reports a trial made after that
 * (while its stop was on the way) depend on how busy the machine was, so the analysis leaves them out:
 * the same journal gives the same answer on a fast and a loaded machine. They still count as spent.
 */
export function decidedPart(t: LrTrial, direction: Direction, rules: StreamRules): LrTrial {
  const values = t.values.map(([, v]) => v);
  for (let k = 1; k <= values.length; k++) {
    if (judgeStream(values.slice(0, k), direction, rules)) return k === values.length ? t : { ...t, values: t.values.slice(0, k) };
  }
  return t;
}

/** The trial's loss at the common step: the median of its last `last` reports up to there (default: its last half). */
export function scoreOf(t: LrTrial, step: number, last?: number): number | null {
  const vals = t.values.filter(([s]) => s <= step).map(([, v]) => v);
  if (vals.length === 0) return null;
  return median(vals.slice(-(last ?? Math.max(2, Math.round(vals.length / 2)))));
}

/** 3-point running median across rates; the ends keep their own value. */
export function smoothCurve(ys: readonly number[]): number[] {
  const n = ys.length;
  if (n < 3) return [...ys];
  return ys.map((y, i) => (i === 0 || i === n - 1 ? y : median([ys[i - 1], y, ys[i + 1]])));
}

/** Within-trial noise: robust spread of consecutive differences over the last half of each trial. */
export function noiseLevel(trials: readonly LrTrial[]): number {
  const sigmas: number[] = [];
  for (const t of trials) {
    const v = t.values.slice(Math.floor(t.values.length / 2)).map(([, x]) => x);
    if (v.length < 3) continue;
    const diffs = v.slice(1).map((x, i) => Math.abs(x - v[i]));
    sigmas.push(median(diffs) / (0.6745 * Math.SQRT2));
  }
  return sigmas.length ? median(sigmas) : 0;
}

export function analyzeLrFind(input: LrFindInput): LrFindResult {
  const { direction, rules } = input;
  const live = input.trials.filter(t => t.state !== 'waiting' && !(t.state === 'fail' && t.requeued));
  const judged = live.map(t => decidedPart(t, direction, rules));
  const step = commonStep(judged, rules);
  const points: LrPoint[] = judged
    .map((t, i) => {
      const { status, why } = statusOf(t, direction, rules);
      const loss = status === 'ok' || status === 'running' ? scoreOf(t, step) : null;
      return { lr: t.lr, trial: t.number, status, loss, smoothed: null, reports: live[i].values.length, why };
    })
    .sort((a, b) => a.lr - b.lr || a.trial - b.trial);
  const base = {
    param: input.param,
    metric: input.metric,
    direction,
    trials: live.length,
    reports: live.reduce((n, t) => n + t.values.length, 0),
    range: input.low !== undefined && input.high !== undefined ? { low: input.low, high: input.high } : undefined,
  };
  const decided = decide(points, judged, input);
  const result: LrFindResult = { ...base, ...decided, message: '' };
  return { ...result, ...describeResult(result, input) };
}

type Decision = Omit<LrFindResult, 'param' | 'metric' | 'direction' | 'trials' | 'reports' | 'range' | 'message' | 'advice'>;

/** The verdict, the curve's landmarks and the suggestion, from the points (sorted by rate). */
function decide(points: LrPoint[], trials: readonly LrTrial[], input: LrFindInput): Decision {
  const ok = points.filter(p => p.status === 'ok' && p.loss !== null);
  const edge = points.filter(p => p.status === 'diverged' || p.status === 'failed');
  const running = points.some(p => p.status === 'running');
  const none = { points, suggested: null } as const;
  if (ok.length === 0) {
    if (running) return { ...none, verdict: 'running' };
    if (edge.length === 0) return { ...none, verdict: 'no-data' };
    return { ...none, verdict: edge.some(p => p.status === 'diverged') ? 'all-diverged' : 'all-failed' };
  }
  // Lower is better inside; a positive loss is compared on a log scale (its floor and rise are relative).
  const sign = input.direction === 'minimize' ? 1 : -1;
  const raw = ok.map(p => sign * (p.loss as number));
  const useLog = raw.every(v => v > 0);
  const t = smoothCurve(raw.map(v => (useLog ? Math.log(v) : v)));
  const back = (v: number) => sign * (useLog ? Math.exp(v) : v);
  const smoothedByTrial = new Map(ok.map((p, i) => [p.trial, back(t[i])]));
  const withCurve = points.map(p => (smoothedByTrial.has(p.trial) ? { ...p, smoothed: smoothedByTrial.get(p.trial) as number } : p));
  if (ok.length < 3) return { points: withCurve, suggested: null, verdict: running ? 'running' : 'too-few' };

  const spread = Math.max(...raw) - Math.min(...raw);
  const typical = Math.abs(median(raw));
  const okTrials = trials.filter(x => smoothedByTrial.has(x.number));
  if (spread <= 3 * noiseLevel(okTrials) + 0.01 * typical && edge.length === 0) {
    const decades = Math.log10(ok[ok.length - 1].lr / ok[0].lr);
    return { points: withCurve, suggested: null, verdict: decades >= 1.5 ? 'ignored' : 'flat' };
  }

  let iMin = 0;
  for (let i = 1; i < t.length; i++) if (t[i] < t[iMin]) iMin = i;
  const minimum = { lr: ok[iMin].lr, loss: back(t[iMin]) };
  const steepest = steepestRegion(ok.map(p => p.lr), t, iMin);
  const drop = Math.max(Math.max(...t.slice(0, iMin + 1)) - t[iMin], 0.05 * Math.abs(t[iMin]), 1e-12);
  const floorAt = t.findIndex((v, i) => i <= iMin && v - t[iMin] <= SHARE * drop);
  const floor = ok[floorAt].lr;
  const riseAt = t.findIndex((v, i) => i > iMin && v - t[iMin] > SHARE * drop);
  const rise = riseAt >= 0 ? ok[riseAt].lr : undefined;
  const divergedAbove = edge.find(p => p.lr > minimum.lr)?.lr;
  const decision = { points: withCurve, steepest, minimum, floor, rise, divergedAbove };
  if (running) return { ...decision, verdict: 'running', suggested: null };
  if (iMin === ok.length - 1 && divergedAbove === undefined) return { ...decision, verdict: 'still-falling', suggested: null };
  if (iMin === 0 && !steepest) return { ...decision, verdict: 'lowest-at-bottom', suggested: null };
  const suggested = roundRate(Math.max(floor / BACK_OFF, ok[0].lr));
  return { ...decision, verdict: 'ok', suggested };
}

/** Steepest descent of the smoothed curve left of its minimum, and the stretch at least half as steep. */
function steepestRegion(lrs: readonly number[], t: readonly number[], iMin: number): LrFindResult['steepest'] {
  const slopes: number[] = [];
  for (let i = 0; i < iMin; i++) slopes.push((t[i + 1] - t[i]) / Math.log(lrs[i + 1] / lrs[i]));
  if (slopes.length === 0) return undefined;
  let k = 0;
  for (let i = 1; i < slopes.length; i++) if (slopes[i] < slopes[k]) k = i;
  if (!(slopes[k] < 0)) return undefined;
  let a = k;
  let b = k;
  while (a > 0 && slopes[a - 1] <= 0.5 * slopes[k]) a--;
  while (b + 1 < slopes.length && slopes[b + 1] <= 0.5 * slopes[k]) b++;
  return { lr: Math.sqrt(lrs[k] * lrs[k + 1]), low: lrs[a], high: lrs[b + 1] };
}
