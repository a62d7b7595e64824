/**
 * One run of the study loop over an open journal, split the way Optuna splits `_optimize` /
 * `_run_trial`: `recover` (trials a dead run left behind), `launch` (the next trial), `onMetric`
 * (each reported value: journal, pruner) and `onDone` (the outcome, the target, the flapping guard).
 */
import { suggestedMetricLine } from '../metrics/suggest';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MetricPoint } from '../metrics/types';
import type { TrialHandle, TrialOutcome, StopReason } from '../runner/types';
import { FlappingGuard } from '../runner/flapping';
import type { FrozenTrial, ParamValue, Pruner, Sampler, StudyView } from '../search/types';
import { findStaleTrials, toFrozenTrial, type JournalRecord, type JournalTrial, type ReplayedStudy, type StudyJournal } from './journal';
import { DEFAULT_LOCK_GRACE_MS } from './lock';
import type { RunStudyOptions, StudyClock } from './runStudy';
import { countsAgainstBudget, DEFAULT_TRIALS, plannedTrials, reachesTarget, summarize } from './summary';
import type { StudyConfig, StudyEvent, StudySummary } from './types';

interface ActiveTrial {
  readonly trial: JournalTrial;
  readonly handle: TrialHandle;
  readonly gpu?: string;
  timer?: unknown;
  /** Why we asked it to stop, if we did. */
  stopping?: StopReason;
  /** Last value of the objective metric, in arrival order (the final value when the trial ends). */
  lastValue?: number;
  /** A newer value for a step already journaled, not yet written. */
  pendingUpdate?: { step: number; value: number };
}

/** Why no further trial is launched: aborted (or a fatal error), paused by the flapping guard, target reached, sampler exhausted. */
type StopLaunching = 'abort' | 'paused' | 'target' | 'exhausted';

/** One run of a study over an open journal (it holds the study lock until `run` returns, then closes the journal). */
export class StudyRun {
  private readonly config: StudyConfig;
  private readonly study: string;
  private readonly state: ReplayedStudy;
  private readonly pid = process.pid;
  private readonly host = os.hostname();
  private readonly running = new Map<number, ActiveTrial>();
  private readonly gpuInUse = new Map<string, number>();
  /** Frozen snapshots are rebuilt only for trials that changed: the pruner asks for the whole study on every new step, and copying every trial's curve each time is quadratic. */
  private readonly frozen: FrozenTrial[] = [];
  private readonly changed = new Set<number>();
  private budget = 0;
  private flapping: FlappingGuard | undefined;
  private stopLaunching: StopLaunching | undefined;
  /** An error inside a callback (journal write failed…) stops the study and is rethrown by the loop. */
  private fatal: { error: unknown } | undefined;
  private wake: () => void = () => {};
  private heartbeatTimer: unknown;

  constructor(
    private readonly options: RunStudyOptions,
    private readonly clock: StudyClock,
    private readonly sampler: Sampler,
    private pruner: Pruner | undefined,
    private readonly journal: StudyJournal,
  ) {
    this.config = options.config;
    this.study = options.config.name;
    this.state = journal.study;
  }

