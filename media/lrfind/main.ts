// Learning-rate finder panel: the loss-vs-rate curve of an lr-find (log x axis, diverged runs marked at
// the top edge), the region where the loss falls fastest, the floor, the rise and the suggestion, the
// reason in words, and Apply / Narrow. Renders the view the extension sends; text only via textContent.
import { Chart, Filler, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Tooltip, type ChartDataset, type Plugin } from 'chart.js';
import { hostToLrFind, type LrFindAction, type LrFindToHost, type LrFindView } from '../../src/core/protocol/lrfind';
import { parseMessage } from '../../src/core/protocol/validate';
import { formatRate } from '../../src/core/lrfind/words';
import { el } from '../shared/dom';
import { mix, readTheme, watchTheme, withAlpha, type Theme } from '../curves/theme';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Filler);

interface VsCodeApi {
  postMessage(message: LrFindToHost): void;
  getState(): { view?: LrFindView } | undefined;
  setState(state: { view?: LrFindView }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;
let theme: Theme = readTheme();
let current: LrFindView | undefined;
let curveChart: Chart | undefined;
let runsChart: Chart | undefined;

function post(action: LrFindAction): void {
  vscode.postMessage({ type: 'action', action });
}

function fmtLoss(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(2);
}

function button(label: string, icon: string, action: LrFindAction, primary = false): HTMLButtonElement {
  const b = el('button', { className: `button${primary ? ' primary' : ''}`, title: label }, el('span', { className: `codicon codicon-${icon}` }), el('span', { text: label }));
  b.dataset.action = action;
  b.addEventListener('click', () => post(action));
  return b;
}

/** Where the markers of diverged runs sit: just above the highest loss drawn. */
function edgeOf(view: LrFindView, log: boolean): number {
  const losses = [...view.points, ...(view.refined?.points ?? [])].filter(p => p.loss !== null && Number.isFinite(p.loss)).map(p => p.loss as number);
  if (losses.length === 0) return 1;
  const top = Math.max(...losses);
  return log ? top * 1.6 : top + 0.08 * (top - Math.min(...losses) || Math.abs(top) || 1);
}

/** Vertical lines and the shaded fall region, drawn under the datasets. */
function landmarks(view: LrFindView): Plugin<'scatter'> {
  return {
    id: 'lrLandmarks',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea: a, scales } = chart;
      const x = (v: number) => scales.x.getPixelForValue(v);
      ctx.save();
      if (view.steepest) {
        ctx.fillStyle = withAlpha(theme.good, 0.12);
        ctx.fillRect(x(view.steepest.low), a.top, Math.max(1, x(view.steepest.high) - x(view.steepest.low)), a.bottom - a.top);
      }
      const line = (v: number | null, color: string, dash: number[], label: string) => {
        if (v === null) return;
        const px = x(v);
        if (px < a.left - 1 || px > a.right + 1) return;
        ctx.strokeStyle = color;
        ctx.setLineDash(dash);
        ctx.lineWidth = label.startsWith('suggested') ? 2 : 1;
        ctx.beginPath();
        ctx.moveTo(px, a.top);
        ctx.lineTo(px, a.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = color;
        ctx.font = `11px ${theme.font}`;
        ctx.textAlign = px > a.right - 90 ? 'right' : 'left';
        ctx.fillText(label, px + (ctx.textAlign === 'right' ? -4 : 4), a.top + 26 + (label.startsWith('suggested') ? 0 : label.startsWith('lowest') ? 14 : 28));
      };
      line(view.minimum?.lr ?? null, theme.muted, [4, 3], `lowest ${formatRate(view.minimum?.lr ?? 0)}`);
      line(view.divergedAbove, theme.bad, [2, 3], `diverges ${formatRate(view.divergedAbove ?? 0)}`);
      line(view.suggested, theme.accent, [], `suggested ${formatRate(view.suggested ?? 0)}`);
      ctx.restore();
    },
  };
}

function rateAxis(view: LrFindView, title: string) {
  const lrs = [...view.points, ...(view.refined?.points ?? [])].map(p => p.lr);
  const lo = Math.min(...lrs, view.range?.low ?? Infinity);
  const hi = Math.max(...lrs, view.range?.high ?? -Infinity);
  return {
    type: 'logarithmic' as const,
    min: Number.isFinite(lo) ? lo / 1.4 : undefined,
    max: Number.isFinite(hi) ? hi * 1.4 : undefined,
    title: { display: true, text: title, color: theme.muted },
    grid: { color: theme.grid },
    ticks: { color: theme.muted, callback: (v: string | number) => (Math.log10(Number(v)) % 1 === 0 ? formatRate(Number(v)) : '') },
  };
}

function drawCurve(view: LrFindView, canvas: HTMLCanvasElement): Chart {
  const ok = view.points.filter(p => p.loss !== null && Number.isFinite(p.loss));
  const losses = ok.map(p => p.loss as number);
  const log = losses.length > 1 && losses.every(v => v > 0) && Math.max(...losses) / Math.min(...losses) > 10;
  const edge = edgeOf(view, log);
  const edgePoints = view.points.filter(p => p.status === 'diverged' || p.status === 'failed');
  const second = (view.refined?.points ?? []).filter(p => p.status !== 'running' || p.loss !== null);
  const datasets: ChartDataset<'scatter'>[] = [
    { label: 'smoothed', data: ok.filter(p => p.smoothed !== null).map(p => ({ x: p.lr, y: p.smoothed as number })), showLine: true, borderColor: theme.foreground, borderWidth: 2, pointRadius: 0, tension: 0.25 },
    { label: view.metric, data: ok.map(p => ({ x: p.lr, y: p.loss as number })), backgroundColor: p => (view.points[p.dataIndex]?.status === 'running' ? withAlpha(theme.good, 0.4) : theme.good), pointRadius: 4 },
    { label: 'diverged / failed', data: edgePoints.map(p => ({ x: p.lr, y: edge })), pointStyle: 'triangle', pointRadius: 7, backgroundColor: theme.bad, borderColor: theme.bad },
    // The second pass' longer runs: their own marker, since their losses come from runs several times longer.
    { label: 'second pass', data: second.map(p => ({ x: p.lr, y: p.loss ?? edge })), pointStyle: 'rectRot', pointRadius: 7, backgroundColor: p => (second[p.dataIndex]?.loss === null ? theme.bad : theme.accent), borderColor: theme.foreground, borderWidth: 1 },
  ];
  return new Chart(canvas, {
    type: 'scatter',
    data: { datasets },
    plugins: [landmarks(view)],
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: rateAxis(view, `${view.param} (log scale)`),
        y: { type: log ? 'logarithmic' : 'linear', title: { display: true, text: `${view.metric} after the short run`, color: theme.muted }, grid: { color: theme.grid }, ticks: { color: theme.muted } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: item => {
              if (item.datasetIndex === 3) {
                const p = second[item.dataIndex];
                return `second pass, ${view.param}=${formatRate(p.lr)}: ${p.loss === null ? p.status : fmtLoss(p.loss)} after ${p.reports} reports${p.lr === view.refined?.chosen ? ' (suggested)' : ''}`;
              }
              if (item.datasetIndex === 2) {
                const p = edgePoints[item.dataIndex];
                return `${view.param}=${formatRate(p.lr)}: ${p.status}${p.why ? ` (${p.why})` : ''}`;
              }
              return `${view.param}=${formatRate(item.parsed.x ?? 0)}: ${fmtLoss(item.parsed.y ?? null)}${item.datasetIndex === 0 ? ' (smoothed)' : ''}`;
            },
          },
        },
      },
    },
  });
}

