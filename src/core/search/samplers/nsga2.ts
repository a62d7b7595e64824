/**
 * NSGA-II (Deb et al. 2002) with the defaults Optuna documents for its NSGAIISampler: generations of
 * 50 trials; the first generation random; each child from two parents picked by binary tournament on
 * dominance, crossed over with probability 0.9 (uniform crossover swapping each parameter with
 * probability 0.5; categoricals always uniform) or else a copy of one parent; then each parameter
 * mutated with probability 1/#params (resampled at random). The survivors of a generation are the
 * best non-domination fronts of parents ∪ children, the last front cut by crowding distance.
 * SBX crossover and polynomial mutation are options.
 *
 * Optuna stores each trial's generation in the storage; here generations follow from the history
 * itself (every `populationSize` complete trials in number order close a generation), so a sampler
 * rebuilt after a crash or in another worker sees the same populations.
 */
import type { Rng } from '../rng';
import { crowdingDistance, dominates, nonDominatedFronts } from '../pareto';
import type { SpaceEncoder } from '../space';
import type { FrozenTrial, ParamValue, Sampler, StudyView } from '../types';
import { encoderFor, minimizedValues, randomPoint, rngFor } from './common';

export interface Nsga2Options {
  /** Trials per generation (Optuna: 50). */
  readonly populationSize?: number;
  /** `uniform` (Optuna's default) or `sbx` (simulated binary crossover). */
  readonly crossover?: 'uniform' | 'sbx';
  /** Probability that a child is a crossover rather than a copy of one parent (0.9). */
  readonly crossoverProb?: number;
  /** Uniform crossover: probability of taking each parameter from the second parent (0.5). */
  readonly swappingProb?: number;
  /** Probability of mutating each parameter (default 1 / number of parameters). */
  readonly mutationProb?: number;
  /** `random` resamples the parameter uniformly (Optuna's default); `polynomial` perturbs it (Deb's operator). */
  readonly mutation?: 'random' | 'polynomial';
  /** Distribution index of SBX (Optuna: 20 for multi-objective studies, 2 for one objective). */
  readonly sbxEta?: number;
  /** Distribution index of polynomial mutation (20). */
  readonly mutationEta?: number;
  /**
   * Take over a study at this trial number (auto): the trials before it are one pool whose elite is
   * the first parent population, instead of generations of their own.
   */
  readonly firstTrial?: number;
}

/** A complete trial as the algorithm sees it: its unit-cube point and minimised objective vector. */
export interface Individual {
  readonly trial: FrozenTrial;
  readonly x: Float64Array;
  readonly f: readonly number[];
}

/**
 * Survivors of a generation: whole fronts while they fit, the last one by crowding distance (larger
 * first; ties to the earlier trial).
 */
export function selectElite(pool: readonly Individual[], size: number): Individual[] {
  const fronts = nonDominatedFronts(pool.map(p => p.f));
  const elite: Individual[] = [];
  for (const front of fronts) {
    if (elite.length + front.length <= size) {
      for (const i of front) elite.push(pool[i]);
      if (elite.length === size) break;
      continue;
    }
    const dist = crowdingDistance(pool.map(p => p.f), front);
    const order = front.map((_, j) => j).sort((a, b) => dist[b] - dist[a] || pool[front[a]].trial.number - pool[front[b]].trial.number);
    for (const j of order.slice(0, size - elite.length)) elite.push(pool[front[j]]);
    break;
  }
  return elite;
}

/** Binary tournament on dominance, as Optuna's `_select_parent`: the first candidate only when it dominates the second. */
export function tournament(population: readonly Individual[], rng: Rng): Individual {
  const a = population[rng.int(population.length)];
  const b = population[rng.int(population.length)];
  return dominates(a.f, b.f) ? a : b;
}

/**
 * Simulated binary crossover of one coordinate in [0, 1], as Optuna's SBXCrossover: the spread
 * factor is bounded so the child stays in the box, one of the two SBX children is taken at random,
 * and half of the coordinates keep a parent's value instead.
 */
export function sbxCoordinate(x1: number, x2: number, eta: number, rng: Rng): number {
  if (rng.next() >= 0.5) return rng.next() < 0.5 ? x1 : x2;
  const lo = Math.min(x1, x2);
  const hi = Math.max(x1, x2);
  const diff = Math.max(hi - lo, 1e-10);
  const u = rng.next();
  const spread = (beta: number) => {
    const alpha = 2 - Math.pow(beta, -(eta + 1));
    return u > 1 / alpha ? Math.pow(1 / (2 - u * alpha), 1 / (eta + 1)) : Math.pow(u * alpha, 1 / (eta + 1));
  };
  const c1 = 0.5 * (lo + hi - spread(1 + (2 * lo) / diff) * diff);
  const c2 = 0.5 * (lo + hi + spread(1 + (2 * (1 - hi)) / diff) * diff);
  return clamp01(rng.next() < 0.5 ? c1 : c2);
}

