/**
 * An in-memory Slurm for the executor's control-flow tests: it answers sbatch --array, squeue -r -O,
 * sacct (-D), scontrol show config/job/node, scancel and sacctmgr the way Slurm 22.05 does (as seen on
 * the test cluster), and lets a test move tasks through their states. Writes to a task's output go
 * through the submission's `%a.out`/`%a.err` links into the trial folder, as Slurm's do.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandResult, SlurmCommand } from '../../../src/core/runner/slurm';

export interface FakeTask {
  readonly id: string;
  readonly array: string;
  readonly index: number;
  readonly outputDir: string;
  state: string;
  exit: string;
  restarts: number;
  rawId: string;
  nodes: string;
  /** Ended attempts that Slurm requeued (sacct -D rows). */
  readonly attempts: Array<{ state: string; nodes: string }>;
  /** Gone from squeue and scontrol (MinJobAge passed), still in sacct. */
  purged: boolean;
  /** Removed everywhere (a pending task cancelled on its own). */
  vanished: boolean;
}

const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });
const fail = (stderr: string): CommandResult => ({ code: 1, stdout: '', stderr });

export class FakeSlurm {
  readonly log: string[] = [];
  readonly submissions: string[][] = [];
  readonly tasks = new Map<string, FakeTask>();
  accounting = false;
  maxArraySize = 1001;
  /** MaxSubmitJobs sacctmgr reports (undefined: none). */
  reportedLimit: number | undefined;
  /** The limit sbatch enforces (counts every non-ended task). */
  enforcedLimit: number | undefined;
  /** squeue fails while set. */
  controllerDown = false;
  nodeEvent: { state: string; reason: string } | undefined;
  private nextId = 100;

  readonly run = async (command: SlurmCommand, args: readonly string[]): Promise<CommandResult> => {
    this.log.push(`${command} ${args.join(' ')}`);
    await new Promise((r) => setImmediate(r));
    switch (command) {
      case 'sbatch':
        return this.sbatch(args);
      case 'squeue':
        return this.squeue(args);
      case 'sacct':
        return this.sacct(args);
      case 'scontrol':
        return this.scontrol(args);
      case 'scancel':
        return this.scancel(args);
      case 'sacctmgr':
        return this.sacctmgr(args);
    }
    return fail('unknown command');
  };

  calls(command: SlurmCommand): string[] {
    return this.log.filter((l) => l.startsWith(`${command} `));
  }

  task(id: string): FakeTask {
    const t = this.tasks.get(id);
    if (!t) throw new Error(`no task ${id}; tasks: ${[...this.tasks.keys()].join(' ')}`);
    return t;
  }

  running(id: string): void {
    const t = this.task(id);
    t.state = 'RUNNING';
    t.rawId = String(this.nextId++);
    t.nodes = 'node1';
  }

  end(id: string, state: string, exit = '0:0'): void {
    const t = this.task(id);
    t.state = state;
    t.exit = exit;
  }

  /** Slurm requeues a running task: the cut attempt is recorded as `cut` (REQUEUED, PREEMPTED, NODE_FAIL). */
  requeue(id: string, cut: string): void {
    const t = this.task(id);
    t.attempts.push({ state: cut, nodes: t.nodes });
    t.state = 'PENDING';
    t.restarts++;
  }

  write(id: string, stream: 'out' | 'err', text: string): void {
    const t = this.task(id);
    fs.appendFileSync(path.join(t.outputDir, `${t.index}.${stream}`), text);
  }

  private sbatch(args: readonly string[]): CommandResult {
    this.submissions.push([...args]);
    const array = /^--array=(\d+)(?:-(\d+))?(?:%\d+)?$/.exec(args.find((a) => a.startsWith('--array=')) ?? '');
    const output = args.find((a) => a.startsWith('--output='))?.slice('--output='.length) ?? '';
    if (!array) return fail('sbatch: error: this fake only takes arrays');
    const n = Number(array[2] ?? array[1]) + 1;
    const active = [...this.tasks.values()].filter((t) => !t.vanished && !['COMPLETED', 'FAILED', 'CANCELLED', 'PREEMPTED', 'NODE_FAIL', 'TIMEOUT'].includes(t.state)).length;
    if (this.enforcedLimit !== undefined && active + n > this.enforcedLimit) {
      return fail("sbatch: error: AssocMaxSubmitJobLimit\nsbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)");
    }
    const id = String(this.nextId++);
    for (let i = 0; i < n; i++) {
      this.tasks.set(`${id}_${i}`, {
        id: `${id}_${i}`, array: id, index: i, outputDir: path.dirname(output), state: 'PENDING', exit: '0:0', restarts: 0, rawId: id, nodes: '', attempts: [], purged: false, vanished: false,
      });
    }
    return ok(`${id}\n`);
  }

