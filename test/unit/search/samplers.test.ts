import * as assert from 'node:assert/strict';
import { PROBLEMS } from '../../../src/core/bench/problems';
import { createSampler, SAMPLER_NAMES } from '../../../src/core/search/index';
import { AutoSampler, gpTrialsFor } from '../../../src/core/search/samplers/auto';
import { enumerateGrid, GridSampler } from '../../../src/core/search/samplers/basic';
import { tpeGamma, tpeWeights } from '../../../src/core/search/samplers/tpe';
import { categoricalParam, defineSpace, floatParam, intParam, SearchSpaceError, when } from '../../../src/core/search/space';
import type { FrozenTrial, ParamValue, Sampler, SearchSpace, StudyView } from '../../../src/core/search/types';

type Params = Record<string, ParamValue>;

/** Runs a sequential study; objective gets the params and returns a value. */
function run(sampler: Sampler, space: SearchSpace, n: number, objective: (p: Params) => number, budget = n): FrozenTrial[] {
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params = sampler.sample({ space, direction: 'minimize', trials, budget });
    trials.push({ number: i, state: 'complete', params, value: objective(params), intermediate: new Map() });
  }
  return trials;
}

const MIXED = defineSpace([
  floatParam('lr', 1e-5, 1e-1, { log: true }),
  intParam('layers', 1, 8),
  intParam('batch', 16, 256, { step: 16 }),
  floatParam('dropout', 0, 0.5, { step: 0.05 }),
  categoricalParam('optimizer', ['sgd', 'adam', 'rmsprop']),
  when(floatParam('momentum', 0.5, 0.99), 'optimizer', ['sgd']),
  intParam('width', 8, 1024, { log: true }),
]);

function mixedObjective(p: Params): number {
  const lr = p.lr as number;
  return (Math.log10(lr) + 3) ** 2 + ((p.layers as number) - 4) ** 2 / 10 + (p.optimizer === 'adam' ? 0 : 0.5) + (p.dropout as number) + (p.momentum !== undefined ? 1 - (p.momentum as number) : 0);
}

function checkInSpace(p: Params): void {
  const lr = p.lr as number;
  assert.ok(lr >= 1e-5 && lr <= 1e-1, `lr ${lr}`);
  assert.ok(Number.isInteger(p.layers) && (p.layers as number) >= 1 && (p.layers as number) <= 8, `layers ${p.layers}`);
  assert.ok(Number.isInteger(p.batch) && ((p.batch as number) - 16) % 16 === 0 && (p.batch as number) <= 256, `batch ${p.batch}`);
  const dropout = p.dropout as number;
  assert.ok(dropout >= 0 && dropout <= 0.5 && Math.abs(Math.round(dropout / 0.05) * 0.05 - dropout) < 1e-12, `dropout ${dropout}`);
  assert.ok(['sgd', 'adam', 'rmsprop'].includes(p.optimizer as string));
  if (p.optimizer === 'sgd') assert.ok((p.momentum as number) >= 0.5 && (p.momentum as number) <= 0.99, `momentum ${p.momentum}`);
  else assert.ok(!('momentum' in p), 'momentum only with sgd');
  assert.ok(Number.isInteger(p.width) && (p.width as number) >= 8 && (p.width as number) <= 1024);
}

