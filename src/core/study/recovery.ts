/**
 * Taking over what a gone worker left: decided under the append lock (so two survivors never take
 * over the same worker twice), written as one batch — a `fence` record per gone worker, then each of
 * its running trials finished as failed and, unless the study says `retry_failed: false`, queued again
 * as a new waiting trial (Optuna's RetryFailedCallback semantics). A trial whose runs died this many
 * times is not queued again, so a trial that takes its runner down (out of memory…) cannot loop.
 */
import { findStaleTrials, goneMembers, whyGone, type LivenessPolicy } from './liveness';
import type { JournalMember, JournalRecord, JournalTrial, ReplayedStudy } from './records';

export const MAX_LOST_RUNS = 3;
const LOST_PREFIX = 'interrupted: its run';

export interface Me {
  readonly w: number;
  readonly pid: number;
}

export interface TakeOver {
  readonly fenced: ReadonlyArray<{ readonly member: JournalMember; readonly why: string }>;
  /** Trials taken over, with what became of them. */
  readonly trials: ReadonlyArray<{ readonly trial: JournalTrial; readonly requeued: boolean; readonly why: string }>;
}

/** How many runs of these params died under their trial (along the retry chain). */
function lostRuns(study: ReplayedStudy, t: JournalTrial): number {
  let n = 0;
  for (let cur: JournalTrial | undefined = t; cur; cur = cur.retryOf !== undefined ? study.trials[cur.retryOf] : undefined) {
    if (cur !== t && cur.error?.startsWith(LOST_PREFIX)) n++;
  }
  return n;
}

/** True when a failed trial's error says its runner died (not the trial itself). */
export function diedWithItsRun(error: string | undefined): boolean {
  return error?.startsWith(LOST_PREFIX) === true;
}

/**
 * The records that take over every gone worker (and version-1 owners with stale running trials),
 * decided on `study` as it is under the lock. Empty when nobody is gone.
 */
export function takeOverRecords(study: ReplayedStudy, me: Me, policy: LivenessPolicy, retryFailed: boolean | undefined): { records: JournalRecord[]; takeOver: TakeOver } {
  const time = policy.now;
  const records: JournalRecord[] = [];
  const fenced = goneMembers(study, policy).filter(m => m.w !== me.w);
  const why = new Map<number, string>();
  for (const m of fenced) {
    const reason = whyGone(m, policy);
    why.set(m.w, reason);
    records.push({ op: 'fence', w: m.w, by: me.w, reason, time });
  }
  const gone = new Set(fenced.map(m => m.w));
  const stale = new Set(findStaleTrials(study, { ...policy, self: me.pid }).filter(t => t.w === undefined).map(t => t.number));
  const trials: Array<TakeOver['trials'][number]> = [];
  let next = study.trials.length;
  for (const t of study.trials) {
    if (t.state !== 'running' || !(stale.has(t.number) || (t.w !== undefined && gone.has(t.w)))) continue;
    const owner = t.pid !== undefined ? `pid ${t.pid} on host ${t.host}` : 'an unknown process';
    const reason = t.w !== undefined ? why.get(t.w)!.replace(/^its process \([^)]*\) /, '') : 'died or stopped sending heartbeats';
    const requeue = retryFailed !== false && lostRuns(study, t) < MAX_LOST_RUNS;
    const error = `${LOST_PREFIX} (${owner}) ${reason}`;
    records.push({ op: 'finish', number: t.number, w: me.w, state: 'fail', error, requeued: requeue || undefined, time });
    if (requeue) records.push({ op: 'trial', number: next++, params: t.params, state: 'waiting', w: me.w, time, retryOf: t.number });
    trials.push({ trial: t, requeued: requeue, why: reason });
  }
  return { records, takeOver: { fenced: fenced.map(member => ({ member, why: why.get(member.w)! })), trials } };
}

/** What to tell the user about a takeover, and the process groups left on this host to stop. */
export function describeTakeOver(
  t: TakeOver,
  study: string,
  host: string,
  trialDir: (n: number) => string,
): { warnings: string[]; survivors: Array<{ number: number; pgid: number; trialDir: string }> } {
  const warnings: string[] = [];
  for (const { member: m, why } of t.fenced) warnings.push(`took over study ${study} from pid ${m.pid} on host ${m.host} (worker ${m.w}): ${why}`);
  for (const { trial, requeued } of t.trials) {
    warnings.push(`trial ${trial.number} was left running by a run that is gone; marked failed${requeued ? ' and queued again' : ' (retry_failed: false)'}`);
  }
  for (const { trial } of t.trials) {
    if (trial.pgid !== undefined && trial.host !== host) warnings.push(`trial ${trial.number} may still run on host ${trial.host} (process group ${trial.pgid}); stop it there`);
  }
  const survivors = t.trials.filter(x => x.trial.pgid !== undefined && x.trial.host === host).map(x => ({ number: x.trial.number, pgid: x.trial.pgid!, trialDir: trialDir(x.trial.number) }));
  return { warnings, survivors };
}
