/**
 * "Tune Hyperparameters in This File…": detection → a multi-select QuickPick of the file's
 * hyperparameters (the most impactful pre-selected) → ranges from the file or the knowledge base →
 * the launch command → a study file next to the config, opened for editing, then "Start".
 *
 * Non-interactive form (tests, keybindings, other extensions):
 *   executeCommand('hpstudio.tuneFile', uri, { params: ['model.lr'], ranges: { 'model.lr': '1e-4 .. 1e-2 log' },
 *                  metric: 'val_loss', goal: 'minimize', trials: 8, parallel: 2, program: 'train.py', yes: true, start: false })
 * With `yes: true` nothing is asked: unset options take their defaults (pre-selected params, the
 * launch guess, metric val_loss) and the command resolves to a `TuneFileResult`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import * as vscode from 'vscode';
import type { DetectedFile } from '../../core/detect/types';
import { loadStudyFile } from '../../core/study/studyFile';
import { cellTags, isNotebookCellUri, isNotebookUri, notebookOfCell } from '../notebook/notebookCells';
import type { StartOutcome, StudyController } from './controller';
import {
  describeRange,
  guessLaunch,
  looksLikeStudy,
  parseRangeInput,
  renderStudyFile,
  studyFilePath,
  studyNameFor,
  tuneCandidates,
  type LaunchConfiguration,
  type LaunchGuess,
  type ParamRange,
  type TuneCandidate,
} from '../../core/study/studyDraft';

export interface TuneFileOptions {
  /** Parameters to tune, by study name (`model.lr`, `batch-size`) or setting key; default: the pre-selected ones. */
  readonly params?: readonly string[];
  /** Range overrides, in the input-box syntax: `"1e-5 .. 1e-2 log"`, `"16 .. 256"`, `"8, 16, 32"`. */
  readonly ranges?: Readonly<Record<string, string>>;
  readonly metric?: string;
  readonly goal?: 'minimize' | 'maximize';
  readonly trials?: number;
  readonly parallel?: number;
  /** Program to run, relative to the config's folder (overrides the guess). */
  readonly program?: string;
  /** Ask nothing; accept the defaults and the launch guess. */
  readonly yes?: boolean;
  /** Start the study right after writing it (otherwise a "Start" button is offered, unless `yes`). */
  readonly start?: boolean;
}

export type TuneFileResult =
  | { readonly studyFile: string; readonly study: string; readonly params: readonly string[]; readonly start?: StartOutcome }
  | { readonly cancelled: true }
  | { readonly error: string };

const MAXIMIZE_HINT = /acc|accuracy|f1|auc|precision|recall|score|reward|return|map|bleu|rouge|iou|r2/i;

function isOptions(v: unknown): v is TuneFileOptions {
  return typeof v === 'object' && v !== null && !(v instanceof vscode.Uri) && !Array.isArray(v);
}

export interface TuneFileDeps {
  readonly controller: StudyController;
  readonly detect: (document: vscode.TextDocument) => DetectedFile | undefined;
}

/** The command handler: `(uri?, options?)`; an explorer click passes `(uri, [uris])`. */
export function createTuneFileCommand(deps: TuneFileDeps): (...args: unknown[]) => Promise<TuneFileResult> {
  return async (...args: unknown[]) => {
    // A Uri from menus and code; a URI string from hover links (command-link arguments are JSON).
    const given = args[0] instanceof vscode.Uri ? args[0] : typeof args[0] === 'string' && /^[a-z][\w+.-]*:/i.test(args[0]) ? vscode.Uri.parse(args[0], true) : vscode.window.activeTextEditor?.document.uri;
    // A hover in a notebook cell passes the cell's document: tune its notebook.
    const uri = given && isNotebookCellUri(given) ? notebookOfCell(given) : given;
    const options = isOptions(args[1]) ? args[1] : isOptions(args[0]) ? args[0] : {};
    try {
      return await tuneFile(deps, uri, options);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      void vscode.window.showErrorMessage(`Hyperparameter Studio: ${error}`);
      return { error };
    }
  };
}

