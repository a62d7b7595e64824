/**
 * Axis ranges and tick positions for the study plots. One diverged trial (a loss of 3e76 — divergence
 * is normal in tuning) must not flatten every other trial onto the zero line, so ranges are robust by
 * default: they cover the bulk of the values and every value that continues it, and leave out values
 * separated from it by a jump (those are drawn as markers at the edge by the views). Positive values
 * are judged in log10, since losses spread over decades; a range spanning more than three decades is
 * shown on a log scale.
 */

import { formatLogTicks, formatTicks } from './format';

export interface RobustRange {
  /** The axis bounds (padded; on a log axis both are positive). */
  readonly min: number;
  readonly max: number;
  readonly log: boolean;
  /** The smallest and largest finite value inside the range (NaN when there is none). */
  readonly lo: number;
  readonly hi: number;
  /** Finite values left out below and above the range. */
  readonly below: number;
  readonly above: number;
}

export interface RangeOptions {
  /** Log scale whenever the values allow it (all positive), not only when they span > 3 decades. */
  readonly forceLog?: boolean;
  /** Never a log scale. */
  readonly linear?: boolean;
  /** Space added on both sides, as a fraction of the span (default 0.04). */
  readonly pad?: number;
  /** Values that must stay inside the range whatever the others do (e.g. the best trial's). */
  readonly include?: readonly number[];
}

/** Below this many values there is no telling an outlier from an ordinary spread. */
export const MIN_VALUES_FOR_OUTLIERS = 4;
/** A value joins the range when the range at most doubles to take it in. */
const GROWTH = 2;
/** A log-space span floor (decades), so tightly bunched values still accept neighbours a factor 2 away. */
const LOG_FLOOR = 0.3;
/** Linear span floor relative to the median's magnitude. */
const LINEAR_FLOOR = 0.1;
/** Span of more than this many decades makes a log scale. */
export const LOG_DECADES = 3;

/**
 * Indices [from, to] (inclusive) of the sorted values kept in the range: the shortest window holding
 * half of them, grown one value at a time towards the nearer neighbour while that at most doubles the
 * window's span. A continuous tail is taken in step by step; a jump (3e76 after values below 10) is not.
 */
export function keptWindow(sorted: ArrayLike<number>, floor: number): [number, number] {
  const n = sorted.length;
  if (n < MIN_VALUES_FOR_OUTLIERS) return [0, n - 1];
  const half = Math.ceil(n / 2);
  let from = 0;
  for (let i = 1; i + half - 1 < n; i++) if (sorted[i + half - 1] - sorted[i] < sorted[from + half - 1] - sorted[from]) from = i;
  let to = from + half - 1;
  for (;;) {
    const span = sorted[to] - sorted[from];
    const left = from > 0 ? sorted[from] - sorted[from - 1] : Infinity;
    const right = to < n - 1 ? sorted[to + 1] - sorted[to] : Infinity;
    const gap = Math.min(left, right);
    if (!Number.isFinite(gap)) break;
    // With no floor (linear values around 0) and equal kept values there is nothing to squash: take it in.
    const scale = Math.max(span, floor);
    if (scale > 0 && span + gap > GROWTH * scale) break;
    if (left <= right) from--;
    else to++;
  }
  return [from, to];
}

export function robustRange(values: ArrayLike<number>, options: RangeOptions = {}): RobustRange {
  const finite: number[] = [];
  let positive = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    finite.push(v);
    if (v <= 0) positive = false;
  }
  const include = (options.include ?? []).filter(Number.isFinite);
  if (include.some(v => v <= 0)) positive = false;
  if (finite.length === 0 && include.length === 0) return { min: 0, max: 1, log: false, lo: NaN, hi: NaN, below: 0, above: 0 };
  // Sorted once in value order (log10 is monotonic), judged in log space when every value is positive.
  const sortedValues = Float64Array.from(finite).sort();
  const space = positive ? sortedValues.map(Math.log10) : sortedValues;
  let loValue = Infinity;
  let hiValue = -Infinity;
  if (sortedValues.length) {
    const median = space[Math.floor((space.length - 1) / 2)];
    const [from, to] = keptWindow(space, positive ? LOG_FLOOR : LINEAR_FLOOR * Math.abs(median));
    loValue = sortedValues[from];
    hiValue = sortedValues[to];
  }
  for (const v of include) {
    loValue = Math.min(loValue, v);
    hiValue = Math.max(hiValue, v);
  }
  let below = 0;
  let above = 0;
  for (const v of finite) {
    if (v < loValue) below++;
    else if (v > hiValue) above++;
  }
  // (Log only within the normal doubles: padding a denormal's logarithm would underflow to 0.)
  const log = !options.linear && positive && loValue >= 1e-300 && hiValue <= 1e300 && (options.forceLog === true || Math.log10(hiValue / loValue) > LOG_DECADES);
  const [min, max] = padded(loValue, hiValue, log, options.pad ?? 0.04);
  return { min, max, log, lo: loValue, hi: hiValue, below, above };
}

