/**
 * The one state object of the curves panel: what the store holds, what the user chose (metric, tab,
 * log scale, zoom) and the counters the benchmark reads. Views read it and the composition root
 * (main.ts) changes it; nothing else in the panel keeps module-level mutable state.
 */
import type { CurvesTab } from '../../src/core/protocol/curves';
import { CurvesStore } from './store';
import type { Theme } from './theme';

export interface Zoom {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

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
  /** A state save is scheduled and not written yet (UI tests wait for it before reloading the window). */
  persistPending: boolean;
}

export class PanelState {
  readonly store = new CurvesStore();
  readonly stats: CurvesStats = { messages: 0, dropped: 0, pointsApplied: 0, pointsRendered: 0, renders: 0, maxRenderMs: 0, lastRenderAt: 0, lastRenderMs: 0, persistPending: false };
  metric: string | null = null;
  tab: CurvesTab = 'curves';
  logScale = false;
  /** The learning curves' zoom (the other charts keep theirs in chart.js). */
  zoom: Zoom | null = null;
  /** Bumped once per frame in which trials changed: views that depend on trial values key on it. */
  trialsVersion = 0;

  constructor(public theme: Theme) {}
}