function fail(message: string, quiet: boolean): TuneFileResult {
  if (!quiet) void vscode.window.showWarningMessage(`Hyperparameter Studio: ${message}`);
  return { error: message };
}

async function tuneFile(deps: TuneFileDeps, uri: vscode.Uri | undefined, options: TuneFileOptions): Promise<TuneFileResult> {
  const yes = options.yes === true;
  if (!vscode.workspace.isTrusted) return { error: deps.controller.refuse().reason };
  if (!uri) return fail('open a config file (or pick one in the Explorer) to tune its hyperparameters', yes);
  if (uri.scheme !== 'file') return fail(`${uri.toString()} is not a file on disk; tuning needs a local folder`, yes);
  const target = isNotebookUri(uri) ? await notebookTarget(deps, uri, yes) : await configTarget(deps, uri);
  if ('cancelled' in target) return target;
  if ('error' in target) return fail(target.error, yes);
  const { detected } = target;

  const configFile = uri.fsPath;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const workspace = folder?.uri.fsPath ?? path.dirname(configFile);
  let launch = target.launch ?? (options.program ? programLaunch(options.program, configFile, detected) : guessLaunch({ configFile, workspace, detected, launchConfigurations: readLaunchConfigurations(workspace), exists: f => fs.existsSync(f) }));

  const candidates = tuneCandidates(detected, launch?.argStyle ?? 'hydra');
  if (candidates.length === 0) return fail(`found no tunable hyperparameters in ${vscode.workspace.asRelativePath(uri)}${detected.notebook ? "'s parameters cell" : ''}`, yes);

  // 1. Which hyperparameters; 2. their ranges.
  const chosen = await chooseParams(candidates, options, configFile);
  if ('error' in chosen) return fail(chosen.error, yes);
  if ('cancelled' in chosen) return chosen;
  const params = await askRanges(chosen.picked, options);
  if ('error' in params) return fail(params.error, yes);
  if ('cancelled' in params) return params;

  // 3. The metric the trials report.
  const metric = await askMetric(options);
  if (metric === undefined) return { cancelled: true };
  const goal = options.goal ?? (MAXIMIZE_HINT.test(metric) && !/loss|error|perplexity/i.test(metric) ? 'maximize' : 'minimize');

  // 4. How trials start: a guess the user confirms when it is only a guess.
  if (!launch || (launch.needsConfirmation && !yes)) {
    if (yes) return fail(`cannot tell which program trains with ${path.basename(configFile)}; pass { program: 'train.py' } or add a python/node configuration to .vscode/launch.json`, true);
    launch = await confirmLaunch(launch, configFile, detected);
    if (!launch) return { cancelled: true };
  }

  // 5. The study file, next to the config.
  const studyFile = studyFilePath(configFile, f => fs.existsSync(f));
  const name = studyNameFor(studyFile.replace(/\.study\.yaml$/, '.yaml'));
  const settings = vscode.workspace.getConfiguration('hpstudio');
  const parallel = options.parallel ?? settings.get<number>('tuning.parallel', 1);
  const gpus = settings.get<unknown[]>('tuning.gpus', []).filter((g): g is string => typeof g === 'string' && /^[\w,-]{1,64}$/.test(g));
  const text = renderStudyFile({
    name,
    source: path.basename(configFile),
    launch,
    params,
    metric,
    goal,
    trials: options.trials ?? 20,
    parallel: Math.max(1, Math.floor(parallel)),
    gpus,
    date: new Date().toISOString().slice(0, 10),
  });
  fs.writeFileSync(studyFile, text, { flag: 'wx' });
  // The file must load as written; if it does not, that is our bug — say so with the parser's message.
  loadStudyFile(studyFile);
  const studyUri = vscode.Uri.file(studyFile);
  await vscode.window.showTextDocument(studyUri, { preview: false });
  const result = { studyFile, study: name, params: params.map(p => p.param) };
  if (options.start) return { ...result, start: await deps.controller.startStudy(studyUri) };
  if (!yes) {
    void vscode.window
      .showInformationMessage(`Hyperparameter Studio: wrote ${vscode.workspace.asRelativePath(studyUri)} (${params.length} hyperparameters, ${launch.basis}). Edit it if needed, then start.`, 'Start')
      .then(choice => {
        if (choice === 'Start') void vscode.commands.executeCommand('hpstudio.startStudy', studyUri);
      });
  }
  return result;
}

