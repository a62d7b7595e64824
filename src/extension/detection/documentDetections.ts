import * as vscode from 'vscode';
import type { NotebookContent } from '../../core/detect/notebookFile';
import { CONFIG_FILE, CONFIG_LANGUAGE_IDS } from '../../core/detect/files';
import type { DetectedFile } from '../../core/detect/types';
import { cellOf, isNotebookCell, notebookContent, notebookSignature } from '../notebook/notebookCells';

/** What the cache needs from the detection engine. */
export interface DocumentDetector {
  detectFile(path: string, text: string): DetectedFile;
  /** A whole notebook from its cells (open notebook documents). */
  detectNotebookCells(path: string, content: NotebookContent): DetectedFile;
  /** The settings of one cell of a notebook's detection, as a file of their own. */
  cellView(file: DetectedFile, cell: number): DetectedFile;
}

/** Reads a file for detection's `_base_`/import following: the open editor's text first (newer than the disk). */
export function readForDetection(disk: (path: string) => string | undefined): (path: string) => string | undefined {
  return path => vscode.workspace.textDocuments.find(d => d.uri.scheme === 'file' && d.uri.fsPath === path)?.getText() ?? disk(path);
}

/** Documents bigger than this are not parsed for hovers/diagnostics: a huge JSON must never stall the host. */
export const MAX_DOCUMENT_CHARS = 8 * 1024 * 1024;

const SUPPORTED = new Set(CONFIG_LANGUAGE_IDS);

export function isSupportedDocument(doc: Pick<vscode.TextDocument, 'languageId' | 'uri'>): boolean {
  return doc.uri.scheme !== 'output' && (SUPPORTED.has(doc.languageId) || CONFIG_FILE.test(doc.uri.path));
}

/**
 * Detection results of open documents, computed once per document version. Hovers, diagnostics and
 * CodeLenses all read from here, so typing re-parses a file once (debounced), and hovering never parses.
 * A notebook cell is detected with its whole notebook (imports of earlier cells count): the notebook is
 * detected once per change of any cell, and each cell document sees its own cell's settings.
 */
export class DocumentDetections implements vscode.Disposable {
  private readonly cache = new Map<string, { version: number; detected: DetectedFile }>();
  private readonly notebooks = new Map<string, { signature: string; detected: DetectedFile; cells: Map<number, DetectedFile> }>();
  private readonly notebookChanged = new vscode.EventEmitter<{ notebook: vscode.NotebookDocument; detected: DetectedFile }>();
  /** Fires after an open notebook's detection was (re)computed. */
  readonly onDidChangeNotebook = this.notebookChanged.event;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<vscode.TextDocument>();
  /** Fires after a document's detection was (re)computed. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed, this.notebookChanged];

  constructor(private readonly detector: DocumentDetector, private readonly debounceMs = 150) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument(doc => this.refresh(doc)),
      vscode.workspace.onDidChangeTextDocument(e => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument(doc => this.forget(doc.uri)),
      vscode.workspace.onDidOpenNotebookDocument(nb => this.refreshNotebook(nb)),
      // Cells added, removed or re-tagged change every cell's context.
      vscode.workspace.onDidChangeNotebookDocument(e => this.scheduleNotebook(e.notebook)),
      vscode.workspace.onDidCloseNotebookDocument(nb => this.notebooks.delete(nb.uri.toString())),
    );
    for (const doc of vscode.workspace.textDocuments) this.refresh(doc);
    for (const nb of vscode.workspace.notebookDocuments) this.refreshNotebook(nb);
  }

  /** The detection of this exact version; computed now if the debounce has not run yet. */
  get(doc: vscode.TextDocument): DetectedFile | undefined {
    if (!isSupportedDocument(doc)) return undefined;
    if (isNotebookCell(doc)) return this.cell(doc);
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.detected;
    return this.compute(doc);
  }

  /** The current detection of a whole open notebook. */
  getNotebook(notebook: vscode.NotebookDocument): DetectedFile {
    return this.notebookEntry(notebook).detected;
  }

  private cell(doc: vscode.TextDocument): DetectedFile | undefined {
    const where = cellOf(doc);
    if (!where) return undefined;
    const entry = this.notebookEntry(where.notebook);
    let view = entry.cells.get(where.index);
    if (!view) {
      view = this.detector.cellView(entry.detected, where.index);
      entry.cells.set(where.index, view);
    }
    return view;
  }

  private notebookEntry(notebook: vscode.NotebookDocument): { detected: DetectedFile; cells: Map<number, DetectedFile> } {
    const key = notebook.uri.toString();
    const signature = notebookSignature(notebook);
    const hit = this.notebooks.get(key);
    if (hit && hit.signature === signature) return hit;
    const path = notebook.uri.scheme === 'file' ? notebook.uri.fsPath : notebook.uri.path;
    const entry = { signature, detected: this.detector.detectNotebookCells(path, notebookContent(notebook)), cells: new Map<number, DetectedFile>() };
    this.notebooks.set(key, entry);
    return entry;
  }

  private scheduleNotebook(notebook: vscode.NotebookDocument): void {
    const key = `notebook:${notebook.uri.toString()}`;
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (!notebook.isClosed) this.refreshNotebook(notebook);
    }, this.debounceMs));
  }

  /** Re-detects the notebook and tells every cell: a change in one cell can change another's settings. */
  private refreshNotebook(notebook: vscode.NotebookDocument): void {
    if (!/\.ipynb$/i.test(notebook.uri.path)) return;
    const entry = this.notebookEntry(notebook);
    this.notebookChanged.fire({ notebook, detected: entry.detected });
    for (const cell of notebook.getCells()) if (isSupportedDocument(cell.document)) this.changed.fire(cell.document);
  }

  /** Recomputes every open document and notebook (the vocabulary file changed). */
  refreshAll(): void {
    for (const doc of vscode.workspace.textDocuments) this.refresh(doc);
    this.notebooks.clear();
    for (const nb of vscode.workspace.notebookDocuments) this.refreshNotebook(nb);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isSupportedDocument(doc)) return;
    if (isNotebookCell(doc)) {
      const where = cellOf(doc);
      if (where) this.scheduleNotebook(where.notebook);
      return;
    }
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.refresh(doc);
    }, this.debounceMs));
  }

  private refresh(doc: vscode.TextDocument): void {
    if (!isSupportedDocument(doc) || doc.isClosed) return;
    if (isNotebookCell(doc)) {
      // Opening a notebook opens its cells first: detect once the notebook is there.
      const where = cellOf(doc);
      if (where) this.scheduleNotebook(where.notebook);
      return;
    }
    this.compute(doc);
  }

  private compute(doc: vscode.TextDocument): DetectedFile {
    const path = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.path;
    const text = doc.getText();
    const detected: DetectedFile = text.length > MAX_DOCUMENT_CHARS
      ? { path, format: null, settings: [], error: `not analysed: ${(text.length / 1048576).toFixed(1)} MB is over the ${MAX_DOCUMENT_CHARS / 1048576} MB limit for open documents` }
      : this.detector.detectFile(path, text);
    this.cache.set(doc.uri.toString(), { version: doc.version, detected });
    this.changed.fire(doc);
    return detected;
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.cache.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
