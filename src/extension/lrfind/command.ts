/**
 * "Find Learning Rate…": from a config (its detected learning rate) or a study file (its learning-rate
 * parameter), prepare the lr-find study file (core/lrfind/prepare: the same as `hpstudio lr-find`), run
 * it through the study controller (the worker, any executor, resumable, in the sidebar) and open the
 * learning-rate panel that follows it. Offered by the learning-rate hover, a CodeLens on the rate, the
 * sidebar, the editor and Explorer menus.
 *
 * Non-interactive form (tests, keybindings): executeCommand('hpstudio.findLearningRate', uri,
 *   { param: 'lr', range: '1e-4 .. 1', points: 8, steps: 6, metric: 'loss', program: 'train.py', yes: true })
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { lrFindInputKind, LaunchGuessError, prepareLrFind, type PreparedLrFind } from '../../core/lrfind/prepare';
import { LrFindInputError } from '../../core/lrfind/source';
import { JOURNAL_FILE, studyDirectory } from '../../core/study/journal';
import { StudyFileError } from '../../core/study/studyFile';
import { formatIssue } from '../../core/study/types';
import type { StudyController } from '../studies/controller';
import { askMetricName, readLaunchConfigurations } from '../studies/tuneFile';
import { LrFindPanel, type LrFindPanelDeps } from './panel';

export interface FindLearningRateOptions {
  readonly param?: string;
  /** `"1e-5 .. 1"`. */
  readonly range?: string;
  readonly points?: number;
  readonly steps?: number;
  readonly metric?: string;
  readonly program?: string;
  readonly fresh?: boolean;
  /** Ask nothing: accept a guessed program and the default metric. */
  readonly yes?: boolean;
  /** Open the panel (default true). */
  readonly open?: boolean;
}

export type FindLearningRateResult =
  | { readonly studyFile: string; readonly study: string; readonly created: boolean; readonly started: boolean; readonly notes: readonly string[] }
  | { readonly cancelled: true }
  | { readonly refused: true; readonly reason: string }
  | { readonly error: string };

export interface FindLearningRateDeps extends LrFindPanelDeps {
  readonly controller: StudyController;
  readonly extensionUri: vscode.Uri;
}

function parseRange(text: string): { low: number; high: number } | string {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(?:\.\.|–|—|:|\bto\b)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*$/i.exec(text);
  if (!m) return `a range looks like "1e-5 .. 1", got "${text}"`;
  const low = Number(m[1]);
  const high = Number(m[2]);
  return low > 0 && high > low ? { low, high } : `the range needs 0 < low < high, got ${low} .. ${high}`;
}

function targetUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.length > 0) return /^[a-z][\w+.-]*:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg, true) : vscode.Uri.file(arg);
  return vscode.window.activeTextEditor?.document.uri;
}

export function createFindLearningRateCommand(deps: FindLearningRateDeps): (...args: unknown[]) => Promise<FindLearningRateResult> {
  return async (...args: unknown[]) => {
    const options = (typeof args[1] === 'object' && args[1] !== null && !Array.isArray(args[1]) ? args[1] : typeof args[0] === 'object' && args[0] !== null && !(args[0] instanceof vscode.Uri) ? args[0] : {}) as FindLearningRateOptions;
    const uri = targetUri(args[0] instanceof vscode.Uri || typeof args[0] === 'string' ? args[0] : undefined);
    try {
      return await findLearningRate(deps, uri, options);
    } catch (err) {
      const error = err instanceof StudyFileError ? err.issues.map(formatIssue).join('\n') : err instanceof Error ? err.message : String(err);
      if (!options.yes) void vscode.window.showErrorMessage(`Hyperparameter Studio: ${error}`);
      return { error };
    }
  };
}

