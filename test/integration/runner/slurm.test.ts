/**
 * The Slurm executor end to end against a real single-node cluster (no accounting), started for this
 * file by ../slurm/cluster.ts and stopped after. Skipped only when slurmctld is not installed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProcessAlive, isZombie } from '../../../src/core/runner/process-group';
import { SlurmExecutor } from '../../../src/core/runner/slurm';
import { runStudy } from '../../../src/core/study/runStudy';
import type { StudyConfig } from '../../../src/core/study/types';
import type { TrialLaunch } from '../../../src/core/runner/types';
import type { MetricPoint } from '../../../src/core/metrics/types';
import { PROGRAMS, SCRIPTS, slurmctldInstalled, startCluster, waitFor, type TestCluster } from '../slurm/cluster';

const PROGRAM = path.join(PROGRAMS, 'trial.js');

/** Gone: no such process, or a zombie waiting for init to reap it (it runs nothing any more). */
const gone = (pid: number) => !isProcessAlive(pid) || isZombie(pid);

describe('runner / SlurmExecutor on a real single-node Slurm cluster', function () {
  this.timeout(120_000);
  let cluster: TestCluster | undefined;
  let clusterEnv: NodeJS.ProcessEnv;
  let work: string;

  before(async function () {
    if (!slurmctldInstalled()) {
      console.log('    (skipped: slurmctld is not installed; the project setup installs it, see test/slurm/start-slurm.sh)');
      this.skip();
    }
    cluster = await startCluster({ accounting: false });
    clusterEnv = cluster.env;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-slurm-study-'));
  });

  after(async function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
    await cluster?.stop();
  });

  const launch = (n: number, env: Record<string, string>, params: TrialLaunch['params'] = { lr: 0.01 }, extra: Partial<TrialLaunch> = {}): TrialLaunch => ({
    study: 'slurm-e2e',
    trialNumber: n,
    params,
    trialDir: path.join(work, 'trials', String(n)),
    spec: { cwd: SCRIPTS, interpreter: process.execPath, program: PROGRAM, env },
    ...extra,
  });

  it('runs a trial as a job and delivers its metrics live, from the output file, while it runs', async () => {
    const executor = new SlurmExecutor({ env: clusterEnv, pollIntervalMs: 200 });
    const trial = launch(1, { MODE: 'metrics' });
    const handle = executor.launch(trial);
    const points: MetricPoint[] = [];
    handle.onMetric((p) => points.push(p));
    let finished = false;
    void handle.done.then(() => (finished = true));
    // The program holds after its first line until `release` exists: a metric seen now came live.
    await waitFor('the first metric', () => points.length > 0);
    assert.equal(finished, false);
    fs.writeFileSync(path.join(trial.trialDir, 'release'), '');
    const outcome = await handle.done;
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.stopReason, undefined);
    assert.deepEqual(points.map((p) => `${p.name}@${p.step}=${p.value}`), ['loss@1=0.9', 'acc@1=0.5', 'loss@2=0.6', 'acc@2=0.7', 'loss@3=0.4']);
    assert.ok(points.every((p) => p.source === 'stdout'));
    const seen = JSON.parse(fs.readFileSync(path.join(trial.trialDir, 'argv.json'), 'utf8')) as { argv: string[]; cwd: string; env: Record<string, string> };
    assert.deepEqual(seen.argv, ['--lr=0.01']);
    assert.equal(seen.cwd, SCRIPTS);
    assert.equal(seen.env.HPSTUDIO_STUDY, 'slurm-e2e');
    assert.equal(seen.env.HPSTUDIO_TRIAL_ID, '1');
    assert.equal(seen.env.PYTHONUNBUFFERED, '1');
    assert.match(seen.env.SLURM_JOB_ID, /^\d+$/, 'the program ran inside a Slurm job');
    assert.match(fs.readFileSync(path.join(trial.trialDir, 'stdout.log'), 'utf8'), /^epoch 1 loss=0\.9 acc=0\.5\n/, 'Slurm wrote the output into the trial dir');
    assert.ok(fs.existsSync(path.join(trial.trialDir, 'slurm-job.sh')));
  });

  it('maps exit codes: 0 is a success, 3 a failure carrying the stderr tail', async () => {
    const executor = new SlurmExecutor({ env: clusterEnv, pollIntervalMs: 200 });
    const [ok, bad] = [executor.launch(launch(2, { MODE: 'exit', EXIT_CODE: '0' })), executor.launch(launch(3, { MODE: 'exit', EXIT_CODE: '3' }))];
    const [okOutcome, badOutcome] = await Promise.all([ok.done, bad.done]);
    assert.equal(okOutcome.exitCode, 0);
    assert.equal(okOutcome.error, undefined);
    assert.equal(badOutcome.exitCode, 3);
    assert.equal(badOutcome.signal, null);
    assert.equal(badOutcome.error, undefined);
    assert.match(badOutcome.stderrTail, /ValueError: learning rate must be positive$/);
  });

  it('prunes with scancel: stop() resolves once the job ended and its whole process tree is gone', async () => {
    const executor = new SlurmExecutor({ env: clusterEnv, pollIntervalMs: 200 });
    const trial = launch(4, { MODE: 'tree' });
    const handle = executor.launch(trial);
    const pidsFile = path.join(trial.trialDir, 'pids');
    const pids = () => (fs.existsSync(pidsFile) ? fs.readFileSync(pidsFile, 'utf8').trim().split('\n').filter(Boolean).map(Number) : []);
    await waitFor('the program, its child and grandchild to start', () => pids().length === 3);
    const tree = pids();
    assert.ok(tree.every((pid) => isProcessAlive(pid)), 'the tree runs before the stop');
    await handle.stop('prune');
    const outcome = await handle.done;
    assert.equal(outcome.stopReason, 'prune');
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.exitCode, null);
    assert.deepEqual(tree.filter((pid) => !gone(pid)), [], 'no process of the job survived');
  });

  it('passes hostile parameter values literally, through the batch script, to the program', async () => {
    const marker = path.join(work, 'MARKER');
    const hostile = {
      semicolon: `; touch ${marker}`,
      subst: `$(touch ${marker})`,
      backtick: `\`touch ${marker}\``,
      quote: `it's '${marker}' "quoted"`,
      newline: `a\nb; touch ${marker}`,
      dash: '--help',
      glob: '*',
    };
    const executor = new SlurmExecutor({ env: clusterEnv, pollIntervalMs: 200 });
    const trial = launch(5, { MODE: 'exit', EXIT_CODE: '0', 'EVIL_ENV': `$(touch ${marker})'` }, hostile);
    const outcome = await executor.launch(trial).done;
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.exitCode, 0);
    const seen = JSON.parse(fs.readFileSync(path.join(trial.trialDir, 'argv.json'), 'utf8')) as { argv: string[] };
    assert.deepEqual(seen.argv, Object.entries(hostile).map(([k, v]) => `--${k}=${v}`));
    assert.equal(fs.existsSync(marker), false, 'nothing was executed by a shell');
  });

  it('stops a trial that passes its timeout', async () => {
    const executor = new SlurmExecutor({ env: clusterEnv, pollIntervalMs: 200 });
    const outcome = await executor.launch(launch(6, { MODE: 'sleep' }, { lr: 1 }, { timeoutMs: 1500 })).done;
    assert.equal(outcome.stopReason, 'timeout');
    assert.equal(outcome.error, undefined);
  });

  it('in a study: a trial whose loss ends on NaN fails as diverged; a 30-day trial_timeout (past 2^31 ms) does not stop trials at once', async () => {
    const config: StudyConfig = {
      name: 'slurm-diverged',
      file: '',
      space: { params: [{ name: 'end', distribution: { type: 'categorical', choices: ['nan', '0.25'] } }] },
      constants: {},
      direction: 'minimize',
      metric: 'loss',
      sampler: 'grid',
      pruner: { type: 'none' },
      launch: { cwd: SCRIPTS, interpreter: process.execPath, program: PROGRAM, env: { MODE: 'end' } },
      executor: { type: 'slurm', sbatch: [] },
      limits: { trials: 2, parallel: 2, trialTimeoutMs: 30 * 86_400_000, flapping: { maxFailures: Infinity, windowMs: 0 } },
      gpus: [],
      retryFailed: false,
    };
    const executor = new SlurmExecutor({ env: clusterEnv, pollIntervalMs: 200 });
    try {
      const summary = await runStudy({ config, journalDir: path.join(work, 'study-diverged'), executor });
      const byEnd = new Map(summary.trials.map((t) => [t.params.end, t]));
      assert.equal(byEnd.get('0.25')?.state, 'complete', JSON.stringify(summary.trials));
      assert.equal(byEnd.get('0.25')?.value, 0.25);
      assert.equal(byEnd.get('nan')?.state, 'fail', JSON.stringify(summary.trials));
      assert.equal(byEnd.get('nan')?.error, 'diverged: loss=nan at step 2');
      assert.equal(summary.best?.params.end, '0.25');
    } finally {
      await executor.dispose();
    }
  });

  it('reports what sbatch refused, and a missing program, without throwing', async () => {
    const executor = new SlurmExecutor({ env: clusterEnv, partition: 'no-such-partition' });
    const refused = await executor.launch(launch(7, { MODE: 'exit' })).done;
    assert.match(refused.error ?? '', /^sbatch refused the job: .*invalid partition/i);
    const missing = await new SlurmExecutor({ env: clusterEnv }).launch({ ...launch(8, {}), spec: { cwd: SCRIPTS, interpreter: process.execPath, program: 'nope.py' } }).done;
    assert.match(missing.error ?? '', /nope\.py not found in /);
  });

  it('dispose() cancels every running job and waits for them', async () => {
    const executor = new SlurmExecutor({ env: clusterEnv, pollIntervalMs: 200 });
    const handles = [executor.launch(launch(9, { MODE: 'sleep' })), executor.launch(launch(10, { MODE: 'sleep' }))];
    await waitFor('both jobs to start', () => [9, 10].every((n) => fs.existsSync(path.join(work, 'trials', String(n), 'argv.json'))));
    await executor.dispose();
    for (const h of handles) {
      const outcome = await h.done;
      assert.equal(outcome.stopReason, 'cancel');
    }
  });
});
