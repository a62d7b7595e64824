import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { JournalCurvesSource } from '../../core/curves/journalSource';
import { RunCurvesSource } from '../../core/curves/runSource';
import { NoRunsError } from '../../core/metrics/runs';
import type { CurvesSource } from '../../core/protocol/curves';
import { JOURNAL_FILE } from '../../core/study/journal';
import { CurvesPanel, CurvesPanelSerializer, type CurvesLogger } from './curvesPanel';
import type { StudyListing } from './sidebarModel';

/** A study's curves, reading its journal through the study store's follower when the store knows it. */
function journalSource(file: string, studies?: StudyListing): JournalCurvesSource {
  const dir = path.dirname(file);
  return new JournalCurvesSource(file, undefined, studies?.journalFollower ? () => studies.journalFollower?.(dir) : undefined);
}

/** Re-opens a source from the key a panel saved: a study journal or a run file/folder. */
export async function resolveCurvesSource(key: string, studies?: StudyListing): Promise<CurvesSource | undefined> {
  if (key.startsWith('journal:')) {
    const file = key.slice('journal:'.length);
    return fs.existsSync(file) ? journalSource(file, studies) : undefined;
  }
  if (key.startsWith('run:')) {
    const target = key.slice('run:'.length);
    return fs.existsSync(target) ? RunCurvesSource.open(target) : undefined;
  }
  return undefined;
}

export interface CurvesCommands {
  /** "Show Loss Curves": a study by name (or the only/picked one). */
  showCurves(name?: unknown): Promise<{ shown: string } | { shown: null; reason: string }>;
  /**
   * "Open Curves…": a TensorBoard folder or event file (catboost_info/ too), metrics.csv, trainer_state.json,
   * an Optuna journal or SQLite storage, an MLflow mlruns/ folder. `runs` is how many runs the panel shows.
   */
  openCurves(target?: unknown): Promise<{ shown: string; runs?: number } | { shown: null; reason: string }>;
  readonly serializer: CurvesPanelSerializer;
}

export function createCurvesCommands(extensionUri: vscode.Uri, studies: StudyListing, log: CurvesLogger): CurvesCommands {
  const show = (source: CurvesSource) => {
    CurvesPanel.createOrShow(extensionUri, source, log);
    return { shown: source.key };
  };
  const nothing = (reason: string) => {
    void vscode.window.showInformationMessage(`Hyperparameter Studio: ${reason}`);
    return { shown: null, reason } as const;
  };
  return {
    serializer: new CurvesPanelSerializer(extensionUri, key => resolveCurvesSource(key, studies), log),

    async showCurves(name) {
      let studyName = typeof name === 'string' ? name : undefined;
      // From an editor title or explorer menu: the study whose study file this is.
      if (name instanceof vscode.Uri) studyName = studies.getStudies().find(s => s.studyFile === name.fsPath)?.name;
      const all = studies.getStudies();
      if (studyName && !studies.getStudy(studyName)) studies.refreshAll();
      if (!studyName) {
        if (all.length === 0) {
          const choice = await vscode.window.showInformationMessage('Hyperparameter Studio: no study in this workspace yet. Start one (Tune… above a config), or open existing runs.', 'Open Curves…');
          return choice ? this.openCurves() : { shown: null, reason: 'no study yet' };
        }
        const running = all.filter(s => s.state === 'running');
        studyName = all.length === 1 ? all[0].name : running.length === 1 ? running[0].name : await vscode.window.showQuickPick(all.map(s => s.name), { title: 'Show the curves of which study?' });
      }
      const study = studyName ? studies.getStudy(studyName) : undefined;
      if (!study) return nothing(studyName ? `no study named "${studyName}"` : 'no study chosen');
      try {
        return show(journalSource(path.join(study.journalDir, JOURNAL_FILE), studies));
      } catch (err) {
        return nothing(`the journal of "${study.name}" cannot be read: ${err instanceof Error ? err.message : String(err)}`);
      }
    },

    async openCurves(target) {
      let uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined;
      if (!uri) {
        const picked = await vscode.window.showOpenDialog({
          title: 'Open curves: a TensorBoard log folder, metrics.csv, trainer_state.json, an Optuna journal or .db, or an MLflow mlruns folder',
          canSelectFiles: true,
          canSelectFolders: true,
          canSelectMany: false,
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
          filters: OPEN_FILTERS,
        });
        uri = picked?.[0];
      }
      if (!uri) return { shown: null, reason: 'nothing chosen' };
      const where = vscode.workspace.asRelativePath(uri);
      try {
        const source = await RunCurvesSource.open(uri.fsPath);
        return { ...show(source), runs: source.runCount };
      } catch (err) {
        if (err instanceof NoRunsError) return watchEmptyFolder(uri, where, err.message, show);
        return nothing(`${where} has no curves Hyperparameter Studio can read: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}

/**
 * File picker filters: the files the readers open by name or extension. Event files carry a host name
 * as their extension (events.out.tfevents.1700000000.gpu-01): they are picked through "All files", or by
 * picking their folder.
 */
const OPEN_FILTERS: Record<string, string[]> = {
  'Runs and studies (metrics.csv, trainer_state.json, Optuna .db and journals)': ['csv', 'json', 'db', 'sqlite', 'sqlite3', 'log', 'jsonl', 'tfevents'],
  'All files': ['*'],
};

/**
 * A folder with nothing readable yet: say what it holds and what was expected. Training may simply not
 * have started, so the message offers to watch it anyway (answered later; the command returns now).
 */
function watchEmptyFolder(uri: vscode.Uri, where: string, why: string, show: (source: CurvesSource) => { shown: string }): { shown: null; reason: string } {
  const reason = `${where}: ${why}`;
  void vscode.window.showWarningMessage(`Hyperparameter Studio: ${reason}`, 'Watch Folder Anyway').then(async choice => {
    if (choice === 'Watch Folder Anyway') show(await RunCurvesSource.open(uri.fsPath, undefined, { allowEmpty: true }));
  });
  return { shown: null, reason };
}
