import * as vscode from 'vscode';
import { applyTargetRefusal, planApplyBest, type ValueEdit } from '../../core/apply/applyBest';
import { applyChoices, type TrialChoice } from '../../core/apply/paretoChoice';
import type { DetectedFile } from '../../core/detect/types';
import type { ParamValue } from '../../core/search/types';
import { isNotebookUri } from '../notebook/notebookCells';
import { planNotebookApply, type ApplyWriter } from '../notebook/notebookApply';
import type { StudyListing } from '../views/sidebarModel';

export interface ApplyBestResult {
  readonly applied: boolean;
  readonly file?: string;
  readonly edits: number;
  readonly unmatched: readonly string[];
  readonly error?: string;
}

/**
 * "Apply Best Values to Config": writes the best trial's parameters into the config the study tunes,
 * as a workspace edit that only replaces the values (comments and formatting stay). By default the user
 * sees every change (old → new) and confirms first; `{ preview: false }` applies directly (tests, scripts).
 * A multi-objective study has a Pareto set rather than one best trial: the user picks which trial, each
 * listed with its values (`{ trial: n }` picks it without asking).
 */
export function createApplyBestCommand(studies: StudyListing, detect: (doc: vscode.TextDocument) => DetectedFile | undefined) {
  return async (name?: unknown, options?: unknown): Promise<ApplyBestResult> => {
    const preview = !(typeof options === 'object' && options !== null && (options as { preview?: unknown }).preview === false);
    const wantedTrial = typeof options === 'object' && options !== null ? (options as { trial?: unknown }).trial : undefined;
    const candidates = studies.getStudies().filter(s => s.best || s.pareto?.length);
    const target = typeof name === 'string' ? name : (await vscode.window.showQuickPick(candidates.map(s => s.name), { title: 'Apply the best values of which study?' }));
    // A study a CLI run just wrote may not have reached us through file events yet.
    if (target && !studies.getStudy(target)) studies.refreshAll();
    const study = target ? studies.getStudy(target) : undefined;
    const fail = (error: string): ApplyBestResult => {
      void vscode.window.showWarningMessage(`Hyperparameter Studio: ${error}`);
      return { applied: false, edits: 0, unmatched: [], error };
    };
    if (!study) return fail(target ? `no study named "${target}"` : 'no study chosen');
    const choices = applyChoices(study);
    if (choices.length === 0) return fail(`study "${study.name}" has no completed trial yet`);
    const chosen = await chooseTrial(study.name, choices, wantedTrial);
    if (!chosen) return fail(typeof wantedTrial === 'number' ? `trial #${wantedTrial} is not on the Pareto front of study "${study.name}"` : 'no trial chosen');
    let source = study.source ? vscode.Uri.file(study.source) : undefined;
    if (!source) {
      const picked = await vscode.window.showOpenDialog({ title: `Config to write the best values of "${study.name}" into`, canSelectMany: false, filters: { Configs: ['yaml', 'yml', 'json', 'toml', 'py', 'conf', 'cfg', 'ipynb'] } });
      source = picked?.[0];
      if (!source) return fail(`study "${study.name}" does not say which config it tunes`);
    }
    return writeValues(source, chosen.params, detect, {
      preview,
      study,
      question: `Write the values of trial #${chosen.number} (${chosen.summary}) into ${vscode.workspace.asRelativePath(source)}?`,
      origin: `trial #${chosen.number}`,
      description: `${study.pareto ? 'Pareto' : 'best'} trial #${chosen.number} of ${study.name}`,
    });
  };
}

export interface WriteValuesOptions {
  /** Show the change list and ask first (false: apply directly, for tests and scripts). */
  readonly preview: boolean;
  /** The confirmation's question. */
  readonly question: string;
  /** Where the values come from, for the messages ("trial #3", "the lr-find"). */
  readonly origin: string;
  /** Shown next to each change in the refactor preview. */
  readonly description: string;
  /** The study the values come from: it never edits outside its own workspace folder. */
  readonly study: { readonly name: string; readonly workspace: string };
}

/**
 * Writes parameter values into a config (a text config or a notebook's parameters cell) as value-only
 * edits: every change listed (old → new) in a modal the user confirms, or reviewed in the refactor
 * preview. Shared by Apply Best and the learning-rate finder's Apply.
 */
