/**
 * What both executors do before anything runs: check the trial, build its argv, resolve the executable
 * to an absolute path and make sure the program exists. Every problem is a LaunchError or ArgvError
 * with a message for the user, so a bad study fails its trial cleanly instead of crashing the runner.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isNotebookProgram, notebookLaunch } from '../notebook/launch';
import { buildTrialArgv } from './argv';
import { checkProgram, LaunchError, probeFile, resolveExecutable } from './resolve';
import type { LaunchSpec, TrialLaunch } from './types';

export interface LaunchPlan {
  /** Absolute path of the executable. */
  readonly file: string;
  readonly args: string[];
  /** Files the argv refers to (params.json, override files), to write into the trial directory. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly content: string }>;
}

export async function planLaunch(trial: TrialLaunch, pathEnv: string | undefined): Promise<LaunchPlan> {
  if (!trial || typeof trial !== 'object') throw new LaunchError('no trial to launch');
  if (!Number.isInteger(trial.trialNumber) || trial.trialNumber < 0) throw new LaunchError(`trial number must be a non-negative integer, got ${String(trial.trialNumber)}`);
  if (typeof trial.trialDir !== 'string' || !path.isAbsolute(trial.trialDir)) throw new LaunchError(`the trial directory must be an absolute path, got ${JSON.stringify(trial.trialDir)}`);
  if (!trial.spec || typeof trial.spec !== 'object') throw new LaunchError('the trial has no launch spec');
  if (trial.timeoutMs !== undefined && !(typeof trial.timeoutMs === 'number' && trial.timeoutMs > 0)) {
    throw new LaunchError(`timeoutMs must be a positive number of milliseconds, got ${String(trial.timeoutMs)}`);
  }
  const cwdKind = typeof trial.spec.cwd === 'string' ? await fs.promises.stat(trial.spec.cwd).then(s => (s.isDirectory() ? 'dir' : 'file'), () => 'missing') : 'missing';
  if (cwdKind !== 'dir') throw new LaunchError(`working directory ${trial.spec.cwd} ${cwdKind === 'file' ? 'is not a directory' : 'does not exist'}`);
  // A notebook runs through the notebook runner, which the plan writes into the trial folder.
  const notebook = isNotebookProgram(trial.spec) ? notebookLaunch(trial.spec, trial.trialDir, trial.trialNumber) : undefined;
  const spec = notebook?.spec ?? trial.spec;
  const built = buildTrialArgv(spec, trial.params, { trialDir: trial.trialDir });
  const asCommand = programIsCommand(spec, built.argv);
  const file = asCommand ? resolveProgramCommand(built.argv[0], spec.cwd, pathEnv) : resolveExecutable(built.argv[0], { cwd: spec.cwd, pathEnv });
  if (built.programPath !== undefined && !asCommand && built.argv[0] !== built.programPath) checkProgram(spec.program as string, built.programPath, spec.cwd);
  return { file, args: built.argv.slice(1), files: notebook ? [...built.files, notebook.runner] : built.files };
}

/**
 * True when the study's `program` is the command itself (`command: [${env}, ${program}, …]`, as
 * wandb-allennlp writes it) and written as a bare name: then, as under `wandb agent` (`/usr/bin/env
 * NAME`), it is looked up in PATH rather than taken as a file of the study folder.
 */
export function programIsCommand(spec: LaunchSpec, argv: readonly string[]): boolean {
  return spec.argStyle === 'wandb' && typeof spec.program === 'string' && argv[0] === spec.program && !/[\\/]/.test(spec.program);
}

/** A program named as a command: PATH first (what env does); a study-folder file of that name when PATH has none. */
function resolveProgramCommand(name: string, cwd: string, pathEnv: string | undefined): string {
  try {
    return resolveExecutable(name, { cwd, pathEnv });
  } catch (err) {
    const local = path.join(cwd, name);
    if (probeFile(local) === 'executable') return local;
    const hint = probeFile(local) === 'file' ? `; ${local} exists but is not executable (chmod +x it, or run it through \${interpreter})` : '';
    throw new LaunchError(`${(err as Error).message}${hint}`);
  }
}
