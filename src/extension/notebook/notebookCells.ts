import * as vscode from 'vscode';
import type { NotebookCell, NotebookContent } from '../../core/detect/notebookFile';

/** The scheme of the text documents VS Code gives each notebook cell. */
export const CELL_SCHEME = 'vscode-notebook-cell';

export function isNotebookCell(doc: Pick<vscode.TextDocument, 'uri'>): boolean {
  return doc.uri.scheme === CELL_SCHEME;
}

export function isNotebookCellUri(uri: vscode.Uri): boolean {
  return uri.scheme === CELL_SCHEME;
}

/** The notebook a cell URI belongs to: the open notebook holding it, else the file at its path. */
export function notebookOfCell(cell: vscode.Uri): vscode.Uri {
  const key = cell.toString();
  const open = vscode.workspace.notebookDocuments.find(nb => nb.uri.path === cell.path && nb.getCells().some(c => c.document.uri.toString() === key));
  return open?.uri ?? vscode.Uri.file(cell.path);
}

export function isNotebookUri(uri: vscode.Uri): boolean {
  return /\.ipynb$/i.test(uri.path);
}

/**
 * A cell's tags. The built-in ipynb serializer keeps the Jupyter cell metadata under `metadata`
 * (VS Code ≥ 1.87) and kept it under `custom.metadata` before; older notebooks may carry `tags` at the top.
 */
export function cellTags(metadata: Readonly<Record<string, unknown>> | undefined): string[] {
  const m = metadata ?? {};
  const nested = (m.metadata as Record<string, unknown> | undefined) ?? ((m.custom as Record<string, unknown> | undefined)?.metadata as Record<string, unknown> | undefined);
  const tags = (nested?.tags ?? m.tags) as unknown;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

/** The notebook as detection reads it: its current, unsaved cell texts, code cells in Python only. */
export function notebookContent(notebook: vscode.NotebookDocument): NotebookContent {
  const cells: NotebookCell[] = notebook.getCells().map(cell => ({
    index: cell.index,
    // A code cell in another language (SQL, R, a %%bash cell switched to shell) is not Python.
    kind: cell.kind === vscode.NotebookCellKind.Markup ? 'markdown' : cell.document.languageId === 'python' ? 'code' : 'raw',
    source: cell.document.getText(),
    tags: cellTags(cell.metadata),
  }));
  return { cells };
}

/** The open notebook a cell document belongs to, and the cell's index in it. */
export function cellOf(doc: vscode.TextDocument): { notebook: vscode.NotebookDocument; index: number } | undefined {
  if (!isNotebookCell(doc)) return undefined;
  for (const notebook of vscode.workspace.notebookDocuments) {
    if (notebook.uri.path !== doc.uri.path) continue;
    const cell = notebook.getCells().find(c => c.document === doc || c.document.uri.toString() === doc.uri.toString());
    if (cell) return { notebook, index: cell.index };
  }
  return undefined;
}

/** Changes when any cell's text, the cell list or a cell's metadata (tags) changes. */
export function notebookSignature(notebook: vscode.NotebookDocument): string {
  return `${notebook.version}:${notebook.getCells().map(c => `${c.document.version}/${c.kind}/${c.document.languageId}`).join(',')}`;
}

/** Opens the notebook in the notebook editor with the cursor at a position of one cell. */
export async function showNotebookCell(uri: vscode.Uri, cell: number, line = 0, character = 0): Promise<void> {
  const notebook = await vscode.workspace.openNotebookDocument(uri);
  const index = Math.max(0, Math.min(cell, notebook.cellCount - 1));
  const range = new vscode.NotebookRange(index, index + 1);
  const editor = await vscode.window.showNotebookDocument(notebook, { selections: [range], preview: false });
  editor.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
  const position = new vscode.Position(line, character);
  await vscode.window.showTextDocument(notebook.cellAt(index).document, { selection: new vscode.Range(position, position), viewColumn: editor.viewColumn, preview: false });
}
