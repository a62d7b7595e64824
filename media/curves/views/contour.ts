/** Contour: the forest's predicted objective over two parameters (the two most important by default). */
import { scoredTrials, topPair } from '../../../src/core/analysis';
import { el, fillSelect } from '../../shared/dom';
import { drawContour } from '../canvasPlots';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

export function createContourView(ctx: ViewContext): PlotView {
  const paramX = el('select', { id: 'contour-x', title: 'Parameter on the x axis' });
  const paramY = el('select', { id: 'contour-y', title: 'Parameter on the y axis' });
  const { panel, canvas, note } = createPanel('contour', 'Contour', el('div', { className: 'panel-controls' }, el('label', { text: 'x ' }, paramX), el('label', { text: 'y ' }, paramY)));

  function render(): void {
    const { store, theme } = ctx.state;
    const m = ctx.analysis.current();
    const names = m.importances.map(i => ({ value: i.name, label: i.name }));
    const pair = topPair(m);
    fillSelect(paramX, names, paramX.value || (pair?.[0] ?? null));
    fillSelect(paramY, names, paramY.value || (pair?.[1] ?? null));
    if (paramX.value && paramX.value === paramY.value && pair) {
      paramY.value = paramX.value === pair[0] ? pair[1] : pair[0];
    }
    const grid = pair ? m.contour(paramX.value, paramY.value, 40) : null;
    const axisX = m.axes.find(a => a.name === paramX.value);
    const axisY = m.axes.find(a => a.name === paramY.value);
    if (!grid || !axisX || !axisY) {
      setNote(note, m.note ?? 'The contour needs two parameters and at least two finished trials.');
      canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
      return;
    }
    setNote(note, `Predicted objective (random-forest marginal) over ${paramX.value} × ${paramY.value}; rings are trials, the filled one is the best.`);
    drawContour(canvas, grid, theme, { direction: store.direction, axisX, axisY, trials: scoredTrials([...store.trials.values()]), best: store.best });
  }

  paramX.addEventListener('change', () => render());
  paramY.addEventListener('change', () => render());
  return {
    tab: 'contour',
    label: 'Contour',
    panel,
    canvas,
    redrawOnResize: true,
    dataKey: () => {
      ctx.analysis.current();
      return `${ctx.analysis.version}:${ctx.state.store.selected}:${ctx.state.store.best}`;
    },
    render,
    chart: () => null,
    dispose: () => {},
  };
}
