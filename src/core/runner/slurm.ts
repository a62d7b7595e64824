/**
 * Runs trials as Slurm batch jobs: one `sbatch --parsable` per trial with a generated batch script
 * that `exec`s the trial's argv, stdout/stderr written by Slurm into the trial directory (read as
 * they grow for live metrics), the state polled with `squeue`, the end state and exit code read
 * from `scontrol show job` (or `sacct`), `scancel` to stop. Every Slurm command runs through
 * execFile with an argv: no shell anywhere on this side; the one shell is the batch script, where
 * every value is single-quoted.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { constants as osConstants } from 'node:os';
import { createMetricCollector } from '../metrics/collector';
import { FileTail } from '../metrics/tail';
import type { MetricCollector, MetricCollectorOptions, MetricPoint } from '../metrics/types';
import { ArgvError } from './argv';
import { planLaunch } from './launchPlan';
import { LaunchError } from './resolve';
import type { StopReason, TrialExecutor, TrialHandle, TrialLaunch, TrialOutcome } from './types';

export interface SlurmExecutorOptions {
  /** `--partition`; the cluster default when omitted. */
  readonly partition?: string;
  /** `--time` (Slurm syntax: `30`, `1:00:00`, `2-00:00:00`). Default: from the trial's timeoutMs, else the partition's. */
  readonly time?: string;
  /** `--cpus-per-task`. */
  readonly cpusPerTask?: number;
  /** `--gpus` (a count or `type:count`). Slurm then sets CUDA_VISIBLE_DEVICES itself. */
  readonly gpus?: number | string;
  /** `--mem` (`16G`). */
  readonly memory?: string;
  /** More sbatch options, one token each (`--qos=high`, `--account=ml`). Options the executor sets itself are refused. */
  readonly extraSbatchArgs?: readonly string[];
  /** How often the job state, its output files and metric files are read. Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** Environment of the Slurm commands (and, through sbatch's default `--export=ALL`, of the jobs): SLURM_CONF and the like. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How long `stop()` waits for Slurm to report the job ended before giving up on it. Default 120 000 ms. */
  readonly stopTimeoutMs?: number;
  /** Runs the Slurm commands; the real ones by default. A narrow port so the logic can be tested with a fake. */
  readonly commands?: SlurmCommandRunner;
  /** Makes a trial's metric collector; `createMetricCollector` by default. */
  readonly createCollector?: (options: MetricCollectorOptions) => MetricCollector;
}

