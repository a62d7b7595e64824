/**
 * Turns the executable of a trial's argv into an absolute path before anything is spawned, so that
 * (a) a workspace can never plant `python3` next to the study file and have it run instead of the
 * real one (CVE-2021-28457 was fixed by spawning from a full path), and (b) a missing program is a
 * clear message for the user rather than a bare ENOENT.
 *
 * Rules:
 * - an absolute path is checked as is;
 * - `./prog` (or `.\prog` on Windows) is the study folder's own program: resolved against `cwd` and
 *   refused if it climbs out of it; any other relative path is refused (write `./` to mean it);
 * - a bare name is searched in PATH, skipping empty and relative PATH entries (they would mean the
 *   workspace folder);
 * - on Windows, PATHEXT extensions are tried and a `.bat`/`.cmd` hit is refused: Node will not run
 *   batch files without a shell since CVE-2024-27980, and a shell would reparse our arguments.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A launch problem the user must fix (missing program, batch file…); becomes TrialOutcome.error. */
export class LaunchError extends Error {
  override readonly name = 'LaunchError';
}

export type FileKind = 'executable' | 'file' | 'directory' | 'missing';

export interface ExecutableLookup {
  /** Folder `./prog` is relative to: the study's working directory. Absolute. */
  readonly cwd: string;
  /** The PATH the trial will get (`process.env.PATH` when omitted). */
  readonly pathEnv?: string;
  /** Windows only: the PATHEXT list (default `.COM;.EXE;.BAT;.CMD`). */
  readonly pathExt?: string;
  readonly platform?: NodeJS.Platform;
  /** How a path is looked at; a narrow port so the Windows rules can be tested on any OS. */
  readonly probe?: (absolutePath: string) => FileKind;
}

const BATCH_EXTENSIONS = new Set(['.bat', '.cmd']);

/** The real file system: executable means a regular file we may execute (on Windows: any file). */
export function probeFile(absolutePath: string, platform: NodeJS.Platform = process.platform): FileKind {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolutePath);
  } catch {
    return 'missing';
  }
  if (stat.isDirectory()) return 'directory';
  if (!stat.isFile()) return 'file';
  if (platform === 'win32') return 'executable';
  try {
    fs.accessSync(absolutePath, fs.constants.X_OK);
    return 'executable';
  } catch {
    return 'file';
  }
}

function refuseBatch(found: string, name: string, pathApi: typeof path.win32): void {
  if (BATCH_EXTENSIONS.has(pathApi.extname(found).toLowerCase())) {
    throw new LaunchError(`${name} resolves to ${found}, a .bat/.cmd batch file. Trials never run through a shell and Node refuses batch files without one (CVE-2024-27980): point to the real .exe (e.g. python.exe) or run the script through an explicit interpreter`);
  }
}

/** The absolute path to spawn for `command` (argv[0]); throws LaunchError with a message for the user. */
export function resolveExecutable(command: string, lookup: ExecutableLookup): string {
  const platform = lookup.platform ?? process.platform;
  const win = platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const probe = lookup.probe ?? ((file: string) => probeFile(file, platform));
  if (typeof command !== 'string' || command.trim() === '') throw new LaunchError('the command to run is empty');
  if (command.includes('\0')) throw new LaunchError('the command to run contains a NUL character');
  if (!p.isAbsolute(lookup.cwd)) throw new LaunchError(`the working directory must be absolute, got ${lookup.cwd}`);

  const pathExts = win ? (lookup.pathExt ?? process.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean).map(e => e.toLowerCase()) : [];
  // On Windows `python` means python.exe/.com/…; a name that already has one of these extensions is taken as written.
  const candidates = (base: string): string[] => {
    if (!win) return [base];
    const ext = p.extname(base).toLowerCase();
    return ext && pathExts.includes(ext) ? [base] : pathExts.map(e => base + e);
  };
  const firstExecutable = (base: string): { found?: string; notExecutable?: string } => {
    let notExecutable: string | undefined;
    for (const candidate of candidates(base)) {
      const kind = probe(candidate);
      if (kind === 'executable') return { found: candidate };
      if (kind === 'file') notExecutable ??= candidate;
    }
    return { notExecutable };
  };

  const hasSeparator = win ? /[\\/]/.test(command) : command.includes('/');
  if (hasSeparator) {
    let absolute: string;
    if (p.isAbsolute(command)) {
      absolute = p.normalize(command);
    } else if (command.startsWith('./') || (win && command.startsWith('.\\'))) {
      absolute = p.resolve(lookup.cwd, command);
      const rel = p.relative(lookup.cwd, absolute);
      if (rel === '' || rel.startsWith('..') || p.isAbsolute(rel)) throw new LaunchError(`${command} points outside the study folder ${lookup.cwd}`);
    } else {
      throw new LaunchError(`${command} is a relative path; write ./${command} to run it from the study folder ${lookup.cwd}, or give an absolute path`);
    }
    const { found, notExecutable } = firstExecutable(absolute);
    if (found) {
      if (win) refuseBatch(found, command, path.win32);
      return found;
    }
    if (notExecutable) throw new LaunchError(`${notExecutable} is not executable (chmod +x it, or run it through an interpreter)`);
    if (probe(absolute) === 'directory') throw new LaunchError(`${absolute} is a directory, not a program`);
    throw new LaunchError(`${command} not found${p.isAbsolute(command) ? '' : ` in ${lookup.cwd}`}`);
  }

  const pathEnv = lookup.pathEnv ?? process.env.PATH ?? process.env.Path ?? '';
  let notExecutable: string | undefined;
  for (const dir of pathEnv.split(win ? ';' : ':')) {
    const entry = win ? dir.replace(/^"(.*)"$/, '$1') : dir;
    if (!entry || !p.isAbsolute(entry)) continue;
    const hit = firstExecutable(p.join(entry, command));
    if (hit.found) {
      if (win) refuseBatch(hit.found, command, path.win32);
      return hit.found;
    }
    notExecutable ??= hit.notExecutable;
  }
  if (notExecutable) throw new LaunchError(`${command} not found on PATH (${notExecutable} exists but is not executable)`);
  throw new LaunchError(`${command} not found on PATH`);
}

/** Checks the `${program}` script exists (it is read by the interpreter, so it needs no exec bit). */
export function checkProgram(program: string, programPath: string, cwd: string, probe: (absolutePath: string) => FileKind = f => probeFile(f)): void {
  const kind = probe(programPath);
  if (kind === 'missing') throw new LaunchError(path.isAbsolute(program) ? `${program} not found` : `${program} not found in ${cwd}`);
  if (kind === 'directory') throw new LaunchError(`${programPath} is a directory, not a program`);
}
