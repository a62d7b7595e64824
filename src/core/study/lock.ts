/**
 * The append lock of a study journal: a lock file `journal.lock`, held only while a writer catches up
 * with the journal and appends to it. It is made by writing a private file and hard-linking it to the
 * lock's name (link(2) fails if the name exists): atomic on local disks and on NFS, where O_APPEND is
 * not, and — unlike O_CREAT|O_EXCL followed by a write — a writer killed at any instant never leaves
 * an empty lock that only ages out, stalling every other worker for the whole stale period.
 *
 * A lock left by a crashed writer is taken over once it is stale: its pid is dead on this host, or
 * the file is older than the stale period (default 30 s). Taking over moves the file aside; if that
 * was in fact a fresh lock (a race), its holder finds out before writing, because every holder checks
 * that the lock file still carries its token right before each append (`holds`).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  /** When the lock was taken (or the run started), ms since the epoch. */
  readonly time: number;
}

/** A worker (or lock) not heard of for longer than this is gone. Default 30 s, as Optuna's heartbeat grace. */
export const DEFAULT_LOCK_GRACE_MS = 30_000;

/** `HPSTUDIO_STALE_MS` (tests shorten it so a takeover does not take 30 s), else the default. */
export function staleMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.HPSTUDIO_STALE_MS);
  return Number.isFinite(n) && n >= 100 ? n : DEFAULT_LOCK_GRACE_MS;
}

/** `HPSTUDIO_HEARTBEAT_MS`, else a sixth of the stale period (5 s by default). */
export function heartbeatMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.HPSTUDIO_HEARTBEAT_MS);
  return Number.isFinite(n) && n >= 10 ? n : Math.min(5000, Math.max(50, Math.floor(staleMsFromEnv(env) / 6)));
}

