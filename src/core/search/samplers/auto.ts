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
import { Nsga2Sampler } from './nsga2';
import { TpeSampler } from './tpe';
import { objectiveCount } from './common';

/** How many trials `auto` spends in GP mode for a planned budget (undefined: unknown). */
export function gpTrialsFor(budget: number | undefined): number {
  if (budget === undefined) return 100;
  if (budget <= 200) return budget;
  // Long studies: a short GP phase finds a good basin, then a cheap strategy refines it, so the
  // mean overhead per trial stays well under a millisecond (≈ 5 ms per GP trial at n ≤ 25).
  return Math.max(25, Math.min(100, Math.floor(budget / 40)));
}

/**
 * Multi-objective studies: how many trials MOTPE proposes before NSGA-II takes over. MOTPE learns
 * fastest from few trials, but each proposal costs about one microsecond per parameter and past
 * trial; the phase ends where its total cost would pass ~0.1 ms per planned trial, so the whole
 * study stays cheap (√(200·budget / parameters), at least 20 and at most 200 trials). With three or
 * more objectives most of a population is non-dominated and NSGA-II's crowding distance loses its
 * selection pressure (the reason NSGA-III exists), so MOTPE may spend ten times as much
 * (√(2000·budget / parameters)): on DTLZ2, 300 trials, seeds 10–29, the median hypervolume after 100 /
 * 300 trials went from 13.82 / 14.53 to 13.99 / 14.68 at ~1 ms per trial.
 */
export function motpeTrialsFor(budget: number | undefined, params: number, objectives = 2): number {
  const planned = budget ?? 1000;
  const allowance = objectives >= 3 ? 2000 : 200;
  const k = Math.floor(Math.sqrt((allowance * planned) / Math.max(1, params)));
  return Math.max(20, Math.min(k, planned, 200));
}

/** NSGA-II's population after MOTPE: small enough for ≥ 25 generations in the rest of the budget (10 to 50, Optuna's 50 when the budget is open). */
export function nsga2PopulationFor(budget: number | undefined, firstTrial: number): number {
  if (budget === undefined) return 50;
  return Math.max(10, Math.min(50, Math.floor((budget - firstTrial) / 25)));
}

export class AutoSampler extends SlicedSampler {
  readonly name = 'auto';
  private readonly gp: GpSampler;
  private readonly tpe: TpeSampler;
  private readonly cma = new Map<number, CmaEsSampler>();
  private readonly nsga2 = new Map<string, Nsga2Sampler>();
  private readonly motpe: TpeSampler;

  constructor(private readonly seed: number) {
    super();
    this.gp = new GpSampler(seed);
    this.tpe = new TpeSampler(seed, { multivariate: true });
    this.motpe = new TpeSampler(seed);
  }

  /** Which strategy this study is handed to right now. */
  strategyFor(study: StudyView): 'gp' | 'tpe' | 'cmaes' | 'motpe' | 'nsga2' {
    // Several objectives: MOTPE while it is cheap, then NSGA-II warm-started from its trials.
    if (objectiveCount(study) > 1) return study.trials.length < motpeTrialsFor(study.budget, study.space.params.length, objectiveCount(study)) ? 'motpe' : 'nsga2';
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
    if (strategy === 'motpe') return yield* this.motpe.proposal(study);
    if (strategy === 'nsga2') {
      const first = motpeTrialsFor(study.budget, study.space.params.length, objectiveCount(study));
      const populationSize = nsga2PopulationFor(study.budget, first);
      const key = `${first}/${populationSize}`;
      let ga = this.nsga2.get(key);
      if (!ga) {
        ga = new Nsga2Sampler(this.seed, { firstTrial: first, populationSize });
        this.nsga2.set(key, ga);
      }
      return ga.sample(study);
    }
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
