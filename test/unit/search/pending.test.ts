/**
 * Proposals made while other trials are still running account for them: a batch of 8 proposals
 * (each added as a running trial before the next is asked) is distinct and spread out, where a
 * sampler blind to the running trials' params crowds one spot. CMA-ES tells a generation once its
 * members have finished; the simulated parallel schedule of the benchmarks is seeded.
 */
import * as assert from 'node:assert/strict';
import { runParallelStudy } from '../../../src/core/bench/parallel';
import { PROBLEMS } from '../../../src/core/bench/problems';
import { runSamplerStudy } from '../../../src/core/bench/runner';
import { createSampler } from '../../../src/core/search/index';
import { SpaceEncoder } from '../../../src/core/search/space';
import type { FrozenTrial, ParamValue, Sampler, SearchSpace } from '../../../src/core/search/types';

type Params = Record<string, ParamValue>;

function history(name: string, seed: number, space: SearchSpace, n: number, f: (p: Params) => number): FrozenTrial[] {
  const sampler = createSampler(name, seed);
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params = sampler.sample({ space, direction: 'minimize', trials, budget: 100 });
    trials.push({ number: i, state: 'complete', params, value: f(params), intermediate: new Map() });
  }
  return trials;
}

/** 8 proposals in a row, each added as running (with its params, or with none when `blind`). */
function batch(sampler: Sampler, space: SearchSpace, done: readonly FrozenTrial[], blind = false): Params[] {
  const trials: FrozenTrial[] = [...done];
  const out: Params[] = [];
  for (let k = 0; k < 8; k++) {
    const p = sampler.sample({ space, direction: 'minimize', trials, budget: 100 });
    out.push(p);
    trials.push({ number: trials.length, state: 'running', params: blind ? {} : p, intermediate: new Map() });
  }
  return out;
}

/** Smallest and mean pairwise distance in the unit cube. */
function spread(space: SearchSpace, points: Params[]): { min: number; mean: number } {
  const enc = new SpaceEncoder(space, { categorical: 'index' });
  const xs = points.map(p => enc.encode(p));
  let min = Infinity;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const d = Math.hypot(...xs[i].map((v, q) => v - xs[j][q]));
      min = Math.min(min, d);
      sum += d;
      pairs++;
    }
  }
  return { min, mean: sum / pairs };
}

