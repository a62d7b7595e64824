/**
 * A trial's stdout.log / stderr.log with a size cap, so a chatty trial cannot fill the disk: the
 * first `headBytes` go to `<stream>.log` (append-only, so readers following it never see it shrink),
 * which then ends with a line saying where the rest went; after that the output rotates between
 * `<stream>.tail.log` and `<stream>.tail.1.log`, half of `tailBytes` each, so the last
 * `tailBytes / 2` to `tailBytes` of the output are always kept. Metrics are read from the stream
 * itself, not from these files, so the cap loses no metric.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finished, Writable } from 'node:stream';

export interface LogLimits {
  /** Bytes kept at the start of the output, in `<stream>.log`. */
  readonly headBytes: number;
  /** Bytes of the end of the output kept in the two tail files together (at least half of it). */
  readonly tailBytes: number;
}

/** 16 MB of head and 16 MB of tail per stream: a hundred thousand lines of training log each. */
export const DEFAULT_LOG_LIMITS: LogLimits = { headBytes: 16 * 1024 * 1024, tailBytes: 16 * 1024 * 1024 };

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Number((n / 1024 / 1024).toFixed(1))} MB` : `${Math.round(n / 1024)} KB`;
}

/** The longest prefix of `chunk` of at most `room` bytes, ending after a newline when one fits. */
function cut(chunk: Buffer, room: number): number {
  if (chunk.length <= room) return chunk.length;
  const nl = chunk.lastIndexOf(0x0a, room - 1);
  return nl >= 0 ? nl + 1 : room;
}

export class CappedLog {
  private readonly head: Writable;
  private headWritten = 0;
  private tail: Writable | undefined;
  private tailWritten = 0;
  /** Streams ended by a rotation that may still be flushing. */
  private readonly closing: Writable[] = [];
  private broken = false;

  constructor(
    private readonly dir: string,
    private readonly stream: 'stdout' | 'stderr',
    private readonly limits: LogLimits,
    private readonly onNote: (message: string) => void,
    private readonly onError: () => void,
  ) {
    this.head = this.open(`${stream}.log`, 'a');
  }

  /** Writes a chunk; false means "wait for `onceDrain`" (the file fell behind). */
  write(chunk: Buffer): boolean {
    if (this.broken) return true;
    let rest = chunk;
    let ok = true;
    if (!this.tail) {
      const n = cut(rest, this.limits.headBytes - this.headWritten);
      if (n > 0) ok = this.head.write(rest.subarray(0, n));
      this.headWritten += n;
      rest = rest.subarray(n);
      if (rest.length === 0) return ok;
      this.startTail();
    }
    while (rest.length > 0 && !this.broken) {
      const half = Math.max(1, Math.floor(this.limits.tailBytes / 2));
      if (this.tailWritten >= half) this.rotate();
      const n = cut(rest, half - this.tailWritten);
      ok = this.tail!.write(rest.subarray(0, n)) && ok;
      this.tailWritten += n;
      rest = rest.subarray(n);
    }
    return ok;
  }

  /** Calls back once every file that fell behind caught up (drained, or finished after a rotation). */
  onceDrain(listener: () => void): void {
    const behind = [...new Set([this.head, ...this.closing, ...(this.tail ? [this.tail] : [])])].filter(s => s.writableNeedDrain && !s.destroyed);
    if (behind.length === 0) {
      setImmediate(listener);
      return;
    }
    let left = behind.length;
    for (const s of behind) {
      const caughtUp = () => {
        s.off('drain', caughtUp).off('finish', caughtUp).off('close', caughtUp);
        if (--left === 0) listener();
      };
      s.on('drain', caughtUp).on('finish', caughtUp).on('close', caughtUp);
    }
  }

  /** Ends every file and waits until they are written (or failed). */
  async end(): Promise<void> {
    const open = this.tail ?? this.head;
    open.end();
    await Promise.all([open, ...this.closing].map(s => new Promise<void>(resolve => finished(s, () => resolve()))));
  }

  private startTail(): void {
    const tailName = `${this.stream}.tail.log`;
    const kept = `${formatBytes(this.limits.tailBytes / 2)}–${formatBytes(this.limits.tailBytes)}`;
    this.head.end(`\n[hpstudio] ${this.stream}.log reached ${formatBytes(this.limits.headBytes)}: the rest of the output goes to ${tailName} and ${this.stream}.tail.1.log, which keep its last ${kept}\n`);
    this.closing.push(this.head);
    this.tail = this.open(tailName, 'w');
    this.onNote(`${this.stream}.log reached ${formatBytes(this.limits.headBytes)}; keeping its first ${formatBytes(this.limits.headBytes)} and the last ${kept} of the output (${tailName})`);
  }

  /** The current tail file becomes `.tail.1.log` (replacing the older one); a new one starts. */
  private rotate(): void {
    const current = path.join(this.dir, `${this.stream}.tail.log`);
    // POSIX rename keeps the open descriptor writing to the renamed file while it flushes.
    this.tail!.end();
    // Keep waiting only for the files still flushing (a long trial rotates thousands of times).
    for (let i = this.closing.length - 1; i >= 0; i--) if (this.closing[i].writableFinished || this.closing[i].destroyed) this.closing.splice(i, 1);
    this.closing.push(this.tail!);
    try {
      fs.renameSync(current, path.join(this.dir, `${this.stream}.tail.1.log`));
    } catch {
      this.fail();
      return;
    }
    this.tail = this.open(`${this.stream}.tail.log`, 'w');
    this.tailWritten = 0;
  }

  private open(name: string, flags: 'a' | 'w'): Writable {
    // Opened synchronously so the file exists at once: a rotation may rename it before an
    // asynchronous open would have created it.
    let fd: number;
    try {
      fd = fs.openSync(path.join(this.dir, name), flags);
    } catch {
      this.fail();
      return new Writable({ write: (_chunk, _encoding, done) => done() });
    }
    const s = fs.createWriteStream('', { fd });
    // A full disk must not take the executor down; the trial itself goes on.
    s.on('error', () => this.fail());
    return s;
  }

  private fail(): void {
    if (this.broken) return;
    this.broken = true;
    this.onError();
  }
}
