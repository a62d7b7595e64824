/**
 * The default strategy. Gaussian-process BO is the most sample-efficient choice while the study is
 * small, but its cost grows with every trial (O(n³) fits, O(n²) predictions); so `auto` uses GP for
 * the first trials — as many as the planned budget allows at a bounded total cost — and then
 * hands the study to TPE, whose per-trial cost stays around a millisecond even after thousands of
 * trials. Fully discrete small spaces go to TPE directly (a GP gains little there).
 */
import { cardinality } from '../space';
import type { ParamValue, Sampler, StudyView } from '../types';
import { GpSampler } from './gp';
import { TpeSampler } from './tpe';

/** How many trials `auto` spends in GP mode for a planned budget (undefined: unknown). */
export function gpTrialsFor(budget: number | undefined): number {
  if (budget === undefined) return 100;
  if (budget <= 200) return budget;
  // Long studies: keep the GP phase short so the mean overhead per trial stays ~1 ms.
  return Math.max(40, Math.min(100, Math.floor(budget / 25)));
}

export class AutoSampler implements Sampler {
  readonly name = 'auto';
  private readonly gp: GpSampler;
  private readonly tpe: TpeSampler;

  constructor(seed: number) {
    this.gp = new GpSampler(seed);
    this.tpe = new TpeSampler(seed, { multivariate: true });
  }

  /** Which strategy this study is handed to right now. */
  strategyFor(study: StudyView): 'gp' | 'tpe' {
    let size = 1;
    for (const p of study.space.params) size *= cardinality(p.distribution);
    if (Number.isFinite(size) && size <= 64) return 'tpe';
    return study.trials.length < gpTrialsFor(study.budget) ? 'gp' : 'tpe';
  }

  sample(study: StudyView): Record<string, ParamValue> {
    return this.strategyFor(study) === 'gp' ? this.gp.sample(study) : this.tpe.sample(study);
  }
}
