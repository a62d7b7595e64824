/**
 * Slurm job ids in the journal: a Slurm trial's job id (`12_3`) is recorded in a `spawn` record as its
 * job is submitted; journals from before (process groups only) still load; and a run that takes over a
 * dead owner's study cancels the jobs it left (through the executor) before it runs the trials again.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SpawnInfo, TrialHandle, TrialLaunch } from '../../../src/core/runner/types';
import { JournalCorruptError, parseJournal, readJournal } from '../../../src/core/study/journal';
import { runStudy } from '../../../src/core/study/runStudy';
import type { StudyEvent } from '../../../src/core/study/types';
import { curveOf, FakeExecutor, makeConfig, testSampler } from './fakeStudy';

const host = os.hostname();
const space = { params: [{ name: 'x', distribution: { type: 'float', low: 0, high: 1 } }] };
const head = (v: number) => JSON.stringify({ op: 'study', v, name: 'sj', space, direction: 'minimize', metric: 'loss', sampler: 'random', seed: 1, studyFile: '', time: 1 });
/** A pid that is certainly not running: a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid as number;

function journalOf(records: object[], v = 2): string {
  return [head(v), ...records.map(r => JSON.stringify(r))].join('\n') + '\n';
}

/** The fake executor, as Slurm: each launch tells a job id; it can cancel a dead run's jobs. */
class SlurmLikeExecutor extends FakeExecutor {
  readonly cancelled: Array<{ study: string; jobs: readonly string[]; launchesBefore: number }> = [];
  next = 500;
  constructor(private readonly answer: (jobs: readonly string[]) => Promise<string[]>) {
    super(l => ({ curve: curveOf(l) }));
  }
  override launch(launch: TrialLaunch): TrialHandle {
    const inner = super.launch(launch);
    const job = `${this.next++}_0`;
    return { ...inner, onSpawn: (listener: (info: SpawnInfo) => void) => setTimeout(() => listener({ slurmJob: job }), 0) };
  }
  async cancelLeftJobs(study: string, jobs: readonly string[]): Promise<string[]> {
    this.cancelled.push({ study, jobs, launchesBefore: this.launches.length });
    return this.answer(jobs);
  }
}

