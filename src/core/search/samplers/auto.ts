/**
 * The default strategy. Gaussian-process BO is the most sample-efficient choice while the study is
 * small, but its cost grows with every trial (O(n³) fits, O(n²) predictions); so `auto` uses GP for
 * the first trials — as many as the planned budget allows at a bounded total cost — and then
 * hands the study to CMA-ES (numeric spaces, warm-started at the GP's best point) or TPE (spaces
 * with categorical or conditional parameters), whose per-trial cost stays well under a
 * millisecond after thousands of trials. Small fully discrete spaces go to TPE directly.
 */
import { cardinality } from '../space';
import { SlicedSampler, type Steps } from '../slices';
import type { ParamValue, StudyView } from '../types';
import { CmaEsSampler } from './cmaes';
import { GpSampler } from './gp';
import { TpeSampler } from './tpe';

/** How many trials `auto` spends in GP mode for a planned budget (undefined: unknown). */
export function gpTrialsFor(budget: number | undefined): number {
  if (budget === undefined) return 100;
  if (budget <= 200) return budget;
  // Long studies: a short GP phase finds a good basin, then a cheap strategy refines it, so the
  // mean overhead per trial stays well under a millisecond (≈ 5 ms per GP trial at n ≤ 25).
  return Math.max(25, Math.min(100, Math.floor(budget / 40)));
}

export class AutoSampler extends SlicedSampler {
  readonly name = 'auto';
  private readonly gp: GpSampler;
  private readonly tpe: TpeSampler;
  private readonly cma = new Map<number, CmaEsSampler>();

  constructor(private readonly seed: number) {
    super();
    this.gp = new GpSampler(seed);
    this.tpe = new TpeSampler(seed, { multivariate: true });
  }

  /** Which strategy this study is handed to right now. */
  strategyFor(study: StudyView): 'gp' | 'tpe' | 'cmaes' {
    let size = 1;
    for (const p of study.space.params) size *= cardinality(p.distribution);
    if (Number.isFinite(size) && size <= 64) return 'tpe';
    if (study.trials.length < gpTrialsFor(study.budget)) return 'gp';
    // After the GP phase: CMA-ES (O(d²) per trial, strong on continuous landscapes) for purely
    // numeric spaces, TPE where categoricals or conditional parameters need its tree structure.
    const numericOnly = study.space.params.every(p => p.distribution.type !== 'categorical' && !p.condition);
    return numericOnly ? 'cmaes' : 'tpe';
  }

  *proposal(study: StudyView): Steps<Record<string, ParamValue>> {
    const strategy = this.strategyFor(study);
    if (strategy === 'gp') return yield* this.gp.proposal(study);
    if (strategy === 'tpe') return yield* this.tpe.proposal(study);
    const first = gpTrialsFor(study.budget);
    let cma = this.cma.get(first);
    if (!cma) {
      cma = new CmaEsSampler(this.seed, { firstTrial: first, warmStart: true });
      this.cma.set(first, cma);
    }
    return yield* cma.proposal(study);
  }
}
