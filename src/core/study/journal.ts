/**
 * The crash-safe record of a study: an append-only JSON-lines file, one record per `write` followed
 * by `fsync` (Optuna's journal semantics). Replaying it rebuilds the study. A torn last line is what
 * a crash mid-append leaves, so it is ignored and cut away before the next append; a bad line with
 * records after it is real corruption and is reported with the file and line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Direction, FrozenTrial, ParamValue, SearchSpace, TrialState } from '../search/types';
import { StudyLock, isPidAlive, type LockOptions } from './lock';

export const JOURNAL_FILE = 'journal.jsonl';
export const JOURNAL_VERSION = 1;

/** `<workspace>/.hpstudio/studies/<name>`: where a study's journal, lock and trial folders live. */
export function studyDirectory(workspace: string, study: string): string {
  return path.join(workspace, '.hpstudio', 'studies', study);
}

export interface StudyCreatedRecord {
  readonly op: 'study';
  readonly v: number;
  readonly name: string;
  readonly space: SearchSpace;
  readonly direction: Direction;
  readonly metric: string;
  readonly sampler: string;
  readonly seed: number;
  readonly studyFile: string;
  readonly time: number;
}
export interface TrialCreatedRecord {
  readonly op: 'trial';
  readonly number: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** `waiting` for re-queued params that a later run picks up (then a `start` record follows). */
  readonly state: 'running' | 'waiting';
  readonly pid?: number;
  readonly host?: string;
  readonly time: number;
  readonly retryOf?: number;
}
export interface TrialStartedRecord {
  readonly op: 'start';
  readonly number: number;
  readonly pid: number;
  readonly host: string;
  readonly time: number;
}
export interface IntermediateValueRecord {
  readonly op: 'value';
  readonly number: number;
  readonly step: number;
  readonly value: number;
}
export interface HeartbeatRecord {
  readonly op: 'heartbeat';
  readonly pid: number;
  readonly host: string;
  readonly time: number;
}
export interface TrialFinishedRecord {
  readonly op: 'finish';
  readonly number: number;
  readonly state: 'complete' | 'pruned' | 'fail';
  readonly value?: number;
  readonly error?: string;
  /** Stopped by Ctrl-C / abort rather than by its own doing. */
  readonly interrupted?: boolean;
  /** Its params were queued again as a new trial, so it does not count against the budget. */
  readonly requeued?: boolean;
  readonly time: number;
}
export interface StudyStateRecord {
  readonly op: 'state';
  readonly state: 'running' | 'paused' | 'stopped';
  readonly reason?: string;
  readonly time: number;
}

export type JournalRecord =
  | StudyCreatedRecord
  | TrialCreatedRecord
  | TrialStartedRecord
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
  error?: string;
  readonly intermediate: Map<number, number>;
  pid?: number;
  host?: string;
  startTime?: number;
  endTime?: number;
  readonly retryOf?: number;
  interrupted?: boolean;
  requeued?: boolean;
}

export interface ReplayedStudy {
  readonly header: StudyCreatedRecord;
  readonly trials: JournalTrial[];
  status: { state: 'running' | 'paused' | 'stopped'; reason?: string };
  /** Last heartbeat (or trial start) seen per owner `pid@host`, ms since the epoch. */
  readonly lastSeen: Map<string, number>;
}

