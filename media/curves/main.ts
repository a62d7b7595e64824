// Curves panel webview: learning curves, optimization history, parallel coordinates, parameter
// importance, slice and contour plots of one study or set of runs. Every string from the data (metric,
// param and trial names) goes through textContent or is drawn on a canvas, never parsed as HTML.
// Rendering is coalesced to one animation frame however many messages arrive in between.
import {
  BarController, BarElement, CategoryScale, Chart, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Tooltip,
  type ChartDataset, type TooltipItem,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { CURVES_TABS, hostToCurves, parseCurvesMessage, type CurvesSeries, type CurvesTab, type CurvesToHost, type CurvesTrial, type HostToCurves } from '../../src/core/protocol/curves';
import { analyseStudy, formatParam, optimizationHistory, parallelCoordinates, scoredTrials, sliceData, topPair, type StudyModel } from '../../src/core/analysis';
import type { Direction } from '../../src/core/search/types';
import { CurvesStore, lttb, type SeriesData, type XY } from './store';
import { readTheme, watchTheme, withAlpha, type Theme } from './theme';
import { drawContour, drawParallel } from './canvasPlots';
import { el, fillSelect } from '../shared/dom';
import { robustUpperBound } from '../../src/core/analysis/robust';

Chart.register(LineController, ScatterController, BarController, LineElement, PointElement, BarElement, LinearScale, LogarithmicScale, CategoryScale, Tooltip, zoomPlugin);

/** What survives a hidden/reopened panel (VS Code keeps it without keeping the page alive). */
interface SavedState {
  readonly v: 1;
  readonly key: string;
  readonly title: string;
  readonly direction: Direction;
  readonly metrics: string[];
  readonly metric: string | null;
  readonly tab: CurvesTab;
  readonly logScale: boolean;
  readonly zoom: { xMin: number; xMax: number; yMin: number; yMax: number } | null;
  readonly selected: number | null;
  readonly trials: CurvesTrial[];
  /** The drawn trials' curves of the selected metric, thinned: enough to repaint instantly. */
  readonly series: CurvesSeries[];
}

interface VsCodeApi {
  postMessage(message: CurvesToHost): void;
  getState(): unknown;
  setState(state: SavedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Counters the benchmark harness reads; cheap enough to keep in production. */
export interface CurvesStats {
  messages: number;
  dropped: number;
  pointsApplied: number;
  /** pointsApplied as of the last rendered frame: everything up to it is on screen. */
  pointsRendered: number;
  renders: number;
  maxRenderMs: number;
  lastRenderAt: number;
  lastRenderMs: number;
}
declare global {
  interface Window {
    hpCurvesStats?: CurvesStats;
  }
}

const STATE_TRIALS = 3_000;
const STATE_POINTS_PER_SERIES = 150;
/** setState serialises the whole state: at most every 2 s while data streams in (the host replays on reopen anyway). */
const PERSIST_DELAY_MS = 2_000;
const ANALYSIS_INTERVAL_MS = 2_000;
/** Points drawn across all curves at most (see samplesPerCurve). */
const CURVE_POINT_BUDGET = 20_000;

const vscode = acquireVsCodeApi();
const stats: CurvesStats = { messages: 0, dropped: 0, pointsApplied: 0, pointsRendered: 0, renders: 0, maxRenderMs: 0, lastRenderAt: 0, lastRenderMs: 0 };
window.hpCurvesStats = stats;
const store = new CurvesStore();
let theme: Theme = readTheme();
let metric: string | null = null;
let tab: CurvesTab = 'curves';
let logScale = false;
let zoom: SavedState['zoom'] = null;

const post = (message: CurvesToHost) => vscode.postMessage(message);
const log = (level: 'info' | 'warn' | 'error', message: string) => post({ type: 'log', level, message: message.slice(0, 4000) });

// ---- DOM ---------------------------------------------------------------------------------------

function button(label: string, iconName: string, onClick: () => void, id: string): HTMLButtonElement {
  const b = el('button', { className: 'button', title: label, id }, el('span', { className: `codicon codicon-${iconName}` }), el('span', { className: 'label', text: label }));
  b.type = 'button';
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

const TAB_LABELS: Record<CurvesTab, string> = { curves: 'Learning curves', history: 'History', parallel: 'Parallel coordinates', importance: 'Importance', slice: 'Slice', contour: 'Contour' };

const root = document.getElementById('root') as HTMLElement;
const titleEl = el('h1', { className: 'title', id: 'title' });
const tabList = el('div', { className: 'tabs' });
tabList.setAttribute('role', 'tablist');
tabList.setAttribute('aria-label', 'Plots');
const metricSelect = el('select', { id: 'metric', title: 'Metric shown on the learning curves' });
const logToggle = el('input', { id: 'log-scale' });
logToggle.type = 'checkbox';
const trialSelect = el('select', { id: 'trial', title: 'Highlight a trial' });
const statusEl = el('div', { className: 'status', id: 'status' });
statusEl.setAttribute('role', 'status');
const tabButtons = new Map<CurvesTab, HTMLButtonElement>();
const panels = new Map<CurvesTab, HTMLElement>();
const canvases = new Map<CurvesTab, HTMLCanvasElement>();
const notes = new Map<CurvesTab, HTMLElement>();
const sliceParam = el('select', { id: 'slice-param', title: 'Parameter on the x axis' });
const contourX = el('select', { id: 'contour-x', title: 'Parameter on the x axis' });
const contourY = el('select', { id: 'contour-y', title: 'Parameter on the y axis' });

for (const t of CURVES_TABS) {
  const b = el('button', { className: 'tab', text: TAB_LABELS[t], id: `tab-${t}` });
  b.type = 'button';
  b.setAttribute('role', 'tab');
  b.setAttribute('aria-controls', `panel-${t}`);
  b.addEventListener('click', () => showTab(t, true));
  tabButtons.set(t, b);
  tabList.appendChild(b);

  const canvas = el('canvas', { id: `canvas-${t}` });
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', TAB_LABELS[t]);
  canvases.set(t, canvas);
  const note = el('p', { className: 'note', id: `note-${t}` });
  notes.set(t, note);
  const panel = el('section', { className: 'panel', id: `panel-${t}` });
  panel.setAttribute('role', 'tabpanel');
  panel.setAttribute('aria-labelledby', `tab-${t}`);
  if (t === 'slice') panel.appendChild(el('div', { className: 'panel-controls' }, el('label', { text: 'Parameter ' }, sliceParam)));
  if (t === 'contour') panel.appendChild(el('div', { className: 'panel-controls' }, el('label', { text: 'x ' }, contourX), el('label', { text: 'y ' }, contourY)));
  if (t === 'curves') {
    const key = (className: string, text: string) => el('span', {}, el('span', { className: `key ${className}` }), document.createTextNode(text));
    panel.appendChild(el('div', { className: 'legend', id: 'legend' }, key('', 'running / complete'), key('pruned', 'pruned'), key('failed', 'failed'), key('best', 'best'), key('selected', 'selected')));
  }
  panel.appendChild(note);
  panel.appendChild(el('div', { className: 'plot' }, canvas));
  panel.hidden = true;
  panels.set(t, panel);
}
tabList.addEventListener('keydown', e => {
  const i = CURVES_TABS.indexOf(tab);
  const next = e.key === 'ArrowRight' ? (i + 1) % CURVES_TABS.length : e.key === 'ArrowLeft' ? (i - 1 + CURVES_TABS.length) % CURVES_TABS.length : e.key === 'Home' ? 0 : e.key === 'End' ? CURVES_TABS.length - 1 : -1;
  if (next < 0) return;
  e.preventDefault();
  showTab(CURVES_TABS[next], true);
  tabButtons.get(CURVES_TABS[next])?.focus();
});

const controls = el('div', { className: 'controls' },
  el('label', { text: 'Metric ' }, metricSelect),
  el('label', {}, logToggle, document.createTextNode('Log scale')),
  el('label', { text: 'Trial ' }, trialSelect),
  button('Zoom in', 'zoom-in', () => zoomBy(1.25), 'zoom-in'),
  button('Zoom out', 'zoom-out', () => zoomBy(0.8), 'zoom-out'),
  button('Reset zoom', 'screen-normal', () => resetZoom(), 'zoom-reset'),
  button('Export PNG', 'file-media', () => exportPng(), 'export-png'),
  button('Export CSV', 'export', () => exportCsv(), 'export-csv'),
);
const mainEl = el('main', {}, ...panels.values());
root.replaceChildren(el('header', { className: 'toolbar' }, titleEl, tabList, controls), statusEl, mainEl);

metricSelect.addEventListener('change', () => {
  metric = metricSelect.value;
  post({ type: 'setMetric', metric });
  zoom = null;
  rebuildCurves();
  persistSoon();
});
logToggle.addEventListener('change', () => {
  logScale = logToggle.checked;
  applyLogScale();
  persistSoon();
});
trialSelect.addEventListener('change', () => {
  const n = Number(trialSelect.value);
  if (trialSelect.value !== '' && Number.isSafeInteger(n)) selectTrial(n, true);
});
sliceParam.addEventListener('change', () => renderSlice());
contourX.addEventListener('change', () => renderContour());
contourY.addEventListener('change', () => renderContour());

// ---- charts ------------------------------------------------------------------------------------

/** A drawn curve: the chart's decimated copy of one SeriesData, and the version it was made from. */
type CurveDataset = ChartDataset<'line', XY[]> & { trial: number; series: SeriesData; version: number };
let curvesChart: Chart<'line', XY[]> | null = null;
let historyChart: Chart<'scatter'> | null = null;
let importanceChart: Chart<'bar'> | null = null;
let sliceChart: Chart<'scatter'> | null = null;

function axisStyle(title: string) {
  return {
    title: { display: true, text: title, color: theme.foreground, font: { family: theme.font, size: 12, weight: 'bold' as const } },
    ticks: { color: theme.foreground, font: { family: theme.font, size: 11 }, maxTicksLimit: 10 },
    grid: { color: theme.grid },
    border: { color: theme.muted },
  };
}

function tooltipStyle() {
  return {
    backgroundColor: withAlpha(theme.background, 0.95),
    titleColor: theme.foreground,
    bodyColor: theme.foreground,
    borderColor: theme.muted,
    borderWidth: 1,
    titleFont: { family: theme.font },
    bodyFont: { family: theme.font },
  };
}

function trialLines(n: number): string[] {
  const t = store.trials.get(n);
  if (!t) return [];
  const lines = [`value: ${t.value === null ? '–' : formatParam(t.value)}`];
  const params = Object.entries(t.params);
  for (const [k, v] of params.slice(0, 12)) lines.push(`${k} = ${formatParam(v)}`);
  if (params.length > 12) lines.push(`… ${params.length - 12} more`);
  if (t.durationMs !== null) lines.push(`duration: ${(t.durationMs / 1000).toFixed(1)} s`);
  return lines;
}

function trialTitle(n: number): string {
  const t = store.trials.get(n);
  return `Trial #${n} · ${t?.state ?? 'unknown'}${n === store.best ? ' · best' : ''}`;
}

function createCurvesChart(): Chart<'line', XY[]> {
  const canvas = canvases.get('curves') as HTMLCanvasElement;
  const chart = new Chart<'line', XY[]>(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      spanGaps: true,
      elements: { point: { radius: 0, hitRadius: 3, hoverRadius: 3 }, line: { borderWidth: 1.25, tension: 0 } },
      interaction: { mode: 'nearest', intersect: false, axis: 'xy' },
      scales: { x: { type: 'linear', ...axisStyle('step') }, y: { type: logScale ? 'logarithmic' : 'linear', ...axisStyle(metric ?? 'value') } },
      plugins: {
        legend: { display: false },
        // We decimate ourselves (LTTB over the visible range, see `curveData`): chart.js only ever sees a few hundred points per curve.
        decimation: { enabled: false },
        tooltip: {
          ...tooltipStyle(),
          callbacks: {
            title: (items: TooltipItem<'line'>[]) => (items[0] ? trialTitle((items[0].dataset as CurveDataset).trial) : ''),
            label: (item: TooltipItem<'line'>) => `${metric ?? ''} @ step ${formatParam(item.parsed.x)}: ${formatParam(item.parsed.y)}`,
            afterBody: (items: TooltipItem<'line'>[]) => (items[0] ? trialLines((items[0].dataset as CurveDataset).trial) : []),
          },
        },
        zoom: {
          zoom: { wheel: { enabled: true }, drag: { enabled: true, backgroundColor: withAlpha(theme.selection, 0.15), borderColor: theme.selection, borderWidth: 1 }, mode: 'xy', onZoomComplete: saveZoom },
          pan: { enabled: true, mode: 'xy', modifierKey: 'shift', onPanComplete: saveZoom },
        },
      },
      onClick: (_event, elements) => {
        const hit = elements[0];
        if (!hit) return;
        const dataset = chart.data.datasets[hit.datasetIndex] as CurveDataset | undefined;
        if (dataset) selectTrial(dataset.trial, true);
      },
    },
  });
  return chart;
}

function styleCurve(dataset: CurveDataset): void {
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
}

/** Points per drawn curve: about one per two pixels of plot width is all a line can show. */
function samplesPerCurve(): number {
  const width = curvesChart?.chartArea ? curvesChart.chartArea.right - curvesChart.chartArea.left : (canvases.get('curves') as HTMLCanvasElement).clientWidth;
  // chart.js keeps an element per drawn point and revisits all of them on every update: a total budget
  // keeps a live frame short with 100 curves, while a handful of curves still get full detail.
  const perCurve = Math.floor(CURVE_POINT_BUDGET / Math.max(1, store.drawn.size));
  return Math.max(100, Math.min(Math.round(width / 2), perCurve));
}

/** The decimated points of the visible x range (plus one point either side so lines reach the edges). */
function curveData(series: SeriesData): XY[] {
  const start = zoom ? Math.max(0, series.lowerBound(zoom.xMin) - 1) : 0;
  const end = zoom ? Math.min(series.length, series.lowerBound(zoom.xMax) + 1) : series.length;
  return lttb(series, start, end, samplesPerCurve());
}

/** Rebuilds the dataset list (drawn set or metric changed). */
function rebuildCurves(): void {
  if (!curvesChart) return;
  const byTrial = metric ? store.series.get(metric) : undefined;
  const datasets: CurveDataset[] = [];
  for (const n of [...store.drawn].sort((a, b) => a - b)) {
    const series = byTrial?.get(n);
    if (!series) continue;
    const dataset = { label: `#${n}`, trial: n, series, version: series.version, data: curveData(series), pointRadius: 0 } as CurveDataset;
    styleCurve(dataset);
    datasets.push(dataset);
  }
  curvesChart.data.datasets = datasets;
  applyCurveBounds();
  curvesChart.update('none');
}

/**
 * The zoom lives in the scale bounds (the data was already cut to them). Without a zoom, a linear axis
 * stops just above the healthy curves, so one diverging trial cannot flatten the rest; the axis title
 * says so, and the log scale shows everything.
 */
function applyCurveBounds(): void {
  const x = curvesChart?.options.scales?.x;
  const y = curvesChart?.options.scales?.y;
  if (!x || !y) return;
  const ceiling = !zoom && !logScale ? robustUpperBound((curvesChart?.data.datasets as CurveDataset[]).map(d => d.series)) : undefined;
  if (y.title) y.title.text = `${metric ?? 'value'}${ceiling !== undefined ? ' (diverging trials clipped; log scale shows all)' : ''}`;
  x.min = zoom?.xMin;
  x.max = zoom?.xMax;
  y.min = zoom?.yMin;
  y.max = zoom?.yMax ?? ceiling;
}

/** Re-decimates the curves whose points changed (or all of them after a zoom), then redraws. */
function refreshCurves(all: boolean): void {
  if (!curvesChart) return;
  for (const d of curvesChart.data.datasets as CurveDataset[]) {
    if (!all && d.version === d.series.version) continue;
    d.data = curveData(d.series);
    d.version = d.series.version;
  }
  applyCurveBounds();
  curvesChart.update('none');
}

function restyleCurves(): void {
  if (!curvesChart) return;
  for (const d of curvesChart.data.datasets) styleCurve(d as CurveDataset);
}

function applyLogScale(): void {
  if (curvesChart?.options.scales?.y) {
    curvesChart.options.scales.y.type = logScale ? 'logarithmic' : 'linear';
    applyCurveBounds();
    curvesChart.update('none');
  }
  if (historyChart?.options.scales?.y) {
    historyChart.options.scales.y.type = logScale ? 'logarithmic' : 'linear';
    historyChart.update('none');
  }
  if (sliceChart) renderSlice();
}

function saveZoom({ chart }: { chart: Chart }): void {
  if (chart !== (curvesChart as Chart | null)) return;
  const { x, y } = chart.scales;
  zoom = { xMin: x.min, xMax: x.max, yMin: y.min, yMax: y.max };
  // More detail when zoomed in: decimate again over the new visible range.
  refreshCurves(true);
  persistSoon();
}

function activeChart(): Chart | null {
  return tab === 'curves' ? (curvesChart as Chart | null) : tab === 'history' ? (historyChart as Chart | null) : tab === 'slice' ? (sliceChart as Chart | null) : null;
}

function zoomBy(factor: number): void {
  const chart = activeChart();
  if (!chart) return;
  chart.zoom(factor, 'none');
  saveZoom({ chart });
}

function resetZoom(): void {
  if (tab === 'curves') {
    zoom = null;
    rebuildCurves();
    persistSoon();
    return;
  }
  activeChart()?.resetZoom('none');
}

// Keyboard on a focused chart: arrows pan, +/- zoom, 0 resets.
for (const t of ['curves', 'history', 'slice'] as const) {
  canvases.get(t)?.addEventListener('keydown', e => {
    const chart = activeChart();
    if (!chart) return;
    const step = 40;
    const moves: Record<string, { x: number; y: number }> = { ArrowLeft: { x: step, y: 0 }, ArrowRight: { x: -step, y: 0 }, ArrowUp: { x: 0, y: step }, ArrowDown: { x: 0, y: -step } };
    if (moves[e.key]) chart.pan(moves[e.key], undefined, 'none');
    else if (e.key === '+' || e.key === '=') chart.zoom(1.25, 'none');
    else if (e.key === '-') chart.zoom(0.8, 'none');
    else if (e.key === '0') resetZoom();
    else return;
    e.preventDefault();
    if (t === 'curves' && e.key !== '0') saveZoom({ chart });
  });
}

function renderHistory(): void {
  const canvas = canvases.get('history') as HTMLCanvasElement;
  const history = optimizationHistory([...store.trials.values()], store.direction);
  const finite = history.filter(h => h.finite);
  const points = finite.map(h => ({ x: h.number, y: h.value }));
  const pruned = new Set([...store.trials.values()].filter(t => t.state === 'pruned').map(t => t.number));
  const best = history.filter(h => h.bestTrial >= 0).map(h => ({ x: h.number, y: h.best }));
  const datasets: ChartDataset<'scatter'>[] = [
    { type: 'scatter', label: 'objective', data: points.filter(p => !pruned.has(p.x)), pointRadius: points.length > 2000 ? 1.5 : 3, backgroundColor: withAlpha(theme.palette[0], 0.75), borderWidth: 0, order: 2 },
    { type: 'scatter', label: 'pruned', data: points.filter(p => pruned.has(p.x)), pointRadius: points.length > 2000 ? 2 : 4.5, pointStyle: 'triangle', backgroundColor: theme.palette[3], borderWidth: 0, order: 3 },
    { type: 'line', label: 'best so far', data: best, borderColor: theme.accent, backgroundColor: theme.accent, borderWidth: 2.5, pointRadius: 0, stepped: 'after', order: 1 } as unknown as ChartDataset<'scatter'>,
  ];
  notes.get('history')?.replaceChildren(document.createTextNode(history.length ? `${finite.length} trials with a value; ${history.length - finite.length} diverged (NaN/∞) not plotted.` : 'No trial has a value yet.'));
  if (!historyChart) {
    historyChart = new Chart<'scatter'>(canvas, {
      type: 'scatter',
      data: { datasets },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { type: 'linear', ...axisStyle('trial') }, y: { type: logScale ? 'logarithmic' : 'linear', ...axisStyle('objective value') } },
        plugins: {
          legend: { display: false },
          tooltip: { ...tooltipStyle(), callbacks: { title: items => (items[0] ? trialTitle(items[0].parsed.x ?? -1) : ''), label: item => (item.dataset.label === 'best so far' ? `best so far: ${formatParam(item.parsed.y)}` : `value: ${formatParam(item.parsed.y)}`), afterBody: items => (items[0] && items[0].dataset.label !== 'best so far' ? trialLines(items[0].parsed.x ?? -1).slice(1) : []) } },
          zoom: { zoom: { wheel: { enabled: true }, drag: { enabled: true }, mode: 'xy' }, pan: { enabled: true, mode: 'xy', modifierKey: 'shift' } },
        },
        onClick: (_e, elements) => {
          const hit = elements[0];
          const point = hit && historyChart?.data.datasets[hit.datasetIndex]?.data[hit.index];
          if (point && typeof point === 'object' && 'x' in point) selectTrial(point.x, true);
        },
      },
    });
  } else {
    historyChart.data.datasets = datasets;
    historyChart.update('none');
  }
}