type Asked<T> = T | { readonly error: string } | { readonly cancelled: true };

/** The hyperparameters to search: named in `options`, preselected with `yes`, else picked by the user. */
async function chooseParams(candidates: TuneCandidate[], options: TuneFileOptions, configFile: string): Promise<Asked<{ picked: TuneCandidate[] }>> {
  if (options.params) {
    const unknown = options.params.filter(p => !candidates.some(c => c.param === p || c.key === p));
    if (unknown.length) return { error: `no tunable hyperparameter ${unknown.map(u => `"${u}"`).join(', ')} in this file (available: ${candidates.map(c => c.param).join(', ')})` };
    return { picked: candidates.filter(c => options.params!.includes(c.param) || options.params!.includes(c.key)) };
  }
  if (options.yes === true) {
    const picked = candidates.filter(c => c.preselected);
    return { picked: picked.length ? picked : candidates.slice(0, 1) };
  }
  const picks = await vscode.window.showQuickPick(
    candidates.map(c => ({
      label: c.param,
      description: `${formatValue(c.value)} → ${describeRange(c.range)}`,
      detail: c.rangeSource === 'file' ? 'range written in the file' : c.rangeSource === 'knowledge' ? 'typical range from the knowledge base' : 'around the current value',
      picked: c.preselected,
      candidate: c,
    })),
    { canPickMany: true, title: `Tune hyperparameters of ${path.basename(configFile)}`, placeHolder: 'Pick the hyperparameters to search (the most impactful are selected)', ignoreFocusOut: true },
  );
  if (!picks || picks.length === 0) return { cancelled: true };
  return { picked: picks.map(p => p.candidate) };
}

/** Each chosen hyperparameter's range: overrides first; interactively, one input box per parameter, pre-filled. */
async function askRanges(chosen: TuneCandidate[], options: TuneFileOptions): Promise<Asked<Array<{ param: string; range: ParamRange }>>> {
  const params: Array<{ param: string; range: ParamRange }> = [];
  for (const c of chosen) {
    let range = c.range;
    const override = options.ranges?.[c.param] ?? options.ranges?.[c.key];
    if (override !== undefined) {
      const parsed = parseRangeInput(override, range);
      if (typeof parsed === 'string') return { error: `range of ${c.param}: ${parsed}` };
      range = parsed;
    } else if (options.yes !== true) {
      const text = await vscode.window.showInputBox({
        title: `Range of ${c.param} (current value ${formatValue(c.value)})`,
        value: rangeText(range),
        prompt: '"low .. high" (add "log" for a log scale) or comma-separated choices',
        ignoreFocusOut: true,
        validateInput: v => {
          const r = parseRangeInput(v, range);
          return typeof r === 'string' ? r : undefined;
        },
      });
      if (text === undefined) return { cancelled: true };
      range = parseRangeInput(text, range) as ParamRange;
    }
    params.push({ param: c.param, range });
  }
  return params;
}

/** The metric's name: from `options`, else asked (val_loss offered); undefined when the user cancels. */
async function askMetric(options: TuneFileOptions): Promise<string | undefined> {
  if (options.metric !== undefined) return options.metric.trim();
  if (options.yes === true) return 'val_loss';
  return askMetricName('Metric to optimise', 'val_loss', 'The name your training prints (e.g. "val_loss: 0.42", a JSON line, or a TensorBoard scalar)');
}

