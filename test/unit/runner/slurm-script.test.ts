/** The Slurm executor's pure parts and its control flow against a fake command runner (no cluster). */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  buildBatchScript,
  checkExtraSbatchArgs,
  escapeSlurmFilename,
  outcomeFromJobEnd,
  parseSacct,
  parseScontrolJob,
  shellQuote,
  SlurmExecutor,
  type CommandResult,
  type SlurmCommand,
} from '../../../src/core/runner/slurm';
import type { TrialLaunch } from '../../../src/core/runner/types';

const HOSTILE = ["; rm -rf ~", '$(touch MARKER)', '`touch MARKER`', "it's", "'", "''", '\\', '"$HOME"', 'a\nb', '\t', '-n', '!!', '*', '~', '${IFS}', '%j', 'é✓', ''];

describe('runner / Slurm batch script and parsing', () => {
  it('shellQuote survives a real bash for hostile and random strings (property)', () => {
    const echo = (value: string) => execFileSync('bash', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' });
    for (const v of HOSTILE) assert.equal(echo(v), v);
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0')), (s) => echo(s) === s), { numRuns: 150 });
    assert.throws(() => shellQuote('a\0b'), /NUL character/);
  });

  it('the generated batch script execs the argv with every value literal, exports the env, enters cwd', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-batch-'));
    try {
      const cwd = path.join(dir, "it's $(odd) dir");
      fs.mkdirSync(cwd);
      const script = buildBatchScript({
        argv: [process.execPath, '-e', 'console.log(JSON.stringify({ argv: process.argv.slice(1), env: process.env.EVIL, cwd: process.cwd() }))', ...HOSTILE],
        cwd,
        env: { EVIL: '$(touch MARKER)\'"`' },
        comment: 'line one\nline two',
      });
      assert.doesNotMatch(script, /^line two/m, 'a comment cannot inject a line');
      const file = path.join(dir, 'job.sh');
      fs.writeFileSync(file, script);
      const out = JSON.parse(execFileSync('bash', [file], { cwd: dir, encoding: 'utf8' })) as { argv: string[]; env: string; cwd: string };
      assert.deepEqual(out.argv, HOSTILE);
      assert.equal(out.env, '$(touch MARKER)\'"`');
      assert.equal(out.cwd, cwd);
      assert.equal(fs.existsSync(path.join(dir, 'MARKER')) || fs.existsSync(path.join(cwd, 'MARKER')), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses environment names a shell cannot export', () => {
    assert.throws(() => buildBatchScript({ argv: ['x'], cwd: '/', env: { 'A;B': '1' } }), /environment variable name "A;B" is not valid/);
    assert.throws(() => buildBatchScript({ argv: [], cwd: '/', env: {} }), /the command to run is empty/);
  });

  it('escapes % and \\ in --output paths (sbatch expands %j…)', () => {
    assert.equal(escapeSlurmFilename('/runs/50%_lr/a\\b/stdout.log'), '/runs/50\\%_lr/a\\\\b/stdout.log');
  });

  it('parses scontrol and sacct answers', () => {
    const line = 'JobId=12 JobName=hps-s-1 UserId=root(0) GroupId=root(0) Priority=1 JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0 RunTime=00:00:01';
    assert.deepEqual(parseScontrolJob(line), { state: 'FAILED', exitCode: 3, signal: 0 });
    assert.deepEqual(parseScontrolJob('JobId=13 JobState=CANCELLED Reason=None ExitCode=0:9'), { state: 'CANCELLED', exitCode: 0, signal: 9 });
    assert.equal(parseScontrolJob('slurm_load_jobs error: Invalid job id specified'), undefined);
    assert.deepEqual(parseSacct('CANCELLED by 0|0:15\n'), { state: 'CANCELLED', exitCode: 0, signal: 15 });
    assert.deepEqual(parseSacct('COMPLETED|0:0\nCOMPLETED|0:0\n'), { state: 'COMPLETED', exitCode: 0, signal: 0 });
    assert.equal(parseSacct(''), undefined);
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
    assert.match(o('NODE_FAIL', 0, 0).error ?? '', /^Slurm job 7 ended in state NODE_FAIL$/);
  });

  it('validates executor options with readable errors', () => {
    assert.throws(() => checkExtraSbatchArgs(['--output=/tmp/x']), /--output is set by the executor/);
    assert.throws(() => checkExtraSbatchArgs(['qos=high']), /must be one option token such as --qos=high/);
    assert.throws(() => checkExtraSbatchArgs(['--comment=a\nb']), /must be one option token/);
    assert.doesNotThrow(() => checkExtraSbatchArgs(['--qos=high', '--account=ml', '--exclusive']));
    assert.throws(() => new SlurmExecutor({ partition: 'gpu; rm -rf ~' }), /partition "gpu; rm -rf ~" is not a valid Slurm value/);
    assert.throws(() => new SlurmExecutor({ pollIntervalMs: 0 }), /pollIntervalMs must be a positive integer/);
    assert.throws(() => new SlurmExecutor({ gpus: '1 --wrap=x' }), /gpus "1 --wrap=x" is not a valid Slurm value/);
  });
});

describe('runner / SlurmExecutor control flow against a fake Slurm', () => {
  let dir: string;
  let program: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-fake-slurm-'));
    program = path.join(dir, 'train.py');
    fs.writeFileSync(program, 'print(1)\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const trial = (n = 0): TrialLaunch => ({ study: 's', trialNumber: n, params: { lr: 0.1 }, trialDir: path.join(dir, 'trials', String(n)), spec: { cwd: dir, interpreter: process.execPath, program: 'train.py' } });
  const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });

  /** A scripted Slurm: `answers` decides each reply; every call is logged. */
  function fake(answers: (command: SlurmCommand, args: readonly string[], log: string[]) => CommandResult) {
    const log: string[] = [];
    return { log, commands: async (command: SlurmCommand, args: readonly string[]) => { log.push(`${command} ${args.join(' ')}`); return answers(command, args, log); } };
  }

  it('submits with the expected sbatch options and reads the end state from scontrol', async () => {
    let polls = 0;
    const f = fake((cmd) => {
      if (cmd === 'sbatch') return ok('4242\n');
      if (cmd === 'squeue') return ok(++polls < 3 ? 'RUNNING\n' : 'COMPLETED\n');
      if (cmd === 'scontrol') return ok('JobId=4242 JobState=COMPLETED Reason=None ExitCode=0:0');
      return { code: 1, stdout: '', stderr: 'unexpected' };
    });
    const ex = new SlurmExecutor({ commands: f.commands, pollIntervalMs: 1, partition: 'gpu', cpusPerTask: 4, gpus: 1, memory: '16G', extraSbatchArgs: ['--qos=high'] });
    const outcome = await ex.launch({ ...trial(), timeoutMs: 90_000 }).done;
    assert.equal(outcome.exitCode, 0);
    const sbatch = f.log[0].split(' ');
    const t = trial();
    assert.deepEqual(sbatch, [
      'sbatch', '--parsable', '--job-name=hps-s-0', `--chdir=${dir}`, `--output=${t.trialDir}/stdout.log`, `--error=${t.trialDir}/stderr.log`, '--open-mode=append',
      '--partition=gpu', '--time=3', '--cpus-per-task=4', '--gpus=1', '--mem=16G', '--qos=high', `${t.trialDir}/slurm-job.sh`,
    ]);
    assert.ok(f.log.includes('scontrol -o show job 4242'));
    assert.match(fs.readFileSync(path.join(t.trialDir, 'slurm-job.sh'), 'utf8'), new RegExp(`exec '${process.execPath}' '${program}' '--lr=0.1'\\n$`));
  });

  it('falls back to sacct when the job is gone from squeue and scontrol', async () => {
    const f = fake((cmd, args) => {
      if (cmd === 'sbatch') return ok('7;cluster\n');
      if (cmd === 'squeue' || cmd === 'scontrol') return { code: 1, stdout: '', stderr: 'Invalid job id specified' };
      if (cmd === 'sacct' && args[0] === '-n') return { code: 1, stdout: '', stderr: 'accounting storage is disabled' };
      return ok('FAILED|2:0\n');
    });
    const outcome = await new SlurmExecutor({ commands: f.commands, pollIntervalMs: 1 }).launch(trial()).done;
    assert.equal(outcome.exitCode, 2);
    assert.ok(f.log.some((l) => l.startsWith('sacct -c ')));
  });

  it('a stop that arrives while sbatch is still answering cancels the job once its id is known', async () => {
    let release!: () => void;
    const submitted = new Promise<void>((r) => (release = r));
    let cancelled = false;
    const f = fake((cmd) => {
      if (cmd === 'scancel') cancelled = true;
      if (cmd === 'squeue') return ok(cancelled ? 'CANCELLED\n' : 'PENDING\n');
      if (cmd === 'scontrol') return ok('JobId=5 JobState=CANCELLED ExitCode=0:15');
      return ok('5\n');
    });
    const commands = async (cmd: SlurmCommand, args: readonly string[]) => {
      if (cmd === 'sbatch') await submitted;
      return f.commands(cmd, args);
    };
    const handle = new SlurmExecutor({ commands, pollIntervalMs: 1 }).launch(trial());
    await new Promise((r) => setTimeout(r, 20));
    const stopping = handle.stop('prune');
    release();
    await stopping;
    const outcome = await handle.done;
    assert.equal(outcome.stopReason, 'prune');
    assert.ok(f.log.includes('scancel 5'));
  });

  it('gives up with a clear error when Slurm stops answering, and when a cancelled job never ends', async () => {
    const down = fake((cmd) => (cmd === 'sbatch' ? ok('9\n') : { code: 1, stdout: '', stderr: 'slurm_load_jobs error: Unable to contact slurm controller' }));
    const lost = await new SlurmExecutor({ commands: down.commands, pollIntervalMs: 1 }).launch(trial()).done;
    assert.match(lost.error ?? '', /^lost track of Slurm job 9: slurm_load_jobs error: Unable to contact slurm controller$/);

    const stuck = fake((cmd) => (cmd === 'squeue' ? ok('COMPLETING\n') : ok('10\n')));
    const handle = new SlurmExecutor({ commands: stuck.commands, pollIntervalMs: 1, stopTimeoutMs: 50 }).launch(trial());
    while (!stuck.log.some((l) => l.startsWith('squeue'))) await new Promise((r) => setTimeout(r, 5));
    await handle.stop('cancel');
    const outcome = await handle.done;
    assert.equal(outcome.stopReason, 'cancel');
    assert.match(outcome.error ?? '', /Slurm did not report job 10 ended within 50 ms of scancel; check it with squeue -j 10/);
  });

  it('a stop before submission submits nothing', async () => {
    const f = fake(() => ok('1\n'));
    const handle = new SlurmExecutor({ commands: f.commands }).launch(trial());
    await handle.stop('cancel');
    assert.deepEqual(await handle.done, { exitCode: null, signal: null, error: undefined, durationMs: (await handle.done).durationMs, stderrTail: '', stopReason: 'cancel' });
    assert.deepEqual(f.log, []);
  });

  it('reports a missing sbatch and a bad trial as outcomes, never as exceptions', async () => {
    const missing = fake(() => ({ code: null, stdout: '', stderr: '', error: 'sbatch not found on PATH (is the Slurm client installed?)' }));
    const a = await new SlurmExecutor({ commands: missing.commands }).launch(trial()).done;
    assert.equal(a.error, 'sbatch refused the job: sbatch not found on PATH (is the Slurm client installed?)');
    const b = await new SlurmExecutor({ commands: missing.commands }).launch({ ...trial(), trialDir: 'relative/dir' }).done;
    assert.match(b.error ?? '', /the trial directory must be an absolute path/);
    const c = await new SlurmExecutor({ commands: missing.commands }).launch({ ...trial(), params: { 'bad name': 1 } }).done;
    assert.ok(c.error);
    assert.deepEqual(missing.log.length, 1, 'only the first trial reached sbatch');
    const d = await new SlurmExecutor({ commands: missing.commands }).launch({ ...trial(), metricRegex: '(' }).done;
    assert.match(d.error ?? '', /^metric settings: invalid metric regex/);
  });
});
