/**
 * The records of a study journal and how they replay into a study. Pure: no I/O.
 *
 * Several processes (workers) may write one journal. Each joins with a `worker` record and gets the
 * next worker number `w` — its epoch. Every record it writes afterwards carries `w`, so a replay
 * knows who wrote what. A worker that stops responding (no heartbeat within the grace period, or a
 * dead pid on this host) is *fenced* by another worker: a `fence` record, then that worker's running
 * trials are finished (and queued again). Anything a fenced worker writes after its fence — it was
 * suspended and woke up — does not fit the history and is skipped, as is any record that does not fit
 * (a trial finished twice, a trial number out of sequence): the first valid record wins, the rest are
 * reported as issues, and the study stays readable.
 *
 * Journals written before workers existed (version 1) have no `w`; their records replay as before.
 */
import type { Direction, FrozenTrial, ParamValue, SearchSpace, TrialState } from '../search/types';

export const JOURNAL_VERSION = 2;

export interface StudyCreatedRecord {
  readonly op: 'study';
  readonly v: number;
  readonly name: string;
  readonly space: SearchSpace;
  readonly direction: Direction;
  readonly metric: string;
  /** Multi-objective studies: every objective (metric and direction are the first one's). */
  readonly objectives?: readonly { readonly name: string; readonly direction: Direction }[];
  readonly sampler: string;
  readonly seed: number;
  /** The study file: relative to the workspace folder that holds `.hpstudio` (absolute in version 1 journals). */
  readonly studyFile: string;
  readonly time: number;
}
/** A worker joined the study; `w` is its number (1, 2, …), the epoch every record it writes carries. */
export interface WorkerJoinedRecord {
  readonly op: 'worker';
  readonly w: number;
  readonly pid: number;
  readonly host: string;
  readonly time: number;
}
/** A worker ended its part cleanly (finished, interrupted, paused). */
export interface WorkerLeftRecord {
  readonly op: 'leave';
  readonly w: number;
  readonly reason?: string;
  readonly time: number;
}
/** Worker `w` was declared gone by worker `by`; nothing `w` writes afterwards counts. */
export interface FenceRecord {
  readonly op: 'fence';
  /** The worker fenced. */
  readonly w: number;
  readonly by: number;
  readonly reason: string;
  readonly time: number;
}
export interface TrialCreatedRecord {
  readonly op: 'trial';
  readonly number: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** `waiting` for re-queued params that a later run picks up (then a `start` record follows). */
  readonly state: 'running' | 'waiting';
  readonly w?: number;
  readonly pid?: number;
  readonly host?: string;
  readonly time: number;
  readonly retryOf?: number;
}
export interface TrialStartedRecord {
  readonly op: 'start';
  readonly number: number;
  readonly w?: number;
  readonly pid: number;
  readonly host: string;
  readonly time: number;
}
/**
 * Where the trial runs, so a later run can stop what a dead run left behind: its process group (on
 * `host`) for a local trial, its Slurm job (`12_3`: array job 12, task 3; written again when the job is
 * submitted anew) for a Slurm trial. At least one of the two; journals before Slurm ids have `pgid` only.
 */
export interface TrialSpawnedRecord {
  readonly op: 'spawn';
  readonly number: number;
  readonly w?: number;
  readonly pgid?: number;
  readonly slurmJob?: string;
  readonly host: string;
  readonly time: number;
}
export interface IntermediateValueRecord {
  readonly op: 'value';
  readonly number: number;
  readonly w?: number;
  readonly step: number;
  readonly value: number;
}
export interface HeartbeatRecord {
  readonly op: 'heartbeat';
  readonly w?: number;
  readonly pid: number;
  readonly host: string;
  readonly time: number;
}
export interface TrialFinishedRecord {
  readonly op: 'finish';
  readonly number: number;
  readonly w?: number;
  readonly state: 'complete' | 'pruned' | 'fail';
  readonly value?: number;
  /** Multi-objective studies: every objective's value of a complete trial (value is the first). */
  readonly values?: readonly number[];
  readonly error?: string;
  /** Stopped by Ctrl-C / abort rather than by its own doing. */
  readonly interrupted?: boolean;
  /** Its params were queued again as a new trial, so it does not count against the budget. */
  readonly requeued?: boolean;
  readonly time: number;
}
export type StudyStatus = 'running' | 'paused' | 'stopped' | 'finished';
export interface StudyStateRecord {
  readonly op: 'state';
  readonly state: StudyStatus;
  readonly reason?: string;
  /** Total trials the study aims at, recorded when a run starts (so a reload knows it). */
  readonly budget?: number;
  /** The budget was given for the run (`--trials`), not read from the study file: a resume keeps it. */
  readonly explicit?: boolean;
  readonly w?: number;
  readonly time: number;
}

