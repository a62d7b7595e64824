/**
 * The Slurm executor's pure parts and its control flow against a fake command runner (no cluster).
 * What a real bash makes of the generated scripts is in test/integration/runner/slurm-bash.test.ts.
 */
import * as assert from 'node:assert/strict';
import {
  buildBatchScript,
  checkExtraSbatchArgs,
  escapeSlurmFilename,
  expandTaskIds,
  isSubmitLimitRefusal,
  outcomeFromJobEnd,
  parseSacctAttempts,
  parseSacctRows,
  parseScontrolRecords,
  parseSqueue,
  parseStepdLine,
  scontrolEnds,
  SlurmExecutor,
  SubmitRoom,
} from '../../../src/core/runner/slurm';

describe('runner / Slurm batch script and parsing', () => {
  it('refuses environment names a shell cannot export', () => {
    assert.throws(() => buildBatchScript({ argv: ['x'], cwd: '/', env: { 'A;B': '1' } }), /environment variable name "A;B" is not valid/);
    assert.throws(() => buildBatchScript({ argv: [], cwd: '/', env: {} }), /the command to run is empty/);
  });

  it('escapes % and \\ in --output paths (sbatch expands %j…)', () => {
    assert.equal(escapeSlurmFilename('/runs/50%_lr/a\\b/stdout.log'), '/runs/50\\%_lr/a\\\\b/stdout.log');
  });

  it('parses squeue rows, sacct rows (tasks that never started reported together), scontrol records', () => {
    assert.deepEqual(parseSqueue('15_4|RUNNING|0|15|None|\n15_2|PENDING|1|15|BeginTime|\n15_[5-9%2]|PENDING|0|15|x|\nslurm_load_jobs error\n'), [
      { task: '15_4', state: 'RUNNING', restarts: 0, rawId: '15', reason: 'None' },
      { task: '15_2', state: 'PENDING', restarts: 1, rawId: '15', reason: 'BeginTime' },
    ]);
    assert.deepEqual(expandTaskIds('1-3,7,10-14:2%4'), [1, 2, 3, 7, 10, 12, 14]);
    const rows = parseSacctRows('13_0|CANCELLED by 0|0:15|vm\n13_[1,3%1]|CANCELLED by 0|0:0|None assigned\n13_2|FAILED|3:0|vm\n');
    assert.deepEqual([...rows.keys()], ['13_0', '13_1', '13_3', '13_2']);
    assert.deepEqual(rows.get('13_0'), { state: 'CANCELLED', exitCode: 0, signal: 15, nodes: 'vm' });
    assert.deepEqual(rows.get('13_3'), { state: 'CANCELLED', exitCode: 0, signal: 0, nodes: undefined });
    assert.deepEqual(rows.get('13_2'), { state: 'FAILED', exitCode: 3, signal: 0, nodes: 'vm' });
    assert.deepEqual(parseSacctAttempts('2_0|PREEMPTED|0:0|vm\n2_0|RUNNING|0:0|vm\n').map((a) => a.state), ['PREEMPTED', 'RUNNING']);
    const line = 'JobId=14 ArrayJobId=13 ArrayTaskId=0 JobName=hps-s UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Requeue=1 Restarts=0 ExitCode=3:0 NodeList=vm';
    assert.equal(parseScontrolRecords(line)[0].fields.get('Restarts'), '0');
    const ends = scontrolEnds(`${line}\nJobId=13 ArrayJobId=13 ArrayTaskId=1,3%1 JobState=CANCELLED Reason=None ExitCode=0:0 NodeList=\nJobId=20 ArrayJobId=13 ArrayTaskId=2 JobState=RUNNING ExitCode=0:0\n`);
    assert.deepEqual([...ends.keys()], ['13_0', '13_1', '13_3']);
    assert.deepEqual(ends.get('13_0'), { state: 'FAILED', exitCode: 3, signal: 0, nodes: 'vm' });
    assert.equal(scontrolEnds('slurm_load_jobs error: Invalid job id specified').size, 0);
  });

  it('reads why slurmstepd cut a run, and tells submit-limit refusals from real errors', () => {
    assert.deepEqual(parseStepdLine('slurmstepd-vm: error: *** JOB 13 ON vm CANCELLED AT 2026-12-06T21:01:05 DUE TO NODE FAILURE, SEE SLURMCTLD LOG FOR DETAILS ***'), { job: '13', node: 'vm', at: '2026-12-06T21:01:05', kind: 'node failure' });
    assert.equal(parseStepdLine('slurmstepd: error: *** JOB 3 ON n1 CANCELLED AT 2026-12-06T21:02:03 DUE TO PREEMPTION ***')?.kind, 'preemption');
    assert.equal(parseStepdLine('*** JOB 9 ON vm CANCELLED AT 2026-12-06T21:00:27 DUE TO JOB REQUEUE ***')?.kind, 'requeue');
    assert.equal(parseStepdLine('epoch 3 loss=0.1'), undefined);
    assert.ok(isSubmitLimitRefusal("sbatch: error: AssocMaxSubmitJobLimit\nsbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)"));
    assert.ok(isSubmitLimitRefusal('sbatch: error: QOSMaxSubmitJobPerUserLimit'));
    assert.ok(!isSubmitLimitRefusal('sbatch: error: QOSMaxWallDurationPerJobLimit\nsbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user\'s size and/or time limits)'));
    assert.ok(!isSubmitLimitRefusal('sbatch: error: Batch job submission failed: Invalid partition name specified'));
  });

  it('SubmitRoom: a known limit less what runs, halving after a refusal, room again as jobs end', () => {
    const room = new SubmitRoom({ accounting: true, maxArraySize: 1001, submitLimit: { limit: 10, source: 'MaxSubmitJobs=10' } });
    assert.equal(room.next(0), 10);
    assert.equal(room.next(7), 3);
    room.refused(3, 'AssocMaxSubmitJobLimit');
    assert.equal(room.next(7), 1);
    room.refused(1, 'AssocMaxSubmitJobLimit');
    assert.equal(room.next(7), 0);
    room.freed(2);
    assert.equal(room.next(5), 2);
    assert.equal(new SubmitRoom({ accounting: false, maxArraySize: 4 }).next(100), 4, 'MaxArraySize caps one submission');
  });

  it('maps end states onto outcomes', () => {
    const o = (state: string, exitCode: number, signal: number, stop?: 'prune') => outcomeFromJobEnd('7', { state, exitCode, signal }, stop, 10, 'tail');
    assert.deepEqual(o('COMPLETED', 0, 0), { exitCode: 0, signal: null, stopReason: undefined, durationMs: 10, stderrTail: 'tail' });
    assert.equal(o('FAILED', 3, 0).exitCode, 3);
    assert.deepEqual([o('FAILED', 0, 9).exitCode, o('FAILED', 0, 9).signal], [null, 'SIGKILL']);
    assert.deepEqual([o('CANCELLED', 0, 15, 'prune').stopReason, o('CANCELLED', 0, 15, 'prune').error], ['prune', undefined]);
    assert.match(o('CANCELLED', 0, 15).error ?? '', /cancelled outside Hyperparameter Studio/);
    assert.equal(o('TIMEOUT', 0, 0).stopReason, 'timeout');
    assert.match(o('OUT_OF_MEMORY', 0, 0).error ?? '', /ran out of memory/);
    assert.match(o('NODE_FAIL', 0, 0).error ?? '', /^Slurm job 7 failed with its node \(NODE_FAIL\)$/);
    assert.equal(outcomeFromJobEnd('7_1', { state: 'NODE_FAIL', exitCode: 0, signal: 0, nodes: 'n3' }, undefined, 1, '', 'PSU failed').error, 'Slurm job 7_1 failed with its node n3 (NODE_FAIL): PSU failed');
    assert.match(o('BOOT_FAIL', 0, 0).error ?? '', /^Slurm job 7 ended in state BOOT_FAIL$/);
  });

  it('validates executor options with readable errors', () => {
    assert.throws(() => checkExtraSbatchArgs(['--output=/tmp/x']), /--output is set by Hyperparameter Studio/);
    assert.throws(() => checkExtraSbatchArgs(['--array=0-3']), /--array is set by Hyperparameter Studio \(the executor submits trials as job arrays/);
    assert.throws(() => checkExtraSbatchArgs(['-p gpu']), /-p has its own setting: use partition/);
    assert.throws(() => checkExtraSbatchArgs(['qos=high']), /must be an sbatch option such as --qos=high/);
    assert.throws(() => checkExtraSbatchArgs(['--comment=a\nb']), /must be one line/);
    assert.doesNotThrow(() => checkExtraSbatchArgs(['--qos=high', '#SBATCH --constraint="a100|h100"', '--exclusive', '-q high']));
    assert.throws(() => new SlurmExecutor({ partition: 'gpu; rm -rf ~' }), /partition "gpu; rm -rf ~" is not a valid Slurm value/);
    assert.throws(() => new SlurmExecutor({ account: 'a b' }), /account "a b" is not a valid Slurm value/);
    assert.throws(() => new SlurmExecutor({ pollIntervalMs: 0 }), /pollIntervalMs must be a positive integer/);
    assert.throws(() => new SlurmExecutor({ arrayThrottle: 1.5 }), /arrayThrottle must be a positive integer/);
    assert.throws(() => new SlurmExecutor({ gpus: '1 --wrap=x' }), /gpus "1 --wrap=x" is not a valid Slurm value/);
  });
});
