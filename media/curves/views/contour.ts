/**
 * Contour: the forest's predicted objective over two parameters (the two most important by default),
 * coloured by rank of the predictions so the whole colour scale describes the region that matters;
 * rings are trials, the filled one is the best.
 */
import { formatParam, formatTicks, normalise, paramAxisTicks, rankBadness, scoredTrials, topPair, valueAtRank, type AnalysedTrial, type AxisTick, type ContourGrid, type ParamAxis } from '../../../src/core/analysis';
import type { Direction } from '../../../src/core/search/types';
import { el, fillSelect } from '../../shared/dom';
import { prepareCanvas, ramp, truncate } from '../canvas';
import type { Theme } from '../theme';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

interface ContourOptions {
  readonly direction: Direction;
  readonly axisX: ParamAxis;
  readonly axisY: ParamAxis;
  readonly trials: readonly (AnalysedTrial & { value: number })[];
  readonly best: number | null;
}

/** Where a param value sits across a contour axis, as a fraction of the plot: numeric by its (log) position, categories in equal slots. */
function contourPosition(axis: ParamAxis, value: AnalysedTrial['params'][string] | undefined): number | null {
  if (axis.kind === 'numeric') return normalise(axis, value);
  const i = axis.categories.indexOf(formatParam(value ?? null));
  return i < 0 ? null : (i + 0.5) / axis.categories.length;
}

function axisTicks(axis: ParamAxis): AxisTick[] {
  if (axis.kind === 'numeric') return paramAxisTicks(axis, 6);
  return axis.categories.map((c, i) => ({ t: (i + 0.5) / axis.categories.length, label: c })).filter((_, i, all) => all.length <= 12 || i % Math.ceil(all.length / 12) === 0);
}

function drawContour(canvas: HTMLCanvasElement, grid: ContourGrid, theme: Theme, options: ContourOptions): void {
  const { ctx, width, height } = prepareCanvas(canvas);
  const left = 96;
  ctx.font = `11px ${theme.font}`;
  // Room for the colour bar, its widest label and its rotated title: labels are never cut.
  const barLabels = colourBarLabels(grid.z.flat(), options.direction);
  const right = width - (24 + 20 + Math.max(...barLabels.map(l => ctx.measureText(l).width)) + 26);
  const top = 16;
  const bottom = height - 48;
  const plotW = right - left;
  const plotH = bottom - top;
  const centres = (axis: ParamAxis, n: number) =>
    axis.kind === 'numeric' ? Array.from({ length: n }, (_, i) => (n === 1 ? 0.5 : i / (n - 1))) : Array.from({ length: n }, (_, i) => (i + 0.5) / n);
  const bounds = (c: number[]) => c.map((v, i) => [i === 0 ? 0 : (c[i - 1] + v) / 2, i === c.length - 1 ? 1 : (v + c[i + 1]) / 2]);
  const bx = bounds(centres(options.axisX, grid.x.length));
  const by = bounds(centres(options.axisY, grid.y.length));
  const cells = grid.z.flat();
  const badness = rankBadness(cells, options.direction);
  for (let r = 0; r < grid.y.length; r++) {
    for (let c = 0; c < grid.x.length; c++) {
      ctx.fillStyle = ramp(theme, badness[r * grid.x.length + c]);
      // Whole-pixel cell edges: fractional ones antialias into visible seams between cells.
      const x0 = Math.floor(left + bx[c][0] * plotW);
      const x1 = Math.ceil(left + bx[c][1] * plotW);
      const y0 = Math.floor(bottom - by[r][1] * plotH);
      const y1 = Math.ceil(bottom - by[r][0] * plotH);
      ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
    }
  }
  // Trials on top: small rings, the best one larger in the accent colour.
  for (const t of options.trials) {
    const px = contourPosition(options.axisX, t.params[options.axisX.name]);
    const py = contourPosition(options.axisY, t.params[options.axisY.name]);
    if (px === null || py === null) continue;
    const isBest = t.number === options.best;
    ctx.beginPath();
    ctx.arc(left + px * plotW, bottom - py * plotH, isBest ? 6 : 3, 0, Math.PI * 2);
    ctx.fillStyle = isBest ? theme.accent : theme.background;
    ctx.fill();
    ctx.lineWidth = isBest ? 2 : 1;
    ctx.strokeStyle = theme.foreground;
    ctx.stroke();
  }
  ctx.strokeStyle = theme.foreground;
  ctx.lineWidth = 1;
  ctx.strokeRect(left, top, plotW, plotH);

  ctx.fillStyle = theme.foreground;
  ctx.font = `11px ${theme.font}`;
  ctx.textAlign = 'center';
  for (const tick of axisTicks(options.axisX)) ctx.fillText(truncate(ctx, tick.label, 80), left + tick.t * plotW, bottom + 14);
  ctx.textAlign = 'right';
  for (const tick of axisTicks(options.axisY)) ctx.fillText(truncate(ctx, tick.label, left - 24), left - 6, bottom - tick.t * plotH + 4);
  ctx.font = `bold 12px ${theme.font}`;
  ctx.textAlign = 'center';
  const title = (axis: ParamAxis) => (axis.kind === 'numeric' && axis.log ? `${axis.name} (log)` : axis.name);
  ctx.fillText(truncate(ctx, title(options.axisX), plotW), left + plotW / 2, bottom + 36);
  ctx.save();
  ctx.translate(14, top + plotH / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(truncate(ctx, title(options.axisY), plotH), 0, 0);
  ctx.restore();
  drawColourBar(ctx, theme, cells, options.direction, right + 24, top, plotH);
}

/** Rank fractions labelled on the colour bar, worst (top) first. */
const QUARTILES = [1, 0.75, 0.5, 0.25, 0];

function colourBarLabels(cells: readonly number[], direction: Direction): string[] {
  return formatTicks(QUARTILES.map(q => valueAtRank(cells, direction, q)));
}

/** Colour bar by rank: the worst prediction at the top, the best at the bottom, labelled at quartiles. */
function drawColourBar(ctx: CanvasRenderingContext2D, theme: Theme, cells: readonly number[], direction: Direction, x: number, top: number, height: number): void {
  for (let i = 0; i < height; i++) {
    ctx.fillStyle = ramp(theme, 1 - i / height);
    ctx.fillRect(x, top + i, 14, 1.5);
  }
  const labels = colourBarLabels(cells, direction);
  ctx.fillStyle = theme.foreground;
  ctx.font = `11px ${theme.font}`;
  ctx.textAlign = 'left';
  QUARTILES.forEach((q, i) => ctx.fillText(labels[i], x + 20, top + (1 - q) * height + (i === 0 ? 10 : i === QUARTILES.length - 1 ? 0 : 4)));
  const widest = Math.max(...labels.map(l => ctx.measureText(l).width));
  ctx.save();
  ctx.translate(x + 20 + widest + 10, top + height / 2);
  ctx.rotate(Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillStyle = theme.muted;
  ctx.fillText('predicted objective (by rank)', 0, 0);
  ctx.restore();
}

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
    setNote(note, `Predicted objective (random-forest marginal) over ${paramX.value} × ${paramY.value}, coloured by rank; rings are trials, the filled one is the best.`);
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
