/**
 * "Apply Best Values" for a notebook: the values go into its `parameters` cell. An open notebook is
 * edited through the notebook editor (an undoable edit of the cell, saved by the user like any edit); a
 * closed one is rewritten on disk, where only the JSON strings of the changed lines differ.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { detectFile, readNotebook } from '../../core/detect';
import type { DetectedFile } from '../../core/detect/types';
import { applyToNotebookText, planParametersCell, type NotebookApplyPlan } from '../../core/notebook/applyNotebook';
import type { ParamValue } from '../../core/search/types';
import { cellTags } from './notebookCells';

/** Planned value edits and how to write them; `label` describes each change in the refactor preview. */
export interface ApplyWriter<E> {
  readonly plan: { readonly edits: readonly E[]; readonly unmatched: string[] };
  apply(review: boolean, label: (e: E) => Omit<vscode.WorkspaceEditEntryMetadata, 'needsConfirmation'>): Promise<boolean>;
}

type NotebookApplyTarget = ApplyWriter<NotebookApplyPlan['edits'][number]> & { readonly plan: NotebookApplyPlan };

const toRange = (r: { line: number; character: number; endLine: number; endCharacter: number }) => new vscode.Range(r.line, r.character, r.endLine, r.endCharacter);

/** The plan for `source`, or a message saying why there is none. */
export async function planNotebookApply(source: vscode.Uri, params: Readonly<Record<string, ParamValue>>, detect: (doc: vscode.TextDocument) => DetectedFile | undefined): Promise<NotebookApplyTarget | { error: string }> {
  const open = vscode.workspace.notebookDocuments.find(nb => nb.uri.toString() === source.toString() || (nb.uri.scheme === 'file' && nb.uri.fsPath === source.fsPath));
  if (open) {
    const cell = open.getCells().find(c => c.kind === vscode.NotebookCellKind.Code && cellTags(c.metadata).includes('parameters'));
    const view = cell ? detect(cell.document) : undefined;
    if (!cell || !view) return { error: `${vscode.workspace.asRelativePath(source)} has no cell tagged "parameters" to write the values into` };
    const plan = planParametersCell(view, cell.document.getText(), params);
    if ('error' in plan) return plan;
    return {
      plan,
      apply: async (review, label) => {
        const edit = new vscode.WorkspaceEdit();
        for (const e of plan.edits) edit.replace(cell.document.uri, toRange(e.range), e.newText, { ...label(e), needsConfirmation: review });
        return vscode.workspace.applyEdit(edit, { isRefactoring: review });
      },
    };
  }
  let text: string;
  try {
    text = await fs.promises.readFile(source.fsPath, 'utf8');
  } catch (err) {
    return { error: `cannot read ${source.fsPath}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const file = detectFile(source.fsPath, text);
  if (file.error) return { error: `cannot read ${vscode.workspace.asRelativePath(source)}: ${file.error}` };
  const cellIndex = file.notebook?.parametersCell;
  const cellSource = cellIndex === undefined ? '' : readNotebook(text).cells[cellIndex]?.source ?? '';
  const plan = planParametersCell(file, cellSource, params);
  if ('error' in plan) return { error: `${vscode.workspace.asRelativePath(source)}: ${plan.error}` };
  return {
    plan,
    apply: async () => {
      // The file may have changed since it was read: refuse rather than write over someone's edit.
      if ((await fs.promises.readFile(source.fsPath, 'utf8')) !== text) return false;
      await fs.promises.writeFile(source.fsPath, applyToNotebookText(text, plan));
      return true;
    },
  };
}