let model: StudyModel | null = null;
let modelVersion = -1;
let trialsVersion = 0;
let analysisTimer: ReturnType<typeof setTimeout> | undefined;
let lastAnalysis = 0;

/** The forest is refitted at most every ANALYSIS_INTERVAL_MS, and only while a tab that shows it is open. */
function currentModel(): StudyModel {
  if (!model || modelVersion !== trialsVersion) {
    const wait = lastAnalysis + ANALYSIS_INTERVAL_MS - performance.now();
    if (model && wait > 0) {
      if (!analysisTimer) analysisTimer = setTimeout(() => {
        analysisTimer = undefined;
        renderActiveTab();
      }, wait);
      return model;
    }
    model = analyseStudy([...store.trials.values()], store.direction, { maxTrials: 400, trees: 16 });
    modelVersion = trialsVersion;
    lastAnalysis = performance.now();
  }
  return model;
}

function renderImportance(): void {
  const m = currentModel();
  const canvas = canvases.get('importance') as HTMLCanvasElement;
  const shown = m.importances.slice(0, 30);
  notes.get('importance')?.replaceChildren(document.createTextNode(m.note ?? `fANOVA-style importance from a ${16}-tree random forest over ${m.fitted} finished trials (share of the objective's variance each parameter explains alone).`));
  const data = {
    labels: shown.map(i => i.name),
    datasets: [{ label: 'importance', data: shown.map(i => i.importance), backgroundColor: shown.map((_, i) => (i === 0 ? theme.accent : withAlpha(theme.palette[0], 0.8))), borderWidth: 0, maxBarThickness: 32 }],
  };
  if (!importanceChart) {
    importanceChart = new Chart<'bar'>(canvas, {
      type: 'bar',
      data,
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { min: 0, max: 1, ...axisStyle('importance') }, y: { ...axisStyle('parameter'), ticks: { ...axisStyle('').ticks, autoSkip: false } } },
        plugins: { legend: { display: false }, tooltip: { ...tooltipStyle(), callbacks: { label: item => `${(Number(item.raw) * 100).toFixed(1)} %` } } },
      },
    });
  } else {
    importanceChart.data = data;
    importanceChart.update('none');
  }
}