export type JournalRecord =
  | StudyCreatedRecord
  | WorkerJoinedRecord
  | WorkerLeftRecord
  | FenceRecord
  | TrialCreatedRecord
  | TrialStartedRecord
  | TrialSpawnedRecord
  | IntermediateValueRecord
  | HeartbeatRecord
  | TrialFinishedRecord
  | StudyStateRecord;

/** A trial as the journal knows it (mutable while replaying; hand out `toFrozenTrial` copies). */
export interface JournalTrial {
  readonly number: number;
  state: TrialState;
  readonly params: Readonly<Record<string, ParamValue>>;
  value?: number;
  /** Multi-objective studies: every objective's value of a complete trial. */
  values?: readonly number[];
  error?: string;
  readonly intermediate: Map<number, number>;
  /** The worker that claimed it (undefined in version 1 journals). */
  w?: number;
  pid?: number;
  host?: string;
  pgid?: number;
  /** Its Slurm job (`12_3`, or `12` for a plain job) when a Slurm executor ran it. */
  slurmJob?: string;
  startTime?: number;
  endTime?: number;
  readonly retryOf?: number;
  interrupted?: boolean;
  requeued?: boolean;
}

export interface JournalMember {
  readonly w: number;
  readonly pid: number;
  readonly host: string;
  readonly joined: number;
  /** Time of its latest record that carried one (join, heartbeat, trial…). */
  lastSeen: number;
  left?: boolean;
  fenced?: { readonly by: number; readonly reason: string };
}

export interface ReplayedStudy {
  readonly header: StudyCreatedRecord;
  readonly trials: JournalTrial[];
  status: { state: StudyStatus; reason?: string };
  /** The latest budget a run recorded. */
  budget?: number;
  /** That budget was given explicitly (`--trials`) rather than read from the study file. */
  budgetExplicit?: boolean;
  /** Workers by number. */
  readonly members: Map<number, JournalMember>;
  /** Last heartbeat (or trial start) seen per owner `pid@host`, ms since the epoch (version 1 owners). */
  readonly lastSeen: Map<string, number>;
}

export function ownerKey(pid: number, host: string): string {
  return `${pid}@${host}`;
}

export function toFrozenTrial(t: JournalTrial): FrozenTrial {
  return { number: t.number, state: t.state, params: t.params, value: t.value, ...(t.values ? { values: t.values } : {}), intermediate: new Map(t.intermediate) };
}

export function newStudy(header: StudyCreatedRecord): ReplayedStudy {
  return { header, trials: [], status: { state: 'running' }, members: new Map(), lastSeen: new Map() };
}

// ---------------------------------------------------------------------------------------------
// Validation: every field is checked so a half-valid record is corruption, not a crash later on.

type Json = Record<string, unknown>;

function isParamValue(v: unknown): v is ParamValue {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}
function need(cond: boolean, what: string): void {
  if (!cond) throw new Error(what);
}
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isStr = (v: unknown): v is string => typeof v === 'string';
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);
/** A Slurm job id as scancel takes it: `12`, or `12_3` for task 3 of array job 12. */
export const isSlurmJob = (v: unknown): v is string => typeof v === 'string' && /^\d{1,20}(_\d{1,10})?$/.test(v);
const isObjectiveList = (v: unknown) =>
  Array.isArray(v) && v.length > 1 && v.every(o => typeof o === 'object' && o !== null && isStr((o as Json).name) && ((o as Json).direction === 'minimize' || (o as Json).direction === 'maximize'));
const STATES = new Set(['running', 'paused', 'stopped', 'finished']);

