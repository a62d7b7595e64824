/** W&B-style hyperband bands, as sweeps' hyperband_stopping.py computes them (int() of each band, eta > 1). */
import * as assert from 'node:assert/strict';
import { createPruner, HyperbandPruner, PrunerConfigError } from '../../../src/core/search/pruners';

describe('search: W&B hyperband bands', () => {
  it('truncates min_iter·eta^k to whole steps and takes eta 1.5', () => {
    const p = new HyperbandPruner({ minIter: 3, maxIter: 40, eta: 1.5 });
    assert.deepEqual(p.milestones, [3, 4, 6, 10, 15, 22, 34]);
  });
  it('gives int(max_iter/eta^k) for k = 1..s while ≥ 1', () => {
    assert.deepEqual(new HyperbandPruner({ maxIter: 27, s: 2, eta: 3 }).milestones, [3, 9]);
    assert.deepEqual(new HyperbandPruner({ maxIter: 10, s: 5, eta: 3 }).milestones, [1, 3]);
  });
  it('refuses eta ≤ 1 (W&B style) and < 2 (Optuna style) with one message each', () => {
    assert.throws(() => createPruner({ type: 'hyperband', min_iter: 1, eta: 1 }), PrunerConfigError);
    assert.throws(() => createPruner({ type: 'hyperband', reduction_factor: 1.5 }), /≥ 2/);
  });
});