function renderSlice(): void {
  const m = currentModel();
  const slices = sliceData([...store.trials.values()], m.axes);
  fillSelect(sliceParam, m.importances.map(i => ({ value: i.name, label: i.name })), sliceParam.value || (m.importances[0]?.name ?? null));
  const slice = slices.find(s => s.axis.name === sliceParam.value) ?? slices[0];
  const canvas = canvases.get('slice') as HTMLCanvasElement;
  if (!slice) {
    notes.get('slice')?.replaceChildren(document.createTextNode('No finished trials with parameters yet.'));
    sliceChart?.destroy();
    sliceChart = null;
    return;
  }
  notes.get('slice')?.replaceChildren(document.createTextNode(`Objective value against ${slice.axis.name} for ${slice.points.length} finished trials.`));
  const axis = slice.axis;
  // Categories sit at integer positions, spread a little by trial number so equal points stay visible.
  const jitter = (n: number) => (axis.kind === 'categorical' ? (((n * 2654435761) >>> 0) / 4294967296 - 0.5) * 0.3 : 0);
  // Sorted by x: with parsing off chart.js takes the first and last point as the x range.
  const points = slice.points.filter(p => p.x !== null).map(p => ({ x: (p.x as number) + jitter(p.number), y: p.value, n: p.number })).sort((a, b) => a.x - b.x);
  const best = points.filter(p => p.n === store.best);
  const datasets: ChartDataset<'scatter'>[] = [
    { label: 'trials', data: points, pointRadius: points.length > 2000 ? 2 : 3.5, backgroundColor: withAlpha(theme.palette[0], 0.7), borderWidth: 0, order: 2 },
    { label: 'best', data: best, pointRadius: 7, backgroundColor: theme.accent, borderColor: theme.foreground, borderWidth: 1.5, order: 1 },
  ];
  const xScale = axis.kind === 'categorical'
    ? { type: 'linear' as const, min: -0.5, max: axis.categories.length - 0.5, ...axisStyle(axis.name), ticks: { ...axisStyle('').ticks, stepSize: 1, callback: (v: string | number) => (Number.isInteger(Number(v)) ? axis.categories[Number(v)] ?? '' : '') } }
    : { type: axis.log ? ('logarithmic' as const) : ('linear' as const), ...axisStyle(axis.log ? `${axis.name} (log)` : axis.name) };
  sliceChart?.destroy();
  sliceChart = new Chart<'scatter'>(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      animation: false,
      parsing: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: xScale, y: { type: logScale ? 'logarithmic' : 'linear', ...axisStyle('objective value') } },
      plugins: {
        legend: { display: false },
        tooltip: { ...tooltipStyle(), callbacks: { title: items => (items[0] ? trialTitle((items[0].raw as { n: number }).n) : ''), label: () => '', afterBody: items => (items[0] ? trialLines((items[0].raw as { n: number }).n) : []) } },
        zoom: { zoom: { wheel: { enabled: true }, drag: { enabled: true }, mode: 'xy' }, pan: { enabled: true, mode: 'xy', modifierKey: 'shift' } },
      },
      onClick: (_e, elements) => {
        const hit = elements[0];
        const raw = hit && (sliceChart?.data.datasets[hit.datasetIndex]?.data[hit.index] as { n?: number } | undefined);
        if (raw && typeof raw.n === 'number') selectTrial(raw.n, true);
      },
    },
  });
}

