/**
 * Issue #16 item 2 on Slurm, against the real single-node cluster: `kill -9` of an `hpstudio tune` whose
 * trials are Slurm jobs leaves those jobs queued and running; the journal has their ids, so `--resume`
 * cancels them (scancel) before it runs the trials again, and the study reaches its budget. Skipped only
 * when slurmctld is not installed (npm test's system setup installs it).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readJournal } from '../../../src/core/study/journal';
import { journalNow, startCli, TRAINER, waitFor, type CliProcess } from '../study/cli';
import { slurmctldInstalled, startCluster, type TestCluster } from './cluster';

describe('Slurm: --resume after kill -9 of the CLI cancels the jobs it left (real cluster)', function () {
  this.timeout(420_000);
  let cluster: TestCluster | undefined;
  let ws: string;
  const started: CliProcess[] = [];

  before(async function () {
    if (!slurmctldInstalled()) {
      console.log('    (skipped: slurmctld is not installed; npm test installs it, see scripts/setup-system.sh)');
      this.skip();
    }
    cluster = await startCluster({ accounting: false, cpus: 8 });
  });
  after(async () => {
    for (const p of started) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
    if (cluster) {
      await cluster.sh('scancel', '--name=hps-sk');
      await cluster.stop();
    }
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('the dead run\'s running and pending jobs are cancelled, its trials run again, the study reaches its budget', async () => {
    const c = cluster as TestCluster;
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-slurm-kill-'));
    fs.writeFileSync(path.join(ws, 'train.js'), TRAINER);
    fs.writeFileSync(
      path.join(ws, 'sk.study.yaml'),
      [
        'name: sk',
        'program: train.js',
        'command:',
        `  - ${process.execPath}`,
        '  - ${program}',
        '  - ${args}',
        'method: random',
        'metric: {name: loss, goal: minimize}',
        'parameters:',
        '  x: {min: 0.0, max: 1.0}',
        '  epochs: {value: 20}',
        '  delay: {value: 20}',
        'trials: 4',
        'parallel: 3',
        'executor:',
        '  type: slurm',
        '  array_throttle: 1',
        '',
      ].join('\n'),
    );
    // The first run's trials train slowly (a second per epoch): their jobs outlive the runner.
    fs.writeFileSync(path.join(ws, 'slow'), '');
    const journal = path.join(ws, '.hpstudio', 'studies', 'sk', 'journal.jsonl');
    const env = { ...(c.env as Record<string, string>) };
    const a = startCli(['tune', 'sk.study.yaml'], ws, env);
    started.push(a);
    // Three trials in one array with %1: one job runs (and reports), two wait in the queue.
    const jobs = await waitFor('three submitted trials, one of them reporting', () => {
      const t = (journalNow(journal)?.study.trials ?? []).filter(x => x.state === 'running' && x.slurmJob);
      return t.length === 3 && t.some(x => x.intermediate.size > 0) ? t.map(x => ({ number: x.number, job: x.slurmJob! })) : undefined;
    }, 180_000);
    a.child.kill('SIGKILL');
    await a.exited;
    const listed = async () => (await c.sh('squeue', '-h', '-r', '--name=hps-sk', '-o', '%i|%T')).output.trim().split('\n').filter(Boolean);
    const before = await listed();
    for (const { job } of jobs) assert.ok(before.some(l => l.startsWith(`${job}|`)), `job ${job} outlived its runner: ${before.join(', ')}`);
    assert.ok(before.some(l => l.endsWith('|PENDING')) && before.some(l => l.endsWith('|RUNNING')), before.join(', '));
    fs.rmSync(path.join(ws, 'slow'));

    const b = startCli(['tune', 'sk.study.yaml', '--resume', '--json'], ws, env);
    started.push(b);
    assert.equal(await b.exited, 0, b.stderr());
    for (const { number, job } of jobs) assert.match(b.stderr(), new RegExp(`cancelled Slurm job ${job} that trial ${number} left queued or running`));
    const after = await listed();
    for (const { job } of jobs) assert.ok(!after.some(l => l.startsWith(`${job}|`)), `job ${job} is still in the queue: ${after.join(', ')}`);
    const { study } = readJournal(journal);
    for (const { number } of jobs) assert.match(study.trials[number].error ?? '', /^interrupted: its run/);
    assert.equal(study.trials.filter(t => t.state === 'complete').length, 4, 'the study reaches its budget');
    // The re-runs are new jobs, journalled as well.
    const reruns = study.trials.filter(t => t.retryOf !== undefined);
    assert.deepEqual(reruns.map(t => t.retryOf).sort(), jobs.map(j => j.number).sort());
    for (const t of reruns) assert.ok(t.slurmJob && !jobs.some(j => j.job === t.slurmJob), `trial ${t.number}: ${t.slurmJob}`);
  });
});
