// Sidebar webview: renders the state the extension sends. DOM APIs and textContent only — file
// names and settings come from the user's workspace and are never parsed as HTML.
import { parseMessage } from '../../src/core/protocol/validate';
import { formatNumber } from '../../src/core/analysis/format';
import { frontSizeText } from '../../src/core/study/summary';
import { HeldRender } from './heldRender';
import { hostToSidebar, type SidebarState, type SidebarToHost, type DetectedConfigSummary, type StudyAction, type StudyRow, type TrialRow } from '../../src/core/protocol/sidebar';

/** `obj0`, `obj1` …: a multi-objective study's metrics; `front`: on the Pareto front first. */
type SortKey = 'number' | 'state' | 'value' | 'latest' | 'best' | 'duration' | 'front' | `obj${number}`;
interface SavedState {
  state?: SidebarState;
  sort?: { key: SortKey; descending: boolean };
}
interface VsCodeApi {
  postMessage(message: SidebarToHost): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string; title?: string } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  for (const c of children) node.appendChild(c);
  return node;
}

function icon(name: string): HTMLElement {
  return el('span', { className: `codicon codicon-${name}` });
}

function button(label: string, iconName: string, onClick: () => void, id?: string): HTMLButtonElement {
  const b = el('button', { className: 'button', title: label }, icon(iconName), el('span', { text: label }));
  if (id) b.id = id;
  b.addEventListener('click', onClick);
  return b;
}