function renderParallel(): void {
  const m = currentModel();
  const data = parallelCoordinates([...store.trials.values()], m.axes);
  notes.get('parallel')?.replaceChildren(document.createTextNode(`${data.lines.length} finished trials; colour from best (blue) to worst (orange); the best trial in the accent colour.`));
  drawParallel(canvases.get('parallel') as HTMLCanvasElement, data, theme, { direction: store.direction, best: store.best, selected: store.selected });
}

function renderContour(): void {
  const m = currentModel();
  const names = m.importances.map(i => ({ value: i.name, label: i.name }));
  const pair = topPair(m);
  fillSelect(contourX, names, contourX.value || (pair?.[0] ?? null));
  fillSelect(contourY, names, contourY.value || (pair?.[1] ?? null));
  if (contourX.value && contourX.value === contourY.value && pair) {
    contourY.value = contourX.value === pair[0] ? pair[1] : pair[0];
  }
  const canvas = canvases.get('contour') as HTMLCanvasElement;
  const grid = pair ? m.contour(contourX.value, contourY.value, 40) : null;
  const axisX = m.axes.find(a => a.name === contourX.value);
  const axisY = m.axes.find(a => a.name === contourY.value);
  if (!grid || !axisX || !axisY) {
    notes.get('contour')?.replaceChildren(document.createTextNode(m.note ?? 'The contour needs two parameters and at least two finished trials.'));
    const ctx = canvas.getContext('2d');
    ctx?.clearRect(0, 0, canvas.width, canvas.height);
    return;
  }
  notes.get('contour')?.replaceChildren(document.createTextNode(`Predicted objective (random-forest marginal) over ${contourX.value} × ${contourY.value}; rings are trials, the filled one is the best.`));
  drawContour(canvas, grid, theme, { direction: store.direction, axisX, axisY, trials: scoredTrials([...store.trials.values()]), best: store.best });
}

