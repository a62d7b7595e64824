import type { CliIO } from '../../../src/cli/args';

/** An in-memory CliIO for running `hpstudio` commands in-process: what they print, per stream. */
export function captureIO(options: { cwd?: string; signal?: AbortSignal; tty?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t), isTTY: options.tty ?? false },
    cwd: options.cwd ?? process.cwd(),
    signal: options.signal ?? new AbortController().signal,
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}
