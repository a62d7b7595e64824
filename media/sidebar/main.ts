// Sidebar webview: renders the state the extension sends. DOM APIs and textContent only — file
// names and settings come from the user's workspace and are never parsed as HTML.
import { parseMessage } from '../../src/core/protocol/validate';
import { hostToSidebar, type SidebarState, type SidebarToHost, type DetectedConfigSummary } from '../../src/core/protocol/sidebar';

interface VsCodeApi {
  postMessage(message: SidebarToHost): void;
  getState(): { state?: SidebarState } | undefined;
  setState(state: { state: SidebarState }): void;
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

function render(state: SidebarState): void {
  const header = el('header', { className: 'header' },
    el('h2', { text: 'Hyperparameter Studio', className: 'title' }),
    el('div', { className: 'actions' },
      button(state.scanning ? 'Scanning…' : 'Scan workspace', state.scanning ? 'loading codicon-modifier-spin' : 'refresh', () => vscode.postMessage({ type: 'scan' }), 'scan'),
      button('Curves', 'graph-line', () => vscode.postMessage({ type: 'command', command: 'showCurves' }), 'curves'),
    ),
  );
  const body = el('section', { className: 'configs' });
  body.id = 'configs';
  const total = state.configs.reduce((n, c) => n + c.hyperparameters, 0);
  body.appendChild(el('h3', { text: `Detected configs (${state.configs.length} files, ${total} hyperparameters)` }));
  if (state.configs.length === 0) {
    body.appendChild(el('p', { className: 'empty', text: state.scanning ? 'Looking for hyperparameters…' : 'No hyperparameter configs found yet. Open a config or scan the workspace.' }));
  }
  for (const [format, configs] of groupByFormat(state.configs)) {
    const list = el('ul', { className: 'config-list' });
    for (const c of configs) {
      const item = el('li', { className: 'config', title: `${c.path} — ${c.hyperparameters} hyperparameters` },
        icon('settings-gear'), el('span', { className: 'path', text: c.path }), el('span', { className: 'badge', text: String(c.hyperparameters) }));
      item.tabIndex = 0;
      const open = () => vscode.postMessage({ type: 'openConfig', uri: c.uri, line: c.line, character: c.character });
      item.addEventListener('click', open);
      item.addEventListener('keydown', e => (e.key === 'Enter' || e.key === ' ') && open());
      list.appendChild(item);
    }
    body.appendChild(el('details', {}, el('summary', { text: `${format} (${configs.length})` }), list));
    (body.lastChild as HTMLDetailsElement).open = true;
  }
  const footer = el('footer', { className: 'footer' });
  if (!state.trusted) footer.appendChild(el('p', { className: 'warning', text: 'Restricted Mode: detection and hovers work; tuning needs a trusted workspace.' }));
  if (state.message) footer.appendChild(el('p', { className: 'message', text: state.message }));
  for (const p of state.problems.slice(0, 20)) footer.appendChild(el('p', { className: 'problem', text: `${p.path}: ${p.message}` }));
  root.replaceChildren(header, body, footer);
  root.dataset.ready = 'true';
}

window.addEventListener('message', event => {
  const parsed = parseMessage(hostToSidebar, event.data);
  if (!parsed.ok) {
    console.warn(`hpstudio sidebar: dropped a message: ${parsed.error}`);
    return;
  }
  vscode.setState({ state: parsed.message.state });
  render(parsed.message.state);
});

const saved = vscode.getState()?.state;
render(saved ?? { scanning: false, trusted: true, configs: [], problems: [], message: null });
vscode.postMessage({ type: 'ready' });
