/**
 * The panel's header: title, tab strip (arrow keys move between tabs), metric / log-scale / trial
 * controls, zoom and export buttons, and the status line under it.
 */
import { CURVES_TABS, type CurvesTab } from '../../src/core/protocol/curves';
import { formatParam } from '../../src/core/analysis';
import { frontSizeText } from '../../src/core/study/summary';
import { el, fillSelect } from '../shared/dom';
import type { PanelState } from './state';

export interface ToolbarActions {
  showTab(tab: CurvesTab): void;
  setMetric(metric: string): void;
  setLogScale(on: boolean): void;
  selectTrial(n: number): void;
  zoomBy(factor: number): void;
  resetZoom(): void;
  exportPng(): void;
  exportCsv(): void;
}

function button(label: string, iconName: string, onClick: () => void, id: string): HTMLButtonElement {
  const b = el('button', { className: 'button', title: label, id }, el('span', { className: `codicon codicon-${iconName}` }), el('span', { className: 'label', text: label }));
  b.type = 'button';
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

/** How the trial picker tags a trial (see `CurvesStore.standing`). */
const PICKER_TAG = { best: ' (best)', front: ' (Pareto front)', none: '' } as const;

export class Toolbar {
  readonly header: HTMLElement;
  readonly status = el('div', { className: 'status', id: 'status' });
  private readonly title = el('h1', { className: 'title', id: 'title' });
  private readonly tabButtons = new Map<CurvesTab, HTMLButtonElement>();
  private readonly metricSelect = el('select', { id: 'metric', title: 'Metric shown on the learning curves' });
  private readonly logToggle = el('input', { id: 'log-scale' });
  private readonly trialSelect = el('select', { id: 'trial', title: 'Highlight a trial' });

  constructor(private readonly state: PanelState, labels: ReadonlyMap<CurvesTab, string>, actions: ToolbarActions) {
    this.status.setAttribute('role', 'status');
    const tabList = el('div', { className: 'tabs' });
    tabList.setAttribute('role', 'tablist');
    tabList.setAttribute('aria-label', 'Plots');
    for (const t of CURVES_TABS) {
      const b = el('button', { className: 'tab', text: labels.get(t) ?? t, id: `tab-${t}` });
      b.type = 'button';
      b.setAttribute('role', 'tab');
      b.setAttribute('aria-controls', `panel-${t}`);
      b.addEventListener('click', () => actions.showTab(t));
      this.tabButtons.set(t, b);
      tabList.appendChild(b);
    }
    tabList.addEventListener('keydown', e => {
      const i = CURVES_TABS.indexOf(state.tab);
      const n = CURVES_TABS.length;
      const next = e.key === 'ArrowRight' ? (i + 1) % n : e.key === 'ArrowLeft' ? (i - 1 + n) % n : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
      if (next < 0) return;
      e.preventDefault();
      actions.showTab(CURVES_TABS[next]);
      this.tabButtons.get(CURVES_TABS[next])?.focus();
    });
    this.logToggle.type = 'checkbox';
    this.metricSelect.addEventListener('change', () => actions.setMetric(this.metricSelect.value));
    this.logToggle.addEventListener('change', () => actions.setLogScale(this.logToggle.checked));
    this.trialSelect.addEventListener('change', () => {
      const n = Number(this.trialSelect.value);
      if (this.trialSelect.value !== '' && Number.isSafeInteger(n)) actions.selectTrial(n);
    });
    const controls = el('div', { className: 'controls' },
      el('label', { text: 'Metric ' }, this.metricSelect),
      el('label', {}, this.logToggle, document.createTextNode('Log scale')),
      el('label', { text: 'Trial ' }, this.trialSelect),
      button('Zoom in', 'zoom-in', () => actions.zoomBy(1.25), 'zoom-in'),
      button('Zoom out', 'zoom-out', () => actions.zoomBy(0.8), 'zoom-out'),
      button('Reset zoom', 'screen-normal', () => actions.resetZoom(), 'zoom-reset'),
      button('Export PNG', 'file-media', () => actions.exportPng(), 'export-png'),
      button('Export CSV', 'export', () => actions.exportCsv(), 'export-csv'),
    );
    this.header = el('header', { className: 'toolbar' }, this.title, tabList, controls);
  }

  setTitle(title: string): void {
    this.title.textContent = title;
    this.title.title = title;
  }

  showTab(tab: CurvesTab): void {
    for (const [t, b] of this.tabButtons) {
      const on = t === tab;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
  }

  setLogScale(on: boolean): void {
    this.logToggle.checked = on;
  }

  showSelection(n: number | null): void {
    this.trialSelect.value = n === null ? '' : String(n);
  }

  updateStatus(): void {
    const { store } = this.state;
    const all = store.trials.size;
    const counts = { running: 0, complete: 0, pruned: 0, fail: 0, waiting: 0 };
    for (const t of store.trials.values()) counts[t.state]++;
    const bestText = this.bestText();
    const drawnText = all > store.drawn.size ? ` · curves of ${store.drawn.size} (best and running)` : '';
    this.status.textContent = all
      ? `${all} trials (${counts.complete} complete, ${counts.running} running, ${counts.pruned} pruned, ${counts.fail} failed)${bestText}${drawnText}`
      : 'Waiting for trials…';
  }

  /** ` · best #3 = 0.12`, or with several metrics ` · Pareto front: 7 trials` (the first metric alone hides the trade-off). */
  private bestText(): string {
    const { store } = this.state;
    // The store caches the front until trials change: the status line is rewritten every frame.
    const front = store.paretoFront();
    if (front) return ` · ${frontSizeText(front.size)}`;
    const best = store.best !== null ? store.trials.get(store.best) : undefined;
    return best ? ` · best #${best.number} = ${formatParam(best.value)}` : '';
  }

  /**
   * The trial picker lists the drawn trials, tagging the best one (several metrics: each trial on the
   * Pareto front); the metric picker every metric, keeping the shown one.
   */
  updateSelects(): void {
    const { store } = this.state;
    const drawn = [...store.drawn].sort((a, b) => a - b);
    const options = [{ value: '', label: '—' }, ...drawn.map(n => ({ value: String(n), label: `#${n}${PICKER_TAG[store.standing(n) ?? 'none']} ${store.trials.get(n)?.state ?? ''}` }))];
    fillSelect(this.trialSelect, options, store.selected === null ? '' : String(store.selected));
    if (this.state.metric === null || !store.metrics.includes(this.state.metric)) this.state.metric = store.metrics[0] ?? null;
    fillSelect(this.metricSelect, store.metrics.map(m => ({ value: m, label: m })), this.state.metric);
  }
}
