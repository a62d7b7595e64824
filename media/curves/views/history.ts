/**
 * Optimization history: every finished trial's value in trial order, and the best value so far. The y
 * range is robust: a diverged trial is a marker at the top edge (true value in its tooltip), not a
 * reason to flatten every other trial onto the zero line. The points are drawn by the pointCloud plugin
 * (10,000 trials in a few milliseconds); chart.js draws the axes and the best-so-far line.
 */
import { Chart } from 'chart.js';
import { formatNumber, offScaleNote, optimizationHistory, robustRange, type HistoryPoint, type RobustRange } from '../../../src/core/analysis';
import { readAxis, splitOffScale, tickHooks, valueAxis, type AxisState, type PlotPoint } from '../axes';
import { CanvasTooltip } from '../canvas';
import { axisStyle, trialLines, trialTitle } from '../chartStyle';
import { bindPointEvents, type PointLayer } from '../pointCloud';
import { withAlpha } from '../theme';
import { drawStepLine } from '../stepLine';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

/** The best-so-far step line needs only the trials where the best changed (and the last one). */
function bestLine(history: readonly HistoryPoint[], clamp: (y: number) => number): PlotPoint[] {
  const out: PlotPoint[] = [];
  let last = -1;
  history.forEach((h, i) => {
    if (h.bestTrial < 0) return;
    if (h.bestTrial !== last || i === history.length - 1) out.push({ x: h.number, y: clamp(h.best), n: h.bestTrial, v: h.best });
    last = h.bestTrial;
  });
  return out;
}

export function createHistoryView(ctx: ViewContext): PlotView {
  const { panel, canvas, note } = createPanel('history', 'History');
  const tooltip = new CanvasTooltip(canvas.parentElement as HTMLElement);
  let chart: Chart<'line'> | null = null;
  let offScale = 0;
  let range: RobustRange | null = null;
  let xRange: [number, number] = [0, 1];
  let layers: PointLayer[] = [];
  /** Best value so far at each trial number, for the tooltip. */
  let bestAt = new Map<number, number>();

  function compute(): PlotPoint[] {
    const { store, theme, logScale } = ctx.state;
    const history = optimizationHistory([...store.trials.values()], store.direction);
    const placeable = history.filter(h => !Number.isNaN(h.value));
    const r = robustRange(placeable.map(h => h.value), { forceLog: logScale });
    range = r;
    const points: PlotPoint[] = placeable.map(h => ({ x: h.number, y: h.value, n: h.number }));
    const { inside, above, below } = splitOffScale(points, r);
    offScale = above.length + below.length;
    const pruned = (p: PlotPoint) => store.trials.get(p.n)?.state === 'pruned';
    const small = points.length > 2000;
    layers = [
      { points: inside.filter(p => !pruned(p)), colour: withAlpha(theme.palette[0], 0.75), radius: small ? 1.5 : 3, shape: 'circle' },
      { points: inside.filter(pruned), colour: theme.palette[3], radius: small ? 2 : 4, shape: 'triangle' },
      { points: above, colour: theme.bad, radius: 6, shape: 'triangle', stroke: theme.foreground, unclipped: true, onTop: true },
      { points: below, colour: theme.bad, radius: 6, shape: 'triangle-down', stroke: theme.foreground, unclipped: true, onTop: true },
    ];
    bestAt = new Map(history.map(h => [h.number, h.best]));
    const numbers = history.map(h => h.number);
    xRange = numbers.length ? [Math.min(...numbers) - 0.5, Math.max(...numbers) + 0.5] : [0, 1];
    const nan = history.length - placeable.length;
    setNote(note, history.length
      ? [`${history.length - nan} trials with a value`, offScaleNote(offScale), nan ? `${nan} NaN not plotted` : null].filter(Boolean).join('; ') + '.'
      : 'No trial has a value yet.');
    // The line stays inside the plot: a best value off the scale runs along the edge.
    return bestLine(history, y => Math.min(r.max, Math.max(r.min, y)));
  }

  function render(): void {
    const line = compute();
    const { theme } = ctx.state;
    const y = valueAxis(theme, 'objective value', range);
    const x = { type: 'linear' as const, min: xRange[0], max: xRange[1], ...axisStyle(theme, 'trial'), ...tickHooks({ integer: true }) };
    const dataset = { label: 'best so far', data: line, borderColor: theme.accent, backgroundColor: theme.accent, borderWidth: 2.5, pointRadius: 0, stepped: 'before' as const };
    chart = drawStepLine(chart, canvas, dataset, { x, y }, () => layers);
  }

  bindPointEvents(canvas, tooltip, () => chart as Chart | null, () => layers, p => {
    const { store } = ctx.state;
    const value = p.v !== undefined ? `value: ${formatNumber(p.v, 4)} (off the scale)` : `value: ${formatNumber(p.y, 4)}`;
    const best = bestAt.get(p.n);
    return { title: trialTitle(store, p.n), lines: [value, ...(best !== undefined && !Number.isNaN(best) ? [`best so far: ${formatNumber(best, 4)}`] : []), ...trialLines(store, p.n).slice(1)] };
  }, n => ctx.selectTrial(n));

  return {
    tab: 'history',
    label: 'History',
    panel,
    canvas,
    redrawOnResize: false,
    // The selection is not drawn here: selecting a trial elsewhere costs this view nothing.
    dataKey: () => `${ctx.state.trialsVersion}:${ctx.state.store.best}:${ctx.state.logScale}`,
    render,
    chart: () => chart as Chart | null,
    dispose: () => {
      tooltip.hide();
      chart?.destroy();
      chart = null;
    },
    axis: (): AxisState | null => readAxis(chart?.scales.y, offScale),
  };
}
