import { strict as assert } from 'node:assert';
import { bestTrialNumber, type AnalysedTrial, inferAxes, normalise, optimizationHistory, parallelCoordinates, sliceData, formatParam } from '../../../src/core/analysis';

describe('analysis: history, axes, slice and parallel data', () => {
  it('tracks the best value so far when minimizing, skipping NaN and null', () => {
    const trials = [
      { number: 2, params: {}, value: 3 },
      { number: 0, params: {}, value: 5 },
      { number: 1, params: {}, value: NaN },
      { number: 3, params: {}, value: null },
      { number: 4, params: {}, value: 4 },
      { number: 5, params: {}, value: 1 },
    ];
    const h = optimizationHistory(trials, 'minimize');
    assert.deepEqual(h.map(p => p.number), [0, 1, 2, 4, 5]);
    assert.deepEqual(h.map(p => p.best), [5, 5, 3, 3, 1]);
    assert.deepEqual(h.map(p => p.bestTrial), [0, 0, 2, 2, 5]);
    assert.equal(h[1].finite, false);
    assert.equal(bestTrialNumber(trials, 'minimize'), 5);
  });

  it('tracks the best value when maximizing; NaN first means no best yet', () => {
    const h = optimizationHistory([{ number: 0, params: {}, value: NaN }, { number: 1, params: {}, value: 0.5 }, { number: 2, params: {}, value: 0.9 }, { number: 3, params: {}, value: 0.7 }], 'maximize');
    assert.ok(Number.isNaN(h[0].best));
    assert.equal(h[0].bestTrial, -1);
    assert.deepEqual(h.slice(1).map(p => p.best), [0.5, 0.9, 0.9]);
    assert.equal(bestTrialNumber([], 'maximize'), null);
    assert.equal(bestTrialNumber([{ number: 0, params: {}, value: Infinity }], 'maximize'), null);
  });

  it('infers numeric, log and categorical axes, with missing values', () => {
    const axes = inferAxes([
      { number: 0, params: { lr: 1e-4, layers: 2, act: 'relu', mixed: 'auto' }, value: 1 },
      { number: 1, params: { lr: 1e-1, layers: 8, act: 'gelu', mixed: 0.5 }, value: 2 },
      { number: 2, params: { lr: 1e-2, act: null }, value: 3 },
    ]);
    const byName = Object.fromEntries(axes.map(a => [a.name, a]));
    assert.deepEqual(byName.lr, { name: 'lr', kind: 'numeric', min: 1e-4, max: 0.1, log: true, missing: false });
    assert.deepEqual(byName.layers, { name: 'layers', kind: 'numeric', min: 2, max: 8, log: false, missing: true });
    assert.deepEqual(byName.act, { name: 'act', kind: 'categorical', categories: ['gelu', 'relu', '(missing)'], missing: true });
    assert.equal(byName.mixed.kind, 'categorical');
    assert.equal(normalise(byName.lr, 1e-2), 2 / 3);
    assert.equal(normalise(byName.layers, undefined), null);
    assert.equal(normalise(byName.act, null), 1);
    assert.equal(formatParam(0.000123456789), '0.0001235');
  });

  it('builds slice and parallel-coordinate data from every scored trial', () => {
    const trials: AnalysedTrial[] = [
      { number: 0, params: { lr: 0.1, opt: 'sgd' }, value: 1 },
      { number: 1, params: { lr: 0.2, opt: 'adam' }, value: 3 },
      { number: 2, params: { lr: 0.3 }, value: null },
      { number: 3, params: { opt: 'adam' }, value: 2 },
    ];
    const slices = sliceData(trials);
    const lr = slices.find(s => s.axis.name === 'lr')!;
    assert.deepEqual(lr.points.map(p => p.x), [0.1, 0.2, null]);
    const opt = slices.find(s => s.axis.name === 'opt')!;
    assert.deepEqual(opt.points.map(p => p.label), ['sgd', 'adam', 'adam']);
    assert.deepEqual(opt.points.map(p => p.x), [1, 0, 0]);
    const pc = parallelCoordinates(trials);
    assert.equal(pc.lines.length, 3);
    assert.equal(pc.valueMin, 1);
    assert.equal(pc.valueMax, 3);
    assert.deepEqual(pc.lines[2].coords, [null, 0]);
  });
});
