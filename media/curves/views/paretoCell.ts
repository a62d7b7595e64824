/**
 * One scatter of the Pareto view: objectives (i, j) of every complete trial, the front highlighted
 * with its staircase, dominated trials muted, the selected trial ringed. A study with two objectives
 * has one cell; three or more get one per pair (a scatter matrix). Hover shows a trial's values; a
 * click selects it everywhere.
 */
import { Chart } from 'chart.js';
import { formatNumber, frontStaircase, robustRange, type ParetoPlot, type RobustRange } from '../../../src/core/analysis';
import type { CurvesObjective } from '../../../src/core/protocol/curves';
import { tickHooks, valueAxis, type PlotPoint } from '../axes';
import { CanvasTooltip } from '../canvas';
import { baseOptions, trialLines, trialTitle, zoomOptions } from '../chartStyle';
import { bindPointEvents, pointCloud, type PointLayer } from '../pointCloud';
import { withAlpha } from '../theme';
import { el } from '../../shared/dom';
import type { ViewContext } from './view';

export const arrow = (d: string) => (d === 'maximize' ? '↑' : '↓');

const clamp = (v: number, r: RobustRange) => Math.min(r.max, Math.max(r.min, v));

export class ParetoCell {
  readonly box: HTMLElement;
  private chart: Chart<'line'> | null = null;
  private layerList: PointLayer[] = [];
  private readonly tooltip: CanvasTooltip;
  /** Trial numbers on the front, for the tooltip. */
  private front = new Set<number>();
  /** Values off the drawn range (drawn at its edge). */
  offScale = 0;

  constructor(
    private readonly ctx: ViewContext,
    readonly i: number,
    readonly j: number,
    readonly canvas: HTMLCanvasElement = el('canvas', {}),
  ) {
    canvas.tabIndex = 0;
    this.box = el('div', { className: 'pareto-cell' }, canvas);
    this.tooltip = new CanvasTooltip(this.box);
    bindPointEvents(canvas, this.tooltip, () => this.chart as Chart | null, () => this.layerList, p => this.describe(p.n), n => ctx.selectTrial(n));
  }

  get layers(): readonly PointLayer[] {
    return this.layerList;
  }

  current(): Chart | null {
    return this.chart as Chart | null;
  }

  render(plot: ParetoPlot, objectives: readonly CurvesObjective[], small: boolean): void {
    const { i, j } = this;
    const { theme, store } = this.ctx.state;
    const rx = robustRange(plot.points.map(p => p.values[i]));
    const ry = robustRange(plot.points.map(p => p.values[j]));
    this.offScale = rx.below + rx.above + ry.below + ry.above;
    const at = (p: { number: number; values: readonly number[] }): PlotPoint => ({ x: clamp(p.values[i], rx), y: clamp(p.values[j], ry), n: p.number });
    const many = plot.points.length > 2000;
    this.front = new Set(plot.front.map(p => p.number));
    this.layerList = [
      { name: 'dominated', points: plot.points.filter(p => p.rank > 0).map(at), colour: withAlpha(theme.muted, 0.45), radius: many || small ? 1.5 : 3, shape: 'circle' },
      { name: 'front', points: plot.front.map(at), colour: theme.accent, radius: small ? 3.5 : 5, shape: 'circle', stroke: theme.foreground, onTop: true },
      { name: 'selected', points: plot.points.filter(p => p.number === store.selected).map(at), colour: theme.palette[1], radius: small ? 5 : 7, shape: 'circle', stroke: theme.foreground, onTop: true, unclipped: true },
    ];
    const directions = objectives.map(o => o.direction);
    const staircase = frontStaircase(plot.front, i, j, directions).map(p => ({ x: clamp(p.x, rx), y: clamp(p.y, ry), n: -1 }));
    const dataset = { label: 'Pareto front', data: staircase, borderColor: withAlpha(theme.accent, 0.8), backgroundColor: theme.accent, borderWidth: 1.5, pointRadius: 0 };
    const x = { ...valueAxis(theme, `${objectives[i].name} ${arrow(objectives[i].direction)}`, rx), ...tickHooks() };
    const y = valueAxis(theme, `${objectives[j].name} ${arrow(objectives[j].direction)}`, ry);
    if (this.chart) {
      this.chart.data.datasets = [dataset];
      const scales = this.chart.options.scales;
      if (scales?.x && scales.y && !this.chart.isZoomedOrPanned()) {
        Object.assign(scales.x, x);
        Object.assign(scales.y, y);
      }
      this.chart.update('none');
      return;
    }
    this.chart = new Chart<'line'>(this.canvas, {
      type: 'line',
      data: { datasets: [dataset] },
      options: { ...baseOptions(), scales: { x, y }, plugins: { legend: { display: false }, tooltip: { enabled: false }, zoom: zoomOptions() } },
      plugins: [pointCloud(() => this.layerList)],
    });
  }

  private describe(n: number): { title: string; lines: string[] } {
    const { store } = this.ctx.state;
    const t = store.trials.get(n);
    const values = store.objectives.map((o, k) => `${o.name}: ${formatNumber(t?.values?.[k] ?? NaN, 4)}`);
    return { title: trialTitle(store, n), lines: [this.front.has(n) ? 'on the Pareto front' : 'dominated', ...values, ...trialLines(store, n).slice(1)] };
  }

  resetZoom(): void {
    this.chart?.resetZoom('none');
  }

  destroy(): void {
    this.tooltip.hide();
    this.chart?.destroy();
    this.chart = null;
    this.layerList = [];
  }
}
