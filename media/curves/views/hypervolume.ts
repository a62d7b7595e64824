/**
 * Hypervolume history of a multi-objective study: after each complete trial, the volume of objective
 * space its Pareto front dominates, up to a reference point. Studies have no given reference, so it is
 * per objective the worst value seen plus a tenth of that objective's range (every trial on the front
 * then adds volume; the note states the point). A rising step is a trial that moved the front; a
 * click selects it. A study with one objective says how to get the view.
 */
import { Chart } from 'chart.js';
import { formatNumber, hypervolumeSteps, paretoPlotOf, referenceInUnits, type HypervolumeStep, type ParetoData, type ParetoPlot } from '../../../src/core/analysis';
import { readAxis, tickHooks, type AxisState, type PlotPoint } from '../axes';
import { CanvasTooltip } from '../canvas';
import { axisStyle, trialLines, trialTitle } from '../chartStyle';
import { bindPointEvents, layerStates, type PointLayer } from '../pointCloud';
import { withAlpha } from '../theme';
import { drawStepLine } from '../stepLine';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

const stepPoint = (s: HypervolumeStep): PlotPoint => ({ x: s.number, y: s.hypervolume, n: s.number });

/**
 * The history of the store's front (exact, one contribution per front change, resumed from the
 * previous history where the trials start to differ; ranks of the dominated trials left out, this
 * view does not draw them) split in one pass into the trials that moved the
 * front and the others, and the step line through the moves only (and the first and last trial): a
 * 10,000-step line is mostly flat runs. chart.js's stepped 'before' runs level to the next point,
 * then up (its 'after' rises at the previous one).
 */
interface HistoryPoints {
  readonly data: ParetoData;
  readonly plot: ParetoPlot;
  readonly steps: readonly HypervolumeStep[];
  readonly unchanged: PlotPoint[];
  readonly improved: PlotPoint[];
  readonly line: PlotPoint[];
}

function historyPoints(data: ParetoData, previous: ParetoPlot | undefined): HistoryPoints {
  const plot = paretoPlotOf(data, { ranks: false, resume: previous });
  const steps = hypervolumeSteps(plot);
  const unchanged: PlotPoint[] = [];
  const improved: PlotPoint[] = [];
  const line: PlotPoint[] = [];
  steps.forEach((s, k) => {
    const p = stepPoint(s);
    (s.improved ? improved : unchanged).push(p);
    if (k === 0 || k === steps.length - 1 || s.improved) line.push(p);
  });
  return { data, plot, steps, unchanged, improved, line };
}

export function createHypervolumeView(ctx: ViewContext): PlotView {
  const { panel, canvas, note } = createPanel('hypervolume', 'Hypervolume history');
  const tooltip = new CanvasTooltip(canvas.parentElement as HTMLElement);
  let chart: Chart<'line'> | null = null;
  let layers: PointLayer[] = [];
  /** What the store's front gives (history, point layers, step line): rebuilt when it changes, not per selection. */
  let cache: HistoryPoints | null = null;

  /** The step line and the point layers; null (and a note) when there is nothing to draw. */
  function compute(): PlotPoint[] | null {
    const { store, theme } = ctx.state;
    const objectives = store.objectives;
    const data = store.pareto();
    if (!data) {
      setNote(note, 'This study has one metric: the hypervolume measures the Pareto front of a study with several (list them under metric: in the study file).');
      layers = [];
      return null;
    }
    const directions = objectives.map(o => o.direction);
    // Once per change of the store's front (which it shares), not per selection.
    if (cache?.data !== data) cache = historyPoints(data, cache?.plot);
    const { plot, steps, unchanged, improved, line } = cache;
    const many = steps.length > 2000;
    const selected = store.selected === null ? undefined : steps.findIndex(s => s.number === store.selected);
    layers = [
      { name: 'unchanged', points: unchanged, colour: withAlpha(theme.muted, 0.5), radius: many ? 1 : 2.5, shape: 'circle' },
      { name: 'improved', points: improved, colour: theme.accent, radius: many ? 2 : 4, shape: 'circle', onTop: true },
      { name: 'selected', points: selected === undefined || selected < 0 ? [] : [stepPoint(steps[selected])], colour: theme.palette[1], radius: 6, shape: 'circle', stroke: theme.foreground, onTop: true },
    ];
    const reference = referenceInUnits(plot, directions).map((r, k) => `${objectives[k].name} ${formatNumber(r, 3)}`).join(', ');
    const last = steps.length ? steps[steps.length - 1].hypervolume : 0;
    setNote(note, steps.length
      ? `Hypervolume ${formatNumber(last, 4)} after ${steps.length} complete trials (${improved.length} moved the front). Reference point: ${reference} — per objective the worst value seen plus 10% of its range; the whole history is measured against it.`
      : 'No complete trial with every metric yet.');
    return line;
  }

  function render(): void {
    const line = compute();
    const { theme } = ctx.state;
    if (!line) {
      chart?.destroy();
      chart = null;
      return;
    }
    const numbers = line.map(p => p.x);
    const x = { type: 'linear' as const, min: numbers.length ? numbers[0] - 0.5 : 0, max: numbers.length ? numbers[numbers.length - 1] + 0.5 : 1, ...axisStyle(theme, 'trial'), ...tickHooks({ integer: true }) };
    const y = { type: 'linear' as const, min: 0, ...axisStyle(theme, 'hypervolume'), ...tickHooks() };
    const dataset = { label: 'hypervolume', data: line, borderColor: theme.accent, backgroundColor: theme.accent, borderWidth: 2, pointRadius: 0, stepped: 'before' as const };
    chart = drawStepLine(chart, canvas, dataset, { x, y }, () => layers);
  }

  bindPointEvents(canvas, tooltip, () => chart as Chart | null, () => layers, p => {
    const moved = layers.find(l => l.name === 'improved')?.points.some(q => q.n === p.n);
    return { title: trialTitle(ctx.state.store, p.n), lines: [`hypervolume: ${formatNumber(p.y, 4)}`, moved ? 'moved the front' : 'front unchanged', ...trialLines(ctx.state.store, p.n).slice(1)] };
  }, n => ctx.selectTrial(n));

  return {
    tab: 'hypervolume',
    label: 'Hypervolume',
    panel,
    canvas,
    redrawOnResize: false,
    dataKey: () => `${ctx.state.trialsVersion}:${ctx.state.store.selected}`,
    render,
    chart: () => chart as Chart | null,
    dispose: () => {
      tooltip.hide();
      chart?.destroy();
      chart = null;
    },
    axis: (): AxisState | null => readAxis(chart?.scales.y, 0),
    layers: () => layerStates(layers),
  };
}
