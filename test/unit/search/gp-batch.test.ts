/**
 * GP batches: a running trial enters the model at a value drawn from the posterior there (a fantasy),
 * and the posterior mean there counts as data for the incumbent. Otherwise a running point predicted
 * better than the best finished trial keeps its whole neighbourhood's EI high (the mean there beats
 * the incumbent), and the next proposal lands right next to it: near-duplicate trials in one batch.
 */
import * as assert from 'node:assert/strict';
import { PROBLEMS } from '../../../src/core/bench/problems';
import { createSampler } from '../../../src/core/search/index';
import { SpaceEncoder } from '../../../src/core/search/space';
import type { FrozenTrial } from '../../../src/core/search/types';

/** Closest pair (unit cube) of 8 GP proposals made in a row, each running when the next is asked, after 30 finished trials. */
function closestPairInBatch(problem: 'branin' | 'hartmann6', seed: number): number {
  const { space, evaluate } = PROBLEMS[problem];
  const history = createSampler('gp', seed);
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < 30; i++) {
    const params = history.sample({ space, direction: 'minimize', trials, budget: 100 });
    trials.push({ number: i, state: 'complete', params, value: evaluate!(params), intermediate: new Map() });
  }
  const enc = new SpaceEncoder(space, { categorical: 'index' });
  const sampler = createSampler('gp', seed);
  const xs: Float64Array[] = [];
  for (let k = 0; k < 8; k++) {
    const params = sampler.sample({ space, direction: 'minimize', trials, budget: 100 });
    xs.push(enc.encode(params));
    trials.push({ number: trials.length, state: 'running', params, intermediate: new Map() });
  }
  let min = Infinity;
  for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) min = Math.min(min, Math.hypot(...xs[i].map((v, q) => v - xs[j][q])));
  return min;
}

describe('GP batch proposals (running trials as fantasies)', function () {
  this.timeout(120_000);
  for (const problem of ['branin', 'hartmann6'] as const) {
    it(`no two proposals of a batch of 8 are near-duplicates on ${problem} (seeds 1–6)`, () => {
      const diag = Math.sqrt(PROBLEMS[problem].space.params.length);
      for (let seed = 1; seed <= 6; seed++) {
        const d = closestPairInBatch(problem, seed);
        // Before the believed values counted for the incumbent, seeds 3 and 4 on branin gave pairs 2e-5 apart, seed 4 on hartmann6 3.6e-3
        // (0.0015 × diagonal). With fantasies the closest pair is 6.2e-3 (0.0044 × diagonal, branin seed 4: two of eight points
        // polishing the minimum at x1 ≈ 9.5, 0.09 apart), so the bar is 0.002 × the diagonal, still a hundred times the old copies.
        assert.ok(d > 0.002 * diag, `closest pair ${d.toExponential(2)} in the batch (problem ${problem}, seed ${seed})`);
      }
    });
  }
});
