// Curves panel webview entry: registers the chart.js parts we use, builds the panel (panel.ts), and
// connects it to the host's messages, the workbench theme and the panel size.
import {
  BarController, BarElement, CategoryScale, Chart, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Tooltip,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { hostToCurves, parseCurvesMessage, type CurvesTab } from '../../src/core/protocol/curves';
import type { AxisState } from './axes';
import type { LayerState } from './pointCloud';
import { CurvesPanel } from './panel';
import type { CurvesStats } from './state';
import { watchTheme } from './theme';

Chart.register(LineController, ScatterController, BarController, LineElement, PointElement, BarElement, LinearScale, LogarithmicScale, CategoryScale, Tooltip, zoomPlugin);

declare global {
  interface Window {
    hpCurvesStats?: CurvesStats;
    /** What the charts show, for the UI tests and the benchmark (read-only views of the panel). */
    hpCurves?: {
      axis(tab: CurvesTab): AxisState | null;
      layers(tab: CurvesTab): LayerState[];
      columns(tab: CurvesTab): string[];
      markerTrials(): number[];
      redrawNow(): number;
      pixel(tab: CurvesTab, x: number, y: number): { x: number; y: number } | null;
      /** How many times the store computed the Pareto front (at most once per change of the trials, whoever asks) and the trials changed. */
      fronts(): { computed: number; changes: number };
    };
  }
}

const panel = new CurvesPanel(document.getElementById('root') as HTMLElement);
const stats = panel.state.stats;
window.hpCurvesStats = stats;
window.hpCurves = {
  axis: tab => panel.axis(tab),
  layers: tab => panel.layers(tab),
  columns: tab => panel.columns(tab),
  markerTrials: () => panel.markerTrials(),
  redrawNow: () => panel.redrawNow(),
  pixel: (tab, x, y) => panel.pixel(tab, x, y),
  fronts: () => ({ computed: panel.state.store.frontComputations, changes: panel.state.store.changes }),
};

window.addEventListener('message', event => {
  stats.messages++;
  const parsed = parseCurvesMessage(hostToCurves, event.data);
  if (!parsed.ok) {
    stats.dropped++;
    panel.host.log('warn', `curves: dropped a message: ${parsed.error}`);
    return;
  }
  panel.apply(parsed.message);
});

watchTheme(() => panel.themeChanged());
new ResizeObserver(() => panel.resized()).observe(panel.main);
panel.start();
