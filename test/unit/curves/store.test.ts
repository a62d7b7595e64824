import * as assert from 'node:assert/strict';
import type { CurvesTrial } from '../../../src/core/protocol/curves';
import { CurvesStore, MAX_DRAWN, MAX_RUNNING_DRAWN } from '../../../media/curves/store';
import { paretoPlot, paretoPlotOf, rankedPoints, type ParetoData } from '../../../src/core/analysis/pareto';

const trial = (number: number, state: CurvesTrial['state'], value: number | null): CurvesTrial => ({ number, state, params: {}, value, durationMs: null });

describe('CurvesStore.updateDrawn', () => {
  it('draws the running trials and the best finished ones (not sorting all 10,000)', () => {
    const store = new CurvesStore();
    const trials: CurvesTrial[] = [];
    // Values 0..9999 in a scrambled order; trial 7777 is the best; 50 run.
    for (let n = 0; n < 10_000; n++) trials.push(trial(n, n >= 9_950 ? 'running' : 'complete', n === 7777 ? -1 : ((n * 7919) % 10_000) / 10_000));
    trials.push(trial(10_000, 'complete', NaN));
    store.reset('t', 'k', 'minimize', ['loss'], trials);
    assert.equal(store.best, 7777);
    assert.equal(store.drawn.size, MAX_DRAWN);
    const running = [...store.drawn].filter(n => n >= 9_950);
    assert.equal(running.length, MAX_RUNNING_DRAWN);
    const finishedDrawn = [...store.drawn].filter(n => n < 9_950);
    const worstDrawn = Math.max(...finishedDrawn.map(n => (n === 7777 ? -1 : ((n * 7919) % 10_000) / 10_000)));
    const better = trials.filter(t => t.state === 'complete' && typeof t.value === 'number' && t.value < worstDrawn).length;
    assert.equal(better, finishedDrawn.length - 1, 'exactly the best finished trials are drawn');
    assert.ok(!store.drawn.has(10_000), 'a NaN value is never among the best');
  });

  it('keeps the selected trial drawn and reports whether the set changed', () => {
    const store = new CurvesStore();
    store.reset('t', 'k', 'maximize', ['acc'], [trial(0, 'complete', 0.5), trial(1, 'complete', 0.9), trial(2, 'pruned', 0.1)]);
    assert.equal(store.best, 1);
    assert.equal(store.updateDrawn(), false);
    store.selected = 2;
    assert.equal(store.updateDrawn(), false, 'already drawn: few trials');
    assert.ok(store.drawn.has(2));
  });
});

describe('CurvesStore: what "best" means with several metrics', () => {
  const mo = (number: number, values: number[] | null): CurvesTrial => ({ number, state: values ? 'complete' : 'running', params: {}, value: values ? values[0] : null, durationMs: null, ...(values ? { values } : {}) });
  const objectives = [{ name: 'val_accuracy', direction: 'maximize' as const }, { name: 'model_kb', direction: 'minimize' as const }];

  it('tags the Pareto front, not the first metric\'s best, and follows the front as trials arrive', () => {
    const store = new CurvesStore();
    // Trial 0 has the best accuracy; 1 is smaller; 2 is dominated by 1; 3 still runs.
    store.reset('t', 'k', 'maximize', ['val_accuracy'], [mo(0, [0.95, 400]), mo(1, [0.9, 50]), mo(2, [0.85, 60]), mo(3, null)], objectives);
    assert.deepEqual([0, 1, 2, 3].map(n => store.standing(n)), ['front', 'front', null, null]);
    store.upsertTrials([mo(3, [0.96, 40])]);
    assert.deepEqual([0, 1, 2, 3].map(n => store.standing(n)), [null, null, null, 'front']);
    assert.equal(store.paretoFront()?.size, 1);
  });

  it('one metric: the best trial, and no front', () => {
    const store = new CurvesStore();
    store.reset('t', 'k', 'minimize', ['loss'], [trial(0, 'complete', 0.5), trial(1, 'complete', 0.2)]);
    assert.equal(store.paretoFront(), null);
    assert.deepEqual([0, 1].map(n => store.standing(n)), [null, 'best']);
  });
});

describe('CurvesStore: one Pareto front per change of the trials, shared by every view', () => {
  const directions = ['maximize', 'minimize', 'minimize'] as const;
  const objectives = [{ name: 'accuracy', direction: 'maximize' as const }, { name: 'model_mb', direction: 'minimize' as const }, { name: 'latency_ms', direction: 'minimize' as const }];
  /** Seeded trials on a coarse grid (ties and equal vectors are common), one in nine failed. */
  function trials(count: number, seed: number, first = 0): CurvesTrial[] {
    let s = seed;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    return Array.from({ length: count }, (_, k): CurvesTrial => {
      const number = first + k;
      const values = [Math.floor(rand() * 20) / 20, Math.floor(rand() * 20), Math.floor(rand() * 10)];
      return number % 9 === 4 ? { number, state: 'fail', params: {}, value: null, durationMs: null } : { number, state: 'complete', params: {}, value: values[0], durationMs: 1, values };
    });
  }
  /** What one panel frame asks of the front: status line, trial picker, tooltips, timeline, Pareto, hypervolume and parallel views. */
  function frame(store: CurvesStore): { front: number[]; paretoView: number[]; hypervolumeView: Float64Array; parallelRanks: number[] } {
    store.paretoFront();
    for (const n of store.drawn) store.standing(n);
    assert.ok(store.paretoFront()?.size);
    const data = store.pareto() as ParetoData;
    const paretoView = paretoPlotOf(data, { history: false, ranks: false }).front.map(p => p.number);
    const hypervolumeView = paretoPlotOf(data, { ranks: false }).hypervolume;
    const parallelRanks = rankedPoints(data).map(p => p.rank);
    return { front: [...(store.paretoFront() ?? [])].sort((a, b) => a - b), paretoView, hypervolumeView, parallelRanks };
  }

  it('computes it once per change however many ask, and the views get the same front and the same object until trials change (seed 4242)', () => {
    const store = new CurvesStore();
    const all = trials(3000, 4242);
    store.reset('t', 'k', 'maximize', ['accuracy'], all, objectives);
    assert.equal(store.frontComputations, 0, 'nothing computed before someone asks');
    const first = frame(store);
    const data = store.pareto();
    assert.equal(store.frontComputations, 1, 'one computation for every consumer of the frame');
    frame(store);
    assert.equal(store.pareto(), data, 'the same object while trials are unchanged: views key on it');
    assert.equal(store.frontComputations, 1);
    // The front the views draw is the core's own, from scratch.
    const expected = paretoPlot(all, [...directions]);
    assert.deepEqual(first.front, expected.front.map(p => p.number));
    assert.deepEqual(first.paretoView, first.front);
    assert.deepEqual([...first.hypervolumeView], [...expected.hypervolume]);
    assert.deepEqual(first.parallelRanks, expected.points.map(p => p.rank), 'ranks off the shared front equal ranking every trial');

    // 100 trials change: one more computation, and the views follow the new front.
    const changed = trials(100, 777, 1000);
    store.upsertTrials(changed);
    const second = frame(store);
    assert.equal(store.frontComputations, 2);
    assert.notEqual(store.pareto(), data);
    const updated = paretoPlot(store.trials.values(), [...directions]);
    assert.deepEqual(second.front, updated.front.map(p => p.number));
    assert.deepEqual([...second.hypervolumeView], [...updated.hypervolume]);
    assert.deepEqual(second.parallelRanks, updated.points.map(p => p.rank));
  });
});
