/**
 * The Slurm executor as real clusters run it, against a real single-node cluster started here (32 CPU
 * slots): job arrays with a throttle, `scontrol requeue` and preemption continuing the same trial from
 * its checkpoint, a failed node failing the trial with Slurm's reason, and submit limits. Once with
 * accounting (slurmdbd + MariaDB, ends read from sacct) and once without. Skipped only when slurmctld
 * is not installed (npm test's system setup installs it).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countingRunner, emptyCounts, execFileRunner, SlurmExecutor, type SlurmExecutorOptions } from '../../../src/core/runner/slurm';
import type { TrialLaunch } from '../../../src/core/runner/types';
import type { MetricPoint } from '../../../src/core/metrics/types';
import { PROGRAMS, slurmctldInstalled, startCluster, waitFor, type TestCluster } from './cluster';

const PROGRAM = path.join(PROGRAMS, 'trial.js');

for (const accounting of [true, false]) {
  describe(`runner / Slurm as clusters run it (${accounting ? 'with accounting: slurmdbd + MariaDB' : 'without accounting'})`, function () {
    this.timeout(300_000);
    let cluster: TestCluster | undefined;
    let work: string;
    let warnings: string[];
    const counts = emptyCounts();

    before(async function () {
      if (!slurmctldInstalled()) {
        console.log('    (skipped: slurmctld is not installed; npm test installs it, see scripts/setup-system.sh)');
        this.skip();
      }
      cluster = await startCluster({ accounting, cpus: 32 });
      console.log(`    cluster ready in ${(cluster.startMs / 1000).toFixed(1)} s (${accounting ? 'with' : 'without'} accounting)`);
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-slurm-real-'));
    });
    after(async () => {
      await cluster?.stop();
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });
    beforeEach(() => (warnings = []));

    const c = () => cluster as TestCluster;
    const executor = (options: SlurmExecutorOptions = {}) => {
      const ex = new SlurmExecutor({ env: c().env, pollIntervalMs: 300, commands: countingRunner(execFileRunner(c().env), counts), ...options });
      ex.onWarning((m) => warnings.push(m));
      return ex;
    };
    const launch = (n: number, env: Record<string, string>): TrialLaunch => ({
      study: 'real', trialNumber: n, params: { lr: 0.01 }, trialDir: path.join(work, 'trials', String(n)), spec: { cwd: PROGRAMS, interpreter: process.execPath, program: PROGRAM, env },
    });
    const read = (n: number, file: string) => {
      const p = path.join(work, 'trials', String(n), file);
      return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '';
    };
    const squeue = async (...args: string[]) => (await c().sh('squeue', '-h', ...args)).output.trim().split('\n').filter(Boolean);

    it('submits trials launched together as one job array, at most K running (%K)', async () => {
      const before = counts.sbatch;
      const ex = executor({ arrayThrottle: 2 });
      const numbers = [1, 2, 3, 4, 5, 6];
      const handles = numbers.map((n) => ex.launch(launch(n, { MODE: 'metrics' })));
      await waitFor('two trials running', () => numbers.filter((n) => read(n, 'argv.json')).length === 2);
      const jobId = handles.map((h) => (h as unknown as { jobId?: string }).jobId)[0]?.split('_')[0];
      const rows = await squeue('-r', '-j', jobId as string, '-o', '%i %T %r');
      assert.equal(rows.filter((r) => / RUNNING /.test(r)).length, 2, rows.join('\n'));
      assert.equal(rows.filter((r) => / PENDING JobArrayTaskLimit$/.test(r)).length, 4, rows.join('\n'));
      for (const n of numbers) {
        fs.mkdirSync(path.join(work, 'trials', String(n)), { recursive: true });
        fs.writeFileSync(path.join(work, 'trials', String(n), 'release'), '');
      }
      const outcomes = await Promise.all(handles.map((h) => h.done));
      assert.deepEqual(outcomes.map((o) => [o.exitCode, o.error]), numbers.map(() => [0, undefined]));
      assert.equal(counts.sbatch - before, 1, 'six trials, one submission');
      const envs = numbers.map((n) => (JSON.parse(read(n, 'argv.json')) as { env: Record<string, string> }).env);
      assert.deepEqual(envs.map((e) => [e.SLURM_ARRAY_JOB_ID, e.SLURM_ARRAY_TASK_ID]), numbers.map((_, i) => [jobId, String(i)]), 'task i ran trial i of the batch');
      await ex.dispose();
    });

    it('a job requeued with scontrol requeue goes on as the same trial, from its checkpoint, in the same folder', async () => {
      const ex = executor();
      const handle = ex.launch(launch(10, { MODE: 'checkpoint' }));
      const points: MetricPoint[] = [];
      handle.onMetric((p) => points.push(p));
      await waitFor('the first run to save epoch 2', () => read(10, 'checkpoint.json').includes('"epoch":2'));
      const task = (handle as unknown as { jobId: string }).jobId;
      const requeued = await c().sh('scontrol', 'requeue', task);
      assert.equal(requeued.code, 0, requeued.output);
      const outcome = await handle.done;
      assert.deepEqual([outcome.exitCode, outcome.error], [0, undefined]);
      assert.equal(read(10, 'starts'), '0\n1\n', 'two runs of the same trial; the second knew it was a restart');
      assert.deepEqual(points.filter((p) => p.name === 'loss').map((p) => p.step), [1, 2, 3, 4], 'the second run resumed at epoch 3');
      assert.match(read(10, 'stdout.log'), /epoch 2 loss=0\.500\n(?:.*\n)*epoch 3 loss=0\.333\n/);
      assert.match(read(10, 'stderr.log'), /DUE TO JOB REQUEUE/, "slurmstepd's line is in the trial's own log");
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], new RegExp(`^trial 10: Slurm job ${task} was requeued \\(restart 1\\); it continues as the same trial in ${work}/trials/10`));
      await ex.dispose();
    });

    it('a job preempted by a higher-priority partition goes on as the same trial', async () => {
      const ex = executor();
      const handle = ex.launch(launch(11, { MODE: 'checkpoint' }));
      await waitFor('the first run to save epoch 2', () => read(11, 'checkpoint.json').includes('"epoch":2'));
      // Every CPU slot in the urgent partition: the trial's job must make way.
      const urgent = await c().sh('sbatch', '--parsable', '--partition=urgent', '--cpus-per-task=32', '--output=/dev/null', '--wrap', 'sleep 2');
      assert.equal(urgent.code, 0, urgent.output);
      const outcome = await handle.done;
      assert.deepEqual([outcome.exitCode, outcome.error], [0, undefined]);
      assert.equal(read(11, 'starts'), '0\n1\n');
      assert.match(read(11, 'stderr.log'), /DUE TO PREEMPTION/);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], /^trial 11: Slurm job \d+_0 was preempted \(restart 1\); it continues as the same trial/);
      await ex.dispose();
    });

    it('a failed node fails the trial with the reason Slurm recorded', async () => {
      const ex = executor();
      const handle = ex.launch(launch(12, { MODE: 'sleep' }));
      await waitFor('the trial to run', () => read(12, 'argv.json') !== '');
      const reason = 'hps test: power supply failed';
      const down = await c().sh('scontrol', 'update', `nodename=${c().node}`, 'state=down', `reason=${reason}`);
      assert.equal(down.code, 0, down.output);
      try {
        const outcome = await handle.done;
        assert.match(outcome.error ?? '', new RegExp(`^Slurm job \\d+_0 failed with its node ${c().node} \\(NODE_FAIL\\): ${reason}`));
        // With accounting the reason may come from the node's event in slurmdbd or, when the failure is seen before
        // slurmctld has sent that event there (the test cluster schedules every second), from the node itself; which
        // source answers is a race, so only the reason is asserted here (the sacctmgr path: test/unit/runner/slurm-board.test.ts).
        assert.deepEqual(warnings, []);
        const task = (handle as unknown as { jobId: string }).jobId;
        await waitFor('the requeued job to be cancelled', async () => (await squeue('-t', 'PD,R', '-r', '-j', task.split('_')[0], '-o', '%i')).length === 0);
      } finally {
        await c().sh('scontrol', 'update', `nodename=${c().node}`, 'state=resume');
        await waitFor('the node to be idle again', async () => (await c().sh('sinfo', '-h', '-n', c().node, '-o', '%t')).output.split('\n')[0].trim() === 'idle');
      }
      await ex.dispose();
    });

    (accounting ? it : it.skip)('keeps within MaxSubmitJobs: the rest wait with one message, none fails', async () => {
      const user = os.userInfo().username;
      const set = await c().sh('sacctmgr', '-i', 'modify', 'user', user, 'set', 'MaxSubmitJobs=4');
      assert.equal(set.code, 0, set.output);
      try {
        const ex = executor();
        const numbers = [20, 21, 22, 23, 24, 25, 26, 27, 28, 29];
        const outcomes = await Promise.all(numbers.map((n) => ex.launch(launch(n, { MODE: 'exit', EXIT_CODE: '0' })).done));
        assert.deepEqual(outcomes.map((o) => o.error), numbers.map(() => undefined));
        assert.equal(warnings.length, 1, warnings.join('\n'));
        assert.match(warnings[0], new RegExp(`^Slurm accepts no more jobs from user ${user} for now \\(MaxSubmitJobs=4 of association hps/${user}\\): 6 trial\\(s\\) wait and are submitted as earlier jobs end$`));
        await ex.dispose();
      } finally {
        await c().sh('sacctmgr', '-i', 'modify', 'user', user, 'set', 'MaxSubmitJobs=-1');
      }
    });
  });
}
