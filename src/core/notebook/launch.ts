/**
 * A notebook as a study's program: instead of running `program` itself, a trial runs the bundled
 * notebook runner (notebook-runner.py, written into the trial folder) with the study's interpreter. The
 * runner injects the trial's values papermill-style, executes a copy on a Jupyter kernel of that
 * interpreter and forwards the kernel's stream output, so metrics, pruning and stopping work as for a
 * script. One launch-plan step (planLaunch) turns a notebook spec into this command; nothing else in
 * the study engine knows about notebooks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LaunchSpec } from '../runner/types';

/** The runner's file name, next to the bundle (dist/) and next to this module in the sources. */
export const NOTEBOOK_RUNNER_FILE = 'notebook-runner.py';
/** The executed copy of the notebook in each trial folder. */
export const EXECUTED_NOTEBOOK = 'executed.ipynb';

export function isNotebookProgram(spec: Pick<LaunchSpec, 'program' | 'command'>): boolean {
  return typeof spec.program === 'string' && /\.ipynb$/i.test(spec.program) && spec.command === undefined;
}

let runnerSource: string | undefined;

/** The runner's Python source (read once; the build copies the file into dist/). */
export function notebookRunnerSource(): string {
  runnerSource ??= fs.readFileSync(path.join(__dirname, NOTEBOOK_RUNNER_FILE), 'utf8');
  return runnerSource;
}

/** The spec whose command runs the notebook through the runner, and the runner file to write first. */
export function notebookLaunch(spec: LaunchSpec, trialDir: string, trialNumber: number): { spec: LaunchSpec; runner: { path: string; content: string } } {
  const dir = path.resolve(spec.cwd, trialDir);
  const runner = path.join(dir, NOTEBOOK_RUNNER_FILE);
  const command = ['${env}', '${interpreter}', runner, '${program}', '--params', '${args_json_file}', '--output', path.join(dir, EXECUTED_NOTEBOOK), '--trial', String(trialNumber)];
  return { spec: { ...spec, command }, runner: { path: runner, content: notebookRunnerSource() } };
}
