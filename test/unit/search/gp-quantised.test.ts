/**
 * GP proposals on a quantised objective while trials run (svc_cancer's cross-validated accuracy
 * repeats its values exactly): no proposal next to a running trial, which would almost surely return
 * that trial's value. Continuous objectives are not affected (they keep polishing next to running trials).
 */
import * as assert from 'node:assert/strict';
import { PROBLEMS } from '../../../src/core/bench/problems';
import { GpSampler, isQuantised, RUNNING_COPY_RADIUS, type GpPendingInfo } from '../../../src/core/search/samplers/gp';
import { SpaceEncoder } from '../../../src/core/search/space';
import type { FrozenTrial } from '../../../src/core/search/types';

interface Proposal {
  readonly x: Float64Array;
  readonly info: GpPendingInfo | undefined;
  /** Encoded points of the trials running when it was made. */
  readonly running: Float64Array[];
}

/** `finished` GP trials of `value`, then `k` proposals in a row, each left running when the next is asked. */
function batchAfter(value: (p: Record<string, unknown>) => number, seed: number, finished: number, k: number): Proposal[] {
  const { space } = PROBLEMS.hartmann6;
  const enc = new SpaceEncoder(space, { categorical: 'onehot' });
  const sampler = new GpSampler(seed);
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < finished; i++) {
    const params = sampler.sample({ space, direction: 'minimize', trials, budget: 100 });
    trials.push({ number: i, state: 'complete', params, value: value(params), intermediate: new Map() });
  }
  const out: Proposal[] = [];
  for (let j = 0; j < k; j++) {
    const running = trials.filter(t => t.state === 'running').map(t => enc.encode(t.params));
    const params = sampler.sample({ space, direction: 'minimize', trials, budget: 100 });
    out.push({ x: enc.encode(params), info: sampler.lastPending, running });
    trials.push({ number: trials.length, state: 'running', params, intermediate: new Map() });
  }
  return out;
}

/** Smallest distance, in fitted lengthscales, from `x` to a running point. */
function nearestRunning(p: Proposal): number {
  const ls = p.info!.lengthscales;
  return Math.min(...p.running.map(q => Math.sqrt(q.reduce((s, v, i) => s + ((p.x[i] - v) / ls[i]) ** 2, 0))));
}

const hartmann6 = (p: Record<string, unknown>) => PROBLEMS.hartmann6.evaluate!(p as never);
/** hartmann6 read off in steps of 0.05, as an accuracy is over a fixed validation set. */
const stepped = (p: Record<string, unknown>) => Math.round(hartmann6(p) * 20) / 20;

describe('GP proposals with running trials on a quantised objective', function () {
  this.timeout(180_000);

  it('tells a quantised history from a continuous one', () => {
    assert.equal(isQuantised([0.91, 0.93, 0.93, 0.95, 0.95]), true);
    assert.equal(isQuantised([0.91, 0.93, 0.94, 0.95, 0.96]), false);
    // One repeat in ten is below the bar (a fifth).
    assert.equal(isQuantised([1, 2, 3, 4, 5, 6, 7, 8, 9, 9]), false);
    assert.equal(isQuantised([]), false);
  });

  it(`keeps every proposal at least ${RUNNING_COPY_RADIUS} lengthscales from the running trials (stepped hartmann6, seeds 1–6)`, () => {
    let checked = 0;
    for (let seed = 1; seed <= 6; seed++) {
      for (const [j, p] of batchAfter(stepped, seed, 40, 8).entries()) {
        if (j === 0) continue;
        assert.ok(p.info, `seed ${seed}, proposal ${j}: no record of the running trials`);
        assert.equal(p.info.quantised, true, `seed ${seed}, proposal ${j}: the stepped history was not seen as quantised`);
        const d = nearestRunning(p);
        assert.ok(d >= RUNNING_COPY_RADIUS, `seed ${seed}, proposal ${j}: ${d.toFixed(4)} lengthscales from a running trial`);
        checked++;
      }
    }
    assert.equal(checked, 42);
  });

  it('judges on completed trials: pruned ones entered at one pessimistic value do not make it quantised', () => {
    const { space } = PROBLEMS.hartmann6;
    const sampler = new GpSampler(3, { prunedAs: 'value' });
    const trials: FrozenTrial[] = [];
    const ask = () => sampler.sample({ space, direction: 'minimize', trials, budget: 100 });
    for (let i = 0; i < 30; i++) {
      const params = ask();
      trials.push({ number: i, state: 'complete', params, value: hartmann6(params), intermediate: new Map() });
    }
    // Pruned early while looking good: each enters the model at the completed trials' median.
    for (let i = 0; i < 12; i++) {
      const params = ask();
      trials.push({ number: trials.length, state: 'pruned', params, intermediate: new Map([[1, -3.3]]) });
    }
    trials.push({ number: trials.length, state: 'running', params: ask(), intermediate: new Map() });
    ask();
    assert.equal(sampler.lastPending?.quantised, false);
  });

  it('leaves a continuous objective alone (hartmann6, seeds 1–3)', () => {
    for (let seed = 1; seed <= 3; seed++) {
      for (const p of batchAfter(hartmann6, seed, 40, 4).slice(1)) assert.equal(p.info?.quantised, false, `seed ${seed}: hartmann6 seen as quantised`);
    }
  });
});
