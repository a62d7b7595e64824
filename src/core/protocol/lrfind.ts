/**
 * Messages between the extension and the learning-rate finder panel (`hpstudio.lrfind`). Both ends
 * import this file: the types keep them in step at compile time, the checks at run time.
 */
import { STUDY_RUN_STATES, type StudyRunState } from '../study/summary';
import { arr, bool, int, lit, nullable, num, numOrNaN, obj, oneOf, optional, str, union, type Check } from './validate';

export interface LrPointView {
  readonly lr: number;
  readonly trial: number;
  readonly status: 'ok' | 'diverged' | 'failed' | 'running';
  /** The trial's loss at the common report; null at the edge (diverged, failed). */
  readonly loss: number | null;
  readonly smoothed: number | null;
  readonly reports: number;
  readonly why?: string;
}

export interface LrRefinedView {
  readonly rates: readonly number[];
  /** Reports each longer run gives. */
  readonly reports: number;
  readonly state: 'pending' | 'running' | 'done' | 'all-diverged';
  readonly chosen: number | null;
  readonly lowest: number | null;
  readonly points: readonly LrPointView[];
}

/** One short run's reports, for the small learning-curves chart. */
export interface LrCurveView {
  readonly trial: number;
  readonly lr: number;
  readonly steps: readonly number[];
  readonly values: readonly number[];
}

export interface LrFindView {
  readonly study: string;
  readonly param: string;
  readonly metric: string;
  readonly direction: 'minimize' | 'maximize';
  readonly state: StudyRunState;
  readonly done: number;
  readonly budget: number;
  readonly verdict: string;
  readonly message: string;
  readonly advice: string | null;
  readonly suggested: number | null;
  readonly points: readonly LrPointView[];
  readonly curves: readonly LrCurveView[];
  readonly steepest: { readonly lr: number; readonly low: number; readonly high: number } | null;
  readonly minimum: { readonly lr: number; readonly loss: number } | null;
  readonly floor: number | null;
  readonly rise: number | null;
  readonly divergedAbove: number | null;
  readonly range: { readonly low: number; readonly high: number } | null;
  /** The second pass: longer runs around the first suggestion, drawn apart from the curve (absent in states saved before it). */
  readonly refined?: LrRefinedView | null;
  /** The config Apply writes into, relative to the workspace; null when the lr-find does not know it. */
  readonly applyTarget: string | null;
  /** The study file whose range Narrow edits, relative to the workspace. */
  readonly narrowTarget: string | null;
  /** What the last Apply or Narrow did (or why it did nothing). */
  readonly note: string | null;
  readonly trusted: boolean;
}

export type HostToLrFind = { readonly type: 'state'; readonly view: LrFindView };

export type LrFindAction = 'apply' | 'narrow' | 'showCurves' | 'openStudyFile' | 'resume' | 'stop';

export type LrFindToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'action'; readonly action: LrFindAction }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string };

export const LRFIND_LIMITS = { points: 1_000, curves: 1_000, reportsPerCurve: 20_000, text: 4_000 } as const;

const range3 = obj({ lr: num, low: num, high: num });
const point = obj({
  lr: num,
  trial: int,
  status: oneOf('ok', 'diverged', 'failed', 'running'),
  loss: nullable(numOrNaN),
  smoothed: nullable(numOrNaN),
  reports: int,
  why: optional(str(LRFIND_LIMITS.text)),
});
const view = obj({
  study: str(500),
  param: str(500),
  metric: str(500),
  direction: oneOf('minimize', 'maximize'),
  state: oneOf<StudyRunState>(...STUDY_RUN_STATES),
  done: int,
  budget: int,
  verdict: str(100),
  message: str(LRFIND_LIMITS.text),
  advice: nullable(str(LRFIND_LIMITS.text)),
  suggested: nullable(num),
  points: arr(point, LRFIND_LIMITS.points),
  curves: arr(obj({ trial: int, lr: num, steps: arr(num, LRFIND_LIMITS.reportsPerCurve), values: arr(numOrNaN, LRFIND_LIMITS.reportsPerCurve) }), LRFIND_LIMITS.curves),
  steepest: nullable(range3),
  minimum: nullable(obj({ lr: num, loss: numOrNaN })),
  floor: nullable(num),
  rise: nullable(num),
  divergedAbove: nullable(num),
  range: nullable(obj({ low: num, high: num })),
  refined: optional(nullable(obj({
    rates: arr(num, LRFIND_LIMITS.points),
    reports: int,
    state: oneOf('pending', 'running', 'done', 'all-diverged'),
    chosen: nullable(num),
    lowest: nullable(num),
    points: arr(point, LRFIND_LIMITS.points),
  }))),
  applyTarget: nullable(str(4096)),
  narrowTarget: nullable(str(4096)),
  note: nullable(str(LRFIND_LIMITS.text)),
  trusted: bool,
});

export const hostToLrFind: Check<HostToLrFind> = union<HostToLrFind>({ state: obj({ type: lit('state'), view }) as Check<HostToLrFind> });

export const lrFindToHost: Check<LrFindToHost> = union<LrFindToHost>({
  ready: obj({ type: lit('ready') }),
  action: obj({ type: lit('action'), action: oneOf<LrFindAction>('apply', 'narrow', 'showCurves', 'openStudyFile', 'resume', 'stop') }),
  log: obj({ type: lit('log'), level: oneOf('info', 'warn', 'error'), message: str(LRFIND_LIMITS.text) }),
});