function groupByFormat(configs: readonly DetectedConfigSummary[]): Map<string, DetectedConfigSummary[]> {
  const groups = new Map<string, DetectedConfigSummary[]>();
  for (const c of configs) {
    const key = c.format ?? 'other';
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

const EMPTY: SidebarState = { scanning: false, trusted: true, configs: [], problems: [], message: null, studies: [], selectedStudy: null, trials: [] };
let current: SidebarState = EMPTY;
let sort: NonNullable<SavedState['sort']> = vscode.getState()?.sort ?? { key: 'number', descending: true };

function save(): void {
  vscode.setState({ state: current, sort });
}

/** Table values: three significant digits (1.57e39, 0.123); the cell's tooltip has the full value. */
function fmt(value: number | null | undefined): string {
  return formatNumber(value);
}

function fullValue(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

function fmtDuration(ms: number | null): string {
  if (ms === null) return '—';
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function fmtParams(params: TrialRow['params']): string {
  return Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : String(v)}`).join(', ');
}

const STATE_ICON: Record<string, string> = {
  running: 'sync codicon-modifier-spin', crashed: 'warning', paused: 'debug-pause', stopped: 'debug-stop', finished: 'pass', idle: 'circle-outline',
  waiting: 'clock', complete: 'pass', pruned: 'debug-step-out', fail: 'error',
};

function studyActions(study: StudyRow, trusted: boolean): Array<[StudyAction, string, string]> {
  const actions: Array<[StudyAction, string, string]> = [];
  if (study.lrFind) actions.push(['showLrFind', 'Result', 'pulse']);
  if (trusted && study.state === 'running') actions.push(['stop', 'Stop', 'debug-stop']);
  if (trusted && ['crashed', 'paused', 'stopped', 'idle'].includes(study.state)) actions.push(['resume', 'Resume', 'debug-restart']);
  if (trusted && study.state === 'finished') actions.push(['start', 'Run again', 'play']);
  actions.push(['showCurves', 'Curves', 'graph-line'], ['openStudyFile', 'Study file', 'go-to-file']);
  if (study.best && study.hasSource) actions.push(['applyBest', 'Apply best', 'check-all']);
  return actions;
}

function renderStudies(state: SidebarState): HTMLElement {
  const section = el('section', { className: 'studies' });
  section.id = 'studies';
  section.appendChild(el('h3', { text: `Studies (${state.studies.length})` }));
  if (state.studies.length === 0) {
    section.appendChild(el('p', { className: 'empty', text: 'No studies yet. Open a config and use "Tune…" above it, or start examples/quickstart/sweep.yaml.' }));
  }
  for (const study of state.studies) {
    const selected = study.name === state.selectedStudy;
    const progress = el('div', { className: 'progress', title: `${study.done} of ${study.budget} trials` });
    const bar = el('div', { className: 'bar' });
    bar.style.width = `${Math.min(100, (100 * study.done) / Math.max(1, study.budget))}%`;
    progress.appendChild(bar);
    const best = study.lrFind
      ? study.lrFind.suggested !== null ? `suggested ${study.lrFind.param} = ${fmt(study.lrFind.suggested)}` : study.lrFind.verdict === 'running' || study.lrFind.verdict === 'no-data' ? 'lr-find running' : 'lr-find: no suggestion (see Result)'
      : study.objectives ? frontSizeText(study.frontSize ?? 0)
      : study.best ? `best ${fmt(study.best.value)} (#${study.best.number})` : 'no result yet';
    const arrow = (d: string) => (d === 'minimize' ? '↓' : '↑');
    const goals = study.objectives ? study.objectives.map(o => `${o.name} ${arrow(o.direction)}`).join(', ') : `${study.metric} ${arrow(study.direction)}`;
    const card = el('div', { className: `study${selected ? ' selected' : ''}`, title: study.reason ?? '' },
      el('div', { className: 'study-head' }, icon(STATE_ICON[study.state] ?? 'circle'), el('span', { className: 'study-name', text: study.name, title: study.name }), el('span', { className: `state state-${study.state}`, text: study.state })),
      el('div', { className: 'study-meta', text: `${study.done}/${study.budget} trials · ${study.running} running · ${study.pruned} pruned · ${study.failed} failed · ${goals} · ${best}` }),
      progress,
    );
    card.dataset.study = study.name;
    if (study.reason) card.appendChild(el('div', { className: 'reason', text: study.reason }));
    const actions = el('div', { className: 'study-actions' });
    for (const [action, label, iconName] of studyActions(study, state.trusted)) {
      const b = button(label, iconName, () => vscode.postMessage({ type: 'studyAction', action, study: study.name }));
      b.dataset.action = action;
      b.classList.add('secondary');
      actions.appendChild(b);
    }
    card.appendChild(actions);
    card.tabIndex = 0;
    card.addEventListener('click', e => {
      if ((e.target as HTMLElement).closest('button')) return;
      vscode.postMessage({ type: 'selectStudy', name: study.name });
    });
    section.appendChild(card);
  }
  return section;
}

type Objectives = NonNullable<StudyRow['objectives']>;

function rowTooltip(row: TrialRow, objectives: Objectives | undefined): string {
  const values = objectives
    ? [`${objectives.map((o, k) => `${o.name} ${fullValue(row.values?.[k]) || '—'}`).join(' · ')}`, row.front ? 'on the Pareto front' : row.state === 'complete' ? 'dominated (off the Pareto front)' : 'not on the Pareto front']
    : [`value ${fullValue(row.value) || '—'} · latest ${fullValue(row.latest) || '—'} · best ${fullValue(row.best) || '—'}`];
  const lines = [`Trial #${row.number} · ${row.state}`, ...values, `time ${fmtDuration(row.durationMs)}`];
  const params = fmtParams(row.params);
  if (params) lines.push(params);
  return lines.join('\n');
}

const COLUMNS: Array<[SortKey, string]> = [['number', '#'], ['state', 'State'], ['value', 'Value'], ['latest', 'Latest'], ['best', 'Best'], ['duration', 'Time']];

/**
 * The table's columns: with several metrics one per metric (its goal as an arrow) and the Pareto front
 * instead of the first metric's value, latest and best — a trial's worth is the trade-off, not one metric.
 */
function tableColumns(objectives: Objectives | undefined): Array<[SortKey, string, string]> {
  if (!objectives) return COLUMNS.map(([key, label]) => [key, label, `Sort by ${label}`]);
  return [
    ['number', '#', 'Sort by #'],
    ['state', 'State', 'Sort by State'],
    ['front', '★', 'Pareto front (★: no other trial is at least as good on every metric and better on one). Sort by it'],
    ...objectives.map((o, k): [SortKey, string, string] => [`obj${k}`, `${o.name} ${o.direction === 'minimize' ? '↓' : '↑'}`, `Sort by ${o.name} (${o.direction}d)`]),
    ['duration', 'Time', 'Sort by Time'],
  ];
}

function sortValue(row: TrialRow, key: SortKey, objectives: Objectives | undefined): number | string {
  switch (key) {
    case 'number': return row.number;
    case 'state': return row.state;
    case 'duration': return row.durationMs ?? -1;
    case 'front': return row.front ? 0 : row.state === 'complete' ? 1 : 2;
    case 'value': case 'latest': case 'best': return missingLast(row[key]);
    default: {
      // A metric: best first when ascending, whichever its goal (maximised values are turned around).
      const k = Number(key.slice(3));
      const v = row.values?.[k] ?? null;
      return objectives?.[k]?.direction === 'maximize' && v !== null ? -v : missingLast(v);
    }
  }
}

function missingLast(v: number | null | undefined): number {
  return v === null || v === undefined || Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
}

/** Sorting by a value starts best first (ascending); by number, state or time newest/longest first. */
function startsDescending(key: SortKey): boolean {
  return key === 'number' || key === 'state' || key === 'duration';
}

/** Value cells: each metric and the front marker with several metrics, else value, latest and best. */
function valueCells(row: TrialRow, objectives: Objectives | undefined): HTMLElement[] {
  // Narrow sidebars hide columns (see style.css); the row's tooltip still has every value in full.
  const cell = (className: string, v: number | null | undefined) => el('td', { className: `${className} num`, text: fmt(v), title: fullValue(v) });
  if (!objectives) return (['value', 'latest', 'best'] as const).map(key => cell(`col-${key}`, row[key]));
  const front = el('td', { className: 'col-front', title: row.front ? 'On the Pareto front' : '' }, ...(row.front ? [icon('star-full')] : []));
  front.setAttribute('aria-label', row.front ? 'on the Pareto front' : 'not on the Pareto front');
  return [front, ...objectives.map((_, k) => cell('col-objective', row.values?.[k]))];
}

function renderTrials(state: SidebarState): HTMLElement | undefined {
  if (!state.selectedStudy) return undefined;
  const section = el('section', { className: 'trials' });
  section.id = 'trials';
  const objectives = state.studies.find(s => s.name === state.selectedStudy)?.objectives;
  const columns = tableColumns(objectives);
  // A sort saved for another study's columns (a metric it does not have) falls back to the trial number.
  const active = columns.some(([key]) => key === sort.key) ? sort : { key: 'number' as SortKey, descending: true };
  section.appendChild(el('h3', { text: `Trials of ${state.selectedStudy} (${state.trials.length})` }));
  const table = el('table', { className: `trial-table${objectives ? ' multi-objective' : ''}` });
  const head = el('tr');
  for (const [key, label, title] of columns) {
    const th = el('th', { className: key.startsWith('obj') ? 'col-objective' : `col-${key}`, text: label + (active.key === key ? (active.descending ? ' ▾' : ' ▴') : ''), title });
    th.dataset.sort = key;
    th.tabIndex = 0;
    const toggle = () => {
      sort = { key, descending: active.key === key ? !active.descending : startsDescending(key) };
      save();
      render(current);
    };
    th.addEventListener('click', toggle);
    th.addEventListener('keydown', e => (e.key === 'Enter' || e.key === ' ') && toggle());
    head.appendChild(th);
  }
  head.appendChild(el('th', { className: 'col-params', text: 'Parameters' }));
  table.appendChild(el('thead', {}, head));
  const body = el('tbody');
  const rows = [...state.trials].sort((a, b) => {
    const x = sortValue(a, active.key, objectives);
    const y = sortValue(b, active.key, objectives);
    const c = x < y ? -1 : x > y ? 1 : a.number - b.number;
    return active.descending ? -c : c;
  });
  for (const row of rows) {
    const tr = el('tr', { className: `trial state-${row.state}${row.front ? ' on-front' : ''}`, title: rowTooltip(row, objectives) },
      el('td', { className: 'col-number num', text: String(row.number) }),
      el('td', { className: 'col-state', title: row.state }, icon(STATE_ICON[row.state] ?? 'circle'), el('span', { className: 'state-text', text: ` ${row.state}` })),
      ...valueCells(row, objectives),
      el('td', { className: 'col-duration num', text: fmtDuration(row.durationMs) }),
      el('td', { className: 'col-params params', text: fmtParams(row.params) }),
    );
    if (row.notebook && state.selectedStudy) {
      // A notebook trial: its executed copy (outputs, the error and traceback of a failed cell) opens in the notebook editor.
      const study = state.selectedStudy;
      const open = button('', 'notebook', () => vscode.postMessage({ type: 'openTrialNotebook', study, trial: row.number }));
      open.classList.add('open-notebook', 'icon-only');
      open.title = `Open the executed notebook of trial ${row.number}`;
      open.setAttribute('aria-label', open.title);
      tr.firstElementChild?.appendChild(open);
    }
    tr.dataset.trial = String(row.number);
    body.appendChild(tr);
  }
  table.appendChild(body);
  section.appendChild(el('div', { className: 'table-scroll' }, table));
  return section;
}

function render(state: SidebarState): void {
  current = state;
  const header = el('header', { className: 'header' },
    el('div', { className: 'actions' },
      button(state.scanning ? 'Scanning…' : 'Scan workspace', state.scanning ? 'loading codicon-modifier-spin' : 'refresh', () => vscode.postMessage({ type: 'scan' }), 'scan'),
      button('Curves', 'graph-line', () => vscode.postMessage({ type: 'command', command: 'showCurves' }), 'curves'),
    ),
  );
  const configsSection = el('section', { className: 'configs' });
  configsSection.id = 'configs';
  const total = state.configs.reduce((n, c) => n + c.hyperparameters, 0);
  configsSection.appendChild(el('h3', { text: `Detected configs (${state.configs.length} files, ${total} hyperparameters)` }));
  if (state.configs.length === 0) {
    configsSection.appendChild(el('p', { className: 'empty', text: state.scanning ? 'Looking for hyperparameters…' : 'No hyperparameter configs found yet. Open a config or scan the workspace.' }));
  }
  for (const [format, configs] of groupByFormat(state.configs)) {
    const list = el('ul', { className: 'config-list' });
    for (const c of configs) {
      const item = el('li', { className: 'config', title: `${c.path} — ${c.hyperparameters} hyperparameters` },
        icon('settings-gear'), el('span', { className: 'path', text: c.path, title: c.path }), el('span', { className: 'badge', text: String(c.hyperparameters) }));
      if (c.isStudyFile && current.trusted) {
        const start = button('Start', 'play', () => vscode.postMessage({ type: 'command', command: 'startStudy', uri: c.uri }));
        start.classList.add('secondary', 'start-study');
        start.title = `Start the study in ${c.path}`;
        start.addEventListener('click', e => e.stopPropagation());
        item.insertBefore(start, item.lastChild);
      } else if (current.trusted) {
        const tune = button('Tune…', 'beaker', () => vscode.postMessage({ type: 'command', command: 'tuneFile', uri: c.uri }));
        tune.classList.add('secondary', 'tune-file');
        tune.title = `Tune the hyperparameters in ${c.path}`;
        tune.addEventListener('click', e => e.stopPropagation());
        item.insertBefore(tune, item.lastChild);
      }
      if (c.learningRate && current.trusted) {
        const find = button('', 'pulse', () => vscode.postMessage({ type: 'command', command: 'findLearningRate', uri: c.uri }));
        find.classList.add('secondary', 'find-lr', 'icon-only');
        find.setAttribute('aria-label', 'Find learning rate');
        find.title = `Find a learning rate for ${c.learningRate} in ${c.path}: short trials at log-spaced rates`;
        find.addEventListener('click', e => e.stopPropagation());
        item.insertBefore(find, item.lastChild);
      }
      item.tabIndex = 0;
      const open = () => vscode.postMessage({ type: 'openConfig', uri: c.uri, line: c.line, character: c.character });
      item.addEventListener('click', open);
      item.addEventListener('keydown', e => (e.key === 'Enter' || e.key === ' ') && open());
      list.appendChild(item);
    }
    const details = el('details', {}, el('summary', { text: `${format} (${configs.length})` }), list);
    details.open = true;
    configsSection.appendChild(details);
  }
  const footer = el('footer', { className: 'footer' });
  if (!state.trusted) footer.appendChild(el('p', { className: 'warning', text: 'Restricted Mode: detection and hovers work; tuning needs a trusted workspace.' }));
  if (state.message) footer.appendChild(el('p', { className: 'message', text: state.message }));
  for (const p of state.problems.slice(0, 20)) footer.appendChild(el('p', { className: 'problem', text: `${p.path}: ${p.message}` }));
  const trials = renderTrials(state);
  root.replaceChildren(header, renderStudies(state), ...(trials ? [trials] : []), configsSection, footer);
  root.dataset.ready = 'true';
}

const renders = new HeldRender<SidebarState>(window, render);

window.addEventListener('message', event => {
  const parsed = parseMessage(hostToSidebar, event.data);
  if (!parsed.ok) {
    console.warn(`hpstudio sidebar: dropped a message: ${parsed.error}`);
    return;
  }
  current = parsed.message.state;
  save();
  renders.request(current);
});

const saved = vscode.getState()?.state;
render(saved && Array.isArray(saved.studies) ? saved : EMPTY);
vscode.postMessage({ type: 'ready' });
