import type { ParamValue } from '../search/types';
import type { MetricPoint } from '../metrics/types';
import type { JsonValue } from './python';

/**
 * How one sampled parameter reaches the program in a W&B sweep, beyond its name and value: `path`
 * when it is nested (`optimizer: {parameters: {lr}}` is searched as `optimizer.lr` and passed as
 * `--optimizer={'lr': …}`), `values` when a choice is a list or mapping (the engine carries such a
 * choice as a token string; the program gets the decoded value).
 */
export interface ParamLayout {
  readonly path?: readonly string[];
  readonly values?: Readonly<Record<string, JsonValue>>;
}

/** How to start one trial of a study; built from the study file. */
export interface LaunchSpec {
  /**
   * argv template (W&B macros): `${env}`, `${interpreter}`, `${program}`, `${args}`, `${args_no_equals}`,
   * `${args_no_hyphens}`, `${args_no_boolean_flags}`, `${args_json}`, `${args_json_file}`. Default
   * `['${env}', '${interpreter}', '${program}', '${args}']`.
   */
  readonly command?: readonly string[];
  readonly program?: string;
  /** Interpreter for `${interpreter}`; resolved to an absolute path before spawning. */
  readonly interpreter?: string;
  /**
   * `wandb`: exactly what `wandb agent` passes (see wandb.ts; what a study file gets unless it says
   * otherwise). The others are this project's own formats (`flags` when unset): `--name=value` with
   * JSON spellings, Hydra overrides or an override file, appended when `command` has no args macro.
   */
  readonly argStyle?: 'wandb' | 'flags' | 'hydra' | 'override-file';
  /** Nested parameters and list/mapping choices of a W&B sweep (argStyle `wandb`), by parameter name. */
  readonly paramLayout?: Readonly<Record<string, ParamLayout>>;
  /** With argStyle 'override-file': write `override.yaml` (default) or `override.json` into the trial dir. */
  readonly overrideFormat?: 'yaml' | 'json';
  /** Working directory (the study file's folder by default). */
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface TrialLaunch {
  readonly study: string;
  readonly trialNumber: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Created by the executor if missing; stdout.log / stderr.log and metric files live here. */
  readonly trialDir: string;
  readonly spec: LaunchSpec;
  /** Hard limit; the trial is stopped (SIGTERM, then SIGKILL) when it passes. */
  readonly timeoutMs?: number;
  /** Value for CUDA_VISIBLE_DEVICES, when the study hands out GPUs. */
  readonly gpu?: string;
  /** Regex for metric lines, passed to the metric collector. */
  readonly metricRegex?: string;
}

export type StopReason = 'cancel' | 'prune' | 'timeout';

export interface TrialOutcome {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Why the executor stopped it, when it did. */
  readonly stopReason?: StopReason;
  /** Set when the trial could not start (missing program, bad interpreter…): a message for the user. */
  readonly error?: string;
  readonly durationMs: number;
  /** Last lines of stderr, for the flapping guard and error messages. */
  readonly stderrTail: string;
}

export interface TrialHandle {
  readonly trialNumber: number;
  /** Subscribes to metrics as they arrive (stdout lines, tfevents, csv…). */
  onMetric(listener: (point: MetricPoint) => void): void;
  /**
   * Subscribes to notes about the trial's output as they arise — a line cut at the length limit,
   * a log that reached its size cap — for the study's warnings (Trials channel, CLI).
   */
  onNote?(listener: (message: string) => void): void;
  /** Resolves when the trial has ended and every process of it is gone. */
  readonly done: Promise<TrialOutcome>;
  /**
   * SIGTERM to the whole process group (or scancel), SIGKILL after the grace period; resolves when gone.
   * `force`: SIGKILL now, without the grace period (a second Ctrl-C) — also for a trial already stopping.
   */
  stop(reason: StopReason, options?: { readonly force?: boolean }): Promise<void>;
  /**
   * Subscribes to where the trial runs once it is there — its process group (local trials), its Slurm job
   * (`12_3`, again when it is submitted anew) — so the journal can record it and a later run stop it.
   */
  onSpawn?(listener: (info: SpawnInfo) => void): void;
}

/** A running trial's handle for whoever must stop it after its run died: a process group or a Slurm job. */
export type SpawnInfo = { readonly pgid: number; readonly slurmJob?: undefined } | { readonly slurmJob: string; readonly pgid?: undefined };

/** Where trials run: the local machine (process groups) or a Slurm cluster (sbatch/scancel). */
export interface TrialExecutor {
  readonly name: string;
  launch(trial: TrialLaunch): TrialHandle;
  /** Stops every trial still running and waits until they are gone. */
  dispose(): Promise<void>;
  /**
   * Trials may wait in a scheduler's queue first (Slurm): the executor starts each trial's timeout when it
   * starts running, and the study must not count the wait against `trial_timeout`.
   */
  readonly queued?: boolean;
  /** Things the study should tell the user (a cluster's submit limit holds trials back, a job was preempted). */
  onWarning?(listener: (message: string) => void): void;
  /**
   * Cancels jobs a dead run of `study` left in the scheduler (Slurm: `scancel` of those still queued or
   * running, restricted to the study's job name so a reused id is never hit). Resolves with the ids it
   * cancelled; throws with the scheduler's message when it could not ask.
   */
  cancelLeftJobs?(study: string, jobs: readonly string[]): Promise<string[]>;
}
