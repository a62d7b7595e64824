import * as vscode from 'vscode';
import { parseMessage } from '../../core/protocol/validate';
import { sidebarToHost, type HostToSidebar, type SidebarState, type SidebarToHost, type StudyAction } from '../../core/protocol/sidebar';
import { isNotebookUri, showNotebookCell } from '../notebook/notebookCells';
import { PushThrottle } from '../../core/protocol/pushThrottle';
import { renderWebviewHtml, webviewOptions } from './html';

/** Least time between two state pushes to the sidebar webview. */
const SIDEBAR_PUSH_MS = 500;

/** What the sidebar shows; the composition root backs it with the workspace index and trust state. */
export interface SidebarModel {
  getState(): SidebarState;
  readonly onDidChange: vscode.Event<void>;
  select(study: string): void;
  /** Where a listed notebook's first hyperparameter is (its cell); the webview only knows line and character. */
  locate?(uri: string): { readonly cell?: number } | undefined;
}

/** What the study buttons do; the composition root maps each to a command. */
export type StudyActions = Record<StudyAction, (study: string) => unknown>;

export interface Logger {
  warn(message: string): void;
}

/**
 * The activity-bar view. Stateless by design: the webview restores its last render from
 * getState/setState while it waits for the `ready` handshake, then the host pushes the current state.
 */
export class SidebarViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'hpstudio.sidebar';
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pushes = new PushThrottle(() => this.push(), SIDEBAR_PUSH_MS);

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: SidebarModel,
    private readonly log: Logger,
    private readonly studyActions: StudyActions,
  ) {
    // A running study changes the model many times a second: push at most twice a second (the last state always goes).
    this.disposables.push(model.onDidChange(() => this.pushes.request()), { dispose: () => this.pushes.dispose() });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, { script: 'sidebar', title: 'Hyperparameter Studio', styles: ['sidebar/style.css'] });
    this.disposables.push(
      view.webview.onDidReceiveMessage(raw => this.receive(raw)),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
      }),
      // A hidden webview cannot receive messages; refresh it when it becomes visible again.
      view.onDidChangeVisibility(() => view.visible && this.pushes.flush()),
    );
  }

  private receive(raw: unknown): void {
    const parsed = parseMessage(sidebarToHost, raw);
    if (!parsed.ok) {
      this.log.warn(`sidebar: dropped a message: ${parsed.error}`);
      return;
    }
    void this.handle(parsed.message);
  }

  private async handle(message: SidebarToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.pushes.flush();
        return;
      case 'scan':
        await vscode.commands.executeCommand('hpstudio.scanWorkspace');
        return;
      case 'openConfig': {
        const uri = vscode.Uri.parse(message.uri, true);
        if (isNotebookUri(uri)) {
          await showNotebookCell(uri, this.model.locate?.(message.uri)?.cell ?? 0, message.line, message.character);
          return;
        }
        const position = new vscode.Position(message.line, message.character);
        await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: false });
        return;
      }
      case 'selectStudy':
        this.model.select(message.name);
        return;
      case 'studyAction':
        await this.studyActions[message.action](message.study);
        return;
      case 'openTrialNotebook':
        await vscode.commands.executeCommand('hpstudio.openTrialNotebook', message.study, message.trial);
        return;
      case 'command':
        // Only the fixed set of our own commands (the protocol enumerates them); never an arbitrary id.
        await vscode.commands.executeCommand(`hpstudio.${message.command}`, message.uri ? vscode.Uri.parse(message.uri, true) : undefined);
        return;
    }
  }

  private push(): void {
    if (!this.view || !this.ready) return;
    const message: HostToSidebar = { type: 'state', state: this.model.getState() };
    void this.view.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
