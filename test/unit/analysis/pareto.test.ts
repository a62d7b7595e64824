import * as assert from 'node:assert/strict';
import { frontStaircase, hypervolumeSteps, objectivePairs, paretoBadness, paretoData, paretoPlot, paretoPlotOf, rankedPoints, referenceInUnits } from '../../../src/core/analysis/pareto';
import { Rng } from '../../../src/core/search/rng';
import { hypervolume } from '../../../src/core/search/pareto';
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

  it('hypervolume history: one step per complete trial, flagged where the front moved, against the stated reference', () => {
    const plot = paretoPlot(trials, ['maximize', 'minimize']);
    const steps = hypervolumeSteps(plot);
    assert.deepEqual(
      steps.map(s => [s.number, s.improved]),
      [
        [0, true],
        [1, true],
        [2, false], // dominated by trial 0: the front did not move
        [4, true],
      ],
    );
    // The reference: per objective the worst value plus 10% of its range, in the objectives' own directions.
    // accuracy (maximised) worst 0.8, range 0.15 → 0.785; size worst 9, range 8 → 9.8.
    const ref = referenceInUnits(plot, ['maximize', 'minimize']);
    assert.ok(Math.abs(ref[0] - 0.785) < 1e-12 && Math.abs(ref[1] - 9.8) < 1e-12, String(ref));
    // Each step is the hypervolume of the trials so far, by the search code's definition.
    const minimised = (numbers: number[]) => trials.filter(t => numbers.includes(t.number)).map(t => [-t.values![0], t.values![1]]);
    const want = [[0], [0, 1], [0, 1, 2], [0, 1, 2, 4]].map(ns => hypervolume(minimised(ns), plot.reference));
    steps.forEach((s, k) => assert.ok(Math.abs(s.hypervolume - want[k]) < 1e-12, `${k}: ${s.hypervolume} vs ${want[k]}`));
    // Without the history: only the last value, the same number.
    assert.deepEqual([...paretoPlot(trials, ['maximize', 'minimize'], { history: false }).hypervolume], [want[3]]);
    // By hand for the first: (−0.785 − −0.9) × (9.8 − 5) = 0.115 × 4.8.
    assert.ok(Math.abs(steps[0].hypervolume - 0.115 * 4.8) < 1e-12);
  });

  it('front numbers match the plot front; Pareto badness orders fronts for parallel coordinates', () => {
    const plot = paretoPlot(trials, ['maximize', 'minimize']);
    const data = paretoData(trials, ['maximize', 'minimize']);
    assert.deepEqual(data.front.map(i => data.scored[i].number), [0, 1, 4]);
    // Front 0 → 0, the second front → 1, a trial without values (5) → 1.
    assert.deepEqual([...paretoBadness([0, 1, 2, 4, 5], plot)], [0, 0, 1, 0, 1]);
    const three = paretoPlot([...trials.slice(0, 3), { number: 7, state: 'complete' as const, values: [0.7, 7] }], ['maximize', 'minimize']);
    assert.deepEqual([...paretoBadness([0, 2, 7], three)], [0, 0.5, 1]);
    // Front only: the same front, every other trial rank 1.
    const quick = paretoPlot([...trials.slice(0, 3), { number: 7, state: 'complete' as const, values: [0.7, 7] }], ['maximize', 'minimize'], { ranks: false });
    assert.deepEqual(quick.points.map(p => p.rank), [0, 0, 1, 1]);
  });

  it('plots and ranks take the given front: ranks off it equal ranking every trial (2 and 4 objectives, ties; seed 99)', () => {
    const rng = new Rng(99);
    for (const m of [2, 4]) {
      const directions = Array.from({ length: m }, (_, k) => (k % 2 ? 'minimize' : 'maximize') as 'minimize' | 'maximize');
      const many = Array.from({ length: 400 }, (_, number) => ({ number, state: 'complete' as const, values: Array.from({ length: m }, () => rng.int(8)) }));
      const data = paretoData(many, directions);
      assert.deepEqual(rankedPoints(data).map(p => p.rank), paretoPlot(many, directions).points.map(p => p.rank), `${m} objectives (seed 99)`);
      // The plot's front is the data's, whatever it holds: nothing recomputes it.
      const given = { ...data, front: data.front.slice(1) };
      assert.deepEqual(paretoPlotOf(given, { history: false, ranks: false }).front.map(p => p.number), given.front.map(i => data.scored[i].number));
      assert.deepEqual(rankedPoints(given).filter(p => p.rank === 0).map(p => p.number), given.front.map(i => data.scored[i].number));
    }
  });
});
