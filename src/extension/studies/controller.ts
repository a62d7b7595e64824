/**
 * Knows the workspace's studies (from their journals, so CLI runs show up too), starts, stops and
 * resumes them through the background worker, and shows their progress: a status bar item, a
 * cancellable progress notification for studies started here, and the "Trials" output channel.
 * `getStudies()` + `onDidChange` are what the sidebar and the curves panel consume.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JOURNAL_FILE } from '../../core/study/journal';
import * as vscode from 'vscode';
import type { FromWorker, StudyEventMessage } from '../../core/protocol/worker';
import { UNTRUSTED_MESSAGE } from '../trust';
import { looksLikeStudy } from '../../core/study/studyDraft';
import { listStudyDirs, readStudySnapshot, type StudySnapshot } from '../../core/study/studyIndex';
import { formatParams, formatValue } from '../../core/study/summary';
import type { WorkerClient, WorkerCrash } from '../../core/worker/workerClient';

export type StartOutcome =
  | { readonly started: true; readonly study: string; readonly studyFile: string; readonly journalDir: string }
  | { readonly started: false; readonly error: string }
  | { readonly refused: true; readonly reason: string };

export type StopOutcome = { readonly stopped: true; readonly study: string; readonly status: string } | { readonly stopped: false; readonly error: string };

/** Why a study ended in this window; awaited by `stopStudy` and the progress notification. */
interface OwnedStudy {
  readonly name: string;
  readonly studyFile: string;
  readonly journalDir: string;
  readonly workspace: string;
  readonly budget: number;
  readonly ended: Promise<string>;
  readonly end: (status: string) => void;
}

/**
 * Studies this window's worker is running, kept in workspace state from start to end: whatever is
 * still listed at the next activation was cut short (window closed or reloaded, host killed) and is
 * offered for Resume.
 */
const INTERRUPTED_KEY = 'hpstudio.studies.runningInThisWindow';

export interface StudyControllerOptions {
  readonly worker: WorkerClient;
  readonly workspaceState: vscode.Memento;
  /** Study events as they arrive (live metrics for the curves panel). */
  readonly log?: vscode.LogOutputChannel;
}

/** How often journals are checked for changes that no file event reported. */
const JOURNAL_POLL_MS = 3_000;

