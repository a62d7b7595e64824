/**
 * One trial run as a Slurm array task. It prepares its folder and batch script, waits for the board to
 * submit it, reads its stdout/stderr (written by Slurm into the trial folder) for live metrics, and turns
 * the job's end into a TrialOutcome. A requeued task (preemption, `scontrol requeue`) is the same trial
 * going on in the same folder; a task preempted for good is submitted again; a failed node fails the
 * trial with the reason Slurm recorded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { FileTail } from '../../metrics/tail';
import type { MetricCollector, MetricCollectorOptions, MetricPoint } from '../../metrics/types';
import { ArgvError } from '../argv';
import { planLaunch } from '../launchPlan';
import { LaunchError } from '../resolve';
import { setLongTimeout, type LongTimeout } from '../timer';
import type { SpawnInfo, StopReason, TrialHandle, TrialLaunch, TrialOutcome } from '../types';
import type { BoardTrial, JobBoard, RestartInfo } from './board';
import { buildBatchScript } from './script';
import { nodeFailureMessage, outcomeFromJobEnd, parseStepdLine, slurmMinutes, type Interruption, type JobEnd, type QueueRow } from './states';

/** Resource requests, as sbatch options every task of the study shares. */
export interface SlurmResources {
  readonly partition?: string;
  readonly time?: string;
  readonly cpusPerTask?: number;
  readonly gpus?: number | string;
  readonly memory?: string;
  readonly account?: string;
}

export interface TrialContext {
  readonly board: JobBoard;
  readonly resources: SlurmResources;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stopTimeoutMs: number;
  readonly createCollector: (options: MetricCollectorOptions) => MetricCollector;
  readonly warn: (message: string) => void;
}

/** How many trailing stderr lines a TrialOutcome carries (as the local executor). */
const STDERR_TAIL_LINES = 40;
const STDERR_TAIL_CHARS = 16 * 1024;
/** A trial preempted for good (PreemptMode=CANCEL) is submitted again at most this often. */
const MAX_RESUBMITS = 20;

const INTERRUPTION_TEXT: Readonly<Record<Interruption, string>> = {
  preemption: 'preempted',
  requeue: 'requeued',
  'node failure': 'requeued after its node failed',
  'time limit': 'requeued after its time limit',
  cancelled: 'requeued',
};

export class SlurmTrial implements TrialHandle, BoardTrial {
  readonly trialNumber: number;
  readonly study: string;
  readonly trialDir: string;
  readonly done: Promise<TrialOutcome>;
  script = '';
  sharedArgs: readonly string[] = [];
  /** The array task (`12_3`) once submitted. */
  jobId: string | undefined;
  private phase: 'preparing' | 'queued' | 'submitted' | 'settled' = 'preparing';
  private resolveDone!: (outcome: TrialOutcome) => void;
  private stopReason: StopReason | undefined;
  private stopTimer: LongTimeout | undefined;
  private runTimer: LongTimeout | undefined;
  /** Set when Slurm requeued the task after its node failed: we cancel it, and the trial fails. */
  private nodeFailure: { node?: string } | undefined;
  private resubmits = 0;
  private readonly listeners: Array<(point: MetricPoint) => void> = [];
  private readonly spawnListeners: Array<(info: SpawnInfo) => void> = [];
  private collector: MetricCollector | undefined;
  private readonly outputs: Array<{ stream: 'stdout' | 'stderr'; tail: FileTail; decoder: StringDecoder }> = [];
  private stderrTail = '';
  private stderrPartial = '';
  private stepd: { kind: Interruption; node: string } | undefined;
  private readonly startedAt = Date.now();

