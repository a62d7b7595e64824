/**
 * A whole study on the Slurm executor, the way a user runs it: `hpstudio tune study.yaml --json` in its
 * own process, a two-second bash trial (programs/quick.sh), the executor from the study file. Every
 * Slurm command the run makes goes through a logging shim first in PATH, so the load the study puts on
 * the scheduler is counted from outside. Shared by the integration test (correctness) and the
 * benchmark (figures).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const QUICK = path.join(__dirname, 'programs', 'quick.sh');
export const SLURM_COMMANDS = ['sbatch', 'squeue', 'sacct', 'scontrol', 'scancel', 'sacctmgr'] as const;

export interface ScaleRun {
  readonly code: number;
  readonly wallMs: number;
  readonly summary: { completed: number; failed: number; pruned: number; trials: Array<{ number: number; state: string; value?: number }> } | undefined;
  readonly stderr: string;
  /** Calls per Slurm command made by the run. */
  readonly calls: Record<(typeof SLURM_COMMANDS)[number], number>;
  readonly totalCalls: number;
  /** Trial folders whose stdout.log holds exactly one result line (a trial run twice would hold two). */
  readonly trialsWithOneResult: number;
  readonly trialFolders: number;
}

function which(command: string, env: NodeJS.ProcessEnv): string {
  for (const dir of (env.PATH ?? '').split(':')) {
    const file = path.join(dir, command);
    if (dir && fs.existsSync(file)) return file;
  }
  throw new Error(`${command} is not on PATH`);
}

/** Shims in `dir` that log each Slurm call to `log`, then exec the real command. */
function writeShims(dir: string, log: string, env: NodeJS.ProcessEnv): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const command of SLURM_COMMANDS) {
    const real = which(command, env);
    fs.writeFileSync(path.join(dir, command), `#!/bin/sh\necho ${command} >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  }
}

export async function runScaleStudy(options: { env: NodeJS.ProcessEnv; workDir: string; trials: number; parallel: number; name?: string }): Promise<ScaleRun> {
  const { workDir, trials, parallel } = options;
  const name = options.name ?? 'scale';
  fs.mkdirSync(workDir, { recursive: true });
  const shims = path.join(workDir, 'shims');
  const log = path.join(workDir, 'slurm-calls.log');
  writeShims(shims, log, options.env);
  fs.writeFileSync(log, '');
  fs.writeFileSync(
    path.join(workDir, `${name}.study.yaml`),
    [
      `name: ${name}`,
      `program: ${QUICK}`,
      'interpreter: bash',
      'method: random',
      'seed: 7',
      'metric: {name: loss, goal: minimize}',
      'parameters:',
      '  x: {min: 0.0, max: 1.0}',
      `trials: ${trials}`,
      `parallel: ${parallel}`,
      'executor:',
      '  type: slurm',
      '',
    ].join('\n'),
  );
  const env = { ...options.env, PATH: `${shims}:${options.env.PATH ?? ''}` };
  const started = Date.now();
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['-r', require.resolve('esbuild-register'), path.join(ROOT, 'src', 'cli', 'bin.ts'), 'tune', `${name}.study.yaml`, '--json'], { cwd: workDir, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
  const wallMs = Date.now() - started;
  let summary: ScaleRun['summary'];
  try {
    summary = JSON.parse(result.stdout.trim().split('\n').pop() ?? '');
  } catch {
    summary = undefined;
  }
  const calls = Object.fromEntries(SLURM_COMMANDS.map((c) => [c, 0])) as ScaleRun['calls'];
  for (const line of fs.readFileSync(log, 'utf8').split('\n')) if (line in calls) calls[line as keyof ScaleRun['calls']]++;
  const trialsDir = path.join(workDir, '.hpstudio', 'studies', name, 'trials');
  const folders = fs.existsSync(trialsDir) ? fs.readdirSync(trialsDir).filter((f) => /^\d+$/.test(f)) : [];
  const oneResult = folders.filter((f) => {
    const out = path.join(trialsDir, f, 'stdout.log');
    return fs.existsSync(out) && (fs.readFileSync(out, 'utf8').match(/^loss=/gm) ?? []).length === 1;
  }).length;
  return {
    code: result.code,
    wallMs,
    summary,
    stderr: result.stderr,
    calls,
    totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
    trialsWithOneResult: oneResult,
    trialFolders: folders.length,
  };
}
