/**
 * The random-forest model behind importance, slice, parallel coordinates and contour. Fitting it costs
 * tens of milliseconds, so it is refitted at most every ANALYSIS_INTERVAL_MS while trials stream in,
 * and only when a view asks for it; a refit that had to wait is scheduled, then `onRefit` redraws.
 */
import { analyseStudy, type StudyModel } from '../../src/core/analysis';
import type { PanelState } from './state';
import type { ModelCache } from './views/view';

const ANALYSIS_INTERVAL_MS = 2_000;
/** Trials and trees of the panel's forest (the note of the importance view says so). */
export const MODEL_TRIALS = 400;
export const MODEL_TREES = 16;

export class AnalysisCache implements ModelCache {
  private model: StudyModel | null = null;
  private fittedAt = -1;
  private lastFit = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  version = -1;

  constructor(private readonly state: PanelState, private readonly onRefit: () => void) {}

  /** A new study: the next request refits at once. */
  reset(): void {
    this.model = null;
  }

  current(): StudyModel {
    if (this.model && this.fittedAt === this.state.trialsVersion) return this.model;
    const wait = this.lastFit + ANALYSIS_INTERVAL_MS - performance.now();
    if (this.model && wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.onRefit();
      }, wait);
      return this.model;
    }
    this.model = analyseStudy([...this.state.store.trials.values()], this.state.store.direction, { maxTrials: MODEL_TRIALS, trees: MODEL_TREES });
    this.fittedAt = this.state.trialsVersion;
    this.version = this.fittedAt;
    this.lastFit = performance.now();
    return this.model;
  }
}
