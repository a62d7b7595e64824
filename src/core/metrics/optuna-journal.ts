/**
 * Replays an Optuna JournalStorage file (Optuna ≥ 3.1: one JSON object per line, each with an
 * `op_code`) into studies and trials, following Optuna's own replay rules so ids and numbers match:
 * study ids count CREATE_STUDY ops (a duplicate name is ignored), trial ids count CREATE_TRIAL ops of
 * existing studies across all studies, a trial's number counts within its study, and updates to a
 * finished trial are ignored.
 */
import type { ParamValue } from '../search/types';

/** `optuna.storages._journal.storage.JournalOperation`. */
export const JournalOp = {
  CREATE_STUDY: 0,
  DELETE_STUDY: 1,
  SET_STUDY_USER_ATTR: 2,
  SET_STUDY_SYSTEM_ATTR: 3,
  CREATE_TRIAL: 4,
  SET_TRIAL_PARAM: 5,
  SET_TRIAL_STATE_VALUES: 6,
  SET_TRIAL_INTERMEDIATE_VALUE: 7,
  SET_TRIAL_USER_ATTR: 8,
  SET_TRIAL_SYSTEM_ATTR: 9,
} as const;

export type JournalTrialState = 'running' | 'complete' | 'pruned' | 'fail' | 'waiting';
/** `optuna.trial.TrialState` values, by index. */
const TRIAL_STATES: readonly JournalTrialState[] = ['running', 'complete', 'pruned', 'fail', 'waiting'];
/** `optuna.study.StudyDirection` values, by index. */
const DIRECTIONS = ['not_set', 'minimize', 'maximize'] as const;
export type JournalDirection = (typeof DIRECTIONS)[number];

export interface JournalStudy {
  readonly studyId: number;
  readonly name: string;
  readonly directions: readonly JournalDirection[];
  deleted: boolean;
  readonly trialIds: number[];
}

export interface JournalTrial {
  readonly trialId: number;
  readonly studyId: number;
  readonly number: number;
  state: JournalTrialState;
  params: Record<string, ParamValue>;
  values?: number[];
  readonly intermediate: Map<number, number>;
  datetimeStart?: string;
  datetimeComplete?: string;
}

/** What one applied operation changed, so a reader can emit only news. */
export type JournalEffect =
  | { readonly kind: 'study'; readonly studyId: number }
  | { readonly kind: 'trial'; readonly trialId: number }
  | { readonly kind: 'intermediate'; readonly trialId: number; readonly step: number; readonly value: number }
  | { readonly kind: 'finished'; readonly trialId: number };

export class JournalError extends Error {}

type Log = Record<string, unknown>;

function isFinished(state: JournalTrialState): boolean {
  return state === 'complete' || state === 'pruned' || state === 'fail';
}

