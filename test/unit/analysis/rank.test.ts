import * as assert from 'node:assert/strict';
import { rankBadness, valueAtRank } from '../../../src/core/analysis/rank';
import { empiricalDistribution } from '../../../src/core/analysis/edf';

describe('rankBadness', () => {
  it('spreads the colour scale over ranks, not raw values (one outlier does not make everything "best")', () => {
    const values = [0.3, 0.1, 3.2e76, 0.2, 0.4];
    assert.deepEqual([...rankBadness(values, 'minimize')], [0.5, 0, 1, 0.25, 0.75]);
    assert.deepEqual([...rankBadness(values, 'maximize')], [0.5, 1, 0, 0.75, 0.25]);
  });

  it('gives ties their mean rank and NaN the worst', () => {
    assert.deepEqual([...rankBadness([1, 1, 2, NaN], 'minimize')], [1 / 6, 1 / 6, 2 / 3, 1]);
    assert.deepEqual([...rankBadness([NaN, 5], 'maximize')], [1, 0]);
    assert.deepEqual([...rankBadness([7], 'minimize')], [0]);
    assert.deepEqual([...rankBadness([], 'minimize')], []);
  });

  it('reads the value at a rank back for the colour bar', () => {
    assert.equal(valueAtRank([3, 1, 2], 'minimize', 0), 1);
    assert.equal(valueAtRank([3, 1, 2], 'minimize', 1), 3);
    assert.equal(valueAtRank([3, 1, 2], 'maximize', 0), 3);
    assert.ok(Number.isNaN(valueAtRank([], 'minimize', 0.5)));
  });
});

describe('empiricalDistribution', () => {
  it('is the fraction of values at most x, one point per distinct finite value', () => {
    assert.deepEqual(empiricalDistribution([0.3, 0.1, 0.2, 0.2, NaN, Infinity]), [
      { x: 0.1, y: 0.25 },
      { x: 0.2, y: 0.75 },
      { x: 0.3, y: 1 },
    ]);
    assert.deepEqual(empiricalDistribution([]), []);
  });
});
