/**
 * The curves panel's controller: applies host messages to the state, coalesces rendering to one
 * animation frame however many messages arrive in between, and routes user actions (tabs, selection,
 * zoom, export) to the views. Every string from the data (metric, param and trial names) goes through
 * textContent or is drawn on a canvas, never parsed as HTML.
 */
import type { CurvesTab, HostToCurves } from '../../src/core/protocol/curves';
import { el } from '../shared/dom';
import { AnalysisCache } from './analysisCache';
import type { AxisState } from './axes';
import type { LayerState } from './pointCloud';
import { HostConnection } from './host';
import { PanelState } from './state';
import { readTheme } from './theme';
import { Toolbar } from './toolbar';
import { createViews, type Views } from './views';
import type { PlotView, ViewContext } from './views/view';

export class CurvesPanel {
  readonly state = new PanelState(readTheme());
  readonly host = new HostConnection(this.state);
  private readonly analysis = new AnalysisCache(this.state, () => this.renderActive());
  private readonly views: Views;
  private readonly toolbar: Toolbar;
  readonly main: HTMLElement;
  /** Trial records changed since the last frame (state, value, new trials). */
  private trialsDirty = false;
  private frame = 0;
  /** What each view last drew (its data key): frames caused by points alone skip the study plots. */
  private renderedKeys = new Map<CurvesTab, string>();

  constructor(root: HTMLElement) {
    const ctx: ViewContext = {
      state: this.state,
      analysis: this.analysis,
      selectTrial: n => this.selectTrial(n, true),
      persistSoon: () => this.host.persistSoon(),
    };
    this.views = createViews(ctx);
    this.toolbar = new Toolbar(this.state, new Map([...this.views.byTab].map(([t, v]) => [t, v.label])), {
      showTab: t => this.showTab(t, true),
      setMetric: m => this.setMetric(m),
      setLogScale: on => this.setLogScale(on),
      selectTrial: n => this.selectTrial(n, true),
      zoomBy: f => this.zoomBy(f),
      resetZoom: () => this.resetZoom(),
      exportPng: () => this.exportPng(),
      exportCsv: () => this.exportCsv(),
    });
    this.main = el('main', {}, ...[...this.views.byTab.values()].map(v => v.panel));
    root.replaceChildren(this.toolbar.header, this.toolbar.status, this.main);
    for (const view of this.views.byTab.values()) this.bindKeys(view);
  }

  private get active(): PlotView {
    return this.views.byTab.get(this.state.tab) as PlotView;
  }

  // ---- messages ------------------------------------------------------------------------------------

  apply(message: HostToCurves): void {
    const { state } = this;
    const { store } = state;
    const curves = this.views.curves;
    switch (message.type) {
      case 'reset': {
        const sameStudy = message.key === store.key;
        store.reset(message.title, message.key, message.direction, message.metrics, message.trials, message.objectives);
        this.toolbar.setTitle(message.title);
        if (!sameStudy || state.metric === null || !store.metrics.includes(state.metric)) state.metric = message.metric ?? message.metrics[0] ?? null;
        if (!sameStudy) state.zoom = null;
        this.trialsDirty = curves.needsRebuild = true;
        this.analysis.reset();
        // Which source this panel shows must be saved at once: a panel hidden before the debounced save
        // fires is destroyed (no retainContextWhenHidden) and would come back after a reload as nothing.
        if (!sameStudy) this.host.persist();
        break;
      }
      case 'points': {
        // A first point of a drawn trial creates its array: the dataset list must pick it up.
        const known = state.metric !== null ? store.series.get(state.metric) : undefined;
        if (message.series.some(s => s.metric === state.metric && store.drawn.has(s.trial) && !known?.has(s.trial))) curves.needsRebuild = true;
        const metricsBefore = store.metrics.length;
        const { metrics: changed, newTrials } = store.addSeries(message.series);
        state.stats.pointsApplied += message.series.reduce((n, s) => n + s.steps.length, 0);
        if (state.metric !== null && changed.has(state.metric)) curves.needsRefresh = true;
        // New metric names (or the first metric of all) update the selector and maybe the shown metric.
        if (store.metrics.length !== metricsBefore || state.metric === null) this.trialsDirty = curves.needsRebuild = true;
        if (newTrials) this.trialsDirty = true;
        break;
      }
      case 'trials':
        store.upsertTrials(message.trials);
        this.trialsDirty = true;
        break;
      case 'select':
        this.selectTrial(message.trial, false);
        return;
    }
    this.scheduleRender();
  }