// ---- state, selection, tabs ----------------------------------------------------------------------

function selectTrial(n: number | null, fromUser: boolean): void {
  store.selected = n;
  const drawnChanged = store.updateDrawn();
  if (drawnChanged) rebuildCurves();
  else restyleCurves();
  if (n !== null && fromUser) post({ type: 'selectTrial', number: n });
  curvesChart?.update('none');
  if (tab !== 'curves') renderActiveTab();
  trialSelect.value = n === null ? '' : String(n);
  updateStatus();
  persistSoon();
}

function showTab(next: CurvesTab, fromUser: boolean): void {
  tab = next;
  for (const [t, b] of tabButtons) {
    const on = t === next;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
    (panels.get(t) as HTMLElement).hidden = !on;
  }
  renderActiveTab(true);
  if (fromUser) persistSoon();
}

let curvesDirty = false;
let structureDirty = false;
let trialsDirty = false;
let frame = 0;

function scheduleRender(): void {
  if (!frame) frame = requestAnimationFrame(flush);
}

/** One frame's worth of work, whatever arrived since the last one. */
function flush(): void {
  frame = 0;
  const started = performance.now();
  if (trialsDirty) {
    trialsDirty = false;
    trialsVersion++;
    if (store.updateDrawn()) structureDirty = true;
    restyleCurves();
    updateTrialSelect();
    updateMetricSelect();
  }
  if (tab === 'curves') {
    if (!curvesChart) {
      curvesChart = createCurvesChart();
      structureDirty = true;
    }
    if (structureDirty) rebuildCurves();
    else if (curvesDirty) refreshCurves(false);
    structureDirty = curvesDirty = false;
  } else renderActiveTab();
  updateStatus();
  stats.renders++;
  stats.lastRenderAt = performance.now();
  stats.lastRenderMs = stats.lastRenderAt - started;
  stats.maxRenderMs = Math.max(stats.maxRenderMs, stats.lastRenderMs);
  stats.pointsRendered = stats.pointsApplied;
  persistSoon();
}

