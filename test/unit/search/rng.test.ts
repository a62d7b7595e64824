import * as assert from 'node:assert/strict';
import { mixSeed, Rng } from '../../../src/core/search/rng';

describe('seeded PRNG', () => {
  it('is deterministic under a seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 100 }, () => a.next());
    assert.deepEqual(sa, Array.from({ length: 100 }, () => b.next()));
    assert.notDeepEqual(sa, Array.from({ length: 100 }, () => c.next()));
  });

  it('draws uniforms in [0,1) with the right mean and normals with unit variance', () => {
    const r = new Rng(1);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      assert.ok(u >= 0 && u < 1);
      s += u;
    }
    assert.ok(Math.abs(s / n - 0.5) < 0.01);
    s = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    assert.ok(Math.abs(s / n) < 0.03);
    assert.ok(Math.abs(s2 / n - 1) < 0.05);
  });

  it('int and pick stay in range and follow weights', () => {
    const r = new Rng(5);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) {
      const k = r.int(3);
      assert.ok(k >= 0 && k < 3);
      counts[r.pick([0, 1, 3])]++;
    }
    assert.equal(counts[0], 0);
    assert.ok(counts[2] > 2 * counts[1]);
  });

  it('mixSeed separates nearby inputs and rejects nothing finite; Rng rejects NaN seeds', () => {
    assert.notEqual(mixSeed(1, 2), mixSeed(2, 1));
    assert.notEqual(mixSeed(0, 0), mixSeed(0, 1));
    assert.throws(() => new Rng(Number.NaN), /finite/);
  });
});
