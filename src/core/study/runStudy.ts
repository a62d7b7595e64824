/**
 * The study loop: asks the sampler for points, runs up to K trials at once through a TrialExecutor,
 * feeds the objective to the journal and the pruner as it arrives, and records every outcome. Every
 * state change goes to the journal before anything else sees it, so a crash at any moment leaves a
 * study that `resume` continues without rerunning a finished trial.
 *
 * `runStudy` builds the sampler and pruner, opens the journal (taking the study lock) and hands them
 * to a `StudyRun` (studyRun.ts), which runs the loop.
 */
import type { TrialExecutor } from '../runner/types';
import { createPruner as defaultCreatePruner, createSampler as defaultCreateSampler } from '../search/index';
import type { Pruner, Sampler } from '../search/types';
import { StudyJournal } from './journal';
import { DEFAULT_LOCK_GRACE_MS } from './lock';
import { StudyRun } from './studyRun';
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

export async function runStudy(options: RunStudyOptions): Promise<StudySummary> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const seed = config.seed ?? seedFromName(config.name);
  const sampler = options.sampler ?? (options.createSampler ?? defaultCreateSampler)(config.sampler, seed);
  const pruner = options.pruner ?? (options.createPruner ?? defaultCreatePruner)(config.pruner);
  const journal = StudyJournal.open(options.journalDir, {
    resume: options.resume,
    graceMs: options.staleGraceMs ?? DEFAULT_LOCK_GRACE_MS,
    now: () => clock.now(),
    create: {
      name: config.name,
      space: config.space,
      direction: config.direction,
      metric: config.metric,
      sampler: sampler.name,
      seed,
      studyFile: config.file,
    },
  });
  return new StudyRun(options, clock, sampler, pruner, journal).run();
}