  constructor(
    private readonly trial: TrialLaunch,
    private readonly ctx: TrialContext,
  ) {
    this.trialNumber = trial?.trialNumber;
    this.study = String(trial?.study ?? 'study');
    this.trialDir = String(trial?.trialDir);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  onMetric(listener: (point: MetricPoint) => void): void {
    if (typeof listener === 'function') this.listeners.push(listener);
  }

  /** Told each time the trial's job is submitted (again after a preemption for good), with its id. */
  onSpawn(listener: (info: SpawnInfo) => void): void {
    if (typeof listener === 'function') this.spawnListeners.push(listener);
  }

  async stop(reason: StopReason): Promise<void> {
    if (this.phase === 'settled') return;
    this.stopReason ??= reason;
    if (this.phase === 'queued' && this.ctx.board.withdraw(this)) this.settle({ ...this.noJob(undefined), stopReason: this.stopReason });
    else if (this.phase === 'submitted') this.cancel();
    await this.done;
  }

  start(): void {
    const { board } = this.ctx;
    board.preparingStarted();
    this.prepare()
      .then(
        () => {
          if (this.stopReason) return this.settle({ ...this.noJob(undefined), stopReason: this.stopReason });
          this.phase = 'queued';
          board.enqueue(this);
        },
        (err: unknown) => {
          if (err instanceof LaunchError || err instanceof ArgvError) return this.settle(this.noJob(err.message));
          this.settle(this.noJob(`could not prepare trial directory ${this.trialDir}: ${err instanceof Error ? err.message : String(err)}`));
        },
      )
      .finally(() => board.preparingEnded());
  }

  // --- what the board tells ---------------------------------------------------------------------

  submitted(task: string): void {
    this.jobId = task;
    this.phase = 'submitted';
    for (const listener of this.spawnListeners) listener({ slurmJob: task });
    if (this.stopReason) this.cancel();
  }

  refused(message: string): void {
    this.settle(this.noJob(message));
  }

  observe(row: QueueRow): void {
    if (row.state === 'RUNNING') this.startRunTimer();
  }

  restarted(info: RestartInfo): void {
    this.clearRunTimer();
    if (info.kind === 'node failure') {
      // Slurm would run it again elsewhere; a failed node is a failed trial, with the reason.
      this.nodeFailure = { node: info.node };
      this.cancel();
      return;
    }
    if (this.stopReason) return;
    const how = INTERRUPTION_TEXT[info.kind];
    this.ctx.warn(`trial ${this.trialNumber}: Slurm job ${this.jobId} was ${how} (restart ${info.restarts}); it continues as the same trial in ${this.trialDir} when Slurm runs it again`);
  }

  ended(end: JobEnd, nodeReason: string | undefined): void {
    this.ctx.board.release(this);
    this.clearRunTimer();
    if (end.state === 'PREEMPTED' && !this.stopReason && !this.nodeFailure && this.resubmits < MAX_RESUBMITS) {
      // Preempted and not requeued by Slurm (PreemptMode=CANCEL, or a job that may not requeue): submit it again.
      this.resubmits++;
      this.ctx.warn(`trial ${this.trialNumber}: Slurm job ${this.jobId} was preempted and not requeued by Slurm; submitted again (${this.resubmits}), it continues as the same trial in ${this.trialDir}`);
      this.phase = 'queued';
      this.ctx.board.enqueue(this);
      return;
    }
    void this.finish(end, nodeReason);
  }

  lost(message: string): void {
    this.ctx.board.release(this);
    void this.readOutputs(true).finally(() => this.settle({ exitCode: null, signal: null, stopReason: this.stopReason, durationMs: Date.now() - this.startedAt, stderrTail: this.tailText(), error: message }));
  }

  lastStepdInterruption(): { kind: Interruption; node: string } | undefined {
    return this.stepd;
  }

  /** Feeds what the job's output files gained to the collector (and the stderr tail); `final` flushes. */
  async readOutputs(final = false): Promise<void> {
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
        if (out.stream === 'stderr') this.noteStderr(text);
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

  // --- inside ---------------------------------------------------------------------------------

  private async finish(end: JobEnd, nodeReason: string | undefined): Promise<void> {
    await this.readOutputs(true);
    const id = this.jobId ?? '?';
    const duration = Date.now() - this.startedAt;
    if (this.nodeFailure) {
      const node = this.nodeFailure.node ?? end.nodes;
      const reason = nodeReason ?? (await this.ctx.board.nodeReason(node));
      return this.settle({ exitCode: null, signal: null, durationMs: duration, stderrTail: this.tailText(), error: nodeFailureMessage(id, node, reason) });
    }
    this.settle(outcomeFromJobEnd(id, end, this.stopReason, duration, this.tailText(), nodeReason));
  }

  private cancel(): void {
    this.ctx.board.cancel(this);
    if (!this.stopReason || this.stopTimer) return;
    this.stopTimer = setLongTimeout(() => {
      this.ctx.board.release(this);
      void this.readOutputs(true).finally(() =>
        this.settle({
          exitCode: null, signal: null, stopReason: this.stopReason, durationMs: Date.now() - this.startedAt, stderrTail: this.tailText(),
          error: `Slurm did not report job ${this.jobId} ended within ${this.ctx.stopTimeoutMs} ms of scancel; check it with squeue -j ${this.jobId}`,
        }),
      );
    }, this.ctx.stopTimeoutMs);
  }

  private startRunTimer(): void {
    const limit = this.trial.timeoutMs;
    if (limit === undefined || this.runTimer) return;
    this.runTimer = setLongTimeout(() => void this.stop('timeout'), limit);
  }

  private clearRunTimer(): void {
    this.runTimer?.clear();
    this.runTimer = undefined;
  }

  private settle(outcome: TrialOutcome): void {
    if (this.phase === 'settled') return;
    this.phase = 'settled';
    this.clearRunTimer();
    this.stopTimer?.clear();
    this.ctx.board.release(this);
    this.resolveDone(outcome);
  }

  private emit(points: readonly MetricPoint[]): void {
    for (const p of points) for (const l of this.listeners) l(p);
  }

  private noteStderr(text: string): void {
    this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    const lines = (this.stderrPartial + text).split('\n');
    this.stderrPartial = (lines.pop() ?? '').slice(-4096);
    for (const line of lines) {
      const found = parseStepdLine(line);
      if (found) this.stepd = { kind: found.kind, node: found.node };
    }
  }

  private noJob(error: string | undefined): TrialOutcome {
    return { exitCode: null, signal: null, error, durationMs: Date.now() - this.startedAt, stderrTail: '' };
  }

  private tailText(): string {
    return this.stderrTail.replace(/\r?\n$/, '').split(/\r?\n/).slice(-STDERR_TAIL_LINES).join('\n');
  }

  /** Validates the launch, writes the trial files and its batch script, and works out its sbatch options. */
  private async prepare(): Promise<void> {
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
      comment: `Hyperparameter Studio: study ${trial.study}, trial ${trial.trialNumber}. A requeued job runs it again in this folder (SLURM_RESTART_COUNT says how often).`,
    });
    try {
      this.collector = this.ctx.createCollector({ trialDir: trial.trialDir, regex: trial.metricRegex });
    } catch (err) {
      throw new LaunchError(`metric settings: ${err instanceof Error ? err.message : String(err)}`);
    }
    await fs.promises.mkdir(trial.trialDir, { recursive: true });
    await Promise.all(plan.files.map((f) => fs.promises.writeFile(f.path, f.content)));
    this.script = path.join(trial.trialDir, 'slurm-job.sh');
    await fs.promises.writeFile(this.script, script, { mode: 0o700 });
    for (const stream of ['stdout', 'stderr'] as const) {
      const logPath = path.join(trial.trialDir, `${stream}.log`);
      // Slurm appends (a requeued run, a trial dir used before): start reading at today's end.
      await fs.promises.appendFile(logPath, '');
      const tail = new FileTail(logPath);
      tail.offset = (await fs.promises.stat(logPath)).size;
      this.outputs.push({ stream, tail, decoder: new StringDecoder('utf8') });
    }
    this.sharedArgs = this.sbatchArgs();
  }

  private sbatchArgs(): string[] {
    const r = this.ctx.resources;
    const args = [`--chdir=${this.trial.spec.cwd}`];
    if (r.partition) args.push(`--partition=${r.partition}`);
    if (r.account) args.push(`--account=${r.account}`);
    if (r.time) args.push(`--time=${r.time}`);
    else if (this.trial.timeoutMs !== undefined) args.push(`--time=${slurmMinutes(this.trial.timeoutMs)}`);
    if (r.cpusPerTask !== undefined) args.push(`--cpus-per-task=${r.cpusPerTask}`);
    if (r.gpus !== undefined) args.push(`--gpus=${r.gpus}`);
    if (r.memory) args.push(`--mem=${r.memory}`);
    return args;
  }
}
