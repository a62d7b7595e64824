/**
 * The crash-safe record of a study: an append-only JSON-lines file (records.ts), shared by every
 * worker that runs the study. Each append happens under the append lock (lock.ts): the writer
 * catches up with what other workers appended, checks that it has not been fenced (it is still the
 * worker it claims to be), checks that the lock is still its own, cuts away a torn tail left by a
 * crash, writes its records at the end of the valid bytes and fsyncs. Writing at an explicit offset
 * rather than with O_APPEND keeps the file sound on NFS, where O_APPEND is not atomic across hosts:
 * correctness rests on the lock alone, the same way on every file system.
 *
 * Fencing (why a worker that was suspended cannot corrupt the study): a worker's number `w` is its
 * epoch. When another worker finds it gone (no heartbeat within the grace period, or a dead pid on
 * this host) it appends a `fence` record for `w` and takes over `w`'s running trials — all under the
 * lock. A suspended worker that wakes up learns of its fence from its very next catch-up or append
 * (the catch-up under the lock comes first), so it writes nothing, stops its trials and exits. A write that slips
 * through anyway (suspended between its check and its write) is skipped by every replay, because it
 * carries a fenced `w`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrozenTrial } from '../search/types';
import { liveMembers, type LivenessPolicy } from './liveness';
import { AppendLock, DEFAULT_LOCK_GRACE_MS, isPidAlive, legacyLockOwner, StudyLockedError, type LockInfo } from './lock';
import { JOURNAL_VERSION, toFrozenTrial, type JournalRecord, type ReplayedStudy, type StudyCreatedRecord } from './records';
import { JournalCorruptError, JournalReplay, type JournalIssue } from './replay';

export * from './records';
export { JournalCorruptError, JournalReplay, type JournalIssue } from './replay';
export { findStaleTrials, liveMembers, goneMembers, memberAlive } from './liveness';

export const JOURNAL_FILE = 'journal.jsonl';

/** `<workspace>/.hpstudio/studies/<name>`: where a study's journal, lock and trial folders live. */
export function studyDirectory(workspace: string, study: string): string {
  return path.join(workspace, '.hpstudio', 'studies', study);
}

