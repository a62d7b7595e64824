/**
 * Follows a study journal another process writes: each `poll` reads only the bytes appended since
 * the last one and applies them to a kept replay, so following a study costs what it appended, not
 * its size (a 100,000-trial journal is read once). Shared by the extension's study store, the curves
 * panel, the hover lookup (through the store) and the CLI.
 *
 * Only complete lines are read; a cut last line is read again once it is complete. A journal that was
 * replaced (another inode, a different header) or truncated below what was read is read again from
 * the start. A corrupt line in the middle stops the follower at that line (`error`) until the file
 * changes.
 */
import * as fs from 'node:fs';
import type { ReplayedStudy } from './records';
import { JournalReplay } from './replay';

export interface FollowChange {
  /** The study was read from the start (first poll, replaced or truncated journal): everything changed. */
  readonly reset: boolean;
  /** Trials with new records. */
  readonly trials: ReadonlySet<number>;
  /** Status, budget or workers changed. */
  readonly study: boolean;
}

/** Bytes read per read call: bounded memory for any journal size. */
const CHUNK = 8 * 1024 * 1024;
/** Header bytes compared on every change to notice a journal replaced in place. */
const HEADER_PROBE = 4096;

export class JournalFollower {
  private replay: JournalReplay;
  private identity: string | undefined;
  private lastStamp = '';
  private header: Buffer | undefined;
  /** Set when the journal cannot be read (corrupt in the middle, unreadable, gone). */
  error: Error | undefined;

  constructor(readonly file: string) {
    this.replay = new JournalReplay(file);
  }

  get study(): ReplayedStudy | undefined {
    return this.replay.study;
  }

  /** Records skipped because they did not fit the history, as one sentence (undefined when none). */
  get issues(): string | undefined {
    return this.replay.describeIssues();
  }

  /** Bytes of the journal read so far. */
  get offset(): number {
    return this.replay.offset;
  }

  /** Reads what was appended since the last poll; undefined when nothing changed. */
  poll(): FollowChange | undefined {
    let st: fs.Stats;
    try {
      st = fs.statSync(this.file);
    } catch (err) {
      this.error = err as Error;
      return undefined;
    }
    const stamp = `${st.ino}:${st.dev}:${st.size}:${st.mtimeMs}`;
    if (stamp === this.lastStamp) return undefined;
    const wasError = this.error !== undefined;
    this.lastStamp = stamp;
    this.error = undefined;
    const identity = `${st.ino}:${st.dev}`;
    const reset = this.replay.study === undefined || wasError || identity !== this.identity || st.size < this.replay.offset || !this.sameHeader();
    if (reset) {
      this.replay = new JournalReplay(this.file);
      this.header = undefined;
    }
    this.identity = identity;
    try {
      this.readFrom(st.size);
    } catch (err) {
      this.error = err as Error;
    }
    const changed = this.replay.takeChanged();
    if (!reset && changed.trials.size === 0 && !changed.study) return undefined;
    return { reset, trials: changed.trials, study: changed.study || reset };
  }

  private readFrom(size: number): void {
    const fd = fs.openSync(this.file, 'r');
    try {
      while (this.replay.offset < size) {
        const want = Math.min(CHUNK, size - this.replay.offset);
        const buf = Buffer.allocUnsafe(want);
        const n = fs.readSync(fd, buf, 0, want, this.replay.offset);
        if (n === 0) break;
        const used = this.replay.consume(buf.subarray(0, n));
        // A chunk that ends inside a line longer than the chunk: read that line whole.
        if (used === 0) {
          if (n < want || !this.readLongLine(fd, size)) break;
        }
      }
      if (!this.header && this.replay.study) {
        const probe = Math.min(HEADER_PROBE, this.replay.offset);
        this.header = Buffer.alloc(probe);
        fs.readSync(fd, this.header, 0, probe, 0);
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Reads everything up to the end at once (a line longer than CHUNK); false when nothing was consumed. */
  private readLongLine(fd: number, size: number): boolean {
    const buf = Buffer.allocUnsafe(size - this.replay.offset);
    const n = fs.readSync(fd, buf, 0, buf.length, this.replay.offset);
    return this.replay.consume(buf.subarray(0, n)) > 0;
  }

  /** The first bytes are still the ones we read: the journal was not replaced in place. */
  private sameHeader(): boolean {
    if (!this.header) return true;
    try {
      const fd = fs.openSync(this.file, 'r');
      try {
        const now = Buffer.alloc(this.header.length);
        fs.readSync(fd, now, 0, now.length, 0);
        return now.equals(this.header);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return false;
    }
  }
}
