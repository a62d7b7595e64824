/**
 * The study loop: asks the sampler for points, runs up to K trials at once through a TrialExecutor,
 * feeds the objective to the journal and the pruner as it arrives, and records every outcome. Every
 * state change goes to the journal before anything else sees it, so a crash at any moment leaves a
 * study that `resume` continues without rerunning a finished trial.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { MetricPoint } from '../metrics/types';
import type { TrialExecutor, TrialHandle, TrialOutcome, StopReason } from '../runner/types';
import { FlappingGuard } from '../runner/flapping';
import { createPruner as defaultCreatePruner, createSampler as defaultCreateSampler } from '../search/index';
import type { FrozenTrial, ParamValue, Pruner, Sampler, StudyView } from '../search/types';
import { StudyJournal, findStaleTrials, toFrozenTrial, type JournalRecord, type JournalTrial } from './journal';
import { DEFAULT_LOCK_GRACE_MS } from './lock';
import { countsAgainstBudget, DEFAULT_TRIALS, plannedTrials, summarize } from './summary';
import type { StudyConfig, StudyEvent, StudySummary } from './types';

// Budget rules live in summary.ts; re-exported for the callers that know them from here.
export { DEFAULT_TRIALS, plannedTrials, summarize } from './summary';

/** Time source and timers, injectable so tests can drive timeouts and heartbeats deterministically. */
export interface StudyClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: StudyClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // Timers of the loop must never keep a finished CLI process alive.
    t.unref?.();
    return t;
  },
  clearTimeout: h => clearTimeout(h as NodeJS.Timeout),
};

export interface RunStudyOptions {
  readonly config: StudyConfig;
  /** `<workspace>/.hpstudio/studies/<name>` (see `studyDirectory`). */
  readonly journalDir: string;
  readonly executor: TrialExecutor;
  /** Default: `createSampler(config.sampler, config.seed ?? seedFromName(name))`. */
  readonly sampler?: Sampler;
  /** Default: `createPruner(config.pruner)`. */
  readonly pruner?: Pruner;
  /** Factories used when `sampler` / `pruner` are not given (default: the search module's). */
  readonly createSampler?: (name: string, seed: number) => Sampler;
  readonly createPruner?: (config: StudyConfig['pruner']) => Pruner | undefined;
  /** Total trials of the study (finished or not), overriding the file's `trials` / `run_cap`. */
  readonly trials?: number;
  readonly parallel?: number;
  /** Continue an existing study; without it an existing study is a StudyExistsError. */
  readonly resume?: boolean;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: StudyEvent) => void;
  readonly clock?: StudyClock;
  /** How often this process proves it is alive in the journal and the lock. Default 5 s. */
  readonly heartbeatMs?: number;
  /** A running trial (or lock) not heard of for longer than this belongs to a dead run. Default 30 s. */
  readonly staleGraceMs?: number;
}

/** Deterministic seed from the study name, so re-running a study file reproduces its trials. */
export function seedFromName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

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