async function findLearningRate(deps: FindLearningRateDeps, uri: vscode.Uri | undefined, options: FindLearningRateOptions): Promise<FindLearningRateResult> {
  const yes = options.yes === true;
  const fail = (error: string): FindLearningRateResult => {
    if (!yes) void vscode.window.showWarningMessage(`Hyperparameter Studio: ${error}`);
    return { error };
  };
  if (!vscode.workspace.isTrusted) return deps.controller.refuse();
  if (!uri) return fail('open a config or a study file to find its learning rate');
  if (uri.scheme !== 'file') return fail(`${uri.toString()} is not a file on disk; the lr-find runs trials from a local folder`);
  const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
  if (open?.isDirty) await open.save();
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const workspace = folder?.uri.fsPath ?? path.dirname(uri.fsPath);
  const range = options.range !== undefined ? parseRange(options.range) : undefined;
  if (typeof range === 'string') return fail(range);

  let metric = options.metric;
  let program = options.program;
  if (!yes && metric === undefined && program === undefined && lrFindInputKind(uri.fsPath, options.param) === 'config') {
    metric = await askMetricName('Metric the lr-find reads', 'loss', 'The loss your training prints or logs (e.g. "loss: 0.42", a JSON line, a TensorBoard scalar); the training loss shows a rate\'s effect soonest');
    if (metric === undefined) return { cancelled: true };
  }
  let prepared: PreparedLrFind | undefined;
  for (let attempt = 0; !prepared; attempt++) {
    try {
      prepared = prepareLrFind({
        input: uri.fsPath,
        workspace,
        param: options.param,
        range,
        points: options.points,
        maxReports: options.steps,
        metric,
        program,
        fresh: options.fresh,
        acceptGuess: yes,
        launchConfigurations: readLaunchConfigurations(workspace),
        studyExists: name => fs.existsSync(path.join(studyDirectory(workspace, name), JOURNAL_FILE)),
      });
    } catch (err) {
      if (!(err instanceof LaunchGuessError) || yes || attempt > 0) throw err instanceof LrFindInputError ? new Error(err.message) : err;
      program = await confirmProgram(err, uri.fsPath);
      if (program === undefined) return { cancelled: true };
    }
  }
  return startAndShow(deps, prepared, options);
}

/** The guessed training script, confirmed or replaced by one the user picks. */
async function confirmProgram(err: LaunchGuessError, configFile: string): Promise<string | undefined> {
  const choose = 'Choose the training script…';
  if (err.guess) {
    const use = `Use ${err.guess.program}`;
    const answer = await vscode.window.showInformationMessage(`The lr-find's trials will run "${err.guess.program}" (${err.guess.basis}). Is that how ${path.basename(configFile)} is trained?`, { modal: true }, use, choose);
    if (answer === use) return err.guess.program;
    if (answer !== choose) return undefined;
  }
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, defaultUri: vscode.Uri.file(path.dirname(configFile)), filters: { Scripts: ['py', 'js', 'sh'] }, title: `Training script that reads ${path.basename(configFile)}` });
  if (!picked?.[0]) return undefined;
  return path.relative(path.dirname(configFile), picked[0].fsPath).split(path.sep).join('/');
}

/** Starts (or resumes) the lr-find unless it is running or done, and opens its panel. */
async function startAndShow(deps: FindLearningRateDeps, prepared: PreparedLrFind, options: FindLearningRateOptions): Promise<FindLearningRateResult> {
  const name = prepared.config.name;
  deps.controller.refreshAll();
  const existing = deps.controller.getStudy(name);
  let started = false;
  if (!existing || (existing.state !== 'running' && existing.state !== 'finished')) {
    const outcome = await deps.controller.startStudy(vscode.Uri.file(prepared.studyFile), { resume: existing !== undefined, quiet: true });
    if ('refused' in outcome) return outcome;
    if (!outcome.started) throw new Error(`could not start the lr-find: ${outcome.error}`);
    started = true;
  }
  if (options.open !== false) {
    const panel = LrFindPanel.createOrShow(deps.extensionUri, name, deps);
    const notes = [...prepared.notes, ...(prepared.created ? [`wrote ${vscode.workspace.asRelativePath(prepared.studyFile)}`] : [])];
    panel.setNote(notes.length ? `${notes.join('; ')}.` : null);
  }
  return { studyFile: prepared.studyFile, study: name, created: prepared.created, started, notes: prepared.notes };
}
