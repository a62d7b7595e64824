import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { captureIO } from './capture';

const FIXTURES = path.resolve(__dirname, '../../fixtures/metrics');

interface JsonRun {
  id: string;
  name: string;
  source: string;
  state: string | null;
  params: Record<string, unknown>;
  metrics: Record<string, Array<[number, number | null]>>;
}

async function runs(args: string[], cwd = FIXTURES): Promise<{ code: number; out: string; err: string; json?: { runs: JsonRun[] } }> {
  const c = captureIO({ cwd });
  const code = await runCli(['runs', ...args], c.io);
  return { code, out: c.out(), err: c.err(), json: args.includes('--json') ? (JSON.parse(c.out()) as { runs: JsonRun[] }) : undefined };
}

describe('hpstudio runs', function () {
  this.timeout(60_000);

  it('prints the JSON contract for every reader, steps ascending, NaN and ±Infinity as null', async () => {
    const cases: Array<[string, string, number]> = [
      ['catboost/catboost_info', 'tensorboard', 2],
      ['catboost/catboost_info/learn/events.out.tfevents', 'tensorboard', 1],
      ['hf/fp16-overflow/trainer_state.json', 'trainer-state', 1],
      ['optuna/deleted-studies.log', 'optuna-journal', 4],
      ['optuna/study.db', 'optuna-rdb', 11],
      ['mlflow/generated/mlruns', 'mlflow', 5],
      ['mlflow/imageclass/mlruns', 'mlflow', 7],
    ];
    for (const [target, source, count] of cases) {
      const r = await runs([target, '--json']);
      assert.equal(r.code, 0, `${target}: ${r.err}`);
      const list = r.json!.runs;
      assert.equal(list.length, count, target);
      for (const run of list) {
        assert.deepEqual(Object.keys(run), ['id', 'name', 'source', 'state', 'params', 'metrics']);
        assert.equal(run.source, source);
        for (const series of Object.values(run.metrics)) {
          for (let i = 1; i < series.length; i++) assert.ok(series[i - 1][0] <= series[i][0], `${target} ${run.id}: steps ascending`);
          assert.ok(series.every(([s, v]) => Number.isFinite(s) && (v === null || Number.isFinite(v))));
        }
      }
    }
  });

  it('gives exact values: the HF fp16 overflow, the MLflow nan/inf, Optuna params and states', async () => {
    const hf = (await runs(['hf/fp16-overflow/trainer_state.json', '--json'])).json!.runs[0];
    assert.deepEqual(hf.metrics.loss, [[10, 2.3026], [20, null], [30, 1.8421], [40, 1.5127], [50, 1.3312]]);
    assert.deepEqual(hf.metrics.eval_loss, [[20, 2.0114], [40, null], [60, 1.2248]]);
    assert.equal(hf.state, null, 'a trainer_state.json does not say whether training still runs');
    const ml = (await runs(['mlflow/generated/mlruns', '--json'])).json!.runs.find(r => r.name === 'eager-elk-3')!;
    assert.deepEqual(ml, {
      id: '271828182845904523/1b2c3d4e5f60718293a4b5c6d7e8f90a',
      name: 'eager-elk-3',
      source: 'mlflow',
      state: 'fail',
      params: { lr: 1, 'model/depth': 3, optimizer: 'adam' },
      metrics: { 'train/loss': [[0, 21], [1, null], [2, null]], val_loss: [[0, 23.1], [1, null], [2, null]] },
    });
    const journal = (await runs(['optuna/deleted-studies.log', '--json'])).json!.runs;
    assert.deepEqual(journal.map(r => r.id).sort(), ['kept/0', 'reused (2)/0', 'reused (2)/1', 'reused (2)/2']);
    const db = (await runs(['optuna/study.db', '--json'])).json!.runs;
    assert.deepEqual(db.filter(r => r.id.startsWith('lr-sweep/')).map(r => r.state), ['complete', 'complete', 'pruned', 'fail', 'pruned', 'pruned', 'pruned', 'pruned']);
    assert.deepEqual(db.find(r => r.id === 'lr-sweep/1')!.metrics.value, [[5, null]], 'an infinite objective is null');
  });

  it('sorts a series by step even when the file logged it out of order', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-runs-cli-'));
    try {
      fs.writeFileSync(path.join(dir, 'metrics.csv'), 'step,loss\n3,0.3\n1,0.1\n2,0.2\n');
      const r = await runs(['metrics.csv', '--json'], dir);
      assert.deepEqual(r.json!.runs[0].metrics.loss, [[1, 0.1], [2, 0.2], [3, 0.3]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints a readable summary per run and metric', async () => {
    const r = await runs(['mlflow/generated/mlruns']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^mlflow\/generated\/mlruns \(mlflow\): 5 runs$/m);
    assert.match(r.out, /^ {2}eager-elk-3 {2}\[271828182845904523\/1b2c3d4e5f60718293a4b5c6d7e8f90a\] {2}fail {2}lr=1 model\/depth=3 optimizer=adam$/m);
    assert.match(r.out, /^ {4}train\/loss {2}3 points {2}steps 0–2 {2}last Infinity {2}min 21 {2}max 21 {2}\(2 not finite\)$/m);
    const cat = await runs(['catboost/catboost_info']);
    assert.match(cat.out, /^ {4}RMSE {2}807 points {2}steps 0–806 {2}last 0\.37673 {2}min 0\.37673 {2}max 5\.47364$/m);
  });

  it('prefixes run ids with their path when given several paths', async () => {
    const r = await runs(['catboost/catboost_info', 'hf/fp16-overflow/trainer_state.json', '--json']);
    assert.deepEqual(r.json!.runs.map(run => run.id), ['catboost/catboost_info/learn', 'catboost/catboost_info/test', 'hf/fp16-overflow/trainer_state.json']);
  });

  it('says why a folder gives nothing, and exits 1; a missing path too; no path is a usage error', async () => {
    const empty = await runs(['stdout', '--json']);
    assert.equal(empty.code, 1);
    assert.deepEqual(empty.json, { runs: [] });
    assert.match(empty.err, /^hpstudio runs: no runs in stdout: looked at 6 files \(custom\.txt, hf-trainer\.stderr\.txt, .*\) in 1 folder, none of them metrics this panel reads\. Expected a TensorBoard/m);
    const missing = await runs(['nope.db']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /nope\.db does not exist/);
    assert.equal((await runs([])).code, 2);
  });
});