/** Asks for a metric's name (letters, digits, `_ . / -`), trimmed; undefined when the user cancels. Also the lr-find's question. */
export async function askMetricName(title: string, value: string, prompt: string): Promise<string | undefined> {
  const name = await vscode.window.showInputBox({
    title,
    value,
    prompt,
    ignoreFocusOut: true,
    validateInput: v => (/^[A-Za-z_][\w./-]{0,99}$/.test(v.trim()) ? undefined : 'a metric name: letters, digits, _ . / -'),
  });
  return name?.trim();
}

interface TuneTarget {
  /** The settings that can be tuned (a notebook: those of its parameters cell). */
  readonly detected: DetectedFile;
  /** Fixed by the kind of file (a notebook is its own program); otherwise guessed. */
  readonly launch?: LaunchGuess;
}

async function configTarget(deps: TuneFileDeps, uri: vscode.Uri): Promise<TuneTarget | { error: string }> {
  const document = await vscode.workspace.openTextDocument(uri);
  const where = vscode.workspace.asRelativePath(uri);
  if (looksLikeStudy(uri.fsPath, document.getText())) return { error: `${where} is already a study file: start it with "Start Study" (or the CodeLens above it)` };
  const detected = deps.detect(document);
  if (!detected) return { error: `${where} is not a kind of file Hyperparameter Studio reads` };
  if (detected.error) return { error: `could not read ${where}: ${detected.error}` };
  return { detected };
}

/**
 * A notebook is tuned through its papermill `parameters` cell: each trial runs a copy of the notebook with
 * the trial's values injected right after that cell, so only that cell's assignments can be tuned.
 */
async function notebookTarget(deps: TuneFileDeps, uri: vscode.Uri, yes: boolean): Promise<TuneTarget | { error: string } | { cancelled: true }> {
  const where = vscode.workspace.asRelativePath(uri);
  let notebook: vscode.NotebookDocument;
  try {
    notebook = await vscode.workspace.openNotebookDocument(uri);
  } catch (err) {
    return { error: `could not open ${where} as a notebook: ${err instanceof Error ? err.message : String(err)}` };
  }
  let cell = notebook.getCells().find(c => c.kind === vscode.NotebookCellKind.Code && cellTags(c.metadata).includes('parameters'));
  if (!cell && !yes) cell = await offerParametersTag(deps, notebook);
  const detected = cell ? deps.detect(cell.document) : undefined;
  if (detected?.error) return { error: `could not read ${where}: ${detected.error}` };
  if (!cell || !detected) {
    return { error: `${where} has no cell tagged "parameters". Add the tag to the cell that sets the hyperparameters (as for papermill): each trial runs the notebook with its values injected right after that cell` };
  }
  if (notebook.isDirty && !yes) {
    const save = 'Save and Continue';
    const answer = await vscode.window.showInformationMessage(`Trials run ${path.basename(uri.fsPath)} as it is saved on disk. Save your changes first?`, { modal: true }, save, 'Continue Without Saving');
    if (answer === undefined) return { cancelled: true };
    if (answer === save) await notebook.save();
  }
  return {
    detected,
    launch: {
      program: path.basename(uri.fsPath),
      argStyle: 'flags',
      basis: `the notebook itself, run headless on a Jupyter kernel with each trial's values injected after its parameters cell (cell ${cell.index})`,
      needsConfirmation: false,
    },
  };
}

/**
 * A notebook without a `parameters` cell: offers to tag the code cell that assigns the most
 * hyperparameters at top level (the usual "settings" cell), as a user would in Jupyter.
 */
