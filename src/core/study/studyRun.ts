/**
 * One worker's run of the study loop over an open journal, split the way Optuna splits `_optimize` /
 * `_run_trial`: `recover` (take over what gone workers left), `claim` + `launch` (the next trial),
 * `onMetric` (each reported value: journal, pruner) and `onDone` (the outcome, the target, the
 * flapping guard). Several workers may run one study: each claims the next trial under the journal's
 * append lock, so trial numbers are unique, the budget is shared and the sampler sees every worker's
 * results (see journal.ts for the fencing that keeps a suspended worker from writing).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { MetricPoint } from '../metrics/types';
import type { TrialHandle, TrialOutcome, StopReason } from '../runner/types';
import { FlappingGuard } from '../runner/flapping';
import type { FrozenTrial, ParamValue, Pruner, Sampler, StudyView } from '../search/types';
import { DivergenceTracker, divergedMessage } from './divergence';
import { FencedError, toFrozenTrial, type JournalRecord, type JournalTrial, type ReplayedStudy, type StudyJournal } from './journal';
import { findStaleTrials, goneMembers, liveMembers } from './liveness';
import { errorText, failedHandle, judgeOutcome, keepOtherObjective, sameObjectives } from './outcome';
import { nextPoint } from './propose';
import { stopLeftovers } from './leftovers';
import { takeOverRecords, type TakeOver } from './recovery';
import type { RunStudyOptions, StudyClock } from './runStudy';
import { countsAgainstBudget, reachesTarget, summarize } from './summary';
import type { StudyConfig, StudyEvent, StudySummary } from './types';

interface ActiveTrial {
  readonly trial: JournalTrial;
  readonly handle: TrialHandle;
  readonly gpu?: string;
  timer?: unknown;
  /** Why we asked it to stop, if we did. */
  stopping?: StopReason;
  /** Last finite value of the objective metric, in arrival order (the final value when the trial ends). */
  lastValue?: number;
  /** Whether the objective ends on NaN/±Infinity (then the trial failed as diverged). */
  readonly divergence: DivergenceTracker;
  warnedNonFinite?: boolean;
  lastValues?: Map<string, number>; // several objectives: each one's last finite value but the first's (lastValue)
  /** A newer value for a step already journaled, not yet written. */
  pendingUpdate?: { step: number; value: number };
  /** What the executor noted about the trial's output (a line cut at 64 KB…), the first few. */
  notes?: string[];
}

/** Why no further trial is launched: aborted (or a fatal error), paused by the flapping guard, target reached, sampler exhausted. */
type StopLaunching = 'abort' | 'paused' | 'target' | 'exhausted';

export class StudyRun {
  private readonly config: StudyConfig;
  private readonly study: string;
  private readonly pid = process.pid;
  private readonly host = os.hostname();
  private readonly running = new Map<number, ActiveTrial>();
  private readonly gpuInUse = new Map<string, number>();
  /** Frozen snapshots are rebuilt only for trials that changed: the pruner asks for the whole study on every new step. */
  private readonly frozen: FrozenTrial[] = [];
  private flapping: FlappingGuard | undefined;
  private stopLaunching: StopLaunching | undefined;
  /** An error inside a callback (journal write failed…) stops the study and is rethrown by the loop. */
  private fatal: { error: unknown } | undefined;
  /** Another worker took this one's trials over while it was not responding: stop, write nothing. */
  private fencedError: FencedError | undefined;
  private wake: () => void = () => {};
  private heartbeatTimer: unknown;
  private recovering: Promise<void> | undefined;
  private readonly heartbeatMs: number;
  /** Aborts a proposal in progress when the study stops (it runs in slices, see proposeNext). */
  private readonly proposing = new AbortController();

  constructor(
    private readonly options: RunStudyOptions,
    private readonly clock: StudyClock,
    private readonly sampler: Sampler,
    private pruner: Pruner | undefined,
    private readonly journal: StudyJournal,
    /** Total trials of the study (shared by every worker). */
    readonly budget: number,
  ) {
    this.config = options.config;
    this.study = options.config.name;
    this.heartbeatMs = options.heartbeatMs ?? 5000;
  }

  /** This worker's number in the journal. */
  get worker(): number {
    return this.journal.w;
  }

