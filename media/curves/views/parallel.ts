/**
 * Parallel coordinates: one polyline per finished trial across every parameter axis and the objective.
 * Drawn straight on a canvas (thousands of polylines are cheaper as a few paths than as chart.js
 * datasets). The objective axis is robust (values off it run to the edge, marked by a triangle) and
 * lines are coloured by rank, so one outlier cannot spend the whole colour scale.
 */
import { inferAxes, offScaleNote, paramAxisTicks, parallelCoordinates, paretoBadness, rangePosition, rankedPoints, rangeTicks, rankBadness, robustRange, scoredTrials, type AxisTick, type ParallelData, type RobustRange } from '../../../src/core/analysis';
import type { Direction } from '../../../src/core/search/types';
import type { AxisState } from '../axes';
import { labelWithBackground, prepareCanvas, rampSteps, truncate } from '../canvas';
import { withAlpha, type Theme } from '../theme';
import { arrow } from './paretoCell';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

/** Most lines drawn (the best ones): beyond that the picture is a smear and the frame gets slow. */
const MAX_LINES = 3_000;
const COLOUR_STEPS = 24;

/** One objective axis: the study's objective, or each metric of a multi-objective study. */
interface ObjectiveColumn {
  readonly name: string;
  /** Each line's value on this axis, in the order of `data.lines` (NaN: missing). */
  readonly values: readonly number[];
}

interface ParallelOptions {
  readonly direction: Direction;
  readonly objectives: readonly ObjectiveColumn[];
  /** Colour order of the lines (0 best … 1 worst), in the order of `data.lines`. */
  readonly badness: Float64Array;
  readonly best: number | null;
  readonly selected: number | null;
  readonly forceLog: boolean;
}

interface Layout {
  readonly top: number;
  readonly bottom: number;
  readonly xAt: (column: number) => number;
  readonly yAt: (t: number) => number;
  readonly names: string[];
}

/** Margins from the labels themselves, so neither the first axis name nor the objective's tick labels get cut. */
function layout(ctx: CanvasRenderingContext2D, theme: Theme, width: number, height: number, names: string[], objectiveTicks: readonly AxisTick[]): Layout {
  const columns = names.length;
  ctx.font = `11px ${theme.font}`;
  const tickWidth = Math.max(0, ...objectiveTicks.map(t => ctx.measureText(t.label).width));
  ctx.font = `bold 12px ${theme.font}`;
  const columnWidth = (width - 120) / Math.max(1, columns - 1);
  const shown = names.map(n => truncate(ctx, n, Math.max(40, columnWidth - 8)));
  const half = (i: number) => ctx.measureText(shown[i]).width / 2 + 6;
  const left = Math.max(16, half(0));
  const right = width - Math.max(tickWidth + 14, half(columns - 1));
  const top = 40;
  const bottom = height - 16;
  return {
    top,
    bottom,
    xAt: i => left + ((right - left) * i) / Math.max(1, columns - 1),
    yAt: t => bottom - t * (bottom - top),
    names: shown,
  };
}

function drawParallel(canvas: HTMLCanvasElement, data: ParallelData, theme: Theme, options: ParallelOptions): AxisState | null {
  const { ctx, width, height } = prepareCanvas(canvas);
  ctx.font = `12px ${theme.font}`;
  if (data.axes.length === 0 || data.lines.length === 0) {
    ctx.fillStyle = theme.muted;
    ctx.fillText('No finished trials with parameters yet.', 16, 24);
    return null;
  }
  const tickCount = Math.max(2, Math.min(8, Math.floor((height - 60) / 45)));
  const columns = options.objectives.map(o => {
    const range = robustRange(o.values.filter(v => !Number.isNaN(v)), { forceLog: options.forceLog });
    return { name: range.log ? `${o.name} (log)` : o.name, values: o.values, range, ticks: rangeTicks(range, tickCount) };
  });
  const names = [...data.axes.map(a => (a.kind === 'numeric' && a.log ? `${a.name} (log)` : a.name)), ...columns.map(c => c.name)];
  const L = layout(ctx, theme, width, height, names, columns[columns.length - 1].ticks);
  const objectiveAt = columns.map(c => (v: number) => Math.max(0, Math.min(1, rangePosition(c.range, v))));
  drawLines(ctx, data, theme, options, L, objectiveAt);
  const offScale = columns.map((c, k) => drawOffScaleMarkers(ctx, theme, c.range, c.values, L, data.axes.length + k));
  drawAxes(ctx, theme, L, [...data.axes.map(a => paramAxisTicks(a, tickCount)), ...columns.map(c => c.ticks)]);
  const first = columns[0];
  return { min: first.range.min, max: first.range.max, log: first.range.log, labels: first.ticks.map(t => t.label), offScale: offScale[0] };
}

