/**
 * Thousands of points on a chart.js chart without a chart.js element per point: a plugin draws them
 * straight from arrays with the chart's scales, one path per layer, and hit testing is a scan of the
 * same arrays. A 10,000-trial history costs a few milliseconds instead of chart.js resolving options
 * for 10,000 elements on every update. Axes, zoom and pan stay chart.js's.
 */
import type { Chart, Plugin } from 'chart.js';
import type { PlotPoint } from './axes';
import type { CanvasTooltip } from './canvas';

export type PointShape = 'circle' | 'triangle' | 'triangle-down' | 'triangle-right' | 'triangle-left';

export interface PointLayer {
  /** What the layer shows ("front", "dominated", …): the UI tests read the chart state by it. */
  readonly name?: string;
  readonly points: readonly PlotPoint[];
  readonly colour: string;
  readonly radius: number;
  readonly shape: PointShape;
  /** Outline (off-scale markers get one so they read as "not a value here"). */
  readonly stroke?: string;
  /** Drawn over the plot's edge (off-scale markers sit on it); others are clipped to the plot area. */
  readonly unclipped?: boolean;
  /** Above chart.js's datasets (lines); otherwise under them. */
  readonly onTop?: boolean;
}

function trace(ctx: CanvasRenderingContext2D, shape: PointShape, x: number, y: number, r: number): void {
  if (shape === 'circle') {
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, Math.PI * 2);
    return;
  }
  // Triangles pointing up, down, right or left (an off-scale value points the way it went).
  const [dx, dy] = shape === 'triangle' ? [0, -1] : shape === 'triangle-down' ? [0, 1] : shape === 'triangle-right' ? [1, 0] : [-1, 0];
  const s = r * 1.2;
  ctx.moveTo(x + dx * s, y + dy * s);
  ctx.lineTo(x - dx * s * 0.6 + dy * s, y - dy * s * 0.6 + dx * s);
  ctx.lineTo(x - dx * s * 0.6 - dy * s, y - dy * s * 0.6 - dx * s);
  ctx.closePath();
}

function drawLayers(chart: Chart, layers: readonly PointLayer[]): void {
  const { ctx, chartArea: area } = chart;
  const xs = chart.scales.x;
  const ys = chart.scales.y;
  if (!xs || !ys || !area) return;
  for (const layer of layers) {
    if (!layer.points.length) continue;
    ctx.save();
    if (!layer.unclipped) {
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
    }
    ctx.beginPath();
    for (const p of layer.points) trace(ctx, layer.shape, xs.getPixelForValue(p.x), ys.getPixelForValue(p.y), layer.radius);
    ctx.fillStyle = layer.colour;
    ctx.fill();
    if (layer.stroke) {
      ctx.strokeStyle = layer.stroke;
      ctx.lineWidth = 1;
      ctx.stroke();
    }
    ctx.restore();
  }
}

/** The plugin for one chart: `layers()` is read on every draw, so updating the arrays and calling chart.update() redraws them. */
export function pointCloud(layers: () => readonly PointLayer[]): Plugin {
  return {
    id: 'hpPointCloud',
    beforeDatasetsDraw: chart => drawLayers(chart, layers().filter(l => !l.onTop)),
    afterDatasetsDraw: chart => drawLayers(chart, layers().filter(l => l.onTop)),
  };
}

/** The point nearest to a pixel position (within `maxDistance` px), across layers; topmost layers win ties. */
export function nearestPoint(chart: Chart, layers: readonly PointLayer[], px: number, py: number, maxDistance = 8): PlotPoint | null {
  const xs = chart.scales.x;
  const ys = chart.scales.y;
  if (!xs || !ys) return null;
  let best: PlotPoint | null = null;
  let bestD = maxDistance * maxDistance;
  for (const layer of [...layers].reverse()) {
    for (const p of layer.points) {
      const dx = xs.getPixelForValue(p.x) - px;
      const dy = ys.getPixelForValue(p.y) - py;
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = p;
      }
    }
  }
  return best;
}

/**
 * Hover and click on a chart's point layers: the tooltip `describe` gives for the nearest point, and
 * `select` on a click. `chart()` and `layers()` are read per event (the view rebuilds both).
 */
export function bindPointEvents(canvas: HTMLCanvasElement, tooltip: CanvasTooltip, chart: () => Chart | null, layers: () => readonly PointLayer[], describe: (p: PlotPoint) => { title: string; lines: string[] }, select: (n: number) => void): void {
  const pick = (e: MouseEvent) => {
    const c = chart();
    return c ? nearestPoint(c, layers(), e.offsetX, e.offsetY) : null;
  };
  canvas.addEventListener('mousemove', e => {
    const p = pick(e);
    if (!p) return tooltip.hide();
    const { title, lines } = describe(p);
    tooltip.show(e.offsetX, e.offsetY, title, lines);
  });
  canvas.addEventListener('mouseleave', () => tooltip.hide());
  canvas.addEventListener('click', e => {
    const p = pick(e);
    if (p) select(p.n);
  });
}

/** What a view's point layers show, for the UI tests: each layer's name, style and trials. */
export interface LayerState {
  readonly name: string;
  readonly colour: string;
  readonly radius: number;
  readonly trials: number[];
}

export function layerStates(layers: readonly PointLayer[]): LayerState[] {
  return layers.map((l, i) => ({ name: l.name ?? `layer ${i}`, colour: l.colour, radius: l.radius, trials: l.points.map(p => p.n) }));
}
