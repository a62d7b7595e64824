/**
 * Processes a dead run left behind: its trials run in their own process groups, so a `kill -9` of the
 * CLI (or a crashed editor worker) leaves them running. The journal records each trial's process
 * group; a later run stops those groups before it runs the trials again.
 *
 * A process group id can be reused once the group is gone, so a group is only stopped when one of its
 * processes still carries the trial's `HPSTUDIO_TRIAL_DIR` in its environment (Linux /proc; elsewhere
 * a live group is trusted to be the trial's).
 */
import * as fs from 'node:fs';
import { isGroupAlive, liveGroupMembers, terminateGroup } from './process-group';

/** True when a live process of group `pgid` was started for the trial in `trialDir`. */
export function groupBelongsToTrial(pgid: number, trialDir: string, platform: NodeJS.Platform = process.platform): boolean {
  if (!isGroupAlive(pgid, platform)) return false;
  if (platform !== 'linux') return true;
  const marker = Buffer.from(`HPSTUDIO_TRIAL_DIR=${trialDir}\0`);
  const members = liveGroupMembers(pgid);
  if (members === undefined) return true;
  return members.some(pid => {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`).includes(marker);
    } catch {
      return false; // gone, or not ours to read
    }
  });
}

export interface Survivor {
  readonly number: number;
  readonly pgid: number;
  readonly trialDir: string;
}

/** Stops the surviving process groups of these trials (SIGTERM, SIGKILL after `graceMs`); returns the trials that had survivors. */
export async function stopSurvivors(survivors: readonly Survivor[], graceMs: number): Promise<number[]> {
  const stopped: number[] = [];
  await Promise.all(
    survivors.map(async s => {
      if (!groupBelongsToTrial(s.pgid, s.trialDir)) return;
      await terminateGroup(s.pgid, { graceMs });
      stopped.push(s.number);
    }),
  );
  return stopped.sort((a, b) => a - b);
}
