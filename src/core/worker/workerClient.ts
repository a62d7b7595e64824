/**
 * The extension's handle on the background worker process. Free of the `vscode` API so unit tests
 * fork the real worker through it. The worker is forked on first use, forked again after a crash
 * (the crash is reported once), and `dispose()` resolves only when the worker — and so every trial
 * it started — is gone.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { parseMessage } from '../protocol/validate';
import { fromWorker, toWorker, type FromWorker, type StartRequest, type ToWorker } from '../protocol/worker';

export interface WorkerClientOptions {
  /** The worker entry: `dist/worker.js` in the extension, `src/worker/main.ts` (+ esbuild-register) in tests. */
  readonly modulePath: string;
  readonly execArgv?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Messages the client dropped, and the worker's own log lines (the only place they go). */
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** The worker died without being asked to (its studies were interrupted; they can be resumed). */
  readonly onCrash?: (info: WorkerCrash) => void;
  /** How long `dispose()` waits for a graceful exit before SIGKILL. Default 15 s (trials get 5 s of SIGTERM grace). */
  readonly stopTimeoutMs?: number;
}

export interface WorkerCrash {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Last lines the worker wrote to stderr. */
  readonly stderr: string;
}

export type StartResult =
  | { readonly ok: true; readonly message: Extract<FromWorker, { type: 'started' }> }
  | { readonly ok: false; readonly error: string };

/**
 * What message listeners receive: everything the worker sends except its log lines, which go to
 * `options.log` and nowhere else, so each line is written exactly once.
 */
export type WorkerMessage = Exclude<FromWorker, { type: 'log' }>;

type Listener = (message: WorkerMessage) => void;

const STDERR_KEEP = 8 * 1024;

export class WorkerClient {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private stopping = false;
  private disposed = false;
  private nextId = 1;
  private stderr = '';
  private readonly listeners = new Set<Listener>();
  private readonly pendingStarts = new Map<number, (result: StartResult) => void>();

  constructor(private readonly options: WorkerClientOptions) {}

  /** The running worker's pid, if one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isRunning(): boolean {
    return this.child !== undefined;
  }

  /** Subscribes to validated worker messages (all but log lines); returns the unsubscribe function. */
  onMessage(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends a message, forking the worker first if none runs. Invalid messages throw (a bug on our side). */
  send(message: ToWorker): void {
    if (this.disposed) throw new Error('the tuning worker was shut down');
    const checked = parseMessage(toWorker, message);
    if (!checked.ok) throw new Error(`refusing to send an invalid worker message: ${checked.error}`);
    this.ensureChild().send(checked.message);
  }

  /** Asks the worker to start (or resume) a study; resolves when it answers. */
  start(request: Omit<StartRequest, 'type' | 'id'>): Promise<StartResult> {
    const id = this.nextId++;
    return new Promise<StartResult>(resolve => {
      this.pendingStarts.set(id, resolve);
      try {
        this.send({ type: 'start', id, ...request });
      } catch (err) {
        this.pendingStarts.delete(id);
        resolve({ ok: false, error: err instanceof Error ? err.message : String(err) });
      }
    });
  }

  stop(study: string): void {
    if (this.child) this.send({ type: 'stop', study });
  }

  /** Stops the worker (it stops every trial first) and resolves once the process has exited. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stopWorker();
  }

  /** Like dispose, but a later `send` forks a fresh worker. */
  async restart(): Promise<void> {
    await this.stopWorker();
  }

  private async stopWorker(): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) return;
    this.stopping = true;
    try {
      if (child.connected) child.send({ type: 'shutdown' });
      else child.kill('SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>(resolve => (timer = setTimeout(() => resolve('timeout'), this.options.stopTimeoutMs ?? 15_000)));
    const outcome = await Promise.race([exited.then(() => 'exited' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.options.log?.('warn', `the tuning worker (pid ${child.pid}) did not exit in time; killing it`);
      child.kill('SIGKILL');
      await exited;
    }
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    this.stopping = false;
    this.stderr = '';
    const child = fork(this.options.modulePath, [], {
      execArgv: [...(this.options.execArgv ?? [])],
      cwd: this.options.cwd,
      // In desktop VS Code process.execPath is Electron: run it as plain Node.
      env: { ...process.env, ...this.options.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.options.log?.('info', `worker: ${chunk.toString('utf8').trimEnd()}`));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    child.on('message', raw => this.receive(raw));
    this.exited = new Promise<void>(resolve => {
      let done = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (done) return;
        done = true;
        if (this.child === child) this.child = undefined;
        for (const [id, resolveStart] of this.pendingStarts) {
          resolveStart({ ok: false, error: `the tuning worker exited before answering (code ${code}, signal ${signal})` });
          this.pendingStarts.delete(id);
        }
        if (!this.stopping) this.options.onCrash?.({ code, signal, stderr: this.stderr.trim() });
        resolve();
      };
      child.on('exit', finish);
      // A fork that could not spawn emits 'error' and maybe never 'exit'.
      child.on('error', err => {
        this.stderr += `\n${err.message}`;
        if (child.exitCode === null && child.pid === undefined) finish(null, null);
      });
    });
    return child;
  }

  private receive(raw: unknown): void {
    const parsed = parseMessage(fromWorker, raw);
    if (!parsed.ok) {
      this.options.log?.('warn', `dropped a message from the tuning worker: ${parsed.error}`);
      return;
    }
    const message = parsed.message;
    if (message.type === 'started' || message.type === 'start-failed') {
      const resolve = this.pendingStarts.get(message.id);
      this.pendingStarts.delete(message.id);
      resolve?.(message.type === 'started' ? { ok: true, message } : { ok: false, error: message.error });
    }
    if (message.type === 'log') {
      this.options.log?.(message.level, message.message);
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (err) {
        this.options.log?.('error', `a worker message listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
