/**
 * Who is still running a study, judged from its journal alone: a worker is alive while it has not
 * left, has not been fenced, and was heard of (a heartbeat or any timed record) within the grace
 * period — and, on this host, while its pid exists. A SIGSTOPped or suspended process keeps its pid
 * but stops sending heartbeats, so after the grace period it counts as gone and may be fenced.
 */
import { DEFAULT_LOCK_GRACE_MS, isPidAlive, type LockStall } from './lock';
import { ownerKey, type JournalMember, type JournalTrial, type ReplayedStudy } from './records';

export interface LivenessPolicy {
  readonly host: string;
  readonly now: number;
  /** Not heard of for longer than this: gone. */
  readonly graceMs?: number;
  readonly isAlive?: (pid: number) => boolean;
  /**
   * The judge's last wait for the append lock: while it lasted nobody could append a heartbeat, so
   * silence in it is no evidence — except against the holders whose stale lock caused it.
   */
  readonly stall?: LockStall;
}

export function memberAlive(m: JournalMember, policy: LivenessPolicy): boolean {
  if (m.left || m.fenced) return false;
  if (m.host === policy.host && !(policy.isAlive ?? isPidAlive)(m.pid)) return false;
  return policy.now - heardOf(m, policy) <= (policy.graceMs ?? DEFAULT_LOCK_GRACE_MS);
}

/** When a worker was last heard of, its silence during a stall of the journal forgiven. */
function heardOf(m: JournalMember, policy: LivenessPolicy): number {
  const { stall } = policy;
  if (!stall || stall.holders.some(h => h.pid === m.pid && h.host === m.host)) return m.lastSeen;
  return Math.max(m.lastSeen, stall.to);
}

/** Workers that count as running the study now. */
export function liveMembers(study: ReplayedStudy, policy: LivenessPolicy): JournalMember[] {
  return [...study.members.values()].filter(m => memberAlive(m, policy));
}

/** Workers that neither left nor were fenced but are gone (crashed, killed, suspended past the grace period). */
export function goneMembers(study: ReplayedStudy, policy: LivenessPolicy): JournalMember[] {
  return [...study.members.values()].filter(m => !m.left && !m.fenced && !memberAlive(m, policy));
}

/** Why a worker counts as gone, for messages. */
export function whyGone(m: JournalMember, policy: LivenessPolicy): string {
  if (m.host === policy.host && !(policy.isAlive ?? isPidAlive)(m.pid)) return `its process (pid ${m.pid} on host ${m.host}) is gone`;
  return `its process (pid ${m.pid} on host ${m.host}) sent no heartbeat for ${Math.round((policy.now - heardOf(m, policy)) / 1000)} s (suspended, stopped or unreachable)`;
}

/**
 * Running trials whose runner is gone: claimed by a gone (or fenced) worker, or — in version 1
 * journals, which have no workers — by an owner whose pid is dead on this host or who sent no
 * heartbeat within the grace period. `self` (a pid) is never gone.
 */
export function findStaleTrials(study: ReplayedStudy, policy: LivenessPolicy & { readonly self?: number }): JournalTrial[] {
  const isAlive = policy.isAlive ?? isPidAlive;
  const graceMs = policy.graceMs ?? DEFAULT_LOCK_GRACE_MS;
  return study.trials.filter(t => {
    if (t.state !== 'running') return false;
    if (t.w !== undefined) {
      const m = study.members.get(t.w);
      return !m || !memberAlive(m, policy);
    }
    if (t.pid === undefined || t.host === undefined) return true;
    if (t.host === policy.host && t.pid !== (policy.self ?? process.pid) && !isAlive(t.pid)) return true;
    const seen = study.lastSeen.get(ownerKey(t.pid, t.host)) ?? t.startTime ?? 0;
    return policy.now - seen > graceMs;
  });
}
