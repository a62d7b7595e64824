import * as vscode from 'vscode';
import { CONFIG_GLOB, inExcludedFolder } from '../../core/detect/files';
import { WorkspaceIndex, type IndexDetector, type IndexFiles } from '../../core/workspace/workspaceIndex';


interface ScanSettings {
  readonly maxFileBytes: number;
  readonly exclude: readonly string[];
}

export function readScanSettings(): ScanSettings {
  const config = vscode.workspace.getConfiguration('hpstudio.scan');
  return {
    maxFileBytes: Math.max(1, config.get<number>('maxFileSizeKB', 1024)) * 1024,
    exclude: config.get<string[]>('exclude', []),
  };
}

/** Folders whose files are never listed, whatever `hpstudio.scan.exclude` says (study data, checkpoints, envs). */
export function isExcludedPath(uri: vscode.Uri): boolean {
  return inExcludedFolder(uri.path);
}

/** The vscode-backed file port of the index: findFiles with the user's exclusions, workspace.fs reads. */
class VscodeIndexFiles implements IndexFiles {
  constructor(private readonly settings: () => ScanSettings) {}

  async list(): Promise<string[]> {
    const exclude = this.settings().exclude;
    const uris = await vscode.workspace.findFiles(CONFIG_GLOB, exclude.length ? `{${exclude.join(',')}}` : undefined);
    return uris.map(u => u.toString());
  }

  async stat(file: string): Promise<{ size: number; mtime: number }> {
    const s = await vscode.workspace.fs.stat(vscode.Uri.parse(file, true));
    return { size: s.size, mtime: s.mtime };
  }

  async read(file: string): Promise<string> {
    return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(file, true)));
  }
}

/**
 * Keeps the workspace index current: a full scan on activation and on command, file-system events for
 * changes made outside the editor, and the live text of open documents.
 */
export class WorkspaceScanner implements vscode.Disposable {
  readonly index: WorkspaceIndex;
  private settings = readScanSettings();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(detector: IndexDetector, private readonly log: Pick<vscode.LogOutputChannel, 'info' | 'warn'>) {
    this.index = new WorkspaceIndex(new VscodeIndexFiles(() => this.settings), detector, { maxFileBytes: this.settings.maxFileBytes });
    const watcher = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB);
    const excluded = isExcludedPath;
    this.disposables.push(
      watcher,
      watcher.onDidCreate(uri => !excluded(uri) && void this.index.update(uri.toString())),
      watcher.onDidChange(uri => !excluded(uri) && void this.index.update(uri.toString())),
      watcher.onDidDelete(uri => this.index.remove(uri.toString())),
      vscode.workspace.onDidChangeConfiguration(e => {
        if (!e.affectsConfiguration('hpstudio.scan')) return;
        this.settings = readScanSettings();
        this.index.setOptions({ maxFileBytes: this.settings.maxFileBytes });
        void this.scan();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.scan()),
    );
  }

  async scan(): Promise<void> {
    const result = await this.index.scanAll();
    this.log.info(`scanned ${result.files} files in ${result.ms} ms: ${result.configs} hyperparameter configs`);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
