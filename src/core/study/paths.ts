/**
 * Paths a journal stores, kept portable: the study file is recorded relative to the workspace folder
 * that holds `.hpstudio`, so a study committed to git, moved, copied or opened over Remote-SSH finds
 * its file again. Journals of version 1 stored absolute paths; those still read, and when the path
 * is not inside the study's workspace (the study was moved) the file is looked up again under it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** True when `file` is `folder` or lies inside it (lexically; see `realInside` for symlinks). */
export function isInside(folder: string, file: string): boolean {
  const rel = path.relative(path.resolve(folder), path.resolve(file));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Like `isInside`, after resolving symlinks of both (a link inside the folder may point out of it). */
export function realInside(folder: string, file: string): boolean {
  const real = (p: string): string => {
    try {
      return fs.realpathSync.native(p);
    } catch {
      // A file not created yet: resolve its folder.
      const parent = path.dirname(p);
      return parent === p ? p : path.join(real(parent), path.basename(p));
    }
  };
  return isInside(real(folder), real(file));
}

/** The study file as the journal stores it: relative to the workspace with `/` separators when inside it, else absolute. */
export function portableStudyFile(file: string, workspace: string): string {
  if (!file) return file;
  if (!isInside(workspace, file)) return file;
  return path.relative(workspace, file).split(path.sep).join('/');
}

/** The study file a journal names, as a path on this machine (`journalDir` is `<workspace>/.hpstudio/studies/<name>`). */
export function resolveStudyFile(stored: string, workspace: string, exists: (file: string) => boolean = fs.existsSync): string {
  if (!stored) return stored;
  if (!path.isAbsolute(stored) && !path.win32.isAbsolute(stored)) return path.resolve(workspace, ...stored.split('/'));
  if (isInside(workspace, stored) && exists(stored)) return stored;
  return relocate(stored, workspace, exists) ?? stored;
}

/** The longest tail of an absolute path that exists under `workspace` (a moved or cloned study). */
function relocate(stored: string, workspace: string, exists: (file: string) => boolean): string | undefined {
  const parts = stored.split(/[\\/]+/).filter(p => p !== '' && !/^[A-Za-z]:$/.test(p));
  for (let i = 1; i < parts.length; i++) {
    const candidate = path.join(workspace, ...parts.slice(i));
    if (exists(candidate)) return candidate;
  }
  return undefined;
}
