/** The Slurm executor's control flow against an in-memory Slurm (fakeSlurm.ts): batching, polling, ends, requeues, limits, stops. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SlurmExecutor, type SlurmExecutorOptions } from '../../../src/core/runner/slurm';
import type { TrialHandle, TrialLaunch, TrialOutcome } from '../../../src/core/runner/types';
import type { MetricPoint } from '../../../src/core/metrics/types';
import { FakeSlurm } from './fakeSlurm';

/** Waits for a condition, yielding to the event loop; fails after `turns` turns (no clock involved). */
async function until(what: string, condition: () => boolean, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('runner / SlurmExecutor control flow against an in-memory Slurm', () => {
  let dir: string;
  let slurm: FakeSlurm;
  let warnings: string[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-fake-slurm-'));
    fs.writeFileSync(path.join(dir, 'train.py'), 'print(1)\n');
    slurm = new FakeSlurm();
    warnings = [];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const trial = (n: number, extra: Partial<TrialLaunch> = {}): TrialLaunch => ({
    study: 's', trialNumber: n, params: { lr: 0.1 }, trialDir: path.join(dir, 'trials', String(n)), spec: { cwd: dir, interpreter: process.execPath, program: 'train.py' }, ...extra,
  });
  const executor = (options: SlurmExecutorOptions = {}) => {
    const ex = new SlurmExecutor({ commands: slurm.run, pollIntervalMs: 2, batchDelayMs: 5, user: 'root', ...options });
    ex.onWarning((m) => warnings.push(m));
    return ex;
  };
  const settled = (h: TrialHandle) => {
    const box: { outcome?: TrialOutcome } = {};
    void h.done.then((o) => (box.outcome = o));
    return box;
  };

  it('trials launched together wait for each other\'s scripts, however slow the disk: one array', async () => {
    // Trial 4's folder is created only after the other four scripts are written and their batch window
    // has passed: a slow disk for one trial. The batch still waits for it instead of going without it.
    const mkdir = fs.promises.mkdir;
    const scripts = [0, 1, 2, 3].map((n) => path.join(dir, 'trials', String(n), 'slurm-job.sh'));
    fs.promises.mkdir = (async (p: fs.PathLike, o?: fs.MakeDirectoryOptions) => {
      if (String(p).endsWith(`${path.sep}trials${path.sep}4`)) {
        await until('the other scripts written', () => scripts.every((f) => fs.existsSync(f)));
        await new Promise((r) => setTimeout(r, 30));
      }
      return mkdir(p, o);
    }) as typeof fs.promises.mkdir;
    try {
      const ex = executor({ batchDelayMs: 1 });
      for (const n of [0, 1, 2, 3, 4]) ex.launch(trial(n));
      await until('every trial submitted', () => countArrayTasks(slurm.submissions) === 5);
      assert.deepEqual(slurm.submissions.map((a) => a[2]), ['--array=0-4']);
      await ex.dispose();
    } finally {
      fs.promises.mkdir = mkdir;
    }
  });

  it('trials launched together go to Slurm as one array; one squeue per poll watches them all', async () => {
    const ex = executor({ partition: 'gpu', account: 'ml', cpusPerTask: 4, gpus: 'a100:1', memory: '16G', arrayThrottle: 2, extraSbatchArgs: ['#SBATCH --qos=high'] });
    const handles = [0, 1, 2, 3, 4].map((n) => ex.launch(trial(n, { timeoutMs: 90_000 })));
    await until('one submission', () => slurm.submissions.length === 1);
    const args = slurm.submissions[0];
    const linkDir = path.join(dir, 'trials', '.slurm');
    assert.deepEqual(args.slice(0, 3), ['--parsable', '--job-name=hps-s', '--array=0-4%2']);
    assert.match(args[3], new RegExp(`^--output=${linkDir}/[^/]+/%a\\.out$`));
    assert.deepEqual(args.slice(5, -1), ['--open-mode=append', '--requeue', `--chdir=${dir}`, '--partition=gpu', '--account=ml', '--time=3', '--cpus-per-task=4', '--gpus=a100:1', '--mem=16G']);
    const script = fs.readFileSync(args[args.length - 1], 'utf8');
    assert.match(script, /^#!\/bin\/bash\n#SBATCH --qos=high\n/);
    for (let i = 0; i < 5; i++) assert.match(script, new RegExp(`  ${i}\\) exec /bin/bash '${dir}/trials/${i}/slurm-job\\.sh' ;;`));

    for (const n of [0, 1, 2, 3, 4]) slurm.running(`100_${n}`);
    slurm.write('100_3', 'out', 'loss=0.5\n');
    const points: MetricPoint[] = [];
    handles[3].onMetric((p) => points.push(p));
    await until('the metric, through the link into the trial folder', () => points.length > 0);
    assert.equal(fs.readFileSync(path.join(dir, 'trials', '3', 'stdout.log'), 'utf8'), 'loss=0.5\n');
    const before = slurm.calls('squeue').length;
    await until('ten more polls', () => slurm.calls('squeue').length >= before + 10);
    assert.ok(slurm.calls('squeue').every((c) => c.includes('-j 100 ')), 'one squeue for the whole array');

    slurm.end('100_0', 'COMPLETED');
    slurm.end('100_1', 'FAILED', '3:0');
    slurm.end('100_2', 'FAILED', '0:9');
    slurm.end('100_3', 'OUT_OF_MEMORY', '0:125');
    slurm.end('100_4', 'TIMEOUT', '0:15');
    const outcomes = await Promise.all(handles.map((h) => h.done));
    assert.deepEqual(outcomes.map((o) => [o.exitCode, o.signal, o.stopReason ?? null]), [[0, null, null], [3, null, null], [null, 'SIGKILL', null], [null, null, null], [null, 'SIGTERM', 'timeout']]);
    assert.match(outcomes[3].error ?? '', /^Slurm job 100_3 ran out of memory/);
    assert.equal(slurm.calls('sbatch').length, 1);
    await until('the links to go once every task ended', () => !fs.existsSync(path.dirname(args[args.length - 1])));
    await ex.dispose();
  });

  it('with accounting, ends come from sacct (scontrol is not asked)', async () => {
    slurm.accounting = true;
    const ex = executor();
    const h = ex.launch(trial(0));
    await until('submitted', () => slurm.tasks.size === 1);
    slurm.running('100_0');
    slurm.end('100_0', 'FAILED', '2:0');
    slurm.task('100_0').purged = true;
    const outcome = await h.done;
    assert.equal(outcome.exitCode, 2);
    assert.ok(slurm.calls('sacct').some((c) => c.startsWith('sacct -n -X -P -j 100 ')));
    assert.deepEqual(slurm.calls('scontrol'), ['scontrol show config']);
    await ex.dispose();
  });

  it('a requeued or preempted task is the same trial going on: one outcome, metrics from both runs, a warning', async () => {
    slurm.accounting = true;
    const ex = executor();
    const h = ex.launch(trial(7));
    const box = settled(h);
    const points: number[] = [];
    h.onMetric((p) => points.push(p.value));
    await until('submitted', () => slurm.tasks.size === 1);
    slurm.running('100_0');
    slurm.write('100_0', 'out', 'loss=0.9\n');
    await until('first run metric', () => points.length === 1);
    slurm.write('100_0', 'err', 'slurmstepd: error: *** JOB 101 ON node1 CANCELLED AT 2026-01-01T00:00:00 DUE TO PREEMPTION ***\n');
    slurm.requeue('100_0', 'PREEMPTED');
    await until('the warning', () => warnings.length === 1);
    assert.match(warnings[0], new RegExp(`^trial 7: Slurm job 100_0 was preempted \\(restart 1\\); it continues as the same trial in ${dir}/trials/7 when Slurm runs it again$`));
    assert.equal(box.outcome, undefined, 'the trial is not over');
    slurm.running('100_0');
    slurm.write('100_0', 'out', 'loss=0.4\n');
    slurm.requeue('100_0', 'REQUEUED');
    await until('second warning', () => warnings.length === 2);
    assert.match(warnings[1], /was requeued \(restart 2\)/);
    slurm.running('100_0');
    slurm.end('100_0', 'COMPLETED');
    const outcome = await h.done;
    assert.deepEqual([outcome.exitCode, outcome.error], [0, undefined]);
    assert.deepEqual(points, [0.9, 0.4]);
    assert.equal(slurm.calls('sbatch').length, 1, 'never submitted again');
    await ex.dispose();
  });

  it('a node failure fails the trial with the reason Slurm recorded (sacct + sacctmgr event), and cancels the requeued job', async () => {
    slurm.accounting = true;
    slurm.nodeEvent = { state: 'DOWN', reason: 'power supply failed' };
    const ex = executor();
    const h = ex.launch(trial(3));
    await until('submitted', () => slurm.tasks.size === 1);
    slurm.running('100_0');
    slurm.requeue('100_0', 'NODE_FAIL');
    const outcome = await h.done;
    assert.equal(outcome.error, 'Slurm job 100_0 failed with its node node1 (NODE_FAIL): power supply failed (node DOWN since 2026-01-01T00:00:00, from sacctmgr)');
    assert.ok(slurm.calls('scancel').includes('scancel 100_0'), 'the requeued job does not run again');
    assert.deepEqual(warnings, []);
    await ex.dispose();
  });

  it('without accounting, a node failure is read from slurmstepd\'s line, a final NODE_FAIL from scontrol', async () => {
    slurm.nodeEvent = { state: 'DOWN', reason: 'fan broken' };
    const ex = executor();
    const [a, b] = [ex.launch(trial(0)), ex.launch(trial(1))];
    await until('submitted', () => slurm.tasks.size === 2);
    slurm.running('100_0');
    slurm.running('100_1');
    slurm.write('100_0', 'err', 'slurmstepd-node1: error: *** JOB 101 ON node1 CANCELLED AT 2026-01-01T00:00:00 DUE TO NODE FAILURE, SEE SLURMCTLD LOG FOR DETAILS ***\n');
    slurm.requeue('100_0', 'NODE_FAIL');
    slurm.end('100_1', 'NODE_FAIL');
    const [oa, ob] = await Promise.all([a.done, b.done]);
    assert.equal(oa.error, 'Slurm job 100_0 failed with its node node1 (NODE_FAIL): fan broken');
    assert.equal(ob.error, 'Slurm job 100_1 failed with its node node1 (NODE_FAIL): fan broken');
    await ex.dispose();
  });

  it('a task preempted for good (PreemptMode=CANCEL) is submitted again and goes on as the same trial', async () => {
    const ex = executor();
    const h = ex.launch(trial(4));
    await until('submitted', () => slurm.tasks.size === 1);
    slurm.running('100_0');
    slurm.end('100_0', 'PREEMPTED');
    await until('submitted again', () => slurm.submissions.length === 2);
    assert.match(warnings[0], /^trial 4: Slurm job 100_0 was preempted and not requeued by Slurm; submitted again \(1\)/);
    const again = [...slurm.tasks.keys()].find((t) => t !== '100_0') as string;
    slurm.running(again);
    slurm.write(again, 'out', 'loss=0.1\n');
    slurm.end(again, 'COMPLETED');
    const outcome = await h.done;
    assert.equal(outcome.exitCode, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'trials', '4', 'stdout.log'), 'utf8'), 'loss=0.1\n');
    await ex.dispose();
  });

  it('keeps within a submit limit sacctmgr reports: the rest wait, with one message, and go as jobs end', async () => {
    slurm.accounting = true;
    slurm.reportedLimit = 3;
    slurm.enforcedLimit = 3;
    const ex = executor();
    const handles = [0, 1, 2, 3, 4].map((n) => ex.launch(trial(n)));
    await until('the first submission', () => slurm.submissions.length === 1);
    assert.ok(slurm.submissions[0].includes('--array=0-2'));
    await until('the message', () => warnings.length === 1);
    assert.equal(warnings[0], 'Slurm accepts no more jobs from user root for now (MaxSubmitJobs=3 of association fake/root): 2 trial(s) wait and are submitted as earlier jobs end');
    for (const t of ['100_0', '100_1']) {
      slurm.running(t);
      slurm.end(t, 'COMPLETED');
    }
    await until('the rest submitted', () => slurm.submissions.length === 2);
    assert.ok(slurm.submissions[1].includes('--array=0-1'));
    for (const t of [...slurm.tasks.keys()].filter((id) => slurm.task(id).state === 'PENDING')) {
      slurm.running(t);
      slurm.end(t, 'COMPLETED');
    }
    const outcomes = await Promise.all(handles.map((h) => h.done));
    assert.deepEqual(outcomes.map((o) => o.exitCode), [0, 0, 0, 0, 0]);
    assert.equal(slurm.calls('sbatch').length, 2, 'no refused submission: the limit was known');
    await ex.dispose();
  });

  it('a limit only sbatch knows: halves the submission until it fits, never fails a trial for it', async () => {
    slurm.enforcedLimit = 3;
    const ex = executor();
    const handles = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => ex.launch(trial(n)));
    await until('the message', () => warnings.length === 1);
    assert.equal(slurm.tasks.size, 3, 'as many as the limit takes');
    assert.deepEqual(slurm.submissions.slice(0, 3).map((a) => a[2]), ['--array=0-7', '--array=0-3', '--array=0-1']);
    assert.match(warnings[0], /^Slurm accepts no more jobs from user root for now \(AssocMaxSubmitJobLimit\): 5 trial\(s\) wait/);
    // Run whatever is queued; the rest goes to Slurm as room opens, until all 8 were submitted and ran.
    for (let round = 0; round < 8; round++) {
      for (const t of [...slurm.tasks.values()].filter((x) => x.state === 'PENDING')) {
        slurm.running(t.id);
        slurm.end(t.id, 'COMPLETED');
      }
      const seen: number = slurm.tasks.size;
      if (seen === 8) break;
      await until('more submitted', () => slurm.tasks.size > seen);
    }
    const outcomes = await Promise.all(handles.map((h) => h.done));
    assert.deepEqual(outcomes.map((o) => o.error), new Array(8).fill(undefined));
    await ex.dispose();
  });

  it('a limit of zero fails the trials with a message that says so', async () => {
    slurm.accounting = true;
    slurm.reportedLimit = 0;
    const outcome = await executor().launch(trial(0)).done;
    assert.equal(outcome.error, "Slurm lets user root submit no jobs (MaxSubmitJobs=0 of association fake/root); ask the cluster's administrators, or run the study locally");
    assert.equal(slurm.calls('sbatch').length, 0);
  });

  it('stops: before submission nothing is sent; pending and running tasks are cancelled in one scancel', async () => {
    const ex = executor({ batchDelayMs: 10_000 });
    const early = ex.launch(trial(0));
    await until('queued', () => fs.existsSync(path.join(dir, 'trials', '0', 'slurm-job.sh')));
    await early.stop('cancel');
    assert.equal((await early.done).stopReason, 'cancel');

    const ex2 = executor();
    const [a, b] = [ex2.launch(trial(1)), ex2.launch(trial(2))];
    await until('submitted', () => slurm.tasks.size === 2);
    slurm.running('100_0');
    await Promise.all([a.stop('prune'), b.stop('prune')]);
    assert.deepEqual(slurm.calls('scancel'), ['scancel 100_0 100_1']);
    const [oa, ob] = [await a.done, await b.done];
    assert.deepEqual([oa.stopReason, oa.signal, ob.stopReason], ['prune', 'SIGTERM', 'prune']);
    assert.equal(slurm.submissions.length, 1);
    await ex.dispose();
    await ex2.dispose();
  });

  it('gives up with clear errors when Slurm stops answering, and when a cancelled job never ends', async () => {
    const ex = executor({ pollIntervalMs: 1 });
    const h = ex.launch(trial(0));
    await until('submitted', () => slurm.tasks.size === 1);
    slurm.controllerDown = true;
    const lost = await h.done;
    assert.match(lost.error ?? '', /^lost track of Slurm job 100_0: squeue failed 60 times in a row \(slurm_load_jobs error: Unable to contact slurm controller \(connect failure\)\)$/);

    slurm.controllerDown = false;
    const stuck = executor({ stopTimeoutMs: 50 }).launch(trial(1));
    await until('submitted', () => slurm.tasks.size === 2);
    slurm.running('101_0');
    slurm.end('101_0', 'COMPLETING');
    await stuck.stop('cancel');
    const outcome = await stuck.done;
    assert.equal(outcome.stopReason, 'cancel');
    assert.match(outcome.error ?? '', /Slurm did not report job 101_0 ended within 50 ms of scancel; check it with squeue -j 101_0/);
  });

  it('reports a missing sbatch and a bad trial as outcomes, never as exceptions', async () => {
    const missing = async () => ({ code: null, stdout: '', stderr: '', error: 'sbatch not found on PATH (is the Slurm client installed?)' });
    const a = await new SlurmExecutor({ commands: missing, batchDelayMs: 1 }).launch(trial(0)).done;
    assert.equal(a.error, 'sbatch refused the job: sbatch not found on PATH (is the Slurm client installed?)');
    const b = await new SlurmExecutor({ commands: missing }).launch({ ...trial(1), trialDir: 'relative/dir' }).done;
    assert.match(b.error ?? '', /the trial directory must be an absolute path/);
    const c = await new SlurmExecutor({ commands: missing }).launch({ ...trial(2), params: { 'bad name': 1 } }).done;
    assert.ok(c.error);
    const d = await new SlurmExecutor({ commands: missing }).launch({ ...trial(3), metricRegex: '(' }).done;
    assert.match(d.error ?? '', /^metric settings: invalid metric regex/);
  });
});

/** How many trials the sbatch calls submitted (`--array=0-4%2` is five; a call without `--array` one). */
function countArrayTasks(submissions: readonly (readonly string[])[]): number {
  return submissions.reduce((n, args) => {
    const m = /^--array=0-(\d+)/.exec(args.find((a) => a.startsWith('--array=')) ?? '');
    return n + (m ? Number(m[1]) + 1 : 1);
  }, 0);
}
