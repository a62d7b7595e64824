import * as vscode from 'vscode';
import { SidebarViewProvider } from './views/sidebarView';
import { SidebarModel } from './views/sidebarModel';
import { createApplyBestCommand } from './apply/applyBestCommand';
import { createCurvesCommands } from './views/curvesCommands';
import { CurvesPanel } from './views/curvesPanel';
import { applyVocabulary, cellView, CONFIG_GLOB, CONFIG_LANGUAGE_IDS, detectDocument, detectNotebookCells, diskReader, findSettingAt, quickScan } from '../core/detect';
import { VocabularyStore } from './detection/vocabularyStore';
import { createTeachCommand } from './detection/teachCommand';
import { readForDetection } from './detection/documentDetections';
import { diagnose } from '../core/diagnostics';
import { prepareHoverIndex, renderHover } from '../core/hover';
import { DocumentDetections, isSupportedDocument } from './detection/documentDetections';
import { isExcludedPath, WorkspaceScanner } from './detection/workspaceScanner';
import { isNotebookCell } from './notebook/notebookCells';
import { createTuneNotebookCommand, ParametersCellCodeLens } from './notebook/notebookTuning';
import { createOpenTrialNotebookCommand } from './notebook/trialNotebook';
import { SettingHoverProvider } from './hover/hoverProvider';
import { StudyHoverLookup } from './hover/studyLookup';
import { HyperparameterDiagnostics } from './diagnostics/diagnostics';
import { EXPLAIN_SCHEME, ExplanationPages, createExplainCommand } from './explain/explainCommand';
import { createStudies } from './studies/wire';
import { createLrFind, LrFindPanel } from './lrfind/wire';

/**
 * The composition root: the only place that creates services and wires them to VS Code. Commands come
 * from one table; every disposable goes into `context.subscriptions` so deactivation cleans up all.
 */

/** Async clean-ups deactivate() must await (stopping trial processes), registered by the services. */
const shutdownTasks: Array<() => Promise<void>> = [];

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Hyperparameter Studio', { log: true });
  context.subscriptions.push(log);
  try {
    wire(context, log);
    log.info(`activated (VS Code ${vscode.version}, ui ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`);
  } catch (err) {
    // VS Code shows no notification when activation throws; say it ourselves.
    const message = err instanceof Error ? err.message : String(err);
    log.error(`activation failed: ${message}`);
    void vscode.window.showErrorMessage(`Hyperparameter Studio failed to start: ${message}`);
  }
}

