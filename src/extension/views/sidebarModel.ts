import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { NOTEBOOK_RUNNER_FILE } from '../../core/notebook/launch';
import type { SidebarState } from '../../core/protocol/sidebar';
import type { WorkspaceIndex } from '../../core/workspace/workspaceIndex';
import type { JournalFollower } from '../../core/study/follower';
import { studyRow, trialRows } from '../../core/study/sidebarRows';
import type { StudySnapshot } from '../../core/study/studyIndex';

/** The slice of the study controller the sidebar reads. */
export interface StudyListing {
  getStudies(): readonly StudySnapshot[];
  getStudy(name: string): StudySnapshot | undefined;
  /** Re-reads every journal (studies a CLI run created since the last file event). */
  refreshAll(): void;
  readonly onDidChange: vscode.Event<unknown>;
  /** The follower the store keeps for a study's journal, so the curves panel reads it once with the store. */
  journalFollower?(journalDir: string): JournalFollower | undefined;
}

/** W&B sweep files and our `*.study.yaml` files run as studies; other configs are tuned via "Tune…". */
function isStudyFile(file: string, format: string | null): boolean {
  return format === 'wandb-sweep' || /\.study\.ya?ml$/i.test(file);
}

/** Everything the sidebar shows, assembled from the workspace index and the studies. */
export class SidebarModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private selected: string | null = null;
  private message: string | null = null;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly index: WorkspaceIndex, private readonly studies: StudyListing) {
    this.disposables.push(
      studies.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
    );
    const sub = index.onDidChange(() => this.changed.fire());
    this.disposables.push({ dispose: () => sub.dispose() });
  }

  select(study: string): void {
    this.selected = study;
    this.changed.fire();
  }

  /** A notebook study's trial folders hold the notebook runner (one stat per study until it is seen). */
  private readonly notebookStudies = new Set<string>();
  private isNotebookStudy(study: StudySnapshot): boolean {
    if (this.notebookStudies.has(study.journalDir)) return true;
    const first = study.trials.find(t => t.state !== 'waiting');
    if (first && fs.existsSync(path.join(study.journalDir, 'trials', String(first.number), NOTEBOOK_RUNNER_FILE))) this.notebookStudies.add(study.journalDir);
    return this.notebookStudies.has(study.journalDir);
  }

  locate(uri: string): { readonly cell?: number } | undefined {
    return this.index.configs().find(e => e.file === uri)?.first;
  }

  setMessage(message: string | null): void {
    this.message = message;
    this.changed.fire();
  }

  getState(): SidebarState {
    const all = this.studies.getStudies();
    // Show the running study's trials unless the user picked one.
    const selectedName = this.selected ?? all.find(s => s.state === 'running')?.name ?? all[0]?.name ?? null;
    const selected = selectedName ? this.studies.getStudy(selectedName) : undefined;
    return {
      scanning: this.index.isScanning,
      trusted: vscode.workspace.isTrusted,
      configs: this.index.configs().map(entry => {
        const uri = vscode.Uri.parse(entry.file, true);
        return { path: vscode.workspace.asRelativePath(uri), uri: entry.file, format: entry.format, hyperparameters: entry.hyperparameters, line: entry.first.line, character: entry.first.character, isStudyFile: isStudyFile(entry.file, entry.format), ...(entry.learningRate ? { learningRate: entry.learningRate } : {}) };
      }),
      problems: this.index.problemList().map(p => ({ path: vscode.workspace.asRelativePath(vscode.Uri.parse(p.file, true)), message: p.message })),
      message: this.message,
      studies: all.map(studyRow),
      selectedStudy: selected ? selected.name : null,
      trials: selected ? trialRows(selected, Date.now(), this.isNotebookStudy(selected)) : [],
    };
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
