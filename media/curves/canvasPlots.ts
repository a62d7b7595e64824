/**
 * The two plots drawn straight on a canvas: parallel coordinates (thousands of polylines are cheaper
 * as one path pass than as chart.js datasets) and the 2-parameter contour heatmap. Text from the data
 * (param names, category labels) is drawn with fillText, never parsed as HTML.
 */
import type { Direction } from '../../src/core/search/types';
import { denormalise, formatParam, normalise, type ContourGrid, type ParallelData, type ParamAxis } from '../../src/core/analysis';
import type { AnalysedTrial } from '../../src/core/analysis/space';
import { mix, withAlpha, type Theme } from './theme';

/** Sizes the canvas backing store to its CSS box (crisp on HiDPI) and returns a context in CSS pixels. */
export function prepareCanvas(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; width: number; height: number } {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(200, canvas.clientWidth);
  const height = Math.max(160, canvas.clientHeight);
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

/** Colour for a value in [0, 1] of "badness" (0 = best). */
export function ramp(theme: Theme, badness: number): string {
  const t = Math.max(0, Math.min(1, badness));
  // Through a neutral grey halfway between background and foreground, so the two ends stay apart and
  // the middle reads as "average" in light and dark themes alike.
  const middle = mix(theme.background, theme.foreground, 0.45);
  return t < 0.5 ? mix(theme.good, middle, t * 2) : mix(middle, theme.bad, (t - 0.5) * 2);
}

function truncate(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let s = text;
  while (s.length > 1 && ctx.measureText(s + '…').width > maxWidth) s = s.slice(0, -1);
  return s + '…';
}

function badnessOf(direction: Direction, value: number, min: number, max: number): number {
  const t = max > min ? (value - min) / (max - min) : 0.5;
  return direction === 'minimize' ? t : 1 - t;
}

export interface ParallelOptions {
  readonly direction: Direction;
  readonly best: number | null;
  readonly selected: number | null;
  /** Most lines drawn (the best ones); the rest would be an unreadable smear anyway. */
  readonly maxLines?: number;
}

export function drawParallel(canvas: HTMLCanvasElement, data: ParallelData, theme: Theme, options: ParallelOptions): void {
  const { ctx, width, height } = prepareCanvas(canvas);
  ctx.font = `12px ${theme.font}`;
  if (data.axes.length === 0 || data.lines.length === 0) {
    ctx.fillStyle = theme.muted;
    ctx.fillText('No finished trials with parameters yet.', 16, 24);
    return;
  }
  const top = 40;
  const bottom = height - 28;
  const left = 60;
  const right = width - 60;
  const columns = data.axes.length + 1;
  const xAt = (i: number) => left + ((right - left) * i) / (columns - 1 || 1);
  const yAt = (t: number) => bottom - t * (bottom - top);

  const sign = options.direction === 'minimize' ? 1 : -1;
  const lines = [...data.lines].sort((a, b) => sign * (a.value - b.value)).slice(0, options.maxLines ?? 2_000);
  // Worst first so the best lines end on top.
  lines.reverse();
  ctx.lineWidth = 1;
  for (const line of lines) {
    if (line.number === options.best || line.number === options.selected) continue;
    ctx.strokeStyle = withAlpha(ramp(theme, badnessOf(options.direction, line.value, data.valueMin, data.valueMax)), lines.length > 500 ? 0.25 : 0.6);
    strokeLine(line);
  }
  for (const [n, colour] of [[options.selected, theme.selection], [options.best, theme.accent]] as const) {
    const line = data.lines.find(l => l.number === n);
    if (!line) continue;
    ctx.lineWidth = 3;
    ctx.strokeStyle = colour;
    strokeLine(line);
  }

  function strokeLine(line: ParallelData['lines'][number]): void {
    ctx.beginPath();
    let pen = false;
    line.coords.forEach((c, i) => {
      if (c === null) {
        pen = false;
        return;
      }
      if (pen) ctx.lineTo(xAt(i), yAt(c));
      else ctx.moveTo(xAt(i), yAt(c));
      pen = true;
    });
    const v = data.valueMax > data.valueMin ? (line.value - data.valueMin) / (data.valueMax - data.valueMin) : 0.5;
    if (pen) ctx.lineTo(xAt(columns - 1), yAt(v));
    ctx.stroke();
  }

  // Axes and labels on top of the lines.
  const columnWidth = (right - left) / (columns - 1 || 1);
  const labelled = [...data.axes.map(axisLabels), { name: 'objective', ticks: [{ t: 0, text: formatParam(data.valueMin) }, { t: 1, text: formatParam(data.valueMax) }] }];
  labelled.forEach((axis, i) => {
    const x = xAt(i);
    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.fillStyle = theme.foreground;
    ctx.textAlign = 'center';
    ctx.font = `bold 12px ${theme.font}`;
    ctx.fillText(truncate(ctx, axis.name, Math.max(40, columnWidth - 8)), x, top - 16);
    ctx.font = `11px ${theme.font}`;
    ctx.textAlign = 'left';
    for (const tick of axis.ticks) {
      const y = yAt(tick.t);
      ctx.fillStyle = theme.background;
      const label = truncate(ctx, tick.text, 90);
      const w = ctx.measureText(label).width;
      ctx.globalAlpha = 0.75;
      ctx.fillRect(x + 4, y - 7, w + 4, 14);
      ctx.globalAlpha = 1;
      ctx.fillStyle = theme.foreground;
      ctx.fillText(label, x + 6, y + 4);
    }
  });
  ctx.textAlign = 'left';
}

function axisLabels(axis: ParamAxis): { name: string; ticks: { t: number; text: string }[] } {
  if (axis.kind === 'categorical') {
    const shown = axis.categories.length > 12 ? axis.categories.filter((_, i) => i % Math.ceil(axis.categories.length / 12) === 0) : axis.categories;
    return { name: axis.name, ticks: shown.map(c => ({ t: normalise(axis, c === '(missing)' ? null : c) ?? 0, text: c })) };
  }
  return { name: axis.log ? `${axis.name} (log)` : axis.name, ticks: [0, 0.5, 1].map(t => ({ t, text: formatParam(denormalise(axis, t)) })) };
}

/** Where a param value sits across a contour axis, as a fraction of the plot: numeric by its (log) position, categories in equal slots. */
function contourPosition(axis: ParamAxis, value: AnalysedTrial['params'][string] | undefined): number | null {
  if (axis.kind === 'numeric') return normalise(axis, value);
  const i = axis.categories.indexOf(formatParam(value ?? null));
  return i < 0 ? null : (i + 0.5) / axis.categories.length;
}

export interface ContourOptions {
  readonly direction: Direction;
  readonly axisX: ParamAxis;
  readonly axisY: ParamAxis;
  readonly trials: readonly (AnalysedTrial & { value: number })[];
  readonly best: number | null;
}

export function drawContour(canvas: HTMLCanvasElement, grid: ContourGrid, theme: Theme, options: ContourOptions): void {
  const { ctx, width, height } = prepareCanvas(canvas);
  const left = 96;
  const right = width - 110;
  const top = 16;
  const bottom = height - 48;
  const plotW = right - left;
  const plotH = bottom - top;
  const centres = (axis: ParamAxis, n: number) =>
    axis.kind === 'numeric' ? Array.from({ length: n }, (_, i) => (n === 1 ? 0.5 : i / (n - 1))) : Array.from({ length: n }, (_, i) => (i + 0.5) / n);
  const bounds = (c: number[]) => c.map((v, i) => [i === 0 ? 0 : (c[i - 1] + v) / 2, i === c.length - 1 ? 1 : (v + c[i + 1]) / 2]);
  const bx = bounds(centres(options.axisX, grid.x.length));
  const by = bounds(centres(options.axisY, grid.y.length));
  const span = grid.zMax - grid.zMin;
  const badness = (z: number) => {
    const t = span > 0 ? (z - grid.zMin) / span : 0.5;
    return options.direction === 'minimize' ? t : 1 - t;
  };
  for (let r = 0; r < grid.y.length; r++) {
    for (let c = 0; c < grid.x.length; c++) {
      ctx.fillStyle = ramp(theme, badness(grid.z[r][c]));
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
  const ticksFor = (axis: ParamAxis): { t: number; text: string }[] =>
    axis.kind === 'numeric'
      ? [0, 0.25, 0.5, 0.75, 1].map(t => ({ t, text: formatParam(denormalise(axis, t)) }))
      : axis.categories.map((c, i) => ({ t: (i + 0.5) / axis.categories.length, text: c })).filter((_, i, all) => all.length <= 12 || i % Math.ceil(all.length / 12) === 0);
  ctx.textAlign = 'center';
  for (const tick of ticksFor(options.axisX)) ctx.fillText(truncate(ctx, tick.text, 80), left + tick.t * plotW, bottom + 14);
  ctx.textAlign = 'right';
  for (const tick of ticksFor(options.axisY)) ctx.fillText(truncate(ctx, tick.text, left - 10), left - 6, bottom - tick.t * plotH + 4);
  ctx.font = `bold 12px ${theme.font}`;
  ctx.textAlign = 'center';
  ctx.fillText(truncate(ctx, options.axisX.kind === 'numeric' && options.axisX.log ? `${options.axisX.name} (log)` : options.axisX.name, plotW), left + plotW / 2, bottom + 36);
  ctx.save();
  ctx.translate(14, top + plotH / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(truncate(ctx, options.axisY.kind === 'numeric' && options.axisY.log ? `${options.axisY.name} (log)` : options.axisY.name, plotH), 0, 0);
  ctx.restore();

  // Colour bar: predicted objective, best at the end the direction prefers.
  const barX = right + 24;
  for (let i = 0; i < plotH; i++) {
    const z = grid.zMax - (i / plotH) * span;
    ctx.fillStyle = ramp(theme, badness(z));
    ctx.fillRect(barX, top + i, 14, 1.5);
  }
  ctx.fillStyle = theme.foreground;
  ctx.font = `11px ${theme.font}`;
  ctx.textAlign = 'left';
  // Labels beside the bar: the worst value at the top end, the best at the bottom end (or the other way round).
  ctx.fillText(formatParam(grid.zMax), barX + 20, top + 10);
  ctx.fillText(formatParam(grid.zMin), barX + 20, bottom);
  ctx.save();
  ctx.translate(barX + 30, top + plotH / 2);
  ctx.rotate(Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillStyle = theme.muted;
  ctx.fillText('predicted objective', 0, 0);
  ctx.restore();
}
