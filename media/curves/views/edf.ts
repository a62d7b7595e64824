/**
 * Empirical distribution (EDF) of the objective over complete trials, as optuna-dashboard draws it: the
 * fraction of trials at most x. The x range is robust like every value axis; values off it are
 * markers at the edge.
 */
import { Chart, type ChartDataset, type TooltipItem } from 'chart.js';
import { empiricalDistribution, formatNumber, offScaleNote, robustRange, scoredTrials } from '../../../src/core/analysis';
import { offScaleDatasets, readAxis, splitOffScale, tickHooks, valueAxis, type PlotPoint } from '../axes';
import { axisStyle, baseOptions, tooltipStyle, zoomOptions } from '../chartStyle';
import { withAlpha } from '../theme';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

export function createEdfView(ctx: ViewContext): PlotView {
  const { panel, canvas, note } = createPanel('edf', 'EDF');
  let chart: Chart<'line'> | null = null;
  let offScale = 0;

  function render(): void {
    const { store, theme, logScale } = ctx.state;
    const complete = scoredTrials([...store.trials.values()].filter(t => t.state === 'complete'));
    const values = complete.map(t => t.value);
    const edf = empiricalDistribution(values);
    const range = robustRange(values, { forceLog: logScale });
    // `n` is meaningless here (a point is a value, not a trial); the tooltip names the fraction instead.
    const points: PlotPoint[] = edf.map(p => ({ x: p.x, y: p.y, n: -1 }));
    const { inside, above, below } = splitOffScale(points, range, 'x');
    offScale = values.filter(v => v > range.hi || v < range.lo).length;
    const better = store.direction === 'minimize' ? 'lower' : 'higher';
    setNote(note, complete.length
      ? [`Fraction of the ${complete.length} complete trials with an objective value at most x (${better} is better: a curve that rises early means most trials did well)`, offScaleNote(offScale)].filter(Boolean).join('; ') + '.'
      : 'No complete trial yet.');
    // From the left edge (at the share of values below it) to the right edge, so the steps span the plot.
    const edges = inside.length ? [{ x: range.min, y: below.length ? below[below.length - 1].y : 0, n: -1 }, { x: range.max, y: inside[inside.length - 1].y, n: -1 }] : [];
    const datasets = [
      { type: 'line', label: 'EDF', data: edges.length ? [edges[0], ...inside, edges[1]] : [], stepped: 'before', borderColor: theme.palette[0], backgroundColor: withAlpha(theme.palette[0], 0.12), fill: false, borderWidth: 2, pointRadius: 0, order: 1 },
      ...offScaleDatasets(theme, above, below, 'x'),
    ] as unknown as ChartDataset<'line'>[];
    const raw = (item: TooltipItem<'line'>) => item.raw as PlotPoint;
    const x = valueAxis(theme, 'objective value', range);
    if (chart) {
      chart.data.datasets = datasets;
      // Unless the user zoomed: new data must not throw away the range they chose.
      if (chart.options.scales?.x && !chart.isZoomedOrPanned()) Object.assign(chart.options.scales.x, x);
      chart.update('none');
      return;
    }
    chart = new Chart<'line'>(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        ...baseOptions(),
        interaction: { mode: 'nearest', intersect: false, axis: 'x' },
        scales: { x, y: { type: 'linear', min: 0, max: 1, ...axisStyle(theme, 'fraction of trials'), ...tickHooks() } },
        plugins: {
          legend: { display: false },
          tooltip: {
            ...tooltipStyle(theme),
            callbacks: {
              title: () => '',
              label: item => `${Math.round(raw(item).y * 100)} % of trials ≤ ${formatNumber(raw(item).v ?? raw(item).x)}${raw(item).v !== undefined ? ' (off the scale)' : ''}`,
            },
          },
          zoom: zoomOptions(),
        },
      },
    });
  }

  return {
    tab: 'edf',
    label: 'EDF',
    panel,
    canvas,
    redrawOnResize: false,
    dataKey: () => `${ctx.state.trialsVersion}:${ctx.state.logScale}`,
    render,
    chart: () => chart as Chart | null,
    dispose: () => {
      chart?.destroy();
      chart = null;
    },
    axis: () => readAxis(chart?.scales.x, offScale),
  };
}
