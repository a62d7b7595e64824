/**
 * Runs trials as processes on this machine.
 *
 * Each trial is spawned with `shell: false` (argv only, see argv.ts) and `detached: true`, so it
 * leads its own process group and `stop()` can signal everything it started — SIGTERM to `-pgid`,
 * SIGKILL after the grace period — and resolve only once no process of the group is left
 * (reliability cases 9–11). Every way a launch can go wrong (bad params, missing program, spawn
 * ENOENT/EACCES) ends as a TrialOutcome with `error`, never as an exception: `launch()` does not throw.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createMetricCollector } from '../metrics/collector';
import type { MetricCollector, MetricCollectorOptions, MetricPoint } from '../metrics/types';
import { ArgvError } from './argv';
import { CappedLog, DEFAULT_LOG_LIMITS, type LogLimits } from './cappedLog';
import { planLaunch, type LaunchPlan } from './launchPlan';
import { GpuPool } from './gpu-pool';
import { isGroupAlive, isSignallablePid, signalGroup, terminateGroup } from './process-group';
import { LaunchError } from './resolve';
import { setLongTimeout, timerDelay, type LongTimeout } from './timer';
import type { StopReason, TrialExecutor, TrialHandle, TrialLaunch, TrialOutcome } from './types';

export interface LocalExecutorOptions {
  /** Time between SIGTERM and SIGKILL when a trial is stopped. Default 5000 ms. */
  readonly graceMs?: number;
  /** Trials running at once; later launches wait in order. Default: no limit. */
  readonly maxConcurrent?: number;
  /** GPU ids handed out round-robin (CUDA_VISIBLE_DEVICES) to trials whose launch names none. */
  readonly gpus?: readonly string[];
  /** How often the trial directory's metric files are read while it runs. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Environment trials inherit before their own settings. Default `process.env`. */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  /** Makes a trial's metric collector; `createMetricCollector` by default (injectable for tests). */
  readonly createCollector?: (options: MetricCollectorOptions) => MetricCollector;
  /** Size caps of each trial's stdout/stderr logs (head kept, tail rotated). Default DEFAULT_LOG_LIMITS. */
  readonly logLimits?: LogLimits;
}

/** How many trailing stderr lines a TrialOutcome carries. */
export const STDERR_TAIL_LINES = 40;
// The tail is cut from the last bytes of stderr: enough for 40 normal lines without keeping a
// runaway log in memory.
const STDERR_TAIL_CHARS = 16 * 1024;
// After the group is gone, a process that escaped it (setsid) may still hold our pipes open; we stop
// waiting for them after this long rather than hang `done` forever.
const PIPE_CLOSE_WAIT_MS = 1000;

