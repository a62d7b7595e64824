import * as vscode from 'vscode';
import { EMPTY_VOCABULARY, parseVocabulary, VOCABULARY_FILE, type UserVocabulary } from '../../core/detect';

/**
 * The `.hpstudio/vocabulary.yaml` of each workspace folder: parsed once per change (watched), problems
 * shown in the Problems panel on their lines, and handed to detection for every document of the folder.
 */
export class VocabularyStore implements vscode.Disposable {
  private readonly byFolder = new Map<string, UserVocabulary>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after any folder's vocabulary was (re)loaded. */
  readonly onDidChange = this.changed.event;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('hpstudio-vocabulary');
  private readonly disposables: vscode.Disposable[] = [this.changed, this.diagnostics];

  constructor(private readonly log: Pick<vscode.LogOutputChannel, 'warn'>) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${VOCABULARY_FILE}`);
    const reload = () => void this.reload();
    this.disposables.push(watcher, watcher.onDidCreate(reload), watcher.onDidChange(reload), watcher.onDidDelete(reload), vscode.workspace.onDidChangeWorkspaceFolders(reload));
  }

  /** The vocabulary that applies to a document, and the document's path relative to its folder. */
  forDocument(uri: vscode.Uri): { vocabulary: UserVocabulary; relativePath: string } {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return { vocabulary: EMPTY_VOCABULARY, relativePath: uri.path };
    return { vocabulary: this.byFolder.get(folder.uri.toString()) ?? EMPTY_VOCABULARY, relativePath: vscode.workspace.asRelativePath(uri, false) };
  }

  fileOf(folder: vscode.WorkspaceFolder): vscode.Uri {
    return vscode.Uri.joinPath(folder.uri, ...VOCABULARY_FILE.split('/'));
  }

  /** Reads every folder's vocabulary file again; missing files mean an empty vocabulary. */
  async reload(): Promise<void> {
    this.byFolder.clear();
    this.diagnostics.clear();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const file = this.fileOf(folder);
      let text: string;
      try {
        text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(file));
      } catch {
        continue;
      }
      const vocabulary = parseVocabulary(text);
      this.byFolder.set(folder.uri.toString(), vocabulary);
      this.diagnostics.set(file, vocabulary.problems.map(p => {
        const d = new vscode.Diagnostic(new vscode.Range(p.line, 0, p.line, Number.MAX_SAFE_INTEGER), p.message, vscode.DiagnosticSeverity.Warning);
        d.source = 'Hyperparameter Studio';
        d.code = 'hp/vocabulary';
        return d;
      }));
      if (vocabulary.problems.length > 0) this.log.warn(`${vscode.workspace.asRelativePath(file)}: ${vocabulary.problems.length} problem(s) in the vocabulary file`);
    }
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
