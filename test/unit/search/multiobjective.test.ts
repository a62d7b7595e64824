import * as assert from 'node:assert/strict';
import { MO_PROBLEMS, zdt1 } from '../../../src/core/bench/problems';
import { runMultiObjectiveStudy } from '../../../src/core/bench/runner';
import { createSampler } from '../../../src/core/search/index';
import { dominates, hypervolume, nonDominatedRanks } from '../../../src/core/search/pareto';
import { Rng } from '../../../src/core/search/rng';
import { AutoSampler, motpeTrialsFor, nsga2PopulationFor } from '../../../src/core/search/samplers/auto';
import { belowWeights, greedyHypervolumeSubset, nadirReference, splitByDominance } from '../../../src/core/search/samplers/motpe';
import { Nsga2Sampler, selectElite, type Individual } from '../../../src/core/search/samplers/nsga2';
import { TpeSampler } from '../../../src/core/search/samplers/tpe';
import type { Direction, FrozenTrial, ParamValue, Sampler, SearchSpace, StudyView } from '../../../src/core/search/types';

const SEED = 7_141_414;

const MIXED: SearchSpace = {
  params: [
    { name: 'lr', distribution: { type: 'float', low: 1e-5, high: 1e-1, log: true } },
    { name: 'layers', distribution: { type: 'int', low: 1, high: 8, step: 1, log: false } },
    { name: 'opt', distribution: { type: 'categorical', choices: ['adam', 'sgd', 'rmsprop'] } },
  ],
};

/** Two objectives on MIXED: a loss (minimise) and an accuracy that trades against it (maximise). */
function mixedObjectives(p: Readonly<Record<string, ParamValue>>): number[] {
  const lr = Math.log10(p.lr as number);
  const layers = p.layers as number;
  const loss = (lr + 3) ** 2 + layers / 8 + (p.opt === 'adam' ? 0 : 0.3);
  const acc = 1 - Math.abs(lr + 2) / 4 - (8 - layers) / 16;
  return [loss, acc];
}

/** Runs `n` sequential trials of `f` with a fresh view per proposal (as the study loop does). */
function runStudy(sampler: Sampler, space: SearchSpace, directions: Direction[], f: (p: Readonly<Record<string, ParamValue>>) => number[], n: number): FrozenTrial[] {
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params = sampler.sample({ space, direction: directions[0], directions, trials: [...trials], budget: n });
    const values = f(params);
    trials.push({ number: i, state: 'complete', params, value: values[0], values, intermediate: new Map() });
  }
  return trials;
}

