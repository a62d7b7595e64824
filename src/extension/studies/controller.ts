/**
 * The tuning feature as the rest of the extension sees it: the workspace's studies (`getStudies()` +
 * `onDidChange`, for the sidebar, CodeLenses, hovers and the curves panel) and the start / stop /
 * resume commands with their pickers and messages. The work is done by small parts it composes:
 * the StudyStore (journal snapshots), the StudyRunner (the worker, ownership, memento) and the
 * presenters (Trials output channel, status bar, progress notification).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXCLUDED_DIRS } from '../../core/detect/files';
import type { StudyEventMessage } from '../../core/protocol/worker';
import { nextStudyName } from '../../core/study/file/keys';
import { JOURNAL_FILE, studyDirectory } from '../../core/study/journal';
import type { JournalFollower } from '../../core/study/follower';
import { looksLikeStudy } from '../../core/study/studyDraft';
import { loadStudyFile } from '../../core/study/studyFile';
import { standingText } from '../../core/study/summary';
import type { StudySnapshot } from '../../core/study/studyIndex';
import type { WorkerClient, WorkerCrash } from '../../core/worker/workerClient';
import type { InterpreterChoice, PythonInterpreters } from '../python/interpreters';
import { UNTRUSTED_MESSAGE } from '../trust';
import { showStudyProgress } from './presenters/progress';
import { StudyStatusBar } from './presenters/statusBar';
import { TrialsOutput } from './presenters/trialsOutput';
import { StudyRunner } from './runner';
import { StudyStore } from './store';

export type StartOutcome =
  | { readonly started: true; readonly study: string; readonly studyFile: string; readonly journalDir: string }
  | { readonly started: false; readonly error: string }
  | { readonly refused: true; readonly reason: string };

export interface StartOptions {
  readonly resume?: boolean;
  /** Run the study file again under the next free study name ("Run again" on a finished study). */
  readonly rerun?: boolean;
  /** Join the study as one more worker, even while another process runs it. */
  readonly worker?: boolean;
  readonly trials?: number;
  readonly parallel?: number;
  /** No dialogs or toasts (tests, API callers): an existing study is refused with the worker's message. */
  readonly quiet?: boolean;
}

export type StopOutcome = { readonly stopped: true; readonly study: string; readonly status: string } | { readonly stopped: false; readonly error: string };

export interface StudyControllerOptions {
  readonly worker: WorkerClient;
  readonly workspaceState: vscode.Memento;
  /** The Python trials run with (the Python extension's choice, the setting, or PATH). */
  readonly interpreters: PythonInterpreters;
}

export class StudyController implements vscode.Disposable {
  /** Fires with the study's name (or undefined when several changed) after its snapshot changed. */
  readonly onDidChange: vscode.Event<string | undefined>;
  /** Raw study events from the worker, batched (~10 Hz): live metrics for the curves panel. */
  readonly onDidReceiveEvents: vscode.Event<readonly StudyEventMessage[]>;
  private readonly store: StudyStore;
  private readonly runner: StudyRunner;
  private readonly output = new TrialsOutput();
  private readonly statusBar = new StudyStatusBar();
  private readonly disposables: vscode.Disposable[];
  /** The last Restricted Mode refusal (tests and the sidebar can show it). */
  lastRefusal: string | undefined;

  constructor(options: StudyControllerOptions) {
    this.store = new StudyStore(dir => this.runner.snapshotOptions(dir));
    this.runner = new StudyRunner({ worker: options.worker, workspaceState: options.workspaceState, store: this.store, output: this.output });
    this.onDidChange = this.store.onDidChange;
    this.onDidReceiveEvents = this.runner.onDidReceiveEvents;
    this.interpreters = options.interpreters;
    this.disposables = [this.store, this.runner, this.output, this.statusBar];
    this.disposables.push(
      this.store.onDidChange(() => this.updateStatusBar()),
      this.interpreters.onDidChange(resource => void this.noteInterpreterChange(resource)),
    );
  }

  private readonly interpreters: PythonInterpreters;

  private updateStatusBar(): void {
    this.statusBar.update(this.runningSnapshots(), name => this.runner.ownedStudy(name)?.interpreter);
  }

  /** The user switched interpreters (or the setting changed): say what new studies will use; running ones keep theirs. */
  private async noteInterpreterChange(resource: vscode.Uri | undefined): Promise<void> {
    const folder = resource ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const choice = await this.interpreters.choose(folder);
    const running = this.runner.runningHere();
    const keep = running.length ? `; running studies keep theirs (${running.join(', ')})` : '';
    this.output.note('python', `studies started from now on use ${choice.description}${keep}`);
  }

  /** The interpreter a study file's trials get: its own `interpreter:`, else the user's choice (with conda activation). */
  async interpreterFor(studyFile: vscode.Uri): Promise<InterpreterChoice & { readonly displayName?: string }> {
    let config: { launch: { interpreter?: string }; displayName?: string } | undefined;
    try {
      config = loadStudyFile(studyFile.fsPath).config;
    } catch {
      config = undefined; // the worker reports the study file's problems
    }
    const displayName = config?.displayName;
    const own = config?.launch.interpreter;
    if (own !== undefined) return { path: own, source: 'setting', description: `${own} (the study file's interpreter:)`, displayName };
    return { ...(await this.interpreters.chooseWithActivation(studyFile)), displayName };
  }

