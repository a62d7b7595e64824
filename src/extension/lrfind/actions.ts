/**
 * The learning-rate finder's two edits: Apply writes the suggestion into the config (value-only, the
 * change listed for confirmation: Apply Best's machinery), and Narrow brings the study file's range in
 * around it (value-only edits of its min and max, confirmed the same way).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DetectedFile } from '../../core/detect/types';
import { narrowedRange, planNarrow } from '../../core/lrfind/narrow';
import { readLrFind } from '../../core/lrfind/read';
import { formatRate } from '../../core/lrfind/words';
import { writeValues, type ApplyBestResult } from '../apply/applyBestCommand';
import type { StudyListing } from '../views/sidebarModel';

export interface LrFindActionDeps {
  readonly studies: StudyListing;
  readonly detect: (doc: vscode.TextDocument) => DetectedFile | undefined;
}

export type NarrowResult = { readonly applied: boolean; readonly file?: string; readonly low?: number; readonly high?: number; readonly error?: string };

function resultOf(deps: LrFindActionDeps, name: string) {
  if (!deps.studies.getStudy(name)) deps.studies.refreshAll();
  const study = deps.studies.getStudy(name);
  if (!study) return { error: `no study named "${name}"` } as const;
  try {
    return { study, result: readLrFind(study) } as const;
  } catch (err) {
    return { error: `study "${name}" is not an lr-find: ${err instanceof Error ? err.message : String(err)}` } as const;
  }
}

/** Writes the suggested rate into the config the lr-find names (`# source:`), after showing the change. */
export async function applySuggestion(deps: LrFindActionDeps, name: string, options: { preview?: boolean } = {}): Promise<ApplyBestResult> {
  const found = resultOf(deps, name);
  const fail = (error: string): ApplyBestResult => {
    void vscode.window.showWarningMessage(`Hyperparameter Studio: ${error}`);
    return { applied: false, edits: 0, unmatched: [], error };
  };
  if ('error' in found) return fail(found.error as string);
  const { study, result } = found;
  if (result.suggested === null) return fail(`the lr-find "${name}" has no suggestion: ${result.message}`);
  let source = result.facts.source ? vscode.Uri.file(result.facts.source) : undefined;
  if (!source) {
    const picked = await vscode.window.showOpenDialog({ title: `Config to write ${result.param} = ${formatRate(result.suggested)} into`, canSelectMany: false, filters: { Configs: ['yaml', 'yml', 'json', 'toml', 'py', 'conf', 'cfg', 'ipynb'] } });
    source = picked?.[0];
    if (!source) return fail(`the lr-find "${name}" does not say which config it is for`);
  }
  return writeValues(source, { [result.param]: result.suggested }, deps.detect, {
    preview: options.preview !== false,
    study,
    question: `Write the suggested learning rate ${result.param} = ${formatRate(result.suggested)} into ${vscode.workspace.asRelativePath(source)}?`,
    origin: 'the lr-find',
    description: `suggested by the lr-find ${name}`,
  });
}

/** Brings the study file's learning-rate range in around the suggestion: one decade, below the divergence. */
export async function narrowStudyRange(deps: LrFindActionDeps, name: string, options: { preview?: boolean } = {}): Promise<NarrowResult> {
  const found = resultOf(deps, name);
  const fail = (error: string): NarrowResult => {
    void vscode.window.showWarningMessage(`Hyperparameter Studio: ${error}`);
    return { applied: false, error };
  };
  if ('error' in found) return fail(found.error as string);
  const { result } = found;
  if (result.suggested === null) return fail(`the lr-find "${name}" has no suggestion to narrow the range around: ${result.message}`);
  if (!result.facts.study) return fail(`the lr-find "${name}" was not made from a study file; there is no range to narrow`);
  const uri = vscode.Uri.file(result.facts.study);
  let doc: vscode.TextDocument;
  try {
    doc = await vscode.workspace.openTextDocument(uri);
  } catch {
    return fail(`cannot open ${path.basename(result.facts.study)}`);
  }
  const { low, high } = narrowedRange(result.suggested, result.divergedAbove);
  const plan = planNarrow(doc.getText(), result.param, low, high);
  if ('error' in plan) return fail(`cannot narrow ${vscode.workspace.asRelativePath(uri)}: ${plan.error}`);
  const where = vscode.workspace.asRelativePath(uri);
  if (plan.edits.every(e => e.oldText === e.newText)) {
    void vscode.window.showInformationMessage(`Hyperparameter Studio: ${where} already searches ${result.param} over ${formatRate(low)} … ${formatRate(high)}.`);
    return { applied: false, file: uri.fsPath, low, high };
  }
  let review = false;
  if (options.preview !== false) {
    const detail = plan.edits.map(e => `${result.param}.${e.what}: ${e.oldText} → ${e.newText}`).join('\n');
    const choice = await vscode.window.showInformationMessage(`Narrow the range of ${result.param} in ${where} to ${formatRate(low)} … ${formatRate(high)}, around the suggested ${formatRate(result.suggested)}?`, { modal: true, detail }, 'Narrow', 'Review in Refactor Preview');
    if (!choice) return { applied: false, file: uri.fsPath, low, high };
    review = choice !== 'Narrow';
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of plan.edits) {
    edit.replace(uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText, { label: `${result.param}.${e.what}: ${e.oldText} → ${e.newText}`, description: `around the lr-find's suggestion ${formatRate(result.suggested)}`, needsConfirmation: review });
  }
  const applied = await vscode.workspace.applyEdit(edit, { isRefactoring: review });
  if (applied) void vscode.window.showInformationMessage(`Hyperparameter Studio: ${where} now searches ${result.param} over ${formatRate(low)} … ${formatRate(high)}.`);
  return { applied, file: uri.fsPath, low, high };
}
