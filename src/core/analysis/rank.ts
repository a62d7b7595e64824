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
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => keys[a] - keys[b] || a - b);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && keys[order[end]] === keys[order[start]]) end++;
    const rank = (start + end - 1) / 2 / (n - 1);
    for (let k = start; k < end; k++) out[order[k]] = rank;
    start = end;
  }
  return out;
}

/** The value at a rank fraction q in [0, 1] (0 = best) of a set: the colour bar's labels. */
export function valueAtRank(values: ArrayLike<number>, direction: Direction, q: number): number {
  const sorted = Float64Array.from(values).filter(v => !Number.isNaN(v)).sort();
  if (sorted.length === 0) return NaN;
  const i = Math.round(Math.max(0, Math.min(1, q)) * (sorted.length - 1));
  return direction === 'minimize' ? sorted[i] : sorted[sorted.length - 1 - i];
}
