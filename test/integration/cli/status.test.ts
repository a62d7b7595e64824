/** The budget a run was started with and its end are recorded in the journal: `hpstudio status` (and the sidebar) read them, not the study file. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { captureIO } from '../../unit/cli/capture';
import { studyYaml, TRAINER } from '../study/cli';

describe('hpstudio status: n/budget and state from the journal', function () {
  this.timeout(120_000);
  let ws: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-status-'));
    fs.writeFileSync(path.join(ws, 'train.js'), TRAINER);
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), studyYaml('demo', 'trials: 10\n'));
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  const status = async () => {
    const c = captureIO({ cwd: ws });
    assert.equal(await runCli(['status', '--json'], c.io), 0, c.err());
    return JSON.parse(c.out());
  };
  const tune = async (...args: string[]) => {
    const c = captureIO({ cwd: ws });
    const code = await runCli(['tune', 'sweep.yaml', '--json', ...args], c.io);
    return { code, out: c.out() ? JSON.parse(c.out()) : undefined, err: c.err() };
  };

  it('a --trials 3 run is finished at 3/3 after it ends, whatever the study file says; resume keeps 3, --trials 5 raises it', async () => {
    const first = await tune('--trials', '3');
    assert.equal(first.code, 0, first.err);
    assert.deepEqual(await status(), { study: 'demo', state: 'finished', done: 3, budget: 3, running: 0, workers: 0, best: first.out.best, reason: null, issues: null });
    // The study file changes (or disappears): the recorded budget stands.
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), studyYaml('demo', 'trials: 40\n'));
    const again = await tune('--resume');
    assert.equal(again.code, 0, again.err);
    assert.equal(again.out.trials.length, 3, 'nothing left to run: the study was started with --trials 3');
    const more = await tune('--resume', '--trials', '5');
    assert.equal(more.code, 0, more.err);
    assert.equal(more.out.completed, 5);
    const s = await status();
    assert.deepEqual([s.state, s.done, s.budget], ['finished', 5, 5]);
    // A worker joining a finished study finds nothing to do.
    const worker = await tune('--worker');
    assert.deepEqual([worker.code, worker.out.trials.length], [0, 5]);
  });

  it('a study moved to another folder (a clone, a copy, a remote) keeps working: the journal stores its file relative to the folder', async () => {
    assert.equal((await tune('--trials', '2')).code, 0);
    const journal = path.join('.hpstudio', 'studies', 'demo', 'journal.jsonl');
    assert.equal(JSON.parse(fs.readFileSync(path.join(ws, journal), 'utf8').split('\n')[0]).studyFile, 'sweep.yaml');
    const moved = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-moved-'));
    try {
      fs.cpSync(ws, moved, { recursive: true });
      fs.rmSync(ws, { recursive: true, force: true });
      const c = captureIO({ cwd: moved });
      assert.equal(await runCli(['tune', 'sweep.yaml', '--resume', '--trials', '3', '--json'], c.io), 0, c.err());
      assert.equal(JSON.parse(c.out()).completed, 3);
      const s = captureIO({ cwd: moved });
      assert.equal(await runCli(['status', '--json'], s.io), 0);
      assert.deepEqual([JSON.parse(s.out()).state, JSON.parse(s.out()).done], ['finished', 3]);
    } finally {
      fs.mkdirSync(ws, { recursive: true });
      fs.rmSync(moved, { recursive: true, force: true });
    }
  });

  it('lists several studies, and says so when there is none', async () => {
    const c = captureIO({ cwd: ws });
    assert.equal(await runCli(['status'], c.io), 0);
    assert.match(c.out(), /^no study in \.hpstudio\/studies of this folder/);
    assert.equal((await tune('--trials', '1')).code, 0);
    const text = captureIO({ cwd: ws });
    assert.equal(await runCli(['status'], text.io), 0);
    assert.match(text.out(), /^demo {2}finished {2}1\/1 trials {2}best loss=/);
    const missing = captureIO({ cwd: ws });
    assert.equal(await runCli(['status', 'nope'], missing.io), 1);
    assert.match(missing.err(), /no study named "nope"/);
  });
});
