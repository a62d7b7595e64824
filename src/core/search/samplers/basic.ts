/** Model-free samplers: random, scrambled Sobol QMC and exhaustive grid. */
import { mixSeed, Rng } from '../rng';
import { Sobol, SOBOL_MAX_DIMS } from '../sobol';
import { cardinality, choiceIndex, isActive, orderedParams, SearchSpaceError, snapNumber, validateSpace } from '../space';
import { runToEnd, SlicedSampler, type Steps } from '../slices';
import type { FrozenTrial, ParamValue, Sampler, SearchSpace, StudyView } from '../types';
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

/** Largest grid the grid sampler enumerates. */
export const MAX_GRID_POINTS = 1_000_000;

/** Every point of a fully discrete space (conditional parameters only where active). */
export function enumerateGrid(space: SearchSpace): Record<string, ParamValue>[] {
  return runToEnd(gridPoints(space));
}

/** `enumerateGrid`, pausing every few thousand points (a grid may hold a million). */
function* gridPoints(space: SearchSpace): Steps<Record<string, ParamValue>[]> {
  validateSpace(space);
  const params = orderedParams(space);
  const valuesOf = params.map(p => {
    const d = p.distribution;
    if (d.type === 'categorical') return d.choices.slice();
    const n = cardinality(d);
    if (!Number.isFinite(n)) {
      throw new SearchSpaceError(`grid search needs a discrete space: parameter "${p.name}" is a continuous float; give it a step or choices`);
    }
    if (n > MAX_GRID_POINTS) throw new SearchSpaceError(`grid search: parameter "${p.name}" alone has ${n} values`);
    const step = d.step ?? 1;
    return Array.from({ length: n }, (_, k) => snapNumber(d, d.low + k * step));
  });
  const out: Record<string, ParamValue>[] = [];
  // Depth-first over the parameters with an explicit stack (a generator cannot yield from a
  // recursive callback): choice[i] is the index of the value parameter i holds now.
  const choice = new Int32Array(params.length + 1).fill(-1);
  const acc: Record<string, ParamValue> = {};
  let i = 0;
  while (i >= 0) {
    if (i === params.length) {
      if (out.length >= MAX_GRID_POINTS) {
        throw new SearchSpaceError(`grid search: the grid has more than ${MAX_GRID_POINTS.toLocaleString('en-US')} points; use random, sobol, tpe or gp instead`);
      }
      out.push({ ...acc });
      if ((out.length & 8191) === 0) yield;
      i--;
      continue;
    }
    const p = params[i];
    if (!isActive(p, acc)) {
      // An inactive parameter has exactly one "value": absent.
      if (choice[i] === -1) {
        choice[i] = 0;
        i++;
      } else {
        choice[i] = -1;
        i--;
      }
      continue;
    }
    const next = choice[i] + 1;
    if (next < valuesOf[i].length) {
      choice[i] = next;
      acc[p.name] = valuesOf[i][next];
      i++;
    } else {
      choice[i] = -1;
      delete acc[p.name];
      i--;
    }
  }
  return out;
}

function gridKey(space: SearchSpace, params: Readonly<Record<string, ParamValue>>): string {
  const parts: string[] = [];
  for (const p of orderedParams(space)) {
    if (!(p.name in params) || !isActive(p, params)) continue;
    const d = p.distribution;
    const v = params[p.name];
    if (d.type === 'categorical') parts.push(`${p.name}#${choiceIndex(d.choices, v)}`);
    else parts.push(`${p.name}=${typeof v === 'number' ? snapNumber(d, v) : String(v)}`);
  }
  return parts.join('|');
}

/**
 * Exhaustive grid in a seeded random order: each call proposes the first grid point no trial has
 * used yet — finished, running or failed: a point whose trial failed counts as tried (it is not
 * proposed again; a trial interrupted by a stop is queued again by the study, `retry_failed` too).
 * Once every point is used it starts over (the caller stops the study at the grid's size).
 */
export class GridSampler extends SlicedSampler {
  readonly name = 'grid';
  private cache: { space: SearchSpace; grid: Record<string, ParamValue>[]; keys: string[] } | undefined;
  /** Grid key per trial snapshot (snapshots are immutable). */
  private readonly trialKeys = new WeakMap<FrozenTrial, string>();
  constructor(private readonly seed: number) {
    super();
  }

  /** The grid for a space (seeded order), enumerated once per space. */
  gridFor(space: SearchSpace): readonly Record<string, ParamValue>[] {
    return runToEnd(this.gridSteps(space)).grid;
  }

  private *gridSteps(space: SearchSpace): Steps<{ grid: Record<string, ParamValue>[]; keys: string[] }> {
    if (!this.cache || this.cache.space !== space) {
      const grid = yield* gridPoints(space);
      // Fisher–Yates with the sampler seed: a stopped grid study still covers the space evenly.
      const rng = new Rng(mixSeed(this.seed, 0x6772));
      for (let i = grid.length - 1; i > 0; i--) {
        if ((i & 65535) === 0) yield;
        const j = rng.int(i + 1);
        [grid[i], grid[j]] = [grid[j], grid[i]];
      }
      const keys: string[] = [];
      for (let i = 0; i < grid.length; i++) {
        if ((i & 8191) === 8191) yield;
        keys.push(gridKey(space, grid[i]));
      }
      this.cache = { space, grid, keys };
    }
    return this.cache;
  }

  *proposal(study: StudyView): Steps<Record<string, ParamValue>> {
    const { grid, keys } = yield* this.gridSteps(study.space);
    const used = new Set<string>();
    for (let i = 0; i < study.trials.length; i++) {
      if ((i & 8191) === 8191) yield;
      const t = study.trials[i];
      let k = this.trialKeys.get(t);
      if (k === undefined) {
        k = gridKey(study.space, t.params);
        this.trialKeys.set(t, k);
      }
      used.add(k);
    }
    for (let i = 0; i < grid.length; i++) if (!used.has(keys[i])) return { ...grid[i] };
    return { ...grid[study.trials.length % grid.length] };
  }
}
