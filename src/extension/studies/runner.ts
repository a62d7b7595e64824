/**
 * Runs studies through the background worker: starts and stops them, follows the worker's messages
 * (events go to the Trials output and the curves panel, ends settle `ended`), and keeps the list of
 * studies running in this window in workspace state, so a window closed mid-study offers Resume next
 * time. The worker's own log lines never pass through here: the WorkerClient writes them to the log.
 */
import * as vscode from 'vscode';
import type { StartRequest, StudyEventMessage } from '../../core/protocol/worker';
import type { ReadSnapshotOptions } from '../../core/study/studyIndex';
import type { WorkerClient, WorkerCrash, WorkerMessage } from '../../core/worker/workerClient';
import type { TrialsOutput } from './presenters/trialsOutput';
import type { StudyStore } from './store';

/** A study this window's worker runs; `ended` settles with its end status (awaited by stop and the progress notification). */
export interface OwnedStudy {
  readonly name: string;
  readonly studyFile: string;
  readonly journalDir: string;
  readonly workspace: string;
  readonly budget: number;
  /** The interpreter its trials run with, as shown to the user. */
  readonly interpreter?: string;
  readonly ended: Promise<string>;
  readonly end: (status: string) => void;
}

/**
 * Studies this window's worker is running, kept in workspace state from start to end: whatever is
 * still listed at the next activation was cut short (window closed or reloaded, host killed) and is
 * offered for Resume.
 */
const INTERRUPTED_KEY = 'hpstudio.studies.runningInThisWindow';

export interface StudyRunnerOptions {
  readonly worker: WorkerClient;
  readonly workspaceState: vscode.Memento;
  readonly store: StudyStore;
  readonly output: TrialsOutput;
}

export class StudyRunner implements vscode.Disposable {
  private readonly eventsEmitter = new vscode.EventEmitter<readonly StudyEventMessage[]>();
  /** Raw study events from the worker, batched (~10 Hz): live metrics for the curves panel. */
  readonly onDidReceiveEvents = this.eventsEmitter.event;
  private readonly owned = new Map<string, OwnedStudy>();
  private workerPid: number | undefined;
  /** Set at shutdown: the studies the worker ends now stay listed for the resume offer. */
  private shuttingDown = false;
  private readonly disposables: vscode.Disposable[] = [this.eventsEmitter];

  constructor(private readonly options: StudyRunnerOptions) {
    this.disposables.push({ dispose: options.worker.onMessage(m => this.onWorkerMessage(m)) });
  }

  /** What only the runner knows about a journal: which worker is ours (a lock it holds means "here") and the budget a study was started with. */
  snapshotOptions(journalDir: string): ReadSnapshotOptions {
    const owned = [...this.owned.values()].find(o => o.journalDir === journalDir);
    return { workerPid: this.workerPid, budget: owned?.budget };
  }

  /** Names of the studies this window's worker runs now. */
  runningHere(): string[] {
    return [...this.owned.keys()];
  }

  ownedStudy(name: string): OwnedStudy | undefined {
    return this.owned.get(name);
  }

  /** Asks the worker to start (or resume) a study; resolves once it runs, or with the worker's reason. */
  async start(request: Omit<StartRequest, 'type' | 'id'>, python?: { readonly description: string; readonly activation?: string; readonly displayName?: string }): Promise<{ ok: true; study: OwnedStudy } | { ok: false; error: string }> {
    const { worker, output, store } = this.options;
    const answer = await worker.start(request);
    if (!answer.ok) return answer;
    const m = answer.message;
    this.workerPid = worker.pid;
    let end: (status: string) => void = () => {};
    const ended = new Promise<string>(resolve => (end = resolve));
    const owned: OwnedStudy = { name: m.study, studyFile: m.studyFile, journalDir: m.journalDir, workspace: request.workspace, budget: m.budget, interpreter: python?.description, ended, end };
    this.owned.set(m.study, owned);
    await this.rememberRunning();
    const title = python?.displayName ? ` "${python.displayName}" (stored as ${m.study})` : '';
    output.line(m.study, `${request.join ? 'joined as another worker' : request.resume ? 'resumed' : 'started'}${title} from ${vscode.workspace.asRelativePath(m.studyFile)} (${m.budget} trials)`);
    if (python) output.line(m.study, `python: ${python.description}${python.activation ? `; ${python.activation}` : ''}`);
    for (const w of m.warnings) output.line(m.study, `warning: ${w}`);
    store.refreshNow(m.journalDir);
    return { ok: true, study: owned };
  }

  /** Stops a study this window runs; resolves with its end status once every trial is gone. */
  stop(study: OwnedStudy): Promise<string> {
    this.options.output.line(study.name, 'stopping: every running trial gets SIGTERM (SIGKILL after the grace period)');
    this.options.worker.stop(study.name);
    return study.ended;
  }

  /** The studies the previous session of this window left running; read once, then forgotten. */
  async takeInterrupted(): Promise<Set<string>> {
    const names = new Set(this.options.workspaceState.get<string[]>(INTERRUPTED_KEY, []));
    await this.options.workspaceState.update(INTERRUPTED_KEY, undefined);
    return names;
  }

  /**
   * Called before the worker is stopped at shutdown: what runs now stays listed, so the next
   * activation offers to resume it (the worker records the trials it stops as interrupted).
   */
  async rememberInterrupted(): Promise<void> {
    this.shuttingDown = true;
    await this.rememberRunning();
  }

  /** The worker died: its studies were interrupted mid-trial. Returns them (their `ended` settles as "crashed"). */
  onWorkerCrash(crash: WorkerCrash): OwnedStudy[] {
    const lost = [...this.owned.values()];
    this.owned.clear();
    const detail = crash.stderr ? `\n${crash.stderr.split('\n').slice(-10).join('\n')}` : '';
    this.options.output.note('worker', `stopped unexpectedly (code ${crash.code}, signal ${crash.signal})${detail}`);
    for (const o of lost) o.end('crashed');
    this.options.store.refreshAll();
    return lost;
  }

  private onWorkerMessage(message: WorkerMessage): void {
    const { output, store } = this.options;
    switch (message.type) {
      case 'events':
        for (const e of message.events) {
          const study = store.getStudy(e.study);
          output.describe(e, study?.metric, study?.objectives);
        }
        // The fast path: the worker journals before it reports, so these journals just grew.
        for (const dir of new Set(message.events.map(e => this.owned.get(e.study)?.journalDir).filter((d): d is string => d !== undefined))) store.onWorkerEvents(dir);
        this.eventsEmitter.fire(message.events);
        return;
      case 'ended': {
        const owned = this.owned.get(message.study);
        this.owned.delete(message.study);
        if (!this.shuttingDown) void this.rememberRunning();
        if (message.status === 'error') {
          output.line(message.study, `failed: ${message.error}`);
          // The whole error is in the Trials output (above); a toast may cut it, so it links there.
          void vscode.window.showErrorMessage(`Hyperparameter Studio: study "${message.study}" failed: ${message.error}`, 'Show Details').then(choice => {
            if (choice === 'Show Details') output.show();
          });
        } else {
          output.line(message.study, `ended: ${message.status}`);
        }
        if (owned) {
          store.refreshNow(owned.journalDir);
          owned.end(message.status);
        }
        return;
      }
      default:
        return;
    }
  }

  private rememberRunning(): Thenable<void> {
    const names = this.runningHere();
    return this.options.workspaceState.update(INTERRUPTED_KEY, names.length > 0 ? names : undefined);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
