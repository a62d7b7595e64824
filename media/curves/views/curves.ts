/**
 * Learning curves: one line per drawn trial (the best, the running and the selected ones) of the chosen
 * metric. Unlike the study plots, this view updates incrementally: new points only re-decimate the
 * curves that changed, and the dataset list is rebuilt only when the drawn set or the metric changes.
 */
import { Chart, type ChartDataset, type TooltipItem } from 'chart.js';
import { formatNumber } from '../../../src/core/analysis';
import { curvesAxis } from '../../../src/core/analysis/robust';
import { el } from '../../shared/dom';
import { readAxis, tickHooks, type AxisState } from '../axes';
import { axisStyle, baseOptions, tooltipStyle, trialLines, trialTitle } from '../chartStyle';
import { lttb, type SeriesData, type XY } from '../store';
import { withAlpha } from '../theme';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

/** Points drawn across all curves at most (see samplesPerCurve). */
const CURVE_POINT_BUDGET = 20_000;

/** A drawn curve: the chart's decimated copy of one SeriesData, and the version it was made from. */
type CurveDataset = ChartDataset<'line', XY[]> & { trial: number; series: SeriesData; version: number };

export class CurvesView implements PlotView {
  readonly tab = 'curves' as const;
  readonly label = 'Learning curves';
  readonly panel: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly note: HTMLElement;
  readonly redrawOnResize = false;
  /** The drawn set or the metric changed: the dataset list must be rebuilt. */
  needsRebuild = false;
  /** Points arrived for the shown metric: changed curves must be re-decimated. */
  needsRefresh = false;
  private lineChart: Chart<'line', XY[]> | null = null;
  /** Curves running off the top of the scale at the last layout. */
  private clipped = 0;

  constructor(private readonly ctx: ViewContext) {
    const key = (className: string, text: string) => el('span', {}, el('span', { className: `key ${className}` }), document.createTextNode(text));
    const legend = el('div', { className: 'legend', id: 'legend' }, key('', 'running / complete'), key('pruned', 'pruned'), key('failed', 'failed'), key('best', 'best'), key('selected', 'selected'));
    const parts = createPanel(this.tab, this.label, legend);
    this.panel = parts.panel;
    this.canvas = parts.canvas;
    this.note = parts.note;
  }

  chart(): Chart | null {
    return this.lineChart as Chart | null;
  }

  /** Always redrawn when asked: its frames are driven by `flush`, not by a data key. */
  dataKey(): string {
    return `${performance.now()}`;
  }

  render(): void {
    this.ensureChart();
    this.rebuild();
    this.needsRebuild = this.needsRefresh = false;
  }

  /** One frame's work while the view is visible: whatever changed since the last one. */
  flush(): void {
    if (this.ensureChart()) this.needsRebuild = true;
    if (this.needsRebuild) this.rebuild();
    else if (this.needsRefresh) this.refresh(false);
    this.needsRebuild = this.needsRefresh = false;
  }

  dispose(): void {
    this.lineChart?.destroy();
    this.lineChart = null;
  }

  /** Re-applies colours and widths (best, selected or state changed) without touching the data. */
  restyle(): void {
    if (!this.lineChart) return;
    for (const d of this.lineChart.data.datasets) this.style(d as CurveDataset);
  }

  /** After a selection: a new drawn set needs a rebuild, otherwise only styles changed. */
  selectionChanged(drawnChanged: boolean): void {
    if (drawnChanged) this.rebuild();
    else this.restyle();
    this.lineChart?.update('none');
  }

  /** Another metric: new datasets if the chart exists (it is created when the view is first shown). */
  metricChanged(): void {
    this.rebuild();
  }

  logScaleChanged(): void {
    if (!this.lineChart) return;
    this.applyBounds();
    this.lineChart.update('none');
  }

  zoomed(): void {
    this.saveZoom();
  }

  resetZoom(): void {
    this.ctx.state.zoom = null;
    this.rebuild();
    this.ctx.persistSoon();
  }

