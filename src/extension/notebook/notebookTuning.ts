/**
 * "Tune Hyperparameters in This Notebook…": the command (palette, notebook toolbar, Explorer, sidebar) and
 * its CodeLens on the papermill `parameters` cell. The command is "Tune Hyperparameters in This File…" with
 * the notebook as the file; this module only finds which notebook is meant.
 */
import * as vscode from 'vscode';
import { cellOf, cellTags, isNotebookCellUri, isNotebookUri, notebookOfCell } from './notebookCells';

export const TUNE_NOTEBOOK_COMMAND = 'hpstudio.tuneNotebook';

/** The notebook an argument names (a notebook or cell URI, as Uri or string), else the active notebook. */
export function notebookTarget(arg: unknown): vscode.Uri | undefined {
  const uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' && /^[a-z][\w+.-]*:/i.test(arg) ? vscode.Uri.parse(arg, true) : undefined;
  if (uri) return isNotebookCellUri(uri) ? notebookOfCell(uri) : uri;
  const active = vscode.window.activeNotebookEditor?.notebook.uri;
  if (active) return active;
  const doc = vscode.window.activeTextEditor?.document;
  return doc && isNotebookCellUri(doc.uri) ? notebookOfCell(doc.uri) : undefined;
}

/** The command: `(notebook?, options?)`, where options are those of "Tune Hyperparameters in This File…". */
export function createTuneNotebookCommand(tuneFile: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return async (arg?: unknown, options?: unknown) => {
    const notebook = notebookTarget(arg);
    if (!notebook || !isNotebookUri(notebook)) {
      const error = 'open a Jupyter notebook (.ipynb) to tune its hyperparameters';
      void vscode.window.showWarningMessage(`Hyperparameter Studio: ${error}`);
      return { error };
    }
    return tuneFile(notebook, typeof options === 'object' && options !== null ? options : typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? arg : {});
  };
}

/** A CodeLens over the parameters cell: the place a papermill user looks for "run with other values". */
export class ParametersCellCodeLens implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted) return [];
    const where = cellOf(document);
    if (!where || !cellTags(where.notebook.cellAt(where.index).metadata).includes('parameters') || !isNotebookUri(where.notebook.uri)) return [];
    // A trial's executed copy (under .hpstudio) is a record, not something to tune.
    if (/[\\/]\.hpstudio[\\/]/.test(where.notebook.uri.path)) return [];
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: '$(beaker) Tune Hyperparameters in This Notebook…', command: TUNE_NOTEBOOK_COMMAND, arguments: [where.notebook.uri] })];
  }
}