  /** Every trial of the study as the journal has it (all workers'), for progress displays. */
  trials(): readonly JournalTrial[] {
    return this.state.trials;
  }

  private get state(): ReplayedStudy {
    return this.journal.study;
  }

  async run(): Promise<StudySummary> {
    const { signal, killSignal } = this.options;
    const onAbort = () => this.abort(false);
    const onKill = () => this.abort(true);
    try {
      this.announce();
      this.options.executor.onWarning?.(message => this.warn(message));
      await this.recover(true);
      this.plan();
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      if (killSignal?.aborted) onKill();
      else killSignal?.addEventListener('abort', onKill, { once: true });
      try {
        await this.loop(Math.max(1, Math.floor(this.options.parallel ?? this.config.limits.parallel)));
      } finally {
        signal?.removeEventListener('abort', onAbort);
        killSignal?.removeEventListener('abort', onKill);
      }
      if (this.fencedError) throw this.fencedError;
      if (this.fatal) throw this.fatal.error;
      return await this.end();
    } catch (err) {
      // Something broke under the loop (disk full, fenced…): never leave trials running behind us.
      await Promise.allSettled([...this.running.values()].map(a => a.handle.stop('cancel')));
      throw err;
    } finally {
      if (this.heartbeatTimer !== undefined) this.clock.clearTimeout(this.heartbeatTimer);
      await this.journal.close().catch(() => undefined);
    }
  }

  private async loop(parallel: number): Promise<void> {
    for (;;) {
      while (!this.stopLaunching && !this.fatal && !this.fencedError && this.running.size < parallel) {
        const trial = await this.guarded(() => this.claim());
        if (!trial) break;
        this.launch(trial);
      }
      if (this.running.size === 0 && (this.stopLaunching || this.fatal || this.fencedError || !(await this.guarded(() => this.othersStillRunning())))) return;
      await new Promise<void>(resolve => {
        this.wake = resolve;
        // Idle while other workers finish their trials: look again now and then (one may be queued
        // again). A real, ref'd timer: with no trial of its own nothing else keeps this process alive.
        if (this.running.size === 0) setTimeout(resolve, Math.min(this.heartbeatMs, 1000));
      });
    }
  }

  /** Says what opening the journal found (taken-over locks, torn or skipped records, a changed study file). */
  private announce(): void {
    const { config, journal, state, study } = this;
    for (const o of journal.lockTakeovers) this.warn(`took over the stale append lock of study ${study} held by pid ${o.pid} on host ${o.host}`);
    if (journal.repairedBytes > 0) this.warn(`ignored a torn last record (${journal.repairedBytes} bytes) in ${journal.file}, left by a crash`);
    const issues = journal.replay.describeIssues();
    if (issues) this.warn(issues);
    const header = state.header;
    if (header.metric !== config.metric || header.direction !== config.direction || !sameObjectives(header.objectives, config.objectives) || JSON.stringify(header.space) !== JSON.stringify(config.space)) {
      this.warn(`the study file changed since study ${study} was created (metric, goal or parameters); earlier trials were scored differently`);
    }
    const others = liveMembers(state, journal.liveness()).filter(m => m.w !== journal.w);
    if (others.length > 0) this.warn(`joined study ${study} as worker ${journal.w}, next to ${others.map(m => `pid ${m.pid} on ${m.host}`).join(', ')}`);
  }

  /** Sets the flapping guard and the heartbeat. */
  private plan(): void {
    const f = this.config.limits.flapping;
    if (Number.isFinite(f.maxFailures) && f.windowMs > 0) this.flapping = new FlappingGuard({ maxFailures: f.maxFailures, fastFailMs: f.windowMs, windowMs: f.windowMs });
    this.heartbeatTimer = this.clock.setTimeout(this.guard(() => this.beat()), this.heartbeatMs);
  }

