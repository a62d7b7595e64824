import * as assert from 'node:assert/strict';
import { curvesAxis, robustUpperBound } from '../../../src/core/analysis/robust';

const curve = (ys: number[]) => ({ ys, length: ys.length });
const decaying = (start: number) => Array.from({ length: 30 }, (_, i) => start / (1 + i));

describe('robustUpperBound', () => {
  it('clips a diverging curve so the healthy ones stay readable', () => {
    const healthy = [1, 0.8, 0.6, 0.5].map(s => curve(decaying(s)));
    const diverged = curve(Array.from({ length: 30 }, (_, i) => 10 ** (i * 10)));
    const cap = robustUpperBound([...healthy, diverged]);
    // Just above the highest healthy curve (1.0 at its first step): no healthy point is cut.
    assert.ok(cap !== undefined && cap >= 1 && cap < 1.2, `cap ${cap}`);
  });

  it('leaves ordinary curves alone and ignores NaN and Infinity', () => {
    assert.equal(robustUpperBound([1, 0.8, 0.6].map(s => curve(decaying(s)))), undefined);
    assert.equal(robustUpperBound([curve([NaN, Infinity, 1, 2]), curve([3, 4]), curve([5, 6]), curve([7, 8])]), undefined);
  });

  it('needs a few curves before judging', () => {
    assert.equal(robustUpperBound([curve([1, 0.5]), curve([0.9]), curve([1, 1e300])]), undefined);
  });
});

describe('robustUpperBound with many diverging trials', () => {
  it('still finds the healthy curves when a third of the trials diverge to different magnitudes', () => {
    const healthy = [0.05, 0.1, 0.3, 0.5, 1, 2, 5, 10, 0.2, 0.08].map(s => curve(decaying(s)));
    const diverged = [1e28, 1e40, 1e76, 1e12, 1e200].map(top => curve([1, 10, top]));
    const cap = robustUpperBound([...healthy, ...diverged]);
    assert.ok(cap !== undefined && cap >= 10 && cap < 12, `cap ${cap}`);
  });
});

describe('curvesAxis', () => {
  it('goes logarithmic when the curves on the scale span more than three decades', () => {
    const wide = [2.3, 1, 0.5].map(s => curve(Array.from({ length: 50 }, (_, i) => s * 0.8 ** i)));
    assert.equal(curvesAxis(wide).log, true);
    const narrow = [1, 0.8, 0.6].map(s => curve(decaying(s)));
    assert.equal(curvesAxis(narrow).log, false);
    assert.equal(curvesAxis(narrow, { forceLog: true }).log, true);
    assert.equal(curvesAxis([curve([-1, 5, 1e6])]).log, false, 'never with a non-positive value');
  });

  it('judges the decades by the curves left on the scale, not the diverged ones', () => {
    const healthy = [1, 0.8, 0.6, 0.5].map(s => curve(decaying(s)));
    const diverged = curve(Array.from({ length: 30 }, (_, i) => 10 ** (i * 10)));
    const axis = curvesAxis([...healthy, diverged]);
    assert.equal(axis.clipped, 1);
    assert.equal(axis.log, false);
    assert.ok(axis.ceiling !== undefined && axis.ceiling < 1.2);
  });

  it('copes with no finite point at all', () => {
    assert.deepEqual(curvesAxis([curve([NaN, Infinity])]), { ceiling: undefined, log: false, clipped: 0 });
  });
});
