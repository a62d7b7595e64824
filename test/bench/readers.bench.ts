/**
 * Run readers at scale: an Optuna SQLite storage with 10,000 trials (20 intermediate values each) and
 * an MLflow mlruns/ with 1,000 runs (2 metrics × 50 steps, 3 params each).
 *   - first read: openRun + polls until idle (what the curves panel does on open; `hpstudio runs` too);
 *   - the panel's path: RunCurvesSource.open + snapshot;
 *   - a live poll after a small change (one new trial / 10 running MLflow runs log a step), and an idle
 *     poll (nothing changed);
 * with the heap and RSS growth of the first read.
 *
 * The .db is made from test/fixtures/metrics/optuna/study.db (written by Optuna 3.1, schema v3.0.0.d):
 * its rows are replaced through sql.js, so the schema is Optuna's own; the mlruns/ is written in the
 * layout MLflow's FileStore writes (as test/fixtures/metrics/mlflow/make_mlruns.py does).
 *
 *   node --expose-gc -r esbuild-register test/bench/readers.bench.ts
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunCurvesSource } from '../../src/core/curves/runSource';
import { openRun, type RunSource } from '../../src/core/metrics/runs';
import { sqlJs, type Database } from '../../src/core/metrics/sqlite';

const TRIALS = 10_000;
const STEPS = 20;
const MLFLOW_RUNS = 1_000;
const MLFLOW_STEPS = 50;
const TEMPLATE = path.resolve(__dirname, '../fixtures/metrics/optuna/study.db');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T; heap: number; rss: number }> {
  gc();
  const before = process.memoryUsage();
  const started = process.hrtime.bigint();
  const value = await fn();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const after = process.memoryUsage();
  return { ms, value, heap: after.heapUsed - before.heapUsed, rss: after.rss - before.rss };
}

async function drain(source: RunSource): Promise<{ runs: number; points: number }> {
  let runs = 0;
  let points = 0;
  for (;;) {
    const u = await source.poll();
    runs += u.runs.length;
    points += u.points.length;
    if (u.runs.length === 0 && u.points.length === 0) return { runs, points };
  }
}

// ---- an Optuna storage with 10,000 trials ------------------------------------------------------------

const DISTRIBUTIONS = {
  lr: '{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0001, "high": 0.1, "log": true}}',
  layers: '{"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 1, "high": 4}}',
  optimizer: '{"name": "CategoricalDistribution", "attributes": {"choices": ["adam", "sgd", "rmsprop"]}}',
};

function addTrial(db: Database, trialId: number, rand: () => number): void {
  const state = trialId % 10 === 9 ? 'PRUNED' : trialId % 50 === 7 ? 'FAIL' : 'COMPLETE';
  db.run('INSERT INTO trials (trial_id, number, study_id, state, datetime_start, datetime_complete) VALUES (?, ?, 1, ?, ?, ?)', [trialId, trialId - 1, state, '2024-01-01 00:00:00.000000', '2024-01-01 00:01:00.000000']);
  const lr = 10 ** (-4 + 3 * rand());
  db.run('INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (?, ?, ?, ?)', [trialId, 'lr', lr, DISTRIBUTIONS.lr]);
  db.run('INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (?, ?, ?, ?)', [trialId, 'layers', 1 + Math.floor(rand() * 4), DISTRIBUTIONS.layers]);
  db.run('INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (?, ?, ?, ?)', [trialId, 'optimizer', Math.floor(rand() * 3), DISTRIBUTIONS.optimizer]);
  let loss = 1;
  const steps = state === 'PRUNED' ? 5 : STEPS;
  for (let step = 1; step <= steps; step++) {
    loss = loss * (0.5 + 5 * lr) + 0.01;
    db.run('INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) VALUES (?, ?, ?, ?)', [trialId, step, loss, 'FINITE']);
  }
  if (state !== 'FAIL') db.run("INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, 0, ?, 'FINITE')", [trialId, loss]);
}

async function makeOptunaDb(file: string): Promise<void> {
  const SQL = await sqlJs();
  const db = new SQL.Database(fs.readFileSync(TEMPLATE));
  for (const table of ['trial_intermediate_values', 'trial_values', 'trial_params', 'trial_user_attributes', 'trial_system_attributes', 'trial_heartbeats', 'trials', 'study_directions', 'study_user_attributes', 'study_system_attributes', 'studies']) db.run(`DELETE FROM ${table}`);
  db.run("INSERT INTO studies (study_id, study_name) VALUES (1, 'bench')");
  db.run("INSERT INTO study_directions (direction, study_id, objective) VALUES ('MINIMIZE', 1, 0)");
  const rand = rng(7);
  db.run('BEGIN');
  for (let t = 1; t <= TRIALS; t++) addTrial(db, t, rand);
  db.run('COMMIT');
  fs.writeFileSync(file, db.export());
  db.close();
}

async function appendTrial(file: string, trialId: number): Promise<void> {
  const SQL = await sqlJs();
  const db = new SQL.Database(fs.readFileSync(file));
  addTrial(db, trialId, rng(trialId));
  fs.writeFileSync(`${file}.tmp`, db.export());
  db.close();
  fs.renameSync(`${file}.tmp`, file);
}

// ---- an MLflow store with 1,000 runs ------------------------------------------------------------------

function yamlMeta(fields: Record<string, string | number | null>): string {
  return Object.keys(fields).sort().map(k => `${k}: ${fields[k] === null ? 'null' : fields[k] === '' ? "''" : fields[k]}`).join('\n') + '\ntags: []\n';
}

function makeMlruns(root: string): string[] {
  const exp = path.join(root, '123456789');
  fs.mkdirSync(path.join(root, '.trash'), { recursive: true });
  fs.mkdirSync(path.join(root, '0'));
  fs.writeFileSync(path.join(root, '0', 'meta.yaml'), "artifact_location: file:///x/mlruns/0\ncreation_time: 1\nexperiment_id: '0'\nlast_update_time: 1\nlifecycle_stage: active\nname: Default\n");
  fs.mkdirSync(exp);
  fs.writeFileSync(path.join(exp, 'meta.yaml'), "artifact_location: file:///x/mlruns/123456789\ncreation_time: 1\nexperiment_id: '123456789'\nlast_update_time: 1\nlifecycle_stage: active\nname: bench\n");
  const rand = rng(3);
  const running: string[] = [];
  for (let i = 0; i < MLFLOW_RUNS; i++) {
    const id = i.toString(16).padStart(32, '0');
    const dir = path.join(exp, id);
    for (const sub of ['metrics', 'params', 'tags']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
    const status = i < 10 ? 1 : 3;
    if (status === 1) running.push(dir);
    fs.writeFileSync(path.join(dir, 'meta.yaml'), yamlMeta({ artifact_uri: `file:///x/${id}/artifacts`, deleted_time: null, end_time: status === 1 ? null : 1717171800000, entry_point_name: '', experiment_id: "'123456789'", lifecycle_stage: 'active', run_id: id, run_name: `run-${i}`, run_uuid: id, source_name: '', source_type: 4, source_version: '', start_time: 1717171700000, status, user_id: 'bench' }));
    fs.writeFileSync(path.join(dir, 'tags', 'mlflow.runName'), `run-${i}`);
    const lr = 10 ** (-4 + 3 * rand());
    fs.writeFileSync(path.join(dir, 'params', 'lr'), String(lr));
    fs.writeFileSync(path.join(dir, 'params', 'batch_size'), String(16 << (i % 4)));
    fs.writeFileSync(path.join(dir, 'params', 'optimizer'), i % 2 ? 'adam' : 'sgd');
    let loss = 2;
    let train = '';
    let val = '';
    for (let step = 0; step < MLFLOW_STEPS; step++) {
      loss = loss * (0.9 + lr) + 0.001;
      train += `${1717171700000 + step} ${loss} ${step}\n`;
      val += `${1717171700000 + step} ${loss * 1.1} ${step}\n`;
    }
    fs.writeFileSync(path.join(dir, 'metrics', 'train_loss'), train);
    fs.writeFileSync(path.join(dir, 'metrics', 'val_loss'), val);
  }
  return running;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-readers-bench-'));
  const rows: Array<[string, string]> = [];
  const result: Record<string, number> = {};
  try {
    const db = path.join(dir, 'bench.db');
    const made = await timed(() => makeOptunaDb(db));
    rows.push(['optuna .db', `${TRIALS} trials, ${mb(fs.statSync(db).size)} (made in ${made.ms.toFixed(0)} ms)`]);
    let source!: RunSource;
    const first = await timed(async () => drain((source = await openRun(db))));
    rows.push(['  first read (open + poll)', `${first.ms.toFixed(0)} ms: ${first.value.runs} runs, ${first.value.points} points; heap +${mb(first.heap)}, RSS +${mb(first.rss)}`]);
    Object.assign(result, { rdbTrials: TRIALS, rdbFirstReadMs: first.ms, rdbPoints: first.value.points, rdbHeapMB: first.heap / 2 ** 20, rdbRssMB: first.rss / 2 ** 20 });
    const idle = await timed(() => source.poll());
    rows.push(['  idle poll (unchanged)', `${idle.ms.toFixed(2)} ms`]);
    await appendTrial(db, TRIALS + 1);
    // The reader waits a few times its last read before reading a changed file again: wait that out.
    let live = await timed(() => source.poll());
    while (live.value.runs.length === 0) {
      await new Promise(r => setTimeout(r, 50));
      live = await timed(() => source.poll());
    }
    rows.push(['  poll after 1 new trial', `${live.ms.toFixed(0)} ms: ${live.value.runs.length} run, ${live.value.points.length} points (the whole file is read again)`]);
    const panel = await timed(async () => (await RunCurvesSource.open(db)).snapshot());
    rows.push(['  curves panel open + snapshot', `${panel.ms.toFixed(0)} ms: ${panel.value.trials.length} trials, ${panel.value.series.length} series`]);
    Object.assign(result, { rdbIdlePollMs: idle.ms, rdbLivePollMs: live.ms, rdbPanelOpenMs: panel.ms });

    const mlruns = path.join(dir, 'mlruns');
    const running = makeMlruns(mlruns);
    rows.push(['mlruns', `${MLFLOW_RUNS} runs × 2 metrics × ${MLFLOW_STEPS} steps, 3 params`]);
    let ml!: RunSource;
    const mlFirst = await timed(async () => drain((ml = await openRun(mlruns))));
    rows.push(['  first read (open + poll)', `${mlFirst.ms.toFixed(0)} ms: ${mlFirst.value.runs} runs, ${mlFirst.value.points} points; heap +${mb(mlFirst.heap)}, RSS +${mb(mlFirst.rss)}`]);
    const mlIdle = await timed(() => ml.poll());
    rows.push(['  idle poll (10 running, 990 finished)', `${mlIdle.ms.toFixed(1)} ms`]);
    for (const r of running) for (const m of ['train_loss', 'val_loss']) fs.appendFileSync(path.join(r, 'metrics', m), `1717171799999 0.5 ${MLFLOW_STEPS}\n`);
    const mlLive = await timed(() => ml.poll());
    rows.push(['  poll after 10 running runs log a step', `${mlLive.ms.toFixed(1)} ms: ${mlLive.value.points.length} points`]);
    const mlPanel = await timed(async () => (await RunCurvesSource.open(mlruns)).snapshot());
    rows.push(['  curves panel open + snapshot', `${mlPanel.ms.toFixed(0)} ms: ${mlPanel.value.trials.length} trials, ${mlPanel.value.series.length} series`]);
    Object.assign(result, { mlflowRuns: MLFLOW_RUNS, mlflowFirstReadMs: mlFirst.ms, mlflowPoints: mlFirst.value.points, mlflowHeapMB: mlFirst.heap / 2 ** 20, mlflowIdlePollMs: mlIdle.ms, mlflowLivePollMs: mlLive.ms, mlflowPanelOpenMs: mlPanel.ms });

    const w = Math.max(...rows.map(([k]) => k.length));
    console.log(`load ${os.loadavg().map(l => l.toFixed(2)).join(' ')}, ${os.cpus().length} cores`);
    console.log(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n'));
    const out = path.resolve(__dirname, '../../test-results/bench');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'readers.json'), `${JSON.stringify({ ...result, load: os.loadavg()[0] }, null, 2)}\n`);
    console.log(`\nwrote ${path.relative(process.cwd(), path.join(out, 'readers.json'))}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
