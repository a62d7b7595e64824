/**
 * What the executor learns about the cluster once, before its first submission: whether accounting
 * (slurmdbd) runs, so ends are read from `sacct`; how many tasks one array may hold (MaxArraySize);
 * and the user's submit limits (MaxSubmitJobs of the association and its QOS, from `sacctmgr`), so a
 * study never asks for more than Slurm accepts. Refusals still happen (other jobs of the user count
 * too): `isSubmitLimitRefusal` tells them from real errors, and `SubmitRoom` shrinks and waits.
 */
import { failureText, type SlurmCommandRunner } from './commands';
import { parseConfig } from './states';

export interface SubmitLimit {
  readonly limit: number;
  /** Where it comes from, for messages: `MaxSubmitJobs=6 of association hps/root`. */
  readonly source: string;
}

export interface ClusterFacts {
  readonly accounting: boolean;
  readonly clusterName?: string;
  /** Array task ids must be below this (Slurm's default 1001). */
  readonly maxArraySize: number;
  readonly submitLimit?: SubmitLimit;
}

const DEFAULT_MAX_ARRAY_SIZE = 1001;

export async function readClusterFacts(run: SlurmCommandRunner, user: string, account: string | undefined): Promise<ClusterFacts> {
  const config = await run('scontrol', ['show', 'config']);
  const settings = config.code === 0 ? parseConfig(config.stdout) : new Map<string, string>();
  const accounting = /slurmdbd/.test(settings.get('AccountingStorageType') ?? '');
  const maxArraySize = Math.max(1, Number(settings.get('MaxArraySize')) || DEFAULT_MAX_ARRAY_SIZE);
  const clusterName = settings.get('ClusterName');
  const submitLimit = accounting ? await readSubmitLimit(run, user, account, clusterName) : undefined;
  return { accounting, clusterName, maxArraySize, submitLimit };
}

/** The smallest MaxSubmitJobs / GrpSubmitJobs of the user's associations (on this cluster, for the account if given) and their QOS. */
async function readSubmitLimit(run: SlurmCommandRunner, user: string, account: string | undefined, cluster: string | undefined): Promise<SubmitLimit | undefined> {
  const where = ['where', `user=${user}`, ...(account ? [`account=${account}`] : []), ...(cluster ? [`cluster=${cluster}`] : [])];
  const assoc = await run('sacctmgr', ['-n', '-P', 'show', 'assoc', ...where, 'format=Account,User,MaxSubmit,GrpSubmit,QOS']);
  if (assoc.code !== 0) return undefined;
  let best: SubmitLimit | undefined;
  const consider = (value: string | undefined, source: string) => {
    const n = Number(value);
    if (value && /^\d+$/.test(value) && (!best || n < best.limit)) best = { limit: n, source };
  };
  const qosNames = new Set<string>();
  for (const line of assoc.stdout.split('\n')) {
    const [acct, assocUser, maxSubmit, grpSubmit, qos] = line.trim().split('|');
    if (!acct) continue;
    const name = `association ${acct}/${assocUser || '(account)'}`;
    consider(maxSubmit, `MaxSubmitJobs=${maxSubmit} of ${name}`);
    consider(grpSubmit, `GrpSubmitJobs=${grpSubmit} of ${name}`);
    for (const q of (qos ?? '').split(',')) if (q) qosNames.add(q);
  }
  if (qosNames.size > 0) {
    const qos = await run('sacctmgr', ['-n', '-P', 'show', 'qos', 'format=Name,MaxSubmitPU,GrpSubmit']);
    if (qos.code === 0) {
      for (const line of qos.stdout.split('\n')) {
        const [name, perUser, grp] = line.trim().split('|');
        if (!name || !qosNames.has(name)) continue;
        consider(perUser, `MaxSubmitJobsPerUser=${perUser} of QOS ${name}`);
        consider(grp, `GrpSubmitJobs=${grp} of QOS ${name}`);
      }
    }
  }
  return best;
}

/** sbatch refused because too many jobs are queued (a limit that frees up), not because the request is wrong. */
export function isSubmitLimitRefusal(stderr: string): boolean {
  return /(Assoc|QOS)(Grp|Max)SubmitJob|SubmitJobsLimit|MaxSubmitJobs|MaxJobCount|temporarily unable to accept job/i.test(stderr);
}

/** The short reason sbatch gave (`AssocMaxSubmitJobLimit`), else its message. */
export function refusalReason(stderr: string): string {
  return /\b(?:Assoc|QOS)\w*Limit\b/.exec(stderr)?.[0] ?? failureText({ code: 1, stdout: '', stderr });
}

/**
 * How many more array tasks may be submitted now. Known limits come from sacctmgr; a refusal halves the
 * next attempt, each of ours that ends makes room for one more, and a single task refused waits until
 * one of ours ends (or a retry, when none runs).
 */
export class SubmitRoom {
  private shrinkTo: number | undefined;
  /** Set while Slurm refuses: why, for the message (cleared by the next accepted submission). */
  blockedBy: string | undefined;

  constructor(private readonly facts: ClusterFacts) {}

  /** Tasks the next submission may hold, given `inFlight` tasks of ours not yet ended. */
  next(inFlight: number): number {
    const known = this.facts.submitLimit ? this.facts.submitLimit.limit - inFlight : Infinity;
    return Math.max(0, Math.min(known, this.shrinkTo ?? Infinity, this.facts.maxArraySize));
  }

  accepted(): void {
    this.blockedBy = undefined;
  }

  refused(attempted: number, reason: string): void {
    this.blockedBy = reason;
    this.shrinkTo = attempted > 1 ? Math.floor(attempted / 2) : 0;
  }

  /** `count` of our jobs ended: that much room opened (at least one task may be tried again). */
  freed(count = 1): void {
    if (this.shrinkTo !== undefined) this.shrinkTo = Math.max(1, this.shrinkTo + count);
  }

  /** The configured limit, for messages. */
  get limit(): SubmitLimit | undefined {
    return this.facts.submitLimit;
  }
}
