/** Optimization history: every finished trial's value in trial order, and the best value so far. */
import { Chart, type ChartDataset } from 'chart.js';
import { formatParam, optimizationHistory } from '../../../src/core/analysis';
import { axisStyle, tooltipStyle, trialLines, trialTitle, zoomOptions } from '../chartStyle';
import { withAlpha } from '../theme';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

export function createHistoryView(ctx: ViewContext): PlotView {
  const { panel, canvas, note } = createPanel('history', 'History');
  let chart: Chart<'scatter'> | null = null;

  function render(): void {
    const { store, theme, logScale } = ctx.state;
    const history = optimizationHistory([...store.trials.values()], store.direction);
    const finite = history.filter(h => h.finite);
    const points = finite.map(h => ({ x: h.number, y: h.value }));
    const pruned = new Set([...store.trials.values()].filter(t => t.state === 'pruned').map(t => t.number));
    const best = history.filter(h => h.bestTrial >= 0).map(h => ({ x: h.number, y: h.best }));
    const datasets: ChartDataset<'scatter'>[] = [
      { type: 'scatter', label: 'objective', data: points.filter(p => !pruned.has(p.x)), pointRadius: points.length > 2000 ? 1.5 : 3, backgroundColor: withAlpha(theme.palette[0], 0.75), borderWidth: 0, order: 2 },
      { type: 'scatter', label: 'pruned', data: points.filter(p => pruned.has(p.x)), pointRadius: points.length > 2000 ? 2 : 4.5, pointStyle: 'triangle', backgroundColor: theme.palette[3], borderWidth: 0, order: 3 },
      { type: 'line', label: 'best so far', data: best, borderColor: theme.accent, backgroundColor: theme.accent, borderWidth: 2.5, pointRadius: 0, stepped: 'after', order: 1 } as unknown as ChartDataset<'scatter'>,
    ];
    setNote(note, history.length ? `${finite.length} trials with a value; ${history.length - finite.length} diverged (NaN/∞) not plotted.` : 'No trial has a value yet.');
    if (chart) {
      chart.data.datasets = datasets;
      chart.update('none');
      return;
    }
    chart = new Chart<'scatter'>(canvas, {
      type: 'scatter',
      data: { datasets },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { type: 'linear', ...axisStyle(theme, 'trial') }, y: { type: logScale ? 'logarithmic' : 'linear', ...axisStyle(theme, 'objective value') } },
        plugins: {
          legend: { display: false },
          tooltip: {
            ...tooltipStyle(theme),
            callbacks: {
              title: items => (items[0] ? trialTitle(store, items[0].parsed.x ?? -1) : ''),
              label: item => (item.dataset.label === 'best so far' ? `best so far: ${formatParam(item.parsed.y)}` : `value: ${formatParam(item.parsed.y)}`),
              afterBody: items => (items[0] && items[0].dataset.label !== 'best so far' ? trialLines(store, items[0].parsed.x ?? -1).slice(1) : []),
            },
          },
          zoom: zoomOptions(),
        },
        onClick: (_e, elements) => {
          const hit = elements[0];
          const point = hit && chart?.data.datasets[hit.datasetIndex]?.data[hit.index];
          if (point && typeof point === 'object' && 'x' in point && typeof point.x === 'number') ctx.selectTrial(point.x);
        },
      },
    });
  }

  return {
    tab: 'history',
    label: 'History',
    panel,
    canvas,
    redrawOnResize: false,
    dataKey: () => `${ctx.state.trialsVersion}:${ctx.state.store.selected}:${ctx.state.store.best}`,
    render,
    chart: () => chart as Chart | null,
    dispose: () => {
      chart?.destroy();
      chart = null;
    },
    logScaleChanged: () => {
      if (!chart?.options.scales?.y) return;
      chart.options.scales.y.type = ctx.state.logScale ? 'logarithmic' : 'linear';
      chart.update('none');
    },
  };
}