/** The short runs themselves: each rate's reports, coloured from low (blue) to high (orange) rates. */
function drawRuns(view: LrFindView, canvas: HTMLCanvasElement): Chart {
  const lrs = view.curves.map(c => Math.log(c.lr));
  const lo = Math.min(...lrs);
  const hi = Math.max(...lrs);
  const colour = (lr: number) => mix(theme.good, theme.bad, hi > lo ? (Math.log(lr) - lo) / (hi - lo) : 0);
  // The runs that diverged leave the top of the chart: its scale is that of the runs that did not.
  const calm = new Set(view.points.filter(p => p.status === 'ok' || p.status === 'running').map(p => p.trial));
  const finite = view.curves.filter(c => calm.size === 0 || calm.has(c.trial)).flatMap(c => c.values.filter(v => Number.isFinite(v)));
  const positive = finite.length > 0 && finite.every(v => v > 0);
  const logY = positive && Math.max(...finite) / Math.min(...finite) > 30;
  const top = finite.length ? Math.max(...finite) : undefined;
  const datasets: ChartDataset<'line'>[] = [...view.curves].sort((a, b) => a.lr - b.lr).map(c => ({
    label: `${view.param}=${formatRate(c.lr)}`,
    data: c.steps.map((s, i) => ({ x: s, y: c.values[i] })),
    borderColor: colour(c.lr),
    backgroundColor: colour(c.lr),
    borderWidth: 1.5,
    pointRadius: c.steps.length === 1 ? 3 : 0,
  }));
  return new Chart(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      scales: {
        x: { type: 'linear', title: { display: true, text: 'step', color: theme.muted }, grid: { color: theme.grid }, ticks: { color: theme.muted } },
        y: { type: logY ? 'logarithmic' : 'linear', max: top !== undefined ? (logY ? top * 2 : top * 1.1) : undefined, title: { display: true, text: view.metric, color: theme.muted }, grid: { color: theme.grid }, ticks: { color: theme.muted, callback: (v: string | number) => fmtLoss(Number(v)) } },
      },
      plugins: { tooltip: { callbacks: { label: item => `${item.dataset.label}: ${fmtLoss(item.parsed.y ?? null)} at step ${item.parsed.x}` } } },
    },
  });
}

