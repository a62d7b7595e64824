/**
 * The worker's brain, separate from its process plumbing (main.ts) so tests can drive it in-process:
 * it validates requests, runs studies with `runStudy`, batches their events (~10 Hz) and stops every
 * trial when asked to shut down.
 */
import { parseMessage } from '../core/protocol/validate';
import { MAX_EVENTS_PER_BATCH, toWorker, type FromWorker, type RunningStudyStatus, type StartRequest, type StudyEventMessage } from '../core/protocol/worker';
import { StudyExistsError, StudyJournal } from '../core/study/journal';
import { continueLrFind, lrFindRunOptions } from '../core/lrfind/phases';
import { openStudyRun, type RunStudyOptions } from '../core/study/runStudy';
import type { StudyRun } from '../core/study/studyRun';
import type { StudyEvent } from '../core/study/types';
import { storageProblem } from '../core/study/storageProblem';
import { measurePruneLatency, prepareStudy, type PreparedStudy, type PruneLatency } from './studyHost';

export interface WorkerHostOptions {
  readonly send: (message: FromWorker) => void;
  readonly version: string;
  /** How long events wait to be sent together. Default 100 ms (10 Hz). */
  readonly flushMs?: number;
  /** Heartbeat interval for the journals (runStudy's default 5 s). */
  readonly heartbeatMs?: number;
  /** Called for a valid `shutdown` request (the process exits after `shutdown()`); default: just shut down. */
  readonly onShutdownRequested?: () => void;
}

interface RunningStudy {
  readonly name: string;
  readonly studyFile: string;
  readonly journalDir: string;
  readonly abort: AbortController;
  /** Aborted when asked to stop a second time: trials are killed without the grace period. */
  readonly kill: AbortController;
  running: number;
  stopping: boolean;
  done: Promise<void>;
  /** `started` was sent; until then its events are held so the client hears of the study first. */
  announced: boolean;
  readonly held: StudyEventMessage[];
}

/** Prune decisions kept per study for `status` (a ring of the latest). */
const MAX_LATENCY_SAMPLES = 1000;

