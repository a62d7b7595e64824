/**
 * The study loop: asks the sampler for points, runs up to K trials at once through a TrialExecutor,
 * feeds the objective to the journal and the pruner as it arrives, and records every outcome. Every
 * state change goes to the journal before anything else sees it, so a crash at any moment leaves a
 * study that `resume` continues without rerunning a finished trial.
 *
 * `runStudy` builds the sampler and pruner, opens the journal (taking the study lock) and hands them
 * to a `StudyRun` (studyRun.ts), which runs the loop.
 */
import * as os from 'node:os';
import { setLongTimeout, type LongTimeout } from '../runner/timer';
import type { TrialExecutor } from '../runner/types';
import { createPruner as defaultCreatePruner, createSampler as defaultCreateSampler, validateSpace } from '../search/index';
import { mixSeed } from '../search/rng';
import type { Pruner, Sampler } from '../search/types';
import { StudyJournal, studyWorkspace, type JournalRecord, type ReplayedStudy } from './journal';
import { liveMembers } from './liveness';
import { heartbeatMsFromEnv, staleMsFromEnv } from './lock';
import { portableStudyFile } from './paths';
import { StudyRun } from './studyRun';
import { DEFAULT_TRIALS, plannedTrials } from './summary';
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
  // Timers of the loop must never keep a finished CLI process alive; a trial_timeout may pass 2³¹ ms.
  setTimeout: (fn, ms) => setLongTimeout(fn, ms, { unref: true }),
  clearTimeout: h => (h as LongTimeout).clear(),
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
  /** Total trials of the study (finished or not), overriding the file's `trials` / `run_cap` and the journal's. */
  readonly trials?: number;
  readonly parallel?: number;
  /** Continue an existing study; without it (or `join`) an existing study is a StudyExistsError. */
  readonly resume?: boolean;
  /** Join the study as one more worker, even while others run it (creating it when missing). */
  readonly join?: boolean;
  /** Ctrl-C: stop the trials (SIGTERM, SIGKILL after the grace period), record them as interrupted, end. */
  readonly signal?: AbortSignal;
  /** A second Ctrl-C: stop the trials without the grace period (never without stopping them). */
  readonly killSignal?: AbortSignal;
  readonly onEvent?: (event: StudyEvent) => void;
  readonly clock?: StudyClock;
  /** How often this worker proves it is alive in the journal. Default `HPSTUDIO_HEARTBEAT_MS` or 5 s. */
  readonly heartbeatMs?: number;
  /** A worker not heard of for longer than this is gone and its trials are taken over. Default `HPSTUDIO_STALE_MS` or 30 s. */
  readonly staleGraceMs?: number;
}

/** Deterministic seed from the study name, so re-running a study file reproduces its trials. */
export function seedFromName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The budget this run works towards: `--trials` when given; for a worker joining a study, the one
 * the journal recorded (every worker shares it); on resume, a recorded `--trials` (a study started
 * with `--trials 50` keeps 50), else the study file's (which the user may have edited).
 */
function chooseBudget(options: RunStudyOptions, study: ReplayedStudy): number {
  if (options.trials !== undefined) return options.trials;
  if (study.budget !== undefined && (options.join || study.budgetExplicit)) return study.budget;
  return plannedTrials(options.config);
}

/** Opens (or creates) the study's journal, joins it as a worker and returns the run, ready to `run()`. */
export async function openStudyRun(options: RunStudyOptions): Promise<StudyRun> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const seed = config.seed ?? seedFromName(config.name);
  const staleGraceMs = options.staleGraceMs ?? staleMsFromEnv();
  const makeSampler = (s: number) => options.sampler ?? (options.createSampler ?? defaultCreateSampler)(config.sampler, s);
  let sampler = makeSampler(seed);
  let budget = 0;
  let soloAtJoin = true;
  // A space no sampler can search is refused before the journal exists (a rerun would say "already exists").
  validateSpace(config.space);
  const journal = await StudyJournal.open(options.journalDir, {
    resume: options.resume,
    join: options.join,
    graceMs: staleGraceMs,
    now: () => clock.now(),
    create: {
      name: config.name,
      space: config.space,
      direction: config.direction,
      metric: config.metric,
      ...(config.objectives ? { objectives: config.objectives } : {}),
      sampler: sampler.name,
      seed,
      studyFile: portableStudyFile(config.file, studyWorkspace(options.journalDir)),
    },
    onJoin: (study: ReplayedStudy, w: number): JournalRecord[] => {
      budget = chooseBudget(options, study);
      const explicit = options.trials !== undefined || (study.budgetExplicit === true && budget === study.budget);
      soloAtJoin = liveMembers(study, { host: os.hostname(), now: clock.now(), graceMs: staleGraceMs }).every(m => m.w === w);
      if (study.status.state === 'running' && study.budget === budget && study.budgetExplicit === explicit) return [];
      const reason = study.members.size > 1 || study.trials.length > 0 ? 'resumed' : undefined;
      return [{ op: 'state', state: 'running', budget, explicit: explicit || undefined, reason, w, time: clock.now() }];
    },
  });
  // Workers that join a running study sample from their own seed: the same seed would propose the same points.
  if (!soloAtJoin) sampler = makeSampler(mixSeed(seed, journal.w));
  // Several objectives: no pruning (the study file said so when it was read).
  const pruner = config.objectives ? undefined : (options.pruner ?? (options.createPruner ?? defaultCreatePruner)(config.pruner));
  const run = new StudyRun({ ...options, staleGraceMs, heartbeatMs: options.heartbeatMs ?? heartbeatMsFromEnv() }, clock, sampler, pruner, journal, budget);
  if (options.trials === undefined && config.limits.trials === undefined && budget === DEFAULT_TRIALS && journal.study.budget === DEFAULT_TRIALS) {
    options.onEvent?.({ type: 'warning', study: config.name, message: `no trials / run_cap in the study file: running ${DEFAULT_TRIALS} trials` });
  }
  return run;
}

/** Runs (or resumes, or joins) a study until its budget is used, it is stopped, paused or its target reached. */
export async function runStudy(options: RunStudyOptions): Promise<StudySummary> {
  return (await openStudyRun(options)).run();
}
