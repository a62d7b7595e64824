import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunCurvesSource } from '../../../src/core/curves/runSource';
import { NoRunsError } from '../../../src/core/metrics/runs';
import { hostToCurves, parseCurvesMessage, snapshotMessages, type CurvesDelta } from '../../../src/core/protocol/curves';

const FIXTURES = path.resolve(__dirname, '../../fixtures/metrics');

describe('RunCurvesSource over the new readers', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-rcs-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a folder with nothing readable, saying which files it saw and what it expected', async () => {
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'train.py'), 'print(1)\n');
    fs.writeFileSync(path.join(dir, 'src', 'model.cbm'), 'binary');
    fs.copyFileSync(path.join(FIXTURES, 'optuna', 'study.db'), path.join(dir, 'optuna.db'));
    const error = await RunCurvesSource.open(dir).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof NoRunsError, String(error));
    assert.equal(
      error.message,
      `no runs in ${path.basename(dir)}: looked at 3 files (optuna.db, src/model.cbm, train.py) in 2 folders, none of them metrics this panel reads. ` +
        'Expected a TensorBoard log directory or event file, a Lightning metrics.csv, a Hugging Face trainer_state.json, an Optuna journal file or SQLite database (.db), or an MLflow mlruns folder. ' +
        'Open directly: optuna.db (an SQLite database, maybe an Optuna storage)',
    );
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    await assert.rejects(RunCurvesSource.open(empty), /^Error: empty is empty\. Expected a TensorBoard/);
    const watched = await RunCurvesSource.open(empty, 500, { allowEmpty: true });
    assert.equal(watched.runCount, 0, 'watching an empty folder on purpose is allowed');
  });

  it('opens a catboost_info/ folder and an Optuna .db with their runs, and an mlruns/ with params', async () => {
    assert.equal((await RunCurvesSource.open(path.join(FIXTURES, 'catboost', 'catboost_info'))).runCount, 2);
    const db = await RunCurvesSource.open(path.join(FIXTURES, 'optuna', 'study.db'));
    assert.equal(db.runCount, 11);
    // The second study has two objectives: their final values come as value_0 and value_1.
    assert.deepEqual(db.snapshot().metrics, ['intermediate_value', 'value_0', 'value_1']);
    const mlruns = (await RunCurvesSource.open(path.join(FIXTURES, 'mlflow', 'generated', 'mlruns'))).snapshot();
    assert.equal(mlruns.trials.length, 5);
    assert.deepEqual([...mlruns.metrics].sort(), ['train/loss', 'val_loss']);
    assert.ok(mlruns.trials.every(t => typeof t.params.lr === 'number' && typeof t.params.optimizer === 'string'));
  });

  it('ranks runs without an objective (MLflow, TensorBoard) by the last value of the metric shown first', async () => {
    const root = path.join(dir, 'mlruns');
    fs.cpSync(path.join(FIXTURES, 'mlflow', 'generated', 'mlruns'), root, { recursive: true });
    const source = await RunCurvesSource.open(root);
    const snapshot = source.snapshot();
    assert.equal(snapshot.metric, 'val_loss');
    const lastVal = (trial: number) => {
      const s = snapshot.series.find(x => x.trial === trial && x.metric === 'val_loss')!;
      return s.values[s.values.length - 1];
    };
    for (const t of snapshot.trials) assert.equal(t.value, lastVal(t.number), `trial ${t.number}`);
    // A running run logs a new val_loss: its value moves with it.
    const running = path.join(root, '271828182845904523', '3d4e5f60718293a4b5c6d7e8f90a1b2c', 'metrics', 'val_loss');
    fs.appendFileSync(running, '1717171799999 0.125 3\n');
    const deltas: CurvesDelta[] = [];
    const sub = source.onDidChange(d => deltas.push(d));
    await source.refresh();
    sub.dispose();
    assert.deepEqual(deltas.flatMap(d => d.trials ?? []).map(t => t.value), [0.125]);
  });

  it('fits what real runs hold into the panel protocol: a 6 KB param is cut, an overlong metric name skipped with a warning', async () => {
    const root = path.join(dir, 'mlruns');
    fs.cpSync(path.join(FIXTURES, 'mlflow', 'generated', 'mlruns'), root, { recursive: true });
    const run = path.join(root, '271828182845904523', '9f1c2d3e4b5a69788796a5b4c3d2e1f0');
    fs.writeFileSync(path.join(run, 'params', 'prompt'), 'x'.repeat(6000));
    // A metric name of 301 characters: MLflow names with "/" are nested folders.
    fs.mkdirSync(path.join(run, 'metrics', 'm'.repeat(150)));
    fs.writeFileSync(path.join(run, 'metrics', 'm'.repeat(150), 'n'.repeat(150)), '1717171799999 0.5 0\n');
    const source = await RunCurvesSource.open(root);
    const messages = snapshotMessages(source.snapshot(), source.key);
    for (const m of messages) assert.ok(parseCurvesMessage(hostToCurves, m).ok, JSON.stringify(parseCurvesMessage(hostToCurves, m)));
    const trial = source.snapshot().trials.find(t => typeof t.params.prompt === 'string')!;
    assert.equal((trial.params.prompt as string).length, 1000);
    assert.ok(!source.snapshot().metrics.some(m => m.length > 200));
    assert.match(source.warnings.join('\n'), /a metric name of 301 characters was skipped \(at most 200\)/);
  });

  it('tells listeners to start over when a study is deleted, and the snapshot no longer has it', async () => {
    const journal = path.join(FIXTURES, 'optuna', 'deleted-studies.log');
    const lines = fs.readFileSync(journal, 'utf8').split('\n');
    const deleteAt = lines.findIndex(l => /"op_code": 1,/.test(l));
    const file = path.join(dir, 'journal.log');
    fs.writeFileSync(file, `${lines.slice(0, deleteAt).join('\n')}\n`);
    const source = await RunCurvesSource.open(file);
    assert.equal(source.snapshot().trials.length, 3, 'reused #0, #1 and kept #0');
    const deltas: CurvesDelta[] = [];
    const sub = source.onDidChange(d => deltas.push(d));
    fs.appendFileSync(file, `${lines[deleteAt]}\n`);
    await source.refresh();
    sub.dispose();
    assert.deepEqual(deltas, [{ reset: true }]);
    assert.deepEqual(source.snapshot().trials.map(t => t.number), [0]);
    assert.equal(source.snapshot().series.length, 1, 'only the kept study\'s curve');
  });
});