describe('proposals with pending (running) trials', function () {
  this.timeout(120_000);

  for (const problem of ['branin', 'hartmann6'] as const) {
    const { space, evaluate } = PROBLEMS[problem];
    for (const [name, n] of [['gp', 20], ['tpe', 20], ['tpe-mv', 20], ['auto', 20], ['cmaes', 24]] as const) {
      it(`${name} on ${problem}: 8 proposals while 8 trials run are distinct and spread (seeded)`, () => {
        const seed = 11;
        const done = history(name, seed, space, n, evaluate!);
        const aware = batch(createSampler(name, seed), space, done);
        const again = batch(createSampler(name, seed), space, done);
        assert.deepEqual(again, aware, 'the same seed and history give the same batch');
        assert.equal(new Set(aware.map(p => JSON.stringify(p))).size, 8, `duplicates: ${JSON.stringify(aware)}`);
        const s = spread(space, aware);
        // Hartmann6's cube diagonal is √6: the thresholds scale with it.
        const diag = Math.sqrt(space.params.length);
        assert.ok(s.min > 0.004 * diag, `closest pair ${s.min.toFixed(4)} (seed ${seed})`);
        assert.ok(s.mean > 0.05 * diag, `mean distance ${s.mean.toFixed(4)} (seed ${seed})`);
        if (name !== 'cmaes') {
          // Control: blind to the running trials' params (what ignoring them would give), the
          // model-based samplers crowd one spot.
          const blind = spread(space, batch(createSampler(name, seed), space, done, true));
          assert.ok(s.mean > 1.5 * blind.mean, `mean distance ${s.mean.toFixed(4)} aware vs ${blind.mean.toFixed(4)} blind (seed ${seed})`);
        }
      });
    }
  }

  describe('CMA-ES generations', () => {
    const { space, evaluate } = PROBLEMS.hartmann6;
    const lambda = 4 + Math.floor(3 * Math.log(6)); // 9
    const gen0 = history('cmaes', 2, space, lambda, evaluate!);
    const withStates = (states: FrozenTrial['state'][], extra: number): FrozenTrial[] => {
      const t: FrozenTrial[] = gen0.map((x, i) => (states[i] === 'complete' ? x : { number: x.number, state: states[i], params: x.params, intermediate: new Map() }));
      for (let i = 0; i < extra; i++) t.push({ number: t.length, state: 'running', params: gen0[i % lambda].params, intermediate: new Map() });
      return t;
    };
    const ask = (trials: FrozenTrial[]) => createSampler('cmaes', 2).sample({ space, direction: 'minimize', trials });
    const allRunning = Array<FrozenTrial['state']>(lambda).fill('running');
    const oneRunning = allRunning.map((_, i) => (i === 4 ? 'running' : 'complete')) as FrozenTrial['state'][];
    const allDone = Array<FrozenTrial['state']>(lambda).fill('complete');

    it('is not told a generation while one of its members runs (proposals stay on the last told distribution)', () => {
      assert.deepEqual(ask(withStates(oneRunning, 0)), ask(withStates(allRunning, 0)));
      assert.notDeepEqual(ask(withStates(allDone, 0)), ask(withStates(allRunning, 0)), 'a finished generation moves the distribution');
    });

    it('tells a generation without a straggler two generations later', () => {
      const late = 2 * lambda;
      assert.notDeepEqual(ask(withStates(oneRunning, late)), ask(withStates(allRunning, late)));
      assert.deepEqual(ask(withStates(oneRunning, late - 1)), ask(withStates(allRunning, late - 1)));
    });
  });

  describe('simulated parallel schedule (benchmarks)', () => {
    const { space, evaluate } = PROBLEMS.branin;

    it('keeps k trials in flight, tells results out of order, and is seeded', async () => {
      const a = await runParallelStudy(space, evaluate!, createSampler('random', 1), 30, { parallel: 4, seed: 9 });
      const b = await runParallelStudy(space, evaluate!, createSampler('random', 1), 30, { parallel: 4, seed: 9 });
      assert.deepEqual(a.completionOrder, b.completionOrder);
      assert.deepEqual(a.pendingAtProposal.slice(0, 6), [0, 1, 2, 3, 3, 3]);
      assert.ok(a.pendingAtProposal.every(k => k <= 3));
      assert.notDeepEqual(a.completionOrder, a.values, 'results arrive in another order than proposed');
      assert.deepEqual([...a.completionOrder].sort((x, y) => x - y), [...a.values].sort((x, y) => x - y));
    });

    it('with parallel 1 is the sequential loop', async () => {
      const seq = await runSamplerStudy(space, evaluate!, createSampler('tpe', 4), 30);
      const par = await runParallelStudy(space, evaluate!, createSampler('tpe', 4), 30, { parallel: 1, seed: 0 });
      assert.deepEqual(par.values, seq.values);
      assert.deepEqual(par.bestValueAfter, seq.bestValueAfter);
    });

    it('pending-aware proposals beat blind ones at parallel 8 (GP, 5 seeds, 40 trials)', async () => {
      const blindOf = (s: Sampler): Sampler => ({
        name: `blind-${s.name}`,
        sample: v => s.sample({ ...v, trials: v.trials.map(t => (t.state === 'running' ? { ...t, params: {} } : t)) }),
      });
      const regrets = async (wrap: (s: Sampler) => Sampler) => {
        const out: number[] = [];
        for (const seed of [0, 1, 2, 3, 4]) out.push((await runParallelStudy(space, evaluate!, wrap(createSampler('gp', seed)), 40, { parallel: 8, seed })).bestValueAfter['40']);
        return out.sort((x, y) => x - y)[2];
      };
      const aware = await regrets(s => s);
      const blind = await regrets(blindOf);
      assert.ok(aware < blind, `median best: aware ${aware}, blind ${blind}`);
    });
  });
});