/** Checks a record's shape (not whether it fits the history); throws with what is wrong. */
export function validateRecord(r: Json): JournalRecord {
  need(optional(r.w, isInt), 'bad worker number');
  switch (r.op) {
    case 'study':
      need(isInt(r.v) && isStr(r.name) && isStr(r.metric) && isStr(r.sampler) && isNum(r.seed) && isStr(r.studyFile) && isNum(r.time), 'bad study header fields');
      need(r.direction === 'minimize' || r.direction === 'maximize', 'bad direction');
      need(typeof r.space === 'object' && r.space !== null && Array.isArray((r.space as Json).params), 'bad space');
      need(optional(r.objectives, isObjectiveList), 'bad objectives');
      break;
    case 'worker':
      need(isInt(r.w) && isInt(r.pid) && isStr(r.host) && isNum(r.time), 'bad worker record');
      break;
    case 'leave':
      need(isInt(r.w) && isNum(r.time) && optional(r.reason, isStr), 'bad leave record');
      break;
    case 'fence':
      need(isInt(r.w) && isInt(r.by) && isStr(r.reason) && isNum(r.time), 'bad fence record');
      break;
    case 'trial':
      need(isInt(r.number) && isNum(r.time), 'bad trial number or time');
      need(r.state === 'running' || r.state === 'waiting', 'bad trial state');
      need(typeof r.params === 'object' && r.params !== null && !Array.isArray(r.params) && Object.values(r.params).every(isParamValue), 'bad params');
      need(optional(r.pid, isInt) && optional(r.host, isStr) && optional(r.retryOf, isInt), 'bad owner');
      break;
    case 'start':
      need(isInt(r.number) && isInt(r.pid) && isStr(r.host) && isNum(r.time), 'bad start record');
      break;
    case 'spawn':
      need(isInt(r.number) && isStr(r.host) && isNum(r.time), 'bad spawn record');
      need(optional(r.pgid, isInt) && optional(r.slurmJob, isSlurmJob) && (r.pgid !== undefined || r.slurmJob !== undefined), 'bad process group or Slurm job');
      break;
    case 'value':
      need(isInt(r.number) && isNum(r.step) && isNum(r.value), 'bad intermediate value');
      break;
    case 'heartbeat':
      need(isInt(r.pid) && isStr(r.host) && isNum(r.time), 'bad heartbeat');
      break;
    case 'finish':
      need(isInt(r.number) && isNum(r.time), 'bad finish record');
      need(r.state === 'complete' || r.state === 'pruned' || r.state === 'fail', 'bad final state');
      need(optional(r.value, isNum) && optional(r.error, isStr), 'bad value or error');
      need(optional(r.values, v => Array.isArray(v) && v.length > 0 && v.every(isNum)), 'bad values');
      break;
    case 'state':
      need(STATES.has(r.state as string), 'bad study state');
      need(optional(r.reason, isStr) && optional(r.budget, isInt) && optional(r.explicit, v => typeof v === 'boolean') && isNum(r.time), 'bad reason, budget or time');
      break;
    default:
      throw new Error(`unknown op ${JSON.stringify(r.op)}`);
  }
  return r as unknown as JournalRecord;
}

// ---------------------------------------------------------------------------------------------
// Replay: applies one record, or throws (before changing anything) when it does not fit.

/** The writer of a record must be a member that has neither left nor been fenced. */
function writer(study: ReplayedStudy, w: number | undefined, time: number | undefined): JournalMember | undefined {
  if (w === undefined) return undefined;
  const m = study.members.get(w);
  if (!m) throw new Error(`written by worker ${w}, which never joined`);
  if (m.fenced) throw new Error(`written by worker ${w} after it was fenced by worker ${m.fenced.by} (${m.fenced.reason})`);
  if (m.left) throw new Error(`written by worker ${w} after it left`);
  if (time !== undefined && time > m.lastSeen) m.lastSeen = time;
  return m;
}

function trialOf(study: ReplayedStudy, n: number): JournalTrial {
  const t = study.trials[n];
  if (!t) throw new Error(`trial ${n} does not exist`);
  return t;
}

/** Records about a running trial come from the worker that claimed it. */
function claimedBy(t: JournalTrial, w: number | undefined, what: string): void {
  if (w !== undefined && t.w !== undefined && t.w !== w) throw new Error(`${what} of trial ${t.number} by worker ${w}, but worker ${t.w} runs it`);
}