export async function writeValues(source: vscode.Uri, params: Readonly<Record<string, ParamValue>>, detect: (doc: vscode.TextDocument) => DetectedFile | undefined, options: WriteValuesOptions): Promise<ApplyBestResult> {
  const fail = (error: string): ApplyBestResult => {
    void vscode.window.showWarningMessage(`Hyperparameter Studio: ${error}`);
    return { applied: false, edits: 0, unmatched: [], error };
  };
  // Checked before the file is even opened.
  const refusal = source.scheme === 'file' ? applyTargetRefusal(options.study.name, options.study.workspace, source.fsPath) : `${source.toString()} is not a file on disk`;
  if (refusal) return { ...fail(refusal), file: source.fsPath };
  const writer = isNotebookUri(source) ? await planNotebookApply(source, params, detect) : await configApply(source, params, detect);
  if ('error' in writer) return fail(writer.error);
  const plan = writer.plan;
  const where = vscode.workspace.asRelativePath(source);
  if (plan.edits.length === 0) {
    const why = plan.unmatched.length ? `none of its parameters (${plan.unmatched.join(', ')}) is set in ${where}` : `${where} already has them`;
    void vscode.window.showInformationMessage(`Hyperparameter Studio: nothing to apply from ${options.origin}: ${why}.`);
    return { applied: false, file: source.fsPath, edits: 0, unmatched: plan.unmatched };
  }
  // The preview: every change, old → new, in a modal the user confirms; "Review…" opens the refactor
  // preview instead, where each change can be ticked on or off.
  let review = false;
  if (options.preview) {
    const detail = plan.edits.map(e => `${e.key}: ${e.oldText} → ${e.newText}`).join('\n') + (plan.unmatched.length ? `\n\nNot in the file, left out: ${plan.unmatched.join(', ')}` : '');
    const choice = await vscode.window.showInformationMessage(options.question, { modal: true, detail }, 'Apply', 'Review in Refactor Preview');
    if (!choice) return { applied: false, file: source.fsPath, edits: 0, unmatched: plan.unmatched };
    review = choice !== 'Apply';
  }
  const applied = await writer.apply(review, e => ({ label: `${e.key}: ${e.oldText} → ${e.newText}`, description: options.description }));
  if (applied) {
    const skipped = plan.unmatched.length ? ` Not in the file, left out: ${plan.unmatched.join(', ')}.` : '';
    void vscode.window.showInformationMessage(`Hyperparameter Studio: wrote ${plan.edits.length} value(s) of ${options.origin} into ${where}.${skipped}`);
  }
  return { applied, file: source.fsPath, edits: plan.edits.length, unmatched: plan.unmatched };
}

/** A text config: value-only edits of the document, through a workspace edit. */
async function configApply(source: vscode.Uri, params: Readonly<Record<string, ParamValue>>, detect: (doc: vscode.TextDocument) => DetectedFile | undefined): Promise<ApplyWriter<ValueEdit> | { error: string }> {
  const doc = await vscode.workspace.openTextDocument(source);
  const file = detect(doc);
  if (!file) return { error: `${vscode.workspace.asRelativePath(source)} is not a config Hyperparameter Studio can edit` };
  const plan = planApplyBest(file, doc.getText(), params);
  return {
    plan,
    apply: async (review, label) => {
      const edit = new vscode.WorkspaceEdit();
      for (const e of plan.edits) edit.replace(source, new vscode.Range(e.range.line, e.range.character, e.range.endLine, e.range.endCharacter), e.newText, { ...label(e), needsConfirmation: review });
      return vscode.workspace.applyEdit(edit, { isRefactoring: review });
    },
  };
}

/** The best trial, or the Pareto trial the caller named or the user picks (with each one's values). */
async function chooseTrial(study: string, choices: readonly TrialChoice[], wanted: unknown): Promise<TrialChoice | undefined> {
  if (typeof wanted === 'number') return choices.find(c => c.number === wanted);
  if (choices.length === 1) return choices[0];
  const picked = await vscode.window.showQuickPick(
    choices.map(c => ({ label: c.label, detail: c.detail, choice: c })),
    { title: `Apply which trial of the Pareto front of "${study}"? (${choices.length} trials, none better on every metric)`, matchOnDetail: true },
  );
  return picked?.choice;
}
