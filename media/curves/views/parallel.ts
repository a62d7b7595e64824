/** Parallel coordinates: one polyline per finished trial across every parameter axis and the objective. */
import { parallelCoordinates } from '../../../src/core/analysis';
import { drawParallel } from '../canvasPlots';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

export function createParallelView(ctx: ViewContext): PlotView {
  const { panel, canvas, note } = createPanel('parallel', 'Parallel coordinates');
  return {
    tab: 'parallel',
    label: 'Parallel coordinates',
    panel,
    canvas,
    redrawOnResize: true,
    dataKey: () => {
      ctx.analysis.current();
      return `${ctx.analysis.version}:${ctx.state.store.selected}:${ctx.state.store.best}`;
    },
    render: () => {
      const { store, theme } = ctx.state;
      const data = parallelCoordinates([...store.trials.values()], ctx.analysis.current().axes);
      setNote(note, `${data.lines.length} finished trials; colour from best (blue) to worst (orange); the best trial in the accent colour.`);
      drawParallel(canvas, data, theme, { direction: store.direction, best: store.best, selected: store.selected });
    },
    chart: () => null,
    dispose: () => {},
  };
}