  /** Every known study of the workspace folders, ordered by name. */
  getStudies(): readonly StudySnapshot[] {
    return this.store.getStudies();
  }

  getStudy(name: string): StudySnapshot | undefined {
    return this.store.getStudy(name);
  }

  /** Re-reads every journal of every workspace folder. */
  refreshAll(): void {
    this.store.refreshAll();
  }

  /** The store's follower of a study's journal (the curves panel shares it instead of reading the journal again). */
  journalFollower(journalDir: string): JournalFollower | undefined {
    return this.store.journalFollower(journalDir);
  }

  /** Names of the studies this window's worker runs now. */
  runningHere(): string[] {
    return this.runner.runningHere();
  }

  /** Reads every journal of every workspace folder; at activation, offers Resume for interrupted studies. */
  async initialize(): Promise<void> {
    this.store.refreshAll();
    // In Restricted Mode nothing may run: keep the list for when trust is granted (wire.ts calls us again).
    if (!vscode.workspace.isTrusted) return;
    const interrupted = await this.runner.takeInterrupted();
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
    else if (choice === 'Show Trials') this.output.show();
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
   * file, else one picked from the workspace. Resolves once the worker has started it. A study file
   * whose study already exists asks first (Resume / Run again under a new name / Open); `rerun`
   * runs it again under the next free name without asking.
   */
  async startStudy(target?: vscode.Uri, opts: StartOptions = {}): Promise<StartOutcome> {
    // Checked here too, not only by the command: CodeLens, the sidebar and other callers land here.
    if (!vscode.workspace.isTrusted) return this.refuse();
    const uri = target ?? (await pickStudyFile());
    if (!uri) return { started: false, error: 'no study file chosen' };
    if (uri.scheme !== 'file') return this.failStart(`${uri.toString()} is not a file on disk; studies need a local folder`, opts.quiet);
    const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
    if (open?.isDirty) await open.save();
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    const workspace = folder?.uri.scheme === 'file' ? folder.uri.fsPath : path.dirname(uri.fsPath);
    const plan = opts.resume || opts.worker ? { resume: true } : await this.planStart(uri.fsPath, workspace, opts);
    if ('started' in plan || 'refused' in plan) return plan;
    const python = await this.interpreterFor(uri);
    const run = await this.runner.start(
      {
        studyFile: uri.fsPath,
        workspace,
        resume: plan.resume === true && opts.worker !== true,
        join: opts.worker === true || undefined,
        trials: opts.trials,
        parallel: opts.parallel,
        interpreter: python.path,
        ...(python.env && Object.keys(python.env).length > 0 ? { interpreterEnv: python.env } : {}),
        ...(plan.name ? { name: plan.name } : {}),
      },
      // A rerun is stored under its own name: the file's display name is the first study's.
      plan.name ? { ...python, displayName: undefined } : python,
    );
    if (!run.ok) return this.failStart(run.error, opts.quiet);
    const owned = run.study;
    this.updateStatusBar();
    if (!opts.quiet) showStudyProgress(owned, this.store, () => void this.stopStudy(owned.name));
    return { started: true, study: owned.name, studyFile: owned.studyFile, journalDir: owned.journalDir };
  }

  /**
   * How to start a study file whose study may exist already. Without a journal: as is. With one:
   * `rerun` takes the next free name; `quiet` callers get the worker's refusal; everyone else is
   * asked in a modal dialog, which shows the whole message (a toast would cut it).
   */
  private async planStart(studyFile: string, workspace: string, opts: StartOptions): Promise<{ resume?: boolean; name?: string } | StartOutcome> {
    const name = studyNameOf(studyFile);
    if (!name || !fs.existsSync(path.join(studyDirectory(workspace, name), JOURNAL_FILE))) return {};
    const again = nextStudyName(name, n => this.store.has(n) || fs.existsSync(studyDirectory(workspace, n)));
    if (opts.rerun) return { name: again };
    if (opts.quiet) return {};
    if (!this.store.has(name)) this.store.refreshAll();
    const s = this.store.getStudy(name);
    const standing = s && standingText(s);
    const facts = s ? `It is ${s.state}: ${s.done} of ${s.budget} trials${standing ? `, ${standing}` : ''}.` : 'Its journal is in .hpstudio/studies.';
    const running = s?.state === 'running';
    const resume = 'Resume';
    const rerun = `Run Again as "${again}"`;
    const openIt = 'Open';
    const choices = running ? [openIt] : s && s.state !== 'finished' ? [resume, rerun, openIt] : [rerun, openIt];
    const detail = running
      ? `${facts} Stop it before starting it again, or open its curves.`
      : `${facts}\n\n${choices.includes(resume) ? 'Resume continues it and keeps every finished trial. ' : ''}Run Again starts a new study "${again}" from the same file. Open shows its curves.`;
    const choice = await vscode.window.showInformationMessage(`Study "${name}" already exists.`, { modal: true, detail }, ...choices);
    if (choice === resume) return { resume: true };
    if (choice === rerun) return { name: again };
    if (choice === openIt) {
      await vscode.commands.executeCommand('hpstudio.showCurves', name);
      return { started: false, error: `study "${name}" already exists; opened it` };
    }
    return { started: false, error: `study "${name}" already exists; nothing started` };
  }

  private failStart(error: string, quiet?: boolean): StartOutcome {
    this.output.note('start', error);
    if (!quiet) {
      // A toast shows a line or two: the first line goes there, the whole message to the Trials output.
      const first = error.split('\n')[0];
      const short = first.length > 240 ? `${first.slice(0, 240)}…` : first;
      void vscode.window.showErrorMessage(`Hyperparameter Studio: could not start the study: ${short}`, 'Show Details').then(choice => {
        if (choice === 'Show Details') this.output.show();
      });
    }
    return { started: false, error };
  }

  /** Stops a study running in this window (asks which when several run); resolves once every trial is gone. */
  async stopStudy(name?: string): Promise<StopOutcome> {
    if (!vscode.workspace.isTrusted) return { stopped: false, error: this.refuse().reason };
    let target = name;
    if (target === undefined) {
      const running = this.runner.runningHere();
      if (running.length === 0) {
        const elsewhere = this.getStudies().filter(s => s.state === 'running' && s.runner === 'elsewhere');
        const hint = elsewhere.length ? ` (${elsewhere.map(s => `${s.name} runs in pid ${s.owner?.pid}: stop it there, e.g. Ctrl-C in its terminal`).join('; ')})` : '';
        void vscode.window.showInformationMessage(`Hyperparameter Studio: no study is running in this window${hint}.`);
        return { stopped: false, error: 'no study is running' };
      }
      target = running.length === 1 ? running[0] : await vscode.window.showQuickPick(running, { title: 'Stop which study?' });
      if (!target) return { stopped: false, error: 'no study chosen' };
    }
    const owned = this.runner.ownedStudy(target);
    if (!owned) {
      const s = this.store.getStudy(target);
      const why = s?.state === 'running' && s.runner === 'elsewhere' ? `it is run by pid ${s.owner?.pid} on ${s.owner?.host}, not by this window` : 'it is not running in this window';
      void vscode.window.showInformationMessage(`Hyperparameter Studio: cannot stop study "${target}": ${why}.`);
      return { stopped: false, error: why };
    }
    const status = await this.runner.stop(owned);
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
    if (!this.store.has(target)) this.store.refreshAll();
    const s = this.store.getStudy(target);
    if (!s) return this.failStart(`there is no study named "${target}" in this workspace`);
    if (!s.studyFile || !fs.existsSync(s.studyFile)) return this.failStart(`the study file of "${target}" (${s.studyFile || 'unknown'}) is gone; resume needs it to launch trials`);
    // Run by another process (a terminal, another editor, another host on a shared folder): join it as one more worker.
    const join = s.state === 'running' && s.runner === 'elsewhere';
    if (join) this.output.note('start', `study "${target}" is run by pid ${s.owner?.pid} on ${s.owner?.host}: joining it as another worker (they share the trials and the budget)`);
    return this.startStudy(vscode.Uri.file(s.studyFile), { resume: true, worker: join });
  }

  /** The worker died: its studies were interrupted mid-trial. Offer to resume them. */
  onWorkerCrash(crash: WorkerCrash): void {
    const lost = this.runner.onWorkerCrash(crash);
    if (lost.length === 0) return;
    void vscode.window
      .showErrorMessage(
        `Hyperparameter Studio: the tuning worker stopped unexpectedly (${crash.signal ?? `exit code ${crash.code}`}); ${lost.map(o => `"${o.name}"`).join(', ')} was interrupted. Finished trials are kept.`,
        'Resume',
        'Show Trials',
      )
      .then(async choice => {
        if (choice === 'Resume') for (const o of lost) await this.startStudy(vscode.Uri.file(o.studyFile), { resume: true });
        else if (choice === 'Show Trials') this.output.show();
      });
  }

  /** Called before the worker is stopped at shutdown, so the next activation offers to resume what runs now. */
  rememberInterrupted(): Promise<void> {
    return this.runner.rememberInterrupted();
  }

  private runningSnapshots(): StudySnapshot[] {
    return this.runner.runningHere().map(n => this.store.getStudy(n)).filter((s): s is StudySnapshot => s !== undefined);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The study name a study file declares (its `name:`, else its file name), or undefined when it does not parse: the worker then reports why. */
function studyNameOf(studyFile: string): string | undefined {
  try {
    return loadStudyFile(studyFile).config.name;
  } catch {
    return undefined;
  }
}

/** The active editor's study file, else the workspace's only one, else one the user picks. */
async function pickStudyFile(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active && active.uri.scheme === 'file' && looksLikeStudy(active.uri.fsPath, active.getText())) return active.uri;
  const found = await vscode.workspace.findFiles('**/{*.study.yaml,*.study.yml,sweep*.yaml,sweep*.yml}', `**/{${EXCLUDED_DIRS.join(',')}}/**`, 200);
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
