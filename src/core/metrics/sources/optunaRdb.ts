/**
 * An Optuna RDB storage in an SQLite file (`sqlite:///study.db`, what optuna-dashboard and most Optuna
 * users use), read live and read-only: one run per trial of every study, with state, params, objective
 * values (several for multi-objective studies) and intermediate values as curves.
 *
 * sql.js works on a copy of the file in memory, so every poll that sees the file changed reads it again
 * whole, then queries only what is new (rows past the last id seen). A read that overlaps a write (a
 * rollback journal beside the file, or the file changing while read) is dropped and retried next poll.
 */
import { promises as fs } from 'node:fs';
import { JournalError, toExternal } from '../optuna-journal';
import { columnsOf, eachRow, sqlJs, type Database, type SqlValue } from '../sqlite';
import type { ParamValue } from '../../search/types';
import { finalValuePoints, INTERMEDIATE_METRIC, optunaTrialRun, type RunDirection, type RunInfo, type RunPoint, type RunSource, type RunState, type RunUpdate } from './types';

/** Larger databases are refused: sql.js holds the whole file in WebAssembly memory. */
export const MAX_RDB_BYTES = 1024 * 1024 * 1024;
const SQLITE_MAGIC = 'SQLite format 3\u0000';
/** Torn reads in a row before the user hears about it (one is normal while a study writes). */
const QUIET_FAILURES = 3;
/**
 * A changed database is read again no sooner than this many times the last read took: a big study that
 * writes constantly would otherwise keep a core busy re-reading the whole file.
 */
const READ_SPACING = 4;

