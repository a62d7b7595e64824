/**
 * The studies of a workspace as the UI shows them, read from their journals — so studies run by the
 * CLI appear too, and a study whose runner died is recognised after a reload. Free of `vscode`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Direction, ParamValue, TrialState } from '../search/types';
import { JOURNAL_FILE, readJournal, type ReplayedStudy } from './journal';
import { DEFAULT_LOCK_GRACE_MS, isPidAlive, type LockInfo } from './lock';
import { loadStudyFile } from './studyFile';
import { studySource } from './studyDraft';
import { DEFAULT_TRIALS, plannedTrials, tallyTrials, type BestTrial, type StudyRunState, type TrialCounts } from './summary';

export interface TrialSnapshot {
  readonly number: number;
  readonly state: TrialState;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly value?: number;
  readonly error?: string;
  /** The objective metric per step, in step order: what the curves panel draws. */
  readonly intermediate: ReadonlyArray<readonly [step: number, value: number]>;
  readonly startTime?: number;
  readonly endTime?: number;
}

/** One study, as `StudyController.getStudies()` hands it to the sidebar and the curves panel. */
export interface StudySnapshot {
  readonly name: string;
  /** Absolute path of the workspace folder whose `.hpstudio/studies` holds it. */
  readonly workspace: string;
  readonly journalDir: string;
  /** The study file it was created from (absolute), as the journal recorded it. */
  readonly studyFile: string;
  /** The config the study file was generated for (`# source:` header), absolute, when known. */
  readonly source?: string;
  readonly metric: string;
  readonly direction: Direction;
  readonly sampler: string;
  readonly state: StudyRunState;
  /** Who runs it now: this window's worker (`here`), another process (`elsewhere`), nobody. */
  readonly runner: 'here' | 'elsewhere' | 'none';
  /** The lock's owner while running (or the dead owner of a crashed study). */
  readonly owner?: LockInfo;
  /** Why it is paused/stopped, or what went wrong. */
  readonly reason?: string;
  /** Trials the study aims at (the study file's `trials`/`run_cap`, or what it was started with). */
  readonly budget: number;
  readonly counts: Readonly<TrialCounts>;
  /** Trials that count against the budget (failed trials re-queued for a retry do not). */
  readonly done: number;
  readonly best?: BestTrial;
  readonly trials: readonly TrialSnapshot[];
  /** Set when the journal cannot be read (corrupt in the middle, unreadable). */
  readonly error?: string;
}

export interface ReadSnapshotOptions {
  /** pid of this window's worker: a lock it holds means `runner: 'here'`. */
  readonly workerPid?: number;
  /** Budget to report when known better than the study file (what the study was started with). */
  readonly budget?: number;
  readonly host?: string;
  readonly now?: number;
  readonly isAlive?: (pid: number) => boolean;
  readonly graceMs?: number;
}

function readLock(journalDir: string): { info: LockInfo; mtimeMs: number } | undefined {
  const file = path.join(journalDir, 'lock');
  try {
    const text = fs.readFileSync(file, 'utf8');
    const mtimeMs = fs.statSync(file).mtimeMs;
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid !== 'number' || typeof v.host !== 'string' || typeof v.time !== 'number') return { info: { pid: 0, host: 'unknown', time: mtimeMs }, mtimeMs };
    return { info: { pid: v.pid, host: v.host, time: v.time }, mtimeMs };
  } catch {
    return undefined;
  }
}

/** The study file's budget and source header, when the file is still there. */
function studyFileFacts(studyFile: string): { budget?: number; source?: string } {
  try {
    const config = loadStudyFile(studyFile).config;
    const text = fs.readFileSync(studyFile, 'utf8');
    const source = studySource(text);
    return { budget: plannedTrials(config), source: source ? path.resolve(path.dirname(studyFile), source) : undefined };
  } catch {
    return {};
  }
}

export function snapshotOf(study: ReplayedStudy, journalDir: string, workspace: string, options: ReadSnapshotOptions = {}): StudySnapshot {
  const host = options.host ?? os.hostname();
  const isAlive = options.isAlive ?? isPidAlive;
  const now = options.now ?? Date.now();
  const graceMs = options.graceMs ?? DEFAULT_LOCK_GRACE_MS;
  const header = study.header;
  const facts = studyFileFacts(header.studyFile);
  const budget = options.budget ?? facts.budget ?? DEFAULT_TRIALS;

  const { counts, done, best } = tallyTrials(study.trials, header.direction);

  const lock = readLock(journalDir);
  let state: StudyRunState;
  let runner: StudySnapshot['runner'] = 'none';
  let reason = study.status.reason;
  const ownerDead = (pid: number, ownerHost: string, seen: number) => (ownerHost === host ? !isAlive(pid) : now - seen > graceMs);
  if (lock) {
    if (ownerDead(lock.info.pid, lock.info.host, lock.mtimeMs)) {
      state = 'crashed';
      reason = `its runner (pid ${lock.info.pid} on ${lock.info.host}) is gone`;
    } else {
      state = 'running';
      runner = options.workerPid !== undefined && lock.info.pid === options.workerPid && lock.info.host === host ? 'here' : 'elsewhere';
    }
  } else if (counts.running > 0) {
    state = 'crashed';
    reason = 'trials were left running by a run that is gone';
  } else if (study.status.state === 'paused') {
    state = 'paused';
  } else if (study.status.state === 'stopped') {
    state = 'stopped';
  } else {
    state = done >= budget && counts.waiting === 0 ? 'finished' : 'idle';
  }

  const trials: TrialSnapshot[] = study.trials.map(t => ({
    number: t.number,
    state: t.state,
    params: t.params,
    value: t.value,
    error: t.error,
    intermediate: [...t.intermediate.entries()].sort((a, b) => a[0] - b[0]),
    startTime: t.startTime,
    endTime: t.endTime,
  }));
  return {
    name: header.name,
    workspace,
    journalDir,
    studyFile: header.studyFile,
    source: facts.source,
    metric: header.metric,
    direction: header.direction,
    sampler: header.sampler,
    state,
    runner,
    owner: lock?.info,
    reason,
    budget,
    counts,
    done,
    best,
    trials,
  };
}

/** Reads one study's journal into a snapshot; a journal that cannot be read becomes a snapshot with `error`. */
export function readStudySnapshot(journalDir: string, workspace: string, options: ReadSnapshotOptions = {}): StudySnapshot {
  const file = path.join(journalDir, JOURNAL_FILE);
  try {
    return snapshotOf(readJournal(file).study, journalDir, workspace, options);
  } catch (err) {
    return {
      name: path.basename(journalDir),
      workspace,
      journalDir,
      studyFile: '',
      metric: '',
      direction: 'minimize',
      sampler: '',
      state: 'idle',
      runner: 'none',
      budget: 0,
      counts: { complete: 0, pruned: 0, fail: 0, running: 0, waiting: 0 },
      done: 0,
      trials: [],
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

/** Every study under `<workspace>/.hpstudio/studies/*` with a journal. */
export function listStudyDirs(workspace: string): string[] {
  const root = path.join(workspace, '.hpstudio', 'studies');
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter(e => e.isDirectory() && fs.existsSync(path.join(root, e.name, JOURNAL_FILE)))
    .map(e => path.join(root, e.name))
    .sort();
}
