/**
 * LocalExecutor against real processes: the fixtures in test/fixtures/programs are small node and
 * bash programs that echo their argv, build process trees that ignore SIGTERM, hang, fail or print
 * metrics. Nothing here is mocked; the metric collector is the real one.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lastLines, LocalExecutor } from '../../../src/core/runner/local';
import { isSignallablePid, signalGroup, isProcessAlive, isZombie } from '../../../src/core/runner/process-group';
import type { LaunchSpec, TrialHandle, TrialLaunch, TrialOutcome } from '../../../src/core/runner/types';
import type { MetricPoint } from '../../../src/core/metrics/types';
import type { ParamValue } from '../../../src/core/search/types';

const FIXTURES = path.resolve(__dirname, '../../fixtures/programs');
const NODE = process.execPath;
// Six processes: the bash leader, its sleep, the nested bash -c and its sleep, node and node's sleep.
const TREE_SIZE = 6;

/**
 * Gone means ESRCH from kill(pid, 0), or a zombie: an exited process waiting for PID 1 to reap it
 * (the orphans of a killed tree are re-parented to PID 1, which in this sandbox reaps every ~2 s).
 * A zombie runs nothing and holds no memory, GPU or files.
 */
const isGone = (pid: number): boolean => !isProcessAlive(pid) || isZombie(pid);

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function waitFor<T>(what: string, read: () => T | undefined, limitMs = 90_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function treePids(trialDir: string): Promise<number[]> {
  const file = path.join(trialDir, 'pids');
  return waitFor('the process tree to start', () => {
    const pids = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
    return pids.length >= TREE_SIZE ? pids : undefined;
  });
}

describe('runner/local: LocalExecutor with real processes', function () {
  // Generous: every wait below is for a condition; this only bounds a test that hangs.
  this.timeout(120_000);
  let root: string;
  let study: string;
  let executors: LocalExecutor[];
  let trialCount: number;

  const executor = (options: ConstructorParameters<typeof LocalExecutor>[0] = {}) => {
    const ex = new LocalExecutor(options);
    executors.push(ex);
    return ex;
  };
  const trial = (spec: Partial<LaunchSpec>, params: Record<string, ParamValue> = {}, extra: Partial<TrialLaunch> = {}): TrialLaunch => {
    const trialNumber = trialCount++;
    return { study: 'unit', trialNumber, params, trialDir: path.join(study, 'trials', String(trialNumber)), spec: { cwd: study, ...spec }, ...extra };
  };
  const nodeSpec = (program: string, env?: Record<string, string>): Partial<LaunchSpec> => ({ interpreter: NODE, program, ...(env ? { env } : {}) });
  const bashSpec = (program: string, ...args: string[]): Partial<LaunchSpec> => ({ command: ['bash', '${program}', ...args], program });
  const argvOf = (t: TrialLaunch): { argv: string[]; env: Record<string, string | undefined>; cwd: string } => JSON.parse(fs.readFileSync(path.join(t.trialDir, 'argv.json'), 'utf8'));

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-local-'));
    study = path.join(root, 'study');
    fs.mkdirSync(study);
    for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(study, f));
    for (const f of ['tree.sh', 'leave-behind.sh', 'fail.sh']) fs.chmodSync(path.join(study, f), 0o755);
    executors = [];
    trialCount = 0;
  });

  afterEach(async () => {
    await Promise.all(executors.map(ex => ex.dispose()));
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('passes hostile values literally, one token each, and runs no shell', async () => {
    const marker = path.join(root, 'MARKER');
    const hostile = {
      semi: '; rm -rf ~',
      subst: `$(touch ${marker})`,
      tick: `\`touch ${marker}\``,
      spaced: 'two  words ',
      dash: '-rf',
      opt: '--output=/etc/x',
      amp: `x && touch ${marker} | cat > ${marker}`,
    };
    const t = trial(nodeSpec('echo-argv.js'), hostile);
    const outcome = await executor().launch(t).done;
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.exitCode, 0);
    assert.deepEqual(argvOf(t).argv, Object.entries(hostile).map(([k, v]) => `--${k}=${v}`));
    assert.equal(fs.existsSync(marker), false);
    assert.equal(fs.existsSync(path.join(study, 'MARKER')), false);
    assert.equal(fs.existsSync(path.join(t.trialDir, 'MARKER')), false);
  });

  it('hands hydra overrides and args_json over intact', async () => {
    const t = trial({ ...nodeSpec('echo-argv.js'), argStyle: 'hydra' }, { 'model.lr': 0.001, name: "it's, odd", flag: 'true' });
    assert.equal((await executor().launch(t).done).exitCode, 0);
    assert.deepEqual(argvOf(t).argv, ['model.lr=0.001', "name='it\\'s, odd'", "flag='true'"]);
    const j = trial({ command: ['${interpreter}', '${program}', '${args_json}'], ...nodeSpec('echo-argv.js') }, { lr: 0.1, s: '$(x)' });
    await executor().launch(j).done;
    assert.deepEqual(JSON.parse(argvOf(j).argv[0]), { lr: 0.1, s: '$(x)' });
  });

  it('stops a SIGTERM-ignoring tree with grandchildren completely: SIGTERM, then SIGKILL after the grace', async () => {
    const t = trial(bashSpec('tree.sh', 'stubborn'));
    const handle = executor({ graceMs: 500 }).launch(t);
    // All six pids written means every process ignores SIGTERM already: bash's trap is inherited by
    // its children, and node-child.js writes its grandchild's pid after installing its handler.
    const pids = await treePids(t.trialDir);
    await handle.stop('cancel');
    assert.deepEqual(pids.filter(pid => !isGone(pid)), [], 'processes of the trial still alive');
    const outcome = await handle.done;
    assert.equal(outcome.stopReason, 'cancel');
    assert.equal(outcome.signal, 'SIGKILL');
  });

  it('stops a cooperative tree with SIGTERM alone', async () => {
    const t = trial(bashSpec('tree.sh', 'cooperative'));
    // A grace far beyond the test's timeout: stop() can only resolve if SIGTERM ended the group.
    const handle = executor({ graceMs: 3_600_000 }).launch(t);
    const pids = await treePids(t.trialDir);
    await handle.stop('prune');
    assert.deepEqual(pids.filter(pid => !isGone(pid)), []);
    const outcome = await handle.done;
    assert.equal(outcome.stopReason, 'prune');
    assert.equal(outcome.signal, 'SIGTERM');
  });

  it('is done only when the processes a finished leader left behind are gone', async () => {
    const t = trial(bashSpec('leave-behind.sh'));
    const outcome = await executor({ graceMs: 200 }).launch(t).done;
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.stopReason, undefined);
    const [orphan] = fs.readFileSync(path.join(t.trialDir, 'pids'), 'utf8').trim().split('\n').map(Number);
    assert.ok(orphan > 0);
    assert.equal(isGone(orphan), true);
  });

  it('a stop() while cleaning up after a finished leader does not turn its success into a cancel', async () => {
    const t = trial(bashSpec('leave-behind.sh', 'stubborn'));
    const handle = executor({ graceMs: 1500 }).launch(t);
    const [orphan, leader] = await waitFor('both pids', () => {
      const file = path.join(t.trialDir, 'pids');
      const pids = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
      return pids.length >= 2 ? pids : undefined;
    });
    // ESRCH (not merely a zombie) means node reaped the leader, i.e. the executor has seen it exit.
    await waitFor('the leader to be reaped', () => {
      try {
        process.kill(leader, 0);
        return undefined;
      } catch {
        return true;
      }
    });
    await handle.stop('cancel');
    const outcome = await handle.done;
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.stopReason, undefined);
    assert.equal(isGone(orphan), true);
  });

  it('reports a missing program, interpreter or bad param as an error outcome, never a throw', async () => {
    const ex = executor();
    const cases: Array<[TrialLaunch, RegExp]> = [
      [trial({ program: 'train.py', interpreter: 'no-such-python-3.99' }), /^no-such-python-3\.99 not found on PATH$/],
      [trial({ interpreter: NODE, program: 'train.py' }), new RegExp(`^train\\.py not found in ${study.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)],
      [trial(nodeSpec('echo-argv.js'), { '--evil': 1 }), /parameter name "--evil" must start with a letter or _/],
      [trial({ command: ['./echo-argv.js'] }), /echo-argv\.js is not executable/],
      [trial({ ...nodeSpec('echo-argv.js'), cwd: path.join(root, 'gone') }), /working directory .*gone does not exist/],
      [trial(nodeSpec('echo-argv.js'), {}, { trialDir: 'relative/dir' }), /trial directory must be an absolute path/],
      [trial(nodeSpec('echo-argv.js'), {}, { metricRegex: '(' }), /metric settings: invalid metric regex/],
      [trial(nodeSpec('echo-argv.js'), {}, { timeoutMs: -5 }), /timeoutMs must be a positive number/],
      [trial({ ...nodeSpec('echo-argv.js'), env: { 'A=B': 'x' } }), /environment variable "A=B"/],
    ];
    const handles = cases.map(([t]) => ex.launch(t));
    const outcomes = await Promise.all(handles.map(h => h.done));
    outcomes.forEach((outcome, i) => {
      assert.match(outcome.error ?? '(no error)', cases[i][1]);
      assert.equal(outcome.exitCode, null);
    });
    await Promise.all(handles.map(h => h.stop('cancel'))); // stopping a failed trial is a no-op
  });

  it('turns a spawn failure (ENOENT from execve) into an error without signalling any group', async () => {
    fs.writeFileSync(path.join(study, 'badshebang'), '#!/nonexistent/interpreter\n');
    fs.chmodSync(path.join(study, 'badshebang'), 0o755);
    const outcome = await executor().launch(trial({ command: ['./badshebang'] })).done;
    assert.match(outcome.error ?? '', /could not start .*badshebang: not found/);
    assert.equal(outcome.exitCode, null);
    // The guard that made that safe: no group signal for a missing, 0 or 1 pid (kill(-0) is our own group).
    for (const pid of [undefined, 0, 1, -5, 2.5, NaN]) assert.equal(isSignallablePid(pid), false);
    assert.equal(signalGroup(0, 'SIGTERM'), false);
    assert.equal(signalGroup(undefined, 'SIGKILL'), false);
  });

  it('stops a hanging trial at its timeout', async () => {
    // The timeout may fire before node has even started on a loaded machine: what this asserts holds
    // either way. That the output a stopped trial printed is kept is asserted below, after waiting for it.
    const t = trial(nodeSpec('hang.js'), {}, { timeoutMs: 300 });
    const outcome = await executor({ graceMs: 60_000 }).launch(t).done;
    assert.equal(outcome.stopReason, 'timeout');
    assert.equal(outcome.signal, 'SIGTERM');
    assert.equal(outcome.exitCode, null);
    assert.ok(outcome.durationMs >= 290, `stopped after ${outcome.durationMs} ms, before its 300 ms timeout`);
  });

  it('runs three parallel trials on two cores, each with its own dir and environment', async () => {
    const ex = executor();
    const release = path.join(root, 'release');
    const trials = [0, 1, 2].map(i => trial(nodeSpec('echo-argv.js', { HOLD_UNTIL: release, EXTRA: `e${i}` }), { i }));
    const handles = trials.map(t => ex.launch(t));
    assert.equal(ex.runningCount, 3);
    // All three alive at once: each reported its start and none may end before the release file exists.
    await waitFor('all three trials to start', () => (trials.every(t => fs.existsSync(path.join(t.trialDir, 'argv.json'))) ? true : undefined));
    assert.equal(ex.runningCount, 3);
    fs.writeFileSync(release, '');
    const outcomes = await Promise.all(handles.map(h => h.done));
    outcomes.forEach(o => assert.equal(o.exitCode, 0));
    trials.forEach((t, i) => {
      const seen = argvOf(t);
      assert.deepEqual(seen.argv, [`--i=${i}`]);
      assert.equal(seen.cwd, study);
      assert.deepEqual(seen.env, { HPSTUDIO_STUDY: 'unit', HPSTUDIO_TRIAL_ID: String(t.trialNumber), HPSTUDIO_TRIAL_DIR: t.trialDir, PYTHONUNBUFFERED: '1', EXTRA: `e${i}` });
      assert.match(fs.readFileSync(path.join(t.trialDir, 'stdout.log'), 'utf8'), new RegExp(`"--i=${i}"`));
    });
    assert.equal(new Set(outcomes.map((_, i) => argvOf(trials[i]).env.HPSTUDIO_TRIAL_DIR)).size, 3);
  });

  it('queues launches beyond maxConcurrent and starts them in order as slots free', async () => {
    const ex = executor({ maxConcurrent: 2 });
    // Each trial runs until its own release file exists: the test decides the order things end in.
    const releaseOf = (i: number) => path.join(root, `release-${i}`);
    const trials = [0, 1, 2].map(i => trial(nodeSpec('echo-argv.js', { HOLD_UNTIL: releaseOf(i) })));
    const started = (i: number) => fs.existsSync(path.join(trials[i].trialDir, 'argv.json'));
    const handles = trials.map(t => ex.launch(t));
    assert.equal(ex.runningCount, 2);
    assert.equal(ex.queuedCount, 1);
    await waitFor('the first two trials to start', () => (started(0) && started(1) ? true : undefined));
    assert.equal(fs.existsSync(trials[2].trialDir), false, 'the queued trial has not started while both slots are busy');
    fs.writeFileSync(releaseOf(1), '');
    assert.equal((await handles[1].done).exitCode, 0);
    await waitFor('the queued trial to start in the freed slot', () => (started(2) ? true : undefined));
    assert.equal(ex.runningCount, 2);
    fs.writeFileSync(releaseOf(0), '');
    fs.writeFileSync(releaseOf(2), '');
    const outcomes = await Promise.all(handles.map(h => h.done));
    assert.deepEqual(outcomes.map(o => o.exitCode), [0, 0, 0]);
    assert.equal(ex.queuedCount, 0);
    assert.equal(ex.runningCount, 0);
  });

  it('dispose() stops running and queued trials and leaves no process behind', async () => {
    const ex = executor({ graceMs: 300, maxConcurrent: 2 });
    const running = [trial(bashSpec('tree.sh', 'stubborn')), trial(bashSpec('tree.sh', 'cooperative'))];
    const queued = trial(nodeSpec('hang.js'));
    const handles = [...running, queued].map(t => ex.launch(t));
    const pids = (await Promise.all(running.map(t => treePids(t.trialDir)))).flat();
    await ex.dispose();
    assert.deepEqual(pids.filter(pid => !isGone(pid)), []);
    const outcomes = await Promise.all(handles.map(h => h.done));
    assert.deepEqual(outcomes.map(o => o.stopReason), ['cancel', 'cancel', 'cancel']);
    assert.equal(fs.existsSync(path.join(queued.trialDir, 'stdout.log')), false, 'the queued trial never started');
    const late = await ex.launch(trial(nodeSpec('echo-argv.js'))).done;
    assert.match(late.error ?? '', /disposed/);
  });

  it('hands out CUDA_VISIBLE_DEVICES round-robin; an explicit gpu wins', async () => {
    const ex = executor({ gpus: ['0', '1'] });
    const seen: Array<string | undefined> = [];
    for (let i = 0; i < 3; i++) {
      const t = trial(nodeSpec('echo-argv.js'));
      await ex.launch(t).done;
      seen.push(argvOf(t).env.CUDA_VISIBLE_DEVICES);
    }
    assert.deepEqual(seen, ['0', '1', '0']);
    const pinned = trial(nodeSpec('echo-argv.js'), {}, { gpu: '3' });
    await ex.launch(pinned).done;
    assert.equal(argvOf(pinned).env.CUDA_VISIBLE_DEVICES, '3');
    const none = trial(nodeSpec('echo-argv.js'));
    await executor().launch(none).done;
    assert.equal(argvOf(none).env.CUDA_VISIBLE_DEVICES, process.env.CUDA_VISIBLE_DEVICES);
  });

  it('appends stdout.log and stderr.log and keeps the last 40 stderr lines', async () => {
    const t = trial(bashSpec('fail.sh', '3'));
    const ex = executor();
    const outcome = await ex.launch(t).done;
    assert.equal(outcome.exitCode, 3);
    const tail = outcome.stderrTail.split('\n');
    assert.equal(tail.length, 40);
    assert.equal(tail[39], "ModuleNotFoundError: No module named 'torch'");
    assert.equal(tail[0], 'noise line 23');
    await ex.launch({ ...t, trialNumber: t.trialNumber }).done;
    assert.equal(fs.readFileSync(path.join(t.trialDir, 'stdout.log'), 'utf8'), 'starting\nstarting\n');
    assert.equal(fs.readFileSync(path.join(t.trialDir, 'stderr.log'), 'utf8').split('\n').filter(l => l.startsWith('Traceback')).length, 2);
  });

  it('delivers JSON-lines metrics through onMetric, from the real collector', async () => {
    const t = trial(nodeSpec('metrics.js'), { steps: 5, interval: 20 });
    const handle = executor().launch(t);
    const points: MetricPoint[] = [];
    handle.onMetric(p => points.push(p));
    handle.onMetric(() => {
      throw new Error('a broken subscriber must not stop the others');
    });
    const outcome = await handle.done;
    assert.equal(outcome.exitCode, 0);
    const loss = points.filter(p => p.name === 'loss');
    assert.deepEqual(loss.map(p => [p.step, p.value]), [0, 1, 2, 3, 4].map(s => [s, 1 / (s + 1)]));
    assert.ok(loss.every(p => p.source === 'stdout'));
  });

  it('reads metric files the trial writes into its directory while it runs', async () => {
    fs.writeFileSync(
      path.join(study, 'csv-writer.js'),
      `const fs = require('fs'); const p = require('path').join(process.env.HPSTUDIO_TRIAL_DIR, 'metrics.csv');
       fs.writeFileSync(p, 'epoch,step,val_loss\\n0,10,0.9\\n'); setTimeout(() => fs.appendFileSync(p, '1,20,0.7\\n'), 400); setTimeout(() => undefined, 800);`,
    );
    const handle = executor({ pollIntervalMs: 50 }).launch(trial(nodeSpec('csv-writer.js')));
    const points: MetricPoint[] = [];
    handle.onMetric(p => points.push(p));
    await handle.done;
    const values = points.filter(p => p.name === 'val_loss').map(p => p.value);
    assert.deepEqual(values, [0.9, 0.7]);
  });

  it('keeps the first stop reason and makes stop() after the end a no-op', async () => {
    const ex = executor({ graceMs: 200 });
    const t = trial(nodeSpec('hang.js'));
    const handle: TrialHandle = ex.launch(t);
    const stdout = path.join(t.trialDir, 'stdout.log');
    await waitFor('the trial to print "hanging"', () => (fs.existsSync(stdout) && fs.readFileSync(stdout, 'utf8').includes('hanging') ? true : undefined));
    await Promise.all([handle.stop('prune'), handle.stop('cancel')]);
    const outcome: TrialOutcome = await handle.done;
    assert.equal(outcome.stopReason, 'prune');
    assert.equal(fs.readFileSync(stdout, 'utf8'), 'hanging\n', 'what the trial printed before the stop is kept');
    await handle.stop('timeout');
    assert.equal((await handle.done).stopReason, 'prune');
  });

  it('shows the stderr tail as a terminal would: last state of \\r progress bars, long lines cut', () => {
    assert.equal(lastLines('a\nb\nc\n', 2), 'b\nc');
    assert.equal(lastLines('epoch 1\n 10%|#\r 50%|#####\r100%|##########\r\nError: boom\r\n', 2), '100%|##########\nError: boom');
    assert.equal(lastLines('x'.repeat(5000), 1), `${'x'.repeat(2000)}…`);
    assert.equal(lastLines('', 40), '');
  });

  it('rejects bad executor options', () => {
    assert.throws(() => new LocalExecutor({ graceMs: -1 }), /graceMs must be an integer ≥ 0/);
    assert.throws(() => new LocalExecutor({ graceMs: Infinity }), /graceMs/);
    assert.throws(() => new LocalExecutor({ maxConcurrent: 0 }), /maxConcurrent must be an integer ≥ 1/);
    assert.throws(() => new LocalExecutor({ gpus: ['0', '0'] }), /duplicate/);
  });
});
