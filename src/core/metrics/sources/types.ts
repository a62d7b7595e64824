/**
 * What every run reader delivers: runs (a TensorBoard run directory, an Optuna trial, an MLflow run…)
 * and their points, read incrementally — call `poll()` on a timer and apply what it returns.
 */
import type { ParamValue } from '../../search/types';
import type { MetricPoint } from '../types';

export type RunFormat = 'tensorboard' | 'lightning-csv' | 'trainer-state' | 'optuna-journal' | 'optuna-rdb' | 'mlflow';

/** A run's state, in Optuna's words (MLflow's and others' are mapped onto them). */
export type RunState = 'running' | 'complete' | 'pruned' | 'fail' | 'waiting';
export type RunDirection = 'not_set' | 'minimize' | 'maximize';

export interface RunInfo {
  /**
   * Unique within the source: the run's directory relative to the opened one (`.` for itself),
   * `<study>/<trial number>` for Optuna, `<experiment id>/<run id>` for MLflow.
   */
  readonly id: string;
  /** For legends: `version_0`, `lr-sweep #3`, an MLflow run name. */
  readonly label: string;
  readonly format: RunFormat;
  /** The directory or file the run's data comes from. */
  readonly path: string;
  /** Optuna: the study; MLflow: the experiment. */
  readonly study?: string;
  readonly trialNumber?: number;
  /** Known for Optuna trials and MLflow runs; a TensorBoard directory does not say. */
  readonly state?: RunState;
  readonly params?: Readonly<Record<string, ParamValue>>;
  /** Objective value(s) of a finished trial; one per study direction. */
  readonly values?: readonly number[];
  readonly directions?: readonly RunDirection[];
}

export type RunPoint = MetricPoint & { readonly run: string };

export interface RunUpdate {
  /**
   * Forget what the source delivered before; this update is a fresh start with every run and point.
   * Sent when a journal was truncated or replaced, and when runs disappear (a deleted Optuna study,
   * a deleted MLflow run or experiment).
   */
  readonly reset: boolean;
  /** Runs that are new or changed (state, params, values) since the previous poll. */
  readonly runs: RunInfo[];
  readonly points: RunPoint[];
  /** Skipped input, for a status line: corrupt records, malformed lines. */
  readonly warnings: string[];
  /** The source saw changes it has not read yet (a write in progress, reads spaced out): poll again. */
  readonly pending?: boolean;
}

export interface RunSource {
  readonly path: string;
  readonly format: RunFormat;
  poll(): Promise<RunUpdate>;
  /** Releases what the source holds (an open database); optional. */
  close?(): void;
}

/** Metric names of Optuna trial curves. */
export const INTERMEDIATE_METRIC = 'intermediate_value';
export const FINAL_METRIC = 'value';

/** The objective value points of an Optuna trial, placed after its last intermediate step so they continue the curve. */
export function finalValuePoints(run: string, values: readonly number[], lastStep: number, source: string): RunPoint[] {
  const wallTime = Date.now() / 1000;
  return values.map((value, i) => ({ run, name: values.length > 1 ? `${FINAL_METRIC}_${i}` : FINAL_METRIC, step: lastStep, value, wallTime, source }));
}

/**
 * Study names may repeat in one storage once the earlier study was deleted: the runs of the later one
 * get `name (2)`, `name (3)`… so their ids never meet those of the deleted one.
 */
export function studyKey(name: string, earlierWithSameName: number): string {
  return earlierWithSameName === 0 ? name : `${name} (${earlierWithSameName + 1})`;
}

/** An Optuna trial as a run: `<study>/<number>`, labelled `<study> #<number>`; one definition for both storages. */
export function optunaTrialRun(
  format: 'optuna-journal' | 'optuna-rdb',
  file: string,
  study: { readonly name: string; readonly directions?: readonly RunDirection[] },
  trial: { readonly number: number; readonly state: RunState; readonly params: Readonly<Record<string, ParamValue>>; readonly values?: readonly number[] },
): RunInfo {
  return {
    id: `${study.name}/${trial.number}`,
    label: `${study.name} #${trial.number}`,
    format,
    path: file,
    study: study.name,
    trialNumber: trial.number,
    state: trial.state,
    params: { ...trial.params },
    values: trial.values ? [...trial.values] : undefined,
    directions: study.directions,
  };
}
