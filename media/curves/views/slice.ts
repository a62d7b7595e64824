/** Slice: the objective against one parameter (the most important one first), every finished trial a dot. */
import { Chart, type ChartDataset } from 'chart.js';
import { sliceData } from '../../../src/core/analysis';
import { el, fillSelect } from '../../shared/dom';
import { axisStyle, tooltipStyle, trialLines, trialTitle, zoomOptions } from '../chartStyle';
import { withAlpha } from '../theme';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

export function createSliceView(ctx: ViewContext): PlotView {
  const param = el('select', { id: 'slice-param', title: 'Parameter on the x axis' });
  const { panel, canvas, note } = createPanel('slice', 'Slice', el('div', { className: 'panel-controls' }, el('label', { text: 'Parameter ' }, param)));
  let chart: Chart<'scatter'> | null = null;

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
    setNote(note, `Objective value against ${slice.axis.name} for ${slice.points.length} finished trials.`);
    const axis = slice.axis;
    // Categories sit at integer positions, spread a little by trial number so equal points stay visible.
    const jitter = (n: number) => (axis.kind === 'categorical' ? (((n * 2654435761) >>> 0) / 4294967296 - 0.5) * 0.3 : 0);
    // Sorted by x: with parsing off chart.js takes the first and last point as the x range.
    const points = slice.points.filter(p => p.x !== null).map(p => ({ x: (p.x as number) + jitter(p.number), y: p.value, n: p.number })).sort((a, b) => a.x - b.x);
    const best = points.filter(p => p.n === store.best);
    const datasets: ChartDataset<'scatter'>[] = [
      { label: 'trials', data: points, pointRadius: points.length > 2000 ? 2 : 3.5, backgroundColor: withAlpha(theme.palette[0], 0.7), borderWidth: 0, order: 2 },
      { label: 'best', data: best, pointRadius: 7, backgroundColor: theme.accent, borderColor: theme.foreground, borderWidth: 1.5, order: 1 },
    ];
    const xScale = axis.kind === 'categorical'
      ? { type: 'linear' as const, min: -0.5, max: axis.categories.length - 0.5, ...axisStyle(theme, axis.name), ticks: { ...axisStyle(theme, '').ticks, stepSize: 1, callback: (v: string | number) => (Number.isInteger(Number(v)) ? axis.categories[Number(v)] ?? '' : '') } }
      : { type: axis.log ? ('logarithmic' as const) : ('linear' as const), ...axisStyle(theme, axis.log ? `${axis.name} (log)` : axis.name) };
    chart?.destroy();
    chart = new Chart<'scatter'>(canvas, {
      type: 'scatter',
      data: { datasets },
      options: {
        animation: false,
        parsing: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: xScale, y: { type: logScale ? 'logarithmic' : 'linear', ...axisStyle(theme, 'objective value') } },
        plugins: {
          legend: { display: false },
          tooltip: { ...tooltipStyle(theme), callbacks: { title: items => (items[0] ? trialTitle(store, (items[0].raw as { n: number }).n) : ''), label: () => '', afterBody: items => (items[0] ? trialLines(store, (items[0].raw as { n: number }).n) : []) } },
          zoom: zoomOptions(),
        },
        onClick: (_e, elements) => {
          const hit = elements[0];
          const raw = hit && (chart?.data.datasets[hit.datasetIndex]?.data[hit.index] as { n?: number } | undefined);
          if (raw && typeof raw.n === 'number') ctx.selectTrial(raw.n);
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
      return `${ctx.analysis.version}:${ctx.state.store.selected}:${ctx.state.store.best}`;
    },
    render,
    chart: () => chart as Chart | null,
    dispose: () => {
      chart?.destroy();
      chart = null;
    },
    logScaleChanged: () => {
      if (chart) render();
    },
  };
}
