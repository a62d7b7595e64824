/**
 * "Open Executed Notebook of Trial…": each notebook trial keeps the copy it ran (injected parameters,
 * outputs, and the error and traceback of the cell that failed) in its folder under the study.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXECUTED_NOTEBOOK } from '../../core/notebook/launch';
import type { StudySnapshot } from '../../core/study/studyIndex';
import { trialResultText } from '../../core/study/summary';

export interface TrialNotebookStudies {
  getStudies(): readonly StudySnapshot[];
  getStudy(name: string): StudySnapshot | undefined;
}

const executedPath = (study: StudySnapshot, trial: number) => path.join(study.journalDir, 'trials', String(trial), EXECUTED_NOTEBOOK);

export function createOpenTrialNotebookCommand(studies: TrialNotebookStudies) {
  return async (name?: unknown, trial?: unknown): Promise<{ opened: boolean; file?: string; error?: string }> => {
    const fail = (error: string) => {
      void vscode.window.showWarningMessage(`Hyperparameter Studio: ${error}`);
      return { opened: false, error };
    };
    const withNotebooks = studies.getStudies().filter(s => s.trials.some(t => fs.existsSync(executedPath(s, t.number))));
    const studyName = typeof name === 'string' ? name : await vscode.window.showQuickPick(withNotebooks.map(s => s.name), { title: 'Executed notebooks of which study?' });
    const study = studyName ? studies.getStudy(studyName) : undefined;
    if (!study) return studyName ? fail(`no study named "${studyName}"`) : { opened: false };
    let number = typeof trial === 'number' && Number.isInteger(trial) ? trial : undefined;
    if (number === undefined) {
      const picks = study.trials.filter(t => fs.existsSync(executedPath(study, t.number))).map(t => ({ label: `Trial ${t.number}`, description: [t.state, trialResultText(t, study)].filter(Boolean).join(' · '), number: t.number }));
      number = (await vscode.window.showQuickPick(picks, { title: `Executed notebook of which trial of ${study.name}?` }))?.number;
      if (number === undefined) return { opened: false };
    }
    const file = executedPath(study, number);
    if (!fs.existsSync(file)) return fail(`trial ${number} of ${study.name} has no executed notebook (${path.relative(study.workspace, file)}); it may not have started yet`);
    const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.file(file));
    await vscode.window.showNotebookDocument(notebook, { preview: false });
    return { opened: true, file };
  };
}
