/**
 * The studies of a workspace as the UI shows them, read from their journals — so studies run by the
 * CLI appear too, and a study whose runner died is recognised after a reload. Free of `vscode`.
 *
 * A `StudyReader` follows one journal (follower.ts) and keeps a snapshot per trial, rebuilding only the
 * trials whose records changed: refreshing a 10,000-trial study that appended one trial costs that one
 * trial, not ten thousand.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Direction, ParamValue, TrialState } from '../search/types';
import { JournalFollower, type FollowChange } from './follower';
import { JOURNAL_FILE, studyWorkspace, type JournalTrial, type ReplayedStudy } from './journal';
import { goneMembers, liveMembers, type LivenessPolicy } from './liveness';
import { DEFAULT_LOCK_GRACE_MS, isPidAlive, type LockInfo } from './lock';
import { resolveStudyFile } from './paths';
import { loadStudyFile } from './studyFile';
import { studySource } from './studyDraft';
import { DEFAULT_TRIALS, isBetter, isDone, paretoTrials, plannedTrials, type BestTrial, type StudyRunState, type TrialCounts } from './summary';
import type { Objective, ParetoTrial } from './types';

export interface TrialSnapshot {
  readonly number: number;
  readonly state: TrialState;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly value?: number;
  /** Multi-objective studies: every objective's value of a complete trial. */
  readonly values?: readonly number[];
  readonly error?: string;
  /** The objective metric per step, in step order: what the curves panel draws. */
  readonly intermediate: ReadonlyArray<readonly [step: number, value: number]>;
  readonly startTime?: number;
  readonly endTime?: number;
}

/** One study, as the study store hands it to the sidebar, the hovers and the curves panel. */
export interface StudySnapshot {
  readonly name: string;
  /** Absolute path of the workspace folder whose `.hpstudio/studies` holds it. */
  readonly workspace: string;
  readonly journalDir: string;
  /** The study file it was created from, as a path on this machine (journals store it relative to the workspace). */
  readonly studyFile: string;
  /** The config the study file was generated for (`# source:` header), absolute, when known. */
  readonly source?: string;
  readonly metric: string;
  readonly direction: Direction;
  /** Multi-objective studies: every objective in order (metric and direction are the first one's). */
  readonly objectives?: readonly Objective[];
  readonly sampler: string;
  readonly state: StudyRunState;
  /** Who runs it now: this window's worker (`here`), another process (`elsewhere`), nobody. */
  readonly runner: 'here' | 'elsewhere' | 'none';
  /** A live worker while running (or the dead runner of a crashed study). */
  readonly owner?: LockInfo;
  /** Workers running it now (several with `hpstudio tune --worker`). */
  readonly workers: number;
  /** Why it is paused/stopped, or what went wrong. */
  readonly reason?: string;
  /** Trials the study aims at: what its run recorded in the journal (else the study file's `trials`/`run_cap`). */
  readonly budget: number;
  readonly counts: Readonly<TrialCounts>;
  /** Trials that count against the budget (failed trials re-queued for a retry do not). */
  readonly done: number;
  readonly best?: BestTrial;
  /** Multi-objective studies: the Pareto set (complete trials no other dominates), by number. */
  readonly pareto?: readonly ParetoTrial[];
  /**
   * Every trial, in number order. The study reader's own array, kept current as the journal grows (a
   * trial's entry is replaced when it changes): read it when you get the snapshot, copy what you keep.
   */
  readonly trials: readonly TrialSnapshot[];
  /** Records skipped because they did not fit the history (a stale runner's late writes), as one sentence. */
  readonly issues?: string;
  /** Set when the journal cannot be read (corrupt in the middle, unreadable). */
  readonly error?: string;
}

export interface ReadSnapshotOptions {
  /** pid of this window's worker: a study it runs is `runner: 'here'`. */
  readonly workerPid?: number;
  /** Budget to report when the journal records none (what the study was started with here). */
  readonly budget?: number;
  readonly host?: string;
  readonly now?: number;
  readonly isAlive?: (pid: number) => boolean;
  readonly graceMs?: number;
}

/** The whole-run `lock` file of versions before workers existed (a study such a version runs). */
function readLegacyLock(journalDir: string): { info: LockInfo; mtimeMs: number } | undefined {
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

/** What the study file says that the journal may not: its budget (version 1 journals) and its `# source:` config. */
interface StudyFileFacts {
  readonly stamp: string;
  readonly budget?: number;
  readonly source?: string;
}

function studyFileFacts(studyFile: string, previous: StudyFileFacts | undefined, needBudget: boolean): StudyFileFacts {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(studyFile, { throwIfNoEntry: false });
  } catch {
    st = undefined;
  }
  if (!st) return { stamp: 'missing' };
  const stamp = `${st.size}:${st.mtimeMs}:${needBudget}`;
  if (previous?.stamp === stamp) return previous;
  try {
    const text = fs.readFileSync(studyFile, 'utf8');
    const source = studySource(text);
    const budget = needBudget ? plannedTrials(loadStudyFile(studyFile).config) : undefined;
    return { stamp, budget, source: source ? path.resolve(path.dirname(studyFile), source) : undefined };
  } catch {
    return { stamp };
  }
}