function drawLines(ctx: CanvasRenderingContext2D, data: ParallelData, theme: Theme, options: ParallelOptions, L: Layout, objectiveAt: readonly ((v: number) => number)[]): void {
  const first = data.axes.length;
  const badness = options.badness;
  const index = new Map(data.lines.map((l, i) => [l.number, i]));
  const trace = (line: ParallelData['lines'][number]) => {
    const row = index.get(line.number) as number;
    let pen = false;
    line.coords.forEach((c, i) => {
      if (c === null) {
        pen = false;
        return;
      }
      if (pen) ctx.lineTo(L.xAt(i), L.yAt(c));
      else ctx.moveTo(L.xAt(i), L.yAt(c));
      pen = true;
    });
    // Then across the objective axes (a missing value lifts the pen, as a missing parameter does).
    options.objectives.forEach((o, k) => {
      const v = o.values[row];
      if (Number.isNaN(v)) {
        pen = false;
        return;
      }
      const y = L.yAt(objectiveAt[k](v));
      if (pen) ctx.lineTo(L.xAt(first + k), y);
      else ctx.moveTo(L.xAt(first + k), y);
      pen = true;
    });
  };
  // At most MAX_LINES, bucketed by colour: one stroke per colour step, worst steps first so the best end on top.
  const order = drawnLines(badness);
  const steps = rampSteps(theme, COLOUR_STEPS);
  const buckets: number[][] = steps.map(() => []);
  for (const i of order) {
    const n = data.lines[i].number;
    if (n !== options.best && n !== options.selected) buckets[Math.min(COLOUR_STEPS - 1, Math.floor(badness[i] * COLOUR_STEPS))].push(i);
  }
  ctx.lineWidth = 1;
  const alpha = order.length > 500 ? 0.3 : 0.65;
  for (let s = COLOUR_STEPS - 1; s >= 0; s--) {
    if (!buckets[s].length) continue;
    ctx.strokeStyle = withAlpha(steps[s], alpha);
    ctx.beginPath();
    for (const i of buckets[s]) trace(data.lines[i]);
    ctx.stroke();
  }
  for (const [n, colour] of [[options.selected, theme.selection], [options.best, theme.accent]] as const) {
    const line = data.lines.find(l => l.number === n);
    if (!line) continue;
    ctx.lineWidth = 3;
    ctx.strokeStyle = colour;
    ctx.beginPath();
    trace(line);
    ctx.stroke();
  }
}

/**
 * Which lines to draw (indices): all of them up to MAX_LINES; beyond, the best half of the budget and an
 * even spread through the rest by rank, so the picture still shows where the bad trials went.
 */
function drawnLines(badness: Float64Array): number[] {
  const all = Array.from(badness.keys());
  if (all.length <= MAX_LINES) return all;
  all.sort((a, b) => badness[a] - badness[b]);
  const half = MAX_LINES / 2;
  const rest = all.length - half;
  return [...all.slice(0, half), ...Array.from({ length: half }, (_, i) => all[half + Math.floor((i * rest) / half)])];
}

/** Triangles where lines leave the objective axis, with how many went each way. */
function drawOffScaleMarkers(ctx: CanvasRenderingContext2D, theme: Theme, range: RobustRange, values: readonly number[], L: Layout, column: number): number {
  const above = values.filter(v => v > range.hi).length;
  const below = values.filter(v => v < range.lo).length;
  const x = L.xAt(column);
  ctx.font = `11px ${theme.font}`;
  for (const [count, y, dir] of [[above, L.top, -1], [below, L.bottom, 1]] as const) {
    if (!count) continue;
    ctx.fillStyle = theme.bad;
    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, y + dir * 9);
    ctx.lineTo(x - 6, y - dir * 2);
    ctx.lineTo(x + 6, y - dir * 2);
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
    const text = `${count} off the scale`;
    labelWithBackground(ctx, theme, text, x - 10 - ctx.measureText(text).width, y + (dir < 0 ? -2 : 12));
  }
  return above + below;
}