function inSpace(space: SearchSpace, p: Readonly<Record<string, ParamValue>>): void {
  for (const q of space.params) {
    const v = p[q.name];
    const d = q.distribution;
    if (d.type === 'categorical') assert.ok(d.choices.includes(v as string), `${q.name}=${String(v)}`);
    else if (d.type === 'float' || d.type === 'int') assert.ok((v as number) >= d.low && (v as number) <= d.high, `${q.name}=${String(v)}`);
    if (d.type === 'int') assert.ok(Number.isInteger(v), `${q.name}=${String(v)}`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('multi-objective samplers: NSGA-II', () => {
  it('keeps proposals inside the space (floats, log, ints, categoricals) with a maximised objective', () => {
    const trials = runStudy(new Nsga2Sampler(SEED, { populationSize: 10 }), MIXED, ['minimize', 'maximize'], mixedObjectives, 80);
    for (const t of trials) inSpace(MIXED, t.params);
  });

  it('is deterministic for a seed, and a sampler rebuilt mid-study (crash, another worker) proposes the same', () => {
    const directions: Direction[] = ['minimize', 'maximize'];
    const a = runStudy(new Nsga2Sampler(SEED, { populationSize: 8 }), MIXED, directions, mixedObjectives, 40);
    const b = runStudy(new Nsga2Sampler(SEED, { populationSize: 8 }), MIXED, directions, mixedObjectives, 40);
    assert.deepEqual(
      a.map(t => t.params),
      b.map(t => t.params),
    );
    const view: StudyView = { space: MIXED, direction: 'minimize', directions, trials: a.slice(0, 30), budget: 40 };
    assert.deepEqual(new Nsga2Sampler(SEED, { populationSize: 8 }).sample(view), new Nsga2Sampler(SEED, { populationSize: 8 }).sample({ ...view, trials: [...view.trials] }));
  });

  it('the survivors are whole fronts, the last cut by crowding distance (its extremes kept)', () => {
    const mk = (n: number, f: number[]): Individual => ({ trial: { number: n, state: 'complete', params: {}, intermediate: new Map() }, x: new Float64Array(0), f });
    // Front 0: three points; front 1: five points on a line, of which two survive (its two ends).
    const pool = [mk(0, [0, 3]), mk(1, [1, 1]), mk(2, [3, 0]), mk(3, [1, 4]), mk(4, [2, 3]), mk(5, [2.5, 2.5]), mk(6, [3, 2]), mk(7, [4, 1])];
    const elite = selectElite(pool, 5).map(i => i.trial.number);
    assert.deepEqual(elite.slice(0, 3).sort(), [0, 1, 2]);
    assert.deepEqual(elite.slice(3).sort(), [3, 7]);
  });

  it('the first generation is random; every later trial is a child of the elite (without mutation, every value is a parent’s)', () => {
    // Categoricals with many choices: a child's choice is a parent's unless mutated (off here).
    const space: SearchSpace = { params: ['a', 'b'].map(name => ({ name, distribution: { type: 'categorical' as const, choices: Array.from({ length: 50 }, (_, i) => i) } })) };
    const f = (p: Readonly<Record<string, ParamValue>>) => [p.a as number, p.b as number];
    const trials = runStudy(new Nsga2Sampler(SEED, { populationSize: 10, mutationProb: 0 }), space, ['minimize', 'minimize'], f, 60);
    const s = new Nsga2Sampler(SEED, { populationSize: 10, mutationProb: 0 });
    const parents = s.parentPopulation({ space, direction: 'minimize', directions: ['minimize', 'minimize'], trials: trials.slice(0, 20) })!;
    assert.equal(parents.length, 10);
    // Generation 2's children (trials 20..29) draw from generation 1's elite: most of their values occur there.
    const pool = new Set(parents.flatMap(p => [p.trial.params.a, p.trial.params.b]));
    const inherited = trials.slice(20, 30).flatMap(t => [t.params.a, t.params.b]).filter(v => pool.has(v)).length;
    assert.equal(inherited, 20);
    // The first generation is not all from one corner: random draws spread over the choices.
    assert.ok(new Set(trials.slice(0, 10).map(t => t.params.a)).size >= 7);
  });

  it('refuses a bad population size or probability', () => {
    assert.throws(() => new Nsga2Sampler(1, { populationSize: 1 }), /population size/);
    assert.throws(() => new Nsga2Sampler(1, { crossoverProb: 1.5 }), /crossoverProb/);
  });
});

describe('multi-objective samplers: MOTPE', () => {
  it('splits whole fronts first, then the overflowing front by hypervolume subset', () => {
    const points = [
      [0, 4],
      [1, 1],
      [4, 0],
      [1.1, 1.1],
      [2, 2],
      [3, 3],
      [0.5, 2],
    ];
    const { below, above } = splitByDominance(points, 3);
    // Front 0 is {0, 1, 2, 6}: four points for three places; the subset drops the one adding least.
    const front0 = [0, 1, 2, 6];
    assert.ok(below.every(i => front0.includes(i)));
    assert.equal(below.length, 3);
    assert.deepEqual([...below, ...above].sort(), [0, 1, 2, 3, 4, 5, 6]);
  });

  it('greedy hypervolume subset reaches the plain greedy’s volume (seeded random fronts)', () => {
    const rng = new Rng(SEED);
    for (let round = 0; round < 20; round++) {
      const n = 3 + rng.int(10);
      const m = 2 + rng.int(2);
      const pts = Array.from({ length: n }, () => Array.from({ length: m }, () => rng.next()));
      const front = Array.from(nonDominatedRanks(pts)).flatMap((r, i) => (r === 0 ? [pts[i]] : []));
      const k = 1 + rng.int(front.length);
      const ref = nadirReference(front);
      const plain: number[] = [];
      while (plain.length < k) {
        let best = -1;
        let gain = -Infinity;
        for (let i = 0; i < front.length; i++) {
          if (plain.includes(i)) continue;
          const g = hypervolume([...plain.map(j => front[j]), front[i]], ref);
          if (g > gain + 1e-15) {
            gain = g;
            best = i;
          }
        }
        plain.push(best);
      }
      const lazy = greedyHypervolumeSubset(front, k, ref);
      assert.equal(new Set(lazy).size, k);
      const volume = (idx: number[]) => hypervolume(idx.map(j => front[j]), ref);
      assert.ok(Math.abs(volume(lazy) - volume(plain)) <= 1e-12, `seed ${SEED} round ${round}: ${volume(lazy)} vs ${volume(plain)}`);
    }
  });

  it('weights good observations by hypervolume contribution (crowded points weigh less)', () => {
    const w = belowWeights([
      [0, 1],
      [0.5, 0.5],
      [0.51, 0.5],
      [1, 0],
    ]);
    assert.ok(w[2] < w[0] && w[2] < w[3], Array.from(w).join(','));
    assert.ok(Math.max(...w) === 1);
  });

  it('keeps proposals inside a mixed space and is deterministic for a seed', () => {
    const a = runStudy(new TpeSampler(SEED), MIXED, ['minimize', 'maximize'], mixedObjectives, 40);
    const b = runStudy(new TpeSampler(SEED), MIXED, ['minimize', 'maximize'], mixedObjectives, 40);
    for (const t of a) inSpace(MIXED, t.params);
    assert.deepEqual(
      a.map(t => t.params),
      b.map(t => t.params),
    );
  });
});

describe('multi-objective samplers: auto and quality', function () {
  this.timeout(120_000);

  it('auto runs MOTPE first, then NSGA-II; one objective is unchanged', () => {
    const view = (n: number, directions?: Direction[]): StudyView => ({
      space: MO_PROBLEMS.zdt1.space,
      direction: 'minimize',
      ...(directions ? { directions } : {}),
      trials: Array.from({ length: n }, (_, i) => ({ number: i, state: 'complete', params: {}, value: 1, values: [1, 1], intermediate: new Map() })),
      budget: 300,
    });
    const auto = new AutoSampler(1);
    const k = motpeTrialsFor(300, 30);
    assert.ok(k >= 20 && k <= 200);
    assert.equal(auto.strategyFor(view(k - 1, ['minimize', 'minimize'])), 'motpe');
    assert.equal(auto.strategyFor(view(k, ['minimize', 'minimize'])), 'nsga2');
    assert.notEqual(auto.strategyFor(view(k)), 'nsga2');
    assert.ok(nsga2PopulationFor(300, k) >= 10 && nsga2PopulationFor(300, k) <= 50);
  });

  it('auto keeps MOTPE longer with three or more objectives (NSGA-II loses selection pressure there)', () => {
    const view = (n: number, objectives: number): StudyView => ({
      space: MO_PROBLEMS.dtlz2.space,
      direction: 'minimize',
      directions: Array.from({ length: objectives }, () => 'minimize' as Direction),
      trials: Array.from({ length: n }, (_, i) => ({ number: i, state: 'complete', params: {}, value: 1, values: Array.from({ length: objectives }, () => 1), intermediate: new Map() })),
      budget: 300,
    });
    const two = motpeTrialsFor(300, 12, 2);
    const three = motpeTrialsFor(300, 12, 3);
    assert.equal(two, 70);
    assert.equal(three, 200);
    const auto = new AutoSampler(1);
    assert.equal(auto.strategyFor(view(two, 2)), 'nsga2');
    assert.equal(auto.strategyFor(view(two, 3)), 'motpe');
    assert.equal(auto.strategyFor(view(three, 3)), 'nsga2');
  });

  // Seeded: each sampler against random search with the same seeds, median over three seeds.
  const seeds = [SEED, SEED + 1, SEED + 2];
  const hvAfter = (sampler: string, problem: 'zdt1' | 'dtlz2', n: number) => median(seeds.map(s => runMultiObjectiveStudy(MO_PROBLEMS[problem], createSampler(sampler, s), n).hypervolumeAfter[String(n)]));
  for (const [sampler, problem, n] of [
    ['nsga2', 'zdt1', 300],
    ['motpe', 'zdt1', 150],
    ['auto', 'zdt1', 300],
    ['auto', 'dtlz2', 300],
  ] as const) {
    it(`${sampler} beats random search on ${problem} after ${n} trials (hypervolume, seeds ${seeds.join(', ')})`, () => {
      const ours = hvAfter(sampler, problem, n);
      const random = hvAfter('random', problem, n);
      assert.ok(ours > random, `${sampler} ${ours} vs random ${random}`);
      assert.ok(ours <= MO_PROBLEMS[problem].bestHypervolume + 1e-9, `${ours} above the true front's volume`);
    });
  }

  it('problems: the true fronts score their known hypervolume', () => {
    // ZDT1's front: x1 = t, the rest 0; 2,000 points come within 0.1 % of 121 − 1/3.
    const front = Array.from({ length: 2000 }, (_, i) => zdt1(Object.fromEntries(Array.from({ length: 30 }, (_, j) => [`x${j}`, j === 0 ? i / 1999 : 0]))));
    const hv = hypervolume(front, MO_PROBLEMS.zdt1.reference);
    assert.ok(Math.abs(hv - MO_PROBLEMS.zdt1.bestHypervolume) < 1e-3 * hv, `${hv}`);
    for (let i = 1; i < front.length; i++) assert.ok(!dominates(front[i - 1], front[i]));
  });
});