function wire(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  // --- detection: open documents (per version) and the whole workspace ----------------------------
  // The per-file sibling index is built with the detection (once per version), never on a hover.
  // One detection for every view (core detectDocument, also behind `hpstudio detect`): it follows
  // mmengine `_base_` files and LazyConfig imports and applies the folder's vocabulary file.
  const vocabulary = new VocabularyStore(log);
  const read = readForDetection(diskReader());
  const detectWith = (path: string, text: string) => {
    const uri = vscode.Uri.file(path);
    return detectDocument(path, text, { read, ...vocabulary.forDocument(uri) });
  };
  const documents = new DocumentDetections({
    detectFile: (path, text) => {
      const file = detectWith(path, text);
      prepareHoverIndex(file);
      return file;
    },
    // Notebooks get the folder's vocabulary too (their cells are read with the whole notebook).
    detectNotebookCells: (path, content) => {
      const { vocabulary: v, relativePath } = vocabulary.forDocument(vscode.Uri.file(path));
      return applyVocabulary(detectNotebookCells(path, content), v, relativePath);
    },
    cellView: (file, cell) => {
      const view = cellView(file, cell);
      prepareHoverIndex(view);
      return view;
    },
  });
  // The index keys files by URI string; detection wants the file-system path of file: URIs.
  const scanner = new WorkspaceScanner({ quickScan, detectFile: (key, text) => {
    const uri = vscode.Uri.parse(key, true);
    return { ...detectWith(uri.scheme === 'file' ? uri.fsPath : key, text), path: key };
  } }, log);
  const scan = async () => {
    const started = Date.now();
    await scanner.scan();
    const configs = scanner.index.configs();
    sidebarModel.setMessage(`Scanned in ${((Date.now() - started) / 1000).toFixed(1)} s: ${configs.length} configs with hyperparameters.`);
    return configs.length;
  };
  context.subscriptions.push(
    vocabulary,
    vocabulary.onDidChange(() => documents.refreshAll()),
    documents,
    scanner,
    // An open editor's text is newer than the file on disk: let it update the index as the user types.
    documents.onDidChange(doc => {
      const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
      const file = folder && isSupportedDocument(doc) && !isNotebookCell(doc) ? documents.get(doc) : undefined;
      if (file) scanner.index.setDetected(doc.uri.toString(), file);
    }),
    // An open notebook's cells are its live text; the index lists the notebook (not its cells).
    documents.onDidChangeNotebook(({ notebook, detected }) => {
      // A trial's executed copy under .hpstudio is study data, not a config of the workspace.
      if (notebook.uri.scheme === 'file' && !isExcludedPath(notebook.uri) && vscode.workspace.getWorkspaceFolder(notebook.uri)) scanner.index.setDetected(notebook.uri.toString(), detected);
    }),
  );

  // --- studies (tuning) -------------------------------------------------------------------------
  // The background worker, the study controller (getStudies/onDidChange for the sidebar and curves),
  // CodeLenses, status bar and the Trials output channel. deactivate() awaits the worker's shutdown.
  const studies = createStudies({ context, log, detect: doc => documents.get(doc), onShutdown });
  const studyHover = new StudyHoverLookup(studies.controller);

  // --- hovers, diagnostics, explanations ----------------------------------------------------------
  // The file types detection reads (core/detect/files.ts), by language and by extension.
  const selector: vscode.DocumentSelector = [...CONFIG_LANGUAGE_IDS.map(language => ({ language })), { pattern: CONFIG_GLOB }];
  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider({ scheme: 'vscode-notebook-cell', language: 'python' }, new ParametersCellCodeLens()),
    vscode.languages.registerHoverProvider(selector, new SettingHoverProvider(documents, { findSettingAt, renderHover }, studyHover)),
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, new ExplanationPages()),
  );
  const diagnostics = new HyperparameterDiagnostics(documents, diagnose);
  context.subscriptions.push(
    diagnostics,
    vscode.languages.registerCodeActionsProvider(selector, diagnostics, { providedCodeActionKinds: HyperparameterDiagnostics.providedCodeActionKinds }),
  );

  // --- the sidebar ----------------------------------------------------------------------------------
  const sidebarModel = new SidebarModel(scanner.index, studies.controller);
  const applyBest = createApplyBestCommand(studies.controller, doc => documents.get(doc));
  const studyByName = (name: string) => studies.controller.getStudy(name);
  const sidebar = new SidebarViewProvider(context.extensionUri, sidebarModel, { warn: m => log.warn(m) }, {
    // The card offers "Run again" on a finished study: a fresh study from the same file, under the next free name.
    start: name => vscode.commands.executeCommand('hpstudio.startStudy', studyByName(name)?.studyFile, { rerun: true }),
    stop: name => vscode.commands.executeCommand('hpstudio.stopStudy', name),
    resume: name => vscode.commands.executeCommand('hpstudio.resumeStudy', name),
    openStudyFile: name => vscode.commands.executeCommand('hpstudio.openStudyFile', name),
    showCurves: name => vscode.commands.executeCommand('hpstudio.showCurves', name),
    applyBest: name => vscode.commands.executeCommand('hpstudio.applyBest', name),
    showLrFind: name => vscode.commands.executeCommand('hpstudio.showLrFind', name),
  });
  context.subscriptions.push(sidebarModel, sidebar, vscode.window.registerWebviewViewProvider(SidebarViewProvider.viewId, sidebar));
  // The first scan runs in the background; activation must not wait for a big workspace. The vocabulary
  // file is read first so the scan already sees it.
  void vocabulary.reload().then(() => scan()).catch(err => log.warn(`workspace scan failed: ${err instanceof Error ? err.message : String(err)}`));

  // --- the curves panel (restored after reload by its serializer) -----------------------------------
  const curves = createCurvesCommands(context.extensionUri, studies.controller, log);
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(CurvesPanel.viewType, curves.serializer));

  // --- the learning-rate finder (an lr-find is a study of its own kind; its panel is restored after reload) ---
  const lrFind = createLrFind({ extensionUri: context.extensionUri, controller: studies.controller, detect: doc => documents.get(doc), log });
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(LrFindPanel.viewType, lrFind.serializer));

  // --- the command table --------------------------------------------------------------------------
  // Commands that run workspace programs (tune, start, stop, resume) check Workspace Trust themselves, inside
  // createStudies: in Restricted Mode they refuse with a message and resolve to { refused: true, reason },
  // also when another extension calls them through executeCommand.
  const commands: Record<string, (...args: unknown[]) => unknown> = {
    'hpstudio.scanWorkspace': scan,
    'hpstudio.tuneFile': studies.commands.tuneFile,
    'hpstudio.tuneNotebook': createTuneNotebookCommand(studies.commands.tuneFile),
    'hpstudio.openTrialNotebook': createOpenTrialNotebookCommand(studies.controller),
    'hpstudio.startStudy': studies.commands.startStudy,
    'hpstudio.resumeStudy': studies.commands.resumeStudy,
    'hpstudio.stopStudy': studies.commands.stopStudy,
    'hpstudio.openStudyFile': studies.commands.openStudyFile,
    'hpstudio.showCurves': name => curves.showCurves(name),
    'hpstudio.openCurves': target => curves.openCurves(target),
    'hpstudio.explainSetting': createExplainCommand(documents),
    'hpstudio.applyBest': applyBest,
    'hpstudio.teachVocabulary': createTeachCommand(vocabulary, () => void scan()) as (...args: unknown[]) => unknown,
    ...lrFind.commands,
  };
  for (const [id, run] of Object.entries(commands)) context.subscriptions.push(vscode.commands.registerCommand(id, run));
}

export async function deactivate(): Promise<void> {
  // Disposables are disposed by VS Code; processes (trials, the worker) must be stopped and awaited here.
  await Promise.allSettled(shutdownTasks.splice(0).map(task => task()));
}

/** Services that own processes register how to stop them when the extension goes away. */
function onShutdown(task: () => Promise<void>): void {
  shutdownTasks.push(task);
}
