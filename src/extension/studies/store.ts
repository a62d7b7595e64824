/**
 * The workspace's studies as snapshots of their journals, so studies a CLI run (or another editor's
 * worker) writes show up too. Each journal is followed incrementally (core/study/library.ts): a
 * refresh reads only what was appended. Refreshes come from, fastest first: this window's worker's
 * events (it writes the journal before it reports, so its events say exactly which journal grew),
 * file events, and a slow stat poll (file events are not guaranteed on remote hosts, code-server or
 * past watcher limits; it also notices a runner that died, which writes nothing).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { JournalFollower } from '../../core/study/follower';
import { StudyLibrary } from '../../core/study/library';
import type { ReadSnapshotOptions, StudySnapshot } from '../../core/study/studyIndex';

/** How often journals are checked for changes that no file event reported. */
const JOURNAL_POLL_MS = 3_000;
/** A busy study changes its journal many times a second: file events are coalesced over this long. */
const REFRESH_DELAY_MS = 250;
/** The worker's events are already batched (~10 Hz): read their journal right after a batch. */
const EVENT_DELAY_MS = 20;

export class StudyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with the study's name (or undefined when several changed) after its snapshot changed. */
  readonly onDidChange = this.changed.event;
  private readonly library: StudyLibrary;
  private readonly dirty = new Set<string>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshDue = Infinity;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  /** `runOptions(journalDir)`: what the runner knows about a study (its worker's pid, the budget it was started with). */
  constructor(runOptions: (journalDir: string) => ReadSnapshotOptions) {
    this.library = new StudyLibrary(runOptions);
    // Journals written by anyone (a CLI run in the terminal) update the list.
    const watcher = vscode.workspace.createFileSystemWatcher('**/.hpstudio/studies/*/journal.jsonl');
    const touched = (uri: vscode.Uri) => this.markDirty(path.dirname(uri.fsPath));
    this.disposables.push(watcher, watcher.onDidChange(touched), watcher.onDidCreate(touched), watcher.onDidDelete(() => this.refreshAll()));
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refreshAll()));
    const poll = setInterval(() => this.poll(), JOURNAL_POLL_MS);
    this.disposables.push({ dispose: () => clearInterval(poll) });
  }

  /** Every known study of the workspace folders, ordered by name. */
  getStudies(): readonly StudySnapshot[] {
    return this.library.list();
  }

  getStudy(name: string): StudySnapshot | undefined {
    return this.library.get(name);
  }

  /** The follower of a study's journal, shared with the curves panel. */
  journalFollower(journalDir: string): JournalFollower | undefined {
    return this.library.follower(journalDir);
  }

  has(name: string): boolean {
    return this.library.get(name) !== undefined;
  }

  /** Reads every journal of every workspace folder now (only what each appended since the last read). */
  refreshAll(): void {
    this.library.scan(fileFolders());
    this.changed.fire(undefined);
  }

  /** Reads a journal soon (coalesced with other changes). */
  markDirty(journalDir: string, delayMs = REFRESH_DELAY_MS): void {
    this.dirty.add(journalDir);
    const due = Date.now() + delayMs;
    if (this.refreshTimer !== undefined && due >= this.refreshDue) return;
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    this.refreshDue = due;
    this.refreshTimer = setTimeout(() => this.flushDirty(), delayMs);
  }

  /** The fast path: this window's worker reported events of the study in `journalDir` (already in its journal). */
  onWorkerEvents(journalDir: string): void {
    this.markDirty(journalDir, EVENT_DELAY_MS);
  }

  /** Reads one study now (after the worker said it started or ended, so callers see that state). */
  refreshNow(journalDir: string): void {
    this.dirty.delete(journalDir);
    const name = this.refreshOne(journalDir);
    if (name !== undefined) this.changed.fire(name);
  }

  private flushDirty(): void {
    this.refreshTimer = undefined;
    this.refreshDue = Infinity;
    const dirs = [...this.dirty];
    this.dirty.clear();
    const names = dirs.map(dir => this.refreshOne(dir)).filter((n): n is string => n !== undefined);
    if (names.length > 0) this.changed.fire(names.length === 1 ? names[0] : undefined);
  }

  /** The study's name when its snapshot changed. */
  private refreshOne(journalDir: string): string | undefined {
    const folder = fileFolders().find(f => journalDir.startsWith(f + path.sep));
    if (!folder) return undefined;
    const { snapshot, changed } = this.library.refresh(journalDir, folder);
    return changed ? snapshot.name : undefined;
  }

  /** A stat per journal; a journal that grew is read (incrementally), and a study whose runner died is noticed. */
  private poll(): void {
    const changed = this.library.scan(fileFolders());
    if (changed.length > 0) this.changed.fire(changed.length === 1 ? changed[0].name : undefined);
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
