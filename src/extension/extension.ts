import * as vscode from 'vscode';
import { SidebarViewProvider } from './views/sidebarView';
import { requireTrust } from './trust';
import type { SidebarState } from '../core/protocol/sidebar';

/**
 * The composition root: the only place that creates services and wires them to VS Code. Commands come
 * from one table; every disposable goes into `context.subscriptions` so deactivation cleans up all.
 */

interface CommandSpec {
  /** Tuning commands run workspace programs: refused in Restricted Mode, even via executeCommand. */
  readonly needsTrust?: boolean;
  readonly run: (...args: unknown[]) => unknown;
}

/** What a command says until its feature ships — never a silent no-op. */
function comingSoon(feature: string): () => Thenable<unknown> {
  return () => vscode.window.showInformationMessage(`Hyperparameter Studio: ${feature} is not available in this version yet.`);
}

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
  const sidebarChanged = new vscode.EventEmitter<void>();
  const sidebarModel = {
    onDidChange: sidebarChanged.event,
    getState: (): SidebarState => ({ scanning: false, trusted: vscode.workspace.isTrusted, configs: [], problems: [], message: null }),
  };
  const sidebar = new SidebarViewProvider(context.extensionUri, sidebarModel, { warn: m => log.warn(m) });
  context.subscriptions.push(
    sidebarChanged,
    sidebar,
    vscode.window.registerWebviewViewProvider(SidebarViewProvider.viewId, sidebar),
    vscode.workspace.onDidGrantWorkspaceTrust(() => sidebarChanged.fire()),
  );

  // --- studies (tuning) -------------------------------------------------------------------------

  // --- the command table --------------------------------------------------------------------------
  const commands: Record<string, CommandSpec> = {
    'hpstudio.scanWorkspace': { run: comingSoon('workspace scanning') },
    'hpstudio.tuneFile': { needsTrust: true, run: comingSoon('tuning') },
    'hpstudio.showCurves': { run: comingSoon('the curves panel') },
    'hpstudio.stopStudy': { needsTrust: true, run: comingSoon('stopping studies') },
    'hpstudio.explainSetting': { run: comingSoon('explanations') },
  };
  const notify = (message: string) => vscode.window.showWarningMessage(message);
  for (const [id, spec] of Object.entries(commands)) {
    const run = spec.needsTrust ? requireTrust(vscode.workspace, notify, spec.run) : spec.run;
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  }
}

export async function deactivate(): Promise<void> {
  // Disposables are disposed by VS Code; processes (trials, the worker) must be stopped and awaited here.
  await Promise.allSettled(shutdownTasks.splice(0).map(task => task()));
}

/** Services that own processes register how to stop them when the extension goes away. */
export function onShutdown(task: () => Promise<void>): void {
  shutdownTasks.push(task);
}
