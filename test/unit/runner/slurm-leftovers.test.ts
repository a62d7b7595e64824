/**
 * Slurm job ids for the journal: a trial tells its job id each time it is submitted (again after a
 * preemption for good), and the jobs a dead run left are cancelled with one squeue and one scancel,
 * only those squeue still lists under the study's job name.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cancelLeftJobs, SlurmExecutor, studyJobName, type CommandResult, type SlurmCommand } from '../../../src/core/runner/slurm';
import type { SpawnInfo } from '../../../src/core/runner/types';
import { FakeSlurm } from './fakeSlurm';

async function until(what: string, condition: () => boolean, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A scripted runner: squeue answers `listed`, scancel `cancelAnswer`; every call is kept. */
function scripted(listed: string, squeueAnswer: Partial<CommandResult> = {}, cancelAnswer: Partial<CommandResult> = {}) {
  const calls: Array<{ command: SlurmCommand; args: readonly string[] }> = [];
  const run = async (command: SlurmCommand, args: readonly string[]): Promise<CommandResult> => {
    calls.push({ command, args });
    if (command === 'squeue') return { code: 0, stdout: listed, stderr: '', ...squeueAnswer };
    if (command === 'scancel') return { code: 0, stdout: '', stderr: '', ...cancelAnswer };
    throw new Error(`unexpected ${command}`);
  };
  return { run, calls };
}

describe('runner / Slurm jobs a dead run left', () => {
  it('the job name is the one submissions carry, Slurm-safe', () => {
    assert.equal(studyJobName('my study;rm -rf'), 'hps-my_study_rm_-rf');
    assert.equal(studyJobName('x'.repeat(100)).length, 64);
  });

  it('cancels only the listed ones, under the study name, in one scancel', async () => {
    const s = scripted('12_3\n12_4\n99_0\n');
    const cancelled = await cancelLeftJobs(s.run, 'demo', ['12_5', '12_3', '99_0', '12_3']);
    assert.deepEqual(cancelled, ['12_3', '99_0']);
    assert.deepEqual(s.calls, [
      { command: 'squeue', args: ['-h', '-r', '--name=hps-demo', '-o', '%i'] },
      { command: 'scancel', args: ['--name=hps-demo', '12_3', '99_0'] },
    ]);
  });

  it('asks nothing for no jobs, and sends no scancel when none is still listed', async () => {
    const none = scripted('12_3\n');
    assert.deepEqual(await cancelLeftJobs(none.run, 'demo', []), []);
    assert.equal(none.calls.length, 0);
    const gone = scripted('');
    assert.deepEqual(await cancelLeftJobs(gone.run, 'demo', ['7_0']), []);
    assert.deepEqual(gone.calls.map((c) => c.command), ['squeue']);
  });

  it('says what Slurm said when squeue or scancel fails; a job that ended meanwhile is fine', async () => {
    const down = scripted('', { code: 1, stderr: 'slurm_load_jobs error: Unable to contact slurm controller' });
    await assert.rejects(cancelLeftJobs(down.run, 'demo', ['1_0']), /squeue could not list the jobs of hps-demo: slurm_load_jobs error: Unable to contact/);
    const refused = scripted('1_0\n', {}, { code: 1, stderr: 'scancel: error: Access/permission denied' });
    await assert.rejects(cancelLeftJobs(refused.run, 'demo', ['1_0']), /scancel of 1_0 failed: scancel: error: Access\/permission denied/);
    const ended = scripted('1_0\n', {}, { code: 1, stderr: 'scancel: error: Kill job error on job id 1_0: Job/step already completing or completed' });
    assert.deepEqual(await cancelLeftJobs(ended.run, 'demo', ['1_0']), ['1_0']);
  });

  it('a trial tells its job id when submitted, and the new one when submitted again after a preemption', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-fake-slurm-'));
    try {
      fs.writeFileSync(path.join(dir, 'train.py'), 'print(1)\n');
      const slurm = new FakeSlurm();
      const ex = new SlurmExecutor({ commands: slurm.run, pollIntervalMs: 2, batchDelayMs: 5, user: 'root' });
      ex.onWarning(() => undefined);
      const h = ex.launch({ study: 's', trialNumber: 4, params: { lr: 0.1 }, trialDir: path.join(dir, 'trials', '4'), spec: { cwd: dir, interpreter: process.execPath, program: 'train.py' } });
      const seen: SpawnInfo[] = [];
      h.onSpawn!((info) => seen.push(info));
      await until('submitted', () => seen.length === 1);
      assert.deepEqual(seen, [{ slurmJob: '100_0' }]);
      slurm.running('100_0');
      slurm.end('100_0', 'PREEMPTED');
      await until('submitted again', () => seen.length === 2);
      assert.notEqual(seen[1].slurmJob, '100_0');
      assert.match(seen[1].slurmJob ?? '', /^\d+_0$/);
      slurm.running(seen[1].slurmJob!);
      slurm.end(seen[1].slurmJob!, 'COMPLETED');
      await h.done;
      await ex.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