async function offerParametersTag(deps: TuneFileDeps, notebook: vscode.NotebookDocument): Promise<vscode.NotebookCell | undefined> {
  const assigned = (c: vscode.NotebookCell) => (c.kind === vscode.NotebookCellKind.Code ? deps.detect(c.document)?.settings.filter(s => s.kind === 'hyperparameter' && !s.key.includes('.')).length ?? 0 : 0);
  const best = notebook.getCells().map(c => ({ c, n: assigned(c) })).sort((a, b) => b.n - a.n || a.c.index - b.c.index)[0];
  if (!best || best.n === 0) return undefined;
  const tag = `Tag Cell ${best.c.index + 1} as "parameters"`;
  const answer = await vscode.window.showInformationMessage(
    `${path.basename(notebook.uri.fsPath)} has no cell tagged "parameters". Trials inject their values right after that cell (as papermill does). Cell ${best.c.index + 1} sets ${best.n} hyperparameter(s): tag it?`,
    { modal: true },
    tag,
  );
  if (answer !== tag) return undefined;
  const metadata = { ...best.c.metadata };
  const jupyter = { ...((metadata.metadata as Record<string, unknown> | undefined) ?? {}) };
  jupyter.tags = [...cellTags(best.c.metadata), 'parameters'];
  metadata.metadata = jupyter;
  const edit = new vscode.WorkspaceEdit();
  edit.set(notebook.uri, [vscode.NotebookEdit.updateCellMetadata(best.c.index, metadata)]);
  if (!(await vscode.workspace.applyEdit(edit))) return undefined;
  // Trials run the saved file: the tag must be on disk too.
  await notebook.save();
  return notebook.cellAt(best.c.index);
}

function programLaunch(program: string, configFile: string, detected: DetectedFile): LaunchGuess {
  const ext = path.extname(program).toLowerCase();
  const hydra = detected.format === 'hydra' || /\.ya?ml$/i.test(configFile);
  return {
    program,
    command: ext === '.js' || ext === '.mjs' || ext === '.cjs' ? ['${env}', 'node', '${program}', '${args}'] : undefined,
    argStyle: /\.(py|js|mjs|cjs)$/i.test(configFile) ? 'flags' : hydra ? 'hydra' : 'override-file',
    basis: `${program}, as given`,
    needsConfirmation: false,
  };
}

async function confirmLaunch(guess: LaunchGuess | undefined, configFile: string, detected: DetectedFile): Promise<LaunchGuess | undefined> {
  const choose = 'Choose the training script…';
  if (guess) {
    const use = `Use ${guess.program}`;
    const answer = await vscode.window.showInformationMessage(
      `Trials will run "${guess.program}" (${guess.basis}). Is that how ${path.basename(configFile)} is trained?`,
      { modal: true },
      use,
      choose,
    );
    if (answer === use) return { ...guess, needsConfirmation: false };
    if (answer !== choose) return undefined;
  }
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, defaultUri: vscode.Uri.file(path.dirname(configFile)), filters: { Scripts: ['py', 'js', 'sh'] }, title: 'Training script for the trials' });
  if (!picked?.[0]) return undefined;
  return programLaunch(path.relative(path.dirname(configFile), picked[0].fsPath).split(path.sep).join('/'), configFile, detected);
}

/** Debug configurations from `.vscode/launch.json` (JSON with comments); none when missing or broken. */
export function readLaunchConfigurations(workspace: string): LaunchConfiguration[] {
  try {
    const text = fs.readFileSync(path.join(workspace, '.vscode', 'launch.json'), 'utf8');
    if (text.length > 1024 * 1024) return [];
    const value = parseJsonc(text) as { configurations?: unknown } | undefined;
    return Array.isArray(value?.configurations) ? value.configurations.filter((c): c is LaunchConfiguration => typeof c === 'object' && c !== null) : [];
  } catch {
    return [];
  }
}

function rangeText(range: ParamRange): string {
  if (range.type === 'categorical') return range.choices.map(c => String(c)).join(', ');
  return `${range.low} .. ${range.high}${range.log ? ' log' : ''}`;
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'unset';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