/** Deb's polynomial mutation of one coordinate in [0, 1] (NSGA-II C code, revision 1.1.6). */
export function polynomialMutation(x: number, eta: number, rng: Rng): number {
  const u = rng.next();
  const power = 1 / (eta + 1);
  let delta: number;
  if (u <= 0.5) {
    const v = 2 * u + (1 - 2 * u) * Math.pow(x, eta + 1);
    delta = Math.pow(v, power) - 1;
  } else {
    const v = 2 * (1 - u) + 2 * (u - 0.5) * Math.pow(1 - x, eta + 1);
    delta = 1 - Math.pow(v, power);
  }
  return clamp01(x + delta);
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

export class Nsga2Sampler implements Sampler {
  readonly name = 'nsga2';
  private readonly populationSize: number;
  private readonly options: Required<Omit<Nsga2Options, 'mutationProb' | 'firstTrial'>> & { mutationProb?: number };
  private readonly firstTrial: number;
  /** Elite of each closed generation, keyed by the generation's member numbers (they fix it). */
  private readonly elites = new Map<number, { key: string; parents: Individual[] | undefined; elite: Individual[] }>();
  private readonly encoded = new Map<number, Float64Array>();

  constructor(
    private readonly seed: number,
    options: Nsga2Options = {},
  ) {
    const populationSize = options.populationSize ?? 50;
    if (!Number.isInteger(populationSize) || populationSize < 2) throw new Error(`NSGA-II population size must be an integer ≥ 2, got ${populationSize}`);
    for (const [k, v] of Object.entries({ crossoverProb: options.crossoverProb, swappingProb: options.swappingProb, mutationProb: options.mutationProb })) {
      if (v !== undefined && !(v >= 0 && v <= 1)) throw new Error(`NSGA-II ${k} must be within [0, 1], got ${v}`);
    }
    this.populationSize = populationSize;
    this.firstTrial = options.firstTrial ?? 0;
    this.options = {
      populationSize,
      crossover: options.crossover ?? 'uniform',
      crossoverProb: options.crossoverProb ?? 0.9,
      swappingProb: options.swappingProb ?? 0.5,
      mutationProb: options.mutationProb,
      mutation: options.mutation ?? 'random',
      sbxEta: options.sbxEta ?? 20,
      mutationEta: options.mutationEta ?? 20,
    };
  }

  sample(study: StudyView): Record<string, ParamValue> {
    const rng = rngFor(this.seed, study);
    const parents = this.parentPopulation(study);
    if (!parents) return randomPoint(study.space, rng);
    return this.child(study, parents, rng);
  }

  /**
   * The elite after the last closed generation, or undefined while the first is still open. With
   * `firstTrial`, the trials before it are a pool whose elite is the first parent population.
   */
  parentPopulation(study: StudyView): Individual[] | undefined {
    const enc = encoderFor(study.space, 'index');
    let parents: Individual[] | undefined;
    let pool: Individual[] = [];
    let members: Individual[] = [];
    let generation = 0;
    for (const t of study.trials) {
      const f = minimizedValues(study, t);
      if (!f) continue;
      const individual = { trial: t, x: this.encode(enc, t), f };
      if (t.number < this.firstTrial) {
        pool.push(individual);
        continue;
      }
      if (pool.length > 0) {
        parents = this.closeGeneration(generation++, pool, undefined);
        pool = [];
      }
      members.push(individual);
      if (members.length < this.populationSize) continue;
      parents = this.closeGeneration(generation++, members, parents);
      members = [];
    }
    // Handed over before any own trial finished: the pool's elite are the parents.
    if (pool.length >= 2) parents = this.closeGeneration(generation, pool, undefined);
    return parents;
  }

  /** The elite of a finished generation and its parents (cached: the same members and parents give the same elite). */
  private closeGeneration(generation: number, members: Individual[], parents: Individual[] | undefined): Individual[] {
    const key = members.map(m => m.trial.number).join(',');
    const cached = this.elites.get(generation);
    // Reused only when the same members meet the very same parents (a cached elite is one object).
    if (cached && cached.key === key && cached.parents === parents) return cached.elite;
    const elite = selectElite(parents ? [...members, ...parents] : members, this.populationSize);
    this.elites.set(generation, { key, parents, elite });
    return elite;
  }

  private child(study: StudyView, parents: readonly Individual[], rng: Rng): Record<string, ParamValue> {
    const enc = encoderFor(study.space, 'index');
    const o = this.options;
    const x = new Float64Array(enc.dims);
    let from: Individual[];
    if (rng.next() < o.crossoverProb) {
      const first = tournament(parents, rng);
      const rest = parents.filter(p => p !== first);
      from = [first, tournament(rest.length ? rest : parents, rng)];
    } else {
      from = [parents[rng.int(parents.length)]];
    }
    const mutationProb = o.mutationProb ?? 1 / Math.max(1, enc.params.length);
    enc.params.forEach((p, i) => {
      const col = enc.offsets[i].start;
      const [a, b] = from;
      const inA = p.name in a.trial.params;
      const inB = b !== undefined && p.name in b.trial.params;
      let v: number;
      // A parameter only one parent has (conditional spaces) is inherited from it; none: random.
      if (!b) v = inA ? a.x[col] : rng.next();
      else if (!inA && !inB) v = rng.next();
      else if (!inA || !inB) v = (inA ? a : b).x[col];
      else if (o.crossover === 'sbx' && p.distribution.type !== 'categorical') v = sbxCoordinate(a.x[col], b.x[col], o.sbxEta, rng);
      else v = rng.next() >= o.swappingProb ? b.x[col] : a.x[col];
      if (rng.next() < mutationProb) {
        v = o.mutation === 'polynomial' && p.distribution.type !== 'categorical' ? polynomialMutation(v, o.mutationEta, rng) : rng.next();
      }
      x[col] = v;
    });
    return enc.decode(x);
  }

  private encode(enc: SpaceEncoder, t: FrozenTrial): Float64Array {
    let x = this.encoded.get(t.number);
    if (!x) {
      x = enc.encode(t.params);
      this.encoded.set(t.number, x);
    }
    return x;
  }
}
