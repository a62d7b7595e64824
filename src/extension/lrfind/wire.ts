/**
 * The learning-rate finder for the composition root: its commands and the panel serializer. Finding a
 * rate runs workspace programs, so it checks Workspace Trust itself (the controller refuses in
 * Restricted Mode); showing a result, applying or narrowing only reads and edits files.
 */
import * as vscode from 'vscode';
import type { DetectedFile } from '../../core/detect/types';
import type { StudyController } from '../studies/controller';
import { applySuggestion, narrowStudyRange } from './actions';
import { createFindLearningRateCommand } from './command';
import { LrFindPanel, LrFindPanelSerializer, type LrFindPanelDeps } from './panel';

export interface LrFindDeps {
  readonly extensionUri: vscode.Uri;
  readonly controller: StudyController;
  readonly detect: (doc: vscode.TextDocument) => DetectedFile | undefined;
  readonly log: vscode.LogOutputChannel;
}

export function createLrFind(deps: LrFindDeps) {
  const panelDeps: LrFindPanelDeps = { studies: deps.controller, detect: deps.detect, log: deps.log };
  const nameArg = async (v: unknown): Promise<string | undefined> => {
    if (typeof v === 'string' && v.length > 0) return v;
    const lrFinds = deps.controller.getStudies().filter(s => s.sampler === 'lr-find').map(s => s.name);
    if (lrFinds.length <= 1) return lrFinds[0];
    return vscode.window.showQuickPick(lrFinds, { title: 'Which lr-find?' });
  };
  const preview = (o: unknown) => !(typeof o === 'object' && o !== null && (o as { preview?: unknown }).preview === false);
  return {
    serializer: new LrFindPanelSerializer(deps.extensionUri, panelDeps),
    commands: {
      'hpstudio.findLearningRate': createFindLearningRateCommand({ ...panelDeps, controller: deps.controller, extensionUri: deps.extensionUri }),
      'hpstudio.showLrFind': async (name?: unknown) => {
        const study = await nameArg(name);
        if (!study) {
          void vscode.window.showInformationMessage('Hyperparameter Studio: there is no lr-find in this workspace yet. Use "Find Learning Rate…" on a config or a study file.');
          return { shown: false };
        }
        LrFindPanel.createOrShow(deps.extensionUri, study, panelDeps);
        return { shown: true, study };
      },
      'hpstudio.applyLrFind': async (name?: unknown, options?: unknown) => {
        const study = await nameArg(name);
        return study ? applySuggestion(panelDeps, study, { preview: preview(options) }) : { applied: false, edits: 0, unmatched: [], error: 'no lr-find chosen' };
      },
      'hpstudio.narrowLrRange': async (name?: unknown, options?: unknown) => {
        const study = await nameArg(name);
        return study ? narrowStudyRange(panelDeps, study, { preview: preview(options) }) : { applied: false, error: 'no lr-find chosen' };
      },
      // Internal (not in the palette): what the open panel of a study shows, for tests.
      'hpstudio.getLrFind': (name?: unknown) => (typeof name === 'string' ? LrFindPanel.get(name)?.view() : undefined),
    } as Record<string, (...args: unknown[]) => unknown>,
  };
}

export { LrFindPanel };
