/**
 * The lr-find's pruner: stops each short trial as soon as its own metric stream has said enough
 * (stream.ts): it diverged, it levelled off, or it reached the report budget. No comparison with other
 * trials: every rate's curve is needed, the slow ones too, for the loss-vs-rate curve.
 */
import type { FrozenTrial, Pruner, StudyView } from '../search/types';
import { LR_FIND } from './spec';
import { judgeStream, streamRules, type StreamRules } from './stream';

export interface LrFindPrunerOptions {
  readonly maxReports?: number;
  readonly minReports?: number;
  readonly divergence?: number;
  readonly levelled?: number;
}

export class LrFindPruner implements Pruner {
  readonly name = LR_FIND;
  readonly rules: StreamRules;

  constructor(options: LrFindPrunerOptions = {}) {
    this.rules = streamRules(options);
  }

  shouldPrune(study: StudyView, trial: FrozenTrial, step: number): boolean {
    const values = [...trial.intermediate.entries()].filter(([s]) => s <= step).sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    return judgeStream(values, study.direction, this.rules) !== undefined;
  }
}
