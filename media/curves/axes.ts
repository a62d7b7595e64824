/**
 * Value axes for the chart.js views: robust bounds (see core/analysis/axis.ts), ticks at round steps or
 * decades, and labels that are short and never repeat. Values left off the scale become markers at the
 * edge (a triangle pointing the way they went) whose tooltip gives the true value.
 */
import type { Scale } from 'chart.js';
import { formatLogTicks, formatTicks, logTicks, niceTicks, type RobustRange } from '../../src/core/analysis';
import { axisStyle } from './chartStyle';
import type { Theme } from './theme';

/** What an axis shows, read back from the chart: the UI tests and the benchmark check it. */
export interface AxisState {
  readonly min: number;
  readonly max: number;
  readonly log: boolean;
  readonly labels: readonly string[];
  /** Values drawn as markers at the edge instead of at their place. */
  readonly offScale: number;
}

/** Pixels per tick: labels of a horizontal axis need more room than stacked ones. */
const PX_PER_TICK = { horizontal: 90, vertical: 42 };

function tickValues(scale: Scale, integer: boolean): number[] {
  const horizontal = scale.isHorizontal();
  const px = horizontal ? scale.width : scale.height;
  const count = Math.max(2, Math.min(10, Math.floor(px / (horizontal ? PX_PER_TICK.horizontal : PX_PER_TICK.vertical))));
  return scale.type === 'logarithmic' ? logTicks(scale.min, scale.max, count) : niceTicks(scale.min, scale.max, count, { integer });
}

/** Tick hooks for any chart.js numeric axis: our tick positions and distinct short labels (`integer`: trial numbers, steps). */
export function tickHooks(options: { integer?: boolean } = {}) {
  return {
    afterBuildTicks: (scale: Scale) => {
      scale.ticks = tickValues(scale, options.integer === true).map(value => ({ value }));
    },
    afterTickToLabelConversion: (scale: Scale) => {
      const values = scale.ticks.map(t => t.value);
      const labels = scale.type === 'logarithmic' ? formatLogTicks(values) : formatTicks(values);
      scale.ticks.forEach((t, i) => (t.label = labels[i]));
    },
  };
}

/** A numeric axis over a robust range (or chart.js's own bounds when `range` is null). */
export function valueAxis(theme: Theme, title: string, range: Pick<RobustRange, 'min' | 'max' | 'log'> | null) {
  return {
    type: range?.log ? ('logarithmic' as const) : ('linear' as const),
    min: range?.min,
    max: range?.max,
    ...axisStyle(theme, range?.log ? `${title} (log)` : title),
    ...tickHooks(),
  };
}

export function readAxis(scale: Scale | undefined, offScale: number): AxisState | null {
  if (!scale) return null;
  return { min: scale.min, max: scale.max, log: scale.type === 'logarithmic', labels: scale.ticks.map(t => String(t.label ?? '')), offScale };
}

/** A point of a study plot: where it is drawn, the trial, and its true value when drawn at the edge. */
export interface PlotPoint {
  x: number;
  y: number;
  n: number;
  /** The value when it is off the scale (y is then the edge). */
  v?: number;
}

/**
 * Splits points by where their value falls: on the scale, or off it (then drawn at the range's edge
 * with the true value kept). `value` reads the coordinate the range is about (y by default).
 */
export function splitOffScale(points: readonly PlotPoint[], range: Pick<RobustRange, 'min' | 'max' | 'lo' | 'hi'>, axis: 'x' | 'y' = 'y'): { inside: PlotPoint[]; above: PlotPoint[]; below: PlotPoint[] } {
  const inside: PlotPoint[] = [];
  const above: PlotPoint[] = [];
  const below: PlotPoint[] = [];
  for (const p of points) {
    const v = p[axis];
    if (v > range.hi) above.push({ ...p, [axis]: range.max, v });
    else if (v < range.lo) below.push({ ...p, [axis]: range.min, v });
    else inside.push(p);
  }
  return { inside, above, below };
}

/** Datasets for the markers of off-scale points: triangles at the edge pointing the way the value went. */
export function offScaleDatasets(theme: Theme, above: readonly PlotPoint[], below: readonly PlotPoint[], axis: 'x' | 'y' = 'y') {
  const style = (rotation: number) => ({
    type: 'scatter' as const,
    label: 'off the scale',
    pointStyle: 'triangle' as const,
    rotation,
    pointRadius: 6,
    pointHoverRadius: 8,
    backgroundColor: theme.bad,
    borderColor: theme.foreground,
    borderWidth: 1,
    // Drawn over the plot's edge: clipping would cut the triangle in half.
    clip: false as const,
    order: 0,
  });
  // On a value x axis the triangles point right (above) and left (below).
  return [
    { ...style(axis === 'y' ? 0 : 90), data: [...above] },
    { ...style(axis === 'y' ? 180 : 270), data: [...below] },
  ];
}