  /**
   * Takes over every worker that is gone (dead, or silent past the grace period): fences it, fails its
   * running trials and queues them again (unless `retry_failed: false`), then stops the processes it
   * left running on this host. At start-up this waits for those processes; from the heartbeat it does not.
   */
  private recover(wait = false): Promise<void> {
    const run = async () => {
      const { journal } = this;
      journal.catchUp();
      const policy = journal.liveness();
      const gone = goneMembers(this.state, policy).some(m => m.w !== journal.w);
      if (!gone && !findStaleTrials(this.state, { ...policy, self: this.pid }).some(t => t.w === undefined)) return;
      let takeOver: TakeOver | undefined;
      await journal.transact(study => {
        const r = takeOverRecords(study, { w: journal.w, pid: this.pid }, journal.liveness(), this.config.retryFailed);
        takeOver = r.takeOver;
        return r.records;
      });
      if (takeOver) await this.reportTakeOver(takeOver, wait);
    };
    this.recovering ??= run().finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  private async reportTakeOver(t: TakeOver, wait: boolean): Promise<void> {
    const ctx = { study: this.study, host: this.host, executor: this.options.executor, trialDir: (n: number) => this.trialDir(n), warn: (m: string) => this.warn(m) };
    const stopping = stopLeftovers(t, ctx);
    if (wait) await stopping;
  }

  /**
   * The next trial this worker runs: a queued one (an interrupted trial's retry) first, else the
   * sampler's next point — decided under the lock, so no trial number, queued trial or budget slot
   * goes to two workers. Undefined when the budget is used or the sampler has no further point.
   */
  private async claim(): Promise<JournalTrial | undefined> {
    for (;;) {
      this.journal.catchUp();
      if (this.state.status.state === 'paused') {
        this.stopLaunching ??= 'paused';
        this.warn(`study ${this.study} was paused by another worker (${this.state.status.reason ?? 'no reason given'}); no new trials here`);
        return undefined;
      }
      const waiting = this.state.trials.some(t => t.state === 'waiting');
      if (!waiting && this.counted(this.state) >= this.budget) return undefined;
      const params = waiting ? undefined : await this.sample();
      // The study may have been stopped while the sampler was computing.
      if (this.stopLaunching || (!waiting && !params)) return undefined;
      let claimed: number | undefined;
      await this.journal.transact(study => {
        const time = this.clock.now();
        const queued = study.trials.find(t => t.state === 'waiting');
        if (queued) {
          claimed = queued.number;
          return [{ op: 'start', number: queued.number, w: this.worker, pid: this.pid, host: this.host, time }];
        }
        if (!params || this.counted(study) >= this.budget) return [];
        claimed = study.trials.length;
        return [{ op: 'trial', number: claimed, params, state: 'running', w: this.worker, pid: this.pid, host: this.host, time }];
      });
      if (claimed !== undefined) return this.state.trials[claimed];
      // Another worker took the queued trial (or the last slot) first: look again.
    }
  }

  /** Starts a claimed trial through the executor. */
  private launch(trial: JournalTrial): void {
    const { config } = this;
    const gpu = this.takeGpu();
    let handle: TrialHandle;
    try {
      handle = this.options.executor.launch({
        study: this.study,
        trialNumber: trial.number,
        params: { ...config.constants, ...trial.params },
        trialDir: this.trialDir(trial.number),
        spec: config.launch,
        timeoutMs: config.limits.trialTimeoutMs,
        gpu,
        metricRegex: config.metricRegex,
      });
    } catch (err) {
      // A launch that throws is a failed trial, not a crashed study.
      handle = failedHandle(trial.number, errorText(err));
    }
    const active: ActiveTrial = { trial, handle, gpu, divergence: new DivergenceTracker() };
    this.running.set(trial.number, active);
    this.emit({ type: 'trial-started', study: this.study, number: trial.number, params: trial.params, retryOf: trial.retryOf });
    // Where it runs (process group or Slurm job), so a run taking over after a kill -9 can stop it.
    handle.onSpawn?.(this.guard(({ pgid, slurmJob }) => this.write({ op: 'spawn', number: trial.number, w: this.worker, ...(pgid !== undefined ? { pgid } : { slurmJob }), host: this.host, time: this.clock.now() })));
    const doneListener = this.guard((o: TrialOutcome) => this.onDone(active, o));
    handle.onMetric(this.guard((p: MetricPoint) => this.onMetric(active, p)));
    // A note about its output (a line cut at 64 KB…): shown at once, kept for its outcome.
    handle.onNote?.(this.guard((m: string) => (this.warn(`trial ${trial.number}: ${m}`), (active.notes ??= []).length < 5 && active.notes.push(m))));
    // A queued executor times its trials from when they run, not from the submission.
    if (config.limits.trialTimeoutMs !== undefined && !this.options.executor.queued) {
      active.timer = this.clock.setTimeout(() => this.requestStop(active, 'timeout'), config.limits.trialTimeoutMs);
    }
    handle.done.then(doneListener, err => doneListener({ exitCode: null, signal: null, error: `executor failed: ${errorText(err)}`, durationMs: 0, stderrTail: '' }));
  }

  private trialDir(n: number): string {
    return path.join(this.options.journalDir, 'trials', String(n));
  }

  /** The sampler's next point (see nextPoint); undefined when it has none or the study stopped meanwhile. */
  private async sample(): Promise<Record<string, ParamValue> | undefined> {
    const next = await nextPoint(this.sampler, this.view(), this.proposing.signal);
    if (next.kind === 'none') {
      this.stopLaunching = 'exhausted';
      this.warn(next.message);
    }
    return next.kind === 'point' ? next.params : undefined;
  }

  /** A value a running trial reported: journaled (once per step), then shown to the pruner. */
  private onMetric(a: ActiveTrial, point: MetricPoint): void {
    const { config } = this;
    if (!this.running.has(a.trial.number) || this.fencedError) return;
    this.emit({ type: 'metric', study: this.study, number: a.trial.number, name: point.name, step: point.step, value: point.value });
    if (keepOtherObjective(config, (a.lastValues ??= new Map()), point.name, point.value)) return;
    if (point.name !== config.metric) return;
    if (!Number.isFinite(point.step)) {
      this.warn(`trial ${a.trial.number} reported ${config.metric}=${point.value} at step ${point.step}; ignored (not a finite step)`);
      return;
    }
    a.divergence.report(point.step, point.value);
    if (!Number.isFinite(point.value)) {
      if (!a.warnedNonFinite) this.warn(`trial ${a.trial.number} reported ${config.metric}=${point.value} at step ${point.step}; unless a finite value follows, it fails as diverged`);
      a.warnedNonFinite = true;
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
    this.write({ op: 'value', number: a.trial.number, w: this.worker, step: point.step, value: point.value });
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
    if (a.timer !== undefined) this.clock.clearTimeout(a.timer);
    this.running.delete(n);
    if (a.gpu !== undefined) this.gpuInUse.set(a.gpu, (this.gpuInUse.get(a.gpu) ?? 1) - 1);
    try {
      if (!this.fencedError) this.record(a, outcome);
    } finally {
      this.wake();
    }
  }

  private record(a: ActiveTrial, outcome: TrialOutcome): void {
    const n = a.trial.number;
    this.flushPending(a);
    const time = this.clock.now();
    const { state, value, values, error, interrupted } = judgeOutcome(this.config, a.lastValue, a.stopping, outcome, a.divergence.diverged && divergedMessage(this.config.metric, a.divergence.diverged), a.notes, a.lastValues);
    const finished = this.journal.append({ op: 'finish', number: n, w: this.worker, state, value, ...(values ? { values } : {}), error, interrupted: interrupted || undefined, requeued: interrupted || undefined, time });
    // Interrupted trials go straight back into the queue, so a resume (or another worker) re-runs them first.
    if (interrupted) this.transact(study => [{ op: 'trial', number: study.trials.length, params: a.trial.params, state: 'waiting', w: this.worker, time, retryOf: n }]);
    // The journal first: whoever hears of the trial's end can read it there.
    finished.then(
      () => this.emit({ type: 'trial-finished', study: this.study, number: n, state, value, ...(values ? { values } : {}), error, durationMs: outcome.durationMs }),
      err => this.failWith(err),
    );
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
        this.write({ op: 'state', state: 'paused', reason: verdict.message, w: this.worker, time });
        this.emit({ type: 'study-paused', study: this.study, reason: verdict.message, stderr: verdict.stderrTail });
      }
    }
  }

