/**
 * Slice: the objective against one parameter (the most important one first), every finished trial a
 * dot; values off the robust range are markers at the edge.
 */
import { Chart, type ChartDataset, type TooltipItem } from 'chart.js';
import { formatNumber, offScaleNote, robustRange, sliceData, type SliceData } from '../../../src/core/analysis';
import { el, fillSelect } from '../../shared/dom';
import { offScaleDatasets, offScaleLabel, readAxis, splitOffScale, tickHooks, valueAxis, type PlotPoint } from '../axes';
import { axisStyle, tooltipStyle, trialLines, trialTitle, zoomOptions } from '../chartStyle';
import { withAlpha, type Theme } from '../theme';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

function xAxis(theme: Theme, axis: SliceData['axis']) {
  if (axis.kind === 'categorical') {
    return { type: 'linear' as const, min: -0.5, max: axis.categories.length - 0.5, ...axisStyle(theme, axis.name), ticks: { ...axisStyle(theme, '').ticks, stepSize: 1, callback: (v: string | number) => (Number.isInteger(Number(v)) ? axis.categories[Number(v)] ?? '' : '') } };
  }
  return { type: axis.log ? ('logarithmic' as const) : ('linear' as const), ...axisStyle(theme, axis.log ? `${axis.name} (log)` : axis.name), ...tickHooks() };
}

export function createSliceView(ctx: ViewContext): PlotView {
  const param = el('select', { id: 'slice-param', title: 'Parameter on the x axis' });
  const { panel, canvas, note } = createPanel('slice', 'Slice', el('div', { className: 'panel-controls' }, el('label', { text: 'Parameter ' }, param)));
  let chart: Chart<'scatter'> | null = null;
  let offScale = 0;

  function render(): void {
    const { store, theme, logScale } = ctx.state;
    const m = ctx.analysis.current();
    const slices = sliceData([...store.trials.values()], m.axes);
    fillSelect(param, m.importances.map(i => ({ value: i.name, label: i.name })), param.value || (m.importances[0]?.name ?? null));
    const slice = slices.find(s => s.axis.name === param.value) ?? slices[0];
    if (!slice) {
      setNote(note, 'No finished trials with parameters yet.');
      chart?.destroy();
      chart = null;
      return;
    }
    const axis = slice.axis;
    // Categories sit at integer positions, spread a little by trial number so equal points stay visible.
    const jitter = (n: number) => (axis.kind === 'categorical' ? (((n * 2654435761) >>> 0) / 4294967296 - 0.5) * 0.3 : 0);
    // Sorted by x: with parsing off chart.js takes the first and last point as the x range.
    const points: PlotPoint[] = slice.points.filter(p => p.x !== null).map(p => ({ x: (p.x as number) + jitter(p.number), y: p.value, n: p.number })).sort((a, b) => a.x - b.x);
    const range = robustRange(points.map(p => p.y), { forceLog: logScale });
    const { inside, above, below } = splitOffScale(points, range);
    offScale = above.length + below.length;
    setNote(note, [`Objective value against ${axis.name} for ${slice.points.length} finished trials`, offScaleNote(offScale)].filter(Boolean).join('; ') + '.');
    const best = inside.filter(p => p.n === store.best);
    const datasets: ChartDataset<'scatter'>[] = [
      { label: 'trials', data: inside, pointRadius: points.length > 2000 ? 2 : 3.5, backgroundColor: withAlpha(theme.palette[0], 0.7), borderWidth: 0, order: 2 },
      { label: 'best', data: best, pointRadius: 7, backgroundColor: theme.accent, borderColor: theme.foreground, borderWidth: 1.5, order: 1 },
      ...offScaleDatasets(theme, above, below),
    ];
    const raw = (item: TooltipItem<'scatter'>) => item.raw as PlotPoint;
    chart?.destroy();
    chart = new Chart<'scatter'>(canvas, {
      type: 'scatter',
      data: { datasets },
      options: {
        animation: false,
        parsing: false,
        responsive: true,
        maintainAspectRatio: false,
        layout: { padding: { top: 8 } },
        scales: { x: xAxis(theme, axis), y: valueAxis(theme, 'objective value', range) },
        plugins: {
          legend: { display: false },
          tooltip: {
            ...tooltipStyle(theme),
            callbacks: {
              title: items => (items[0] ? trialTitle(store, raw(items[0]).n) : ''),
              label: item => (raw(item).v !== undefined ? offScaleLabel(raw(item).v as number, formatNumber) : ''),
              afterBody: items => (items[0] ? trialLines(store, raw(items[0]).n) : []),
            },
          },
          zoom: zoomOptions(),
        },
        onClick: (_e, elements) => {
          const hit = elements[0];
          const point = hit && (chart?.data.datasets[hit.datasetIndex]?.data[hit.index] as PlotPoint | undefined);
          if (point && typeof point.n === 'number') ctx.selectTrial(point.n);
        },
      },
    });
  }

  param.addEventListener('change', () => render());
  return {
    tab: 'slice',
    label: 'Slice',
    panel,
    canvas,
    redrawOnResize: false,
    dataKey: () => {
      ctx.analysis.current();
      return `${ctx.analysis.version}:${ctx.state.store.selected}:${ctx.state.store.best}:${ctx.state.logScale}`;
    },
    render,
    chart: () => chart as Chart | null,
    dispose: () => {
      chart?.destroy();
      chart = null;
    },
    axis: () => readAxis(chart?.scales.y, offScale),
  };
}
