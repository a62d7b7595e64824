/**
 * Following a file that another process is writing: remembers the offset read so far and notices
 * when the file shrank (truncated, rewritten) or was replaced (new inode, e.g. rotation or an
 * atomic rename), so followers can re-read instead of reading garbage from a stale offset.
 */
import { promises as fs } from 'node:fs';

/** One read is capped so a huge file is taken in slices across polls instead of all at once. */
export const DEFAULT_MAX_READ_BYTES = 8 * 1024 * 1024;

export interface TailRead {
  /** Bytes from `start` on (possibly fewer than the file holds, see maxReadBytes). */
  readonly data: Buffer;
  readonly start: number;
  /** The file shrank or was replaced since the last read: `start` went back to 0. */
  readonly restarted: boolean;
  /** The file holds more bytes than this read returned (the read was capped). */
  readonly more: boolean;
}

export class FileTail {
  /** Offset of the first byte not yet consumed. */
  offset = 0;
  private ino: number | undefined;

  constructor(
    readonly path: string,
    private readonly maxReadBytes = DEFAULT_MAX_READ_BYTES,
  ) {}

  /** New bytes since `offset`, or undefined when the file does not exist (yet). Does not consume. */
  async read(limit = this.maxReadBytes): Promise<TailRead | undefined> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    try {
      const stat = await handle.stat();
      let restarted = false;
      if ((this.ino !== undefined && stat.ino !== this.ino) || stat.size < this.offset) {
        this.offset = 0;
        restarted = true;
      }
      this.ino = stat.ino;
      const length = Math.min(stat.size - this.offset, limit);
      if (length <= 0) return { data: Buffer.alloc(0), start: this.offset, restarted, more: false };
      const data = Buffer.alloc(length);
      const { bytesRead } = await handle.read(data, 0, length, this.offset);
      return { data: data.subarray(0, bytesRead), start: this.offset, restarted, more: this.offset + bytesRead < stat.size };
    } finally {
      await handle.close();
    }
  }

  consume(bytes: number): void {
    this.offset += bytes;
  }
}

/** Splits the bytes of a text file into complete lines; returns them and how many bytes they took. */
export function completeLines(data: Buffer): { lines: string[]; bytes: number } {
  const last = data.lastIndexOf(0x0a);
  if (last < 0) return { lines: [], bytes: 0 };
  const text = data.subarray(0, last).toString('utf8');
  return { lines: text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)), bytes: last + 1 };
}
