import * as assert from 'node:assert/strict';
import type { CurvesTrial } from '../../../src/core/protocol/curves';
import { CurvesStore, MAX_DRAWN, MAX_RUNNING_DRAWN } from '../../../media/curves/store';

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
