/**
 * Every study of some workspace folders, each followed incrementally (studyIndex.ts): the part of the
 * editor's study store that needs no `vscode`, so the CLI and the benchmarks run the same code. The
 * extension decides *when* to refresh (worker events, file events, a slow poll); refreshing reads only
 * what each journal appended since the last time.
 */
import type { JournalFollower } from './follower';
import { listStudyDirs, StudyReader, type ReadSnapshotOptions, type StudySnapshot } from './studyIndex';

function sameSummary(a: StudySnapshot | undefined, b: StudySnapshot): boolean {
  return a !== undefined && a.state === b.state && a.runner === b.runner && a.workers === b.workers && a.error === b.error && a.reason === b.reason && a.budget === b.budget && a.issues === b.issues;
}

export class StudyLibrary {
  private readonly readers = new Map<string, StudyReader>();

  /** `options(journalDir)`: what the caller knows about a study (its worker's pid, a budget). */
  constructor(private readonly options: (journalDir: string) => ReadSnapshotOptions = () => ({})) {}

  /** Reads what one study's journal appended; returns its snapshot and whether anything about it changed. */
  refresh(journalDir: string, workspace: string): { snapshot: StudySnapshot; changed: boolean } {
    let reader = this.readers.get(journalDir);
    if (!reader || reader.workspace !== workspace) this.readers.set(journalDir, (reader = new StudyReader(journalDir, workspace)));
    const before = reader.snapshot;
    const { snapshot, change } = reader.refresh(this.options(journalDir));
    return { snapshot, changed: change !== undefined || !sameSummary(before, snapshot) };
  }

  /** Refreshes every study of these folders and forgets studies whose folder or journal is gone; returns the changed ones. */
  scan(workspaces: readonly string[]): StudySnapshot[] {
    const seen = new Set<string>();
    const changed: StudySnapshot[] = [];
    for (const ws of workspaces) {
      for (const dir of listStudyDirs(ws)) {
        seen.add(dir);
        const r = this.refresh(dir, ws);
        if (r.changed) changed.push(r.snapshot);
      }
    }
    for (const dir of [...this.readers.keys()]) if (!seen.has(dir)) this.readers.delete(dir);
    return changed;
  }

  /** The follower of a study's journal (for readers that share it, such as the curves panel). */
  follower(journalDir: string): JournalFollower | undefined {
    return this.readers.get(journalDir)?.follower;
  }

  forget(journalDir: string): void {
    this.readers.delete(journalDir);
  }

  has(journalDir: string): boolean {
    return this.readers.has(journalDir);
  }

  /** Every study read so far, ordered by name. */
  list(): StudySnapshot[] {
    const out: StudySnapshot[] = [];
    for (const r of this.readers.values()) if (r.snapshot) out.push(r.snapshot);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A study by name (the first folder's when two folders hold one of that name). */
  get(name: string): StudySnapshot | undefined {
    let found: StudySnapshot | undefined;
    for (const r of this.readers.values()) {
      const s = r.snapshot;
      if (s?.name === name && (!found || s.journalDir < found.journalDir)) found = s;
    }
    return found;
  }
}
