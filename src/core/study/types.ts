/**
 * What a study is once its file has been read: the search space and objective, how trials are
 * launched, and the limits of the run. Pure data, so the worker, the CLI and the tests share it.
 */
import type { Direction, ParamValue, SearchSpace, TrialState } from '../search/types';
import type { LaunchSpec } from '../runner/types';

/** Early-stopping policy handed to `createPruner`; extra keys are pruner-specific (min_iter, eta…). */
export interface PrunerConfig {
  readonly type: 'none' | 'median' | 'asha' | 'hyperband' | 'lr-find';
  readonly [option: string]: number | string | undefined;
}

export type ExecutorConfig =
  | { readonly type: 'local' }
  | {
      readonly type: 'slurm';
      readonly partition?: string;
      readonly account?: string;
      /** Slurm time limit as given (`"01:00:00"`, `"30"`, `"2-00:00:00"`). */
      readonly time?: string;
      readonly cpusPerTask?: number;
      /** A count, or `type:count` (`"a100:2"`). */
      readonly gpus?: number | string;
      /** `--mem` (`16G`; a bare number is megabytes). */
      readonly mem?: string;
      /** `%K` of `sbatch --array`: at most K trials of one submission run at once. */
      readonly arrayThrottle?: number;
      /** More sbatch options, one per line, written as `#SBATCH` lines. */
      readonly sbatch: readonly string[];
    };

export interface FlappingConfig {
  /** Fast failures that pause the study… */
  readonly maxFailures: number;
  /** …when they all happen within this many milliseconds (and each ran shorter than that). */
  readonly windowMs: number;
}

export interface StudyLimits {
  /** Total trials of the study (W&B `run_cap`, our `trials`); undefined = let the caller decide. */
  readonly trials?: number;
  readonly parallel: number;
  readonly trialTimeoutMs?: number;
  readonly flapping: FlappingConfig;
}

/** One objective of a study: the metric a trial reports and whether smaller or larger is better. */
export interface Objective {
  readonly name: string;
  readonly direction: Direction;
}

export interface StudyConfig {
  /** The study's folder name under `.hpstudio/studies/` (the sweep's `name` made safe for that). */
  readonly name: string;
  /** The sweep's `name` as written, when it is not a plain folder name (`First Sweep`). */
  readonly displayName?: string;
  readonly description?: string;
  /** Absolute path of the study file it came from (empty when built in code). */
  readonly file: string;
  readonly space: SearchSpace;
  /** W&B `value:` parameters: passed to every trial, never searched. */
  readonly constants: Readonly<Record<string, ParamValue>>;
  readonly direction: Direction;
  readonly metric: string;
  /**
   * Multi-objective studies (`metric:` is a list of two or more): every objective in order; `metric`
   * and `direction` are the first one's. Absent for one objective.
   */
  readonly objectives?: readonly Objective[];
  /** W&B `metric.target`: no new trials once a completed trial reaches it. */
  readonly target?: number;
  readonly sampler: string;
  readonly seed?: number;
  readonly pruner: PrunerConfig;
  readonly launch: LaunchSpec;
  readonly executor: ExecutorConfig;
  readonly limits: StudyLimits;
  readonly metricRegex?: string;
  readonly gpus: readonly string[];
  /**
   * `retry_failed`: queue again the params of trials that failed because their run died (a killed
   * CLI, a crashed editor, a worker that stopped responding). Unset: queued again (an interruption is
   * not the trial's fault); `false`: marked failed and counted.
   */
  readonly retryFailed?: boolean;
}

/** A position in the study file, 1-based. */
export interface SourcePosition {
  readonly line: number;
  readonly col: number;
}

export interface StudyFileIssue extends SourcePosition {
  readonly file: string;
  readonly message: string;
}

/** Formats an issue the way compilers do, so editors and terminals can jump to it. */
export function formatIssue(issue: StudyFileIssue): string {
  return `${issue.file}:${issue.line}:${issue.col}: ${issue.message}`;
}

export interface TrialSummary {
  readonly number: number;
  readonly state: TrialState;
  readonly value?: number;
  /** Multi-objective studies: every objective's value, in the study's order. */
  readonly values?: readonly number[];
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly error?: string;
}

export interface StudySummary {
  readonly study: string;
  /** finished: budget or target reached; paused: flapping guard; interrupted: aborted (resumable). */
  readonly status: 'finished' | 'paused' | 'interrupted';
  readonly completed: number;
  readonly pruned: number;
  readonly failed: number;
  /** One objective: the best complete trial. */
  readonly best?: { readonly number: number; readonly value: number; readonly params: Readonly<Record<string, ParamValue>> };
  /** Several objectives: the complete trials no other complete trial dominates (the Pareto set), by number. */
  readonly pareto?: readonly ParetoTrial[];
  readonly trials: readonly TrialSummary[];
}

/** A trial of the Pareto set: its number, its objective values (in the study's order) and its params. */
export interface ParetoTrial {
  readonly number: number;
  readonly values: readonly number[];
  readonly params: Readonly<Record<string, ParamValue>>;
}

/** Everything the worker/UI needs to follow a running study. */
export type StudyEvent =
  | { readonly type: 'trial-started'; readonly study: string; readonly number: number; readonly params: Readonly<Record<string, ParamValue>>; readonly retryOf?: number }
  | { readonly type: 'metric'; readonly study: string; readonly number: number; readonly name: string; readonly step: number; readonly value: number }
  | {
      readonly type: 'trial-finished';
      readonly study: string;
      readonly number: number;
      readonly state: TrialState;
      readonly value?: number;
      readonly values?: readonly number[];
      readonly error?: string;
      readonly durationMs: number;
    }
  | { readonly type: 'study-paused'; readonly study: string; readonly reason: string; readonly stderr: string }
  | { readonly type: 'study-finished'; readonly study: string; readonly summary: StudySummary }
  | { readonly type: 'warning'; readonly study: string; readonly message: string };