export class StudyLockedError extends Error {
  constructor(
    readonly study: string,
    readonly owner: LockInfo,
    /** Other live workers besides `owner`. */
    readonly others = 0,
  ) {
    super(
      `study ${study} is being run by pid ${owner.pid} on host ${owner.host} (since ${new Date(owner.time).toISOString()})` +
        `${others > 0 ? ` and ${others} other worker${others === 1 ? '' : 's'}` : ''}; ` +
        'stop that run first, join it as another worker (hpstudio tune --worker), or wait until it goes stale',
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

export const APPEND_LOCK_FILE = 'journal.lock';

export interface AppendLockOptions {
  /** A lock file older than this is stale even if its pid looks alive (pid reuse, a hung host). */
  readonly staleMs?: number;
  readonly pid?: number;
  readonly host?: string;
  readonly isAlive?: (pid: number) => boolean;
  /** Waiting longer than this for the lock is a stall (default a sixth of `staleMs`: a missed heartbeat). */
  readonly stallMs?: number;
}

interface LockFileInfo extends LockInfo {
  readonly token: string;
}

function parseLockInfo(text: string): LockFileInfo | undefined {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (typeof v.pid !== 'number' || typeof v.host !== 'string' || typeof v.time !== 'number') return undefined;
    return { pid: v.pid, host: v.host, time: v.time, token: typeof v.token === 'string' ? v.token : '' };
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

export class AppendLock {
  readonly file: string;
  private readonly staleMs: number;
  private readonly pid: number;
  private readonly host: string;
  private readonly isAlive: (pid: number) => boolean;
  private token: string | undefined;
  /** Stale locks taken over (for a warning): who held them. */
  readonly takenOver: LockInfo[] = [];
  /** The last time acquiring waited past `stallMs` (nobody could append meanwhile), if ever. */
  private stalled: LockStall | undefined;
  private readonly stallMs: number;

  constructor(dir: string, options: AppendLockOptions = {}) {
    this.file = path.join(dir, APPEND_LOCK_FILE);
    this.staleMs = options.staleMs ?? DEFAULT_LOCK_GRACE_MS;
    this.pid = options.pid ?? process.pid;
    this.host = options.host ?? os.hostname();
    this.isAlive = options.isAlive ?? isPidAlive;
    this.stallMs = options.stallMs ?? Math.max(50, Math.floor(this.staleMs / 6));
  }

  /** The last stall of the journal seen by this writer: its silence says nothing of the other workers. */
  lastStall(): LockStall | undefined {
    return this.stalled;
  }

  /** Waits until the lock is ours (backing off from 1 to 50 ms between tries; a stale lock is taken over). */
  async acquire(): Promise<void> {
    if (this.token) throw new Error(`${this.file} is already held by this process`);
    const token = crypto.randomBytes(8).toString('hex');
    const content = JSON.stringify({ pid: this.pid, host: this.host, time: Date.now(), token });
    const started = Date.now();
    const holders: LockInfo[] = [];
    // The lock is made whole or not at all: a private draft with the content, hard-linked to the lock's name.
    const draft = `${this.file}.${token}`;
    fs.writeFileSync(draft, content, { mode: 0o644 });
    try {
      for (let wait = 1; ; wait = Math.min(50, wait * 2)) {
        if (linkUnlessExists(draft, this.file)) break;
        const holder = this.takeOverIfStale();
        if (holder) holders.push(holder);
        else if (holder === undefined) await sleep(wait + Math.random() * wait);
      }
    } finally {
      fs.rmSync(draft, { force: true });
    }
    this.token = token;
    const ended = Date.now();
    if (ended - started > this.stallMs) this.stalled = { from: started, to: ended, holders };
  }

  /** True while the lock file still carries our token: checked right before every append. */
  holds(): boolean {
    if (!this.token) return false;
    try {
      return parseLockInfo(fs.readFileSync(this.file, 'utf8'))?.token === this.token;
    } catch {
      return false;
    }
  }

  release(): void {
    if (!this.token) return;
    // Only remove the lock if it is still ours (a takeover after a long stall may have replaced it).
    if (this.holds()) fs.rmSync(this.file, { force: true });
    this.token = undefined;
  }

  /**
   * Moves a stale lock out of the way and says who held it; `null` when the lock went away by itself
   * (try again at once), `undefined` when it is held and fresh (wait).
   */
  private takeOverIfStale(): LockInfo | null | undefined {
    let text: string;
    let mtimeMs: number;
    try {
      text = fs.readFileSync(this.file, 'utf8');
      mtimeMs = fs.statSync(this.file).mtimeMs;
    } catch {
      return null; // released between our create attempt and the read
    }
    const owner = parseLockInfo(text);
    // An empty or half-written lock may be one being created right now: only its age makes it stale.
    const deadHere = owner !== undefined && owner.host === this.host && owner.pid !== this.pid && !this.isAlive(owner.pid);
    if (!deadHere && Date.now() - mtimeMs <= this.staleMs) return undefined;
    const aside = `${this.file}.stale-${this.pid}-${crypto.randomBytes(4).toString('hex')}`;
    try {
      fs.renameSync(this.file, aside);
    } catch {
      return null; // someone else moved it first
    }
    fs.rmSync(aside, { force: true });
    const holder = owner ?? { pid: 0, host: 'unknown', time: mtimeMs };
    this.takenOver.push(holder);
    return holder;
  }
}

/** A wait for the append lock longer than a heartbeat: from, to (ms) and whose stale locks ended it. */
export interface LockStall {
  readonly from: number;
  readonly to: number;
  readonly holders: readonly LockInfo[];
}

function linkUnlessExists(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * The live owner named by a `lock` file that versions before 0.2 held for a whole run, if any: a
 * study such a version is running must not be joined by a writer that speaks the new records.
 */
export function legacyLockOwner(dir: string, graceMs: number, host = os.hostname(), isAlive: (pid: number) => boolean = isPidAlive): LockInfo | undefined {
  const file = path.join(dir, 'lock');
  try {
    const owner = parseLockInfo(fs.readFileSync(file, 'utf8'));
    const mtimeMs = fs.statSync(file).mtimeMs;
    if (!owner) return undefined;
    const alive = owner.host === host ? isAlive(owner.pid) : Date.now() - mtimeMs <= graceMs;
    return alive ? { pid: owner.pid, host: owner.host, time: owner.time } : undefined;
  } catch {
    return undefined;
  }
}
