/**
 * Builds the tuning feature for the composition root: the worker client, the study controller, the
 * CodeLenses and the command handlers. Commands that run workspace programs are wrapped with
 * `requireTrust` here and resolve to `{ refused: true, reason }` in Restricted Mode, so callers of
 * `executeCommand` (and tests) can see the refusal, not just a notification.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { requireTrust } from '../trust';
import { StudyCodeLensProvider, type DocumentDetector } from './codeLens';
import { StudyController } from './controller';
import { createTuneFileCommand } from './tuneFile';
import { PythonInterpreters } from '../python/interpreters';
import { WorkerClient } from '../../core/worker/workerClient';

export interface StudiesDeps {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** Detection of an open document (the per-version cache). */
  readonly detect: DocumentDetector;
  /** Registers an async clean-up that `deactivate()` awaits. */
  readonly onShutdown: (task: () => Promise<void>) => void;
}

export interface Studies {
  readonly controller: StudyController;
  readonly worker: WorkerClient;
  /** Handlers for the command table; each refuses in Restricted Mode with `{ refused: true, reason }`. */
  readonly commands: {
    readonly tuneFile: (...args: unknown[]) => unknown;
    readonly startStudy: (...args: unknown[]) => unknown;
    readonly stopStudy: (...args: unknown[]) => unknown;
    readonly resumeStudy: (...args: unknown[]) => unknown;
    readonly openStudyFile: (...args: unknown[]) => unknown;
  };
}

/** Languages whose files can hold a config or a study file; CodeLenses appear only where detection finds something. */
const CODELENS_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'yaml' },
  { scheme: 'file', language: 'json' },
  { scheme: 'file', language: 'jsonc' },
  { scheme: 'file', language: 'toml' },
  { scheme: 'file', language: 'python' },
  { scheme: 'file', language: 'javascript' },
  { scheme: 'file', pattern: '**/*.{cfg,ini,conf}' },
];

export function createStudies(deps: StudiesDeps): Studies {
  const { context, log } = deps;
  // The crash handler needs the controller, which needs the worker: a late-bound reference.
  const ref: { controller?: StudyController } = {};
  const worker = new WorkerClient({
    modulePath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
    log: (level, message) => log[level](message),
    onCrash: crash => {
      log.error(`tuning worker exited unexpectedly (code ${crash.code}, signal ${crash.signal})`);
      ref.controller?.onWorkerCrash(crash);
    },
  });
  const interpreters = new PythonInterpreters(m => log.warn(m));
  const ctrl = new StudyController({ worker, workspaceState: context.workspaceState, interpreters });
  ref.controller = ctrl;
  const lenses = new StudyCodeLensProvider(ctrl, deps.detect);
  context.subscriptions.push(
    interpreters,
    ctrl,
    lenses,
    vscode.languages.registerCodeLensProvider(CODELENS_SELECTOR, lenses),
    // Nothing about trust is cached: granting it shows the lenses and offers the interrupted studies.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void ctrl.initialize()),
    // Read-only and internal (not in the palette): fresh study snapshots (journals re-read), for tests
    // and other extensions; views use controller.getStudies() + onDidChange instead.
    vscode.commands.registerCommand('hpstudio.getStudies', () => {
      ctrl.refreshAll();
      return ctrl.getStudies();
    }),
    // Internal too: the interpreter (and conda activation) a study file's trials would get now.
    vscode.commands.registerCommand('hpstudio.getInterpreter', (target?: unknown) => {
      const uri = target instanceof vscode.Uri ? target : typeof target === 'string' && target ? vscode.Uri.file(target) : undefined;
      return uri ? ctrl.interpreterFor(uri) : interpreters.choose(undefined);
    }),
  );
  // deactivate() awaits this: every trial this window started is stopped before the worker exits.
  deps.onShutdown(async () => {
    await ctrl.rememberInterrupted();
    await worker.dispose();
  });
  void ctrl.initialize().catch(err => log.warn(`reading the studies failed: ${err instanceof Error ? err.message : String(err)}`));

  const trusted =
    <R>(run: (...args: unknown[]) => Promise<R>) =>
    (...args: unknown[]): Promise<R | { refused: true; reason: string }> =>
      requireTrust(vscode.workspace, message => ctrl.refuse(message), run)(...args) ?? Promise.resolve({ refused: true as const, reason: ctrl.lastRefusal ?? '' });

  const nameArg = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const uriArg = (v: unknown): vscode.Uri | undefined => (v instanceof vscode.Uri ? v : typeof v === 'string' && v.length > 0 ? vscode.Uri.file(v) : undefined);

  return {
    controller: ctrl,
    worker,
    commands: {
      tuneFile: trusted(createTuneFileCommand({ controller: ctrl, detect: deps.detect })),
      startStudy: trusted(async (target?: unknown, options?: unknown) => {
        const o = (typeof options === 'object' && options !== null ? options : {}) as { resume?: boolean; rerun?: boolean; worker?: boolean; trials?: number; parallel?: number; quiet?: boolean };
        return ctrl.startStudy(uriArg(target), { resume: o.resume === true, rerun: o.rerun === true, worker: o.worker === true, trials: o.trials, parallel: o.parallel, quiet: o.quiet });
      }),
      stopStudy: trusted(async (name?: unknown) => ctrl.stopStudy(nameArg(name))),
      resumeStudy: trusted(async (name?: unknown) => ctrl.resumeStudy(nameArg(name))),
      // Opening a file runs nothing, but it belongs with the others in the menus; no trust needed.
      openStudyFile: async (name?: unknown) => {
        const studies = ctrl.getStudies().filter(s => s.studyFile && fs.existsSync(s.studyFile));
        const target = nameArg(name) ?? (await vscode.window.showQuickPick(studies.map(s => s.name), { title: 'Open the study file of…' }));
        const study = studies.find(s => s.name === target);
        if (!study) return { opened: false };
        await vscode.window.showTextDocument(vscode.Uri.file(study.studyFile), { preview: false });
        return { opened: true, studyFile: study.studyFile };
      },
    },
  };
}