describe('samplers', () => {
  const names = SAMPLER_NAMES.filter(n => n !== 'grid');

  for (const name of names) {
    it(`${name}: deterministic under a seed, different across seeds`, function () {
      this.timeout(60000);
      const a = run(createSampler(name, 11), MIXED, 24, mixedObjective).map(t => t.params);
      const b = run(createSampler(name, 11), MIXED, 24, mixedObjective).map(t => t.params);
      const c = run(createSampler(name, 12), MIXED, 24, mixedObjective).map(t => t.params);
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, c);
    });

    it(`${name}: respects bounds, log scales, ints, steps, categoricals and conditions`, function () {
      this.timeout(60000);
      const trials = run(createSampler(name, 3), MIXED, 40, mixedObjective);
      trials.forEach(t => checkInSpace(t.params));
      // Log scale: lr spread over decades rather than bunched near the top.
      const decades = new Set(trials.map(t => Math.floor(Math.log10(t.params.lr as number))));
      assert.ok(decades.size >= 3, `lr decades seen: ${[...decades].join(',')}`);
    });

    it(`${name}: the same history gives the same proposal from a fresh sampler (no hidden state)`, function () {
      if (name === 'cmaes' || name === 'auto' || name === 'gp') this.timeout(60000);
      const trials = run(createSampler(name, 5), MIXED, 15, mixedObjective);
      const study: StudyView = { space: MIXED, direction: 'minimize', trials, budget: 15 };
      assert.deepEqual(createSampler(name, 5).sample(study), createSampler(name, 5).sample(study));
    });
  }

  it('createSampler accepts bayes (W&B) as auto and rejects unknown names', () => {
    assert.ok(createSampler('bayes', 1) instanceof AutoSampler);
    assert.equal(createSampler('TPE-MV', 1).name, 'tpe-mv');
    assert.throws(() => createSampler('hillclimb', 1), /unknown sampler "hillclimb"/);
    assert.throws(() => createSampler('random', Number.NaN), /finite/);
  });

  it('TPE uses Optuna’s gamma and weights', () => {
    assert.equal(tpeGamma(10), 1);
    assert.equal(tpeGamma(11), 2);
    assert.equal(tpeGamma(1000), 25);
    assert.deepEqual(Array.from(tpeWeights(3)), [1, 1, 1]);
    const w = tpeWeights(30);
    assert.ok(Math.abs(w[0] - 1 / 30) < 1e-12);
    assert.ok(Math.abs(w[2] - (1 / 30 + (1 - 1 / 30) / 2)) < 1e-12);
    assert.deepEqual(Array.from(w.slice(4)), new Array(26).fill(1));
  });

  it('model-based samplers beat random search on branin at 40 trials (fixed seeds)', function () {
    this.timeout(120000);
    const { space, evaluate, fStar } = PROBLEMS.branin;
    const best = (name: string) => {
      const regrets = [0, 1, 2].map(s => Math.min(...run(createSampler(name, s), space, 40, evaluate!).map(t => t.value!)) - fStar);
      return regrets.sort((a, b) => a - b)[1];
    };
    const random = best('random');
    for (const name of ['tpe', 'gp', 'auto']) assert.ok(best(name) < random, `${name} vs random ${random}`);
    assert.ok(best('gp') < 0.05, 'GP gets close to the optimum of a smooth 2-D function');
  });

  it('proposes distinct points for running trials (parallel awareness)', function () {
    this.timeout(60000);
    const { space, evaluate } = PROBLEMS.branin;
    for (const name of ['gp', 'tpe', 'auto']) {
      const trials = run(createSampler(name, 1), space, 15, evaluate!);
      const sampler = createSampler(name, 1);
      const view: FrozenTrial[] = [...trials];
      const proposals: Params[] = [];
      for (let k = 0; k < 4; k++) {
        const p = sampler.sample({ space, direction: 'minimize', trials: view });
        proposals.push(p);
        view.push({ number: view.length, state: 'running', params: p, intermediate: new Map() });
      }
      const keys = new Set(proposals.map(p => JSON.stringify(p)));
      assert.equal(keys.size, 4, `${name} proposed duplicates: ${[...keys].join(' ')}`);
    }
  });

  it('handles maximisation (finds the high end)', function () {
    this.timeout(60000);
    const space = defineSpace([floatParam('x', 0, 1)]);
    for (const name of ['tpe', 'gp', 'cmaes']) {
      const sampler = createSampler(name, 2);
      const trials: FrozenTrial[] = [];
      for (let i = 0; i < 30; i++) {
        const p = sampler.sample({ space, direction: 'maximize', trials });
        trials.push({ number: i, state: 'complete', params: p, value: -(((p.x as number) - 0.8) ** 2), intermediate: new Map() });
      }
      const best = Math.max(...trials.map(t => t.value!));
      assert.ok(best > -1e-3, `${name} best ${best}`);
    }
  });

  it('auto is budget-aware: GP for small budgets, a short GP phase for long ones', () => {
    assert.equal(gpTrialsFor(50), 50);
    assert.equal(gpTrialsFor(100), 100);
    assert.ok(gpTrialsFor(1000) < 50);
    const auto = new AutoSampler(0);
    const { space } = PROBLEMS.branin;
    const trials: FrozenTrial[] = Array.from({ length: 30 }, (_, i) => ({ number: i, state: 'complete', params: { x1: 0, x2: i / 2 }, value: i, intermediate: new Map() }));
    assert.equal(auto.strategyFor({ space, direction: 'minimize', trials, budget: 100 }), 'gp');
    assert.equal(auto.strategyFor({ space, direction: 'minimize', trials, budget: 1000 }), 'cmaes');
    assert.equal(auto.strategyFor({ space: MIXED, direction: 'minimize', trials, budget: 1000 }), 'tpe');
  });

  it('ignores failed trials and learns from pruned ones without crashing', function () {
    this.timeout(60000);
    const { space, evaluate } = PROBLEMS.branin;
    for (const name of ['tpe', 'gp', 'cmaes', 'auto']) {
      const sampler = createSampler(name, 4);
      const trials: FrozenTrial[] = [];
      for (let i = 0; i < 20; i++) {
        const p = sampler.sample({ space, direction: 'minimize', trials });
        const v = evaluate!(p);
        const state = i % 5 === 3 ? 'fail' : i % 5 === 4 ? 'pruned' : 'complete';
        trials.push({ number: i, state, params: p, value: state === 'complete' ? v : undefined, intermediate: new Map(state === 'pruned' ? [[1, v + 5]] : []) });
      }
      const p = sampler.sample({ space, direction: 'minimize', trials });
      assert.ok((p.x1 as number) >= -5 && (p.x1 as number) <= 10);
    }
  });
});

