/**
 * The workspace's studies as snapshots of their journals, so studies a CLI run writes show up too.
 * Journals are re-read when a file event says they changed, when a slow stat poll notices it (file
 * events are not guaranteed on remote hosts, code-server or past watcher limits), and on request.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { JOURNAL_FILE } from '../../core/study/journal';
import { listStudyDirs, readStudySnapshot, type ReadSnapshotOptions, type StudySnapshot } from '../../core/study/studyIndex';

/** How often journals are checked for changes that no file event reported. */
const JOURNAL_POLL_MS = 3_000;
/** A busy study changes its journal many times a second: re-reads are coalesced over this long. */
const REFRESH_DELAY_MS = 250;

export class StudyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with the study's name (or undefined when several changed) after its snapshot changed. */
  readonly onDidChange = this.changed.event;
  private readonly studies = new Map<string, StudySnapshot>();
  private readonly dirty = new Set<string>();
  private readonly journalStamps = new Map<string, string>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  /** `runOptions(journalDir)`: what the runner knows about a study (its worker's pid, the budget it was started with). */
  constructor(private readonly runOptions: (journalDir: string) => ReadSnapshotOptions) {
    // Journals written by anyone (a CLI run in the terminal) update the list.
    const watcher = vscode.workspace.createFileSystemWatcher('**/.hpstudio/studies/*/journal.jsonl');
    const touched = (uri: vscode.Uri) => this.markDirty(path.dirname(uri.fsPath));
    this.disposables.push(watcher, watcher.onDidChange(touched), watcher.onDidCreate(touched), watcher.onDidDelete(() => this.refreshAll()));
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refreshAll()));
    const poll = setInterval(() => this.pollJournals(), JOURNAL_POLL_MS);
    this.disposables.push({ dispose: () => clearInterval(poll) });
  }

  /** Every known study of the workspace folders, ordered by name. */
  getStudies(): readonly StudySnapshot[] {
    return [...this.studies.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  getStudy(name: string): StudySnapshot | undefined {
    return this.studies.get(name);
  }

  has(name: string): boolean {
    return this.studies.has(name);
  }

  /** Re-reads every journal of every workspace folder now. */
  refreshAll(): void {
    this.studies.clear();
    for (const folder of fileFolders()) {
      for (const dir of listStudyDirs(folder)) this.readInto(dir, folder);
    }
    this.changed.fire(undefined);
  }

  /** Re-reads a journal soon (coalesced). */
  markDirty(journalDir: string): void {
    this.dirty.add(journalDir);
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      const dirs = [...this.dirty];
      this.dirty.clear();
      const names = dirs.map(dir => this.refreshOne(dir)).filter((n): n is string => n !== undefined);
      this.changed.fire(names.length === 1 ? names[0] : undefined);
    }, REFRESH_DELAY_MS);
  }

  /** Re-reads one study now (after the worker said it started or ended, so callers see that state). */
  refreshNow(journalDir: string): void {
    this.dirty.delete(journalDir);
    this.changed.fire(this.refreshOne(journalDir));
  }

  private refreshOne(journalDir: string): string | undefined {
    const folder = fileFolders().find(f => journalDir.startsWith(f + path.sep));
    if (!folder || !fs.existsSync(journalDir)) return undefined;
    return this.readInto(journalDir, folder).name;
  }

  private readInto(journalDir: string, workspace: string): StudySnapshot {
    const snapshot = readStudySnapshot(journalDir, workspace, this.runOptions(journalDir));
    this.studies.set(snapshot.name, snapshot);
    return snapshot;
  }

  private pollJournals(): void {
    for (const folder of fileFolders()) {
      for (const dir of listStudyDirs(folder)) {
        let stamp: string;
        try {
          const st = fs.statSync(path.join(dir, JOURNAL_FILE));
          stamp = `${st.size}:${st.mtimeMs}`;
        } catch {
          continue;
        }
        if (this.journalStamps.get(dir) === stamp) continue;
        const known = this.journalStamps.has(dir);
        this.journalStamps.set(dir, stamp);
        // The first sighting only records the stamp when the study is already listed.
        if (known || !this.studies.has(path.basename(dir))) this.markDirty(dir);
      }
    }
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }
}

/** Workspace folders on disk (studies need a local folder). */
function fileFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter(f => f.uri.scheme === 'file').map(f => f.uri.fsPath);
}