/**
 * A trial as of the refresh that made it. Its curve is copied out of the journal only when someone
 * reads it: opening a 100,000-trial study does not build 100,000 curves the sidebar never shows.
 */
class TrialView implements TrialSnapshot {
  readonly number: number;
  readonly state: TrialState;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly value?: number;
  readonly values?: readonly number[];
  readonly error?: string;
  readonly startTime?: number;
  readonly endTime?: number;
  private curve: Array<readonly [number, number]> | undefined;

  constructor(private readonly trial: JournalTrial) {
    this.number = trial.number;
    this.state = trial.state;
    this.params = trial.params;
    this.value = trial.value;
    if (trial.values) this.values = trial.values;
    this.error = trial.error;
    this.startTime = trial.startTime;
    this.endTime = trial.endTime;
  }

  get intermediate(): ReadonlyArray<readonly [number, number]> {
    if (this.curve) return this.curve;
    const points = [...this.trial.intermediate.entries()];
    // Steps arrive in order almost always; sort only when they did not.
    for (let i = 1; i < points.length; i++) {
      if (points[i][0] < points[i - 1][0]) {
        points.sort((a, b) => a[0] - b[0]);
        break;
      }
    }
    // A finished trial's curve is final; a running one's is read again from the journal's trial.
    if (this.state !== 'running') this.curve = points;
    return points;
  }

  toJSON(): TrialSnapshot {
    return { number: this.number, state: this.state, params: this.params, value: this.value, ...(this.values ? { values: this.values } : {}), error: this.error, intermediate: this.intermediate, startTime: this.startTime, endTime: this.endTime };
  }
}

export function trialSnapshot(t: JournalTrial): TrialSnapshot {
  return new TrialView(t);
}

/** Running, crashed, paused, stopped, finished or idle, with who runs it and why. */
function runState(
  study: ReplayedStudy,
  journalDir: string,
  policy: LivenessPolicy,
  options: ReadSnapshotOptions,
  counts: TrialCounts,
  done: number,
  budget: number,
): Pick<StudySnapshot, 'state' | 'runner' | 'owner' | 'workers' | 'reason'> {
  const live = liveMembers(study, policy);
  const reason = study.status.reason;
  if (live.length > 0) {
    const here = options.workerPid !== undefined && live.some(m => m.pid === options.workerPid && m.host === policy.host);
    const owner = live.find(m => m.pid === options.workerPid) ?? live[0];
    return { state: 'running', runner: here ? 'here' : 'elsewhere', owner: { pid: owner.pid, host: owner.host, time: owner.joined }, workers: live.length };
  }
  const gone = goneMembers(study, policy);
  const legacy = study.members.size === 0 ? readLegacyLock(journalDir) : undefined;
  if (legacy) {
    const dead = legacy.info.host === policy.host ? !(policy.isAlive ?? isPidAlive)(legacy.info.pid) : policy.now - legacy.mtimeMs > (policy.graceMs ?? DEFAULT_LOCK_GRACE_MS);
    if (!dead) return { state: 'running', runner: legacy.info.pid === options.workerPid ? 'here' : 'elsewhere', owner: legacy.info, workers: 1 };
    return { state: 'crashed', runner: 'none', owner: legacy.info, workers: 0, reason: `its runner (pid ${legacy.info.pid} on ${legacy.info.host}) is gone` };
  }
  if (gone.length > 0 || counts.running > 0) {
    const m = gone[0];
    // Only a version-1 journal (no workers) needs to look for the trial's owner.
    const t = m ? undefined : study.trials.find(x => x.state === 'running');
    const who = m ? { pid: m.pid, host: m.host, time: m.joined } : t?.pid !== undefined ? { pid: t.pid, host: t.host ?? 'unknown', time: t.startTime ?? 0 } : undefined;
    return { state: 'crashed', runner: 'none', owner: who, workers: 0, reason: who ? `its runner (pid ${who.pid} on ${who.host}) is gone` : 'trials were left running by a run that is gone' };
  }
  const base = { runner: 'none' as const, workers: 0, reason };
  if (study.status.state === 'paused') return { ...base, state: 'paused' };
  if (study.status.state === 'stopped') return { ...base, state: 'stopped' };
  if (study.status.state === 'finished' || (done >= budget && counts.waiting === 0)) return { ...base, state: 'finished' };
  return { ...base, state: 'idle' };
}

/** Trials per state, trials done and the best trial (summary.ts's rules), updated one trial at a time. */
class Tally {
  readonly counts: TrialCounts = { complete: 0, pruned: 0, fail: 0, running: 0, waiting: 0 };
  done = 0;
  best: BestTrial | undefined;
  private readonly was: Array<{ state: TrialState; done: boolean }> = [];