function drawAxes(ctx: CanvasRenderingContext2D, theme: Theme, L: Layout, ticks: readonly (readonly AxisTick[])[]): void {
  L.names.forEach((name, i) => {
    const x = L.xAt(i);
    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, L.top);
    ctx.lineTo(x, L.bottom);
    ctx.stroke();
    ctx.fillStyle = theme.foreground;
    ctx.textAlign = 'center';
    ctx.font = `bold 12px ${theme.font}`;
    ctx.fillText(name, x, L.top - 18);
    ctx.font = `11px ${theme.font}`;
    ctx.textAlign = 'left';
    const room = i < L.names.length - 1 ? L.xAt(i + 1) - x - 14 : Infinity;
    for (const tick of ticks[i]) labelWithBackground(ctx, theme, truncate(ctx, tick.label, Math.max(30, room)), x + 6, L.yAt(tick.t) + 4);
  });
  ctx.textAlign = 'left';
}

/** The objective axes and line colours: one axis per metric, coloured by Pareto rank, for several metrics. */
function objectiveColumns(ctx: ViewContext, data: ParallelData): { objectives: ObjectiveColumn[]; badness: Float64Array; multi: boolean } {
  const { store } = ctx.state;
  const objectives = store.objectives;
  const pareto = store.pareto();
  if (!pareto) {
    const values = data.lines.map(l => l.value);
    return { objectives: [{ name: 'objective', values }], badness: rankBadness(values, store.direction), multi: false };
  }
  const columns = objectives.map((o, k) => ({ name: `${o.name} ${arrow(o.direction)}`, values: data.lines.map(l => store.trials.get(l.number)?.values?.[k] ?? Number.NaN) }));
  // The ranks of every front from the store's scored trials (no hypervolume: the colours are all it needs).
  return { objectives: columns, badness: paretoBadness(data.lines.map(l => l.number), { points: rankedPoints(pareto) }), multi: true };
}

export function createParallelView(ctx: ViewContext): PlotView {
  const { panel, canvas, note } = createPanel('parallel', 'Parallel coordinates');
  let axis: AxisState | null = null;
  let columns: string[] = [];
  return {
    tab: 'parallel',
    label: 'Parallel coordinates',
    panel,
    canvas,
    redrawOnResize: true,
    dataKey: () => `${ctx.state.trialsVersion}:${ctx.state.store.selected}:${ctx.state.store.best}:${ctx.state.logScale}`,
    render: () => {
      const { store, theme, logScale } = ctx.state;
      const trials = [...store.trials.values()];
      // Axes straight from the trials (no model fit needed): parameter names sorted, numeric or categorical.
      const data = parallelCoordinates(trials, inferAxes(scoredTrials(trials)));
      const { objectives, badness, multi } = objectiveColumns(ctx, data);
      // Several metrics have no single best trial to single out: the colours show the fronts instead.
      axis = drawParallel(canvas, data, theme, { direction: store.direction, objectives, badness, best: multi ? null : store.best, selected: store.selected, forceLog: logScale });
      columns = [...data.axes.map(a => a.name), ...objectives.map(o => o.name)];
      const parts = [multi
        ? `${data.lines.length} finished trials, one axis per metric, coloured by Pareto rank from the front (blue) to the last front (orange)`
        : `${data.lines.length} finished trials, coloured by rank from best (blue) to worst (orange); the best trial in the accent colour`];
      if (data.lines.length > MAX_LINES) parts.push(`${MAX_LINES} drawn: the best ${MAX_LINES / 2} and an even spread of the others`);
      const off = offScaleNote(axis?.offScale ?? 0);
      if (off) parts.push(`${off} (their lines run to the edge)`);
      setNote(note, parts.join('; ') + '.');
    },
    chart: () => null,
    dispose: () => {},
    axis: () => axis,
    columns: () => columns,
  };
}
