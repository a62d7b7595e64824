import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { logTicks, niceTicks, offScaleNote, robustRange } from '../../../src/core/analysis/axis';

/** Seeded: a failure prints the seed and path fast-check needs to replay it. */
const SEED = 20240614;

describe('robustRange', () => {
  it('leaves one diverged trial (3.2e76) off the scale of the quickstart history', () => {
    const values = [0.31, 0.12, 0.09, 0.45, 3.2e76, 0.11, 0.2, 0.095, 0.6, 1.1, 0.13, 0.1];
    const r = robustRange(values);
    assert.equal(r.above, 1);
    assert.equal(r.below, 0);
    assert.equal(r.hi, 1.1);
    assert.equal(r.lo, 0.09);
    assert.equal(r.log, false);
    assert.ok(r.max > 1.1 && r.max < 1.5, `max ${r.max}`);
    assert.ok(r.min < 0.09 && r.min > 0, `min ${r.min}`);
    assert.equal(offScaleNote(r.above + r.below), '1 value off the scale');
  });

  it('holds when a third of the trials diverge to different magnitudes', () => {
    const healthy = [0.05, 0.1, 0.3, 0.5, 1, 2, 5, 10, 0.2, 0.08];
    const diverged = [1e28, 1e40, 1e76, 1e12, 1e200];
    const r = robustRange([...diverged, ...healthy]);
    assert.equal(r.hi, 10);
    assert.equal(r.above, 5);
    assert.equal(offScaleNote(r.above), '5 values off the scale');
  });

  it('keeps continuous tails and legitimately bad trials', () => {
    // Losses spread over two decades, no jump: nothing is off the scale.
    const spread = Array.from({ length: 40 }, (_, i) => 0.01 * 1.12 ** i);
    assert.equal(robustRange(spread).above + robustRange(spread).below, 0);
    // Tightly bunched values and two clearly worse but plausible ones.
    const r = robustRange([0.1, 0.1001, 0.1002, 0.1001, 0.1003, 0.1, 0.15, 0.3]);
    assert.equal(r.above, 0);
    assert.equal(r.hi, 0.3);
  });

  it('does not hide the good trials of a zero-inflated metric (accuracy 0 for failed runs)', () => {
    const r = robustRange([0, 0, 0, 0, 0, 0, 0.5, 0.81, 0.9, 0.92]);
    assert.equal(r.above + r.below, 0);
    assert.equal(r.hi, 0.92);
  });

  it('clips outliers on either side with negative values (linear)', () => {
    const rewards = [-120, -80, -100, -90, 50, 20, 0, -30, -1e9, 2e8];
    const r = robustRange(rewards);
    assert.equal(r.log, false);
    assert.equal(r.below, 1);
    assert.equal(r.above, 1);
  });

  it('switches to a log scale when the kept values span more than three decades', () => {
    assert.equal(robustRange([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]).log, true);
    assert.equal(robustRange([0.001, 0.01, 0.1, 0.5]).log, false);
    assert.equal(robustRange([0.001, 0.01, 0.1, 0.5], { forceLog: true }).log, true);
    assert.equal(robustRange([-1, 1e-6, 1e3]).log, false, 'never with a non-positive value');
    assert.equal(robustRange([1e-6, 1e-3, 1], { linear: true }).log, false);
  });

  it('ignores NaN and ±Infinity, needs a few values before judging, copes with nothing', () => {
    const r = robustRange([NaN, Infinity, 1, 2, -Infinity]);
    assert.deepEqual([r.lo, r.hi, r.above, r.below], [1, 2, 0, 0]);
    assert.equal(robustRange([1, 2, 1e300]).above, 0);
    const empty = robustRange([]);
    assert.deepEqual([empty.min, empty.max], [0, 1]);
    const one = robustRange([5]);
    assert.ok(one.min < 5 && one.max > 5);
    const zero = robustRange([0]);
    assert.ok(zero.min < 0 && zero.max > 0);
  });

  it('always covers the values it is told to include', () => {
    const r = robustRange([0.1, 0.11, 0.12, 0.13, 1e30], { include: [1e30] });
    assert.equal(r.hi, 1e30);
    assert.equal(r.above, 0);
  });

  it('property: the range holds the bulk of the values and counts the rest exactly', () => {
    fc.assert(fc.property(fc.array(fc.double({ noNaN: true, min: -1e300, max: 1e300 }), { minLength: 1, maxLength: 60 }), values => {
      const r = robustRange(values);
      const inside = values.filter(v => v >= r.lo && v <= r.hi).length;
      assert.equal(inside + r.below + r.above, values.length);
      // At least half of the values are on the scale.
      assert.ok(inside >= Math.ceil(values.length / 2), `${inside} of ${values.length} inside`);
      assert.ok(r.min <= r.lo && r.max >= r.hi, 'the padding never cuts a kept value');
      if (r.log) assert.ok(r.min > 0);
    }), { seed: SEED, numRuns: 300 });
  });
});

describe('niceTicks and logTicks', () => {
  it('puts linear ticks on round steps inside the range', () => {
    assert.deepEqual(niceTicks(0, 1, 6), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0.083, 1.23, 5), [0.25, 0.5, 0.75, 1]);
    assert.deepEqual(niceTicks(3, 3), [3]);
  });

  it('gives integer axes (trial numbers) whole steps', () => {
    assert.deepEqual(niceTicks(0, 10, 4, { integer: true }), [0, 5, 10]);
    assert.deepEqual(niceTicks(0, 3, 10, { integer: true }), [0, 1, 2, 3]);
  });

  it('puts log ticks at decades, every k-th decade when there are many', () => {
    assert.deepEqual(logTicks(0.05, 2e3), [0.1, 1, 10, 100, 1000]);
    const wide = logTicks(1e-3, 1e90, 8);
    const exponents = wide.map(v => Math.round(Math.log10(v)));
    const steps = new Set(exponents.slice(1).map((e, i) => e - exponents[i]));
    assert.equal(steps.size, 1, `even steps, got exponents ${exponents.join(',')}`);
    assert.ok(wide.length <= 8 && wide.length >= 4);
    // Less than two decades: 1-2-5 steps.
    assert.deepEqual(logTicks(0.3, 6), [0.5, 1, 2, 5]);
  });

  it('property: ticks are increasing, inside the range and at most about maxCount', () => {
    fc.assert(fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.integer({ min: 2, max: 12 }), (a, span, count) => {
      const ticks = niceTicks(a, a + span, count);
      assert.ok(ticks.length >= 1 && ticks.length <= count + 2, `${ticks.length} ticks for ${count}`);
      for (let i = 1; i < ticks.length; i++) assert.ok(ticks[i] > ticks[i - 1]);
      for (const t of ticks) assert.ok(t >= a - span * 1e-6 && t <= a + span * (1 + 1e-6));
    }), { seed: SEED });
  });
});
