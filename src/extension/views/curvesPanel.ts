import * as vscode from 'vscode';
import { CurvesDeltaBuffer, curvesToHost, parseCurvesMessage, snapshotMessages, type CurvesDelta, type CurvesSource, type CurvesToHost, type HostToCurves } from '../../core/protocol/curves';
import { snapshotCsv } from '../../core/analysis/export';
import { renderWebviewHtml, webviewOptions } from './html';

export interface CurvesLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface CurvesPanelOptions {
  /** The user clicked a curve or point, or picked a trial in the panel (e.g. reveal it in a tree, offer "apply params"). */
  readonly onSelectTrial?: (source: CurvesSource, trial: number) => void;
}

/** How often streamed updates are flushed to the webview: 10 Hz is smooth and keeps message counts low. */
const FLUSH_INTERVAL_MS = 100;
/** Points per `points` message when replaying a snapshot (the protocol allows 250,000). */
const REPLAY_BATCH_POINTS = 200_000;

/**
 * The curves panel: learning curves, optimization history and study plots of one source (a study
 * journal, a folder of runs). One panel per source key; `createOrShow` reveals an existing one.
 *
 * Stateless like the sidebar: the webview repaints from getState while it loads, says `ready`, and the
 * host replays a snapshot (reset + batched points), then streams deltas coalesced at 10 Hz. A hidden
 * panel loses its page (no retainContextWhenHidden), so every `ready` triggers a full replay.
 */
export class CurvesPanel implements vscode.Disposable {
  static readonly viewType = 'hpstudio.curves';
  private static readonly open = new Map<string, CurvesPanel>();

  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pending = new CurvesDeltaBuffer();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** The metric the user last chose in the panel; replays keep it. */
  private metric: string | null = null;
  private disposed = false;

