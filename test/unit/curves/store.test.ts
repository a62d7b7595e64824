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
