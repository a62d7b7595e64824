/**
 * The Slurm commands the executor runs, behind a narrow port: every one runs through execFile with an
 * argv (no shell on this side), so the control flow can also be driven by a fake in tests, and every
 * call can be counted (the scheduler load a study puts on the controller).
 */
import { execFile } from 'node:child_process';

export interface CommandResult {
  /** Exit code; null when the command could not be run at all (then `error` says why). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: string;
}

export type SlurmCommand = 'sbatch' | 'squeue' | 'scontrol' | 'scancel' | 'sacct' | 'sacctmgr';
export type SlurmCommandRunner = (command: SlurmCommand, args: readonly string[]) => Promise<CommandResult>;

/** Runs a Slurm command with execFile (argv, no shell), a 60 s limit and the given environment. */
export function execFileRunner(env: Readonly<Record<string, string | undefined>> = process.env): SlurmCommandRunner {
  return (command, args) =>
    new Promise((resolve) => {
      execFile(command, [...args], { env: env as NodeJS.ProcessEnv, timeout: 60_000, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
        // execFile's error carries the exit status as a number, or a string errno when it could not run.
        const code = (err as { code?: unknown } | null)?.code;
        if (err && typeof code !== 'number') {
          const why = code === 'ENOENT' ? `${command} not found on PATH (is the Slurm client installed?)` : `${command}: ${err.message}`;
          resolve({ code: null, stdout: String(stdout), stderr: String(stderr), error: why });
        } else resolve({ code: typeof code === 'number' ? code : 0, stdout: String(stdout), stderr: String(stderr) });
      });
    });
}

/** How many times each Slurm command ran: the load a study put on the scheduler. */
export type SlurmCallCounts = Record<SlurmCommand, number>;

export function emptyCounts(): SlurmCallCounts {
  return { sbatch: 0, squeue: 0, scontrol: 0, scancel: 0, sacct: 0, sacctmgr: 0 };
}

/** Wraps a runner so each call is counted in `counts`. */
export function countingRunner(inner: SlurmCommandRunner, counts: SlurmCallCounts): SlurmCommandRunner {
  return (command, args) => {
    counts[command]++;
    return inner(command, args);
  };
}

/** What a failed command said, in one line for a message. */
export function failureText(result: CommandResult): string {
  return (result.error ?? (result.stderr.trim() || result.stdout.trim() || `exit code ${result.code}`)).replace(/\s*\n\s*/g, '; ');
}
