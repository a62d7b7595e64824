/**
 * MLflow file stores: a real mlruns/ committed by a public project (MLflow 2.x wrote it; two runs deleted
 * from the UI), and stores written exactly as MLflow's FileStore writes them (make_mlruns.py), followed
 * live while they are written.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectRunFormat, explainNoRuns, openRun, type RunInfo, type RunSource } from '../../../src/core/metrics/runs';
import { drain, RunCollector } from '../../unit/metrics/runCollector';

const MLFLOW = path.resolve(__dirname, '../../fixtures/metrics/mlflow');
const REAL = path.join(MLFLOW, 'imageclass', 'mlruns');
const GENERATED = path.join(MLFLOW, 'generated', 'mlruns');
const EXPERIMENT = '271828182845904523';

type Num = number | 'nan' | 'inf' | '-inf';
interface ExpectedRun {
  name: string;
  status: number;
  params: Record<string, string>;
  metrics: Record<string, Array<[number, Num]>>;
}
const num = (v: Num) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
const STATES: Record<number, string> = { 1: 'running', 3: 'complete', 4: 'fail', 5: 'fail' };

function assertMatches(got: RunCollector, expected: Record<string, ExpectedRun>): void {
  assert.deepEqual([...got.runs.keys()].sort(), Object.keys(expected).sort());
  for (const [id, want] of Object.entries(expected)) {
    const run = got.runs.get(id) as RunInfo;
    assert.equal(run.label, want.name);
    assert.equal(run.state, STATES[want.status], id);
    assert.deepEqual(run.params, Object.fromEntries(Object.entries(want.params).map(([k, v]) => [k, Number.isNaN(Number(v)) ? v : Number(v)])));
    for (const [metric, series] of Object.entries(want.metrics)) {
      const mine = got.points.filter(p => p.run === id && p.name === metric).map(p => [p.step, p.value]);
      assert.deepEqual(mine, series.map(([s, v]) => [s, num(v)]), `${id} ${metric}`);
    }
    assert.deepEqual([...new Set(got.points.filter(p => p.run === id).map(p => p.name))].sort(), Object.keys(want.metrics).sort());
  }
}

describe('metrics / MLflow file store', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-mlflow-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a real mlruns/ (committed by a public project): live runs only, params and metrics from their files', async () => {
    assert.equal(await detectRunFormat(REAL), 'mlflow');
    const got = await drain(await openRun(REAL));
    assert.deepEqual(got.warnings, []);
    const experiment = path.join(REAL, '586757370402886605');
    const expected: Record<string, ExpectedRun> = {};
    for (const runId of fs.readdirSync(experiment).filter(n => fs.statSync(path.join(experiment, n)).isDirectory())) {
      const meta = fs.readFileSync(path.join(experiment, runId, 'meta.yaml'), 'utf8');
      if (/^lifecycle_stage: deleted$/m.test(meta)) continue;
      const read = (sub: string) => Object.fromEntries(fs.readdirSync(path.join(experiment, runId, sub)).map(n => [n, fs.readFileSync(path.join(experiment, runId, sub, n), 'utf8')]));
      const metrics = Object.fromEntries(Object.entries(read('metrics')).map(([k, text]) => [k, text.trim().split('\n').map(l => l.split(' ')).map(([, v, s]) => [Number(s), Number(v)] as [number, number])]));
      expected[`586757370402886605/${runId}`] = { name: /^run_name: (.*)$/m.exec(meta)![1], status: Number(/^status: (\d)$/m.exec(meta)![1]), params: read('params'), metrics };
    }
    assert.equal(Object.keys(expected).length, 7, 'nine runs, two of them deleted');
    assertMatches(got, expected);
    assert.deepEqual([...new Set([...got.runs.values()].map(r => r.study))], ['Fashion_MNIST_Experiment']);
  });

  it('reads a store written as MLflow\'s FileStore writes it: nested metric names, nan/inf, every run status, deleted run and experiment hidden', async () => {
    const got = await drain(await openRun(GENERATED));
    assert.deepEqual(got.warnings, []);
    assertMatches(got, JSON.parse(fs.readFileSync(`${GENERATED}.expected.json`, 'utf8')) as Record<string, ExpectedRun>);
    // Wall times are MLflow's timestamps (milliseconds) in seconds.
    assert.ok(got.points.every(p => p.wallTime !== undefined && p.wallTime > 1.7e9 && p.wallTime < 1.8e9));
  });

  it('opens one experiment folder, or one run folder, on its own', async () => {
    assert.equal(await detectRunFormat(path.join(GENERATED, EXPERIMENT)), 'mlflow');
    const experiment = await drain(await openRun(path.join(GENERATED, EXPERIMENT)));
    assert.equal(experiment.runs.size, 5);
    const runDir = path.join(GENERATED, EXPERIMENT, '1b2c3d4e5f60718293a4b5c6d7e8f90a');
    const one = await drain(await openRun(runDir));
    assert.deepEqual([...one.runs.values()].map(r => [r.id, r.label, r.state]), [['1b2c3d4e5f60718293a4b5c6d7e8f90a', 'eager-elk-3', 'fail']]);
    assert.equal(one.points.length, 6);
  });

  it('follows a store while it is written, and drops a run deleted meanwhile (reset)', async () => {
    const root = path.join(dir, 'mlruns');
    const child = spawn('/usr/bin/python3', [path.join(MLFLOW, 'make_mlruns.py'), root, '--pause', '0.02'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (out += d));
    let done = false;
    const exited = new Promise<number | null>(resolve => child.on('exit', code => ((done = true), resolve(code))));
    let source: RunSource | undefined;
    const seen = new RunCollector();
    let sawDeleted = false;
    while (!done) {
      // Opened once the writer has made it an MLflow store: the empty folder it creates first is, to
      // the format detection, an (empty) TensorBoard log folder — and would be followed as one.
      source ??= await openRun(root).then(s => (s.format === 'mlflow' ? s : undefined), () => undefined);
      if (source) seen.apply(await source.poll());
      if (seen.runs.has(`${EXPERIMENT}/4e5f60718293a4b5c6d7e8f90a1b2c3d`)) sawDeleted = true;
      await new Promise(r => setTimeout(r, 10));
    }
    assert.equal(await exited, 0, out);
    await seen.drain(source ?? (await openRun(root)), 12);
    if (sawDeleted) assert.ok(seen.resets >= 1, 'the run deleted while followed went away with a reset');
    assertMatches(seen, JSON.parse(fs.readFileSync(`${root}.expected.json`, 'utf8')) as Record<string, ExpectedRun>);
  });

  it('says why a store shows nothing: every run deleted, experiments in .trash', async () => {
    const root = path.join(dir, 'mlruns');
    fs.cpSync(REAL, root, { recursive: true });
    for (const meta of fs.readdirSync(path.join(root, '586757370402886605')).map(n => path.join(root, '586757370402886605', n, 'meta.yaml')).filter(f => fs.existsSync(f))) {
      fs.writeFileSync(meta, fs.readFileSync(meta, 'utf8').replace('lifecycle_stage: active', 'lifecycle_stage: deleted'));
    }
    const source = await openRun(root);
    assert.deepEqual((await source.poll()).runs, []);
    assert.equal(await explainNoRuns(source), 'no live runs in mlruns (MLflow store): all 9 runs are deleted (lifecycle_stage: deleted)');
  });

  it('reads run ids PyYAML leaves unquoted although YAML 1.2 would take them for numbers (1234e567…)', async () => {
    const root = path.join(dir, 'mlruns');
    fs.cpSync(GENERATED, root, { recursive: true });
    const id = '1234e5670000000000000000000000ab';
    const runDir = path.join(root, EXPERIMENT, id);
    fs.renameSync(path.join(root, EXPERIMENT, '9f1c2d3e4b5a69788796a5b4c3d2e1f0'), runDir);
    const script = `import yaml, sys; p = sys.argv[1]; m = yaml.safe_load(open(p)); m.update(run_id=sys.argv[2], run_uuid=sys.argv[2]); yaml.dump(m, open(p, "w"), default_flow_style=False, allow_unicode=True, sort_keys=True, Dumper=yaml.SafeDumper)`;
    assert.equal(spawnSync('/usr/bin/python3', ['-c', script, path.join(runDir, 'meta.yaml'), id]).status, 0);
    assert.match(fs.readFileSync(path.join(runDir, 'meta.yaml'), 'utf8'), /^run_id: 1234e5670000000000000000000000ab$/m, 'PyYAML writes it unquoted');
    const got = await drain(await openRun(root));
    assert.equal(got.runs.get(`${EXPERIMENT}/${id}`)?.label, 'brave-owl-1');
  });

  it('skips malformed metric lines with file and line, and keeps the rest', async () => {
    const root = path.join(dir, 'mlruns');
    fs.cpSync(GENERATED, root, { recursive: true });
    const file = path.join(root, EXPERIMENT, '9f1c2d3e4b5a69788796a5b4c3d2e1f0', 'metrics', 'val_loss');
    fs.appendFileSync(file, 'garbage line\n1717171799999 0.5 7\n');
    const got = await drain(await openRun(root));
    assert.match(got.warnings.join('\n'), /val_loss line 5: expected "<timestamp> <value> <step>", got "garbage line"; skipped/);
    assert.deepEqual(got.points.filter(p => p.run === `${EXPERIMENT}/9f1c2d3e4b5a69788796a5b4c3d2e1f0` && p.name === 'val_loss').map(p => p.step), [0, 1, 2, 3, 7]);
  });
});