/**
 * What each tab last drew, as a key of the data it depends on: frames caused by points alone (the
 * common case while trials run) then skip the study plots, which only change with trial values.
 */
let renderedKeys = new Map<CurvesTab, string>();
function renderActiveTab(force = false): void {
  if (tab === 'curves') {
    if (!curvesChart) curvesChart = createCurvesChart();
    rebuildCurves();
    structureDirty = curvesDirty = false;
    return;
  }
  // History reads the trials directly; the other plots read the (throttled) model, refitted at most every 2 s.
  if (tab !== 'history') currentModel();
  const key = `${tab === 'history' ? trialsVersion : modelVersion}:${store.selected}:${store.best}`;
  if (!force && renderedKeys.get(tab) === key) return;
  renderedKeys.set(tab, key);
  switch (tab) {
    case 'history':
      renderHistory();
      return;
    case 'importance':
      renderImportance();
      return;
    case 'slice':
      renderSlice();
      return;
    case 'parallel':
      renderParallel();
      return;
    case 'contour':
      renderContour();
      return;
  }
}

function updateStatus(): void {
  const all = store.trials.size;
  const counts = { running: 0, complete: 0, pruned: 0, fail: 0, waiting: 0 };
  for (const t of store.trials.values()) counts[t.state]++;
  const best = store.best !== null ? store.trials.get(store.best) : undefined;
  const bestText = best ? ` · best #${best.number} = ${formatParam(best.value)}` : '';
  const drawnText = all > store.drawn.size ? ` · curves of ${store.drawn.size} (best and running)` : '';
  statusEl.textContent = all
    ? `${all} trials (${counts.complete} complete, ${counts.running} running, ${counts.pruned} pruned, ${counts.fail} failed)${bestText}${drawnText}`
    : 'Waiting for trials…';
}

