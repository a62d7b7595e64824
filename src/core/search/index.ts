/** Entry points of the search engine: sampler and pruner factories. */
import { AutoSampler } from './samplers/auto';
import { RandomSampler, SobolSampler } from './samplers/basic';
import { GridSampler } from './samplers/grid';
import { CmaEsSampler } from './samplers/cmaes';
import { GpSampler } from './samplers/gp';
import { LrFindSampler } from '../lrfind/sampler';
import { Nsga2Sampler } from './samplers/nsga2';
import { TpeSampler } from './samplers/tpe';
import type { ParamValue, ProposeOptions, Sampler, StudyView } from './types';

export const SAMPLER_NAMES = ['grid', 'random', 'sobol', 'tpe', 'tpe-mv', 'gp', 'cmaes', 'nsga2', 'motpe', 'auto'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** Creates a seeded sampler by name; `bayes` (W&B) means `auto`. */
export function createSampler(name: string, seed: number): Sampler {
  if (!Number.isFinite(seed)) throw new Error(`sampler seed must be a finite number, got ${seed}`);
  switch (name.trim().toLowerCase()) {
    case 'grid':
      return new GridSampler(seed);
    case 'random':
      return new RandomSampler(seed);
    case 'sobol':
    case 'qmc':
      return new SobolSampler(seed);
    case 'tpe':
    case 'motpe':
      return new TpeSampler(seed);
    case 'tpe-mv':
    case 'tpe_mv':
      return new TpeSampler(seed, { multivariate: true });
    case 'gp':
      return new GpSampler(seed);
    case 'cmaes':
    case 'cma-es':
      return new CmaEsSampler(seed);
    case 'nsga2':
    case 'nsga-ii':
    case 'nsgaii':
      return new Nsga2Sampler(seed);
    case 'auto':
    case 'bayes':
      return new AutoSampler(seed);
    case 'lr-find':
      // The learning-rate finder: log-spaced rates across the one parameter (src/core/lrfind).
      return new LrFindSampler();
    default:
      throw new Error(`unknown sampler "${name}" (known: ${SAMPLER_NAMES.join(', ')}, bayes, lr-find)`);
  }
}

/** The sampler's next point, in time slices when the sampler supports it (see `Sampler.sampleAsync`). */
export async function proposeNext(sampler: Sampler, study: StudyView, options: ProposeOptions = {}): Promise<Record<string, ParamValue>> {
  if (sampler.sampleAsync) return sampler.sampleAsync(study, options);
  options.signal?.throwIfAborted();
  return sampler.sample(study);
}

export { createPruner, PrunerConfigError, type PrunerConfig } from './pruners';
export { SearchSpaceError, defineSpace, floatParam, intParam, categoricalParam, when, validateSpace } from './space';
