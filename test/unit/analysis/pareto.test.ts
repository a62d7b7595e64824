import * as assert from 'node:assert/strict';
import { frontStaircase, objectivePairs, paretoPlot } from '../../../src/core/analysis/pareto';
import { hostToCurves, parseCurvesMessage } from '../../../src/core/protocol/curves';

describe('analysis: Pareto view data', () => {
  const trials = [
    { number: 0, state: 'complete' as const, values: [0.9, 5] },
    { number: 1, state: 'complete' as const, values: [0.8, 1] },
    { number: 2, state: 'complete' as const, values: [0.85, 6] }, // dominated by 0
    { number: 3, state: 'fail' as const },
    { number: 4, state: 'complete' as const, values: [0.95, 9] },
    { number: 5, state: 'complete' as const, values: [Number.NaN, 1] }, // not scored
  ];

  it('ranks complete trials with finite values; the front is rank 0 (accuracy ↑, size ↓)', () => {
    const plot = paretoPlot(trials, ['maximize', 'minimize']);
    assert.deepEqual(
      plot.points.map(p => p.number),
      [0, 1, 2, 4],
    );
    assert.deepEqual(
      plot.front.map(p => p.number),
      [0, 1, 4],
    );
    assert.equal(plot.points.find(p => p.number === 2)!.rank, 1);
    // The hypervolume grows with each trial that joins the front, never shrinks.
    assert.equal(plot.hypervolume.length, 4);
    for (let i = 1; i < 4; i++) assert.ok(plot.hypervolume[i] >= plot.hypervolume[i - 1]);
    assert.equal(plot.hypervolume[2], plot.hypervolume[1]);
  });

  it('draws the front as a staircase through the dominated corner between neighbours', () => {
    const plot = paretoPlot(trials, ['maximize', 'minimize']);
    assert.deepEqual(frontStaircase(plot.front, 0, 1, ['maximize', 'minimize']), [
      { x: 0.95, y: 9 },
      { x: 0.9, y: 9 },
      { x: 0.9, y: 5 },
      { x: 0.8, y: 5 },
      { x: 0.8, y: 1 },
    ]);
  });

  it('lists objective pairs for three objectives', () => {
    assert.deepEqual(objectivePairs(3), [
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
  });

  it('the curves protocol carries objectives and trial values, and refuses bad ones', () => {
    const reset = { type: 'reset', title: 't', key: 'k', direction: 'maximize', objectives: [{ name: 'acc', direction: 'maximize' }, { name: 'mb', direction: 'minimize' }], metrics: ['acc'], metric: 'acc', trials: [{ number: 0, state: 'complete', params: {}, value: 0.9, durationMs: 1, values: [0.9, 3] }] };
    assert.equal(parseCurvesMessage(hostToCurves, reset).ok, true);
    assert.equal(parseCurvesMessage(hostToCurves, { ...reset, objectives: [{ name: 'acc', direction: 'up' }] }).ok, false);
    assert.equal(parseCurvesMessage(hostToCurves, { ...reset, trials: [{ ...reset.trials[0], values: ['x'] }] }).ok, false);
  });
});
