/**
 * File-system errors while a study stores its journal, said in words: which path, what went wrong and
 * what to do — not Node's raw `ENOSPC: no space left on device, write`. Shared by the CLI and the worker.
 */

/** The message for an errno error met while writing under `studyDir`; undefined for any other error. */
export function storageProblem(err: unknown, studyDir: string): string | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  if (!e || typeof e.code !== 'string') return undefined;
  const where = e.path ?? studyDir;
  switch (e.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left to write the study journal under ${studyDir} (${e.code}${e.code === 'EDQUOT' ? ', disk quota' : ''}): free some space on that disk; finished trials stay recorded`;
    case 'EROFS':
      return `${where} is on a read-only file system (EROFS): run the study from a writable folder`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to write ${where} (${e.code}): make the folder writable (chmod u+w) or run the study from a folder you own`;
    case 'EISDIR':
      return `${where} is a folder where the study keeps a file (EISDIR): move that folder away, or use another study name`;
    case 'ENOTDIR':
      return `a part of ${where} is a file where the study needs a folder (ENOTDIR): move that file away (the study lives in ${studyDir})`;
    case 'EEXIST':
      return `${where} is in the way of the study folder (EEXIST): move it away, or use another study name`;
    case 'EMFILE':
    case 'ENFILE':
      return `too many open files to write the study journal under ${studyDir} (${e.code}): close other programs or raise the limit (ulimit -n)`;
    case 'EIO':
      return `the disk reported an input/output error writing under ${where} (EIO): check the disk; finished trials stay recorded`;
    default:
      return undefined;
  }
}