export class JournalCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: corrupt study journal record (${detail}); the lines after it cannot be trusted — move the file away or fix that line`);
  }
}

export class StudyExistsError extends Error {
  constructor(
    readonly study: string,
    readonly dir: string,
    /** The study file the existing study was created from, when its header says. */
    readonly createdFrom?: string,
  ) {
    super(
      `study "${study}" already exists in ${dir}${createdFrom ? ` (created from ${createdFrom})` : ''}; ` +
        'continue it with --resume, or give the study a fresh name (name: in the study file)',
    );
  }
}

/** The study file named by a journal's header line, read without replaying the journal. */
function headerStudyFile(file: string): string | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      const first = buf.toString('utf8', 0, n).split('\n')[0];
      const header = JSON.parse(first) as { studyFile?: unknown };
      return typeof header.studyFile === 'string' && header.studyFile !== '' ? header.studyFile : undefined;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

export function ownerKey(pid: number, host: string): string {
  return `${pid}@${host}`;
}

export function toFrozenTrial(t: JournalTrial): FrozenTrial {
  return { number: t.number, state: t.state, params: t.params, value: t.value, intermediate: new Map(t.intermediate) };
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

function validateRecord(r: Json): JournalRecord {
  switch (r.op) {
    case 'study':
      need(isInt(r.v) && isStr(r.name) && isStr(r.metric) && isStr(r.sampler) && isNum(r.seed) && isStr(r.studyFile) && isNum(r.time), 'bad study header fields');
      need(r.direction === 'minimize' || r.direction === 'maximize', 'bad direction');
      need(typeof r.space === 'object' && r.space !== null && Array.isArray((r.space as Json).params), 'bad space');
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
      break;
    case 'state':
      need(r.state === 'running' || r.state === 'paused' || r.state === 'stopped', 'bad study state');
      need(optional(r.reason, isStr) && isNum(r.time), 'bad reason or time');
      break;
    default:
      throw new Error(`unknown op ${JSON.stringify(r.op)}`);
  }
  return r as unknown as JournalRecord;
}

/** Applies one record to the replayed study; throws (plain Error) when it does not fit the history. */
export function applyRecord(study: ReplayedStudy, rec: JournalRecord): void {
  const trialOf = (n: number): JournalTrial => {
    const t = study.trials[n];
    if (!t) throw new Error(`trial ${n} does not exist`);
    return t;
  };
  switch (rec.op) {
    case 'study':
      throw new Error('a second study header');
    case 'trial':
      if (rec.number !== study.trials.length) throw new Error(`trial number ${rec.number} out of sequence (expected ${study.trials.length})`);
      study.trials.push({
        number: rec.number,
        state: rec.state,
        params: rec.params,
        intermediate: new Map(),
        pid: rec.pid,
        host: rec.host,
        startTime: rec.state === 'running' ? rec.time : undefined,
        retryOf: rec.retryOf,
      });
      if (rec.pid !== undefined && rec.host !== undefined) study.lastSeen.set(ownerKey(rec.pid, rec.host), rec.time);
      break;
    case 'start': {
      const t = trialOf(rec.number);
      if (t.state !== 'waiting') throw new Error(`trial ${rec.number} started twice`);
      t.state = 'running';
      t.pid = rec.pid;
      t.host = rec.host;
      t.startTime = rec.time;
      study.lastSeen.set(ownerKey(rec.pid, rec.host), rec.time);
      break;
    }
    case 'value':
      trialOf(rec.number).intermediate.set(rec.step, rec.value);
      break;
    case 'heartbeat':
      study.lastSeen.set(ownerKey(rec.pid, rec.host), rec.time);
      break;
    case 'finish': {
      const t = trialOf(rec.number);
      if (t.state !== 'running' && t.state !== 'waiting') throw new Error(`trial ${rec.number} finished twice`);
      t.state = rec.state;
      t.value = rec.value;
      t.error = rec.error;
      t.endTime = rec.time;
      t.interrupted = rec.interrupted;
      t.requeued = rec.requeued;
      break;
    }
    case 'state':
      study.status = { state: rec.state, reason: rec.reason };
      break;
  }
}

export interface ParsedJournal {
  readonly study: ReplayedStudy;
  /** Bytes of the file made of complete, valid records; anything after is a torn tail. */
  readonly validBytes: number;
  /** The torn tail that was ignored, if any. */
  readonly tornTail?: string;
}

/** Replays journal text. `file` only names the source in error messages. */
export function parseJournal(data: Buffer | string, file: string): ParsedJournal {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let study: ReplayedStudy | undefined;
  let offset = 0;
  let lineNo = 0;
  let validBytes = 0;
  while (offset < buf.length) {
    lineNo++;
    const nl = buf.indexOf(0x0a, offset);
    const end = nl < 0 ? buf.length : nl;
    const text = buf.toString('utf8', offset, end);
    const next = nl < 0 ? buf.length : nl + 1;
    const isLast = next >= buf.length;
    if (text.trim() === '') {
      if (nl >= 0) validBytes = next;
      offset = next;
      continue;
    }
    try {
      // A line without its newline was cut mid-append: never trust it, even if it happens to parse.
      if (nl < 0) throw new Error('no trailing newline');
      const raw: unknown = JSON.parse(text);
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
      const rec = validateRecord(raw as Json);
      if (!study) {
        if (rec.op !== 'study') throw new Error('the first record must be the study header');
        study = { header: rec, trials: [], status: { state: 'running' }, lastSeen: new Map() };
      } else {
        applyRecord(study, rec);
      }
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      // Optuna's rule: a bad LAST line is a torn append and is tolerated; anything after it is not.
      if (isLast) return finish(study, file, validBytes, text);
      throw new JournalCorruptError(file, lineNo, detail);
    }
    validBytes = next;
    offset = next;
  }
  return finish(study, file, validBytes, undefined);
}

function finish(study: ReplayedStudy | undefined, file: string, validBytes: number, tornTail: string | undefined): ParsedJournal {
  if (!study) throw new JournalCorruptError(file, 1, 'the journal has no study header');
  return { study, validBytes, tornTail };
}

/** Reads and replays a journal file without locking it (the UI follows a live study this way). */
export function readJournal(file: string): ParsedJournal {
  return parseJournal(fs.readFileSync(file), file);
}

export interface StaleTrialPolicy {
  readonly host: string;
  readonly now: number;
  /** A running trial whose owner was not heard of for longer than this is stale. */
  readonly graceMs: number;
  readonly isAlive?: (pid: number) => boolean;
}

/** Running trials whose owner is gone: dead pid on this host, or no heartbeat within the grace period. */
export function findStaleTrials(study: ReplayedStudy, policy: StaleTrialPolicy): JournalTrial[] {
  const isAlive = policy.isAlive ?? isPidAlive;
  return study.trials.filter(t => {
    if (t.state !== 'running') return false;
    if (t.pid === undefined || t.host === undefined) return true;
    if (t.host === policy.host && t.pid !== process.pid && !isAlive(t.pid)) return true;
    const seen = study.lastSeen.get(ownerKey(t.pid, t.host)) ?? t.startTime ?? 0;
    return policy.now - seen > policy.graceMs;
  });
}

export interface OpenJournalOptions extends LockOptions {
  /** Header for a new study; required when the journal does not exist yet. */
  readonly create?: Omit<StudyCreatedRecord, 'op' | 'v' | 'time'>;
  /** Open an existing study (resume). Without it an existing journal is a StudyExistsError. */
  readonly resume?: boolean;
}

/**
 * The writer side of a study journal. Holds the study lock from open to close, so records from two
 * processes never interleave; every append is a single write followed by fsync.
 */
export class StudyJournal {
  private fd: number | undefined;

  private constructor(
    readonly dir: string,
    readonly file: string,
    fd: number,
    readonly study: ReplayedStudy,
    readonly lock: StudyLock,
    /** Bytes of torn tail cut away when it was opened (0 when the file was clean). */
    readonly repairedBytes: number,
  ) {
    this.fd = fd;
  }

  /** True when `dir` holds a study with at least its header recorded (what `open` without resume refuses). */
  static exists(dir: string): boolean {
    const file = path.join(dir, JOURNAL_FILE);
    return fs.existsSync(file) && hasCompleteLine(file);
  }

  static open(dir: string, options: OpenJournalOptions): StudyJournal {
    const file = path.join(dir, JOURNAL_FILE);
    const name = options.create?.name ?? path.basename(dir);
    // A file without one complete line is a crash during creation: nothing was ever recorded.
    const exists = StudyJournal.exists(dir);
    if (exists && !options.resume) throw new StudyExistsError(name, dir, headerStudyFile(file));
    if (!exists && !options.create) throw new Error(`no study journal at ${file}`);
    const lock = StudyLock.acquire(dir, name, options);
    try {
      const now = options.now ?? Date.now;
      const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND, 0o644);
      try {
        if (!exists) {
          const header: StudyCreatedRecord = { op: 'study', v: JOURNAL_VERSION, ...options.create!, time: now() };
          fs.ftruncateSync(fd, 0);
          writeRecord(fd, header);
          const study: ReplayedStudy = { header, trials: [], status: { state: 'running' }, lastSeen: new Map() };
          return new StudyJournal(dir, file, fd, study, lock, 0);
        }
        const data = fs.readFileSync(file);
        const parsed = parseJournal(data, file);
        // Cut the torn tail now, under the lock, so the next record starts on a fresh line.
        const repaired = data.length - parsed.validBytes;
        if (repaired > 0) {
          fs.ftruncateSync(fd, parsed.validBytes);
          fs.fsyncSync(fd);
        }
        return new StudyJournal(dir, file, fd, parsed.study, lock, repaired);
      } catch (err) {
        fs.closeSync(fd);
        throw err;
      }
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  get name(): string {
    return this.study.header.name;
  }

  /** Validates, writes (one write + fsync) and applies a record; a record that does not fit throws before anything is written. */
  append(record: JournalRecord): void {
    if (this.fd === undefined) throw new Error(`study journal ${this.file} is closed`);
    // Validate and apply before writing, so an impossible record never reaches the disk.
    validateRecord(record as unknown as Json);
    applyRecord(this.study, record);
    writeRecord(this.fd, record);
  }

  /** Records that this process is alive and refreshes the lock. */
  heartbeat(pid: number, host: string, time: number): void {
    this.append({ op: 'heartbeat', pid, host, time });
    this.lock.touch();
  }

  frozenTrials(): FrozenTrial[] {
    return this.study.trials.map(toFrozenTrial);
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
    this.lock.release();
  }
}

function hasCompleteLine(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    for (let pos = 0; ; ) {
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) return false;
      if (buf.subarray(0, n).includes(0x0a)) return true;
      pos += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function writeRecord(fd: number, record: JournalRecord): void {
  const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
  let written = 0;
  // One write in practice; the loop only matters if the kernel ever returns a short write.
  while (written < line.length) written += fs.writeSync(fd, line, written, line.length - written);
  fs.fsyncSync(fd);
}

export function hostName(): string {
  return os.hostname();
}
