/**
 * GP proposals while trials run: for a local proposal each running trial enters the model at a value
 * drawn from the posterior there (a fantasy), for an exploring one at the posterior mean (a Kriging
 * believer); a local proposal stays inside the trust region around the best finished points
 * (svc_cancer at parallel 2: with running trials the local search walked off to the corners and 11 of
 * 20 seeds missed the top plateau), and in the final rounds before the budget ends every proposal is local.
 */
import * as assert from 'node:assert/strict';
import { PROBLEMS } from '../../../src/core/bench/problems';
import { GpSampler, inFinalRounds, type GpPendingInfo } from '../../../src/core/search/samplers/gp';
import { SpaceEncoder } from '../../../src/core/search/space';
import type { FrozenTrial } from '../../../src/core/search/types';

interface Proposal {
  readonly x: Float64Array;
  readonly info: GpPendingInfo | undefined;
  /** Encoded points of the three best finished trials. */
  readonly best: Float64Array[];
}

/**
 * `finished` GP trials, then `k` proposals in a row, each left running when the next is asked. After 31
 * (31 % 3 ≠ 0) the next proposals are local ones, after 30 exploring ones (until the final rounds).
 */
function batchAfter(finished: number, problem: 'hartmann6' | 'hpo_synth', seed: number, k: number, budget = 100): Proposal[] {
  const { space, evaluate } = PROBLEMS[problem];
  const sampler = new GpSampler(seed);
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < finished; i++) {
    const params = sampler.sample({ space, direction: 'minimize', trials, budget });
    trials.push({ number: i, state: 'complete', params, value: evaluate!(params), intermediate: new Map() });
  }
  const enc = new SpaceEncoder(space, { categorical: 'onehot' });
  const best = [...trials].sort((a, b) => a.value! - b.value!).slice(0, 3).map(t => enc.encode(t.params));
  const out: Proposal[] = [];
  for (let j = 0; j < k; j++) {
    const params = sampler.sample({ space, direction: 'minimize', trials, budget });
    out.push({ x: enc.encode(params), info: sampler.lastPending, best });
    trials.push({ number: trials.length, state: 'running', params, intermediate: new Map() });
  }
  return out;
}

/** Within six perturbation widths (0.1 × the lengthscale relative to their geometric mean, clamped to ¼…4) of an anchor in every numeric column. */
function inTrustRegion(enc: SpaceEncoder, x: Float64Array, anchors: readonly Float64Array[], ls: Float64Array): boolean {
  const lsMean = Math.exp(ls.reduce((s, v) => s + Math.log(v), 0) / ls.length);
  const numeric = enc.offsets.filter(o => o.width === 1).map(o => o.start);
  return anchors.some(a => numeric.every(q => Math.abs(x[q] - a[q]) <= 6 * 0.1 * Math.min(4, Math.max(0.25, ls[q] / lsMean)) + 1e-12));
}

