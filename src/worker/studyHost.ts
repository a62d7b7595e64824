/**
 * How a study file becomes a runnable study in the worker: config (+ the trusted interpreter
 * setting) → journal directory, executor (`createExecutor`, shared with `hpstudio tune`) and the
 * budget. runStudy picks the sampler and pruner from the config itself.
 */
import type { TrialExecutor, TrialHandle, TrialLaunch, StopReason } from '../core/runner/types';
import { createExecutor } from '../core/study/executor';
import { studyDirectory } from '../core/study/journal';
import { preflightIssues } from '../core/study/preflight';
import type { RunStudyOptions } from '../core/study/runStudy';
import { plannedTrials } from '../core/study/summary';
import { loadStudyFile } from '../core/study/studyFile';
import { formatIssue, type StudyConfig } from '../core/study/types';

export interface PrepareStudyOptions {
  /** Workspace folder; the journal lives in `<workspace>/.hpstudio/studies/<name>`. */
  readonly workspace: string;
  /** Interpreter for `${interpreter}` when the study file sets none (a trusted user setting). */
  readonly interpreter?: string;
  /** Variables that interpreter needs (conda activation), under the study file's own `env`. */
  readonly interpreterEnv?: Readonly<Record<string, string>>;
  /** Overrides of the file's limits (`--trials`, `--parallel`). */
  readonly trials?: number;
  readonly parallel?: number;
  /** Study name instead of the file's (a second run of one study file). */
  readonly name?: string;
}

export interface PreparedStudy {
  readonly config: StudyConfig;
  /** Study-file warnings as `file:line:col: message`. */
  readonly warnings: readonly string[];
  readonly journalDir: string;
  readonly executor: TrialExecutor;
  /** Total trials this run aims at (the override, the file's `trials`/`run_cap`, or the default). */
  readonly budget: number;
  /** The part of `RunStudyOptions` that depends only on the study: spread it into `runStudy({...})`. */
  readonly runOptions: Pick<RunStudyOptions, 'config' | 'journalDir' | 'executor' | 'trials' | 'parallel'>;
}

export class StudyPreparationError extends Error {}

/** Reads and checks a study file and builds everything `runStudy` needs. Throws with a readable message. */
export function prepareStudy(studyFile: string, options: PrepareStudyOptions): PreparedStudy {
  const parsed = loadStudyFile(studyFile);
  let config = parsed.config;
  if (options.name !== undefined) {
    // A rerun under its own name: the file's display name belongs to the first study.
    const { displayName: _first, ...rest } = config;
    config = { ...rest, name: options.name };
  }
  if (config.launch.interpreter === undefined && options.interpreter) {
    const env = options.interpreterEnv && Object.keys(options.interpreterEnv).length > 0 ? { ...options.interpreterEnv, ...config.launch.env } : config.launch.env;
    config = { ...config, launch: { ...config.launch, interpreter: options.interpreter, ...(env ? { env } : {}) } };
  }
  // Problems a trial would only find (a missing program), reported before the study exists.
  const issues = preflightIssues(parsed, config, studyFile);
  if (issues.length > 0) throw new StudyPreparationError(issues.map(formatIssue).join('\n'));
  const executor = createExecutor(config);
  const journalDir = studyDirectory(options.workspace, config.name);
  const budget = plannedTrials(config, options.trials);
  return {
    config,
    warnings: parsed.warnings.map(formatIssue),
    journalDir,
    executor,
    budget,
    runOptions: { config, journalDir, executor, trials: options.trials, parallel: options.parallel },
  };
}

/** One measured prune decision: from the metric reaching the worker to the stop being issued. */
export interface PruneLatency {
  readonly trial: number;
  readonly step: number;
  readonly latencyMs: number;
}

/**
 * Wraps an executor so each `stop('prune')` reports how long after the trial's last metric it came.
 * The metric listener registered first runs first, so its timestamp is taken before runStudy sees
 * the point and asks the pruner.
 */
export function measurePruneLatency(executor: TrialExecutor, report: (sample: PruneLatency) => void, now: () => number = () => performance.now()): TrialExecutor {
  return {
    name: executor.name,
    // Everything else the executor offers passes through (a queued executor's timing, its notes).
    queued: executor.queued,
    onWarning: executor.onWarning ? listener => executor.onWarning?.(listener) : undefined,
    cancelLeftJobs: executor.cancelLeftJobs ? (study, jobs) => executor.cancelLeftJobs!(study, jobs) : undefined,
    dispose: () => executor.dispose(),
    launch(trial: TrialLaunch): TrialHandle {
      const inner = executor.launch(trial);
      let last: { step: number; at: number } | undefined;
      inner.onMetric(point => (last = { step: point.step, at: now() }));
      return {
        trialNumber: inner.trialNumber,
        done: inner.done,
        onMetric: listener => inner.onMetric(listener),
        onSpawn: listener => inner.onSpawn?.(listener),
        onNote: listener => inner.onNote?.(listener),
        stop(reason: StopReason, options?: { readonly force?: boolean }): Promise<void> {
          if (reason === 'prune' && last) report({ trial: inner.trialNumber, step: last.step, latencyMs: now() - last.at });
          return inner.stop(reason, options);
        },
      };
    },
  };
}