describe('grid sampler', () => {
  const space = defineSpace([categoricalParam('opt', ['sgd', 'adam']), when(floatParam('momentum', 0.8, 0.9, { step: 0.05 }), 'opt', ['sgd']), intParam('layers', 1, 3)]);

  it('enumerates the grid with conditional parameters only where active', () => {
    const grid = enumerateGrid(space);
    // sgd: 3 momentum × 3 layers; adam: 3 layers.
    assert.equal(grid.length, 12);
    assert.equal(grid.filter(g => g.opt === 'adam' && 'momentum' in g).length, 0);
  });

  it('visits every grid point exactly once before repeating', () => {
    const sampler = new GridSampler(9);
    const trials = run(sampler, space, 12, () => 0);
    const keys = new Set(trials.map(t => JSON.stringify(t.params, Object.keys(t.params).sort())));
    assert.equal(keys.size, 12);
    const expected = new Set(enumerateGrid(space).map(g => JSON.stringify(g, Object.keys(g).sort())));
    assert.deepEqual(keys, expected);
  });

  it('skips points already taken by running trials', () => {
    const sampler = new GridSampler(1);
    const first = sampler.sample({ space, direction: 'minimize', trials: [] });
    const second = sampler.sample({ space, direction: 'minimize', trials: [{ number: 0, state: 'running', params: first, intermediate: new Map() }] });
    assert.notDeepEqual(first, second);
  });

  it('errors clearly on a continuous dimension and on a grid too large', () => {
    assert.throws(() => enumerateGrid(defineSpace([floatParam('lr', 1e-4, 1, { log: true })])), (e: unknown) => e instanceof SearchSpaceError && /"lr" is a continuous float; give it a step or choices/.test(e.message));
    const huge = defineSpace(Array.from({ length: 7 }, (_, i) => intParam(`p${i}`, 1, 10)));
    assert.throws(() => enumerateGrid(huge), /more than 1,000,000 points/);
  });
});

describe('samplers on malformed input', () => {
  it('tolerate a messy history: NaN/infinite values, foreign params, missing params, unknown choices', function () {
    this.timeout(60000);
    const good = run(createSampler('random', 0), MIXED, 12, mixedObjective);
    const messy: FrozenTrial[] = [
      ...good,
      { number: 12, state: 'complete', params: { lr: Number.NaN, layers: 'many', optimizer: 'lion' }, value: 1, intermediate: new Map() },
      { number: 13, state: 'complete', params: { ...good[0].params }, value: Number.NaN, intermediate: new Map() },
      { number: 14, state: 'complete', params: { ...good[1].params, lr: 50 }, value: Infinity, intermediate: new Map() },
      { number: 15, state: 'complete', params: {}, value: 0.5, intermediate: new Map() },
      { number: 16, state: 'pruned', params: { ...good[2].params }, intermediate: new Map([[3, Number.NaN]]) },
    ];
    for (const name of SAMPLER_NAMES.filter(n => n !== 'grid')) {
      const p = createSampler(name, 1).sample({ space: MIXED, direction: 'minimize', trials: messy, budget: 40 });
      checkInSpace(p);
    }
  });

  it('report an invalid search space with a clear error', () => {
    const invalid = { params: [floatParam('lr', 0, 1, { log: true })] };
    for (const name of SAMPLER_NAMES) {
      assert.throws(() => createSampler(name, 0).sample({ space: invalid, direction: 'minimize', trials: [] }), (e: unknown) => e instanceof SearchSpaceError && /log scale needs low > 0/.test(e.message), name);
    }
  });

  it('stay fast and in bounds on a long history (2,000 trials)', function () {
    this.timeout(60000);
    const { space, evaluate } = PROBLEMS.branin;
    const trials = run(createSampler('random', 0), space, 2000, evaluate!);
    for (const name of ['tpe', 'tpe-mv', 'cmaes', 'auto']) {
      const p = createSampler(name, 0).sample({ space, direction: 'minimize', trials, budget: 5000 });
      assert.ok((p.x1 as number) >= -5 && (p.x1 as number) <= 10 && (p.x2 as number) >= 0 && (p.x2 as number) <= 15, name);
    }
  });
});

describe('CMA-ES state', () => {
  it('does not leak between studies sharing a sampler instance', function () {
    this.timeout(60000);
    const { space, evaluate } = PROBLEMS.branin;
    const shared = createSampler('cmaes', 3);
    run(shared, space, 40, p => -evaluate!(p));
    const other = run(createSampler('random', 9), space, 40, evaluate!);
    const view = { space, direction: 'minimize' as const, trials: other };
    assert.deepEqual(shared.sample(view), createSampler('cmaes', 3).sample(view));
  });
});
