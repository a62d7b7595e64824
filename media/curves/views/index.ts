/** Every view of the curves panel, one per tab of CURVES_TABS (the Record makes a missing one a type error). */
import { CURVES_TABS, type CurvesTab } from '../../../src/core/protocol/curves';
import { CurvesView } from './curves';
import { createContourView } from './contour';
import { createEdfView } from './edf';
import { createHistoryView } from './history';
import { createHypervolumeView } from './hypervolume';
import { createImportanceView } from './importance';
import { createParallelView } from './parallel';
import { createParetoView } from './pareto';
import { createSliceView } from './slice';
import { createTimelineView } from './timeline';
import type { PlotView, ViewContext } from './view';

const STUDY_VIEWS: Record<Exclude<CurvesTab, 'curves'>, (ctx: ViewContext) => PlotView> = {
  history: createHistoryView,
  parallel: createParallelView,
  importance: createImportanceView,
  slice: createSliceView,
  contour: createContourView,
  timeline: createTimelineView,
  edf: createEdfView,
  pareto: createParetoView,
  hypervolume: createHypervolumeView,
};

export interface Views {
  /** The learning curves, which update incrementally and so get more calls than the others. */
  readonly curves: CurvesView;
  /** All views in tab order (the curves first). */
  readonly byTab: ReadonlyMap<CurvesTab, PlotView>;
}

export function createViews(ctx: ViewContext): Views {
  const curves = new CurvesView(ctx);
  const byTab = new Map<CurvesTab, PlotView>(CURVES_TABS.map(t => [t, t === 'curves' ? curves : STUDY_VIEWS[t](ctx)]));
  return { curves, byTab };
}