  async run(): Promise<StudySummary> {
    const { signal } = this.options;
    const onAbort = () => this.abort();
    try {
      this.announce();
      this.options.executor.onWarning?.(message => this.warn(message));
      this.recover();
      this.plan();
      const parallel = Math.max(1, Math.floor(this.options.parallel ?? this.config.limits.parallel));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      try {
        for (;;) {
          while (!this.stopLaunching && this.running.size < parallel && this.counted() < this.budget) this.launch();
          if (this.running.size === 0) break;
          await new Promise<void>(resolve => (this.wake = resolve));
        }
        if (this.fatal) throw this.fatal.error;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      return this.end();
    } catch (err) {
      // Something broke under the loop (disk full…): never leave trials running behind us.
      await Promise.allSettled([...this.running.values()].map(a => a.handle.stop('cancel')));
      throw err;
    } finally {
      if (this.heartbeatTimer !== undefined) this.clock.clearTimeout(this.heartbeatTimer);
      this.journal.close();
    }
  }

  /** Says what opening the journal found (a taken-over lock, a torn record, a changed study file) and marks the study running. */
  private announce(): void {
    const { config, journal, state, study } = this;
    if (journal.lock.takenOverFrom) {
      const o = journal.lock.takenOverFrom;
      this.warn(`took over the stale lock of study ${study} held by pid ${o.pid} on host ${o.host}`);
    }
    if (journal.repairedBytes > 0) this.warn(`ignored a torn last record (${journal.repairedBytes} bytes) in ${journal.file}, left by a crash`);
    const header = state.header;
    if (header.metric !== config.metric || header.direction !== config.direction || JSON.stringify(header.space) !== JSON.stringify(config.space)) {
      this.warn(`the study file changed since study ${study} was created (metric, goal or parameters); earlier trials were scored differently`);
    }
    if (state.status.state !== 'running') journal.append({ op: 'state', state: 'running', reason: 'resumed', time: this.clock.now() });
  }

  /** Sets the budget, the flapping guard and the heartbeat. */
  private plan(): void {
    const { config } = this;
    this.budget = plannedTrials(config, this.options.trials);
    if (this.options.trials === undefined && config.limits.trials === undefined && this.budget === DEFAULT_TRIALS) {
      this.warn(`no trials / run_cap in the study file: running ${DEFAULT_TRIALS} trials`);
    }
    const f = config.limits.flapping;
    if (Number.isFinite(f.maxFailures) && f.windowMs > 0) this.flapping = new FlappingGuard({ maxFailures: f.maxFailures, fastFailMs: f.windowMs, windowMs: f.windowMs });
    this.heartbeatTimer = this.clock.setTimeout(this.guard(() => this.beat()), this.options.heartbeatMs ?? 5000);
  }

  /**
   * Marks trials left running by a run that is gone as failed (this run holds the study lock, so
   * nobody else can be running them) and, when the study says so (`retry_failed`), queues their params again.
   */
  private recover(): void {
    const { journal, state } = this;
    const retry = this.config.retryFailed;
    const now = this.clock.now();
    const stale = new Set(findStaleTrials(state, { host: this.host, now, graceMs: this.options.staleGraceMs ?? DEFAULT_LOCK_GRACE_MS }).map(t => t.number));
    for (const t of state.trials.filter(x => x.state === 'running')) {
      const owner = t.pid !== undefined ? `pid ${t.pid} on host ${t.host}` : 'an unknown process';
      const why = stale.has(t.number) ? `its run (${owner}) died or stopped sending heartbeats` : `its run (${owner}) no longer holds the study lock`;
      journal.append({ op: 'finish', number: t.number, state: 'fail', error: `interrupted: ${why}`, requeued: retry || undefined, time: now });
      if (retry) journal.append({ op: 'trial', number: state.trials.length, params: t.params, state: 'waiting', time: now, retryOf: t.number });
      this.warn(`trial ${t.number} was left running by a run that is gone; marked failed${retry ? ' and queued again (retry_failed)' : ''}`);
    }
  }

  /** Starts the next trial: a queued one (an interrupted trial's retry) first, else the sampler's next point. */
  private launch(): void {
    const { config, state } = this;
    const waiting = state.trials.find(t => t.state === 'waiting');
    let trial: JournalTrial;
    const time = this.clock.now();
    if (waiting) {
      this.append({ op: 'start', number: waiting.number, pid: this.pid, host: this.host, time });
      trial = waiting;
    } else {
      const params = this.sample();
      if (!params) return;
      this.append({ op: 'trial', number: state.trials.length, params, state: 'running', pid: this.pid, host: this.host, time });
      trial = state.trials[state.trials.length - 1];
    }
    const gpu = this.takeGpu();
    let handle: TrialHandle;
    try {
      handle = this.options.executor.launch({
        study: this.study,
        trialNumber: trial.number,
        params: { ...config.constants, ...trial.params },
        trialDir: path.join(this.options.journalDir, 'trials', String(trial.number)),
        spec: config.launch,
        timeoutMs: config.limits.trialTimeoutMs,
        gpu,
        metricRegex: config.metricRegex,
      });
    } catch (err) {
      // A launch that throws is a failed trial, not a crashed study.
      handle = failedHandle(trial.number, errorText(err));
    }
    const active: ActiveTrial = { trial, handle, gpu };
    this.running.set(trial.number, active);
    this.emit({ type: 'trial-started', study: this.study, number: trial.number, params: trial.params, retryOf: trial.retryOf });
    const metricListener = this.guard((p: MetricPoint) => this.onMetric(active, p));
    const doneListener = this.guard((o: TrialOutcome) => this.onDone(active, o));
    handle.onMetric(metricListener);
    // A queued executor times its trials from when they run, not from the submission.
    if (config.limits.trialTimeoutMs !== undefined && !this.options.executor.queued) {
      active.timer = this.clock.setTimeout(() => this.requestStop(active, 'timeout'), config.limits.trialTimeoutMs);
    }
    handle.done.then(doneListener, err => doneListener({ exitCode: null, signal: null, error: `executor failed: ${errorText(err)}`, durationMs: 0, stderrTail: '' }));
  }

  /** The sampler's next point; undefined (and no more launches) when it has none. */
  private sample(): Record<string, ParamValue> | undefined {
    try {
      const params = this.sampler.sample(this.view());
      for (const [k, v] of Object.entries(params)) {
        if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`it proposed ${k}=${v}`);
      }
      return params;
    } catch (err) {
      const message = errorText(err);
      // Before any trial, a sampler that cannot propose is a configuration error (grid over a
      // continuous range…), not the end of a search.
      if (this.state.trials.length === 0) throw new Error(`sampler ${this.sampler.name} cannot start this study: ${message}`);
      this.stopLaunching = 'exhausted';
      this.warn(`sampler ${this.sampler.name} has no further point: ${message}`);
      return undefined;
    }
  }

