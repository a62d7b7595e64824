/**
 * A conda environment's activation for trials: starting `<env>/bin/python` directly leaves out what
 * `conda activate` sets (PATH with the env's bin folders, CONDA_PREFIX, and whatever the packages'
 * `etc/conda/activate.d` scripts export: CUDA paths, GDAL_DATA, JAVA_HOME…). The activated
 * environment is computed once per study start and handed to every trial as variables:
 * - with a conda executable: `conda run -p <prefix> --no-capture-output <python> -c <print os.environ>`,
 *   which is conda's own activation (the Python extension computes it the same way);
 * - without one (a copied env, conda not on PATH): PATH and CONDA_* set as `conda activate` sets them,
 *   then the env's `activate.d/*.sh` scripts sourced by /bin/sh (POSIX only; on Windows the .bat
 *   scripts are not run and only the PATH entries are set).
 * Only the variables that differ from the base environment are returned.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CondaActivation {
  readonly prefix: string;
  /** Variables to set for trials (changed or added by activation). */
  readonly env: Record<string, string>;
  /** How it was computed, for the Trials output. */
  readonly how: string;
}

export interface CondaOptions {
  /** The environment trials would otherwise get (process.env by default). */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  /** A conda executable to use (the Python extension's `python.condaPath`), before looking for one. */
  readonly condaExe?: string;
  readonly platform?: NodeJS.Platform;
  /** Longest wait for `conda run` (it can take seconds on a cold cache). */
  readonly timeoutMs?: number;
}

const PRINT_ENV = 'import json, os, sys; sys.stdout.write(json.dumps(dict(os.environ)))';

/** The conda environment an interpreter belongs to: its prefix holds `conda-meta/`. */
export function condaPrefixOf(interpreter: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (!path.isAbsolute(interpreter)) return undefined;
  const prefix = platform === 'win32' ? path.dirname(interpreter) : path.dirname(path.dirname(interpreter));
  return fs.existsSync(path.join(prefix, 'conda-meta')) ? prefix : undefined;
}

function executable(file: string | undefined): file is string {
  if (!file) return false;
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** conda itself: the given one, CONDA_EXE, the installation the env lives in, or PATH. */
export function findConda(prefix: string, options: CondaOptions = {}): string | undefined {
  const env = options.baseEnv ?? process.env;
  const win = (options.platform ?? process.platform) === 'win32';
  const exe = win ? 'conda.exe' : 'conda';
  const bin = win ? 'Scripts' : 'bin';
  // An env under <install>/envs/<name> belongs to <install>; the base env is the installation itself.
  const install = path.basename(path.dirname(prefix)) === 'envs' ? path.dirname(path.dirname(prefix)) : prefix;
  const candidates = [options.condaExe, env.CONDA_EXE, path.join(install, bin, exe), path.join(install, 'condabin', exe)];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) if (dir && path.isAbsolute(dir)) candidates.push(path.join(dir, exe));
  return candidates.find(executable);
}

function run(file: string, args: string[], env: Record<string, string | undefined>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(file)} failed: ${err.message}${stderr ? `\n${stderr.trim().slice(-500)}` : ''}`));
      else resolve(stdout);
    });
  });
}

function parseEnv(stdout: string): Record<string, string> {
  // conda run may print banners before the JSON: take the last line that is a JSON object.
  const line = stdout.trim().split('\n').reverse().find(l => l.trim().startsWith('{'));
  const parsed = JSON.parse(line ?? '') as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('no environment printed');
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function delta(activated: Record<string, string>, base: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(activated)) if (base[k] !== v) out[k] = v;
  return out;
}

/** PATH entries `conda activate` puts first. */
function activationPath(prefix: string, win: boolean): string[] {
  return win ? [prefix, path.join(prefix, 'Library', 'mingw-w64', 'bin'), path.join(prefix, 'Library', 'usr', 'bin'), path.join(prefix, 'Library', 'bin'), path.join(prefix, 'Scripts'), path.join(prefix, 'bin')] : [path.join(prefix, 'bin')];
}

/** What `conda activate` sets, without conda: PATH, CONDA_PREFIX, CONDA_DEFAULT_ENV, CONDA_SHLVL, then activate.d scripts. */
async function activateWithoutConda(prefix: string, python: string, base: Readonly<Record<string, string | undefined>>, win: boolean, timeoutMs: number): Promise<Record<string, string>> {
  const name = path.basename(path.dirname(prefix)) === 'envs' ? path.basename(prefix) : 'base';
  const vars: Record<string, string> = {
    PATH: [...activationPath(prefix, win), base.PATH ?? ''].filter(Boolean).join(path.delimiter),
    CONDA_PREFIX: prefix,
    CONDA_DEFAULT_ENV: name,
    CONDA_SHLVL: String(Number(base.CONDA_SHLVL ?? '0') + 1),
    CONDA_PROMPT_MODIFIER: `(${name}) `,
  };
  const scriptsDir = path.join(prefix, 'etc', 'conda', 'activate.d');
  const scripts = !win && fs.existsSync(scriptsDir) ? fs.readdirSync(scriptsDir).filter(f => f.endsWith('.sh')).sort() : [];
  if (scripts.length === 0) return vars;
  // Sourced in order, as conda does in a POSIX shell; the script paths are passed as arguments, never spliced into the text.
  const sh = 'for f in "$@"; do . "$f"; done; exec "$HPSTUDIO_PYTHON" -c "$HPSTUDIO_PRINT_ENV"';
  const env = { ...base, ...vars, HPSTUDIO_PYTHON: python, HPSTUDIO_PRINT_ENV: PRINT_ENV };
  const out = parseEnv(await run('/bin/sh', ['-c', sh, 'activate', ...scripts.map(s => path.join(scriptsDir, s))], env, timeoutMs));
  delete out.HPSTUDIO_PYTHON;
  delete out.HPSTUDIO_PRINT_ENV;
  return delta(out, base);
}

/**
 * The activation of the conda env `interpreter` lives in, or undefined when it is not a conda env.
 * Throws with a readable message when activation fails (a broken activate.d script…).
 */
export async function condaActivation(interpreter: string, options: CondaOptions = {}): Promise<CondaActivation | undefined> {
  const platform = options.platform ?? process.platform;
  const prefix = condaPrefixOf(interpreter, platform);
  if (!prefix) return undefined;
  const base = options.baseEnv ?? process.env;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const conda = findConda(prefix, options);
  if (conda) {
    const stdout = await run(conda, ['run', '-p', prefix, '--no-capture-output', interpreter, '-c', PRINT_ENV], { ...base }, timeoutMs);
    return { prefix, env: delta(parseEnv(stdout), base), how: `activated with ${conda} run -p ${prefix}` };
  }
  const env = await activateWithoutConda(prefix, interpreter, base, platform === 'win32', timeoutMs);
  return { prefix, env, how: `conda not found: activated by setting PATH and CONDA_PREFIX${platform === 'win32' ? '' : ' and sourcing etc/conda/activate.d/*.sh'}` };
}
