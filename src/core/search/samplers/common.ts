/** Pieces every sampler shares: per-call seeded RNG, history extraction, independent sampling. */
import { mixSeed, Rng } from '../rng';
import { SpaceEncoder } from '../space';
import type { FrozenTrial, SearchSpace, StudyView } from '../types';

/**
 * The RNG for one proposal depends only on the seed and the number of trials so far, so a sampler
 * rebuilt after a crash proposes exactly what the original would have (no hidden RNG state).
 */
export function rngFor(seed: number, study: StudyView, salt = 0): Rng {
  return new Rng(mixSeed(seed, study.trials.length, salt));
}

/** Signed so that smaller is always better. */
export function minimizing(study: StudyView, v: number): number {
  return study.direction === 'maximize' ? -v : v;
}

/** Last reported intermediate value of a trial, with its step (undefined when none). */
export function lastIntermediate(t: FrozenTrial): { step: number; value: number } | undefined {
  let best: { step: number; value: number } | undefined;
  for (const [step, value] of t.intermediate) if (Number.isFinite(value) && (!best || step > best.step)) best = { step, value };
  return best;
}

/** Objectives of the study: 1, or the length of `directions` for a multi-objective study. */
export function objectiveCount(study: StudyView): number {
  return study.directions && study.directions.length > 1 ? study.directions.length : 1;
}

/**
 * A complete trial's objective vector signed so that smaller is better everywhere; undefined when
 * the trial is not complete or a value is missing or not finite.
 */
export function minimizedValues(study: StudyView, t: FrozenTrial): number[] | undefined {
  if (t.state !== 'complete') return undefined;
  const directions = study.directions && study.directions.length > 1 ? study.directions : [study.direction];
  const values = directions.length > 1 ? t.values : t.value === undefined ? undefined : [t.value];
  if (!values || values.length !== directions.length) return undefined;
  const out = new Array<number>(values.length);
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) return undefined;
    out[k] = directions[k] === 'maximize' ? -values[k] : values[k];
  }
  return out;
}

export function isCompleteWithValue(t: FrozenTrial): t is FrozenTrial & { value: number } {
  return t.state === 'complete' && typeof t.value === 'number' && Number.isFinite(t.value);
}

/** Caches one encoder per search space object (spaces are immutable by contract). */
const encoders = new WeakMap<SearchSpace, { onehot?: SpaceEncoder; index?: SpaceEncoder }>();

export function encoderFor(space: SearchSpace, categorical: 'onehot' | 'index'): SpaceEncoder {
  let entry = encoders.get(space);
  if (!entry) {
    entry = {};
    encoders.set(space, entry);
  }
  let enc = entry[categorical];
  if (!enc) {
    enc = new SpaceEncoder(space, { categorical });
    entry[categorical] = enc;
  }
  return enc;
}

/** A uniform random point of the space (log dims uniform in log, ints uniform over values). */
export function randomPoint(space: SearchSpace, rng: Rng): Record<string, import('../types').ParamValue> {
  const enc = encoderFor(space, 'index');
  const x = new Float64Array(enc.dims);
  for (let i = 0; i < x.length; i++) x[i] = rng.next();
  return enc.decode(x);
}

/** Number of finished trials a model can learn from (complete, or pruned with a reported value). */
export function countInformative(study: StudyView): number {
  let n = 0;
  for (const t of study.trials) if (isCompleteWithValue(t) || (t.state === 'pruned' && lastIntermediate(t))) n++;
  return n;
}
