import * as assert from 'node:assert/strict';
import { analyzeLrFind, roundRate, smoothCurve, type LrTrial } from '../../../src/core/lrfind/analysis';
import { logSpacedRates } from '../../../src/core/lrfind/spec';
import { judgeStream, streamRules } from '../../../src/core/lrfind/stream';
import { Rng } from '../../../src/core/search/rng';

const rules = streamRules({ maxReports: 10 });
const SEED = Number(process.env.HPSTUDIO_TEST_SEED ?? 1827);

/**
 * Short runs of a model where the rate's effect is known: the loss decays as exp(-lr·k·speed) towards
 * a floor growing with the rate, and blows up above `edge`. Each trial reports `reports` values.
 */
function runs(rates: readonly number[], options: { edge?: number; noise?: number; ignore?: boolean; reports?: number; seed?: number } = {}): LrTrial[] {
  const rng = new Rng(options.seed ?? SEED);
  const reports = options.reports ?? 10;
  return rates.map((lr, number) => {
    const values: [number, number][] = [];
    for (let k = 0; k < reports; k++) {
      const rate = options.ignore ? 0.01 : lr;
      let v = 0.1 + 3 * rate + 2 * Math.exp(-rate * 20 * k);
      if (options.edge !== undefined && lr > options.edge) v = 2 * Math.pow(3, k);
      v *= 1 + (options.noise ?? 0) * (rng.next() - 0.5);
      values.push([k * 10, v]);
    }
    return { number, lr, state: 'pruned', values };
  });
}