  /** Shows the panel for this source, creating it if needed. */
  static createOrShow(extensionUri: vscode.Uri, source: CurvesSource, log: CurvesLogger, options: CurvesPanelOptions = {}): CurvesPanel {
    const existing = CurvesPanel.open.get(source.key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(CurvesPanel.viewType, `Curves: ${source.title}`, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    return new CurvesPanel(panel, extensionUri, source, log, options);
  }

  /** Adopts a panel VS Code restored after a reload (see CurvesPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, source: CurvesSource, log: CurvesLogger, options: CurvesPanelOptions = {}): CurvesPanel {
    CurvesPanel.open.get(source.key)?.dispose();
    return new CurvesPanel(panel, extensionUri, source, log, options);
  }

  /** The open panel of a source, if any (e.g. to `select` a trial from elsewhere). */
  static get(key: string): CurvesPanel | undefined {
    return CurvesPanel.open.get(key);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly source: CurvesSource,
    private readonly log: CurvesLogger,
    private readonly options: CurvesPanelOptions,
  ) {
    CurvesPanel.open.set(source.key, this);
    panel.title = `Curves: ${source.title}`;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, { script: 'curves', title: `Curves: ${source.title}`, styles: ['curves/style.css'] });
    this.disposables.push(
      panel.webview.onDidReceiveMessage(raw => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      source.onDidChange(delta => this.queue(delta)),
    );
  }

  /** Highlights a trial in the panel (null clears). */
  select(trial: number | null): void {
    this.post({ type: 'select', trial });
  }

  private receive(raw: unknown): void {
    const parsed = parseCurvesMessage(curvesToHost, raw);
    if (!parsed.ok) {
      this.log.warn(`curves: dropped a message from the webview: ${parsed.error}`);
      return;
    }
    void this.handle(parsed.message).catch(err => this.log.error(`curves: ${parsed.message.type} failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  private async handle(message: CurvesToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.replay();
        return;
      case 'selectTrial':
        this.options.onSelectTrial?.(this.source, message.number);
        return;
      case 'setMetric':
        this.metric = message.metric;
        return;
      case 'exportCsv':
        await this.save('csv', Buffer.from(this.fullCsv() ?? message.csv, 'utf8'));
        return;
      case 'exportPng':
        await this.save('png', Buffer.from(message.dataUrl.slice(message.dataUrl.indexOf(',') + 1), 'base64'), message.tab);
        return;
      case 'log': {
        const text = `curves webview: ${message.message}`;
        if (message.level === 'error') this.log.error(text);
        else if (message.level === 'warn') this.log.warn(text);
        else this.log.info(text);
        return;
      }
    }
  }

  /** Full picture: reset, then the points in batches. Pending deltas are part of the snapshot already. */
  private replay(): void {
    this.pending.clear();
    try {
      for (const message of snapshotMessages(this.source.snapshot(), this.source.key, this.metric, REPLAY_BATCH_POINTS)) this.post(message);
    } catch (err) {
      this.log.error(`curves: could not read ${this.source.title}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private queue(delta: CurvesDelta): void {
    // Until the webview is ready (or while hidden) nothing is sent: the next `ready` replays a snapshot.
    if (!this.ready) return;
    if (delta.reset) {
      // Trials were taken away: buffered deltas would bring them back, a fresh snapshot does not.
      if (this.flushTimer) clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.replay();
      return;
    }
    this.pending.add(delta);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  private flush(): void {
    this.flushTimer = undefined;
    for (const message of this.pending.take()) this.post(message);
  }

  private post(message: HostToCurves): void {
    if (this.disposed || !this.ready) return;
    // A hidden panel's page is gone; it says `ready` again when shown and gets a replay then.
    void this.panel.webview.postMessage(message).then(delivered => {
      if (!delivered) this.ready = false;
    });
  }

  /** Every point from the source (the webview holds a thinned copy of trials it does not draw); null if unreadable. */
  private fullCsv(): string | null {
    try {
      return snapshotCsv(this.source.snapshot());
    } catch (err) {
      this.log.warn(`curves: exporting the panel's copy, the source could not be read: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  private async save(kind: 'csv' | 'png', bytes: Buffer, tab?: string): Promise<void> {
    const name = `${this.source.title.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'curves'}${tab ? `-${tab}` : ''}.${kind}`;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: kind === 'csv' ? { 'CSV files': ['csv'] } : { 'PNG images': ['png'] },
      title: kind === 'csv' ? 'Export all points as CSV' : 'Export the plot as PNG',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    this.log.info(`curves: exported ${bytes.length} bytes to ${target.toString(true)}`);
    void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(target)}`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (CurvesPanel.open.get(this.source.key) === this) CurvesPanel.open.delete(this.source.key);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** Finds the source a restored panel showed, from the key in its saved state; undefined if it is gone. */
export type ResolveCurvesSource = (key: string) => CurvesSource | undefined | Promise<CurvesSource | undefined>;

/**
 * Restores curves panels after a window reload. Register it in activate() with
 * `vscode.window.registerWebviewPanelSerializer(CurvesPanel.viewType, new CurvesPanelSerializer(…))`
 * (and list `onWebviewPanel:hpstudio.curves` in activationEvents).
 */
export class CurvesPanelSerializer implements vscode.WebviewPanelSerializer<unknown> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly resolveSource: ResolveCurvesSource,
    private readonly log: CurvesLogger,
    private readonly options: CurvesPanelOptions = {},
  ) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const key = typeof state === 'object' && state !== null && typeof (state as { key?: unknown }).key === 'string' ? (state as { key: string }).key : '';
    let source: CurvesSource | undefined;
    try {
      source = key ? await this.resolveSource(key) : undefined;
    } catch (err) {
      this.log.warn(`curves: could not restore ${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
    // A study that is gone still gets a panel that says so, rather than a blank tab.
    CurvesPanel.revive(panel, this.extensionUri, source ?? unavailableSource(key), this.log, this.options);
  }
}

function unavailableSource(key: string): CurvesSource {
  const title = key ? `${key} (no longer available)` : 'Curves (nothing to show)';
  return {
    title,
    key: key || 'unavailable',
    snapshot: () => ({ title, direction: 'minimize', metrics: [], metric: null, trials: [], series: [] }),
    onDidChange: () => ({ dispose() {} }),
  };
}