  set(n: number, t: JournalTrial, direction: Direction): void {
    const old = this.was[n];
    if (old) {
      this.counts[old.state]--;
      if (old.done) this.done--;
    }
    const now = { state: t.state, done: isDone(t) };
    this.counts[now.state]++;
    if (now.done) this.done++;
    this.was[n] = now;
    // A complete trial never changes again; of equal values the earliest wins (bestTrial's rule).
    const b = this.best;
    if (t.state === 'complete' && t.value !== undefined && (!b || isBetter(direction, t.value, b.value) || (t.value === b.value && n < b.number))) {
      this.best = { number: n, value: t.value, params: t.params };
    }
  }
}

/** Follows one study's journal and keeps its snapshot current, rebuilding only what changed. */
export class StudyReader {
  readonly follower: JournalFollower;
  private trials: TrialSnapshot[] = [];
  private facts: StudyFileFacts | undefined;
  private current: StudySnapshot | undefined;
  /** Counts, trials done and the best trial, kept up to date trial by trial (what each trial counted as). */
  private tally = new Tally();
  /** Multi-objective studies: the Pareto set, recomputed only when a trial changed. */
  private pareto: ParetoTrial[] | undefined;

  constructor(
    readonly journalDir: string,
    readonly workspace: string,
  ) {
    this.follower = new JournalFollower(path.join(journalDir, JOURNAL_FILE));
  }

  /** The latest snapshot (read the journal first with `refresh`). */
  get snapshot(): StudySnapshot | undefined {
    return this.current;
  }

  /** Reads what the journal appended and returns the snapshot (a snapshot with `error` when it cannot be read). */
  refresh(options: ReadSnapshotOptions = {}): { snapshot: StudySnapshot; change: FollowChange | undefined } {
    const change = this.follower.poll();
    const study = this.follower.study;
    if (!study) {
      this.current = this.errorSnapshot(this.follower.error?.message ?? `${this.follower.file} has no study header yet`);
      return { snapshot: this.current, change };
    }
    if (change?.reset || this.trials.length > study.trials.length) {
      this.trials = [];
      this.tally = new Tally();
    }
    const update = (n: number) => {
      this.trials[n] = trialSnapshot(study.trials[n]);
      this.tally.set(n, study.trials[n], study.header.direction);
    };
    const known = this.trials.length;
    for (const n of change?.trials ?? []) if (n < known) update(n);
    for (let n = known; n < study.trials.length; n++) update(n);
    const objectives = study.header.objectives;
    if (objectives && (!this.pareto || change?.reset || known !== study.trials.length || (change?.trials.size ?? 0) > 0)) {
      this.pareto = paretoTrials(this.trials, objectives).map(t => ({ number: t.number, values: t.values, params: t.params }));
    }
    this.current = this.build(study, options);
    return { snapshot: this.current, change };
  }

  private build(study: ReplayedStudy, options: ReadSnapshotOptions): StudySnapshot {
    const header = study.header;
    const host = options.host ?? os.hostname();
    const policy: LivenessPolicy = { host, now: options.now ?? Date.now(), graceMs: options.graceMs ?? DEFAULT_LOCK_GRACE_MS, isAlive: options.isAlive };
    const studyFile = resolveStudyFile(header.studyFile, studyWorkspace(this.journalDir));
    const needBudget = study.budget === undefined && options.budget === undefined;
    this.facts = studyFile ? studyFileFacts(studyFile, this.facts, needBudget) : undefined;
    const budget = study.budget ?? options.budget ?? this.facts?.budget ?? DEFAULT_TRIALS;
    const { counts, done, best } = this.tally;
    const run = runState(study, this.journalDir, policy, options, counts, done, budget);
    return {
      name: header.name,
      workspace: this.workspace,
      journalDir: this.journalDir,
      studyFile,
      source: this.facts?.source,
      metric: header.metric,
      direction: header.direction,
      ...(header.objectives ? { objectives: header.objectives, pareto: this.pareto ?? [] } : {}),
      sampler: header.sampler,
      ...run,
      budget,
      counts: { ...counts },
      done,
      best,
      trials: this.trials,
      issues: this.follower.issues,
      error: this.follower.error?.message,
    };
  }

  private errorSnapshot(error: string): StudySnapshot {
    return {
      name: path.basename(this.journalDir),
      workspace: this.workspace,
      journalDir: this.journalDir,
      studyFile: '',
      metric: '',
      direction: 'minimize',
      sampler: '',
      state: 'idle',
      runner: 'none',
      workers: 0,
      budget: 0,
      counts: { complete: 0, pruned: 0, fail: 0, running: 0, waiting: 0 },
      done: 0,
      trials: [],
      error,
    };
  }
}

/** Reads one study's journal into a snapshot; a journal that cannot be read becomes a snapshot with `error`. */
export function readStudySnapshot(journalDir: string, workspace: string, options: ReadSnapshotOptions = {}): StudySnapshot {
  return new StudyReader(journalDir, workspace).refresh(options).snapshot;
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
