/**
 * Pareto front of a multi-objective study: every complete trial as a point of two objectives, the
 * front highlighted with its staircase, dominated trials muted (paretoCell.ts). Two objectives are
 * one scatter; three or more a scatter matrix of every pair (lower triangle), or one pair picked in
 * the selector. A click selects the trial everywhere. A study with one objective says how to get the
 * view instead of drawing nothing.
 */
import { formatNumber, objectivePairs, paretoPlotOf, type ParetoData, type ParetoPlot } from '../../../src/core/analysis';
import type { CurvesObjective } from '../../../src/core/protocol/curves';
import { layerStates } from '../pointCloud';
import { el, fillSelect } from '../../shared/dom';
import { arrow, ParetoCell } from './paretoCell';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

const ALL_PAIRS = 'all';

export function createParetoView(ctx: ViewContext): PlotView {
  const pairSelect = el('select', { id: 'pareto-pair', title: 'Objectives on the x and y axes' });
  const controls = el('div', { className: 'panel-controls' }, el('label', { text: 'objectives ' }, pairSelect));
  const { panel, canvas, note } = createPanel('pareto', 'Pareto front', controls);
  const grid = el('div', { className: 'pareto-grid', id: 'pareto-grid' });
  (canvas.parentElement as HTMLElement).replaceChildren(grid);
  let cells: ParetoCell[] = [];
  let plot: ParetoPlot | null = null;
  /** The store's front the plot was built from: a new one (trials changed) rebuilds it. */
  let plotData: ParetoData | null = null;
  /** The layout the cells were built for ("2", "3:all", "3:0,2" …): another one rebuilds them. */
  let layoutKey = '';

  function shownPairs(count: number): [number, number][] {
    if (count === 2) return [[0, 1]];
    if (pairSelect.value === ALL_PAIRS) return objectivePairs(count);
    const [i, j] = pairSelect.value.split(',').map(Number);
    return Number.isInteger(i) && Number.isInteger(j) && j < count ? [[i, j]] : objectivePairs(count);
  }

  /** Cells for the pairs shown: the first one draws on the panel's canvas (PNG export, zoom keys). */
  function layout(count: number): void {
    const pairs = shownPairs(count);
    const key = `${count}:${pairs.map(p => p.join(',')).join(' ')}`;
    if (key === layoutKey) return;
    for (const cell of cells) cell.destroy();
    layoutKey = key;
    cells = pairs.map(([i, j], k) => new ParetoCell(ctx, i, j, k === 0 ? canvas : undefined));
    const side = pairs.length === 1 ? 1 : count - 1;
    grid.style.gridTemplateColumns = `repeat(${side}, minmax(0, 1fr))`;
    grid.style.gridTemplateRows = `repeat(${side}, minmax(0, 1fr))`;
    // The lower triangle of the matrix: objective i along the columns, j down the rows.
    for (const cell of cells) {
      cell.box.style.gridColumn = pairs.length === 1 ? '1' : String(cell.i + 1);
      cell.box.style.gridRow = pairs.length === 1 ? '1' : String(cell.j);
    }
    grid.replaceChildren(...cells.map(c => c.box));
  }

  function describe(objectives: readonly CurvesObjective[], p: ParetoPlot): string {
    if (!p.points.length) return 'No complete trial with every metric yet.';
    const directions = objectives.map(o => o.direction);
    const hv = p.hypervolume.length ? p.hypervolume[p.hypervolume.length - 1] : 0;
    const off = Math.max(0, ...cells.map(c => c.offScale));
    return [
      `${p.front.length} of ${p.points.length} complete trials on the Pareto front (${objectives.map(o => `${o.name} ${arrow(o.direction)}`).join(', ')})`,
      `hypervolume ${formatNumber(hv, 4)} against the reference (${p.reference.map((r, k) => formatNumber(directions[k] === 'maximize' ? -r : r, 3)).join(', ')})`,
      off ? `${off} value${off === 1 ? '' : 's'} off the scale, drawn at the edge` : null,
    ].filter(Boolean).join('; ') + '. Click a point to select its trial.';
  }

  function render(): void {
    const { store } = ctx.state;
    const objectives = store.objectives;
    const data = store.pareto();
    // The controls row is a flex box (its CSS wins over `hidden`): only three or more objectives need a pair.
    controls.style.display = objectives.length < 3 ? 'none' : '';
    if (!data) {
      setNote(note, 'This study has one metric. List several under metric: in the study file (for example accuracy to maximize and model size to minimize) to see their trade-off here.');
      for (const cell of cells) cell.destroy();
      cells = [];
      layoutKey = '';
      grid.replaceChildren();
      plot = plotData = null;
      return;
    }
    const pairs = objectivePairs(objectives.length).map(([a, b]) => ({ value: `${a},${b}`, label: `${objectives[a].name} × ${objectives[b].name}` }));
    fillSelect(pairSelect, [{ value: ALL_PAIRS, label: 'all pairs' }, ...pairs], pairSelect.value || ALL_PAIRS);
    layout(objectives.length);
    // The store's front and the hypervolume once per change of the trials; a selection or a pair change only redraws.
    if (!plot || plotData !== data) {
      plot = paretoPlotOf(data, { history: false, ranks: false });
      plotData = data;
    }
    for (const cell of cells) cell.render(plot, objectives, cells.length > 1);
    setNote(note, describe(objectives, plot));
  }

  pairSelect.addEventListener('change', () => render());

  return {
    tab: 'pareto',
    label: 'Pareto',
    panel,
    canvas,
    redrawOnResize: false,
    dataKey: () => `${ctx.state.trialsVersion}:${ctx.state.store.selected}:${pairSelect.value}`,
    render,
    chart: () => cells[0]?.current() ?? null,
    resetZoom: () => cells.forEach(c => c.resetZoom()),
    layers: () => cells.flatMap(c => layerStates(c.layers).map(l => ({ ...l, name: cells.length > 1 ? `${l.name} ${c.i},${c.j}` : l.name }))),
    dispose: () => {
      for (const cell of cells) cell.destroy();
      cells = [];
      layoutKey = '';
    },
  };
}