export class StudyController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  private readonly eventsEmitter = new vscode.EventEmitter<readonly StudyEventMessage[]>();
  /** Fires with the study's name (or undefined when several changed) after its snapshot changed. */
  readonly onDidChange = this.changed.event;
  /** Raw study events from the worker, batched (~10 Hz): live metrics for the curves panel. */
  readonly onDidReceiveEvents = this.eventsEmitter.event;
  private readonly studies = new Map<string, StudySnapshot>();
  private readonly owned = new Map<string, OwnedStudy>();
  private readonly output: vscode.OutputChannel;
  private readonly statusBar: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly dirty = new Set<string>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private workerPid: number | undefined;
  /** Set at shutdown: the studies the worker ends now stay listed for the resume offer. */
  private shuttingDown = false;
  /** The last Restricted Mode refusal (tests and the sidebar can show it). */
  lastRefusal: string | undefined;

  constructor(private readonly options: StudyControllerOptions) {
    this.output = vscode.window.createOutputChannel('Hyperparameter Studio: Trials');
    this.statusBar = vscode.window.createStatusBarItem('hpstudio.studies', vscode.StatusBarAlignment.Left, 50);
    this.statusBar.name = 'Hyperparameter Studio: studies';
    this.disposables.push(this.output, this.statusBar, this.changed, this.eventsEmitter);
    this.disposables.push({ dispose: options.worker.onMessage(m => this.onWorkerMessage(m)) });
    // Journals written by anyone (a CLI run in the terminal) update the list.
    const watcher = vscode.workspace.createFileSystemWatcher('**/.hpstudio/studies/*/journal.jsonl');
    const touched = (uri: vscode.Uri) => this.markDirty(path.dirname(uri.fsPath));
    this.disposables.push(watcher, watcher.onDidChange(touched), watcher.onDidCreate(touched), watcher.onDidDelete(() => this.refreshAll()));
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refreshAll()));
    // File events are not guaranteed (remote hosts, code-server, watcher limits): a slow stat poll
    // catches journals a terminal run created or grew, so the sidebar never lags for long.
    const poll = setInterval(() => this.pollJournals(), JOURNAL_POLL_MS);
    this.disposables.push({ dispose: () => clearInterval(poll) });
  }

  private readonly journalStamps = new Map<string, string>();

  private pollJournals(): void {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      for (const dir of listStudyDirs(folder.uri.fsPath)) {
        let stamp: string;
        try {
          const st = fs.statSync(path.join(dir, JOURNAL_FILE));
          stamp = `${st.size}:${st.mtimeMs}`;
        } catch {
          continue;
        }
        if (this.journalStamps.get(dir) === stamp) continue;
        const known = this.journalStamps.has(dir);
        this.journalStamps.set(dir, stamp);
        // The first sighting only records the stamp when the study is already listed.
        if (known || !this.studies.has(path.basename(dir))) this.markDirty(dir);
      }
    }
  }

  /** Every known study of the workspace folders, ordered by name. */
  getStudies(): readonly StudySnapshot[] {
    return [...this.studies.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  getStudy(name: string): StudySnapshot | undefined {
    return this.studies.get(name);
  }

  /** Reads every journal of every workspace folder; at activation, offers Resume for interrupted studies. */
  async initialize(): Promise<void> {
    this.refreshAll();
    // In Restricted Mode nothing may run: keep the list for when trust is granted (wire.ts calls us again).
    if (!vscode.workspace.isTrusted) return;
    const interrupted = new Set(this.options.workspaceState.get<string[]>(INTERRUPTED_KEY, []));
    await this.options.workspaceState.update(INTERRUPTED_KEY, undefined);
    const offer = this.getStudies().filter(s => s.state === 'crashed' || (interrupted.has(s.name) && s.state !== 'running' && s.state !== 'finished'));
    for (const s of offer) void this.offerResume(s, s.state === 'crashed' ? `its runner stopped unexpectedly (${s.reason ?? 'unknown reason'})` : 'the window was closed or reloaded while it ran');
  }

  private async offerResume(s: StudySnapshot, why: string): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    const choice = await vscode.window.showWarningMessage(
      `Hyperparameter Studio: study "${s.name}" was interrupted after ${s.done} of ${s.budget} trials: ${why}. Resume keeps every finished trial and continues the numbering.`,
      'Resume',
      'Show Trials',
    );
    if (choice === 'Resume') await this.resumeStudy(s.name);
    else if (choice === 'Show Trials') this.output.show(true);
  }

  refreshAll(): void {
    this.studies.clear();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      for (const dir of listStudyDirs(folder.uri.fsPath)) this.readInto(dir, folder.uri.fsPath);
    }
    this.updateStatusBar();
    this.changed.fire(undefined);
  }

  private readInto(journalDir: string, workspace: string): StudySnapshot {
    const owned = [...this.owned.values()].find(o => o.journalDir === journalDir);
    const snapshot = readStudySnapshot(journalDir, workspace, { workerPid: this.workerPid, budget: owned?.budget });
    this.studies.set(snapshot.name, snapshot);
    return snapshot;
  }

  /** Re-reads a journal soon (coalesced: a busy study changes its journal many times a second). */
  private markDirty(journalDir: string): void {
    this.dirty.add(journalDir);
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      const dirs = [...this.dirty];
      this.dirty.clear();
      const names = dirs.map(dir => this.refreshOne(dir)).filter((n): n is string => n !== undefined);
      this.updateStatusBar();
      this.changed.fire(names.length === 1 ? names[0] : undefined);
    }, 250);
  }

  private refreshOne(journalDir: string): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.find(f => journalDir.startsWith(f.uri.fsPath + path.sep));
    if (!folder || !fs.existsSync(journalDir)) return undefined;
    return this.readInto(journalDir, folder.uri.fsPath).name;
  }

  /** Re-reads one study now (after the worker said it ended, so callers see the final state). */
  private refreshNow(journalDir: string): void {
    this.dirty.delete(journalDir);
    const name = this.refreshOne(journalDir);
    this.updateStatusBar();
    this.changed.fire(name);
  }

  // --- commands -----------------------------------------------------------------------------------

  /** Shows and records a Restricted Mode refusal. */
  refuse(message: string = UNTRUSTED_MESSAGE): { refused: true; reason: string } {
    this.lastRefusal = message;
    void vscode.window.showWarningMessage(message);
    return { refused: true, reason: message };
  }

  /**
   * Starts (or resumes) the study in a study file: the given URI, else the active editor's study
   * file, else one picked from the workspace. Resolves once the worker has started it.
   */
  async startStudy(target?: vscode.Uri, opts: { resume?: boolean; trials?: number; parallel?: number; quiet?: boolean } = {}): Promise<StartOutcome> {
    // Checked here too, not only by the command: CodeLens, the sidebar and other callers land here.
    if (!vscode.workspace.isTrusted) return this.refuse();
    const uri = target ?? (await this.pickStudyFile());
    if (!uri) return { started: false, error: 'no study file chosen' };
    if (uri.scheme !== 'file') return this.failStart(`${uri.toString()} is not a file on disk; studies need a local folder`, opts.quiet);
    const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
    if (open?.isDirty) await open.save();
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    const workspace = folder?.uri.scheme === 'file' ? folder.uri.fsPath : path.dirname(uri.fsPath);
    const pythonPath = vscode.workspace.getConfiguration('hpstudio').get<string>('pythonPath', '').trim();
    const answer = await this.options.worker.start({
      studyFile: uri.fsPath,
      workspace,
      resume: opts.resume === true,
      trials: opts.trials,
      parallel: opts.parallel,
      interpreter: pythonPath || undefined,
    });
    if (!answer.ok) return this.failStart(answer.error, opts.quiet);
    const m = answer.message;
    this.workerPid = this.options.worker.pid;
    let end: (status: string) => void = () => {};
    const ended = new Promise<string>(resolve => (end = resolve));
    const owned: OwnedStudy = { name: m.study, studyFile: m.studyFile, journalDir: m.journalDir, workspace, budget: m.budget, ended, end };
    this.owned.set(m.study, owned);
    await this.rememberRunning();
    this.line(m.study, `${opts.resume ? 'resumed' : 'started'} from ${vscode.workspace.asRelativePath(m.studyFile)} (${m.budget} trials)`);
    for (const w of m.warnings) this.line(m.study, `warning: ${w}`);
    this.refreshNow(m.journalDir);
    if (!opts.quiet) this.showProgress(owned);
    return { started: true, study: m.study, studyFile: m.studyFile, journalDir: m.journalDir };
  }

  private failStart(error: string, quiet?: boolean): StartOutcome {
    this.output.appendLine(`[start] ${error}`);
    if (!quiet) void vscode.window.showErrorMessage(`Hyperparameter Studio: could not start the study: ${error}`);
    return { started: false, error };
  }

  private async pickStudyFile(): Promise<vscode.Uri | undefined> {
    const active = vscode.window.activeTextEditor?.document;
    if (active && active.uri.scheme === 'file' && looksLikeStudy(active.uri.fsPath, active.getText())) return active.uri;
    const found = await vscode.workspace.findFiles('**/{*.study.yaml,*.study.yml,sweep*.yaml,sweep*.yml}', '**/{node_modules,.git,.hpstudio}/**', 200);
    const files = found.filter(u => {
      try {
        return looksLikeStudy(u.fsPath, fs.readFileSync(u.fsPath, 'utf8'));
      } catch {
        return false;
      }
    });
    if (files.length === 0) {
      void vscode.window.showInformationMessage('Hyperparameter Studio: no study file in this workspace. Create one with "Tune Hyperparameters in This File…".');
      return undefined;
    }
    if (files.length === 1) return files[0];
    const pick = await vscode.window.showQuickPick(
      files.map(u => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
      { title: 'Start which study?' },
    );
    return pick?.uri;
  }

  /** Stops a study running in this window (asks which when several run); resolves once every trial is gone. */
  async stopStudy(name?: string): Promise<StopOutcome> {
    if (!vscode.workspace.isTrusted) return { stopped: false, error: this.refuse().reason };
    let target = name;
    if (target === undefined) {
      const running = [...this.owned.keys()];
      if (running.length === 0) {
        const elsewhere = this.getStudies().filter(s => s.state === 'running' && s.runner === 'elsewhere');
        const hint = elsewhere.length ? ` (${elsewhere.map(s => `${s.name} runs in pid ${s.owner?.pid}: stop it there, e.g. Ctrl-C in its terminal`).join('; ')})` : '';
        void vscode.window.showInformationMessage(`Hyperparameter Studio: no study is running in this window${hint}.`);
        return { stopped: false, error: 'no study is running' };
      }
      target = running.length === 1 ? running[0] : (await vscode.window.showQuickPick(running, { title: 'Stop which study?' }));
      if (!target) return { stopped: false, error: 'no study chosen' };
    }
    const owned = this.owned.get(target);
    if (!owned) {
      const s = this.studies.get(target);
      const why = s?.state === 'running' && s.runner === 'elsewhere' ? `it is run by pid ${s.owner?.pid} on ${s.owner?.host}, not by this window` : 'it is not running in this window';
      void vscode.window.showInformationMessage(`Hyperparameter Studio: cannot stop study "${target}": ${why}.`);
      return { stopped: false, error: why };
    }
    this.line(target, 'stopping: every running trial gets SIGTERM (SIGKILL after the grace period)');
    this.options.worker.stop(target);
    const status = await owned.ended;
    return { stopped: true, study: target, status };
  }

  /** Resumes a study that is not running: asks which when no name is given. */
  async resumeStudy(name?: string): Promise<StartOutcome> {
    if (!vscode.workspace.isTrusted) return this.refuse();
    let target = name;
    if (target === undefined) {
      const resumable = this.getStudies().filter(s => s.state !== 'running' && !s.error);
      if (resumable.length === 0) {
        void vscode.window.showInformationMessage('Hyperparameter Studio: there is no study to resume.');
        return { started: false, error: 'no study to resume' };
      }
      const pick = await vscode.window.showQuickPick(
        resumable.map(s => ({ label: s.name, description: `${s.state} · ${s.done}/${s.budget} trials`, name: s.name })),
        { title: 'Resume which study?' },
      );
      if (!pick) return { started: false, error: 'no study chosen' };
      target = pick.name;
    }
    // A journal written a moment ago (a CLI run) may not have reached us through the file watcher yet.
    if (!this.studies.has(target)) this.refreshAll();
    const s = this.studies.get(target);
    if (!s) return this.failStart(`there is no study named "${target}" in this workspace`);
    if (!s.studyFile || !fs.existsSync(s.studyFile)) return this.failStart(`the study file of "${target}" (${s.studyFile || 'unknown'}) is gone; resume needs it to launch trials`);
    return this.startStudy(vscode.Uri.file(s.studyFile), { resume: true });
  }

  // --- worker messages ------------------------------------------------------------------------------

  private onWorkerMessage(message: FromWorker): void {
    switch (message.type) {
      case 'events':
        for (const e of message.events) this.describe(e);
        for (const dir of new Set(message.events.map(e => this.owned.get(e.study)?.journalDir).filter((d): d is string => d !== undefined))) this.markDirty(dir);
        this.eventsEmitter.fire(message.events);
        return;
      case 'ended': {
        const owned = this.owned.get(message.study);
        this.owned.delete(message.study);
        if (!this.shuttingDown) void this.rememberRunning();
        if (message.status === 'error') {
          this.line(message.study, `failed: ${message.error}`);
          void vscode.window.showErrorMessage(`Hyperparameter Studio: study "${message.study}" failed: ${message.error}`);
        } else {
          this.line(message.study, `ended: ${message.status}`);
        }
        if (owned) {
          this.refreshNow(owned.journalDir);
          owned.end(message.status);
        }
        return;
      }
      case 'log':
        this.options.log?.[message.level === 'warn' ? 'warn' : message.level === 'error' ? 'error' : 'info'](`worker: ${message.message}`);
        return;
      default:
        return;
    }
  }

  /** The worker died: its studies were interrupted mid-trial. Offer to resume them. */
  onWorkerCrash(crash: WorkerCrash): void {
    const lost = [...this.owned.values()];
    this.owned.clear();
    const detail = crash.stderr ? `\n${crash.stderr.split('\n').slice(-10).join('\n')}` : '';
    this.output.appendLine(`[worker] stopped unexpectedly (code ${crash.code}, signal ${crash.signal})${detail}`);
    for (const o of lost) o.end('crashed');
    this.refreshAll();
    if (lost.length === 0) return;
    void vscode.window
      .showErrorMessage(
        `Hyperparameter Studio: the tuning worker stopped unexpectedly (${crash.signal ?? `exit code ${crash.code}`}); ${lost.map(o => `"${o.name}"`).join(', ')} was interrupted. Finished trials are kept.`,
        'Resume',
        'Show Trials',
      )
      .then(async choice => {
        if (choice === 'Resume') for (const o of lost) await this.startStudy(vscode.Uri.file(o.studyFile), { resume: true });
        else if (choice === 'Show Trials') this.output.show(true);
      });
  }

  private describe(e: StudyEventMessage): void {
    switch (e.type) {
      case 'trial-started':
        this.line(e.study, `trial ${e.number} started${e.retryOf !== undefined ? ` (retry of ${e.retryOf})` : ''}: ${formatParams(e.params)}`);
        return;
      case 'trial-finished': {
        const s = this.studies.get(e.study);
        const value = e.value !== undefined ? ` ${s?.metric ?? 'value'}=${formatValue(e.value)}` : '';
        this.line(e.study, `trial ${e.number} ${e.state}${value} (${(e.durationMs / 1000).toFixed(1)} s)`);
        if (e.state === 'fail' && e.error) for (const l of e.error.split('\n')) this.output.appendLine(`    ${l}`);
        return;
      }
      case 'study-paused':
        this.line(e.study, `paused: ${e.reason}`);
        for (const l of e.stderr.split('\n')) this.output.appendLine(`    ${l}`);
        void vscode.window.showWarningMessage(`Hyperparameter Studio: study "${e.study}" paused: ${e.reason}\n${lastLines(e.stderr, 5)}`, 'Show log').then(choice => {
          if (choice === 'Show log') this.output.show(true);
        });
        return;
      case 'study-finished': {
        const best = e.summary.best;
        this.line(e.study, `${e.summary.status}: ${e.summary.completed} complete, ${e.summary.pruned} pruned, ${e.summary.failed} failed${best ? `; best trial ${best.number} (${formatValue(best.value)}): ${formatParams(best.params)}` : ''}`);
        return;
      }
      case 'warning':
        this.line(e.study, `warning: ${e.message}`);
        return;
      case 'metric':
        return;
    }
  }

  private line(study: string, text: string): void {
    this.output.appendLine(`${new Date().toISOString().slice(11, 19)} [${study}] ${text}`);
  }

  // --- progress -----------------------------------------------------------------------------------

  private updateStatusBar(): void {
    const running = [...this.owned.keys()].map(n => this.studies.get(n)).filter((s): s is StudySnapshot => s !== undefined);
    if (running.length === 0) {
      this.statusBar.hide();
      return;
    }
    const s = running[0];
    const best = s.best ? ` · best ${formatValue(s.best.value)}` : '';
    const more = running.length > 1 ? ` (+${running.length - 1})` : '';
    this.statusBar.text = `$(beaker) ${s.name} ${s.done}/${s.budget}${best}${more}`;
    this.statusBar.tooltip = `Hyperparameter Studio: ${running.map(r => `${r.name}: ${r.done}/${r.budget} trials, ${r.counts.running} running`).join('\n')}\nClick to show the loss curves.`;
    this.statusBar.command = { title: 'Show Loss Curves', command: 'hpstudio.showCurves', arguments: [s.name] };
    this.statusBar.show();
  }

  private showProgress(owned: OwnedStudy): void {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Tuning ${owned.name}`, cancellable: true },
      async (progress, token) => {
        let reported = 0;
        const report = () => {
          const s = this.studies.get(owned.name);
          if (!s) return;
          const done = Math.min(s.done, owned.budget);
          const best = s.best ? `, best ${s.metric} ${formatValue(s.best.value)}` : '';
          progress.report({ message: `${done}/${owned.budget} trials${best}`, increment: ((done - reported) / Math.max(1, owned.budget)) * 100 });
          reported = done;
        };
        const sub = this.onDidChange(name => (name === undefined || name === owned.name) && report());
        const cancel = token.onCancellationRequested(() => void this.stopStudy(owned.name));
        try {
          await owned.ended;
        } finally {
          sub.dispose();
          cancel.dispose();
        }
      },
    );
  }

  /** Names of the studies this window's worker runs now. */
  runningHere(): string[] {
    return [...this.owned.keys()];
  }

  private rememberRunning(): Thenable<void> {
    const names = this.runningHere();
    return this.options.workspaceState.update(INTERRUPTED_KEY, names.length > 0 ? names : undefined);
  }

  /**
   * Called before the worker is stopped at shutdown: what runs now stays listed, so the next
   * activation offers to resume it (the worker records the trials it stops as interrupted).
   */
  async rememberInterrupted(): Promise<void> {
    this.shuttingDown = true;
    await this.rememberRunning();
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n');
}