function actions(view: LrFindView): HTMLElement {
  const bar = el('div', { className: 'actions' });
  if (view.suggested !== null && view.trusted) {
    const apply = button(view.applyTarget ? `Apply ${view.param} = ${formatRate(view.suggested)} to ${view.applyTarget}` : `Apply ${view.param} = ${formatRate(view.suggested)}…`, 'check', 'apply', true);
    apply.id = 'apply';
    bar.appendChild(apply);
    if (view.narrowTarget) {
      const narrow = button(`Narrow ${view.narrowTarget}'s range`, 'arrow-both', 'narrow');
      narrow.id = 'narrow';
      bar.appendChild(narrow);
    }
  }
  if (view.trusted && view.state === 'running') bar.appendChild(button('Stop', 'debug-stop', 'stop'));
  if (view.trusted && ['crashed', 'paused', 'stopped', 'idle'].includes(view.state)) bar.appendChild(button('Resume', 'debug-restart', 'resume'));
  bar.appendChild(button('Learning curves', 'graph-line', 'showCurves'));
  bar.appendChild(button('Study file', 'go-to-file', 'openStudyFile'));
  return bar;
}

function table(view: LrFindView): HTMLElement {
  const t = el('table', { className: 'points' });
  t.appendChild(el('thead', {}, el('tr', {}, el('th', { text: view.param }), el('th', { text: view.metric }), el('th', { text: 'smoothed' }), el('th', { text: 'reports' }), el('th', { text: 'run' }))));
  const body = el('tbody');
  for (const p of view.points) {
    const tr = el('tr', { className: `status-${p.status}` }, el('td', { text: formatRate(p.lr) }), el('td', { text: p.loss === null ? p.status : fmtLoss(p.loss) }), el('td', { text: fmtLoss(p.smoothed) }), el('td', { text: String(p.reports) }), el('td', { text: p.why ?? p.status, title: p.why ?? '' }));
    if (view.suggested !== null && p.lr === view.minimum?.lr) tr.classList.add('lowest');
    body.appendChild(tr);
  }
  for (const p of view.refined?.points ?? []) {
    const run = p.why ?? (p.lr === view.refined?.chosen ? 'second pass, suggested' : 'second pass');
    const tr = el('tr', { className: `status-${p.status} second-pass` }, el('td', { text: formatRate(p.lr) }), el('td', { text: p.loss === null ? p.status : fmtLoss(p.loss) }), el('td', { text: '' }), el('td', { text: String(p.reports) }), el('td', { text: run, title: run }));
    body.appendChild(tr);
  }
  t.appendChild(body);
  return t;
}

