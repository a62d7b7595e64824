/**
 * Optimization history: each finished trial's value in trial order, and the best value so far.
 * Non-finite values (a diverged NaN loss) are kept as points flagged `finite: false` so the plot can
 * show them, but they never become the best.
 */
import type { Direction } from '../search/types';
import { isBetter, type AnalysedTrial } from './space';

export interface HistoryPoint {
  readonly number: number;
  readonly value: number;
  /** Best finite value among this trial and the ones numbered before it (NaN until there is one). */
  readonly best: number;
  /** The trial that holds `best` (-1 until there is one). */
  readonly bestTrial: number;
  readonly finite: boolean;
}

export function optimizationHistory(trials: readonly AnalysedTrial[], direction: Direction): HistoryPoint[] {
  const withValue = trials.filter((t): t is AnalysedTrial & { value: number } => typeof t.value === 'number').sort((a, b) => a.number - b.number);
  const out: HistoryPoint[] = [];
  let best = NaN;
  let bestTrial = -1;
  for (const t of withValue) {
    const finite = Number.isFinite(t.value);
    if (finite && (bestTrial < 0 || isBetter(direction, t.value, best))) {
      best = t.value;
      bestTrial = t.number;
    }
    out.push({ number: t.number, value: t.value, best, bestTrial, finite });
  }
  return out;
}

/** The best trial's number among finite values, or null when no trial has one. */
export function bestTrialNumber(trials: readonly AnalysedTrial[], direction: Direction): number | null {
  let best: AnalysedTrial & { value: number } | null = null;
  for (const t of trials) {
    if (typeof t.value !== 'number' || !Number.isFinite(t.value)) continue;
    if (!best || isBetter(direction, t.value, best.value) || (t.value === best.value && t.number < best.number)) best = t as AnalysedTrial & { value: number };
  }
  return best ? best.number : null;
}
