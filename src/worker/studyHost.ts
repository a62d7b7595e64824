/**
 * How a study file becomes a runnable study: config → journal directory, executor, sampler and
 * pruner factories. One function so the worker (and the CLI's `tune`, when it adopts it) wire
 * `runStudy` the same way.
 */
import * as path from 'node:path';
import { LocalExecutor, type LocalExecutorOptions } from '../core/runner/local';
import { checkProgram } from '../core/runner/resolve';
import * as search from '../core/search/index';
import type { Pruner, Sampler } from '../core/search/types';
import { studyDirectory } from '../core/study/journal';
import { DEFAULT_TRIALS, type RunStudyOptions } from '../core/study/runStudy';
import { loadStudyFile } from '../core/study/studyFile';
import { formatIssue, type StudyConfig } from '../core/study/types';
import type { TrialExecutor, TrialHandle, TrialLaunch, StopReason } from '../core/runner/types';

export interface PrepareStudyOptions {
  /** Workspace folder; the journal lives in `<workspace>/.hpstudio/studies/<name>`. */
  readonly workspace: string;
  /** Interpreter for `${interpreter}` when the study file sets none (a trusted user setting). */
  readonly interpreter?: string;
  readonly executorOptions?: LocalExecutorOptions;
  /** Overrides of the file's limits (`--trials`, `--parallel`). */
  readonly trials?: number;
  readonly parallel?: number;
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
  readonly runOptions: Pick<RunStudyOptions, 'config' | 'journalDir' | 'executor' | 'createSampler' | 'createPruner' | 'trials' | 'parallel'>;
}

export class StudyPreparationError extends Error {}

type PrunerFactory = (config: StudyConfig['pruner']) => Pruner | undefined;

/**
 * The search module's pruner factory, when it has one. Looked up at run time so a build without
 * pruners still runs studies (runStudy then warns that trials run to the end).
 */
function pruners(): PrunerFactory | undefined {
  const factory = (search as unknown as { createPruner?: PrunerFactory }).createPruner;
  return typeof factory === 'function' ? factory : undefined;
}

/** Reads and checks a study file and builds everything `runStudy` needs. Throws with a readable message. */
export function prepareStudy(studyFile: string, options: PrepareStudyOptions): PreparedStudy {
  const parsed = loadStudyFile(studyFile);
  let config = parsed.config;
  if (config.launch.interpreter === undefined && options.interpreter) {
    config = { ...config, launch: { ...config.launch, interpreter: options.interpreter } };
  }
  // A missing program would fail every trial (and trip the flapping guard); say so before starting.
  if (config.launch.program !== undefined) {
    const programPath = path.resolve(config.launch.cwd, config.launch.program);
    try {
      checkProgram(config.launch.program, programPath, config.launch.cwd);
    } catch (err) {
      throw new StudyPreparationError(`${studyFile}: program ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const executor = createExecutor(config, options.executorOptions);
  const journalDir = studyDirectory(options.workspace, config.name);
  const budget = options.trials ?? config.limits.trials ?? DEFAULT_TRIALS;
  const createPruner = pruners();
  return {
    config,
    warnings: parsed.warnings.map(formatIssue),
    journalDir,
    executor,
    budget,
    runOptions: {
      config,
      journalDir,
      executor,
      createSampler: (name: string, seed: number): Sampler => search.createSampler(name, seed),
      createPruner,
      trials: options.trials,
      parallel: options.parallel,
    },
  };
}

function createExecutor(config: StudyConfig, options: LocalExecutorOptions | undefined): TrialExecutor {
  if (config.executor.type === 'slurm') {
    throw new StudyPreparationError(
      `${config.file}: executor: slurm is not available in this build of the worker; use executor: local, or run the study with \`hpstudio tune\` on the cluster`,
    );
  }
  return new LocalExecutor(options);
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
    dispose: () => executor.dispose(),
    launch(trial: TrialLaunch): TrialHandle {
      const inner = executor.launch(trial);
      let last: { step: number; at: number } | undefined;
      inner.onMetric(point => (last = { step: point.step, at: now() }));
      return {
        trialNumber: inner.trialNumber,
        done: inner.done,
        onMetric: listener => inner.onMetric(listener),
        stop(reason: StopReason): Promise<void> {
          if (reason === 'prune' && last) report({ trial: inner.trialNumber, step: last.step, latencyMs: now() - last.at });
          return inner.stop(reason);
        },
      };
    },
  };
}