export async function runStudy(options: RunStudyOptions): Promise<StudySummary> {
  const { config, executor, signal } = options;
  const clock = options.clock ?? systemClock;
  const study = config.name;
  const pid = process.pid;
  const host = os.hostname();
  const graceMs = options.staleGraceMs ?? DEFAULT_LOCK_GRACE_MS;
  const emit = (event: StudyEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      /* a failing listener must not break the study */
    }
  };
  const warn = (message: string) => emit({ type: 'warning', study, message });

  const seed = config.seed ?? seedFromName(study);
  const sampler = options.sampler ?? (options.createSampler ?? defaultCreateSampler)(config.sampler, seed);
  let pruner = options.pruner ?? (options.createPruner ?? defaultCreatePruner)(config.pruner);

  const journal = StudyJournal.open(options.journalDir, {
    resume: options.resume,
    graceMs,
    now: () => clock.now(),
    create: {
      name: study,
      space: config.space,
      direction: config.direction,
      metric: config.metric,
      sampler: sampler.name,
      seed,
      studyFile: config.file,
    },
  });
  const state = journal.study;
  let heartbeatTimer: unknown;
  const running = new Map<number, ActiveTrial>();
  try {
    if (journal.lock.takenOverFrom) {
      const o = journal.lock.takenOverFrom;
      warn(`took over the stale lock of study ${study} held by pid ${o.pid} on host ${o.host}`);
    }
    if (journal.repairedBytes > 0) warn(`ignored a torn last record (${journal.repairedBytes} bytes) in ${journal.file}, left by a crash`);
    const header = state.header;
    if (header.metric !== config.metric || header.direction !== config.direction || JSON.stringify(header.space) !== JSON.stringify(config.space)) {
      warn(`the study file changed since study ${study} was created (metric, goal or parameters); earlier trials were scored differently`);
    }
    if (state.status.state !== 'running') journal.append({ op: 'state', state: 'running', reason: 'resumed', time: clock.now() });

    recoverOrphans(journal, config.retryFailed, { host, now: clock.now(), graceMs }, warn);

    const parallel = Math.max(1, Math.floor(options.parallel ?? config.limits.parallel));
    const budget = plannedTrials(config, options.trials);
    if (options.trials === undefined && config.limits.trials === undefined && budget === DEFAULT_TRIALS) {
      warn(`no trials / run_cap in the study file: running ${DEFAULT_TRIALS} trials`);
    }
    const counted = () => state.trials.filter(countsAgainstBudget).length;

    const flapping =
      Number.isFinite(config.limits.flapping.maxFailures) && config.limits.flapping.windowMs > 0
        ? new FlappingGuard({ maxFailures: config.limits.flapping.maxFailures, fastFailMs: config.limits.flapping.windowMs, windowMs: config.limits.flapping.windowMs })
        : undefined;

    let stopLaunching: 'abort' | 'paused' | 'target' | 'exhausted' | undefined;
    let wake: () => void = () => {};
    const notify = () => wake();
    // An error inside a callback (journal write failed…) stops the study and is rethrown by the loop.
    let fatal: { error: unknown } | undefined;
    const guarded =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        try {
          fn(...args);
        } catch (error) {
          fatal ??= { error };
          stopLaunching = 'abort';
          for (const a of running.values()) requestStop(a, 'cancel');
          notify();
        }
      };

    // Frozen snapshots are rebuilt only for trials that changed: the pruner asks for the whole
    // study on every new step, and copying every trial's curve each time is quadratic.
    const frozen: FrozenTrial[] = [];
    const changed = new Set<number>();
    const append = (record: JournalRecord) => {
      journal.append(record);
      if ('number' in record) changed.add(record.number);
    };
    const view = (): StudyView => {
      for (const t of state.trials) if (frozen[t.number] === undefined || changed.has(t.number)) frozen[t.number] = toFrozenTrial(t);
      changed.clear();
      return { space: config.space, direction: config.direction, trials: frozen.slice(0, state.trials.length), budget };
    };

    const beat = guarded(() => {
      // A run that was suspended past the grace period may have lost its lock to another process:
      // it must stop rather than interleave records with the new owner.
      const owner = journal.lock.currentOwner();
      if (!journal.lock.isOwnedBy(owner)) {
        throw new Error(`study ${study} was taken over by ${owner ? `pid ${owner.pid} on host ${owner.host}` : 'another process'} while this run was not responding; this run stops`);
      }
      try {
        journal.heartbeat(pid, host, clock.now());
      } catch (err) {
        warn(`could not write the heartbeat: ${err instanceof Error ? err.message : String(err)}`);
      }
      heartbeatTimer = clock.setTimeout(beat, options.heartbeatMs ?? 5000);
    });
    heartbeatTimer = clock.setTimeout(beat, options.heartbeatMs ?? 5000);

    const gpuInUse = new Map<string, number>();
    const pickGpu = (): string | undefined => {
      if (config.gpus.length === 0) return undefined;
      // The least-loaded GPU, first in the list on ties: round-robin when trials are equal in length.
      let best = config.gpus[0];
      for (const g of config.gpus) if ((gpuInUse.get(g) ?? 0) < (gpuInUse.get(best) ?? 0)) best = g;
      gpuInUse.set(best, (gpuInUse.get(best) ?? 0) + 1);
      return best;
    };

    const onAbort = () => {
      stopLaunching = 'abort';
      for (const a of running.values()) requestStop(a, 'cancel');
      notify();
    };
    const requestStop = (a: ActiveTrial, reason: StopReason) => {
      if (a.stopping) return;
      a.stopping = reason;
      a.handle.stop(reason).catch(err => warn(`could not stop trial ${a.trial.number}: ${err instanceof Error ? err.message : String(err)}`));
    };

    const onMetric = (a: ActiveTrial, point: MetricPoint) => {
      if (!running.has(a.trial.number)) return;
      emit({ type: 'metric', study, number: a.trial.number, name: point.name, step: point.step, value: point.value });
      if (point.name !== config.metric) return;
      if (!Number.isFinite(point.value) || !Number.isFinite(point.step)) {
        warn(`trial ${a.trial.number} reported ${config.metric}=${point.value} at step ${point.step}; ignored (not a finite number)`);
        return;
      }
      a.lastValue = point.value;
      if (a.trial.intermediate.has(point.step)) {
        // A progress bar re-reports the running step many times: keep only its latest value, written
        // when the next step starts or the trial ends (one fsync per step, not per line).
        a.pendingUpdate = a.trial.intermediate.get(point.step) === point.value ? undefined : { step: point.step, value: point.value };
        return;
      }
      flushPending(a);
      append({ op: 'value', number: a.trial.number, step: point.step, value: point.value });
      if (!pruner || a.stopping) return;
      try {
        if (pruner.shouldPrune(view(), toFrozenTrial(a.trial), point.step)) requestStop(a, 'prune');
      } catch (err) {
        warn(`pruner ${pruner.name} failed (${err instanceof Error ? err.message : String(err)}); pruning is off for the rest of this run`);
        pruner = undefined;
      }
    };

    const flushPending = (a: ActiveTrial) => {
      if (!a.pendingUpdate) return;
      append({ op: 'value', number: a.trial.number, step: a.pendingUpdate.step, value: a.pendingUpdate.value });
      a.pendingUpdate = undefined;
    };

    const onDone = (a: ActiveTrial, outcome: TrialOutcome) => {
      const n = a.trial.number;
      flushPending(a);
      if (a.timer !== undefined) clock.clearTimeout(a.timer);
      running.delete(n);
      if (a.gpu !== undefined) gpuInUse.set(a.gpu, (gpuInUse.get(a.gpu) ?? 1) - 1);
      const time = clock.now();
      // The executor's reason wins; ours only explains a non-zero end (a trial that exited 0
      // right as we asked it to stop did finish).
      const reason = outcome.stopReason ?? (outcome.exitCode !== 0 || outcome.signal ? a.stopping : undefined);
      let finalState: 'complete' | 'pruned' | 'fail';
      let value: number | undefined;
      let error: string | undefined;
      if (reason === 'cancel') {
        finalState = 'fail';
        error = 'interrupted: the study was stopped while this trial ran';
      } else if (reason === 'prune') {
        finalState = 'pruned';
        value = a.lastValue;
      } else if (reason === 'timeout') {
        finalState = 'fail';
        error = `timed out after ${formatMs(config.limits.trialTimeoutMs ?? outcome.durationMs)}`;
      } else if (outcome.error !== undefined) {
        finalState = 'fail';
        error = outcome.error;
      } else if (outcome.exitCode !== 0) {
        finalState = 'fail';
        error = outcome.signal ? `killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
      } else if (a.lastValue === undefined) {
        finalState = 'fail';
        error = `finished without reporting the metric "${config.metric}" (print e.g. "${config.metric}: 0.42" or set metric_regex)`;
      } else {
        finalState = 'complete';
        value = a.lastValue;
      }
      const tail = outcome.stderrTail.trim();
      if (finalState === 'fail' && reason !== 'cancel' && tail) error = `${error}\n${lastLines(tail, 20)}`;
      const interrupted = reason === 'cancel';
      append({ op: 'finish', number: n, state: finalState, value, error, interrupted: interrupted || undefined, requeued: interrupted || undefined, time });
      // Interrupted trials go straight back into the queue, so `resume` re-runs them first.
      if (interrupted) append({ op: 'trial', number: state.trials.length, params: a.trial.params, state: 'waiting', time, retryOf: n });
      emit({ type: 'trial-finished', study, number: n, state: finalState, value, error, durationMs: outcome.durationMs });

      if (finalState === 'complete' && config.target !== undefined && value !== undefined) {
        const reached = config.direction === 'minimize' ? value <= config.target : value >= config.target;
        if (reached && !stopLaunching) {
          stopLaunching = 'target';
          warn(`trial ${n} reached the target ${config.metric}=${config.target}; no new trials`);
        }
      }
      if (flapping && !interrupted) {
        const verdict = flapping.record(outcome, time);
        if (verdict.pause && stopLaunching !== 'abort' && stopLaunching !== 'paused') {
          stopLaunching = 'paused';
          append({ op: 'state', state: 'paused', reason: verdict.message, time });
          emit({ type: 'study-paused', study, reason: verdict.message, stderr: verdict.stderrTail });
        }
      }
      notify();
    };

    const launchNext = (): void => {
      const waiting = state.trials.find(t => t.state === 'waiting');
      let trial: JournalTrial;
      const time = clock.now();
      if (waiting) {
        append({ op: 'start', number: waiting.number, pid, host, time });
        trial = waiting;
      } else {
        let params: Record<string, ParamValue>;
        try {
          params = sampler.sample(view());
          for (const [k, v] of Object.entries(params)) {
            if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`it proposed ${k}=${v}`);
          }
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          // Before any trial, a sampler that cannot propose is a configuration error (grid over a
          // continuous range…), not the end of a search.
          if (state.trials.length === 0) throw new Error(`sampler ${sampler.name} cannot start this study: ${message}`);
          stopLaunching = 'exhausted';
          warn(`sampler ${sampler.name} has no further point: ${message}`);
          return;
        }
        append({ op: 'trial', number: state.trials.length, params, state: 'running', pid, host, time });
        trial = state.trials[state.trials.length - 1];
      }
      const gpu = pickGpu();
      let handle: TrialHandle;
      try {
        handle = executor.launch({
          study,
          trialNumber: trial.number,
          params: { ...config.constants, ...trial.params },
          trialDir: path.join(options.journalDir, 'trials', String(trial.number)),
          spec: config.launch,
          timeoutMs: config.limits.trialTimeoutMs,
          gpu,
          metricRegex: config.metricRegex,
        });
      } catch (err) {
        // A launch that throws is a failed trial, not a crashed study.
        handle = failedHandle(trial.number, err instanceof Error ? err.message : String(err));
      }
      const active: ActiveTrial = { trial, handle, gpu };
      running.set(trial.number, active);
      emit({ type: 'trial-started', study, number: trial.number, params: trial.params, retryOf: trial.retryOf });
      const metricListener = guarded(onMetric);
      const doneListener = guarded(onDone);
      handle.onMetric(p => metricListener(active, p));
      if (config.limits.trialTimeoutMs !== undefined) {
        active.timer = clock.setTimeout(() => requestStop(active, 'timeout'), config.limits.trialTimeoutMs);
      }
      handle.done.then(
        outcome => doneListener(active, outcome),
        err => doneListener(active, { exitCode: null, signal: null, error: `executor failed: ${err instanceof Error ? err.message : String(err)}`, durationMs: 0, stderrTail: '' }),
      );
    };

    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        while (!stopLaunching && running.size < parallel && counted() < budget) launchNext();
        if (running.size === 0) break;
        await new Promise<void>(resolve => (wake = resolve));
      }
      if (fatal) throw fatal.error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }

    const status: StudySummary['status'] = stopLaunching === 'abort' ? 'interrupted' : stopLaunching === 'paused' ? 'paused' : 'finished';
    if (status === 'interrupted') journal.append({ op: 'state', state: 'stopped', reason: 'interrupted', time: clock.now() });
    const summary = summarize(study, status, journal.frozenTrials(), state.trials, config.direction);
    emit({ type: 'study-finished', study, summary });
    return summary;
  } catch (err) {
    // Something broke under the loop (disk full…): never leave trials running behind us.
    await Promise.allSettled([...running.values()].map(a => a.handle.stop('cancel')));
    throw err;
  } finally {
    if (heartbeatTimer !== undefined) clock.clearTimeout(heartbeatTimer);
    journal.close();
  }
}

/**
 * Marks trials left running by a run that is gone as failed (the caller holds the study lock, so
 * nobody else can be running them) and, when the study says so, queues their params again.
 */
function recoverOrphans(journal: StudyJournal, retry: boolean, policy: { host: string; now: number; graceMs: number }, warn: (m: string) => void): void {
  const state = journal.study;
  const stale = new Set(findStaleTrials(state, policy).map(t => t.number));
  for (const t of state.trials.filter(x => x.state === 'running')) {
    const owner = t.pid !== undefined ? `pid ${t.pid} on host ${t.host}` : 'an unknown process';
    const why = stale.has(t.number) ? `its run (${owner}) died or stopped sending heartbeats` : `its run (${owner}) no longer holds the study lock`;
    journal.append({ op: 'finish', number: t.number, state: 'fail', error: `interrupted: ${why}`, requeued: retry || undefined, time: policy.now });
    if (retry) journal.append({ op: 'trial', number: state.trials.length, params: t.params, state: 'waiting', time: policy.now, retryOf: t.number });
    warn(`trial ${t.number} was left running by a run that is gone; marked failed${retry ? ' and queued again (retry_failed)' : ''}`);
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

function lastLines(text: string, n: number): string {
  const lines = text.split(/\r?\n/);
  return lines.slice(-n).join('\n');
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return s < 120 ? `${Number(s.toFixed(1))} s` : `${Number((s / 60).toFixed(1))} min`;
}