describe('GP proposals with running trials (fantasies, trust region)', function () {
  this.timeout(180_000);

  it('for a local proposal running trials enter at values drawn from the posterior, not at its mean (hartmann6, seeds 1–6)', () => {
    const z: number[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      const batch = batchAfter(31, 'hartmann6', seed, 4);
      assert.equal(batch[0].info, undefined, `seed ${seed}: nothing was running for the first proposal`);
      for (const [j, p] of batch.slice(1).entries()) {
        assert.ok(p.info, `seed ${seed}, proposal ${j + 1}: no record of the running trials`);
        assert.equal(p.info.fantasies.length, j + 1, `seed ${seed}: one fantasy per running trial`);
        assert.equal(p.info.local, true, `seed ${seed}, proposal ${j + 1}: not a local proposal`);
        for (const f of p.info.fantasies) if (f.sd > 1e-6) z.push((f.value - f.mean) / f.sd);
      }
    }
    assert.ok(z.length >= 20, `only ${z.length} fantasies with spread`);
    // Standard normal draws: mean |z| ≈ 0.80, both signs. A believer (value = mean) gives all zeros.
    const meanAbs = z.reduce((s, v) => s + Math.abs(v), 0) / z.length;
    assert.ok(meanAbs > 0.45 && meanAbs < 1.2, `mean |z| ${meanAbs.toFixed(3)} over ${z.length} fantasies (seeds 1–6)`);
    assert.ok(z.some(v => v > 0.1) && z.some(v => v < -0.1), `fantasies all on one side of the mean (seeds 1–6): ${z.map(v => v.toFixed(2)).join(' ')}`);
  });

  for (const problem of ['hartmann6', 'hpo_synth'] as const) {
    it(`a local proposal made while trials run stays in the trust region around the best points (${problem}, seeds 1–8)`, () => {
      const enc = new SpaceEncoder(PROBLEMS[problem].space, { categorical: 'onehot' });
      let local = 0;
      for (let seed = 1; seed <= 8; seed++) {
        for (const [j, p] of batchAfter(31, problem, seed, 3).entries()) {
          if (!p.info?.local) continue;
          local++;
          assert.ok(inTrustRegion(enc, p.x, p.best, p.info.lengthscales), `seed ${seed}, proposal ${j}: ${Array.from(p.x, v => v.toFixed(3)).join(',')} is outside the trust region`);
        }
      }
      // With 31 finished trials every proposal is a local one (two in three once 20 have finished); two of three per seed have trials running.
      assert.ok(local >= 8, `only ${local} local proposals with running trials`);
    });
  }

  it('for an exploring proposal running trials enter at the posterior mean (hartmann6, seeds 1–6)', () => {
    let fantasies = 0;
    for (let seed = 1; seed <= 6; seed++) {
      for (const [j, p] of batchAfter(30, 'hartmann6', seed, 4).slice(1).entries()) {
        assert.ok(p.info, `seed ${seed}, proposal ${j + 1}: no record of the running trials`);
        assert.equal(p.info.local, false, `seed ${seed}, proposal ${j + 1}: 30 finished trials, yet a local proposal`);
        for (const f of p.info.fantasies) {
          assert.equal(f.value, f.mean, `seed ${seed}, proposal ${j + 1}: a running trial entered at ${f.value}, its posterior mean is ${f.mean}`);
          if (f.sd > 1e-6) fantasies++;
        }
      }
    }
    assert.ok(fantasies >= 20, `only ${fantasies} running trials with spread`);
  });

  it('in the final rounds before the budget ends the exploring turn is local too, at the posterior mean (hartmann6, seeds 1–4)', () => {
    for (let seed = 1; seed <= 4; seed++) {
      // Budget 34 after 30 finished: the first proposal (nothing running) explores as sequentially; the
      // next ones leave 3, 2 and 1 trials for 2, 3 and 4 in flight, within two rounds of them.
      const batch = batchAfter(30, 'hartmann6', seed, 4, 34);
      assert.equal(batch[0].info, undefined, `seed ${seed}: nothing was running for the first proposal`);
      for (const [j, p] of batch.slice(1).entries()) {
        assert.equal(p.info?.local, true, `seed ${seed}, proposal ${j + 1}: an exploring proposal ${34 - 31 - j} trials before the budget ends`);
        for (const f of p.info.fantasies) assert.equal(f.value, f.mean, `seed ${seed}, proposal ${j + 1}: a running trial entered at ${f.value}, its posterior mean is ${f.mean}`);
      }
    }
  });

  it('the final rounds: two rounds of the trials in flight, only with a known budget', () => {
    assert.equal(inFinalRounds(100, 83, 8), false, '17 trials left, 8 in flight');
    assert.equal(inFinalRounds(100, 84, 8), true, '16 trials left, 8 in flight');
    assert.equal(inFinalRounds(100, 92, 4), true, '8 trials left, 4 in flight');
    assert.equal(inFinalRounds(100, 91, 4), false, '9 trials left, 4 in flight');
    assert.equal(inFinalRounds(undefined, 99, 8), false, 'no budget');
  });
});
