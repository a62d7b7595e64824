/**
 * Optuna RDB storages (SQLite) written by the real Optuna (Debian python3-optuna, /usr/bin/python3):
 * the committed study.db, and databases the tests have Optuna write while the reader follows them.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectRunFormat, FINAL_METRIC, INTERMEDIATE_METRIC, openRun, type RunSource } from '../../../src/core/metrics/runs';
import { drain, RunCollector } from '../../unit/metrics/runCollector';

const OPTUNA = path.resolve(__dirname, '../../fixtures/metrics/optuna');
const MAKE_RDB = path.join(OPTUNA, 'make_rdb.py');
const PYTHON = '/usr/bin/python3';

type Num = number | 'nan' | 'inf' | '-inf';
interface Expected {
  directions: string[];
  trials: Array<{ number: number; state: string; params: Record<string, unknown>; values: Num[] | null; intermediate: Record<string, Num> }>;
}
const num = (v: Num) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

function requireOptuna(): void {
  const r = spawnSync(PYTHON, ['-c', 'import optuna'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`these tests need Debian's python3-optuna (npm test installs it via scripts/setup-system.sh): ${r.stderr}`);
}

/** Every trial Optuna lists is a run with Optuna's state, params, values and intermediate values; nothing else is. */
function assertMatchesOptuna(got: RunCollector, expected: Record<string, Expected>): void {
  const ids: string[] = [];
  for (const [study, { directions, trials }] of Object.entries(expected)) {
    for (const t of trials) {
      const id = `${study}/${t.number}`;
      ids.push(id);
      const run = got.runs.get(id);
      assert.ok(run, `run ${id}`);
      assert.equal(run.state, t.state.toLowerCase(), id);
      assert.deepEqual(run.params, t.params, id);
      assert.deepEqual(run.values, t.values === null ? undefined : t.values.map(num), id);
      assert.deepEqual(run.directions, directions, id);
      assert.equal(run.label, `${study} #${t.number}`);
      const mine = got.points.filter(p => p.run === id);
      assert.deepEqual(mine.filter(p => p.name === INTERMEDIATE_METRIC).map(p => [p.step, p.value]), Object.entries(t.intermediate).map(([s, v]) => [Number(s), num(v)]), id);
      const finals = mine.filter(p => p.name.startsWith(FINAL_METRIC)).map(p => p.value);
      const finished = t.state !== 'RUNNING' && t.state !== 'WAITING';
      assert.deepEqual(finals, finished && t.values ? t.values.map(num) : [], `${id} final values`);
    }
  }
  assert.deepEqual([...got.runs.keys()].sort(), ids.sort());
}

describe('metrics / Optuna RDB storage (SQLite, written by Debian python3-optuna)', function () {
  this.timeout(120_000);
  let dir: string;
  before(requireOptuna);
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-rdb-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the committed study.db exactly as Optuna reports it (deleted study gone, NaN and inf kept, two objectives)', async () => {
    const file = path.join(OPTUNA, 'study.db');
    assert.equal(await detectRunFormat(file), 'optuna-rdb');
    const source = await openRun(file);
    assert.equal(source.format, 'optuna-rdb');
    const got = await drain(source);
    assert.deepEqual(got.warnings, []);
    assertMatchesOptuna(got, JSON.parse(fs.readFileSync(`${file}.expected.json`, 'utf8')) as Record<string, Expected>);
    assert.ok(![...got.runs.keys()].some(id => id.startsWith('scratch/')), 'the deleted study is hidden');
  });

  it('accepts the SQLAlchemy URL Optuna users type (sqlite:///path)', async () => {
    const file = path.join(dir, 'copy.db');
    fs.copyFileSync(path.join(OPTUNA, 'study.db'), file);
    const got = await drain(await openRun(`sqlite:///${file}`));
    assert.equal(got.runs.size, 11);
  });

  it('follows a database while Optuna writes it, and ends with what Optuna reports', async () => {
    const file = path.join(dir, 'live.db');
    const child = spawn(PYTHON, [MAKE_RDB, file, '--pause', '0.05'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (out += d));
    const exited = new Promise<number | null>(resolve => child.on('exit', resolve));
    let done = false;
    void exited.then(() => (done = true));
    // Wait for the file to exist with Optuna's tables, then poll while it is written.
    let source: RunSource | undefined;
    while (!source && !done) source = await openRun(file).catch(() => undefined);
    const seen = new RunCollector();
    while (!done) {
      if (source) seen.apply(await source.poll());
      await new Promise(r => setTimeout(r, 20));
    }
    assert.equal(await exited, 0, out);
    await seen.drain(source ?? (await openRun(file)));
    assert.ok(seen.polls > 1, 'the database was read while it was written');
    assert.ok(seen.resets >= 1 || ![...seen.runs.keys()].some(id => id.startsWith('scratch/')), 'the deleted study went away with a reset');
    assertMatchesOptuna(seen, JSON.parse(fs.readFileSync(`${file}.expected.json`, 'utf8')) as Record<string, Expected>);
  });

  it('waits while a write is in progress (a rollback journal beside the file) and reads once it is gone', async () => {
    const file = path.join(dir, 'busy.db');
    fs.copyFileSync(path.join(OPTUNA, 'study.db'), file);
    const source = await openRun(file);
    fs.writeFileSync(`${file}-journal`, 'in progress');
    const busy = await source.poll();
    assert.deepEqual([busy.runs, busy.points, busy.warnings], [[], [], []]);
    fs.rmSync(`${file}-journal`);
    // A changed file is re-read no sooner than a few times the last read took: poll until it is.
    let runs = 0;
    for (let i = 0; i < 200 && runs === 0; i++) {
      runs = (await source.poll()).runs.length;
      if (runs === 0) await new Promise(r => setTimeout(r, 10));
    }
    assert.equal(runs, 11);
  });

  it('says so when changes wait in a WAL file, and refuses SQLite files that are not Optuna storages', async () => {
    const file = path.join(dir, 'other.db');
    const script = `import sqlite3; c = sqlite3.connect(${JSON.stringify(file)}); c.execute('pragma journal_mode=wal'); c.execute('pragma wal_autocheckpoint=0'); c.execute('create table t(x)'); c.commit(); import os; os._exit(0)`;
    assert.equal(spawnSync(PYTHON, ['-c', script]).status, 0);
    assert.equal(await detectRunFormat(file), 'optuna-rdb');
    await assert.rejects(openRun(file), /other\.db is an SQLite database but not an Optuna storage \(it has no studies and trials tables\)/);
    const wal = path.join(dir, 'wal.db');
    fs.copyFileSync(path.join(OPTUNA, 'study.db'), wal);
    const source = await openRun(wal);
    fs.writeFileSync(`${wal}-wal`, Buffer.alloc(64));
    assert.match((await source.poll()).warnings.join('\n'), /wal\.db-wal holds changes SQLite has not copied into .*wal\.db yet \(WAL mode\); they show once it checkpoints/);
  });
});
