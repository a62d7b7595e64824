/**
 * What a gone run left running, stopped by the run that took its trials over: process groups on this
 * host (runner/survivors.ts) and Slurm jobs still queued or running (the executor's `cancelLeftJobs`,
 * `scancel`). Both are recorded in the journal (`spawn` records) as the trials start.
 */
import type { TrialExecutor } from '../runner/types';
import { stopSurvivors } from '../runner/survivors';
import { describeTakeOver, type TakeOver } from './recovery';

/** How long stopping a dead run's leftover processes may take before SIGKILL. */
const SURVIVOR_GRACE_MS = 3000;

export interface LeftoverContext {
  readonly study: string;
  readonly host: string;
  readonly executor: TrialExecutor;
  readonly trialDir: (n: number) => string;
  readonly warn: (message: string) => void;
}

/** The Slurm jobs of the trials taken over, one per trial (the latest submission). */
export function leftJobs(t: TakeOver): Array<{ number: number; job: string }> {
  return t.trials.filter(x => x.trial.slurmJob !== undefined).map(x => ({ number: x.trial.number, job: x.trial.slurmJob! }));
}

/** Warns about the takeover, then stops what the gone run left; resolves once that is done. */
export async function stopLeftovers(t: TakeOver, ctx: LeftoverContext): Promise<void> {
  const { warnings, survivors } = describeTakeOver(t, ctx.study, ctx.host, ctx.trialDir);
  for (const w of warnings) ctx.warn(w);
  const stopping = stopSurvivors(survivors, SURVIVOR_GRACE_MS).then(stopped => {
    for (const n of stopped) ctx.warn(`stopped the processes trial ${n} left running (process group ${survivors.find(h => h.number === n)?.pgid})`);
  });
  await Promise.all([stopping, cancelJobs(leftJobs(t), ctx)]);
}

async function cancelJobs(jobs: Array<{ number: number; job: string }>, ctx: LeftoverContext): Promise<void> {
  if (jobs.length === 0) return;
  const list = jobs.map(j => `${j.job} (trial ${j.number})`).join(', ');
  if (!ctx.executor.cancelLeftJobs) {
    ctx.warn(`Slurm jobs ${list} of the gone run may still be queued or running; this run does not use Slurm, so cancel them with scancel`);
    return;
  }
  try {
    const cancelled = new Set(await ctx.executor.cancelLeftJobs(ctx.study, jobs.map(j => j.job)));
    for (const j of jobs) if (cancelled.has(j.job)) ctx.warn(`cancelled Slurm job ${j.job} that trial ${j.number} left queued or running`);
  } catch (err) {
    ctx.warn(`could not cancel the Slurm jobs the gone run left (${list}): ${err instanceof Error ? err.message : String(err)}; cancel them with scancel`);
  }
}