  /** Puts back the last saved picture (before the host has said anything). */
  restore(): void {
    const saved = this.host.restore();
    if (!saved) return;
    for (const m of saved.messages) this.apply(m);
    if (saved.tab) this.state.tab = saved.tab;
    this.state.logScale = saved.logScale;
    this.toolbar.setLogScale(saved.logScale);
    this.state.zoom = saved.zoom;
    this.state.store.selected = saved.selected;
  }

  start(): void {
    this.restore();
    this.toolbar.updateStatus();
    this.showTab(this.state.tab, false);
    this.host.post({ type: 'ready' });
  }

  // ---- rendering ---------------------------------------------------------------------------------

  private scheduleRender(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** One frame's worth of work, whatever arrived since the last one. */
  private flush(): void {
    const { state } = this;
    this.frame = 0;
    const started = performance.now();
    if (this.trialsDirty) {
      this.trialsDirty = false;
      state.trialsVersion++;
      if (state.store.updateDrawn()) this.views.curves.needsRebuild = true;
      this.views.curves.restyle();
      this.toolbar.updateSelects();
    }
    if (state.tab === 'curves') this.views.curves.flush();
    else this.renderActive();
    this.toolbar.updateStatus();
    const { stats } = state;
    stats.renders++;
    stats.lastRenderAt = performance.now();
    stats.lastRenderMs = stats.lastRenderAt - started;
    stats.maxRenderMs = Math.max(stats.maxRenderMs, stats.lastRenderMs);
    stats.pointsRendered = stats.pointsApplied;
    this.host.persistSoon();
  }

  /** Draws the visible view unless what it shows has not changed since it last drew (or `force`). */
  renderActive(force = false): void {
    const view = this.active;
    const key = view.dataKey();
    if (!force && view.tab !== 'curves' && this.renderedKeys.get(view.tab) === key) return;
    this.renderedKeys.set(view.tab, key);
    view.render();
  }

  /** The workbench switched theme: colours are baked into the charts, so they are rebuilt. */
  themeChanged(): void {
    this.state.theme = readTheme();
    for (const view of this.views.byTab.values()) view.dispose();
    this.renderedKeys = new Map();
    this.renderActive(true);
  }

  /** A view's value axis as last drawn (null before it has drawn): tests and the benchmark read it. */
  axis(tab: CurvesTab): AxisState | null {
    return this.views.byTab.get(tab)?.axis?.() ?? null;
  }

  /** A view's point layers as last drawn (empty for views without any): the UI tests read them. */
  layers(tab: CurvesTab): LayerState[] {
    return this.views.byTab.get(tab)?.layers?.() ?? [];
  }

  /** The axes of a canvas-drawn view (parallel coordinates), by name. */
  columns(tab: CurvesTab): string[] {
    return this.views.byTab.get(tab)?.columns?.() ?? [];
  }

  /** Where a data point (x, y) of a chart view is on the page, for the UI tests' clicks; null without a chart. */
  pixel(tab: CurvesTab, x: number, y: number): { x: number; y: number } | null {
    const view = this.views.byTab.get(tab);
    const chart = view?.chart();
    if (!view || !chart) return null;
    const box = view.canvas.getBoundingClientRect();
    return { x: box.left + chart.scales.x.getPixelForValue(x), y: box.top + chart.scales.y.getPixelForValue(y) };
  }

  /** Redraws the visible view now, whatever changed; returns how long it took (ms). For the benchmark. */
  redrawNow(): number {
    const started = performance.now();
    this.renderActive(true);
    return performance.now() - started;
  }

  /** Trials the learning curves draw as markers (a single point). */
  markerTrials(): number[] {
    return this.views.curves.markerTrials();
  }

  resized(): void {
    if (this.active.redrawOnResize) this.renderActive(true);
  }

  // ---- user actions --------------------------------------------------------------------------------

  private selectTrial(n: number | null, fromUser: boolean): void {
    const { state } = this;
    state.store.selected = n;
    this.views.curves.selectionChanged(state.store.updateDrawn());
    if (n !== null && fromUser) this.host.post({ type: 'selectTrial', number: n });
    if (state.tab !== 'curves') this.renderActive();
    this.toolbar.showSelection(n);
    this.toolbar.updateStatus();
    this.host.persistSoon();
  }

  private showTab(next: CurvesTab, fromUser: boolean): void {
    this.state.tab = next;
    this.toolbar.showTab(next);
    for (const [t, view] of this.views.byTab) view.panel.hidden = t !== next;
    this.renderActive(true);
    if (fromUser) this.host.persistSoon();
  }

  private setMetric(metric: string): void {
    this.state.metric = metric;
    this.host.post({ type: 'setMetric', metric });
    this.state.zoom = null;
    this.views.curves.metricChanged();
    this.host.persistSoon();
  }

  private setLogScale(on: boolean): void {
    this.state.logScale = on;
    // The learning curves switch their scale in place; the study plots key on the setting and redraw.
    this.views.curves.logScaleChanged();
    if (this.state.tab !== 'curves') this.renderActive();
    this.host.persistSoon();
  }

  private zoomBy(factor: number): void {
    const chart = this.active.chart();
    if (!chart) return;
    chart.zoom(factor, 'none');
    this.active.zoomed?.();
  }

  private resetZoom(): void {
    const view = this.active;
    if (view.resetZoom) view.resetZoom();
    else view.chart()?.resetZoom('none');
  }

  /** Keyboard on a focused chart: arrows pan, +/- zoom, 0 resets. */
  private bindKeys(view: PlotView): void {
    view.canvas.addEventListener('keydown', e => {
      const chart = view.chart();
      if (!chart || view !== this.active) return;
      const step = 40;
      const moves: Record<string, { x: number; y: number }> = { ArrowLeft: { x: step, y: 0 }, ArrowRight: { x: -step, y: 0 }, ArrowUp: { x: 0, y: step }, ArrowDown: { x: 0, y: -step } };
      if (moves[e.key]) chart.pan(moves[e.key], undefined, 'none');
      else if (e.key === '+' || e.key === '=') chart.zoom(1.25, 'none');
      else if (e.key === '-') chart.zoom(0.8, 'none');
      else if (e.key === '0') this.resetZoom();
      else return;
      e.preventDefault();
      if (e.key !== '0') view.zoomed?.();
    });
  }

  private exportPng(): void {
    const source = this.active.canvas;
    // Charts are transparent; paint the theme background under them so the file reads outside VS Code.
    const out = document.createElement('canvas');
    out.width = source.width;
    out.height = source.height;
    const ctx = out.getContext('2d') as CanvasRenderingContext2D;
    ctx.fillStyle = this.state.theme.background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(source, 0, 0);
    this.host.post({ type: 'exportPng', dataUrl: out.toDataURL('image/png'), tab: this.state.tab });
  }

  private exportCsv(): void {
    const csv = this.state.store.toCsv();
    if (csv.length > 64 * 1024 * 1024) {
      this.toolbar.status.textContent = 'Too many points to export as CSV from the panel (over 64 MB).';
      this.host.log('warn', `curves: CSV export of ${csv.length} chars refused`);
      return;
    }
    this.host.post({ type: 'exportCsv', csv });
  }
}
