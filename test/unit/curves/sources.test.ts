import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JournalCurvesSource } from '../../../src/core/curves/journalSource';
import { RunCurvesSource } from '../../../src/core/curves/runSource';
import type { CurvesDelta } from '../../../src/core/protocol/curves';

const header = { op: 'study', v: 1, name: 'demo', space: { params: [{ name: 'lr', distribution: { type: 'float', low: 1e-4, high: 1, log: true } }] }, direction: 'minimize', metric: 'val_loss', sampler: 'random', seed: 1, studyFile: 'sweep.yaml', time: 1 };
const line = (o: object) => `${JSON.stringify(o)}\n`;

describe('JournalCurvesSource', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-curves-'));
    file = path.join(dir, 'journal.jsonl');
    fs.writeFileSync(file, line(header) + line({ op: 'trial', number: 0, params: { lr: 0.01 }, state: 'running', pid: 1, host: 'h', time: 2 })
      + line({ op: 'value', number: 0, step: 1, value: 0.9 }) + line({ op: 'value', number: 0, step: 2, value: 0.7 }));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('snapshots the trials and the study metric curves', () => {
    const source = new JournalCurvesSource(file);
    const snap = source.snapshot();
    assert.equal(snap.title, 'Study demo');
    assert.deepEqual(snap.metrics, ['val_loss']);
    assert.deepEqual(snap.trials.map(t => [t.number, t.state]), [[0, 'running']]);
    assert.deepEqual(snap.series, [{ trial: 0, metric: 'val_loss', steps: [1, 2], values: [0.9, 0.7] }]);
  });

  it('sends only what changed as the journal grows', async () => {
    const source = new JournalCurvesSource(file);
    source.snapshot();
    const deltas: CurvesDelta[] = [];
    const sub = source.onDidChange(d => deltas.push(d));
    fs.appendFileSync(file, line({ op: 'value', number: 0, step: 3, value: 0.5 }) + line({ op: 'finish', number: 0, state: 'complete', value: 0.5, time: 9 })
      + line({ op: 'trial', number: 1, params: { lr: 0.5 }, state: 'running', pid: 1, host: 'h', time: 10 }));
    await source.refresh();
    sub.dispose();
    assert.equal(deltas.length, 1);
    assert.deepEqual(deltas[0].series, [{ trial: 0, metric: 'val_loss', steps: [3], values: [0.5] }]);
    assert.deepEqual(deltas[0].trials?.map(t => [t.number, t.state, t.value]), [[0, 'complete', 0.5], [1, 'running', null]]);
    // Start times and durations place the trials on the timeline view.
    assert.deepEqual(deltas[0].trials?.map(t => [t.startMs, t.durationMs]), [[2, 7], [10, null]]);
    await source.refresh();
    assert.equal(deltas.length, 1, 'an unchanged journal sends nothing');
  });
});

describe('RunCurvesSource', () => {
  it('opens an Optuna journal as one curve per trial with params and values', async () => {
    const source = await RunCurvesSource.open(path.resolve(__dirname, '../../fixtures/metrics/optuna/journal.log'));
    const snap = source.snapshot();
    // Two studies in one journal: 11 trials, none of them merged although both start at #0.
    assert.equal(snap.trials.length, 11);
    assert.equal(new Set(snap.trials.map(t => t.number)).size, 11);
    const states = snap.trials.map(t => t.state).sort();
    assert.deepEqual(states, ['complete', 'complete', 'complete', 'complete', 'complete', 'fail', 'pruned', 'pruned', 'pruned', 'pruned', 'pruned']);
    assert.ok(snap.series.length > 0);
    assert.ok(snap.trials.some(t => Object.keys(t.params).length > 0 && typeof t.value === 'number'));
  });

  it('opens a Lightning metrics.csv and follows rows appended later', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-csv-'));
    const csv = path.join(dir, 'metrics.csv');
    fs.writeFileSync(csv, 'epoch,step,train_loss,val_loss\n0,10,0.9,\n0,10,,0.95\n');
    try {
      const source = await RunCurvesSource.open(csv);
      const snap = source.snapshot();
      assert.deepEqual([...snap.metrics].sort(), ['train_loss', 'val_loss']);
      assert.equal(snap.metric, 'val_loss');
      const deltas: CurvesDelta[] = [];
      const sub = source.onDidChange(d => deltas.push(d));
      fs.appendFileSync(csv, '1,20,0.6,\n1,20,,0.7\n');
      await source.refresh();
      sub.dispose();
      const points = deltas.flatMap(d => d.series ?? []).map(s => [s.metric, s.steps, s.values]);
      assert.deepEqual(points.sort(), [['train_loss', [20], [0.6]], ['val_loss', [20], [0.7]]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('JournalCurvesSource with trial logs', () => {
  it('adds the other metrics the trials print (loss…) next to the objective from the journal', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-curves-logs-'));
    const file = path.join(dir, 'journal.jsonl');
    try {
      fs.writeFileSync(file, line(header) + line({ op: 'trial', number: 0, params: { lr: 0.01 }, state: 'running', pid: 1, host: 'h', time: 2 }) + line({ op: 'value', number: 0, step: 1, value: 0.9 }));
      const trialDir = path.join(dir, 'trials', '0');
      fs.mkdirSync(trialDir, { recursive: true });
      fs.writeFileSync(path.join(trialDir, 'stdout.log'), '{"epoch": 1, "loss": 1.2, "val_loss": 0.9}\n');
      const source = new JournalCurvesSource(file);
      source.snapshot();
      const deltas: CurvesDelta[] = [];
      const sub = source.onDidChange(d => deltas.push(d));
      await source.refresh();
      fs.appendFileSync(path.join(trialDir, 'stdout.log'), '{"epoch": 2, "loss": 0.8, "val_loss": 0.7}\n');
      fs.appendFileSync(file, line({ op: 'value', number: 0, step: 2, value: 0.7 }) + line({ op: 'finish', number: 0, state: 'complete', value: 0.7, time: 9 }));
      await source.refresh();
      sub.dispose();
      const loss = deltas.flatMap(d => d.series ?? []).filter(s => s.metric === 'loss');
      assert.deepEqual(loss.flatMap(s => [...s.values]), [1.2, 0.8], 'loss comes from the log, point by point');
      // The objective is not doubled: val_loss comes only from the journal.
      const snap = source.snapshot();
      assert.deepEqual(snap.metrics, ['val_loss', 'loss']);
      assert.deepEqual(snap.series.filter(s => s.metric === 'val_loss').flatMap(s => [...s.values]), [0.9, 0.7]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