function padded(lo: number, hi: number, log: boolean, pad: number): [number, number] {
  if (log) {
    const a = Math.log10(lo);
    const b = Math.log10(hi);
    const p = b > a ? (b - a) * pad : 0.2;
    return [10 ** (a - p), 10 ** (b + p)];
  }
  if (hi > lo) {
    const p = (hi - lo) * pad;
    // A span beyond the largest double (−1e308 … 1e308) gets no padding rather than an infinite one.
    return Number.isFinite(p) ? [Math.min(lo, lo - p), Math.max(hi, hi + p)] : [lo, hi];
  }
  const p = lo === 0 ? 1 : Math.abs(lo) * 0.1;
  return [Math.min(lo, lo - p), Math.max(hi, hi + p)];
}

/** Where a value sits relative to a range: inside, or off the scale below/above (NaN: not placeable). */
export function offScale(range: Pick<RobustRange, 'lo' | 'hi'>, v: number): -1 | 0 | 1 | null {
  if (Number.isNaN(v)) return null;
  if (v < range.lo) return -1;
  if (v > range.hi) return 1;
  return 0;
}

/** "2 values off the scale" (or null when none are). */
export function offScaleNote(count: number, noun = 'value'): string | null {
  return count > 0 ? `${count} ${noun}${count === 1 ? '' : 's'} off the scale` : null;
}

/**
 * Round tick positions (1, 2, 2.5, 5 × 10ⁿ steps) covering [min, max], at most about `maxCount`;
 * `integer` axes (trial numbers, steps) get whole steps of 1, 2, 5 × 10ⁿ only.
 */
export function niceTicks(min: number, max: number, maxCount = 6, options: { integer?: boolean } = {}): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max <= min) return [min];
  let step = niceStep((max - min) / Math.max(1, maxCount));
  if (options.integer) step = step < 1 ? 1 : step === 2.5 ? 5 : step;
  const first = Math.ceil(min / step - 1e-9);
  const out: number[] = [];
  for (let k = first; k * step <= max + step * 1e-9 && out.length < 1000; k++) out.push(cleanFloat(k * step));
  return out.length ? out : [min, max];
}

export function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  const e = 1 + 1e-9;
  return (f <= e ? 1 : f <= 2 * e ? 2 : f <= 2.5 * e ? 2.5 : f <= 5 * e ? 5 : 10) * power;
}

/** 0.30000000000000004 → 0.3: tick values carry no float noise into labels or equality checks. */
function cleanFloat(v: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(15));
}

/**
 * Log-axis ticks at decades (every k-th decade when there are many), or at 1-2-5 steps when the range
 * spans less than two decades. Never uneven steps like 1e21, 1e57, 1e87.
 */
export function logTicks(min: number, max: number, maxCount = 8): number[] {
  if (!(min > 0) || !(max > min)) return min > 0 ? [min] : [];
  const a = Math.ceil(Math.log10(min) - 1e-9);
  const b = Math.floor(Math.log10(max) + 1e-9);
  if (b - a >= 1) {
    const every = Math.max(1, Math.ceil((b - a + 1) / maxCount));
    const start = Math.ceil(a / every) * every;
    const out: number[] = [];
    for (let e = start; e <= b; e += every) out.push(cleanFloat(10 ** e));
    if (out.length >= 2) return out;
  }
  const out: number[] = [];
  for (let e = a - 1; e <= b + 1; e++) for (const m of [1, 2, 5]) {
    const v = cleanFloat(m * 10 ** e);
    if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v);
  }
  return out.length >= 2 ? out : niceTicks(min, max, maxCount).filter(v => v > 0);
}

/** Where a value sits on a range's axis as a fraction (0 = min, 1 = max; beyond them when off the scale). */
export function rangePosition(range: Pick<RobustRange, 'min' | 'max' | 'log'>, v: number): number {
  if (range.log) return (Math.log10(v) - Math.log10(range.min)) / (Math.log10(range.max) - Math.log10(range.min));
  return range.max > range.min ? (v - range.min) / (range.max - range.min) : 0.5;
}

/** A labelled tick at a fraction of an axis. */
export interface AxisTick {
  readonly t: number;
  readonly label: string;
}

/** Ticks of a range's axis for the canvas views: decades on log axes, round steps otherwise, distinct labels. */
export function rangeTicks(range: Pick<RobustRange, 'min' | 'max' | 'log'>, maxCount = 6): AxisTick[] {
  const values = range.log ? logTicks(range.min, range.max, maxCount) : niceTicks(range.min, range.max, maxCount);
  const labels = range.log ? formatLogTicks(values) : formatTicks(values);
  return values.map((v, i) => ({ t: rangePosition(range, v), label: labels[i] }));
}
