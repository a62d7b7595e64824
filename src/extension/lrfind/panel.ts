/**
 * The learning-rate finder panel: one per lr-find study, following the study's snapshot as its trials
 * report (the controller's onDidChange), showing the curve, the suggestion in words, Apply and Narrow.
 * Stateless like the curves panel: the webview repaints its last view while it loads, says `ready`, and
 * gets the current one; a serializer brings it back after a reload.
 */
import * as vscode from 'vscode';
import { readLrFind } from '../../core/lrfind/read';
import { lrFindView } from '../../core/lrfind/view';
import { lrFindToHost, type HostToLrFind, type LrFindAction, type LrFindView } from '../../core/protocol/lrfind';
import { parseMessage } from '../../core/protocol/validate';
import { renderWebviewHtml, webviewOptions } from '../views/html';
import { applySuggestion, narrowStudyRange, type LrFindActionDeps } from './actions';

export interface LrFindPanelDeps extends LrFindActionDeps {
  readonly log: { warn(message: string): void; error(message: string): void };
}

export class LrFindPanel implements vscode.Disposable {
  static readonly viewType = 'hpstudio.lrfind';
  private static readonly open = new Map<string, LrFindPanel>();
  private ready = false;
  private note: string | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  static createOrShow(extensionUri: vscode.Uri, study: string, deps: LrFindPanelDeps): LrFindPanel {
    const existing = LrFindPanel.open.get(study);
    if (existing) {
      existing.panel.reveal();
      existing.push();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(LrFindPanel.viewType, `Learning Rate: ${study}`, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    return new LrFindPanel(panel, extensionUri, study, deps);
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, study: string, deps: LrFindPanelDeps): LrFindPanel {
    LrFindPanel.open.get(study)?.dispose();
    return new LrFindPanel(panel, extensionUri, study, deps);
  }

  static get(study: string): LrFindPanel | undefined {
    return LrFindPanel.open.get(study);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    readonly study: string,
    private readonly deps: LrFindPanelDeps,
  ) {
    LrFindPanel.open.set(study, this);
    panel.title = `Learning Rate: ${study}`;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, { script: 'lrfind', title: `Learning Rate: ${study}`, styles: ['lrfind/style.css'] });
    this.disposables.push(
      panel.webview.onDidReceiveMessage(raw => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      deps.studies.onDidChange(changed => {
        if (changed === undefined || changed === study) this.push();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.push()),
    );
  }

  /** A line under the verdict (what Apply or Narrow did, notes from preparing the lr-find). */
  setNote(note: string | null): void {
    this.note = note;
    this.push();
  }

  /** The view as the webview gets it (tests read it through `hpstudio.getLrFind`). */
  view(): LrFindView | undefined {
    const snapshot = this.deps.studies.getStudy(this.study);
    if (!snapshot || snapshot.error) return undefined;
    const result = readLrFind(snapshot);
    const rel = (file: string | undefined) => (file ? vscode.workspace.asRelativePath(file) : null);
    return lrFindView(snapshot, result, { applyTarget: rel(result.facts.source), narrowTarget: rel(result.facts.study), note: this.note, trusted: vscode.workspace.isTrusted });
  }

  private receive(raw: unknown): void {
    const parsed = parseMessage(lrFindToHost, raw);
    if (!parsed.ok) {
      this.deps.log.warn(`lr-find panel: dropped a message from the webview: ${parsed.error}`);
      return;
    }
    const m = parsed.message;
    if (m.type === 'ready') {
      this.ready = true;
      this.push();
    } else if (m.type === 'action') {
      void this.act(m.action).catch(err => this.deps.log.error(`lr-find panel: ${m.action} failed: ${err instanceof Error ? err.message : String(err)}`));
    } else if (m.level === 'error') {
      this.deps.log.error(`lr-find webview: ${m.message}`);
    } else {
      this.deps.log.warn(`lr-find webview: ${m.message}`);
    }
  }

  private async act(action: LrFindAction): Promise<void> {
    switch (action) {
      case 'apply': {
        const r = await applySuggestion(this.deps, this.study);
        this.setNote(r.applied ? `Applied to ${vscode.workspace.asRelativePath(r.file ?? '')}.` : r.error ?? null);
        return;
      }
      case 'narrow': {
        const r = await narrowStudyRange(this.deps, this.study);
        this.setNote(r.applied ? `Narrowed ${vscode.workspace.asRelativePath(r.file ?? '')} to ${r.low} … ${r.high}.` : r.error ?? null);
        return;
      }
      case 'showCurves':
        await vscode.commands.executeCommand('hpstudio.showCurves', this.study);
        return;
      case 'openStudyFile':
        await vscode.commands.executeCommand('hpstudio.openStudyFile', this.study);
        return;
      case 'resume':
        await vscode.commands.executeCommand('hpstudio.resumeStudy', this.study);
        return;
      case 'stop':
        await vscode.commands.executeCommand('hpstudio.stopStudy', this.study);
        return;
    }
  }

  private push(): void {
    if (this.disposed || !this.ready) return;
    let view: LrFindView | undefined;
    try {
      view = this.view();
    } catch (err) {
      this.deps.log.error(`lr-find panel: could not read ${this.study}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (!view) return;
    const message: HostToLrFind = { type: 'state', view };
    void this.panel.webview.postMessage(message).then(delivered => {
      if (!delivered) this.ready = false;
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (LrFindPanel.open.get(this.study) === this) LrFindPanel.open.delete(this.study);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** Brings lr-find panels back after a reload, from the study name in the webview's saved view. */
export class LrFindPanelSerializer implements vscode.WebviewPanelSerializer<unknown> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: LrFindPanelDeps,
  ) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const view = typeof state === 'object' && state !== null ? (state as { view?: { study?: unknown } }).view : undefined;
    const study = typeof view?.study === 'string' ? view.study : undefined;
    if (!study) {
      panel.dispose();
      return;
    }
    LrFindPanel.revive(panel, this.extensionUri, study, this.deps);
  }
}