  /** A value a running trial reported: journaled (once per step), then shown to the pruner. */
  private onMetric(a: ActiveTrial, point: MetricPoint): void {
    const { config } = this;
    if (!this.running.has(a.trial.number)) return;
    this.emit({ type: 'metric', study: this.study, number: a.trial.number, name: point.name, step: point.step, value: point.value });
    if (point.name !== config.metric) return;
    if (!Number.isFinite(point.value) || !Number.isFinite(point.step)) {
      this.warn(`trial ${a.trial.number} reported ${config.metric}=${point.value} at step ${point.step}; ignored (not a finite number)`);
      return;
    }
    a.lastValue = point.value;
    if (a.trial.intermediate.has(point.step)) {
      // A progress bar re-reports the running step many times: keep only its latest value, written
      // when the next step starts or the trial ends (one fsync per step, not per line).
      a.pendingUpdate = a.trial.intermediate.get(point.step) === point.value ? undefined : { step: point.step, value: point.value };
      return;
    }
    this.flushPending(a);
    this.append({ op: 'value', number: a.trial.number, step: point.step, value: point.value });
    if (!this.pruner || a.stopping) return;
    try {
      if (this.pruner.shouldPrune(this.view(), toFrozenTrial(a.trial), point.step)) this.requestStop(a, 'prune');
    } catch (err) {
      this.warn(`pruner ${this.pruner.name} failed (${errorText(err)}); pruning is off for the rest of this run`);
      this.pruner = undefined;
    }
  }

  /** A trial ended: its outcome goes to the journal, then the target and the flapping guard decide whether to go on. */
  private onDone(a: ActiveTrial, outcome: TrialOutcome): void {
    const n = a.trial.number;
    this.flushPending(a);
    if (a.timer !== undefined) this.clock.clearTimeout(a.timer);
    this.running.delete(n);
    if (a.gpu !== undefined) this.gpuInUse.set(a.gpu, (this.gpuInUse.get(a.gpu) ?? 1) - 1);
    const time = this.clock.now();
    const { state, value, error, interrupted } = this.judge(a, outcome);
    this.append({ op: 'finish', number: n, state, value, error, interrupted: interrupted || undefined, requeued: interrupted || undefined, time });
    // Interrupted trials go straight back into the queue, so `resume` re-runs them first.
    if (interrupted) this.append({ op: 'trial', number: this.state.trials.length, params: a.trial.params, state: 'waiting', time, retryOf: n });
    this.emit({ type: 'trial-finished', study: this.study, number: n, state, value, error, durationMs: outcome.durationMs });

    const { config } = this;
    if (state === 'complete' && config.target !== undefined && value !== undefined) {
      if (reachesTarget(config.direction, value, config.target) && !this.stopLaunching) {
        this.stopLaunching = 'target';
        this.warn(`trial ${n} reached the target ${config.metric}=${config.target}; no new trials`);
      }
    }
    if (this.flapping && !interrupted) {
      const verdict = this.flapping.record(outcome, time);
      if (verdict.pause && this.stopLaunching !== 'abort' && this.stopLaunching !== 'paused') {
        this.stopLaunching = 'paused';
        this.append({ op: 'state', state: 'paused', reason: verdict.message, time });
        this.emit({ type: 'study-paused', study: this.study, reason: verdict.message, stderr: verdict.stderrTail });
      }
    }
    this.wake();
  }

  /** What a trial's end means: complete, pruned or failed (with why), and whether we interrupted it. */
  private judge(a: ActiveTrial, outcome: TrialOutcome): { state: 'complete' | 'pruned' | 'fail'; value?: number; error?: string; interrupted: boolean } {
    const { config } = this;
    // The executor's reason wins; ours only explains a non-zero end (a trial that exited 0
    // right as we asked it to stop did finish).
    const reason = outcome.stopReason ?? (outcome.exitCode !== 0 || outcome.signal ? a.stopping : undefined);
    const fail = (error: string) => {
      const tail = outcome.stderrTail.trim();
      return { state: 'fail' as const, error: tail ? `${error}\n${lastLines(tail, 20)}` : error, interrupted: false };
    };
    if (reason === 'cancel') return { state: 'fail', error: 'interrupted: the study was stopped while this trial ran', interrupted: true };
    if (reason === 'prune') return { state: 'pruned', value: a.lastValue, interrupted: false };
    if (reason === 'timeout') return fail(`timed out after ${formatMs(config.limits.trialTimeoutMs ?? outcome.durationMs)}`);
    if (outcome.error !== undefined) return fail(outcome.error);
    if (outcome.exitCode !== 0) return fail(outcome.signal ? `killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`);
    if (a.lastValue === undefined) return fail(`finished without reporting the metric "${config.metric}" (print e.g. ${suggestedMetricLine(config.metric, config.metricRegex)} or set metric_regex)`);
    return { state: 'complete', value: a.lastValue, interrupted: false };
  }