export class WorkerHost {
  private readonly studies = new Map<string, RunningStudy>();
  private pending: StudyEventMessage[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private shuttingDown: Promise<void> | undefined;
  /** Prune-decision latencies, for `status` (and the benchmark). */
  readonly pruneLatencies: PruneLatency[] = [];

  constructor(private readonly options: WorkerHostOptions) {}

  /** Handles one raw IPC message; malformed ones are dropped and logged back to the sender. */
  handle(raw: unknown): void {
    const parsed = parseMessage(toWorker, raw);
    if (!parsed.ok) {
      this.log('warn', `worker dropped a message: ${parsed.error}`);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'hello':
        this.options.send({ type: 'hello', version: this.options.version, pid: process.pid });
        return;
      case 'start':
        this.start(message);
        return;
      case 'stop':
        this.stop(message.study);
        return;
      case 'status':
        this.options.send({ type: 'status', studies: this.status(), pruneLatencyMs: this.pruneLatencies.map(l => l.latencyMs) });
        return;
      case 'shutdown':
        if (this.options.onShutdownRequested) this.options.onShutdownRequested();
        else void this.shutdown();
        return;
    }
  }

  status(): RunningStudyStatus[] {
    return [...this.studies.values()].map(s => ({ study: s.name, studyFile: s.studyFile, journalDir: s.journalDir, running: s.running, stopping: s.stopping }));
  }

  get runningStudies(): number {
    return this.studies.size;
  }

  /** Asked to stop again while stopping: kill every trial now, without the grace period. */
  killAll(): void {
    for (const s of this.studies.values()) {
      s.stopping = true;
      s.kill.abort();
      s.abort.abort();
    }
  }

  /** Stops every study (every trial process group) and resolves once their journals are closed. */
  shutdown(): Promise<void> {
    this.shuttingDown ??= (async () => {
      for (const s of this.studies.values()) this.stopStudy(s);
      await Promise.allSettled([...this.studies.values()].map(s => s.done));
      this.flush();
    })();
    return this.shuttingDown;
  }

  private start(request: StartRequest): void {
    const fail = (error: string) => this.options.send({ type: 'start-failed', id: request.id, studyFile: request.studyFile, error });
    if (this.shuttingDown) return fail('the worker is shutting down');
    let prepared: PreparedStudy;
    try {
      prepared = prepareStudy(request.studyFile, {
        workspace: request.workspace,
        interpreter: request.interpreter,
        interpreterEnv: request.interpreterEnv,
        trials: request.trials,
        parallel: request.parallel,
        name: request.name,
      });
    } catch (err) {
      return fail(err instanceof Error ? err.message : String(err));
    }
    const name = prepared.config.name;
    if (this.studies.has(name)) {
      void prepared.executor.dispose();
      return fail(`study ${name} is already running`);
    }
    // runStudy would refuse too, but only after this answer; say it in the answer to the start request.
    if (!request.resume && !request.join && StudyJournal.exists(prepared.journalDir)) {
      void prepared.executor.dispose();
      return fail(new StudyExistsError(name, prepared.journalDir).message.replace('with --resume', 'with Resume'));
    }
    const abort = new AbortController();
    const executor = measurePruneLatency(prepared.executor, sample => {
      this.pruneLatencies.push(sample);
      if (this.pruneLatencies.length > MAX_LATENCY_SAMPLES) this.pruneLatencies.shift();
    });
    const entry: RunningStudy = {
      name,
      studyFile: prepared.config.file,
      journalDir: prepared.journalDir,
      abort,
      kill: new AbortController(),
      running: 0,
      stopping: false,
      done: Promise.resolve(),
      announced: false,
      held: [],
    };
    this.studies.set(name, entry);
    const runOptions: RunStudyOptions = {
      ...prepared.runOptions,
      executor,
      resume: request.resume,
      join: request.join,
      signal: abort.signal,
      killSignal: entry.kill.signal,
      heartbeatMs: this.options.heartbeatMs,
      onEvent: event => this.onEvent(entry, event),
    };
    entry.done = (async () => {
      let studyRun: StudyRun;
      try {
        // Opening joins the study under the journal's lock (resume checks, a study another run owns,
        // a corrupt journal): a refusal is the answer to this request, not a start followed by an error.
        // An lr-find opens at the pass its journal is at (src/core/lrfind/phases.ts).
        studyRun = await openStudyRun({ ...runOptions, ...lrFindRunOptions(prepared.config, prepared.journalDir) });
      } catch (err) {
        this.studies.delete(name);
        return fail(storageProblem(err, prepared.journalDir) ?? (err instanceof Error ? err.message : String(err)));
      }
      entry.announced = true;
      this.options.send({
        type: 'started',
        id: request.id,
        study: name,
        studyFile: prepared.config.file,
        journalDir: prepared.journalDir,
        budget: studyRun.budget,
        warnings: [...prepared.warnings],
      });
      this.pending.push(...entry.held.splice(0));
      this.flush();
      try {
        // An lr-find whose first pass just finished runs its second in the same start.
        const summary = await continueLrFind(prepared.config, prepared.journalDir, await studyRun.run(), extra => openStudyRun({ ...runOptions, ...extra }));
        this.ended(entry, { type: 'ended', study: name, status: summary.status });
      } catch (err) {
        this.ended(entry, { type: 'ended', study: name, status: 'error', error: storageProblem(err, prepared.journalDir) ?? (err instanceof Error ? err.message : String(err)) });
      }
    })().finally(() => prepared.executor.dispose());
  }

  private ended(entry: RunningStudy, message: Extract<FromWorker, { type: 'ended' }>): void {
    this.studies.delete(entry.name);
    // Everything the study said goes out before the news that it ended.
    this.flush();
    this.options.send(message);
  }

  private stop(study: string): void {
    const entry = this.studies.get(study);
    if (!entry) {
      this.log('warn', `stop: study ${study} is not running in this worker`);
      return;
    }
    this.stopStudy(entry);
  }

  /** A first stop: SIGTERM, SIGKILL after the grace period; a second one: SIGKILL now. */
  private stopStudy(entry: RunningStudy): void {
    if (entry.stopping) entry.kill.abort();
    entry.stopping = true;
    entry.abort.abort();
  }

  private onEvent(entry: RunningStudy, event: StudyEvent): void {
    if (event.type === 'trial-started') entry.running++;
    if (event.type === 'trial-finished') entry.running--;
    // JSON has no NaN/Infinity (they arrive as null); runStudy warns about such metrics, so drop them here.
    if (event.type === 'metric' && (!Number.isFinite(event.value) || !Number.isFinite(event.step))) return;
    if (!entry.announced) {
      entry.held.push(toMessage(event));
      return;
    }
    this.pending.push(toMessage(event));
    if (event.type !== 'metric' || this.pending.length >= MAX_EVENTS_PER_BATCH) {
      // State changes go out at once (the status bar and the journal agree); metrics wait for the batch.
      this.flush();
    } else {
      this.flushTimer ??= setTimeout(() => this.flush(), this.options.flushMs ?? 100);
    }
  }

  private flush(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    this.options.send({ type: 'events', events });
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.send({ type: 'log', level, message });
  }
}

/** Copies an event into its wire shape (drops undefined fields, which the validators reject as extra keys would be). */
function toMessage(event: StudyEvent): StudyEventMessage {
  return JSON.parse(JSON.stringify(event)) as StudyEventMessage;
}