export interface CommandResult {
  /** Exit code; null when the command could not be run at all (then `error` says why). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: string;
}

export type SlurmCommand = 'sbatch' | 'squeue' | 'scontrol' | 'scancel' | 'sacct';
export type SlurmCommandRunner = (command: SlurmCommand, args: readonly string[]) => Promise<CommandResult>;

/** Runs a Slurm command with execFile (argv, no shell), a 60 s limit and the given environment. */
export function execFileRunner(env: Readonly<Record<string, string | undefined>> = process.env): SlurmCommandRunner {
  return (command, args) =>
    new Promise((resolve) => {
      execFile(command, [...args], { env: env as NodeJS.ProcessEnv, timeout: 60_000, maxBuffer: 4 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
        // execFile's error carries the exit status as a number, or a string errno when it could not run.
        const code = (err as { code?: unknown } | null)?.code;
        if (err && typeof code !== 'number') {
          const why = code === 'ENOENT' ? `${command} not found on PATH (is the Slurm client installed?)` : `${command}: ${err.message}`;
          resolve({ code: null, stdout: String(stdout), stderr: String(stderr), error: why });
        } else resolve({ code: typeof code === 'number' ? code : 0, stdout: String(stdout), stderr: String(stderr) });
      });
    });
}

// ---------------------------------------------------------------------------------------------
// Pure helpers (exported for tests).

/** Quotes one word for a POSIX shell: inside single quotes nothing is special except `'` itself. */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new LaunchError('a value for the batch script contains a NUL character');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** sbatch expands `%j`, `%x`… in --output/--error paths; a backslash escapes `%` and itself. */
export function escapeSlurmFilename(file: string): string {
  return file.replace(/[\\%]/g, (c) => `\\${c}`);
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface BatchScriptInput {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly comment?: string;
}

/** The batch script: exports, cd, then `exec` of the argv so the job's process is the trial itself. */
export function buildBatchScript(input: BatchScriptInput): string {
  if (input.argv.length === 0) throw new LaunchError('the command to run is empty');
  const lines = ['#!/bin/bash', `# ${(input.comment ?? 'Generated by Hyperparameter Studio').replace(/[\r\n]+/g, ' ')}`];
  for (const [name, value] of Object.entries(input.env)) {
    if (!ENV_NAME.test(name)) throw new LaunchError(`environment variable name ${JSON.stringify(name)} is not valid in a batch script (letters, digits, _)`);
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  lines.push(`cd -- ${shellQuote(input.cwd)} || { echo "hpstudio: cannot enter ${input.cwd.replace(/[^\w./ -]/g, '?')}" >&2; exit 97; }`);
  lines.push(`exec ${input.argv.map(shellQuote).join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/** Options the executor sets itself; an extra sbatch arg may not override them. */
const RESERVED_SBATCH = ['--output', '-o', '--error', '-e', '--chdir', '-D', '--parsable', '--wrap', '--job-name', '-J', '--input', '-i'];

export function checkExtraSbatchArgs(args: readonly string[]): void {
  for (const arg of args) {
    if (typeof arg !== 'string' || !arg.startsWith('-') || arg.includes('\0') || /[\r\n]/.test(arg)) {
      throw new RangeError(`SlurmExecutor: extra sbatch option ${JSON.stringify(arg)} must be one option token such as --qos=high`);
    }
    const name = arg.split('=')[0];
    if (RESERVED_SBATCH.includes(name)) throw new RangeError(`SlurmExecutor: ${name} is set by the executor and cannot be overridden`);
  }
}

/** Slurm job states that mean the job will not run any more. */
const FINISHED_STATES = new Set([
  'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'REVOKED', 'SPECIAL_EXIT',
]);

export function isFinishedSlurmState(state: string): boolean {
  return FINISHED_STATES.has(state);
}

export interface JobEnd {
  readonly state: string;
  readonly exitCode: number;
  readonly signal: number;
}

/** `scontrol -o show job ID` → state and `ExitCode=code:signal`, or undefined when absent. */
export function parseScontrolJob(text: string): JobEnd | undefined {
  const state = /(?:^|\s)JobState=([A-Z_]+)/.exec(text)?.[1];
  const exit = /(?:^|\s)ExitCode=(\d+):(\d+)/.exec(text);
  if (!state) return undefined;
  return { state, exitCode: exit ? Number(exit[1]) : 0, signal: exit ? Number(exit[2]) : 0 };
}

/** `sacct -n -X -P -o State,ExitCode` → the last job line (State may read `CANCELLED by 0`). */
export function parseSacct(text: string): JobEnd | undefined {
  const line = text.trim().split('\n').filter((l) => l.includes('|')).pop();
  if (!line) return undefined;
  const [stateText, exitText] = line.split('|');
  const state = stateText.trim().split(/\s+/)[0];
  const exit = /^(\d+):(\d+)$/.exec((exitText ?? '').trim());
  if (!state) return undefined;
  return { state, exitCode: exit ? Number(exit[1]) : 0, signal: exit ? Number(exit[2]) : 0 };
}

export function signalName(signal: number): string | null {
  if (!signal) return null;
  const entry = Object.entries(osConstants.signals).find(([, n]) => n === signal);
  return entry ? entry[0] : `signal ${signal}`;
}

/** `--time` minutes for a trial timeout: Slurm's own backstop, one minute after ours. */
export function slurmMinutes(timeoutMs: number): string {
  return String(Math.ceil(timeoutMs / 60_000) + 1);
}

/** How a job's end maps onto a TrialOutcome (stopReason is the one we asked for, if any). */
export function outcomeFromJobEnd(
  jobId: string,
  end: JobEnd,
  stopReason: StopReason | undefined,
  durationMs: number,
  stderrTail: string,
): TrialOutcome {
  const signal = signalName(end.signal);
  const base = { durationMs, stderrTail };
  switch (end.state) {
    case 'COMPLETED':
      return { ...base, exitCode: end.exitCode, signal, stopReason };
    case 'FAILED':
      return { ...base, exitCode: end.signal ? null : end.exitCode, signal, stopReason };
    case 'CANCELLED':
      return stopReason
        ? { ...base, exitCode: null, signal: signal ?? 'SIGTERM', stopReason }
        : { ...base, exitCode: null, signal, error: `Slurm job ${jobId} was cancelled outside Hyperparameter Studio (scancel or an administrator)` };
    case 'TIMEOUT':
      return { ...base, exitCode: null, signal, stopReason: stopReason ?? 'timeout' };
    case 'OUT_OF_MEMORY':
      return { ...base, exitCode: end.exitCode || null, signal, stopReason, error: `Slurm job ${jobId} ran out of memory (OUT_OF_MEMORY); ask for more with --mem` };
    default:
      return { ...base, exitCode: null, signal, stopReason, error: `Slurm job ${jobId} ended in state ${end.state}` };
  }
}

// ---------------------------------------------------------------------------------------------

/** How many trailing stderr lines a TrialOutcome carries (as the local executor). */
const STDERR_TAIL_LINES = 40;
const STDERR_TAIL_CHARS = 16 * 1024;
/** Consecutive failed state queries (controller down, timeouts) before the trial is given up. */
const MAX_QUERY_FAILURES = 60;

function positiveInt(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new RangeError(`SlurmExecutor: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

export class SlurmExecutor implements TrialExecutor {
  readonly name = 'slurm';
  private readonly trials = new Set<SlurmTrial>();
  private readonly ctx: SlurmContext;

  constructor(options: SlurmExecutorOptions = {}) {
    if (options.extraSbatchArgs) checkExtraSbatchArgs(options.extraSbatchArgs);
    for (const [key, value] of [['partition', options.partition], ['time', options.time], ['memory', options.memory]] as const) {
      if (value !== undefined && (typeof value !== 'string' || !/^[\w:.,+-]+$/.test(value))) {
        throw new RangeError(`SlurmExecutor: ${key} ${JSON.stringify(value)} is not a valid Slurm value`);
      }
    }
    if (options.gpus !== undefined && !/^[\w:.,-]+$/.test(String(options.gpus))) throw new RangeError(`SlurmExecutor: gpus ${JSON.stringify(options.gpus)} is not a valid Slurm value`);
    const env = options.env ?? process.env;
    this.ctx = {
      options,
      env,
      pollMs: positiveInt(options.pollIntervalMs, 'pollIntervalMs', 1000),
      stopTimeoutMs: positiveInt(options.stopTimeoutMs, 'stopTimeoutMs', 120_000),
      run: options.commands ?? execFileRunner(env),
      createCollector: options.createCollector ?? createMetricCollector,
    };
  }

  launch(trial: TrialLaunch): TrialHandle {
    const handle = new SlurmTrial(trial, this.ctx);
    this.trials.add(handle);
    void handle.done.then(() => this.trials.delete(handle));
    handle.start();
    return handle;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.trials].map((t) => t.stop('cancel')));
  }
}

interface SlurmContext {
  readonly options: SlurmExecutorOptions;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly pollMs: number;
  readonly stopTimeoutMs: number;
  readonly run: SlurmCommandRunner;
  readonly createCollector: (options: MetricCollectorOptions) => MetricCollector;
}

class SlurmTrial implements TrialHandle {
  readonly trialNumber: number;
  readonly done: Promise<TrialOutcome>;
  /** Slurm's id once sbatch answered. */
  jobId: string | undefined;
  private resolveDone!: (outcome: TrialOutcome) => void;
  private settled = false;
  private stopReason: StopReason | undefined;
  private cancelSent = false;
  private stopRequestedAt = 0;
  private readonly listeners: Array<(point: MetricPoint) => void> = [];
  private collector: MetricCollector | undefined;
  private readonly outputs: Array<{ stream: 'stdout' | 'stderr'; tail: FileTail; decoder: StringDecoder }> = [];
  private stderrTail = '';
  private startedAt = Date.now();
  private runningSince: number | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly trial: TrialLaunch,
    private readonly ctx: SlurmContext,
  ) {
    this.trialNumber = trial?.trialNumber;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  onMetric(listener: (point: MetricPoint) => void): void {
    if (typeof listener === 'function') this.listeners.push(listener);
  }

  async stop(reason: StopReason): Promise<void> {
    if (this.settled) return;
    this.stopReason ??= reason;
    this.stopRequestedAt ||= Date.now();
    this.wake?.(); // the monitor loop sends scancel at once instead of after its sleep
    await this.done;
  }

  start(): void {
    this.run().catch((err: unknown) => {
      this.settle({ exitCode: null, signal: null, error: `internal error in the Slurm executor: ${err instanceof Error ? err.message : String(err)}`, durationMs: Date.now() - this.startedAt, stderrTail: '' });
    });
  }

  private settle(outcome: TrialOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveDone(outcome);
  }

  private emit(points: readonly MetricPoint[]): void {
    for (const p of points) for (const l of this.listeners) l(p);
  }

  private async run(): Promise<void> {
    let script: string;
    try {
      script = await this.prepare();
    } catch (err) {
      if (err instanceof LaunchError || err instanceof ArgvError) return this.settle(this.noJob(err.message));
      const e = err as NodeJS.ErrnoException;
      return this.settle(this.noJob(`could not prepare trial directory ${this.trial?.trialDir}: ${e.message}`));
    }
    if (this.stopReason) return this.settle({ ...this.noJob(undefined), stopReason: this.stopReason });

    const submitted = await this.ctx.run('sbatch', this.sbatchArgs(script));
    const id = /^(\d+)(?:;\S*)?\s*$/.exec(submitted.stdout.trim())?.[1];
    if (submitted.code !== 0 || !id) {
      const why = submitted.error ?? (submitted.stderr.trim() || submitted.stdout.trim() || `exit code ${submitted.code}`);
      return this.settle(this.noJob(`sbatch refused the job: ${why}`));
    }
    this.jobId = id;

    let end: JobEnd | undefined;
    let failures = 0;
    let lastError = '';
    while (!end) {
      if (this.stopReason && !this.cancelSent) await this.cancel();
      if (this.stopReason && Date.now() - this.stopRequestedAt > this.ctx.stopTimeoutMs) {
        await this.readOutputs(true);
        return this.settle({
          exitCode: null, signal: null, stopReason: this.stopReason, durationMs: Date.now() - this.startedAt, stderrTail: this.tailText(),
          error: `Slurm did not report job ${id} ended within ${this.ctx.stopTimeoutMs} ms of scancel; check it with squeue -j ${id}`,
        });
      }
      const state = await this.queryState(id);
      if (state.kind === 'error') {
        failures++;
        lastError = state.message;
        if (failures >= MAX_QUERY_FAILURES) {
          await this.readOutputs(true);
          return this.settle({ exitCode: null, signal: null, stopReason: this.stopReason, durationMs: Date.now() - this.startedAt, stderrTail: this.tailText(), error: `lost track of Slurm job ${id}: ${lastError}` });
        }
      } else {
        failures = 0;
        if (state.kind === 'end') end = state.end;
        else if (state.state === 'RUNNING' && this.runningSince === undefined) this.startTimeout();
      }
      await this.readOutputs(false);
      if (!end) await this.pause(this.stopReason ? Math.min(this.ctx.pollMs, 250) : this.ctx.pollMs);
    }
    await this.readOutputs(true);
    this.settle(outcomeFromJobEnd(id, end, this.stopReason, Date.now() - this.startedAt, this.tailText()));
  }

  private noJob(error: string | undefined): TrialOutcome {
    return { exitCode: null, signal: null, error, durationMs: Date.now() - this.startedAt, stderrTail: '' };
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).then(() => {
      this.wake = undefined;
    });
  }

  private startTimeout(): void {
    this.runningSince = Date.now();
    const limit = this.trial.timeoutMs;
    if (limit === undefined) return;
    const timer = setTimeout(() => void this.stop('timeout'), limit);
    void this.done.then(() => clearTimeout(timer));
  }

  private async cancel(): Promise<void> {
    const id = this.jobId as string;
    const result = await this.ctx.run('scancel', [id]);
    // scancel of a job that already ended says "Job/step already completing or completed": fine.
    if (result.code === 0 || /already complet|Invalid job id/i.test(result.stderr)) this.cancelSent = true;
  }

  /** The live state, or the end state once Slurm reports one. */
  private async queryState(id: string): Promise<{ kind: 'active'; state: string } | { kind: 'end'; end: JobEnd } | { kind: 'error'; message: string }> {
    const q = await this.ctx.run('squeue', ['-h', '-t', 'all', '-j', id, '-o', '%T']);
    const state = q.code === 0 ? q.stdout.trim().split('\n')[0]?.trim() ?? '' : '';
    if (state && !isFinishedSlurmState(state)) return { kind: 'active', state };
    // Finished, purged from squeue, or squeue failed: ask for the end state and exit code.
    const s = await this.ctx.run('scontrol', ['-o', 'show', 'job', id]);
    const fromScontrol = s.code === 0 ? parseScontrolJob(s.stdout) : undefined;
    if (fromScontrol && isFinishedSlurmState(fromScontrol.state)) return { kind: 'end', end: fromScontrol };
    if (fromScontrol) return { kind: 'active', state: fromScontrol.state };
    for (const args of [['-n', '-X', '-P', '-j', id, '-o', 'State,ExitCode'], ['-c', '-n', '-P', '-j', id, '-o', 'State,ExitCode']]) {
      const a = await this.ctx.run('sacct', args);
      const fromSacct = a.code === 0 ? parseSacct(a.stdout) : undefined;
      if (fromSacct && isFinishedSlurmState(fromSacct.state)) return { kind: 'end', end: fromSacct };
    }
    if (state) return { kind: 'active', state }; // squeue said finished but nobody has the exit code yet
    return { kind: 'error', message: (q.error ?? q.stderr.trim()) || (s.error ?? s.stderr.trim()) || 'job unknown to squeue, scontrol and sacct' };
  }

  /** Feeds what the job's output files gained to the collector (and the stderr tail); `final` flushes. */
  private async readOutputs(final: boolean): Promise<void> {
    const collector = this.collector;
    if (!collector) return;
    for (const out of this.outputs) {
      for (let round = 0; round < 16; round++) {
        let read;
        try {
          read = await out.tail.read();
        } catch {
          break;
        }
        if (!read || read.data.length === 0) break;
        out.tail.consume(read.data.length);
        const text = out.decoder.write(read.data);
        if (out.stream === 'stderr') this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
        this.emit(collector.pushText(out.stream, text));
      }
    }
    if (final) {
      for (const out of this.outputs) {
        const rest = out.decoder.end();
        if (rest) this.emit(collector.pushText(out.stream, rest));
      }
      this.emit(await collector.end());
    } else {
      this.emit(await collector.pollFiles());
    }
  }

  private tailText(): string {
    return this.stderrTail.replace(/\r?\n$/, '').split(/\r?\n/).slice(-STDERR_TAIL_LINES).join('\n');
  }

  /** Validates the launch, writes the trial files and the batch script; returns the script's path. */
  private async prepare(): Promise<string> {
    const trial = this.trial;
    // Resolved here, on the submitting host: clusters share software and home directories with
    // their login nodes, and an absolute path fails loudly on a node that lacks it.
    const plan = await planLaunch(trial, trial.spec?.env?.PATH ?? this.ctx.env.PATH);

    const env: Record<string, string> = { PYTHONUNBUFFERED: '1' };
    for (const [k, v] of Object.entries(trial.spec.env ?? {})) {
      if (typeof v !== 'string') throw new LaunchError(`environment variable ${JSON.stringify(k)} must be a string`);
      env[k] = v;
    }
    env.HPSTUDIO_STUDY = String(trial.study ?? '');
    env.HPSTUDIO_TRIAL_ID = String(trial.trialNumber);
    env.HPSTUDIO_TRIAL_DIR = trial.trialDir;
    // GPUs on Slurm come from --gpus (Slurm sets CUDA_VISIBLE_DEVICES); an explicit id is passed on.
    if (trial.gpu !== undefined) env.CUDA_VISIBLE_DEVICES = trial.gpu;

    const script = buildBatchScript({
      argv: [plan.file, ...plan.args],
      cwd: trial.spec.cwd,
      env,
      comment: `Hyperparameter Studio: study ${trial.study}, trial ${trial.trialNumber}. Written anew for every submission.`,
    });
    try {
      this.collector = this.ctx.createCollector({ trialDir: trial.trialDir, regex: trial.metricRegex });
    } catch (err) {
      throw new LaunchError(`metric settings: ${err instanceof Error ? err.message : String(err)}`);
    }
    await fs.promises.mkdir(trial.trialDir, { recursive: true });
    await Promise.all(plan.files.map((f) => fs.promises.writeFile(f.path, f.content)));
    const scriptPath = path.join(trial.trialDir, 'slurm-job.sh');
    await fs.promises.writeFile(scriptPath, script, { mode: 0o700 });
    for (const stream of ['stdout', 'stderr'] as const) {
      const logPath = path.join(trial.trialDir, `${stream}.log`);
      // A resubmitted trial appends (sbatch --open-mode=append): start reading at today's end.
      const tail = new FileTail(logPath);
      tail.offset = await fs.promises.stat(logPath).then((s) => s.size, () => 0);
      this.outputs.push({ stream, tail, decoder: new StringDecoder('utf8') });
    }
    return scriptPath;
  }

  private sbatchArgs(scriptPath: string): string[] {
    const o = this.ctx.options;
    const trial = this.trial;
    const name = `hps-${String(trial.study ?? 'study')}-${trial.trialNumber}`.replace(/[^\w.-]+/g, '_').slice(0, 64);
    const args = [
      '--parsable',
      `--job-name=${name}`,
      `--chdir=${trial.spec.cwd}`,
      `--output=${escapeSlurmFilename(path.join(trial.trialDir, 'stdout.log'))}`,
      `--error=${escapeSlurmFilename(path.join(trial.trialDir, 'stderr.log'))}`,
      '--open-mode=append',
    ];
    if (o.partition) args.push(`--partition=${o.partition}`);
    if (o.time) args.push(`--time=${o.time}`);
    else if (trial.timeoutMs !== undefined) args.push(`--time=${slurmMinutes(trial.timeoutMs)}`);
    if (o.cpusPerTask !== undefined) args.push(`--cpus-per-task=${positiveInt(o.cpusPerTask, 'cpusPerTask', 1)}`);
    if (o.gpus !== undefined) args.push(`--gpus=${o.gpus}`);
    if (o.memory) args.push(`--mem=${o.memory}`);
    args.push(...(o.extraSbatchArgs ?? []));
    args.push(scriptPath);
    return args;
  }
}
