/**
 * Runs trials as Slurm jobs: trials ready at the same time go to Slurm as one job array (`sbatch
 * --array=0-N%K`), every job of the study is watched with one `squeue` per poll, ends and exit codes are
 * read from `sacct` (or `scontrol` on clusters without accounting), stops are `scancel`s sent together.
 * Jobs are requeueable: a preempted or requeued trial continues in its folder; a failed node fails it
 * with the reason Slurm recorded. Every Slurm command runs through execFile with an argv: no shell on
 * this side; the one shell is the batch script, where every value is single-quoted.
 */
import * as os from 'node:os';
import { createMetricCollector } from '../../metrics/collector';
import type { MetricCollector, MetricCollectorOptions } from '../../metrics/types';
import { timerDelay } from '../timer';
import type { StopReason, TrialExecutor, TrialHandle, TrialLaunch } from '../types';
import { JobBoard } from './board';
import { execFileRunner, type SlurmCommandRunner } from './commands';
import { cancelLeftJobs } from './leftovers';
import { checkExtraSbatchArgs, stripSbatchPrefix } from './script';
import { SlurmTrial, type SlurmResources } from './trial';

export * from './commands';
export * from './script';
export { cancelLeftJobs, studyJobName } from './leftovers';
export * from './states';
export { isSubmitLimitRefusal, readClusterFacts, SubmitRoom, type ClusterFacts } from './cluster';

export interface SlurmExecutorOptions extends SlurmResources {
  /** More sbatch options, one per line (`--qos=high`, `#SBATCH --constraint=a100`), written as `#SBATCH` lines. Options the executor sets itself are refused. */
  readonly extraSbatchArgs?: readonly string[];
  /** `%K` of `--array`: at most K tasks of one submission run at once. Default: no throttle. */
  readonly arrayThrottle?: number;
  /** How often the jobs' states, output files and metric files are read. Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** How long trials that become ready together wait for each other to go in one submission. Default 200 ms. */
  readonly batchDelayMs?: number;
  /** Environment of the Slurm commands (and, through sbatch's default `--export=ALL`, of the jobs): SLURM_CONF and the like. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How long `stop()` waits for Slurm to report the job ended before giving up on it. Default 120 000 ms. */
  readonly stopTimeoutMs?: number;
  /** Runs the Slurm commands; the real ones by default. A narrow port so the logic can be tested with a fake (and its calls counted). */
  readonly commands?: SlurmCommandRunner;
  /** Makes a trial's metric collector; `createMetricCollector` by default. */
  readonly createCollector?: (options: MetricCollectorOptions) => MetricCollector;
  /** The user whose submit limits apply. Default: the current user. */
  readonly user?: string;
}

function positiveInt(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new RangeError(`SlurmExecutor: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/** Slurm names and sizes: letters, digits and a few separators, never a space or a shell character. */
const SLURM_VALUE = /^[\w:.,+-]+$/;

function checkResources(o: SlurmExecutorOptions): void {
  for (const [key, value] of [['partition', o.partition], ['time', o.time], ['memory', o.memory], ['account', o.account]] as const) {
    if (value !== undefined && (typeof value !== 'string' || !SLURM_VALUE.test(value))) {
      throw new RangeError(`SlurmExecutor: ${key} ${JSON.stringify(value)} is not a valid Slurm value`);
    }
  }
  if (o.gpus !== undefined && !/^[\w:.,-]+$/.test(String(o.gpus))) throw new RangeError(`SlurmExecutor: gpus ${JSON.stringify(o.gpus)} is not a valid Slurm value`);
  positiveInt(o.cpusPerTask, 'cpusPerTask', 1);
  positiveInt(o.arrayThrottle, 'arrayThrottle', 1);
  if (o.extraSbatchArgs) checkExtraSbatchArgs(o.extraSbatchArgs);
}

export class SlurmExecutor implements TrialExecutor {
  readonly name = 'slurm';
  /** Trials wait in Slurm's queue; each one's timeout starts when its job runs. */
  readonly queued = true;
  private readonly trials = new Set<SlurmTrial>();
  private readonly board: JobBoard;
  private readonly warningListeners: Array<(message: string) => void> = [];
  private readonly make: (trial: TrialLaunch) => SlurmTrial;
  private readonly run: SlurmCommandRunner;

  constructor(options: SlurmExecutorOptions = {}) {
    checkResources(options);
    const env = options.env ?? process.env;
    const warn = (message: string) => {
      for (const l of this.warningListeners) l(message);
    };
    this.run = options.commands ?? execFileRunner(env);
    this.board = new JobBoard({
      run: this.run,
      // Board delays are plain timers: capped where Node would cut them to 1 ms.
      pollMs: timerDelay(positiveInt(options.pollIntervalMs, 'pollIntervalMs', 1000)),
      batchDelayMs: timerDelay(options.batchDelayMs ?? 200),
      arrayThrottle: options.arrayThrottle,
      sbatchLines: (options.extraSbatchArgs ?? []).map(stripSbatchPrefix),
      user: options.user ?? os.userInfo().username,
      account: options.account,
      warn,
    });
    const ctx = {
      board: this.board,
      resources: options,
      env,
      stopTimeoutMs: positiveInt(options.stopTimeoutMs, 'stopTimeoutMs', 120_000),
      createCollector: options.createCollector ?? createMetricCollector,
      warn,
    };
    this.make = (trial) => new SlurmTrial(trial, ctx);
  }

  launch(trial: TrialLaunch): TrialHandle {
    const handle = this.make(trial);
    this.trials.add(handle);
    void handle.done.then(() => this.trials.delete(handle));
    handle.start();
    return handle;
  }

  /** Says what the study should know: trials waiting for a submit limit, trials preempted or requeued. */
  onWarning(listener: (message: string) => void): void {
    if (typeof listener === 'function') this.warningListeners.push(listener);
  }

  /** scancel of the jobs a dead run of `study` left queued or running (see leftovers.ts). */
  cancelLeftJobs(study: string, jobs: readonly string[]): Promise<string[]> {
    return cancelLeftJobs(this.run, study, jobs);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.trials].map((t) => t.stop('cancel' as StopReason)));
    this.board.close();
  }
}