describe('study / Slurm job ids in the journal', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-slurmjobs-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replays a trial\'s job id, the latest submission winning; journals with process groups only still load', () => {
    const running = [
      { op: 'worker', w: 1, pid: 10, host, time: 1 },
      { op: 'trial', number: 0, params: { x: 0.5 }, state: 'running', w: 1, pid: 10, host, time: 2 },
      { op: 'spawn', number: 0, w: 1, slurmJob: '12_3', host, time: 3 },
    ];
    const first = parseJournal(journalOf(running), 'j').study.trials[0];
    assert.equal(first.slurmJob, '12_3');
    assert.equal(first.pgid, undefined);
    const again = parseJournal(journalOf([...running, { op: 'spawn', number: 0, w: 1, slurmJob: '14', host, time: 4 }]), 'j').study.trials[0];
    assert.equal(again.slurmJob, '14');
    // Before Slurm ids: a version 1 journal (no workers) and a version 2 one with a process group.
    const v1 = parseJournal(journalOf([{ op: 'trial', number: 0, params: { x: 0.5 }, state: 'running', pid: 10, host, time: 2 }, { op: 'spawn', number: 0, pgid: 4321, host, time: 3 }], 1), 'j');
    assert.equal(v1.study.trials[0].pgid, 4321);
    assert.equal(v1.study.trials[0].slurmJob, undefined);
    assert.equal(v1.issueCount, 0);
  });

  for (const bad of ['12;scancel -u root', '', '12_', '_3', 12, '1'.repeat(40)]) {
    it(`refuses a spawn record with Slurm job ${JSON.stringify(bad)} (or with neither a job nor a process group)`, () => {
      const records = [
        { op: 'worker', w: 1, pid: 10, host, time: 1 },
        { op: 'trial', number: 0, params: { x: 0.5 }, state: 'running', w: 1, pid: 10, host, time: 2 },
      ];
      for (const spawn of [{ slurmJob: bad }, {}]) {
        // A record after it: a bad last line alone would be a torn append.
        const text = journalOf([...records, { op: 'spawn', number: 0, w: 1, host, time: 3, ...spawn }, { op: 'heartbeat', w: 1, pid: 10, host, time: 4 }]);
        assert.throws(() => parseJournal(text, 'j'), (e: unknown) => e instanceof JournalCorruptError && e.line === 4 && /bad process group or Slurm job/.test(e.message));
      }
    });
  }

  /** A journal whose owner (a dead pid on this host) left trial 0 running as Slurm job 12_3. */
  function deadOwnerJournal(): void {
    const pid = deadPid();
    const text = journalOf([
      { op: 'worker', w: 1, pid, host, time: Date.now() },
      { op: 'state', state: 'running', budget: 2, w: 1, time: Date.now() },
      { op: 'trial', number: 0, params: { x: 0.25 }, state: 'running', w: 1, pid, host, time: Date.now() },
      { op: 'spawn', number: 0, w: 1, slurmJob: '12_3', host, time: Date.now() },
    ]);
    fs.writeFileSync(path.join(dir, 'journal.jsonl'), text);
  }
  const config = (retryFailed: boolean | undefined) =>
    makeConfig({ name: 'sj', space: space as never, retryFailed, limits: { trials: 2, parallel: 1, flapping: { maxFailures: 3, windowMs: 60_000 } } });

  it('a resume cancels the dead run\'s Slurm jobs before it runs anything, re-runs the trial, and journals the new job ids', async () => {
    deadOwnerJournal();
    const executor = new SlurmLikeExecutor(async jobs => [...jobs]);
    const events: StudyEvent[] = [];
    const summary = await runStudy({ config: config(true), journalDir: dir, executor, sampler: testSampler(3), resume: true, onEvent: e => events.push(e) });
    assert.deepEqual(executor.cancelled, [{ study: 'sj', jobs: ['12_3'], launchesBefore: 0 }]);
    const warnings = events.filter(e => e.type === 'warning').map(e => (e as { message: string }).message);
    assert.ok(warnings.includes('cancelled Slurm job 12_3 that trial 0 left queued or running'), warnings.join('\n'));
    assert.equal(summary.trials[0].state, 'fail');
    assert.equal(executor.launches[0].trialNumber, 1, 'trial 0 runs again as trial 1 (retry_failed)');
    assert.deepEqual(executor.launches[0].params.x, 0.25);
    const { study } = readJournal(path.join(dir, 'journal.jsonl'));
    assert.deepEqual(study.trials.slice(1).map(t => t.slurmJob), ['500_0', '501_0']);
  });

  it('with retry_failed: false the jobs are still cancelled; a failing scancel and an executor without Slurm are reported', async () => {
    deadOwnerJournal();
    const executor = new SlurmLikeExecutor(async () => []);
    await runStudy({ config: config(false), journalDir: dir, executor, sampler: testSampler(3), resume: true });
    assert.deepEqual(executor.cancelled.map(c => c.jobs), [['12_3']]);
    assert.notEqual(executor.launches[0].params.x, 0.25);

    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    deadOwnerJournal();
    const failing = new SlurmLikeExecutor(async () => {
      throw new Error('squeue could not list the jobs of hps-sj: Unable to contact slurm controller');
    });
    const events: StudyEvent[] = [];
    await runStudy({ config: config(true), journalDir: dir, executor: failing, sampler: testSampler(3), resume: true, onEvent: e => events.push(e) });
    assert.ok(events.some(e => e.type === 'warning' && /could not cancel the Slurm jobs the gone run left \(12_3 \(trial 0\)\): squeue could not list .*; cancel them with scancel/.test(e.message)));

    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    deadOwnerJournal();
    const local = new FakeExecutor(l => ({ curve: curveOf(l) }));
    const localEvents: StudyEvent[] = [];
    await runStudy({ config: config(true), journalDir: dir, executor: local, sampler: testSampler(3), resume: true, onEvent: e => localEvents.push(e) });
    assert.ok(localEvents.some(e => e.type === 'warning' && /Slurm jobs 12_3 \(trial 0\) of the gone run may still be queued or running; this run does not use Slurm, so cancel them with scancel/.test(e.message)));
  });
});