export async function isSqliteFile(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await fs.open(file, 'r');
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    return bytesRead === 16 && head.toString('latin1') === SQLITE_MAGIC;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

interface Trial {
  readonly trialId: number;
  readonly studyId: number;
  readonly number: number;
  state: RunState;
  params: Record<string, ParamValue>;
  values?: number[];
  lastStep: number;
  /** What the listeners were last told about this trial. */
  sent: string;
  finalSent: boolean;
}

interface Study {
  readonly name: string;
  directions: RunDirection[];
}

const STATES: Record<string, RunState> = { RUNNING: 'running', COMPLETE: 'complete', PRUNED: 'pruned', FAIL: 'fail', WAITING: 'waiting' };

/** A stored float with its type column (Optuna ≥ 3.0 keeps ±inf and NaN as a type, the value NULL). */
function storedNumber(value: SqlValue, type: SqlValue | undefined): number {
  if (type === 'INF_POS') return Infinity;
  if (type === 'INF_NEG') return -Infinity;
  if (type === 'NAN' || value === null) return NaN;
  return Number(value);
}

export class OptunaRdbSource implements RunSource {
  readonly format = 'optuna-rdb' as const;
  private signature = '';
  private studies = new Map<number, Study>();
  private trials = new Map<number, Trial>();
  private lastParamId = 0;
  private lastIntermediateId = 0;
  private failures = 0;
  private warnedWal = false;
  private nextReadAt = 0;

  private constructor(readonly path: string) {}

  /** Opens the database once to check it is an Optuna storage; throws a message for the user if not. */
  static async open(file: string): Promise<OptunaRdbSource> {
    const source = new OptunaRdbSource(file);
    const db = await source.load();
    try {
      const tables = new Set<string>();
      eachRow(db, "SELECT name FROM sqlite_master WHERE type = 'table'", [], row => tables.add(String(row[0])));
      if (!tables.has('studies') || !tables.has('trials')) throw new Error(`${file} is an SQLite database but not an Optuna storage (it has no studies and trials tables)`);
    } finally {
      db.close();
    }
    return source;
  }

  async poll(): Promise<RunUpdate> {
    const warnings: string[] = [];
    const before = await this.fileSignature();
    if (before === undefined) return { reset: false, runs: [], points: [], warnings: [`${this.path} no longer exists`] };
    if (before === this.signature) return { reset: false, runs: [], points: [], warnings };
    if (Date.now() < this.nextReadAt) return { reset: false, runs: [], points: [], warnings, pending: true };
    await this.checkWal(warnings);
    const started = Date.now();
    let db: Database | undefined;
    try {
      if (await exists(`${this.path}-journal`)) throw new TornRead('a write is in progress');
      db = await this.load();
      if ((await this.fileSignature()) !== before) throw new TornRead('the file changed while it was read');
      const update = this.read(db, warnings);
      this.signature = before;
      this.failures = 0;
      return update;
    } catch (e) {
      // Caught mid-write: the next poll reads it again. Only a lasting failure is worth a word.
      if (++this.failures === QUIET_FAILURES) warnings.push(`${this.path} could not be read ${QUIET_FAILURES} times in a row: ${(e as Error).message}`);
      const givenUp = !(e instanceof TornRead) && this.failures > QUIET_FAILURES;
      if (givenUp) this.signature = before;
      return { reset: false, runs: [], points: [], warnings, pending: !givenUp };
    } finally {
      db?.close();
      this.nextReadAt = Date.now() + READ_SPACING * (Date.now() - started);
    }
  }

  private async load(): Promise<Database> {
    const stat = await fs.stat(this.path);
    if (stat.size > MAX_RDB_BYTES) throw new Error(`${this.path} is ${stat.size} bytes, more than the ${MAX_RDB_BYTES} bytes read into memory`);
    const SQL = await sqlJs();
    return new SQL.Database(await fs.readFile(this.path));
  }

  private async fileSignature(): Promise<string | undefined> {
    try {
      const stat = await fs.stat(this.path);
      return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      return undefined;
    }
  }

  private async checkWal(warnings: string[]): Promise<void> {
    const wal = await fs.stat(`${this.path}-wal`).catch(() => undefined);
    if (wal && wal.size > 0 && !this.warnedWal) {
      this.warnedWal = true;
      warnings.push(`${this.path}-wal holds changes SQLite has not copied into ${this.path} yet (WAL mode); they show once it checkpoints`);
    }
  }

  private read(db: Database, warnings: string[]): RunUpdate {
    const reset = this.readStudies(db);
    const points: RunPoint[] = [];
    this.readTrials(db);
    this.readParams(db, warnings);
    this.readValues(db);
    this.readIntermediate(db, points);
    const runs: RunInfo[] = [];
    for (const trial of this.trials.values()) {
      const info = this.runInfo(trial);
      const signature = JSON.stringify([info.state, info.values, info.params]);
      if (!reset && signature === trial.sent) continue;
      trial.sent = signature;
      runs.push(info);
    }
    for (const trial of this.trials.values()) {
      if (trial.finalSent || !trial.values || trial.state === 'running' || trial.state === 'waiting') continue;
      trial.finalSent = true;
      points.push(...finalValuePoints(this.runId(trial), trial.values, trial.lastStep, 'optuna-rdb'));
    }
    return { reset, runs, points, warnings };
  }

  /** Reads the studies; true (and everything forgotten) when one the listeners know of is gone. */
  private readStudies(db: Database): boolean {
    const studies = new Map<number, Study>();
    eachRow(db, 'SELECT study_id, study_name FROM studies', [], ([id, name]) => studies.set(Number(id), { name: String(name), directions: [] }));
    if (columnsOf(db, 'study_directions').size > 0) {
      eachRow(db, 'SELECT study_id, direction FROM study_directions ORDER BY study_id, objective', [], ([id, direction]) => {
        studies.get(Number(id))?.directions.push(String(direction).toLowerCase() as RunDirection);
      });
    }
    const gone = [...this.studies.keys()].some(id => !studies.has(id));
    this.studies = studies;
    if (gone) {
      // A deleted study's rows are gone and SQLite may hand their ids out again: start from scratch.
      this.trials = new Map();
      this.lastParamId = 0;
      this.lastIntermediateId = 0;
    }
    return gone;
  }

  private readTrials(db: Database): void {
    eachRow(db, 'SELECT trial_id, study_id, number, state FROM trials', [], ([id, studyId, number, state]) => {
      const trialId = Number(id);
      const known = this.trials.get(trialId);
      const runState = STATES[String(state)] ?? 'fail';
      if (known) known.state = runState;
      else if (this.studies.has(Number(studyId))) {
        this.trials.set(trialId, { trialId, studyId: Number(studyId), number: Number(number), state: runState, params: {}, lastStep: 0, sent: '', finalSent: false });
      }
    });
  }

  private readParams(db: Database, warnings: string[]): void {
    eachRow(db, 'SELECT param_id, trial_id, param_name, param_value, distribution_json FROM trial_params WHERE param_id > ? ORDER BY param_id', [this.lastParamId], ([id, trialId, name, value, distribution]) => {
      this.lastParamId = Math.max(this.lastParamId, Number(id));
      const trial = this.trials.get(Number(trialId));
      if (!trial) return;
      try {
        trial.params = { ...trial.params, [String(name)]: toExternal(distribution, value) };
      } catch (e) {
        if (!(e instanceof JournalError)) throw e;
        warnings.push(`${this.path}: trial ${trial.number} parameter ${String(name)}: ${e.message}; skipped`);
      }
    });
  }

  private readValues(db: Database): void {
    const columns = columnsOf(db, 'trial_values');
    if (columns.size === 0) {
      // Optuna < 2.4 kept a single objective in trials.value.
      if (!columnsOf(db, 'trials').has('value')) return;
      eachRow(db, 'SELECT trial_id, value FROM trials WHERE value IS NOT NULL', [], ([id, value]) => {
        const trial = this.trials.get(Number(id));
        if (trial) trial.values = [Number(value)];
      });
      return;
    }
    const typed = columns.has('value_type');
    const byTrial = new Map<number, number[]>();
    eachRow(db, `SELECT trial_id, objective, value${typed ? ', value_type' : ''} FROM trial_values ORDER BY trial_id, objective`, [], ([id, objective, value, type]) => {
      let values = byTrial.get(Number(id));
      if (!values) byTrial.set(Number(id), (values = []));
      values[Number(objective)] = storedNumber(value, type);
    });
    for (const [id, values] of byTrial) {
      const trial = this.trials.get(id);
      if (trial) trial.values = values;
    }
  }

  private readIntermediate(db: Database, points: RunPoint[]): void {
    const typed = columnsOf(db, 'trial_intermediate_values').has('intermediate_value_type');
    const sql = `SELECT trial_intermediate_value_id, trial_id, step, intermediate_value${typed ? ', intermediate_value_type' : ''} FROM trial_intermediate_values WHERE trial_intermediate_value_id > ? ORDER BY trial_id, step`;
    const wallTime = Date.now() / 1000;
    let last = this.lastIntermediateId;
    eachRow(db, sql, [this.lastIntermediateId], ([id, trialId, step, value, type]) => {
      last = Math.max(last, Number(id));
      const trial = this.trials.get(Number(trialId));
      if (!trial) return;
      trial.lastStep = Math.max(trial.lastStep, Number(step));
      points.push({ run: this.runId(trial), name: INTERMEDIATE_METRIC, step: Number(step), value: storedNumber(value, type), wallTime, source: 'optuna-rdb' });
    });
    this.lastIntermediateId = last;
  }

  private runId(trial: Trial): string {
    return `${this.studies.get(trial.studyId)?.name ?? trial.studyId}/${trial.number}`;
  }

  private runInfo(trial: Trial): RunInfo {
    const study = this.studies.get(trial.studyId);
    return optunaTrialRun('optuna-rdb', this.path, { name: study?.name ?? String(trial.studyId), directions: study?.directions }, trial);
  }
}

class TornRead extends Error {}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(() => true, () => false);
}
