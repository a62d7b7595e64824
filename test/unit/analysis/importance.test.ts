import { strict as assert } from 'node:assert';
import { analyseStudy, topPair, type AnalysedTrial } from '../../../src/core/analysis';
import { seededRandom } from '../../../src/core/analysis/forest';

/** Synthetic study: only `lr` (log-scaled) matters much, `dropout` a little, `noise` and `seed_name` not at all. */
function synthetic(n: number, seed = 1): AnalysedTrial[] {
  const random = seededRandom(seed);
  const trials: AnalysedTrial[] = [];
  for (let i = 0; i < n; i++) {
    const lr = 10 ** (-5 + 4 * random());
    const dropout = random() * 0.5;
    const noise = random();
    const seedName = ['a', 'b', 'c'][Math.floor(random() * 3)];
    const u = Math.log10(lr) + 3;
    trials.push({ number: i, params: { lr, dropout, noise, seed_name: seedName }, value: u * u + 0.3 * (dropout - 0.2) ** 2 + 0.01 * random() });
  }
  return trials;
}

describe('analysis: parameter importance', () => {
  it('ranks the informative parameter first on synthetic data', () => {
    const model = analyseStudy(synthetic(200), 'minimize');
    assert.equal(model.importances[0].name, 'lr');
    assert.ok(model.importances[0].importance > 0.8, `lr importance ${model.importances[0].importance}`);
    const sum = model.importances.reduce((a, b) => a + b.importance, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `importances sum to ${sum}`);
    const noise = model.importances.find(i => i.name === 'noise')!;
    assert.ok(noise.importance < 0.1, `noise importance ${noise.importance}`);
    assert.equal(model.note, null);
  });

  it('is deterministic under a seed and differs across seeds only slightly', () => {
    const trials = synthetic(120);
    const a = analyseStudy(trials, 'minimize', { seed: 7 });
    const b = analyseStudy(trials, 'minimize', { seed: 7 });
    assert.deepEqual(a.importances, b.importances);
    assert.deepEqual(a.contour('lr', 'dropout', 8), b.contour('lr', 'dropout', 8));
    const c = analyseStudy(trials, 'minimize', { seed: 8 });
    assert.equal(c.importances[0].name, 'lr');
  });

  it('finds an important categorical parameter', () => {
    const random = seededRandom(3);
    const offsets: Record<string, number> = { sgd: 1, adam: 0, rmsprop: 0.4 };
    const trials: AnalysedTrial[] = Array.from({ length: 90 }, (_, i) => {
      const optimizer = ['sgd', 'adam', 'rmsprop'][i % 3];
      const width = Math.floor(random() * 512);
      return { number: i, params: { optimizer, width }, value: offsets[optimizer] + 0.01 * random() };
    });
    const model = analyseStudy(trials, 'minimize');
    assert.equal(model.importances[0].name, 'optimizer');
    const axis = model.axes.find(a => a.name === 'optimizer')!;
    assert.equal(axis.kind, 'categorical');
    const grid = model.contour('optimizer', 'width', 5)!;
    assert.deepEqual(grid.x, ['adam', 'rmsprop', 'sgd']);
    // adam (offset 0) predicts lower than sgd (offset 1) at every width.
    for (const row of grid.z) assert.ok(row[0] < row[2], `adam ${row[0]} vs sgd ${row[2]}`);
  });

  it('handles missing values (conditional params, null, NaN params) without throwing', () => {
    const trials: AnalysedTrial[] = synthetic(80).map((t, i) => {
      const params = { ...t.params } as Record<string, number | string | null>;
      if (i % 3 === 0) delete params.dropout;
      if (i % 5 === 0) params.noise = null;
      if (i % 7 === 0) params.lr = NaN;
      return { ...t, params };
    });
    const model = analyseStudy(trials, 'minimize');
    assert.equal(model.importances.length, 4);
    assert.ok(model.importances.every(i => Number.isFinite(i.importance) && i.importance >= 0));
    const dropout = model.axes.find(a => a.name === 'dropout')!;
    assert.equal(dropout.missing, true);
    const grid = model.contour('lr', 'dropout', 6)!;
    assert.ok(grid.z.flat().every(Number.isFinite));
  });

  it('returns zeros with a reason for 0 or 1 trial, equal values, no params', () => {
    assert.match(analyseStudy([], 'minimize').note!, /no parameters/);
    const one = analyseStudy([{ number: 0, params: { lr: 0.1 }, value: 1 }], 'minimize');
    assert.match(one.note!, /at least 2/);
    assert.deepEqual(one.importances, [{ name: 'lr', importance: 0 }]);
    assert.equal(one.contour('lr', 'lr'), null);
    const equal = analyseStudy([0.1, 0.2, 0.3].map((lr, i) => ({ number: i, params: { lr, bs: 8 * (i + 1) }, value: 0.5 })), 'maximize');
    assert.match(equal.note!, /same value/);
    assert.ok(equal.importances.every(i => i.importance === 0));
    assert.equal(analyseStudy([{ number: 0, params: {}, value: 1 }, { number: 1, params: {}, value: 2 }], 'minimize').note, 'the trials have no parameters');
  });

  it('ignores trials without a finite value and survives huge outliers', () => {
    const trials = synthetic(100);
    trials.push({ number: 100, params: { lr: 0.1, dropout: 0.1, noise: 0.5, seed_name: 'a' }, value: NaN });
    trials.push({ number: 101, params: { lr: 0.1, dropout: 0.1, noise: 0.5, seed_name: 'a' }, value: null });
    trials.push({ number: 102, params: { lr: 1e-3, dropout: 0.1, noise: 0.9, seed_name: 'b' }, value: 1e300 });
    const model = analyseStudy(trials, 'minimize');
    assert.equal(model.fitted, 101);
    assert.equal(model.importances[0].name, 'lr');
  });

  it('caps the trials it fits on and gives the contour grid the requested shape', () => {
    const model = analyseStudy(synthetic(3000), 'minimize', { maxTrials: 300, trees: 8 });
    assert.equal(model.fitted, 300);
    assert.deepEqual(topPair(model), ['lr', 'dropout']);
    const grid = model.contour('lr', 'dropout', 12)!;
    assert.equal(grid.x.length, 12);
    assert.equal(grid.y.length, 12);
    assert.equal(grid.z.length, 12);
    assert.ok(grid.z.every(row => row.length === 12));
    // lr is log-spaced on its axis; the minimum of the surface sits near lr = 1e-3.
    const xs = grid.x as number[];
    assert.ok(xs[0] < 2e-5 && xs[11] > 5e-2, `lr grid ${xs[0]}..${xs[11]}`);
    let best = { v: Infinity, c: -1 };
    grid.z.forEach(row => row.forEach((v, c) => v < best.v && (best = { v, c })));
    assert.ok(xs[best.c] > 1e-4 && xs[best.c] < 1e-2, `minimum at lr=${xs[best.c]}`);
    assert.ok(grid.zMin <= best.v && grid.zMax > grid.zMin);
    assert.equal(model.contour('lr', 'unknown'), null);
  });
});