  /** With nothing to claim: true while other live workers still run trials (one may fail and be queued again). */
  private async othersStillRunning(): Promise<boolean> {
    await this.recover();
    this.journal.catchUp();
    return this.state.trials.some(t => t.state === 'running' || t.state === 'waiting');
  }

  /** This worker's part ends: it leaves the study, which is `stopped` (interrupted, nobody else runs it) or `finished` (nothing left to run). */
  private async end(): Promise<StudySummary> {
    const status: StudySummary['status'] = this.stopLaunching === 'abort' ? 'interrupted' : this.stopLaunching === 'paused' ? 'paused' : 'finished';
    await this.journal.transact(study => {
      const time = this.clock.now();
      const records: JournalRecord[] = [];
      const othersAlive = liveMembers(study, this.journal.liveness()).some(m => m.w !== this.worker);
      if (status === 'interrupted' && !othersAlive) records.push({ op: 'state', state: 'stopped', reason: 'interrupted', w: this.worker, time });
      const idle = !study.trials.some(t => t.state === 'running' || t.state === 'waiting');
      const complete = this.stopLaunching === 'target' || this.stopLaunching === 'exhausted' || this.counted(study) >= this.budget;
      if (status === 'finished' && idle && complete && study.status.state !== 'finished') records.push({ op: 'state', state: 'finished', w: this.worker, time });
      records.push({ op: 'leave', w: this.worker, reason: status, time });
      return records;
    });
    await this.journal.flush();
    const summary = summarize(this.study, status, this.journal.frozenTrials(), this.state.trials, this.config.direction, this.config.objectives);
    this.emit({ type: 'study-finished', study: this.study, summary });
    return summary;
  }

