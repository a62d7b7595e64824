/**
 * The Python trials run with: the interpreter the user already chose. In order:
 * 1. `hpstudio.pythonPath` when set (an explicit choice for this extension);
 * 2. the Python extension's active interpreter for the study's folder, through its documented API
 *    (`@vscode/python-extension`: `PythonExtension.api()`, `environments.getActiveEnvironmentPath`,
 *    `resolveEnvironment`, `onDidChangeActiveEnvironmentPath`), followed when the user switches;
 * 3. the first `python3` on PATH.
 * A conda environment also brings its activation variables (core/runner/conda.ts). A study file's own
 * `interpreter:` always wins over all of these (the worker applies this choice only when it has none).
 */
import * as path from 'node:path';
import { PVSC_EXTENSION_ID, PythonExtension, type ResolvedEnvironment } from '@vscode/python-extension';
import * as vscode from 'vscode';
import { condaActivation } from '../../core/runner/conda';

export interface InterpreterChoice {
  /** Absolute path of the interpreter; undefined means `python3` on PATH. */
  readonly path?: string;
  readonly source: 'setting' | 'python-extension' | 'path';
  /** One line for the status bar tooltip and the Trials output. */
  readonly description: string;
  /** Conda activation variables for trials, when the interpreter is in a conda env. */
  readonly env?: Record<string, string>;
  /** How the activation was computed, or why it failed. */
  readonly activation?: string;
}

export class PythonInterpreters implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** Fires when the choice may have changed: the user switched interpreters, the Python extension came or went, or the setting changed. */
  readonly onDidChange = this.changed.event;
  private api: Promise<PythonExtension | undefined> | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly log: (message: string) => void) {
    this.disposables.push(
      vscode.extensions.onDidChange(() => {
        // Installed, enabled or removed: ask again next time.
        this.api = undefined;
        this.changed.fire(undefined);
      }),
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('hpstudio.pythonPath')) this.changed.fire(undefined);
      }),
    );
  }

  /** The Python extension's API, or undefined when it is not installed (or fails to activate). */
  private pythonApi(): Promise<PythonExtension | undefined> {
    this.api ??= (async () => {
      if (!vscode.extensions.getExtension(PVSC_EXTENSION_ID)) return undefined;
      try {
        const api = await PythonExtension.api();
        this.disposables.push(api.environments.onDidChangeActiveEnvironmentPath(e => this.changed.fire(resourceUri(e.resource))));
        return api;
      } catch (err) {
        this.log(`the Python extension's API is not available: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    })();
    return this.api;
  }

  /** The interpreter for a study file (without activation). */
  async choose(resource?: vscode.Uri): Promise<InterpreterChoice> {
    const setting = vscode.workspace.getConfiguration('hpstudio', resource).get<string>('pythonPath', '').trim();
    if (setting) return { path: setting, source: 'setting', description: `${setting} (hpstudio.pythonPath)` };
    const api = await this.pythonApi();
    if (api) {
      const active = api.environments.getActiveEnvironmentPath(resource);
      const resolved = await api.environments.resolveEnvironment(active).catch(() => undefined);
      const exe = resolved?.executable.uri?.fsPath ?? (path.isAbsolute(active.path) ? active.path : undefined);
      if (exe) return { path: exe, source: 'python-extension', description: `${describeEnvironment(resolved)}${exe} (the Python extension's interpreter)` };
    }
    return { source: 'path', description: `python3 on PATH (${api ? 'the Python extension has no interpreter selected' : 'no Python extension'}; set hpstudio.pythonPath to choose one)` };
  }

  /** The interpreter with its conda activation, when it lives in a conda env. */
  async chooseWithActivation(resource?: vscode.Uri): Promise<InterpreterChoice> {
    const choice = await this.choose(resource);
    if (!choice.path) return choice;
    const condaExe = vscode.workspace.getConfiguration('python', resource).get<string>('condaPath', '').trim() || undefined;
    try {
      const activation = await condaActivation(choice.path, { condaExe });
      return activation ? { ...choice, env: activation.env, activation: activation.how } : choice;
    } catch (err) {
      return { ...choice, activation: `conda activation failed, trials start without it: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function resourceUri(resource: vscode.WorkspaceFolder | undefined): vscode.Uri | undefined {
  return resource?.uri;
}

/** `Python 3.11.2 ('.venv', Venv) ` from a resolved environment, or nothing when unknown. */
function describeEnvironment(env: ResolvedEnvironment | undefined): string {
  if (!env) return '';
  const v = env.version;
  const version = v ? `Python ${v.major}.${v.minor}.${v.micro} ` : '';
  const name = env.environment?.name ?? (env.environment?.folderUri ? path.basename(env.environment.folderUri.fsPath) : undefined);
  const kind = env.environment?.type ?? env.tools[0];
  const details = [name ? `'${name}'` : undefined, kind && kind !== 'Unknown' ? kind : undefined].filter(Boolean).join(', ');
  return `${version}${details ? `(${details}) ` : ''}`;
}
