/**
 * The panel's side of the webview API: messages to the extension, and the saved state that brings a
 * hidden or reloaded panel back (VS Code keeps the state, not the page).
 */
import { CURVES_TABS, hostToCurves, parseCurvesMessage, type CurvesObjective, type CurvesSeries, type CurvesTab, type CurvesToHost, type CurvesTrial, type HostToCurves } from '../../src/core/protocol/curves';
import { scoredTrials } from '../../src/core/analysis';
import type { Direction } from '../../src/core/search/types';
import { lttb } from './store';
import type { PanelState, Zoom } from './state';

/** What survives a hidden/reopened panel. */
interface SavedState {
  readonly v: 1;
  readonly key: string;
  readonly title: string;
  readonly direction: Direction;
  readonly objectives?: CurvesObjective[];
  readonly metrics: string[];
  readonly metric: string | null;
  readonly tab: CurvesTab;
  readonly logScale: boolean;
  readonly zoom: Zoom | null;
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

const STATE_TRIALS = 3_000;
const STATE_POINTS_PER_SERIES = 150;
/** setState serialises the whole state: at most every 2 s while data streams in (the host replays on reopen anyway). */
const PERSIST_DELAY_MS = 2_000;

/** The saved state, validated like a message (it is data too): the messages that replay it and the user's choices. */
export interface Restored {
  readonly messages: HostToCurves[];
  readonly tab: CurvesTab | null;
  readonly logScale: boolean;
  readonly zoom: Zoom | null;
  readonly selected: number | null;
}

export class HostConnection {
  private readonly vscode = acquireVsCodeApi();
  private persistTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly state: PanelState) {}

  post(message: CurvesToHost): void {
    this.vscode.postMessage(message);
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.post({ type: 'log', level, message: message.slice(0, 4000) });
  }

  persistSoon(): void {
    if (this.persistTimer) return;
    this.state.stats.persistPending = true;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.persist();
    }, PERSIST_DELAY_MS);
  }

  /** Saves a capped picture of the panel: the best/latest trials and thinned drawn curves of the selected metric. */
  persist(): void {
    this.state.stats.persistPending = false;
    const { store, metric } = this.state;
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
    const { tab, logScale, zoom } = this.state;
    this.vscode.setState({ v: 1, key: store.key, title: store.title, direction: store.direction, objectives: [...store.objectives], metrics: store.metrics, metric, tab, logScale, zoom, selected: store.selected, trials: kept, series });
  }

  /** The last saved picture, or null when there is none or it does not validate. */
  restore(): Restored | null {
    const raw = this.vscode.getState();
    if (typeof raw !== 'object' || raw === null || (raw as { v?: unknown }).v !== 1) return null;
    const s = raw as SavedState;
    const reset = parseCurvesMessage(hostToCurves, { type: 'reset', title: s.title, key: s.key, direction: s.direction, objectives: s.objectives, metrics: s.metrics, metric: s.metric, trials: s.trials });
    const points = parseCurvesMessage(hostToCurves, { type: 'points', series: s.series });
    if (!reset.ok || !points.ok) {
      this.log('warn', `curves: ignored a saved state: ${!reset.ok ? reset.error : !points.ok ? points.error : ''}`);
      return null;
    }
    const z = s.zoom;
    return {
      messages: [reset.message, points.message],
      tab: CURVES_TABS.includes(s.tab) ? s.tab : null,
      logScale: s.logScale === true,
      zoom: z && [z.xMin, z.xMax, z.yMin, z.yMax].every(Number.isFinite) ? z : null,
      selected: Number.isSafeInteger(s.selected) ? s.selected : null,
    };
  }
}