function applyMembership(study: ReplayedStudy, rec: WorkerJoinedRecord | WorkerLeftRecord | FenceRecord): void {
  if (rec.op === 'worker') {
    const expected = study.members.size + 1;
    if (rec.w !== expected) throw new Error(`worker number ${rec.w} out of sequence (expected ${expected})`);
    study.members.set(rec.w, { w: rec.w, pid: rec.pid, host: rec.host, joined: rec.time, lastSeen: rec.time });
    return;
  }
  if (rec.op === 'leave') {
    writer(study, rec.w, rec.time)!.left = true;
    return;
  }
  writer(study, rec.by, rec.time);
  const target = study.members.get(rec.w);
  if (!target) throw new Error(`fence of worker ${rec.w}, which never joined`);
  if (target.fenced) throw new Error(`worker ${rec.w} fenced twice`);
  target.fenced = { by: rec.by, reason: rec.reason };
}

function applyTrialRecord(study: ReplayedStudy, rec: TrialCreatedRecord | TrialStartedRecord | TrialSpawnedRecord | IntermediateValueRecord | TrialFinishedRecord): void {
  switch (rec.op) {
    case 'trial':
      if (rec.number !== study.trials.length) throw new Error(`trial number ${rec.number} out of sequence (expected ${study.trials.length})`);
      writer(study, rec.w, rec.time);
      study.trials.push({
        number: rec.number,
        state: rec.state,
        params: rec.params,
        intermediate: new Map(),
        w: rec.w,
        pid: rec.pid,
        host: rec.host,
        startTime: rec.state === 'running' ? rec.time : undefined,
        retryOf: rec.retryOf,
      });
      if (rec.pid !== undefined && rec.host !== undefined) study.lastSeen.set(ownerKey(rec.pid, rec.host), rec.time);
      return;
    case 'start': {
      const t = trialOf(study, rec.number);
      if (t.state !== 'waiting') throw new Error(`trial ${rec.number} started twice`);
      writer(study, rec.w, rec.time);
      t.state = 'running';
      t.w = rec.w;
      t.pid = rec.pid;
      t.host = rec.host;
      t.startTime = rec.time;
      study.lastSeen.set(ownerKey(rec.pid, rec.host), rec.time);
      return;
    }
    case 'spawn': {
      const t = trialOf(study, rec.number);
      if (t.state !== 'running') throw new Error(`process of trial ${rec.number}, which is not running`);
      claimedBy(t, rec.w, 'process');
      writer(study, rec.w, rec.time);
      if (rec.pgid !== undefined) t.pgid = rec.pgid;
      if (rec.slurmJob !== undefined) t.slurmJob = rec.slurmJob;
      t.host = rec.host;
      return;
    }
    case 'value': {
      const t = trialOf(study, rec.number);
      if (t.state !== 'running') throw new Error(`value of trial ${rec.number}, which is not running`);
      claimedBy(t, rec.w, 'value');
      writer(study, rec.w, undefined);
      t.intermediate.set(rec.step, rec.value);
      return;
    }
    case 'finish': {
      const t = trialOf(study, rec.number);
      if (t.state !== 'running' && t.state !== 'waiting') throw new Error(`trial ${rec.number} finished twice`);
      // Another worker may finish a trial only after fencing its claimant (recovery).
      const claimant = t.w !== undefined ? study.members.get(t.w) : undefined;
      if (!claimant?.fenced && !claimant?.left) claimedBy(t, rec.w, 'end');
      writer(study, rec.w, rec.time);
      t.state = rec.state;
      t.value = rec.value;
      if (rec.values) t.values = rec.values;
      t.error = rec.error;
      t.endTime = rec.time;
      t.interrupted = rec.interrupted;
      t.requeued = rec.requeued;
      return;
    }
  }
}

/** Applies one record to the replayed study; throws (plain Error, nothing changed) when it does not fit the history. */
export function applyRecord(study: ReplayedStudy, rec: JournalRecord): void {
  switch (rec.op) {
    case 'study':
      throw new Error('a second study header');
    case 'worker':
    case 'leave':
    case 'fence':
      return applyMembership(study, rec);
    case 'heartbeat':
      writer(study, rec.w, rec.time);
      study.lastSeen.set(ownerKey(rec.pid, rec.host), rec.time);
      return;
    case 'state':
      writer(study, rec.w, rec.time);
      study.status = { state: rec.state, reason: rec.reason };
      if (rec.budget !== undefined) {
        study.budget = rec.budget;
        study.budgetExplicit = rec.explicit === true;
      }
      return;
    default:
      return applyTrialRecord(study, rec);
  }
}

/** The trial number a record is about, if any. */
export function recordTrial(rec: JournalRecord): number | undefined {
  return 'number' in rec ? rec.number : undefined;
}
