/**
 * Optimization history: every finished trial's value in trial order, and the best value so far. The y
 * range is robust: a diverged trial is a marker at the top edge (true value in its tooltip), not a
 * reason to flatten every other trial onto the zero line.
 */
import { Chart, type ChartDataset, type TooltipItem } from 'chart.js';
import { formatNumber, offScaleNote, optimizationHistory, robustRange, type RobustRange } from '../../../src/core/analysis';
import { offScaleDatasets, offScaleLabel, readAxis, splitOffScale, valueAxis, tickHooks, type AxisState, type PlotPoint } from '../axes';
import { axisStyle, tooltipStyle, trialLines, trialTitle, zoomOptions } from '../chartStyle';
import { withAlpha } from '../theme';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

export function createHistoryView(ctx: ViewContext): PlotView {
  const { panel, canvas, note } = createPanel('history', 'History');
  let chart: Chart<'scatter'> | null = null;
  let offScale = 0;
  let range: RobustRange | null = null;

  function datasets(): ChartDataset<'scatter'>[] {
    const { store, theme, logScale } = ctx.state;
    const history = optimizationHistory([...store.trials.values()], store.direction);
    const placeable = history.filter(h => !Number.isNaN(h.value));
    const r = robustRange(placeable.map(h => h.value), { forceLog: logScale });
    range = r;
    const points: PlotPoint[] = placeable.map(h => ({ x: h.number, y: h.value, n: h.number }));
    const { inside, above, below } = splitOffScale(points, r);
    offScale = above.length + below.length;
    const pruned = (p: PlotPoint) => store.trials.get(p.n)?.state === 'pruned';
    // The best-so-far line stays inside the plot: a best value off the scale runs along the edge.
    const clamp = (y: number) => Math.min(r.max, Math.max(r.min, y));
    const best = history.filter(h => h.bestTrial >= 0).map(h => ({ x: h.number, y: clamp(h.best), n: h.bestTrial, v: h.best }));
    const nan = history.length - placeable.length;
    setNote(note, history.length
      ? [`${history.length - nan} trials with a value`, offScaleNote(offScale), nan ? `${nan} NaN not plotted` : null].filter(Boolean).join('; ') + '.'
      : 'No trial has a value yet.');
    const small = points.length > 2000;
    return [
      { type: 'scatter', label: 'objective', data: inside.filter(p => !pruned(p)), pointRadius: small ? 1.5 : 3, backgroundColor: withAlpha(theme.palette[0], 0.75), borderWidth: 0, order: 2 },
      { type: 'scatter', label: 'pruned', data: inside.filter(pruned), pointRadius: small ? 2 : 4.5, pointStyle: 'triangle', backgroundColor: theme.palette[3], borderWidth: 0, order: 3 },
      { type: 'line', label: 'best so far', data: best, borderColor: theme.accent, backgroundColor: theme.accent, borderWidth: 2.5, pointRadius: 0, stepped: 'after', order: 1 } as unknown as ChartDataset<'scatter'>,
      ...offScaleDatasets(theme, above, below),
    ];
  }

  function render(): void {
    const data = datasets();
    const { store, theme } = ctx.state;
    const y = valueAxis(theme, 'objective value', range);
    if (chart) {
      chart.data.datasets = data;
      // In place: a new scales object makes chart.js rebuild its scales from scratch.
      // Unless the user zoomed: new data must not throw away the range they chose.
      if (chart.options.scales?.y && !chart.isZoomedOrPanned()) Object.assign(chart.options.scales.y, y);
      chart.update('none');
      return;
    }
    const raw = (item: TooltipItem<'scatter'>) => item.raw as PlotPoint;
    chart = new Chart<'scatter'>(canvas, {
      type: 'scatter',
      data: { datasets: data },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        layout: { padding: { top: 8 } },
        scales: { x: { type: 'linear', ...axisStyle(theme, 'trial'), ...tickHooks({ integer: true }) }, y },
        plugins: {
          legend: { display: false },
          tooltip: {
            ...tooltipStyle(theme),
            callbacks: {
              title: items => (items[0] ? trialTitle(store, raw(items[0]).n) : ''),
              label: item => {
                const p = raw(item);
                if (item.dataset.label === 'best so far') return `best so far: ${formatNumber(p.v ?? p.y)}`;
                return p.v !== undefined ? offScaleLabel(p.v, formatNumber) : `value: ${formatNumber(p.y)}`;
              },
              afterBody: items => (items[0] && items[0].dataset.label !== 'best so far' ? trialLines(store, raw(items[0]).n).slice(1) : []),
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
      chart?.destroy();
      chart = null;
    },
    axis: (): AxisState | null => readAxis(chart?.scales.y, offScale),
  };
}
