/**
 * Colour by rank rather than by raw value: with raw values one outlier spends the whole colour scale
 * (every other line gets the "best" colour); ranks spread the scale over the trials evenly.
 */
import type { Direction } from '../search/types';

/**
 * Per value, its "badness" in [0, 1]: 0 for the best, 1 for the worst, by rank (ties share their mean
 * rank). NaN counts as worst of all; a single value is 0.
 */
export function rankBadness(values: ArrayLike<number>, direction: Direction): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (n <= 1) return out;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = Number.isNaN(values[i]) ? Infinity : direction === 'minimize' ? values[i] : -values[i];
  // A typed-array sort (native, no comparator) and two binary searches per value: ties get the mean
  // of the first and last rank they span. Several times faster than sorting indices with a closure.
  const sorted = keys.slice().sort();
  for (let i = 0; i < n; i++) {
    const first = bound(sorted, keys[i], false);
    const last = bound(sorted, keys[i], true) - 1;
    out[i] = (first + last) / 2 / (n - 1);
  }
  return out;
}

/** First index whose value is ≥ key (or > key when `after`). */
function bound(sorted: Float64Array, key: number, after: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < key || (after && sorted[mid] === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The value at a rank fraction q in [0, 1] (0 = best) of a set: the colour bar's labels. */
export function valueAtRank(values: ArrayLike<number>, direction: Direction, q: number): number {
  const sorted = Float64Array.from(values).filter(v => !Number.isNaN(v)).sort();
  if (sorted.length === 0) return NaN;
  const i = Math.round(Math.max(0, Math.min(1, q)) * (sorted.length - 1));
  return direction === 'minimize' ? sorted[i] : sorted[sorted.length - 1 - i];
}