function render(view: LrFindView): void {
  current = view;
  vscode.setState({ view });
  curveChart?.destroy();
  runsChart?.destroy();
  const head = el('header', { className: 'head' },
    el('h1', { className: 'title', text: `Learning rate · ${view.study}` }),
    el('span', { className: `state state-${view.state}`, text: view.state }),
    el('span', { className: 'progress', text: `${view.done}/${view.budget} rates · ${view.metric} ${view.direction === 'minimize' ? '↓' : '↑'}` }),
  );
  const verdict = el('section', { className: `verdict verdict-${view.verdict}` });
  verdict.id = 'verdict';
  if (view.suggested !== null) verdict.appendChild(el('div', { className: 'suggested', text: `${view.param} = ${formatRate(view.suggested)}` }));
  verdict.appendChild(el('p', { className: 'message', text: view.message }));
  if (view.advice) verdict.appendChild(el('p', { className: 'advice', text: view.advice }));
  if (view.note) verdict.appendChild(el('p', { className: 'note', text: view.note }));
  verdict.appendChild(actions(view));
  const curveCanvas = el('canvas');
  curveCanvas.id = 'lr-curve';
  curveCanvas.setAttribute('aria-label', `${view.metric} against ${view.param}`);
  const runsCanvas = el('canvas');
  runsCanvas.id = 'lr-runs';
  runsCanvas.setAttribute('aria-label', 'the short runs, one line per rate');
  const legend = el('div', { className: 'legend' },
    el('span', {}, el('span', { className: 'key smoothed' }), el('span', { text: 'smoothed curve' })),
    el('span', {}, el('span', { className: 'key region' }), el('span', { text: 'falls fastest' })),
    el('span', {}, el('span', { className: 'key diverged', text: '▲' }), el('span', { text: 'diverged / failed (at the edge)' })),
    el('span', {}, el('span', { className: 'key suggested' }), el('span', { text: 'suggested' })),
    ...(view.refined && view.refined.points.length > 0 ? [el('span', {}, el('span', { className: 'key second-pass', text: '◆' }), el('span', { text: `second pass (${view.refined.reports} reports each)` }))] : []),
  );
  root.replaceChildren(head, verdict,
    el('div', { className: 'charts' },
      el('section', { className: 'chart main-chart' }, el('h2', { text: `${view.metric} against ${view.param}` }), legend, el('div', { className: 'plot' }, curveCanvas)),
      el('section', { className: 'chart runs-chart' }, el('h2', { text: 'The short runs' }), el('div', { className: 'plot' }, runsCanvas)),
    ),
    el('details', { className: 'table' }, el('summary', { text: `Rates tried (${view.points.length + (view.refined?.points.length ?? 0)})` }), table(view)),
  );
  if (view.points.length > 0) curveChart = drawCurve(view, curveCanvas);
  if (view.curves.length > 0) runsChart = drawRuns(view, runsCanvas);
  root.dataset.ready = 'true';
  root.dataset.verdict = view.verdict;
}

window.addEventListener('message', event => {
  const parsed = parseMessage(hostToLrFind, event.data);
  if (!parsed.ok) {
    vscode.postMessage({ type: 'log', level: 'warn', message: `dropped a message: ${parsed.error}` });
    return;
  }
  render(parsed.message.view);
});

watchTheme(() => {
  theme = readTheme();
  if (current) render(current);
});

const saved = vscode.getState()?.view;
if (saved) {
  try {
    render(saved);
  } catch {
    /* an old saved state: wait for the host */
  }
}
vscode.postMessage({ type: 'ready' });