  private ensureChart(): boolean {
    if (this.lineChart) return false;
    this.lineChart = this.createChart();
    return true;
  }

  private createChart(): Chart<'line', XY[]> {
    const { state } = this.ctx;
    const theme = state.theme;
    const chart = new Chart<'line', XY[]>(this.canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        ...baseOptions(),
        spanGaps: true,
        elements: { point: { radius: 0, hitRadius: 3, hoverRadius: 3 }, line: { borderWidth: 1.25, tension: 0 } },
        interaction: { mode: 'nearest', intersect: false, axis: 'xy' },
        scales: { x: { type: 'linear', ...axisStyle(theme, 'step'), ...tickHooks({ integer: true }) }, y: { type: state.logScale ? 'logarithmic' : 'linear', ...axisStyle(theme, state.metric ?? 'value'), ...tickHooks() } },
        plugins: {
          legend: { display: false },
          // We decimate ourselves (LTTB over the visible range, see `curveData`): chart.js only ever sees a few hundred points per curve.
          decimation: { enabled: false },
          tooltip: {
            ...tooltipStyle(theme),
            callbacks: {
              title: (items: TooltipItem<'line'>[]) => (items[0] ? trialTitle(state.store, (items[0].dataset as CurveDataset).trial) : ''),
              label: (item: TooltipItem<'line'>) => `${state.metric ?? ''} @ step ${formatNumber(item.parsed.x, 6)}: ${formatNumber(item.parsed.y, 4)}`,
              afterBody: (items: TooltipItem<'line'>[]) => (items[0] ? trialLines(state.store, (items[0].dataset as CurveDataset).trial) : []),
            },
          },
          zoom: {
            zoom: { wheel: { enabled: true }, drag: { enabled: true, backgroundColor: withAlpha(theme.selection, 0.15), borderColor: theme.selection, borderWidth: 1 }, mode: 'xy', onZoomComplete: () => this.saveZoom() },
            pan: { enabled: true, mode: 'xy', modifierKey: 'shift', onPanComplete: () => this.saveZoom() },
          },
        },
        onClick: (_event, elements) => {
          const hit = elements[0];
          if (!hit) return;
          const dataset = chart.data.datasets[hit.datasetIndex] as CurveDataset | undefined;
          if (dataset) this.ctx.selectTrial(dataset.trial);
        },
      },
    });
    return chart;
  }

  private style(dataset: CurveDataset): void {
    const { store, theme } = this.ctx.state;
    const t = store.trials.get(dataset.trial);
    const n = dataset.trial;
    const many = store.drawn.size > 20;
    let colour = theme.palette[n % theme.palette.length];
    let width = 1;
    let order = 10;
    if (t?.state === 'fail') colour = withAlpha(theme.muted, 0.45);
    else if (many) colour = withAlpha(colour, 0.7);
    if (n === store.best) {
      colour = theme.accent;
      width = 3.5;
      order = 1;
    }
    if (n === store.selected) {
      colour = theme.selection;
      width = 3;
      order = 0;
    }
    dataset.borderColor = colour;
    dataset.backgroundColor = colour;
    dataset.borderWidth = width;
    // chart.js draws higher `order` first, so the best and selected curves end on top.
    dataset.order = order;
    dataset.borderDash = t?.state === 'pruned' ? [6, 4] : t?.state === 'fail' ? [2, 3] : [];
    // A trial with a single point (pruned after its first step) has no line to draw: it is a marker.
    dataset.pointRadius = dataset.data.length === 1 ? (n === store.best || n === store.selected ? 5 : 3.5) : 0;
  }

  /** Points per drawn curve: about one per two pixels of plot width is all a line can show. */
  private samplesPerCurve(): number {
    const area = this.lineChart?.chartArea;
    const width = area ? area.right - area.left : this.canvas.clientWidth;
    // chart.js keeps an element per drawn point and revisits all of them on every update: a total budget
    // keeps a live frame short with 100 curves, while a handful of curves still get full detail.
    const perCurve = Math.floor(CURVE_POINT_BUDGET / Math.max(1, this.ctx.state.store.drawn.size));
    return Math.max(100, Math.min(Math.round(width / 2), perCurve));
  }

  /** The decimated points of the visible x range (plus one point either side so lines reach the edges). */
  private curveData(series: SeriesData): XY[] {
    const zoom = this.ctx.state.zoom;
    const start = zoom ? Math.max(0, series.lowerBound(zoom.xMin) - 1) : 0;
    const end = zoom ? Math.min(series.length, series.lowerBound(zoom.xMax) + 1) : series.length;
    return lttb(series, start, end, this.samplesPerCurve());
  }

  /** Rebuilds the dataset list (drawn set or metric changed). */
  private rebuild(): void {
    if (!this.lineChart) return;
    const { store, metric } = this.ctx.state;
    const byTrial = metric ? store.series.get(metric) : undefined;
    const datasets: CurveDataset[] = [];
    for (const n of [...store.drawn].sort((a, b) => a - b)) {
      const series = byTrial?.get(n);
      if (!series) continue;
      const dataset = { label: `#${n}`, trial: n, series, version: series.version, data: this.curveData(series) } as CurveDataset;
      this.style(dataset);
      datasets.push(dataset);
    }
    this.lineChart.data.datasets = datasets;
    this.applyBounds();
    this.lineChart.update('none');
  }

  /** Re-decimates the curves whose points changed (or all of them after a zoom), then redraws. */
  private refresh(all: boolean): void {
    if (!this.lineChart) return;
    for (const d of this.lineChart.data.datasets as CurveDataset[]) {
      if (!all && d.version === d.series.version) continue;
      const wasMarker = d.data.length === 1;
      d.data = this.curveData(d.series);
      d.version = d.series.version;
      // Only a trial that gains its second point (or drops to one) changes from marker to line.
      if (wasMarker !== (d.data.length === 1)) this.style(d);
    }
    this.applyBounds();
    this.lineChart.update('none');
  }

  /**
   * The zoom lives in the scale bounds (the data was already cut to them). Without a zoom, the y axis
   * stops just above the healthy curves, so one diverging trial cannot flatten the rest (the note says
   * how many run off the scale), and turns logarithmic when the curves on it span > 3 decades.
   */
  private applyBounds(): void {
    const x = this.lineChart?.options.scales?.x;
    const y = this.lineChart?.options.scales?.y;
    if (!x || !y) return;
    const { zoom, logScale, metric } = this.ctx.state;
    const axis = curvesAxis((this.lineChart?.data.datasets as CurveDataset[]).map(d => d.series), { forceLog: logScale });
    this.clipped = zoom ? 0 : axis.clipped;
    // Assigned only when they change: chart.js re-resolves a scale whose options were written to.
    const type = axis.log ? 'logarithmic' : 'linear';
    if (y.type !== type) y.type = type;
    const title = `${metric ?? 'value'}${axis.log ? ' (log)' : ''}`;
    if (y.title && y.title.text !== title) y.title.text = title;
    x.min = zoom?.xMin;
    x.max = zoom?.xMax;
    y.min = zoom?.yMin;
    y.max = zoom?.yMax ?? axis.ceiling;
    setNote(this.note, this.clipped ? `${this.clipped} diverging curve${this.clipped === 1 ? '' : 's'} off the scale (the axis stops above the others).` : '');
  }

  /** Trials drawn as a single marker (one point, no line), for tests. */
  markerTrials(): number[] {
    return ((this.lineChart?.data.datasets ?? []) as CurveDataset[]).filter(d => d.data.length === 1 && Number(d.pointRadius) > 0).map(d => d.trial);
  }

  axis(): AxisState | null {
    return readAxis(this.lineChart?.scales.y, this.clipped);
  }

  private saveZoom(): void {
    if (!this.lineChart) return;
    const { x, y } = this.lineChart.scales;
    this.ctx.state.zoom = { xMin: x.min, xMax: x.max, yMin: y.min, yMax: y.max };
    // More detail when zoomed in: decimate again over the new visible range.
    this.refresh(true);
    this.ctx.persistSoon();
  }
}
