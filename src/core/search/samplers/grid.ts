/**
 * Exhaustive grid search in a seeded random order. A grid without conditional parameters (nearly
 * all) is a mixed-radix number: point j of the enumeration has the digits of j, the last parameter
 * varying fastest. So the sampler keeps only a permutation of indices and one byte per point, and
 * finds a trial's point by arithmetic — a million-point grid costs 5 MB and no object per point
 * (enumerating objects took seconds and stalled the event loop in garbage collection). Grids
 * with conditional parameters are enumerated as objects. Both give the same order.
 */
import { mixSeed, Rng } from '../rng';
import { runToEnd, SlicedSampler, type Steps } from '../slices';
import { cardinality, choiceIndex, isActive, orderedParams, SearchSpaceError, snapNumber, validateSpace } from '../space';
import type { Distribution, FrozenTrial, ParamSpec, ParamValue, SearchSpace, StudyView } from '../types';

/** Largest grid the grid sampler enumerates. */
export const MAX_GRID_POINTS = 1_000_000;

/** The values of each parameter of a fully discrete space, in order (throws for a continuous one). */
function gridValues(params: readonly ParamSpec[]): ParamValue[][] {
  return params.map(p => {
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
}

const tooLarge = () => new SearchSpaceError(`grid search: the grid has more than ${MAX_GRID_POINTS.toLocaleString('en-US')} points; use random, sobol, tpe or gp instead`);

/** Every point of a fully discrete space (conditional parameters only where active). */
export function enumerateGrid(space: SearchSpace): Record<string, ParamValue>[] {
  return runToEnd(gridPoints(space));
}

/** `enumerateGrid`, pausing every few thousand points. */
function* gridPoints(space: SearchSpace): Steps<Record<string, ParamValue>[]> {
  validateSpace(space);
  const params = orderedParams(space);
  const valuesOf = gridValues(params);
  const out: Record<string, ParamValue>[] = [];
  // Depth-first over the parameters with an explicit stack (a generator cannot yield from a
  // recursive callback): choice[i] is the index of the value parameter i holds now.
  const choice = new Int32Array(params.length + 1).fill(-1);
  const acc: Record<string, ParamValue> = {};
  let i = 0;
  while (i >= 0) {
    if (i === params.length) {
      if (out.length >= MAX_GRID_POINTS) throw tooLarge();
      out.push({ ...acc });
      if ((out.length & 8191) === 0) yield;
      i--;
      continue;
    }
    const p = params[i];
    if (!isActive(p, acc)) {
      // An inactive parameter has exactly one "value": absent.
      choice[i] = choice[i] === -1 ? 0 : -1;
      i += choice[i] === 0 ? 1 : -1;
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

/** Position of a value among a parameter's grid values, as snapNumber would place it; -1 if none. */
function valueIndex(d: Distribution, v: ParamValue | undefined): number {
  if (d.type === 'categorical') return choiceIndex(d.choices, v ?? null);
  if (typeof v !== 'number' || !Number.isFinite(v)) return -1;
  const x = Math.min(d.high, Math.max(d.low, v));
  return Math.min(Math.round((x - d.low) / (d.step ?? 1)), cardinality(d) - 1);
}

/** A seeded order of the grid's points with a way to tell which point a trial used. */
interface GridOrder {
  readonly size: number;
  /** The point at position i of the seeded order. */
  point(i: number): Record<string, ParamValue>;
  /** Identity of the point at position i, comparable with `keyOf`. */
  keyAt(i: number): string | number;
  /** Identity of the point a trial's params fall on (matches no point when off the grid). */
  keyOf(params: Readonly<Record<string, ParamValue>>): string | number;
}

/** Fisher–Yates with the sampler seed, so a stopped grid study still covers the space evenly. */
function* shuffle<T>(items: { length: number; [i: number]: T }, seed: number): Steps<void> {
  const rng = new Rng(mixSeed(seed, 0x6772));
  for (let i = items.length - 1; i > 0; i--) {
    if ((i & 65535) === 0) yield;
    const j = rng.int(i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}

function* indexedOrder(space: SearchSpace, seed: number): Steps<GridOrder> {
  validateSpace(space);
  const params = orderedParams(space);
  const valuesOf = gridValues(params);
  let size = 1;
  for (const v of valuesOf) {
    size *= v.length;
    if (size > MAX_GRID_POINTS) throw tooLarge();
  }
  const order = new Uint32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  yield* shuffle(order, seed);
  const decode = (index: number): Record<string, ParamValue> => {
    const out: Record<string, ParamValue> = {};
    for (let k = params.length - 1; k >= 0; k--) {
      const r = valuesOf[k].length;
      out[params[k].name] = valuesOf[k][index % r];
      index = Math.floor(index / r);
    }
    // Insertion order as the enumeration builds points (parents first).
    return Object.fromEntries(params.map(p => [p.name, out[p.name]]));
  };
  return {
    size,
    point: i => decode(order[i]),
    keyAt: i => order[i],
    keyOf: p => {
      let index = 0;
      for (let k = 0; k < params.length; k++) {
        if (!(params[k].name in p)) return -1;
        const digit = valueIndex(params[k].distribution, p[params[k].name]);
        if (digit < 0) return -1;
        index = index * valuesOf[k].length + digit;
      }
      return index;
    },
  };
}

function* enumeratedOrder(space: SearchSpace, seed: number): Steps<GridOrder> {
  const grid = yield* gridPoints(space);
  yield* shuffle(grid, seed);
  const keys: string[] = [];
  for (let i = 0; i < grid.length; i++) {
    if ((i & 8191) === 8191) yield;
    keys.push(gridKey(space, grid[i]));
  }
  return { size: grid.length, point: i => ({ ...grid[i] }), keyAt: i => keys[i], keyOf: p => gridKey(space, p) };
}

/**
 * Each call proposes the first point, in the seeded order, that no trial has used — finished,
 * running or failed: a point whose trial failed counts as tried, so one failing point cannot take
 * every slot (a trial interrupted by a stop is queued again by the study itself). Once every point
 * is used it starts over (the study stops at the grid's size unless told to run longer).
 */
export class GridSampler extends SlicedSampler {
  readonly name = 'grid';
  private cache: { space: SearchSpace; order: GridOrder } | undefined;
  /** The point each trial snapshot used (snapshots are immutable). */
  private readonly trialKeys = new WeakMap<FrozenTrial, string | number>();
  constructor(private readonly seed: number) {
    super();
  }

  *proposal(study: StudyView): Steps<Record<string, ParamValue>> {
    if (!this.cache || this.cache.space !== study.space) {
      const conditional = study.space.params.some(p => p.condition);
      const order = yield* (conditional ? enumeratedOrder(study.space, this.seed) : indexedOrder(study.space, this.seed));
      this.cache = { space: study.space, order };
    }
    const { order } = this.cache;
    const used = new Set<string | number>();
    for (let i = 0; i < study.trials.length; i++) {
      if ((i & 8191) === 8191) yield;
      const t = study.trials[i];
      let k = this.trialKeys.get(t);
      if (k === undefined) {
        k = order.keyOf(t.params);
        this.trialKeys.set(t, k);
      }
      used.add(k);
    }
    for (let i = 0; i < order.size; i++) {
      if ((i & 65535) === 65535) yield;
      if (!used.has(order.keyAt(i))) return order.point(i);
    }
    return order.point(study.trials.length % order.size);
  }
}
