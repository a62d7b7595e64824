/**
 * Checks made once a study file has loaded and before the study exists (no journal yet): what the
 * command line changes (`--sampler grid`) and what is on disk (the program). Each problem is a
 * study-file issue at the key at fault, so `hpstudio tune` exits 2 and the editor shows file:line:col,
 * instead of a journal that holds three failed trials and makes the rerun say "already exists".
 */
import * as path from 'node:path';
import { buildTrialArgv } from '../runner/argv';
import { programIsCommand } from '../runner/launchPlan';
import { checkProgram } from '../runner/resolve';
import type { LaunchSpec } from '../runner/types';
import { gridProblems } from './gridCheck';
import type { ParsedStudyFile } from './studyFile';
import type { SourcePosition, StudyConfig, StudyFileIssue } from './types';

const START: SourcePosition = { line: 1, col: 1 };

/** Problems of `config` (the loaded file's, with command-line overrides applied); `file` names it in messages. */
export function preflightIssues(parsed: ParsedStudyFile, config: StudyConfig, file: string): StudyFileIssue[] {
  const issues: StudyFileIssue[] = [];
  if (config.sampler === 'grid') {
    // The file's own `method: grid` was checked at its parameters; this is grid asked for from outside.
    for (const p of gridProblems(config.space)) issues.push({ file, ...(parsed.positions.method ?? START), message: `grid search (--sampler grid): ${p.message}` });
  }
  const program = programProblem(config);
  if (program !== undefined) issues.push({ file, ...(parsed.positions.program ?? START), message: program });
  return issues;
}

/**
 * A missing program would fail every trial (and trip the flapping guard). Only checked locally: a
 * Slurm node may see a file system this machine does not. A program that is the command itself
 * (`[${env}, ${program}, …]`) is looked up in PATH per trial instead.
 */
export function programProblem(config: StudyConfig): string | undefined {
  const launch = config.launch;
  if (launch.program === undefined || config.executor.type !== 'local' || !programUsedAsScript(launch)) return undefined;
  try {
    checkProgram(launch.program, path.resolve(launch.cwd, launch.program), launch.cwd);
    return undefined;
  } catch (err) {
    return `program ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** True when the trials read `program` as a file (a script argument), not run it as a command or leave it out. */
function programUsedAsScript(launch: LaunchSpec): boolean {
  try {
    const built = buildTrialArgv(launch, {}, { trialDir: path.join(launch.cwd, '.hpstudio') });
    return built.programPath !== undefined && !programIsCommand(launch, built.argv);
  } catch {
    return true; // the first trial reports the problem with its own message
  }
}
