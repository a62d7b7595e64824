/**
 * What a plot of the curves panel is. Each view owns its panel (note, controls, canvas) and whatever
 * it draws with; it reads the shared PanelState and reports user actions through the ViewContext.
 * Adding a plot = a module that returns a PlotView + its tab id in CURVES_TABS + one line in views/index.ts.
 */
import type { Chart } from 'chart.js';
import type { CurvesTab } from '../../../src/core/protocol/curves';
import type { StudyModel } from '../../../src/core/analysis';
import { el } from '../../shared/dom';
import type { AxisState } from '../axes';
import type { LayerState } from '../pointCloud';
import type { PanelState } from '../state';

/** The study model (random forest) refitted at most every couple of seconds; see analysisCache.ts. */
export interface ModelCache {
  current(): StudyModel;
  /** Bumped on every refit: a key for views that draw from the model. */
  readonly version: number;
}

export interface ViewContext {
  readonly state: PanelState;
  readonly analysis: ModelCache;
  /** A click in a view selected a trial: highlight it everywhere and tell the host. */
  selectTrial(n: number): void;
  /** Something worth saving changed (zoom…). */
  persistSoon(): void;
}

export interface PlotView {
  readonly tab: CurvesTab;
  readonly label: string;
  readonly panel: HTMLElement;
  /** What the PNG export saves. */
  readonly canvas: HTMLCanvasElement;
  /** Canvas-drawn views redraw when the panel resizes (chart.js resizes its charts itself). */
  readonly redrawOnResize: boolean;
  /** A key of the data the picture depends on: a frame skips the view when it has not changed. */
  dataKey(): string;
  render(): void;
  /** The chart.js chart the zoom buttons and keys act on, if any. */
  chart(): Chart | null;
  /** Drops what has theme colours baked in (the next render rebuilds it). */
  dispose(): void;
  /** The zoom buttons or keys changed the chart's range. */
  zoomed?(): void;
  resetZoom?(): void;
  /** The value axis as drawn (bounds, labels, off-scale count), for tests and the benchmark. */
  axis?(): AxisState | null;
  /** The point layers as last drawn (name, colour, trials), for tests. */
  layers?(): LayerState[];
  /** The axes a canvas-drawn view shows, by name (parallel coordinates), for tests. */
  columns?(): string[];
}

/** A view's panel: optional controls, a note line and a canvas filling the rest. */
export interface PanelParts {
  readonly panel: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly note: HTMLElement;
}

export function createPanel(tab: CurvesTab, label: string, ...above: HTMLElement[]): PanelParts {
  const canvas = el('canvas', { id: `canvas-${tab}` });
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const note = el('p', { className: 'note', id: `note-${tab}` });
  const panel = el('section', { className: 'panel', id: `panel-${tab}` }, ...above, note, el('div', { className: 'plot' }, canvas));
  panel.setAttribute('role', 'tabpanel');
  panel.setAttribute('aria-labelledby', `tab-${tab}`);
  panel.hidden = true;
  return { panel, canvas, note };
}

export function setNote(note: HTMLElement, text: string): void {
  note.replaceChildren(document.createTextNode(text));
}
