/**
 * Helpers for the views drawn straight on a canvas (parallel coordinates, contour, timeline): HiDPI
 * sizing, the good → bad colour ramp, text that fits, and a hover tooltip. Text from the data is drawn
 * with fillText or set as textContent, never parsed as HTML.
 */
import { el } from '../shared/dom';
import { mix, type Theme } from './theme';

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

/** Colour for a badness in [0, 1] (0 = best). */
export function ramp(theme: Theme, badness: number): string {
  const t = Math.max(0, Math.min(1, badness));
  // Through a neutral grey halfway between background and foreground, so the two ends stay apart and
  // the middle reads as "average" in light and dark themes alike.
  const middle = mix(theme.background, theme.foreground, 0.45);
  return t < 0.5 ? mix(theme.good, middle, t * 2) : mix(middle, theme.bad, (t - 0.5) * 2);
}

/** The ramp in `n` steps: thousands of lines are stroked as one path per step, not one per line. */
export function rampSteps(theme: Theme, n: number): string[] {
  return Array.from({ length: n }, (_, i) => ramp(theme, n === 1 ? 0 : i / (n - 1)));
}

export function truncate(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let s = text;
  while (s.length > 1 && ctx.measureText(s + '…').width > maxWidth) s = s.slice(0, -1);
  return s + '…';
}

/** Text on a translucent background box, so it reads over the lines it sits on. */
export function labelWithBackground(ctx: CanvasRenderingContext2D, theme: Theme, text: string, x: number, y: number): void {
  const w = ctx.measureText(text).width;
  ctx.fillStyle = theme.background;
  ctx.globalAlpha = 0.75;
  ctx.fillRect(x - 2, y - 11, w + 4, 14);
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.foreground;
  ctx.fillText(text, x, y);
}

/** A tooltip over a canvas view: a box of text lines next to the pointer, kept inside the plot. */
export class CanvasTooltip {
  private readonly box = el('div', { className: 'canvas-tooltip' });

  constructor(private readonly plot: HTMLElement) {
    this.box.hidden = true;
    this.box.setAttribute('role', 'tooltip');
    plot.appendChild(this.box);
  }

  show(x: number, y: number, title: string, lines: readonly string[]): void {
    this.box.replaceChildren(el('div', { className: 'tooltip-title', text: title }), ...lines.map(l => el('div', { text: l })));
    this.box.hidden = false;
    const { width, height } = this.plot.getBoundingClientRect();
    const w = this.box.offsetWidth;
    const h = this.box.offsetHeight;
    this.box.style.left = `${Math.max(0, x + 14 + w > width ? x - 14 - w : x + 14)}px`;
    this.box.style.top = `${Math.max(0, Math.min(height - h, y - h / 2))}px`;
  }

  hide(): void {
    this.box.hidden = true;
  }
}
