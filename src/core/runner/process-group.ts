/**
 * Signalling a trial's whole process tree. Each trial is spawned `detached`, which makes it the
 * leader of a new process group (pgid = its pid), so `kill(-pgid)` reaches the wrapper script,
 * the interpreter and every DataLoader worker or `sleep &` it started — unlike `child.kill()`,
 * which signals only the leader and orphans grandchildren (the W&B agent's caveat).
 *
 * Windows has no process groups: `taskkill /T` walks the tree instead (best effort, untested here).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';

/**
 * A pid we may turn into a group signal. `kill(-0)` would signal our *own* group and `kill(-1)`
 * every process we may signal (nodejs/node#65054 shows an unassigned pid reaching kill as 0), so
 * anything but an integer above 1 is refused. A failed spawn leaves `child.pid` undefined.
 */
export function isSignallablePid(pid: unknown): pid is number {
  return typeof pid === 'number' && Number.isInteger(pid) && pid > 1;
}

/** Sends `signal` to every process of the group; false when there was none (ESRCH) or the pid is unsafe. */
export function signalGroup(pgid: number | undefined, signal: NodeJS.Signals, platform: NodeJS.Platform = process.platform): boolean {
  if (!isSignallablePid(pgid)) return false;
  if (platform === 'win32') {
    // /T: the whole tree; /F only for the hard kill (without it taskkill asks the windows to close).
    const args = ['/PID', String(pgid), '/T', ...(signal === 'SIGKILL' ? ['/F'] : [])];
    execFile('taskkill', args, { windowsHide: true }, () => undefined);
    return isProcessAlive(pgid);
  }
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    // EPERM: some member exists but is not ours to signal (a setuid helper) — still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a single process exists (zombies included; see isZombie). */
export function isProcessAlive(pid: number): boolean {
  if (!isSignallablePid(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface ProcStat {
  readonly state: string;
  readonly pgrp: number;
}

function readProcStat(pid: string): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], pgrp: Number(fields[2]) };
}

/** True when `pid` is a zombie (exited, waiting to be reaped): dead for every purpose but `kill(pid, 0)`. */
export function isZombie(pid: number): boolean {
  const stat = readProcStat(String(pid));
  return stat !== undefined && (stat.state === 'Z' || stat.state === 'X');
}

/**
 * Whether any process of the group is still running. `kill(-pgid, 0)` answers for the whole group
 * but counts zombies; orphaned grandchildren are reaped by PID 1, which in containers and micro-VMs
 * can take seconds. On Linux a "yes" is therefore double-checked in /proc, ignoring zombies.
 */
export function isGroupAlive(pgid: number | undefined, platform: NodeJS.Platform = process.platform): boolean {
  if (!isSignallablePid(pgid)) return false;
  if (platform === 'win32') return isProcessAlive(pgid);
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (platform !== 'linux') return true;
  const members = liveGroupMembers(pgid);
  return members === undefined || members.length > 0;
}

/** The pids (as /proc entry names) of the group's processes that are not zombies; undefined when /proc cannot be read (Linux only). */
export function liveGroupMembers(pgid: number): string[] | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return undefined;
  }
  return entries.filter(entry => {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) return false;
    const stat = readProcStat(entry);
    return stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X';
  });
}

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

export interface TerminateOptions {
  /** Time between SIGTERM and SIGKILL. */
  readonly graceMs: number;
  /**
   * How long to keep waiting after SIGKILL before giving up (a process stuck in uninterruptible I/O,
   * or a setuid member we may not signal). Default 30 000 ms; SIGKILL is repeated every second meanwhile.
   */
  readonly killWaitMs?: number;
  readonly platform?: NodeJS.Platform;
}

export interface TerminateResult {
  /** SIGKILL was needed. */
  readonly killed: boolean;
  /** Some process of the group was still there when we gave up waiting (see killWaitMs). */
  readonly survivors: boolean;
}

/**
 * SIGTERM to the group, SIGKILL to the group once `graceMs` has passed, and resolves when no
 * process of the group is left. Polls quickly at first (most programs exit within tens of ms)
 * and backs off to 50 ms.
 */
export async function terminateGroup(pgid: number | undefined, options: TerminateOptions): Promise<TerminateResult> {
  const platform = options.platform ?? process.platform;
  if (!isSignallablePid(pgid) || !isGroupAlive(pgid, platform)) return { killed: false, survivors: false };
  signalGroup(pgid, 'SIGTERM', platform);
  const killAt = Date.now() + Math.max(0, options.graceMs);
  const giveUpAt = killAt + (options.killWaitMs ?? 30_000);
  let lastKill = 0;
  let interval = 5;
  while (isGroupAlive(pgid, platform)) {
    const now = Date.now();
    if (now >= giveUpAt) return { killed: true, survivors: true };
    if (now >= killAt && now - lastKill >= 1000) {
      // Repeated: a process forked while the first SIGKILL was being delivered gets the next one.
      signalGroup(pgid, 'SIGKILL', platform);
      if (lastKill === 0) interval = 5;
      lastKill = now;
    }
    await sleep(lastKill ? interval : Math.min(interval, Math.max(1, killAt - now)));
    interval = Math.min(50, interval * 2);
  }
  return { killed: lastKill > 0, survivors: false };
}
