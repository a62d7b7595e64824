/**
 * Data for the slice and parallel-coordinate plots, computed from all trials (not just the ones the
 * curves tab draws), so a 10,000-trial study is summarised in full.
 */
import type { ParamValue } from '../search/types';
import { formatParam, inferAxes, MISSING_LABEL as MISSING, normalise, scoredTrials, type AnalysedTrial, type ParamAxis } from './space';
import { logTicks, niceTicks, type AxisTick } from './axis';
import { formatLogTicks, formatTicks } from './format';

export interface SlicePoint {
  readonly number: number;
  readonly value: number;
  /** Numeric axes: the param value (null when missing); categorical: the category's index. */
  readonly x: number | null;
  readonly label: string;
}

export interface SliceData {
  readonly axis: ParamAxis;
  readonly points: readonly SlicePoint[];
}

export function sliceData(trials: readonly AnalysedTrial[], axes: readonly ParamAxis[] = inferAxes(scoredTrials(trials))): SliceData[] {
  const scored = scoredTrials(trials);
  return axes.map(axis => ({
    axis,
    points: scored.map(t => {
      const v: ParamValue | undefined = t.params[axis.name];
      const x = axis.kind === 'numeric' ? (typeof v === 'number' && Number.isFinite(v) ? v : null) : axis.categories.indexOf(formatParam(v ?? null));
      return { number: t.number, value: t.value, x, label: formatParam(v ?? null) };
    }),
  }));
}

export interface ParallelLine {
  readonly number: number;
  readonly value: number;
  /** Position on each param axis in [0, 1] (null: missing), in the order of `axes`. */
  readonly coords: readonly (number | null)[];
}

export interface ParallelData {
  readonly axes: readonly ParamAxis[];
  readonly valueMin: number;
  readonly valueMax: number;
  readonly lines: readonly ParallelLine[];
}

export function parallelCoordinates(trials: readonly AnalysedTrial[], axes: readonly ParamAxis[] = inferAxes(scoredTrials(trials))): ParallelData {
  const scored = scoredTrials(trials);
  let valueMin = Infinity;
  let valueMax = -Infinity;
  for (const t of scored) {
    valueMin = Math.min(valueMin, t.value);
    valueMax = Math.max(valueMax, t.value);
  }
  return {
    axes,
    valueMin: scored.length ? valueMin : 0,
    valueMax: scored.length ? valueMax : 1,
    lines: scored.map(t => ({ number: t.number, value: t.value, coords: axes.map(a => normalise(a, t.params[a.name])) })),
  };
}

/**
 * Ticks of a parameter axis as fractions of it (as `normalise` places values): round steps on linear
 * axes, decades on log ones, every category (thinned to about `maxCount`) on categorical ones.
 */
export function paramAxisTicks(axis: ParamAxis, maxCount = 5): AxisTick[] {
  if (axis.kind === 'categorical') {
    const every = Math.max(1, Math.ceil(axis.categories.length / Math.max(2, maxCount)));
    return axis.categories.filter((_, i) => i % every === 0).map(c => ({ t: normalise(axis, c === MISSING ? null : c) ?? 0, label: c }));
  }
  if (axis.max === axis.min) return [{ t: 0.5, label: formatTicks([axis.min])[0] }];
  const values = axis.log ? logTicks(axis.min, axis.max, maxCount) : niceTicks(axis.min, axis.max, maxCount);
  const labels = axis.log ? formatLogTicks(values) : formatTicks(values);
  return values.map((v, i) => ({ t: normalise(axis, v) ?? 0, label: labels[i] }));
}