/** The workspace folder a study directory belongs to (the folder that holds `.hpstudio`). */
export function studyWorkspace(journalDir: string): string {
  return path.resolve(journalDir, '..', '..', '..');
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

/** This worker was fenced: another worker took its trials over while it was not responding. */
export class FencedError extends Error {
  constructor(
    readonly study: string,
    readonly w: number,
    readonly by: { readonly w: number; readonly pid?: number; readonly host?: string } | undefined,
    readonly reason: string,
  ) {
    const who = by ? `worker ${by.w}${by.pid !== undefined ? ` (pid ${by.pid} on host ${by.host})` : ''}` : 'another worker';
    super(
      `study ${study}: this run (worker ${w}) was taken over by ${who} because ${reason}; ` +
        'it stopped its trials and wrote nothing more — the study goes on there (see the journal)',
    );
  }
}

export interface ParsedJournal {
  readonly study: ReplayedStudy;
  /** Bytes of the file made of complete, valid records; anything after is a torn tail. */
  readonly validBytes: number;
  /** The torn tail that was ignored, if any. */
  readonly tornTail?: string;
  /** Records skipped because they did not fit the history (a stale worker's late writes…). */
  readonly issues: readonly JournalIssue[];
  readonly issueCount: number;
}

/** Replays journal text. `file` only names the source in error messages. */
export function parseJournal(data: Buffer | string, file: string): ParsedJournal {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const replay = new JournalReplay(file);
  replay.consume(buf);
  if (!replay.study) throw new JournalCorruptError(file, 1, 'the journal has no study header');
  const tail = buf.toString('utf8', replay.offset);
  return { study: replay.study, validBytes: replay.offset, tornTail: tail.trim() ? tail : undefined, issues: replay.issues, issueCount: replay.issueCount };
}

/** Reads and replays a journal file without locking it. */
export function readJournal(file: string): ParsedJournal {
  return parseJournal(fs.readFileSync(file), file);
}

/** Reads what was appended after `replay.offset` from an open file into the replay; returns the file size. */
function catchUp(fd: number, replay: JournalReplay): number {
  const size = fs.fstatSync(fd).size;
  if (size < replay.offset) throw new Error(`${replay.file} shrank from ${replay.offset} to ${size} bytes while the study was open (replaced or truncated by hand?)`);
  if (size > replay.offset) {
    const buf = Buffer.allocUnsafe(size - replay.offset);
    let read = 0;
    while (read < buf.length) {
      const n = fs.readSync(fd, buf, read, buf.length - read, replay.offset + read);
      if (n === 0) break;
      read += n;
    }
    replay.consume(read === buf.length ? buf : buf.subarray(0, read));
  }
  return size;
}

/** Writes all of `buf` at `position` (a short write is continued) and fsyncs. */
function writeAt(fd: number, buf: Buffer, position: number): void {
  let written = 0;
  while (written < buf.length) written += fs.writeSync(fd, buf, written, buf.length - written, position + written);
  fs.fsyncSync(fd);
}

/** A new journal appears whole (written aside, then renamed into place): a reader never sees it half-created. */
function writeWhole(file: string, buf: Buffer): void {
  const tmp = `${file}.new-${process.pid}`;
  const fd = fs.openSync(tmp, 'w', 0o644);
  try {
    writeAt(fd, buf, 0);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function serialize(records: readonly JournalRecord[]): Buffer {
  return Buffer.from(records.map(r => `${JSON.stringify(r)}\n`).join(''), 'utf8');
}

/** The study file named by a journal's header line, read without replaying the journal. */
function headerStudyFile(file: string): string | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      const header = JSON.parse(buf.toString('utf8', 0, n).split('\n')[0]) as { studyFile?: unknown };
      return typeof header.studyFile === 'string' && header.studyFile !== '' ? header.studyFile : undefined;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
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

export interface OpenJournalOptions {
  /** Header for a new study; required when the journal does not exist yet. */
  readonly create?: Omit<StudyCreatedRecord, 'op' | 'v' | 'time'>;
  /** Open an existing study (resume). Without it (or `join`) an existing journal is a StudyExistsError. */
  readonly resume?: boolean;
  /** Join the study even while other workers run it (`hpstudio tune --worker`); creates it when missing. */
  readonly join?: boolean;
  /** A worker not heard of for longer than this is gone (default 30 s). */
  readonly graceMs?: number;
  /** An append lock older than this is stale (default: graceMs). */
  readonly lockStaleMs?: number;
  readonly pid?: number;
  readonly host?: string;
  readonly now?: () => number;
  readonly isAlive?: (pid: number) => boolean;
  /** Records written together with the join (the run's budget and state), given the study as replayed. */
  readonly onJoin?: (study: ReplayedStudy, w: number) => JournalRecord[];
}

interface QueueItem {
  readonly records?: readonly JournalRecord[];
  readonly tx?: (study: ReplayedStudy) => JournalRecord[];
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * One worker's handle on a study journal. `append` applies a record to the in-memory replay at once
 * (so the loop and the pruner see it) and queues it; queued records are written together under the
 * append lock. `transact` runs a decision (claim the next trial number, take over a gone worker)
 * under the lock, on the study as every worker wrote it.
 */
export class StudyJournal {
  private readonly queue: QueueItem[] = [];
  /** The running drain of the queue (undefined when idle). Cleared in the same tick the queue is found empty, so no item is stranded. */
  private draining: Promise<void> | undefined;
  private closed = false;
  /** Set once this worker learned it was fenced: nothing is written any more. */
  fenced: FencedError | undefined;
  /** A write that failed (disk full…): the replay is ahead of the file, so nothing more is written. */
  private failed: { error: unknown } | undefined;
  /**
   * Set once this worker's `leave` record is on its way to the file. A worker that left writes nothing more:
   * a heartbeat or a take-over queued behind the leave (a timer that fired while the leave waited for the
   * lock) would not fit every other worker's replay, so it is dropped.
   */
  private left = false;
  /** Bytes of torn tail cut away (a crash mid-append) since the journal was opened. */
  repairedBytes: number;

  private constructor(
    readonly dir: string,
    readonly file: string,
    readonly replay: JournalReplay,
    private readonly lock: AppendLock,
    /** This worker's number (its epoch). */
    readonly w: number,
    repairedBytes: number,
    private readonly policy: () => LivenessPolicy,
  ) {
    this.repairedBytes = repairedBytes;
  }

  /** True when `dir` holds a study with at least its header recorded (what `open` without resume refuses). */
  static exists(dir: string): boolean {
    const file = path.join(dir, JOURNAL_FILE);
    return fs.existsSync(file) && hasCompleteLine(file);
  }

  /** Opens (or creates) the study and joins it as a new worker. */
  static async open(dir: string, options: OpenJournalOptions): Promise<StudyJournal> {
    const file = path.join(dir, JOURNAL_FILE);
    const name = options.create?.name ?? path.basename(dir);
    const host = options.host ?? os.hostname();
    const pid = options.pid ?? process.pid;
    const now = options.now ?? Date.now;
    const graceMs = options.graceMs ?? DEFAULT_LOCK_GRACE_MS;
    const isAlive = options.isAlive ?? isPidAlive;
    // Checked before the lock, so a plain run over an existing study never waits for a busy journal.
    if (!options.resume && !options.join && StudyJournal.exists(dir)) throw new StudyExistsError(name, dir, headerStudyFile(file));
    fs.mkdirSync(dir, { recursive: true });
    const legacy = StudyJournal.exists(dir) ? legacyLockOwner(dir, graceMs, host, isAlive) : undefined;
    if (legacy) throw new StudyLockedError(name, legacy);
    const lock = new AppendLock(dir, { staleMs: options.lockStaleMs ?? graceMs, pid, host, isAlive });
    const policy = (): LivenessPolicy => ({ host, now: now(), graceMs, isAlive, stall: lock.lastStall() });
    await lock.acquire();
    try {
      let fd: number | undefined;
      try {
        fd = fs.openSync(file, fs.constants.O_RDWR);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      try {
        return StudyJournal.join(fd, { dir, file, name, lock, pid, host, now, policy, options });
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
    } finally {
      lock.release();
    }
  }

  private static join(
    fd: number | undefined,
    o: { dir: string; file: string; name: string; lock: AppendLock; pid: number; host: string; now: () => number; policy: () => LivenessPolicy; options: OpenJournalOptions },
  ): StudyJournal {
    const { options } = o;
    let replay = new JournalReplay(o.file);
    const size = fd === undefined ? 0 : catchUp(fd, replay);
    if (replay.study && !options.resume && !options.join) throw new StudyExistsError(o.name, o.dir, replay.study.header.studyFile);
    const fresh = !replay.study;
    if (fresh) {
      // Nothing (or only a torn header: a crash during creation) was ever recorded.
      if (!options.create) throw new Error(`no study journal at ${o.file}`);
      replay = new JournalReplay(o.file);
      replay.applyOwn({ op: 'study', v: JOURNAL_VERSION, ...options.create, time: o.now() });
    } else if (!options.join) {
      const live = liveMembers(replay.study!, o.policy());
      if (live.length > 0) throw new StudyLockedError(replay.study!.header.name, { pid: live[0].pid, host: live[0].host, time: live[0].joined }, live.length - 1);
    }
    const study = replay.study!;
    const w = study.members.size + 1;
    const records: JournalRecord[] = [{ op: 'worker', w, pid: o.pid, host: o.host, time: o.now() }];
    replay.applyOwn(records[0]);
    for (const r of options.onJoin?.(study, w) ?? []) {
      replay.applyOwn(r);
      records.push(r);
    }
    const header = fresh ? [study.header as JournalRecord] : [];
    const buf = serialize([...header, ...records]);
    let repaired = 0;
    if (fresh) {
      writeWhole(o.file, buf);
    } else {
      repaired = size - replay.offset;
      if (repaired > 0) fs.ftruncateSync(fd!, replay.offset);
      writeAt(fd!, buf, replay.offset);
    }
    replay.wrote(buf.length, header.length + records.length);
    replay.takeChanged();
    return new StudyJournal(o.dir, o.file, replay, o.lock, w, repaired, o.policy);
  }

  get study(): ReplayedStudy {
    return this.replay.study!;
  }

  get name(): string {
    return this.study.header.name;
  }

  /** Stale append locks this journal took over (a writer that crashed mid-append). */
  get lockTakeovers(): readonly LockInfo[] {
    return this.lock.takenOver;
  }

  /**
   * Applies a record now and writes it soon (with whatever else is queued). Throws at once, writing
   * nothing, when it does not fit the study; the promise settles when it is on disk.
   */
  append(record: JournalRecord): Promise<void> {
    this.checkOpen();
    if (this.left) return Promise.resolve();
    this.replay.applyOwn(record);
    return this.enqueue({ records: [record] });
  }

  /**
   * Runs `decide` under the append lock on the study as every worker wrote it, and writes the records
   * it returns (each must fit the study). Used for decisions other workers could race: the next trial
   * number and the shared budget, starting a queued trial, fencing a gone worker.
   */
  transact(decide: (study: ReplayedStudy) => JournalRecord[]): Promise<void> {
    this.checkOpen();
    return this.enqueue({ tx: decide });
  }

  /**
   * Reads what other workers appended (no lock needed: only complete lines are read). Throws the
   * FencedError when what it read fences this worker: its view now has its trials finished by their
   * new owner, so anything it appended next (a late value) would be refused as a plain misfit.
   */
  catchUp(): void {
    if (this.fenced) throw this.fenced;
    const fd = fs.openSync(this.file, 'r');
    try {
      catchUp(fd, this.replay);
    } finally {
      fs.closeSync(fd);
    }
    this.checkFence();
  }

  /** Resolves once everything queued so far is on disk (or failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining.catch(() => undefined);
  }

  frozenTrials(): FrozenTrial[] {
    return this.study.trials.map(toFrozenTrial);
  }

  /** Writes what is queued and leaves the study (unless the worker already left or was fenced); nothing can be appended afterwards. */
  async close(reason?: string): Promise<void> {
    if (this.closed) return;
    const me = this.study.members.get(this.w);
    if (!this.fenced && !this.failed && me && !me.left) {
      await this.append({ op: 'leave', w: this.w, reason, time: Date.now() }).catch(() => undefined);
    }
    await this.flush();
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.fenced) throw this.fenced;
    if (this.failed) throw this.failed.error;
    if (this.closed) throw new Error(`study journal ${this.file} is closed`);
  }

  private enqueue(item: Omit<QueueItem, 'resolve' | 'reject'>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...item, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Writes the queue batch by batch; clears `draining` in the same tick it finds the queue empty, so no item is stranded. */
  private async drain(): Promise<void> {
    for (;;) {
      if (this.queue.length === 0) {
        this.draining = undefined;
        return;
      }
      const batch = this.queue.splice(0);
      try {
        await this.writeBatch(batch);
        for (const item of batch) item.resolve();
      } catch (err) {
        // Sticky: the records of this batch are in the replay but not in the file.
        if (!(err instanceof FencedError)) this.failed ??= { error: err };
        for (const item of [...batch, ...this.queue.splice(0)]) item.reject(err);
        this.draining = undefined;
        return;
      }
    }
  }

  /** One lock hold: catch up, check the fence and the lock, cut a torn tail, write, fsync. */
  private async writeBatch(batch: readonly QueueItem[]): Promise<void> {
    for (;;) {
      await this.lock.acquire();
      try {
        const fd = fs.openSync(this.file, 'r+');
        try {
          const size = catchUp(fd, this.replay);
          this.checkFence();
          // Our lock was taken over while we were stalled: its new holder is writing; try again.
          if (!this.lock.holds()) continue;
          const records: JournalRecord[] = [];
          const keep = (r: JournalRecord): boolean => {
            if (this.left) return false;
            if (r.op === 'leave' && r.w === this.w) this.left = true;
            return true;
          };
          for (const item of batch) {
            if (item.records) records.push(...item.records.filter(keep));
            if (item.tx && !this.left) {
              for (const r of item.tx(this.study).filter(keep)) {
                this.replay.applyOwn(r);
                records.push(r);
              }
            }
          }
          if (size > this.replay.offset) {
            this.repairedBytes += size - this.replay.offset;
            fs.ftruncateSync(fd, this.replay.offset);
          }
          if (records.length === 0) return;
          const buf = serialize(records);
          writeAt(fd, buf, this.replay.offset);
          this.replay.wrote(buf.length, records.length);
          return;
        } finally {
          fs.closeSync(fd);
        }
      } finally {
        this.lock.release();
      }
    }
  }

  private checkFence(): void {
    const me = this.study.members.get(this.w);
    if (!me?.fenced) return;
    const by = this.study.members.get(me.fenced.by);
    this.fenced = new FencedError(this.name, this.w, by ? { w: by.w, pid: by.pid, host: by.host } : { w: me.fenced.by }, me.fenced.reason);
    throw this.fenced;
  }

  /** Liveness as this journal judges it (its host, clock and grace period). */
  liveness(): LivenessPolicy {
    return this.policy();
  }
}
