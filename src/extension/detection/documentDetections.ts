import * as vscode from 'vscode';
import type { DetectedFile } from '../../core/detect/types';

/** What the cache needs from the detection engine. */
export interface DocumentDetector {
  detectFile(path: string, text: string): DetectedFile;
}

/** Documents bigger than this are not parsed for hovers/diagnostics: a huge JSON must never stall the host. */
export const MAX_DOCUMENT_CHARS = 8 * 1024 * 1024;

const SUPPORTED = new Set(['yaml', 'json', 'jsonc', 'toml', 'python', 'properties', 'ini']);
const SUPPORTED_EXT = /\.(ya?ml|jsonc?|toml|py|conf|cfg|ini)$/i;

export function isSupportedDocument(doc: Pick<vscode.TextDocument, 'languageId' | 'uri'>): boolean {
  return doc.uri.scheme !== 'output' && (SUPPORTED.has(doc.languageId) || SUPPORTED_EXT.test(doc.uri.path));
}

/**
 * Detection results of open documents, computed once per document version. Hovers, diagnostics and
 * CodeLenses all read from here, so typing re-parses a file once (debounced), and hovering never parses.
 */
export class DocumentDetections implements vscode.Disposable {
  private readonly cache = new Map<string, { version: number; detected: DetectedFile }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<vscode.TextDocument>();
  /** Fires after a document's detection was (re)computed. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly detector: DocumentDetector, private readonly debounceMs = 150) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument(doc => this.refresh(doc)),
      vscode.workspace.onDidChangeTextDocument(e => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument(doc => this.forget(doc.uri)),
    );
    for (const doc of vscode.workspace.textDocuments) this.refresh(doc);
  }

  /** The detection of this exact version; computed now if the debounce has not run yet. */
  get(doc: vscode.TextDocument): DetectedFile | undefined {
    if (!isSupportedDocument(doc)) return undefined;
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.detected;
    return this.compute(doc);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isSupportedDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.refresh(doc);
    }, this.debounceMs));
  }

  private refresh(doc: vscode.TextDocument): void {
    if (!isSupportedDocument(doc) || doc.isClosed) return;
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