function int(log: Log, key: string): number {
  const v = log[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new JournalError(`"${key}" must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

function stateOf(v: unknown): JournalTrialState {
  const s = typeof v === 'number' ? TRIAL_STATES[v] : undefined;
  if (!s) throw new JournalError(`unknown trial state ${JSON.stringify(v)}`);
  return s;
}

function numbers(v: unknown): number[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new JournalError(`"values" must be a list of numbers`);
  return v as number[];
}

type Distribution = { name?: unknown; attributes?: { choices?: unknown } };
/** Parsed distributions by their JSON text: a study repeats a handful of them across thousands of trials. */
const distributions = new Map<string, Distribution>();
const MAX_CACHED_DISTRIBUTIONS = 1000;

function parseDistribution(distributionJson: unknown): Distribution {
  const text = typeof distributionJson === 'string' ? distributionJson : JSON.stringify(distributionJson);
  let d = distributions.get(text);
  if (d) return d;
  try {
    d = JSON.parse(text) as Distribution;
  } catch {
    throw new JournalError(`unreadable distribution ${String(text).slice(0, 80)}`);
  }
  if (distributions.size >= MAX_CACHED_DISTRIBUTIONS) distributions.clear();
  distributions.set(text, d);
  return d;
}

/**
 * A parameter's external value from its internal one and its distribution as Optuna serialises it
 * (`distribution_to_json`): journal and RDB storages both store parameters that way.
 */
export function toExternal(distributionJson: unknown, internal: unknown): ParamValue {
  const d = parseDistribution(distributionJson);
  if (typeof internal !== 'number') throw new JournalError(`parameter value must be a number, got ${JSON.stringify(internal)}`);
  const name = String(d.name);
  if (name === 'CategoricalDistribution') {
    const choices = d.attributes?.choices;
    if (!Array.isArray(choices) || !Number.isInteger(internal) || internal < 0 || internal >= choices.length) {
      throw new JournalError(`categorical index ${internal} out of range`);
    }
    return choices[internal] as ParamValue;
  }
  if (/^Int/.test(name)) return Math.round(internal);
  return internal;
}

export class JournalReplay {
  readonly studies = new Map<number, JournalStudy>();
  readonly trials = new Map<number, JournalTrial>();
  private nextStudyId = 0;

  /** Applies one log entry; throws JournalError for an entry Optuna itself could not have written. */
  apply(entry: unknown): JournalEffect[] {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new JournalError('entry is not a JSON object');
    const log = entry as Log;
    const op = log.op_code;
    switch (op) {
      case JournalOp.CREATE_STUDY:
        return this.createStudy(log);
      case JournalOp.DELETE_STUDY: {
        const study = this.studies.get(int(log, 'study_id'));
        if (!study || study.deleted) return [];
        study.deleted = true;
        return [{ kind: 'study', studyId: study.studyId }];
      }
      case JournalOp.SET_STUDY_USER_ATTR:
      case JournalOp.SET_STUDY_SYSTEM_ATTR:
      case JournalOp.SET_TRIAL_USER_ATTR:
      case JournalOp.SET_TRIAL_SYSTEM_ATTR:
        return [];
      case JournalOp.CREATE_TRIAL:
        return this.createTrial(log);
      case JournalOp.SET_TRIAL_PARAM: {
        const trial = this.updatable(log);
        if (!trial) return [];
        if (typeof log.param_name !== 'string') throw new JournalError('"param_name" must be a string');
        trial.params = { ...trial.params, [log.param_name]: toExternal(log.distribution, log.param_value_internal) };
        return [{ kind: 'trial', trialId: trial.trialId }];
      }
      case JournalOp.SET_TRIAL_STATE_VALUES: {
        const trial = this.updatable(log);
        if (!trial) return [];
        const state = stateOf(log.state);
        if (state === 'running' && trial.state === 'running') return [];
        trial.state = state;
        if (state === 'running' && typeof log.datetime_start === 'string') trial.datetimeStart = log.datetime_start;
        if (isFinished(state) && typeof log.datetime_complete === 'string') trial.datetimeComplete = log.datetime_complete;
        const values = numbers(log.values);
        if (values) trial.values = values;
        const effects: JournalEffect[] = [{ kind: 'trial', trialId: trial.trialId }];
        if (isFinished(state)) effects.push({ kind: 'finished', trialId: trial.trialId });
        return effects;
      }
      case JournalOp.SET_TRIAL_INTERMEDIATE_VALUE: {
        const trial = this.updatable(log);
        if (!trial) return [];
        const step = int(log, 'step');
        const value = log.intermediate_value;
        if (typeof value !== 'number') throw new JournalError(`"intermediate_value" must be a number, got ${JSON.stringify(value)}`);
        trial.intermediate.set(step, value);
        return [{ kind: 'intermediate', trialId: trial.trialId, step, value }];
      }
      default:
        throw new JournalError(`unknown op_code ${JSON.stringify(op)}`);
    }
  }

  private createStudy(log: Log): JournalEffect[] {
    const name = log.study_name;
    if (typeof name !== 'string') throw new JournalError('"study_name" must be a string');
    const raw = log.directions;
    if (!Array.isArray(raw) || raw.length === 0) throw new JournalError('"directions" must be a non-empty list');
    const directions = raw.map((d) => {
      const dir = typeof d === 'number' ? DIRECTIONS[d] : undefined;
      if (!dir) throw new JournalError(`unknown study direction ${JSON.stringify(d)}`);
      return dir;
    });
    // Optuna ignores a second study with a live study's name (another worker lost the race).
    for (const s of this.studies.values()) if (!s.deleted && s.name === name) return [];
    const studyId = this.nextStudyId++;
    this.studies.set(studyId, { studyId, name, directions, deleted: false, trialIds: [] });
    return [{ kind: 'study', studyId }];
  }

  private createTrial(log: Log): JournalEffect[] {
    const study = this.studies.get(int(log, 'study_id'));
    if (!study || study.deleted) return [];
    const trialId = this.trials.size;
    const distributions = (log.distributions ?? {}) as Record<string, unknown>;
    const params: Record<string, ParamValue> = {};
    for (const [k, v] of Object.entries((log.params ?? {}) as Record<string, unknown>)) params[k] = toExternal(distributions[k], v);
    const intermediate = new Map<number, number>();
    for (const [k, v] of Object.entries((log.intermediate_values ?? {}) as Record<string, unknown>)) {
      if (typeof v === 'number') intermediate.set(Number(k), v);
    }
    const state = log.state === undefined ? 'running' : stateOf(log.state);
    const values = numbers(log.values) ?? (typeof log.value === 'number' ? [log.value] : undefined);
    const trial: JournalTrial = {
      trialId,
      studyId: study.studyId,
      number: study.trialIds.length,
      state,
      params,
      values,
      intermediate,
      datetimeStart: typeof log.datetime_start === 'string' ? log.datetime_start : undefined,
      datetimeComplete: typeof log.datetime_complete === 'string' ? log.datetime_complete : undefined,
    };
    this.trials.set(trialId, trial);
    study.trialIds.push(trialId);
    const effects: JournalEffect[] = [{ kind: 'trial', trialId }];
    for (const [step, value] of intermediate) effects.push({ kind: 'intermediate', trialId, step, value });
    if (isFinished(state)) effects.push({ kind: 'finished', trialId });
    return effects;
  }

  private updatable(log: Log): JournalTrial | undefined {
    const trial = this.trials.get(int(log, 'trial_id'));
    return trial && !isFinished(trial.state) ? trial : undefined;
  }
}