function updateTrialSelect(): void {
  const drawn = [...store.drawn].sort((a, b) => a - b);
  const options = [{ value: '', label: '—' }, ...drawn.map(n => ({ value: String(n), label: `#${n}${n === store.best ? ' (best)' : ''} ${store.trials.get(n)?.state ?? ''}` }))];
  fillSelect(trialSelect, options, store.selected === null ? '' : String(store.selected));
}

function updateMetricSelect(): void {
  if (metric === null || !store.metrics.includes(metric)) metric = store.metrics[0] ?? null;
  fillSelect(metricSelect, store.metrics.map(m => ({ value: m, label: m })), metric);
}

let persistTimer: ReturnType<typeof setTimeout> | undefined;
function persistSoon(): void {
  if (persistTimer) return;
  persistTimer = setTimeout(() => {
    persistTimer = undefined;
    persist();
  }, PERSIST_DELAY_MS);
}

/** Saves a capped picture of the panel: the best/latest trials and thinned drawn curves of the selected metric. */
function persist(): void {
  const trials = [...store.trials.values()];
  let kept = trials;
  if (trials.length > STATE_TRIALS) {
    const keep = new Set([...store.drawn, ...trials.slice(-STATE_TRIALS / 2).map(t => t.number)]);
    const sign = store.direction === 'minimize' ? 1 : -1;
    for (const t of scoredTrials(trials).sort((a, b) => sign * (a.value - b.value))) {
      if (keep.size >= STATE_TRIALS) break;
      keep.add(t.number);
    }
    kept = trials.filter(t => keep.has(t.number));
  }
  const byTrial = metric ? store.series.get(metric) : undefined;
  const series: CurvesSeries[] = [];
  for (const n of store.drawn) {
    const data = byTrial?.get(n);
    if (!data?.length) continue;
    // JSON-safe: the state is serialised, and NaN would come back as null.
    const points = lttb(data, 0, data.length, STATE_POINTS_PER_SERIES).filter(p => Number.isFinite(p.y));
    series.push({ trial: n, metric: metric as string, steps: points.map(p => p.x), values: points.map(p => p.y) });
  }
  vscode.setState({ v: 1, key: store.key, title: store.title, direction: store.direction, metrics: store.metrics, metric, tab, logScale, zoom, selected: store.selected, trials: kept, series });
}

