/**
 * One process per study: an exclusive lock file created with O_CREAT|O_EXCL, held for the study's
 * lifetime and touched on every heartbeat. A lock whose owner is gone (dead pid on this host) or
 * silent for longer than the grace period is taken over, so a crashed run never blocks a resume.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  /** When the lock was taken, ms since the epoch. */
  readonly time: number;
}

export interface LockOptions {
  /** A lock untouched for longer than this is stale even if its pid looks alive (pid reuse, hung host). Default 30 s, as Optuna. */
  readonly graceMs?: number;
  readonly pid?: number;
  readonly host?: string;
  readonly now?: () => number;
  readonly isAlive?: (pid: number) => boolean;
}

export const DEFAULT_LOCK_GRACE_MS = 30_000;

export class StudyLockedError extends Error {
  constructor(
    readonly study: string,
    readonly owner: LockInfo,
  ) {
    super(
      `study ${study} is being run by pid ${owner.pid} on host ${owner.host} (since ${new Date(owner.time).toISOString()}); ` +
        'stop that run first, or wait until its lock goes stale',
    );
  }
}

/** True when a process with this pid exists on this machine (EPERM means it exists but is not ours). */
export function isPidAlive(pid: number): boolean {
  // pid 0 / negatives would address process groups: never a valid owner.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, host, time } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof host !== 'string' || typeof time !== 'number') return undefined;
    return { pid, host, time };
  } catch {
    return undefined;
  }
}

export class StudyLock {
  private released = false;

  private constructor(
    readonly file: string,
    readonly info: LockInfo,
    /** The stale owner this lock was taken over from, so the caller can warn about it. */
    readonly takenOverFrom: LockInfo | undefined,
  ) {}

  /** Takes the lock of the study whose files live in `dir`, or throws StudyLockedError. */
  static acquire(dir: string, study: string, options: LockOptions = {}): StudyLock {
    const now = options.now ?? Date.now;
    const info: LockInfo = { pid: options.pid ?? process.pid, host: options.host ?? os.hostname(), time: now() };
    const file = path.join(dir, 'lock');
    fs.mkdirSync(dir, { recursive: true });
    const content = JSON.stringify(info);
    if (tryCreate(file, content)) return new StudyLock(file, info, undefined);

    const { text, owner, mtimeMs } = readLock(file);
    const graceMs = options.graceMs ?? DEFAULT_LOCK_GRACE_MS;
    const isAlive = options.isAlive ?? isPidAlive;
    const stale =
      owner === undefined || // unreadable lock: a writer died between create and write
      (owner.host === info.host && owner.pid !== info.pid && !isAlive(owner.pid)) ||
      now() - mtimeMs > graceMs;
    if (!stale) throw new StudyLockedError(study, owner);

    // Move the stale lock aside atomically, then check we moved the one we judged: if another
    // process took over first, we would be holding its fresh lock and must put it back.
    const aside = `${file}.stale-${info.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      fs.renameSync(file, aside);
    } catch {
      return StudyLock.acquireAfterRace(file, study, content, info, owner);
    }
    const movedText = fs.readFileSync(aside, 'utf8');
    if (movedText !== text) {
      fs.renameSync(aside, file);
      throw new StudyLockedError(study, parseLockInfo(movedText) ?? info);
    }
    fs.rmSync(aside, { force: true });
    return StudyLock.acquireAfterRace(file, study, content, info, owner ?? { pid: 0, host: 'unknown', time: mtimeMs });
  }

  private static acquireAfterRace(file: string, study: string, content: string, info: LockInfo, previous: LockInfo | undefined): StudyLock {
    if (tryCreate(file, content)) return new StudyLock(file, info, previous);
    const { owner } = readLock(file);
    throw new StudyLockedError(study, owner ?? info);
  }

  /** Who the lock file names now (undefined when it is gone or unreadable). */
  currentOwner(): LockInfo | undefined {
    try {
      return parseLockInfo(fs.readFileSync(this.file, 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** True when `owner` is this lock (same pid, host and acquisition time). */
  isOwnedBy(owner: LockInfo | undefined): boolean {
    return owner !== undefined && owner.pid === this.info.pid && owner.host === this.info.host && owner.time === this.info.time;
  }

  /** Marks the lock fresh (called with every heartbeat). */
  touch(): void {
    if (this.released) return;
    const t = new Date();
    try {
      fs.utimesSync(this.file, t, t);
    } catch {
      /* lock removed under us: the next acquire by someone else decides; nothing to do here */
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    // Only remove the lock if it is still ours (a takeover after a long stall may have replaced it).
    if (this.isOwnedBy(this.currentOwner())) fs.rmSync(this.file, { force: true });
  }
}

function tryCreate(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function readLock(file: string): { text: string; owner: LockInfo | undefined; mtimeMs: number } {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const mtimeMs = fs.statSync(file).mtimeMs;
    return { text, owner: parseLockInfo(text), mtimeMs };
  } catch {
    // Vanished between our create attempt and the read: treat as stale so the caller retries the create.
    return { text: '', owner: undefined, mtimeMs: 0 };
  }
}