  /** The run's outcome: journaled as stopped when interrupted, announced, returned. */
  private end(): StudySummary {
    const status: StudySummary['status'] = this.stopLaunching === 'abort' ? 'interrupted' : this.stopLaunching === 'paused' ? 'paused' : 'finished';
    if (status === 'interrupted') this.journal.append({ op: 'state', state: 'stopped', reason: 'interrupted', time: this.clock.now() });
    const summary = summarize(this.study, status, this.journal.frozenTrials(), this.state.trials, this.config.direction);
    this.emit({ type: 'study-finished', study: this.study, summary });
    return summary;
  }

  /** Proves this run is alive; a run suspended past the grace period may have lost its lock and must stop rather than interleave records with the new owner. */
  private beat(): void {
    const { journal } = this;
    const owner = journal.lock.currentOwner();
    if (!journal.lock.isOwnedBy(owner)) {
      throw new Error(`study ${this.study} was taken over by ${owner ? `pid ${owner.pid} on host ${owner.host}` : 'another process'} while this run was not responding; this run stops`);
    }
    try {
      journal.heartbeat(this.pid, this.host, this.clock.now());
    } catch (err) {
      this.warn(`could not write the heartbeat: ${errorText(err)}`);
    }
    this.heartbeatTimer = this.clock.setTimeout(this.guard(() => this.beat()), this.options.heartbeatMs ?? 5000);
  }

  private abort(): void {
    this.stopLaunching = 'abort';
    for (const a of this.running.values()) this.requestStop(a, 'cancel');
    this.wake();
  }

  /** Wraps a callback so an error inside it stops the study (and is rethrown by the loop) instead of escaping. */
  private guard<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      try {
        fn(...args);
      } catch (error) {
        this.fatal ??= { error };
        this.abort();
      }
    };
  }

  private requestStop(a: ActiveTrial, reason: StopReason): void {
    if (a.stopping) return;
    a.stopping = reason;
    a.handle.stop(reason).catch(err => this.warn(`could not stop trial ${a.trial.number}: ${errorText(err)}`));
  }

  private flushPending(a: ActiveTrial): void {
    if (!a.pendingUpdate) return;
    this.append({ op: 'value', number: a.trial.number, step: a.pendingUpdate.step, value: a.pendingUpdate.value });
    a.pendingUpdate = undefined;
  }

  /** The least-loaded GPU, first in the list on ties: round-robin when trials are equal in length. */
  private takeGpu(): string | undefined {
    const { gpus } = this.config;
    if (gpus.length === 0) return undefined;
    let best = gpus[0];
    for (const g of gpus) if ((this.gpuInUse.get(g) ?? 0) < (this.gpuInUse.get(best) ?? 0)) best = g;
    this.gpuInUse.set(best, (this.gpuInUse.get(best) ?? 0) + 1);
    return best;
  }

  private counted(): number {
    return this.state.trials.filter(countsAgainstBudget).length;
  }

  private append(record: JournalRecord): void {
    this.journal.append(record);
    if ('number' in record) this.changed.add(record.number);
  }

  private view(): StudyView {
    const { frozen, changed, state } = this;
    for (const t of state.trials) if (frozen[t.number] === undefined || changed.has(t.number)) frozen[t.number] = toFrozenTrial(t);
    changed.clear();
    return { space: this.config.space, direction: this.config.direction, trials: frozen.slice(0, state.trials.length), budget: this.budget };
  }

  private emit(event: StudyEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      /* a failing listener must not break the study */
    }
  }

  private warn(message: string): void {
    this.emit({ type: 'warning', study: this.study, message });
  }
}

function failedHandle(trialNumber: number, message: string): TrialHandle {
  return {
    trialNumber,
    onMetric: () => {},
    done: Promise.resolve({ exitCode: null, signal: null, error: message, durationMs: 0, stderrTail: '' }),
    stop: () => Promise.resolve(),
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function lastLines(text: string, n: number): string {
  const lines = text.split(/\r?\n/);
  return lines.slice(-n).join('\n');
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return s < 120 ? `${Number(s.toFixed(1))} s` : `${Number((s / 60).toFixed(1))} min`;
}