  private squeue(args: readonly string[]): CommandResult {
    if (this.controllerDown) return fail('slurm_load_jobs error: Unable to contact slurm controller (connect failure)');
    const arrays = (args[args.indexOf('-j') + 1] ?? '').split(',');
    const rows = [...this.tasks.values()].filter((t) => arrays.includes(t.array) && !t.purged && !t.vanished);
    if (rows.length === 0 && arrays.length === 1) return fail('slurm_load_jobs error: Invalid job id specified');
    return ok(rows.map((t) => `${t.id}|${t.state}|${t.restarts}|${t.rawId}|None|\n`).join(''));
  }

  private sacct(args: readonly string[]): CommandResult {
    if (args.includes('-c')) return fail('sacct: error: no job completion log in this fake');
    if (!this.accounting) return fail('sacct: error: Slurm accounting storage is disabled');
    const ids = (args[args.indexOf('-j') + 1] ?? '').split(',');
    const lines: string[] = [];
    for (const t of this.tasks.values()) {
      if (t.vanished || !(ids.includes(t.array) || ids.includes(t.id))) continue;
      if (args.includes('-D')) for (const a of t.attempts) lines.push(`${t.id}|${a.state}|0:0|${a.nodes}`);
      lines.push(`${t.id}|${t.state === 'CANCELLED' ? 'CANCELLED by 0' : t.state}|${t.exit}|${t.nodes || 'None assigned'}`);
    }
    return ok(lines.map((l) => `${l}\n`).join(''));
  }

  private scontrol(args: readonly string[]): CommandResult {
    if (args[0] === 'show' && args[1] === 'config') {
      return ok(`Configuration data as of now\nAccountingStorageType   = accounting_storage/${this.accounting ? 'slurmdbd' : 'none'}\nClusterName             = fake\nMaxArraySize            = ${this.maxArraySize}\n`);
    }
    if (args[1] === 'show' && args[2] === 'node') {
      return ok(`NodeName=${args[3]} Arch=x86_64 State=DOWN Reason=${this.nodeEvent?.reason ?? '(null)'} [root@2026-01-01T00:00:00]\n`);
    }
    const array = args[3];
    const records = [...this.tasks.values()].filter((t) => t.array === array && !t.purged && !t.vanished);
    if (records.length === 0) return fail('slurm_load_jobs error: Invalid job id specified');
    return ok(records.map((t) => `JobId=${t.rawId} ArrayJobId=${t.array} ArrayTaskId=${t.index} JobName=x JobState=${t.state} Reason=None Requeue=1 Restarts=${t.restarts} ExitCode=${t.exit} NodeList=${t.nodes || '(null)'}\n`).join(''));
  }

  private scancel(args: readonly string[]): CommandResult {
    for (const id of args) {
      const t = this.tasks.get(id);
      if (!t) continue;
      if (t.state === 'PENDING') t.vanished = true;
      else if (t.state === 'RUNNING') this.end(id, 'CANCELLED', '0:15');
    }
    return ok();
  }

  private sacctmgr(args: readonly string[]): CommandResult {
    if (!this.accounting) return fail('sacctmgr: error: accounting storage is disabled');
    if (args.includes('assoc')) return ok(`fake|root|${this.reportedLimit ?? ''}||normal\n`);
    if (args.includes('qos')) return ok('normal||\n');
    if (args.includes('event')) return ok(this.nodeEvent ? `node1|2026-01-01T00:00:00|${this.nodeEvent.state}|${this.nodeEvent.reason}\n` : '');
    return fail('unknown sacctmgr request');
  }
}
