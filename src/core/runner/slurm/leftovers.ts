/**
 * Jobs a dead run left in Slurm. A run killed with SIGKILL cannot scancel its trials' jobs; the journal
 * records each trial's job id (`12_3`), and the run that takes the study over cancels those still queued
 * or running before it runs the trials again. Only jobs that squeue still lists under the study's job
 * name are cancelled, so an id Slurm has since given to someone else's job is never hit.
 */
import { failureText, type SlurmCommandRunner } from './commands';

/** The job name every submission of a study carries (`--job-name`): `hps-<study>`, Slurm-safe. */
export function studyJobName(study: string): string {
  return `hps-${study}`.replace(/[^\w.-]+/g, '_').slice(0, 64);
}

/**
 * Cancels those of `jobs` that squeue lists under `study`'s job name (one `squeue -r`, one `scancel`);
 * resolves with the ids cancelled, in order. Throws with Slurm's message when squeue or scancel fails.
 */
export async function cancelLeftJobs(run: SlurmCommandRunner, study: string, jobs: readonly string[]): Promise<string[]> {
  if (jobs.length === 0) return [];
  const name = studyJobName(study);
  // -r: one line per array task, pending ones too (otherwise `12_[3-5]`).
  const q = await run('squeue', ['-h', '-r', `--name=${name}`, '-o', '%i']);
  if (q.code !== 0) throw new Error(`squeue could not list the jobs of ${name}: ${failureText(q)}`);
  const listed = new Set(q.stdout.split('\n').map(l => l.trim()).filter(Boolean));
  const live = [...new Set(jobs)].filter(id => listed.has(id)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (live.length === 0) return [];
  const r = await run('scancel', [`--name=${name}`, ...live]);
  // A job that ended between the two calls is fine; anything else is not.
  if (r.code !== 0 && !/already complet|Invalid job id/i.test(r.stderr)) throw new Error(`scancel of ${live.join(' ')} failed: ${failureText(r)}`);
  return live;
}
