/** Model-free samplers: random and scrambled Sobol QMC (the exhaustive grid is in grid.ts). */
import { Sobol, SOBOL_MAX_DIMS } from '../sobol';
import type { ParamValue, Sampler, SearchSpace, StudyView } from '../types';
import { encoderFor, randomPoint, rngFor } from './common';

export class RandomSampler implements Sampler {
  readonly name = 'random';
  constructor(private readonly seed: number) {}

  sample(study: StudyView): Record<string, ParamValue> {
    return randomPoint(study.space, rngFor(this.seed, study));
  }
}

/**
 * Scrambled Sobol: point k of the sequence for the k-th trial. Dimensions beyond the direction-number
 * table (64) fall back to seeded uniform draws.
 */
export class SobolSampler implements Sampler {
  readonly name = 'sobol';
  private cache: { space: SearchSpace; sobol: Sobol } | undefined;
  constructor(private readonly seed: number) {}

  sample(study: StudyView): Record<string, ParamValue> {
    return this.pointAt(study.space, study.trials.length, study);
  }

  pointAt(space: SearchSpace, index: number, study: StudyView): Record<string, ParamValue> {
    const enc = encoderFor(space, 'index');
    if (!this.cache || this.cache.space !== space) {
      this.cache = { space, sobol: new Sobol(Math.min(enc.dims, SOBOL_MAX_DIMS), { scramble: true, seed: this.seed }) };
    }
    const head = this.cache.sobol.point(index);
    const x = new Float64Array(enc.dims);
    x.set(head);
    if (enc.dims > head.length) {
      const rng = rngFor(this.seed, study, 77);
      for (let i = head.length; i < x.length; i++) x[i] = rng.next();
    }
    return enc.decode(x);
  }
}

export { enumerateGrid, GridSampler, MAX_GRID_POINTS } from './grid';