describe('lr-find analysis', () => {
  it('finds the fall, the floor, the rise and the divergence, and suggests half a step below the floor', () => {
    const rates = logSpacedRates(1e-3, 10, 13);
    const r = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials: runs(rates, { edge: 1.5 }), low: 1e-3, high: 10 });
    assert.equal(r.verdict, 'ok');
    assert.ok(r.minimum && r.minimum.lr > 0.02 && r.minimum.lr < 0.5, `minimum ${r.minimum?.lr}`);
    assert.ok(r.steepest && r.steepest.lr < r.minimum.lr, 'falls fastest below the minimum');
    assert.equal(r.divergedAbove, 2.15);
    assert.ok(r.suggested !== null && r.suggested < (r.floor as number) && r.suggested >= (r.floor as number) / 1.6, `suggested ${r.suggested} floor ${r.floor}`);
    assert.equal(r.points.filter(p => p.status === 'diverged').length, 3);
    assert.match(r.message, /^The loss falls fastest around [\d.e-]+ \([\d.e-]+ – [\d.e-]+\); it (reaches its floor from|is lowest at) .*it diverges from 2\.1\. Suggested lr = [\d.e-]+: half a step below where the floor begins/);
    assert.equal(r.trials, 13);
    assert.equal(r.reports, 13 * 10);
  });

  it('keeps the suggestion steady under the noise of short runs (seeded; HPSTUDIO_TEST_SEED)', () => {
    const rates = logSpacedRates(1e-3, 10, 13);
    const clean = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials: runs(rates, { edge: 1.5 }) }).suggested as number;
    for (let i = 0; i < 20; i++) {
      const seed = SEED + i;
      const noisy = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials: runs(rates, { edge: 1.5, noise: 0.1, seed }) });
      assert.equal(noisy.verdict, 'ok', `seed ${seed}: ${noisy.message}`);
      const ratio = (noisy.suggested as number) / clean;
      assert.ok(ratio > 1 / 2.5 && ratio < 2.5, `seed ${seed}: suggested ${noisy.suggested}, without noise ${clean}`);
    }
  });

  it('says when every run diverged, and what to try', () => {
    const rates = logSpacedRates(1, 100, 6);
    const trials = rates.map((lr, number): LrTrial => ({ number, lr, state: 'pruned', values: [[0, 1]], nonFinite: { step: 10, value: 'NaN' } }));
    const r = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials, low: 1, high: 100 });
    assert.equal(r.verdict, 'all-diverged');
    assert.equal(r.suggested, null);
    assert.equal(r.message, 'Every trial diverged, even at the lowest rate (1).');
    assert.match(r.advice ?? '', /Lower the range, e\.g\. 0\.001 … 1/);
  });

  it('says when the program ignores the rate (the same loss at every rate)', () => {
    const rates = logSpacedRates(1e-4, 1, 9);
    const r = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials: runs(rates, { ignore: true }), low: 1e-4, high: 1 });
    assert.equal(r.verdict, 'ignored');
    assert.match(r.message, /is the same at every rate from 1e-4 to 1 .*the program seems to ignore lr/);
    assert.match(r.advice ?? '', /Check that the program reads lr/);
  });

  it('says when the range is too narrow: still falling at the top, lowest at the bottom, flat', () => {
    const low = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials: runs(logSpacedRates(1e-4, 3e-3, 6)), low: 1e-4, high: 3e-3 });
    assert.equal(low.verdict, 'still-falling');
    assert.match(low.message, /still falls at the highest rate tried \(0\.003\): the range is too narrow to decide/);
    assert.match(low.advice ?? '', /Raise the upper end, e\.g\. up to 0\.09/);
    const high = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials: runs(logSpacedRates(0.5, 1.4, 6)), low: 0.5, high: 1.4 });
    assert.equal(high.verdict, 'lowest-at-bottom');
    assert.match(high.advice ?? '', /Lower the lower end, e\.g\. from 0\.017/);
    const flat = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials: runs(logSpacedRates(0.1, 0.3, 5), { ignore: true }), low: 0.1, high: 0.3 });
    assert.equal(flat.verdict, 'flat');
    assert.match(flat.advice ?? '', /Widen it to two decades or more/);
  });

  it('puts failed trials above the minimum at the edge, and ignores retried interruptions', () => {
    const rates = logSpacedRates(1e-3, 10, 13);
    const trials = runs(rates, { edge: 100 }).map(t => (t.lr > 1.5 ? { ...t, state: 'fail' as const, values: t.values.slice(0, 1), error: 'exited with code 3\ndiverged at epoch 1' } : t));
    trials.push({ number: 99, lr: 1e-3, state: 'fail', values: [], error: 'interrupted: the study was stopped while this trial ran', requeued: true });
    const r = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials });
    assert.equal(r.verdict, 'ok');
    assert.equal(r.divergedAbove, 2.15);
    assert.match(r.message, /trials fail from 2\.1/);
    assert.equal(r.points.find(p => p.lr === 2.15)?.why, 'exited with code 3');
    assert.equal(r.trials, 13);
  });

  it('says every trial failed, with the first reason', () => {
    const trials: LrTrial[] = [1e-3, 1e-2].map((lr, number) => ({ number, lr, state: 'fail', values: [], error: 'exited with code 2\nusage: train.py' }));
    const r = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials });
    assert.equal(r.verdict, 'all-failed');
    assert.equal(r.message, 'Every trial failed (exited with code 2).');
  });

  it('waits for running trials before suggesting, and handles a maximised metric', () => {
    const rates = logSpacedRates(1e-3, 10, 13);
    const trials = runs(rates, { edge: 1.5 });
    const running = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials: trials.map((t, i) => (i === 3 ? { ...t, state: 'running' } : t)), planned: 13 });
    assert.equal(running.verdict, 'running');
    assert.equal(running.suggested, null);
    assert.match(running.message, /Running: 12 of 13 rates done/);
    const asScore = trials.map(t => ({ ...t, values: t.values.map(([s, v]) => [s, -v] as [number, number]) }));
    const max = analyzeLrFind({ param: 'lr', metric: 'score', direction: 'maximize', rules, trials: asScore });
    const min = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials });
    assert.equal(max.suggested, min.suggested);
    assert.match(max.message, /^Score improves fastest around/);
  });

  it('reads each trial by the median of its last half, so a late spike does not move its point', () => {
    const rates = logSpacedRates(1e-3, 10, 13);
    const trials = runs(rates, { edge: 1.5 });
    const i = trials.findIndex(t => t.lr === 0.1);
    const clean = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials });
    // Two spikes among the last five reports (a third of the reports would have been two of three).
    const values = trials[i].values.map(([s, v], k) => [s, k === 7 || k === 9 ? v * 1.6 : v] as [number, number]);
    const spiky = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials: trials.map((t, k) => (k === i ? { ...t, values } : t)) });
    const at = (r: typeof clean) => r.points.find(p => p.lr === 0.1)?.loss as number;
    assert.ok(at(spiky) / at(clean) < 1.05, `spiky ${at(spiky)} clean ${at(clean)}`);
    assert.equal(spiky.suggested, clean.suggested);
  });

  it('reads a trial up to the pruner\'s decision: reports made while its stop was on the way change nothing but the count', () => {
    const rates = logSpacedRates(1e-3, 10, 13);
    // What the pruner leaves on a quiet machine: each trial up to the report its rules said "enough" at
    // (the fast rates level off after 6 of the 10 reports).
    const trials = runs(rates, { edge: 1.5, noise: 0.1, reports: 10 }).map(t => {
      const k = t.values.findIndex((_, j) => judgeStream(t.values.slice(0, j + 1).map(([, v]) => v), 'minimize', rules) !== undefined);
      return { ...t, values: t.values.slice(0, k + 1) };
    });
    assert.ok(trials.some(t => t.values.length < 10), 'some trials levelled off early');
    const onTime = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials });
    // A loaded machine: every trial got 4 more reports in before its process group was gone, wild ones.
    const late = trials.map(t => ({ ...t, values: [...t.values, ...[1, 2, 3, 4].map(j => [t.values[t.values.length - 1][0] + 10 * j, t.values[t.values.length - 1][1] * (j % 2 ? 0.2 : 5)] as [number, number])] }));
    const loaded = analyzeLrFind({ param: 'lr', metric: 'loss', direction: 'minimize', rules, trials: late });
    assert.deepEqual(loaded.points.map(p => [p.lr, p.status, p.loss]), onTime.points.map(p => [p.lr, p.status, p.loss]));
    assert.equal(loaded.suggested, onTime.suggested);
    assert.equal(loaded.message, onTime.message);
    assert.equal(loaded.reports, onTime.reports + 13 * 4);
  });

  it('smooths one outlier away without smearing a rate into its neighbours, and rounds rates', () => {
    assert.deepEqual(smoothCurve([1, 1, 9, 1, 1]).map(v => Number(v.toFixed(3))), [1, 1, 1, 1, 1]);
    // A noisy top end stays where it is and does not lift the valley next to it.
    assert.deepEqual(smoothCurve([5, 3, 2, 1.5, 4]), [5, 3, 2, 2, 4]);
    assert.equal(roundRate(0.006789), 0.0068);
    assert.equal(roundRate(2.149), 2.1);
  });
});
