/**
 * When a short trial's metric stream has said enough: the rules the lr-find pruner stops trials by, and
 * that the analysis reads back from the journal to tell why each trial ended. Pure functions of the
 * values reported so far (in step order), so a resumed lr-find decides exactly as before.
 */
import type { Direction } from '../search/types';

export interface StreamRules {
  /** Reports after which a trial has said enough in any case. */
  readonly maxReports: number;
  /** Reports before a trial may be judged levelled off (early stop of a flat curve). */
  readonly minReports: number;
  /** Diverged: the latest reports (median of three) are worse than the first by more than this share of its size. */
  readonly divergence: number;
  /** Levelled off: the last third of the reports improved on the best before them by less than this share of the whole drop so far. */
  readonly levelled: number;
}

export type StreamVerdict = 'diverged' | 'budget' | 'levelled' | undefined;

export function streamRules(options: { maxReports?: number; minReports?: number; divergence?: number; levelled?: number } = {}): StreamRules {
  const maxReports = options.maxReports ?? 10;
  if (!Number.isInteger(maxReports) || maxReports < 2) throw new Error(`max_reports must be a whole number of at least 2, got ${maxReports}`);
  const minReports = options.minReports ?? Math.max(4, Math.ceil(0.6 * maxReports));
  if (!Number.isInteger(minReports) || minReports < 2) throw new Error(`min_reports must be a whole number of at least 2, got ${minReports}`);
  const divergence = options.divergence ?? 0.5;
  if (!(divergence > 0)) throw new Error(`divergence must be a positive share (e.g. 0.5 = 50% worse than the first report), got ${divergence}`);
  const levelled = options.levelled ?? 0.02;
  if (!(levelled >= 0 && levelled < 1)) throw new Error(`levelled must be a share from 0 to 1, got ${levelled}`);
  return { maxReports, minReports, divergence, levelled };
}

/** How much worse `a` is than `b` in this direction (positive = worse). */
function worseBy(direction: Direction, a: number, b: number): number {
  return direction === 'minimize' ? a - b : b - a;
}

function best(direction: Direction, values: readonly number[]): number {
  return direction === 'minimize' ? Math.min(...values) : Math.max(...values);
}

/** The median of the latest three reports (the latest one while there are fewer). */
function latestLevel(values: readonly number[]): number {
  if (values.length < 3) return values[values.length - 1];
  return [...values.slice(-3)].sort((a, b) => a - b)[1];
}

/**
 * True when the latest reports show the run blowing up: much worse than where it started. Judged on the
 * median of the latest three reports, so one spike of a noisy high-rate run (which a complete run at that
 * rate often rides out) is not taken for divergence; a run that really blows up stays up and is caught a
 * report later (and a NaN at once, by the divergence guard).
 */
export function hasDiverged(values: readonly number[], direction: Direction, rules: StreamRules): boolean {
  if (values.length < 2) return false;
  const first = values[0];
  const latest = latestLevel(values);
  const scale = Math.max(Math.abs(first), Math.abs(worseBy(direction, first, best(direction, values))), 1e-12);
  return worseBy(direction, latest, first) > rules.divergence * scale;
}

/** True when the last third of the reports brought (almost) nothing the earlier ones had not reached. */
export function hasLevelled(values: readonly number[], direction: Direction, rules: StreamRules): boolean {
  if (values.length < rules.minReports) return false;
  const window = Math.max(2, Math.floor(values.length / 3));
  const before = values.slice(0, values.length - window);
  const recent = values.slice(values.length - window);
  const drop = worseBy(direction, values[0], best(direction, values));
  const gained = worseBy(direction, best(direction, before), best(direction, recent));
  return gained <= rules.levelled * Math.max(drop, 1e-12);
}

/** Why a trial with these reports should stop now (undefined: let it go on). */
export function judgeStream(values: readonly number[], direction: Direction, rules: StreamRules): StreamVerdict {
  if (hasDiverged(values, direction, rules)) return 'diverged';
  if (values.length >= rules.maxReports) return 'budget';
  if (hasLevelled(values, direction, rules)) return 'levelled';
  return undefined;
}