function checkOption(value: number | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`LocalExecutor: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

const MAX_TAIL_LINE = 2000;

/**
 * The last `count` lines as a terminal would show them: a progress bar redrawn with `\r` (tqdm)
 * keeps only its last state, and one runaway line is cut so the tail stays readable.
 */
export function lastLines(text: string, count: number): string {
  const lines = text
    .replace(/\r?\n$/, '')
    .split('\n')
    .map(line => {
      const shown = line.replace(/\r$/, '');
      const visible = shown.slice(shown.lastIndexOf('\r') + 1);
      return visible.length > MAX_TAIL_LINE ? `${visible.slice(0, MAX_TAIL_LINE)}…` : visible;
    });
  return lines.slice(-count).join('\n');
}

function spawnErrorMessage(file: string, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return `could not start ${file}: not found (or its interpreter line names a missing program)`;
    case 'EACCES':
      return `could not start ${file}: permission denied`;
    case 'E2BIG':
      return `could not start ${file}: the command line and environment are too long`;
    default:
      return `could not start ${file}: ${err.message}`;
  }
}

export class LocalExecutor implements TrialExecutor {
  readonly name = 'local';
  private readonly graceMs: number;
  private readonly maxConcurrent: number;
  private readonly pollIntervalMs: number;
  private readonly pool: GpuPool | undefined;
  private readonly baseEnv: Readonly<Record<string, string | undefined>>;
  private readonly createCollector: (options: MetricCollectorOptions) => MetricCollector;
  private readonly logLimits: LogLimits;
  private readonly waiting: LocalTrial[] = [];
  private readonly active = new Set<LocalTrial>();
  private disposed = false;

  constructor(options: LocalExecutorOptions = {}) {
    this.graceMs = checkOption(options.graceMs, 'graceMs', 5000, 0);
    this.maxConcurrent = checkOption(options.maxConcurrent, 'maxConcurrent', Infinity, 1);
    this.pollIntervalMs = checkOption(options.pollIntervalMs, 'pollIntervalMs', 250, 10);
    this.pool = options.gpus && options.gpus.length > 0 ? new GpuPool(options.gpus) : undefined;
    this.baseEnv = options.baseEnv ?? process.env;
    this.createCollector = options.createCollector ?? createMetricCollector;
    const limits = options.logLimits ?? DEFAULT_LOG_LIMITS;
    checkOption(limits.headBytes, 'logLimits.headBytes', 0, 1);
    checkOption(limits.tailBytes, 'logLimits.tailBytes', 0, 2);
    this.logLimits = limits;
  }

  /** Trials started and not yet finished. */
  get runningCount(): number {
    return this.active.size;
  }

  /** Trials waiting for a free slot (maxConcurrent). */
  get queuedCount(): number {
    return this.waiting.length;
  }

  launch(trial: TrialLaunch): TrialHandle {
    const handle = new LocalTrial(trial, {
      graceMs: this.graceMs,
      pollIntervalMs: this.pollIntervalMs,
      baseEnv: this.baseEnv,
      createCollector: this.createCollector,
      logLimits: this.logLimits,
      pool: this.pool,
      onSettled: t => this.settled(t),
    });
    if (this.disposed) {
      handle.fail('the executor was disposed; no new trials start');
    } else if (this.active.size < this.maxConcurrent) {
      this.active.add(handle);
      handle.start();
    } else {
      this.waiting.push(handle);
    }
    return handle;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.waiting, ...this.active];
    await Promise.all(all.map(t => t.stop('cancel')));
    await Promise.all(all.map(t => t.done));
  }

  private settled(trial: LocalTrial): void {
    const queued = this.waiting.indexOf(trial);
    if (queued >= 0) this.waiting.splice(queued, 1);
    this.active.delete(trial);
    while (!this.disposed && this.active.size < this.maxConcurrent && this.waiting.length > 0) {
      const next = this.waiting.shift() as LocalTrial;
      this.active.add(next);
      next.start();
    }
  }
}

interface TrialContext {
  readonly graceMs: number;
  readonly pollIntervalMs: number;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  readonly createCollector: (options: MetricCollectorOptions) => MetricCollector;
  readonly logLimits: LogLimits;
  readonly pool: GpuPool | undefined;
  readonly onSettled: (trial: LocalTrial) => void;
}

type Phase = 'queued' | 'preparing' | 'running' | 'finishing' | 'done';

class LocalTrial implements TrialHandle {
  readonly trialNumber: number;
  readonly done: Promise<TrialOutcome>;
  private resolveDone!: (outcome: TrialOutcome) => void;
  private phase: Phase = 'queued';
  private stopReason: StopReason | undefined;
  private readonly listeners: Array<(point: MetricPoint) => void> = [];
  private readonly spawnListeners: Array<(info: { readonly pgid: number }) => void> = [];
  private readonly noteListeners: Array<(message: string) => void> = [];
  private pgid: number | undefined;
  private startedAt = 0;
  private gpuFromPool: string | undefined;
  private collector: MetricCollector | undefined;
  private stderrTail = '';
  private terminating: Promise<void> | undefined;
  private timeoutTimer: LongTimeout | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly trial: TrialLaunch,
    private readonly ctx: TrialContext,
  ) {
    this.trialNumber = trial?.trialNumber;
    this.done = new Promise(resolve => (this.resolveDone = resolve));
  }

  onMetric(listener: (point: MetricPoint) => void): void {
    if (typeof listener === 'function') this.listeners.push(listener);
  }

  onSpawn(listener: (info: { readonly pgid: number }) => void): void {
    if (typeof listener === 'function') this.spawnListeners.push(listener);
  }

  onNote(listener: (message: string) => void): void {
    if (typeof listener === 'function') this.noteListeners.push(listener);
  }

  private note(message: string): void {
    for (const listener of this.noteListeners) {
      try {
        listener(message);
      } catch {
        // as for metrics: a throwing subscriber must not break the trial
      }
    }
  }

  async stop(reason: StopReason, options: { readonly force?: boolean } = {}): Promise<void> {
    if (this.phase === 'done') return;
    // A second Ctrl-C: no grace period, for a trial already stopping too (terminateGroup sees it gone).
    if (options.force && this.pgid !== undefined && (this.phase === 'running' || this.phase === 'finishing')) {
      if (this.phase === 'running') this.stopReason ??= reason;
      this.terminate();
      signalGroup(this.pgid, 'SIGKILL');
    }
    // 'finishing': the program already ended by itself (its leftovers are being cleaned up), so the
    // outcome must not claim we stopped it.
    if (this.phase !== 'finishing') this.stopReason ??= reason;
    if (this.phase === 'queued') {
      this.settle({ exitCode: null, signal: null, stopReason: this.stopReason, durationMs: 0, stderrTail: '' });
    } else if (this.phase === 'running') {
      this.terminate();
    }
    // 'preparing': start() sees stopReason before spawning and settles without a process.
    await this.done;
  }

  /** Ends a trial that never started (disposed executor). */
  fail(message: string): void {
    this.settle({ exitCode: null, signal: null, error: message, durationMs: 0, stderrTail: '' });
  }

  start(): void {
    if (this.phase !== 'queued') return;
    this.phase = 'preparing';
    this.startedAt = performance.now();
    this.prepareAndSpawn().catch((err: unknown) => {
      // Only programming errors reach here; still a clean outcome rather than an unhandled rejection.
      this.finishWithoutProcess(`internal error while starting the trial: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private async prepareAndSpawn(): Promise<void> {
    const trial = this.trial;
    let file: string;
    let args: string[];
    let env: Record<string, string>;
    let files: LaunchPlan['files'];
    try {
      env = this.environment();
      const plan = await planLaunch(trial, env.PATH ?? env.Path);
      file = plan.file;
      args = plan.args;
      files = plan.files;
      try {
        this.collector = this.ctx.createCollector({ trialDir: trial.trialDir, regex: trial.metricRegex, onWarning: m => this.note(m) });
      } catch (err) {
        throw new LaunchError(`metric settings: ${err instanceof Error ? err.message : String(err)}`);
      }
      await fs.promises.mkdir(trial.trialDir, { recursive: true });
      await Promise.all(files.map(f => fs.promises.writeFile(f.path, f.content)));
    } catch (err) {
      if (err instanceof LaunchError || err instanceof ArgvError) return this.finishWithoutProcess(err.message);
      const e = err as NodeJS.ErrnoException;
      return this.finishWithoutProcess(`could not prepare trial directory ${trial?.trialDir}: ${e.code ?? ''} ${e.message}`.trim());
    }
    if (this.stopReason) return this.finishWithoutProcess(undefined);
    this.spawnChild(file, args, env);
  }

  private environment(): Record<string, string> {
    const trial = this.trial;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.ctx.baseEnv)) if (v !== undefined) env[k] = v;
    // Python block-buffers stdout into a pipe; unbuffered, metric lines arrive as they are printed.
    env.PYTHONUNBUFFERED = '1';
    for (const [k, v] of Object.entries(trial.spec.env ?? {})) {
      if (typeof v !== 'string' || k === '' || k.includes('=') || k.includes('\0') || v.includes('\0')) {
        throw new LaunchError(`environment variable ${JSON.stringify(k)} must be a NAME=string pair without NUL characters`);
      }
      env[k] = v;
    }
    env.HPSTUDIO_STUDY = String(trial.study ?? '');
    env.HPSTUDIO_TRIAL_ID = String(trial.trialNumber);
    env.HPSTUDIO_TRIAL_DIR = trial.trialDir;
    let gpu = trial.gpu;
    if (gpu === undefined && this.ctx.pool) gpu = this.gpuFromPool = this.ctx.pool.acquire();
    if (gpu !== undefined) env.CUDA_VISIBLE_DEVICES = gpu;
    return env;
  }

  private spawnChild(file: string, args: string[], env: Record<string, string>): void {
    const dir = this.trial.trialDir;
    // A full disk must not take the executor down (the trial goes on); `pump` stops pausing for it.
    const sink = (stream: 'stdout' | 'stderr') => {
      const s = { broken: false, resume: () => {}, log: undefined as unknown as CappedLog };
      s.log = new CappedLog(dir, stream, this.ctx.logLimits, m => this.note(m), () => {
        s.broken = true;
        s.resume();
      });
      return s;
    };
    const logs = { stdout: sink('stdout'), stderr: sink('stderr') };
    const closeLogs = () => Promise.all([logs.stdout.log.end(), logs.stderr.log.end()]);

    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        cwd: this.trial.spec.cwd,
        env,
        shell: false,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (err) {
      void closeLogs();
      return this.finishWithoutProcess(spawnErrorMessage(file, err as NodeJS.ErrnoException));
    }

    this.pgid = isSignallablePid(child.pid) ? child.pid : undefined;
    this.phase = 'running';
    if (this.pgid !== undefined) {
      for (const listener of this.spawnListeners) {
        try {
          listener({ pgid: this.pgid });
        } catch {
          // a throwing subscriber must not break the trial
        }
      }
    }
    this.startedAt = performance.now();

    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    const feed = (stream: 'stdout' | 'stderr', text: string) => {
      if (!text) return;
      if (stream === 'stderr') {
        this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
      }
      this.collect(() => this.collector?.pushText(stream, text) ?? []);
    };
    // Backpressure: when the log file falls behind, the pipe is paused and a flooding trial blocks on
    // write (as in a terminal) instead of our memory growing. A failed log (disk full) stops pausing.
    const pump = (source: Readable | null, stream: 'stdout' | 'stderr') => {
      if (!source) return;
      const sink = logs[stream];
      sink.resume = () => source.resume();
      source.on('data', (chunk: Buffer) => {
        if (!sink.broken && !sink.log.write(chunk) && !sink.broken) {
          source.pause();
          sink.log.onceDrain(() => source.resume());
        }
        feed(stream, decoders[stream].write(chunk));
      });
    };
    pump(child.stdout, 'stdout');
    pump(child.stderr, 'stderr');
    const closed = (stream: NodeJS.ReadableStream | null) => new Promise<void>(resolve => (stream ? stream.once('close', () => resolve()) : resolve()));
    const pipesClosed = Promise.all([closed(child.stdout), closed(child.stderr)]);

    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: NodeJS.ErrnoException }>(resolve => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', err => {
        // After a successful spawn 'error' only reports a failed kill(); exit still follows.
        if (child.pid === undefined) resolve({ code: null, signal: null, spawnError: err as NodeJS.ErrnoException });
      });
    });

    if (this.trial.timeoutMs !== undefined) this.timeoutTimer = setLongTimeout(() => void this.stop('timeout'), this.trial.timeoutMs);
    this.pollTimer = setInterval(() => this.pollFiles(), timerDelay(this.ctx.pollIntervalMs));
    if (this.stopReason) this.terminate();

    void (async () => {
      const exit = await exited;
      const durationMs = performance.now() - this.startedAt;
      this.timeoutTimer?.clear();
      this.phase = 'finishing';
      if (!exit.spawnError) {
        // The leader is gone, but a `sleep &` or a worker it left behind still belongs to the trial.
        if (isGroupAlive(this.pgid)) this.terminate();
        await this.terminating;
        await Promise.race([pipesClosed, new Promise(resolve => setTimeout(resolve, PIPE_CLOSE_WAIT_MS))]);
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      feed('stdout', decoders.stdout.end());
      feed('stderr', decoders.stderr.end());
      clearInterval(this.pollTimer);
      await this.polling;
      const collector = this.collector;
      if (collector) await this.collectAsync(() => collector.end());
      await closeLogs();
      this.settle({
        exitCode: exit.code,
        signal: exit.signal,
        ...(this.stopReason ? { stopReason: this.stopReason } : {}),
        ...(exit.spawnError ? { error: spawnErrorMessage(file, exit.spawnError) } : {}),
        durationMs: exit.spawnError ? 0 : durationMs,
        stderrTail: lastLines(this.stderrTail, STDERR_TAIL_LINES),
      });
    })();
  }

  private terminate(): void {
    this.terminating ??= terminateGroup(this.pgid, { graceMs: this.ctx.graceMs }).then(result => {
      if (result.survivors) this.stderrTail += `\n[hpstudio] some processes of group ${this.pgid} survived SIGKILL; gave up waiting for them\n`;
    });
  }

  private pollFiles(): void {
    const collector = this.collector;
    if (!collector || this.polling) return;
    this.polling = this.collectAsync(() => collector.pollFiles()).finally(() => (this.polling = undefined));
  }

  private collect(read: () => MetricPoint[]): void {
    let points: MetricPoint[];
    try {
      points = read();
    } catch {
      return; // a collector bug must not end the trial; its output is still in stdout.log
    }
    this.emit(points);
  }

  private async collectAsync(read: () => Promise<MetricPoint[]>): Promise<void> {
    try {
      this.emit(await read());
    } catch {
      // as in collect(): metrics are best effort, the trial and its logs are not
    }
  }

  private emit(points: readonly MetricPoint[]): void {
    for (const point of points) {
      for (const listener of this.listeners) {
        try {
          listener(point);
        } catch {
          // a throwing subscriber must not starve the others or break the trial
        }
      }
    }
  }

  private finishWithoutProcess(error: string | undefined): void {
    const outcome: TrialOutcome = {
      exitCode: null,
      signal: null,
      ...(this.stopReason ? { stopReason: this.stopReason } : {}),
      ...(error !== undefined ? { error } : {}),
      durationMs: this.phase === 'queued' ? 0 : performance.now() - this.startedAt,
      stderrTail: '',
    };
    this.settle(outcome);
  }

  private settle(outcome: TrialOutcome): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.timeoutTimer?.clear();
    clearInterval(this.pollTimer);
    if (this.gpuFromPool !== undefined) this.ctx.pool?.release(this.gpuFromPool);
    this.ctx.onSettled(this);
    this.resolveDone(outcome);
  }
}
