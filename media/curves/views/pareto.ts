/**
 * Pareto front of a multi-objective study: every complete trial as a point of two objectives (a pair
 * selector for three or more), the front highlighted with its staircase, dominated trials muted, and
 * the hypervolume history below the note. A click selects the trial everywhere. A study with one
 * objective says how to get the view instead of drawing nothing.
 */
import { Chart } from 'chart.js';
import { formatNumber, frontStaircase, objectivePairs, paretoPlot, robustRange, type ParetoPlot } from '../../../src/core/analysis';
import { tickHooks, valueAxis, type PlotPoint } from '../axes';
import { CanvasTooltip } from '../canvas';
import { baseOptions, trialLines, trialTitle, zoomOptions } from '../chartStyle';
import { bindPointEvents, pointCloud, type PointLayer } from '../pointCloud';
import { withAlpha } from '../theme';
import { el, fillSelect } from '../../shared/dom';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

const arrow = (d: string) => (d === 'maximize' ? '↑' : '↓');

export function createParetoView(ctx: ViewContext): PlotView {
  const pairSelect = el('select', { id: 'pareto-pair', title: 'Objectives on the x and y axes' });
  const controls = el('div', { className: 'panel-controls' }, el('label', { text: 'objectives ' }, pairSelect));
  const { panel, canvas, note } = createPanel('pareto', 'Pareto front', controls);
  const tooltip = new CanvasTooltip(canvas.parentElement as HTMLElement);
  let chart: Chart<'line'> | null = null;
  let layers: PointLayer[] = [];
  let plot: ParetoPlot | null = null;

  function pair(): [number, number] {
    const [i, j] = pairSelect.value.split(',').map(Number);
    return Number.isInteger(i) && Number.isInteger(j) ? [i, j] : [0, 1];
  }

  function compute(): { staircase: PlotPoint[]; x: ReturnType<typeof valueAxis>; y: ReturnType<typeof valueAxis> } | null {
    const { store, theme } = ctx.state;
    const objectives = store.objectives;
    // The controls row is a flex box (its CSS wins over `hidden`): only three or more objectives need a pair.
    controls.style.display = objectives.length < 3 ? 'none' : '';
    if (objectives.length < 2) {
      setNote(note, 'This study has one metric. List several under metric: in the study file (for example accuracy to maximize and model size to minimize) to see their trade-off here.');
      layers = [];
      plot = null;
      return null;
    }
    fillSelect(pairSelect, objectivePairs(objectives.length).map(([a, b]) => ({ value: `${a},${b}`, label: `${objectives[a].name} × ${objectives[b].name}` })), pairSelect.value || '0,1');
    const [i, j] = pair();
    const directions = objectives.map(o => o.direction);
    plot = paretoPlot(store.trials.values(), directions);
    const rx = robustRange(plot.points.map(p => p.values[i]));
    const ry = robustRange(plot.points.map(p => p.values[j]));
    const clamp = (v: number, r: { min: number; max: number }) => Math.min(r.max, Math.max(r.min, v));
    const at = (p: { number: number; values: readonly number[] }): PlotPoint => ({ x: clamp(p.values[i], rx), y: clamp(p.values[j], ry), n: p.number });
    const selected = store.selected;
    layers = [
      { points: plot.points.filter(p => p.rank > 0).map(at), colour: withAlpha(theme.muted, 0.45), radius: plot.points.length > 2000 ? 1.5 : 3, shape: 'circle' },
      { points: plot.front.map(at), colour: theme.accent, radius: 5, shape: 'circle', stroke: theme.foreground, onTop: true },
      { points: plot.points.filter(p => p.number === selected).map(at), colour: theme.palette[1], radius: 7, shape: 'circle', stroke: theme.foreground, onTop: true, unclipped: true },
    ];
    const hv = plot.hypervolume.length ? plot.hypervolume[plot.hypervolume.length - 1] : 0;
    const off = rx.below + rx.above + ry.below + ry.above;
    setNote(note, plot.points.length
      ? [
          `${plot.front.length} of ${plot.points.length} complete trials on the Pareto front (${objectives.map(o => `${o.name} ${arrow(o.direction)}`).join(', ')})`,
          `hypervolume ${formatNumber(hv, 4)} against the reference (${plot.reference.map((r, k) => formatNumber(directions[k] === 'maximize' ? -r : r, 3)).join(', ')})`,
          off ? `${off} value${off === 1 ? '' : 's'} off the scale, drawn at the edge` : null,
        ].filter(Boolean).join('; ') + '. Click a point to select its trial.'
      : 'No complete trial with every metric yet.');
    const staircase = frontStaircase(plot.front, i, j, directions).map(p => ({ x: clamp(p.x, rx), y: clamp(p.y, ry), n: -1 }));
    return { staircase, x: valueAxis(theme, `${objectives[i].name} ${arrow(objectives[i].direction)}`, rx), y: valueAxis(theme, `${objectives[j].name} ${arrow(objectives[j].direction)}`, ry) };
  }

  function render(): void {
    const computed = compute();
    const { theme } = ctx.state;
    if (!computed) {
      chart?.destroy();
      chart = null;
      return;
    }
    const dataset = { label: 'Pareto front', data: computed.staircase, borderColor: withAlpha(theme.accent, 0.8), backgroundColor: theme.accent, borderWidth: 1.5, pointRadius: 0 };
    const x = { ...computed.x, ...tickHooks() };
    if (chart) {
      chart.data.datasets = [dataset];
      if (chart.options.scales?.x && chart.options.scales.y && !chart.isZoomedOrPanned()) {
        Object.assign(chart.options.scales.x, x);
        Object.assign(chart.options.scales.y, computed.y);
      }
      chart.update('none');
      return;
    }
    chart = new Chart<'line'>(canvas, {
      type: 'line',
      data: { datasets: [dataset] },
      options: { ...baseOptions(), scales: { x, y: computed.y }, plugins: { legend: { display: false }, tooltip: { enabled: false }, zoom: zoomOptions() } },
      plugins: [pointCloud(() => layers)],
    });
  }

  bindPointEvents(canvas, tooltip, () => chart as Chart | null, () => layers, p => {
    const { store } = ctx.state;
    const t = store.trials.get(p.n);
    const values = store.objectives.map((o, k) => `${o.name}: ${formatNumber(t?.values?.[k] ?? NaN, 4)}`);
    const onFront = plot?.front.some(f => f.number === p.n) ? ['on the Pareto front'] : ['dominated'];
    return { title: trialTitle(store, p.n), lines: [...onFront, ...values, ...trialLines(store, p.n).slice(1)] };
  }, n => ctx.selectTrial(n));
  pairSelect.addEventListener('change', () => {
    chart?.resetZoom();
    render();
  });

  return {
    tab: 'pareto',
    label: 'Pareto',
    panel,
    canvas,
    redrawOnResize: false,
    dataKey: () => `${ctx.state.trialsVersion}:${ctx.state.store.selected}:${pairSelect.value}`,
    render,
    chart: () => chart as Chart | null,
    dispose: () => {
      tooltip.hide();
      chart?.destroy();
      chart = null;
    },
  };
}
