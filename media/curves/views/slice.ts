/**
 * Slice: the objective against one parameter (the most important one first), every finished trial a
 * dot; values off the robust range are markers at the edge. Points are drawn by the pointCloud plugin.
 */
import { Chart } from 'chart.js';
import { formatNumber, offScaleNote, robustRange, sliceData, type SliceData } from '../../../src/core/analysis';
import { el, fillSelect } from '../../shared/dom';
import { readAxis, splitOffScale, tickHooks, valueAxis, type PlotPoint } from '../axes';
import { CanvasTooltip } from '../canvas';
import { axisStyle, baseOptions, trialLines, trialTitle, zoomOptions } from '../chartStyle';
import { bindPointEvents, pointCloud, type PointLayer } from '../pointCloud';
import { withAlpha, type Theme } from '../theme';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

function xAxis(theme: Theme, axis: SliceData['axis']) {
  if (axis.kind === 'categorical') {
    return { type: 'linear' as const, min: -0.5, max: axis.categories.length - 0.5, ...axisStyle(theme, axis.name), ticks: { ...axisStyle(theme, '').ticks, stepSize: 1, callback: (v: string | number) => (Number.isInteger(Number(v)) ? axis.categories[Number(v)] ?? '' : '') } };
  }
  // Explicit bounds: the points are not chart.js data, so it cannot find them itself.
  const [min, max] = axis.max > axis.min ? (axis.log ? [axis.min / 1.15, axis.max * 1.15] : [axis.min - (axis.max - axis.min) * 0.03, axis.max + (axis.max - axis.min) * 0.03]) : [axis.min - 1, axis.max + 1];
  return { type: axis.log ? ('logarithmic' as const) : ('linear' as const), min, max, ...axisStyle(theme, axis.log ? `${axis.name} (log)` : axis.name), ...tickHooks() };
}

export function createSliceView(ctx: ViewContext): PlotView {
  const param = el('select', { id: 'slice-param', title: 'Parameter on the x axis' });
  const { panel, canvas, note } = createPanel('slice', 'Slice', el('div', { className: 'panel-controls' }, el('label', { text: 'Parameter ' }, param)));
  const tooltip = new CanvasTooltip(canvas.parentElement as HTMLElement);
  let chart: Chart<'scatter'> | null = null;
  let offScale = 0;
  let layers: PointLayer[] = [];

  function render(): void {
    const { store, theme, logScale } = ctx.state;
    const m = ctx.analysis.current();
    const slices = sliceData([...store.trials.values()], m.axes);
    fillSelect(param, m.importances.map(i => ({ value: i.name, label: i.name })), param.value || (m.importances[0]?.name ?? null));
    const slice = slices.find(s => s.axis.name === param.value) ?? slices[0];
    chart?.destroy();
    chart = null;
    if (!slice) {
      setNote(note, 'No finished trials with parameters yet.');
      layers = [];
      return;
    }
    const axis = slice.axis;
    // Categories sit at integer positions, spread a little by trial number so equal points stay visible.
    const jitter = (n: number) => (axis.kind === 'categorical' ? (((n * 2654435761) >>> 0) / 4294967296 - 0.5) * 0.3 : 0);
    const points: PlotPoint[] = slice.points.filter(p => p.x !== null).map(p => ({ x: (p.x as number) + jitter(p.number), y: p.value, n: p.number }));
    const range = robustRange(points.map(p => p.y), { forceLog: logScale });
    const { inside, above, below } = splitOffScale(points, range);
    offScale = above.length + below.length;
    setNote(note, [`Objective value against ${axis.name} for ${slice.points.length} finished trials`, offScaleNote(offScale)].filter(Boolean).join('; ') + '.');
    layers = [
      { points: inside, colour: withAlpha(theme.palette[0], 0.7), radius: points.length > 2000 ? 2 : 3.5, shape: 'circle' },
      { points: inside.filter(p => p.n === store.best), colour: theme.accent, radius: 7, shape: 'circle', stroke: theme.foreground, onTop: true },
      { points: above, colour: theme.bad, radius: 6, shape: 'triangle', stroke: theme.foreground, unclipped: true, onTop: true },
      { points: below, colour: theme.bad, radius: 6, shape: 'triangle-down', stroke: theme.foreground, unclipped: true, onTop: true },
    ];
    chart = new Chart<'scatter'>(canvas, {
      type: 'scatter',
      data: { datasets: [] },
      options: {
        ...baseOptions(),
        scales: { x: xAxis(theme, axis), y: valueAxis(theme, 'objective value', range) },
        plugins: { legend: { display: false }, tooltip: { enabled: false }, zoom: zoomOptions() },
      },
      plugins: [pointCloud(() => layers)],
    });
  }

  bindPointEvents(canvas, tooltip, () => chart as Chart | null, () => layers, p => {
    const { store } = ctx.state;
    const lines = trialLines(store, p.n);
    if (p.v !== undefined) lines[0] = `value: ${formatNumber(p.v, 4)} (off the scale)`;
    return { title: trialTitle(store, p.n), lines };
  }, n => ctx.selectTrial(n));
  param.addEventListener('change', () => render());
  return {
    tab: 'slice',
    label: 'Slice',
    panel,
    canvas,
    redrawOnResize: false,
    dataKey: () => {
      ctx.analysis.current();
      return `${ctx.analysis.version}:${ctx.state.store.best}:${ctx.state.logScale}`;
    },
    render,
    chart: () => chart as Chart | null,
    dispose: () => {
      tooltip.hide();
      chart?.destroy();
      chart = null;
    },
    axis: () => readAxis(chart?.scales.y, offScale),
  };
}