  /** Proves this worker is alive (a fenced worker learns of its fence here) and takes over gone ones. */
  private beat(): void {
    this.write({ op: 'heartbeat', w: this.worker, pid: this.pid, host: this.host, time: this.clock.now() });
    this.recover().catch(err => this.failWith(err));
    this.heartbeatTimer = this.clock.setTimeout(this.guard(() => this.beat()), this.heartbeatMs);
  }

  /** Ctrl-C: stop every trial (SIGTERM, SIGKILL after the grace period); `force` (a second Ctrl-C): SIGKILL now. */
  private abort(force: boolean): void {
    this.stopLaunching = 'abort';
    this.proposing.abort();
    for (const a of this.running.values()) this.requestStop(a, 'cancel', force);
    this.wake();
  }

  /** Wraps a callback so an error inside it stops the study (and is rethrown by the loop) instead of escaping. */
  private guard<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      try {
        fn(...args);
      } catch (error) {
        this.failWith(error);
      }
    };
  }

  private async guarded<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      this.failWith(error);
      return undefined;
    }
  }

  /** Fenced: stop every trial and write nothing more. Anything else: a fatal error that aborts the run. */
  private failWith(error: unknown): void {
    if (error instanceof FencedError) {
      if (this.fencedError) return;
      this.fencedError = error;
      this.stopLaunching = 'abort';
      for (const a of this.running.values()) this.requestStop(a, 'cancel');
      this.wake();
      return;
    }
    if (this.fencedError) return;
    this.fatal ??= { error };
    this.abort(false);
  }

  private write(record: JournalRecord): void {
    this.journal.append(record).catch(err => this.failWith(err));
  }

  private transact(decide: (study: ReplayedStudy) => JournalRecord[]): void {
    this.journal.transact(decide).catch(err => this.failWith(err));
  }

  private requestStop(a: ActiveTrial, reason: StopReason, force = false): void {
    if (a.stopping && !force) return;
    a.stopping ??= reason;
    a.handle.stop(reason, force ? { force } : undefined).catch(err => this.warn(`could not stop trial ${a.trial.number}: ${errorText(err)}`));
  }

  private flushPending(a: ActiveTrial): void {
    if (!a.pendingUpdate) return;
    this.write({ op: 'value', number: a.trial.number, w: this.worker, step: a.pendingUpdate.step, value: a.pendingUpdate.value });
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

  private counted(study: ReplayedStudy): number {
    let n = 0;
    for (const t of study.trials) if (countsAgainstBudget(t)) n++;
    return n;
  }

  private view(): StudyView {
    const { frozen, state } = this;
    const changed = this.journal.replay.takeChanged().trials;
    for (let i = 0; i < state.trials.length; i++) if (frozen[i] === undefined || changed.has(i)) frozen[i] = toFrozenTrial(state.trials[i]);
    return { space: this.config.space, direction: this.config.direction, directions: this.config.objectives?.map(o => o.direction), trials: frozen.slice(0, state.trials.length), budget: this.budget };
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