function exportPng(): void {
  const source = canvases.get(tab) as HTMLCanvasElement;
  // Charts are transparent; paint the theme background under them so the file reads outside VS Code.
  const out = document.createElement('canvas');
  out.width = source.width;
  out.height = source.height;
  const ctx = out.getContext('2d') as CanvasRenderingContext2D;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(source, 0, 0);
  post({ type: 'exportPng', dataUrl: out.toDataURL('image/png'), tab });
}

function exportCsv(): void {
  const csv = store.toCsv();
  if (csv.length > 64 * 1024 * 1024) {
    statusEl.textContent = 'Too many points to export as CSV from the panel (over 64 MB).';
    log('warn', `curves: CSV export of ${csv.length} chars refused`);
    return;
  }
  post({ type: 'exportCsv', csv });
}

// ---- messages ----------------------------------------------------------------------------------

function apply(message: HostToCurves): void {
  switch (message.type) {
    case 'reset': {
      const sameStudy = message.key === store.key;
      store.reset(message.title, message.key, message.direction, message.metrics, message.trials);
      titleEl.textContent = message.title;
      titleEl.title = message.title;
      if (!sameStudy || metric === null || !store.metrics.includes(metric)) metric = message.metric ?? message.metrics[0] ?? null;
      if (!sameStudy) zoom = null;
      trialsDirty = structureDirty = true;
      model = null;
      // Which source this panel shows must be saved at once: a panel hidden before the debounced save
      // fires is destroyed (no retainContextWhenHidden) and would come back after a reload as nothing.
      if (!sameStudy) persist();
      break;
    }
    case 'points': {
      // A first point of a drawn trial creates its array: the dataset list must pick it up.
      const known = metric !== null ? store.series.get(metric) : undefined;
      if (message.series.some(s => s.metric === metric && store.drawn.has(s.trial) && !known?.has(s.trial))) structureDirty = true;
      const metricsBefore = store.metrics.length;
      const { metrics: changed, newTrials } = store.addSeries(message.series);
      stats.pointsApplied += message.series.reduce((n, s) => n + s.steps.length, 0);
      if (metric !== null && changed.has(metric)) curvesDirty = true;
      // New metric names (or the first metric of all) update the selector and maybe the shown metric.
      if (store.metrics.length !== metricsBefore || metric === null) {
        trialsDirty = true;
        structureDirty = true;
      }
      if (newTrials) trialsDirty = true;
      break;
    }
    case 'trials':
      store.upsertTrials(message.trials);
      trialsDirty = true;
      break;
    case 'select':
      selectTrial(message.trial, false);
      return;
  }
  scheduleRender();
}

window.addEventListener('message', event => {
  stats.messages++;
  const parsed = parseCurvesMessage(hostToCurves, event.data);
  if (!parsed.ok) {
    stats.dropped++;
    log('warn', `curves: dropped a message: ${parsed.error}`);
    return;
  }
  apply(parsed.message);
});

watchTheme(() => {
  theme = readTheme();
  // Colours are baked into chart options; rebuild the charts with the new ones.
  curvesChart?.destroy();
  historyChart?.destroy();
  importanceChart?.destroy();
  sliceChart?.destroy();
  curvesChart = historyChart = null;
  importanceChart = null;
  sliceChart = null;
  renderedKeys = new Map();
  renderActiveTab(true);
});

new ResizeObserver(() => {
  if (tab === 'parallel' || tab === 'contour') renderActiveTab(true);
}).observe(mainEl);

/** Restores the last picture from the saved state (validated like a message: it is data too). */
function restore(raw: unknown): void {
  if (typeof raw !== 'object' || raw === null || (raw as { v?: unknown }).v !== 1) return;
  const s = raw as SavedState;
  const reset = parseCurvesMessage(hostToCurves, { type: 'reset', title: s.title, key: s.key, direction: s.direction, metrics: s.metrics, metric: s.metric, trials: s.trials });
  const points = parseCurvesMessage(hostToCurves, { type: 'points', series: s.series });
  if (!reset.ok || !points.ok) {
    log('warn', `curves: ignored a saved state: ${!reset.ok ? reset.error : !points.ok ? points.error : ''}`);
    return;
  }
  apply(reset.message);
  apply(points.message);
  if (CURVES_TABS.includes(s.tab)) tab = s.tab;
  logScale = s.logScale === true;
  logToggle.checked = logScale;
  const z = s.zoom;
  zoom = z && [z.xMin, z.xMax, z.yMin, z.yMax].every(Number.isFinite) ? z : null;
  store.selected = Number.isSafeInteger(s.selected) ? s.selected : null;
}

restore(vscode.getState());
updateStatus();
showTab(tab, false);
post({ type: 'ready' });
