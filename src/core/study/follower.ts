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

/** What a consumer that did not poll itself missed: the trials changed since its sequence number. */
export interface ChangesSince {
  /** Read everything again (the journal was read from the start, or the consumer fell too far behind). */
  readonly reset: boolean;
  readonly trials: ReadonlySet<number>;
  /** Pass this to the next call. */
  readonly seq: number;
}

/** Polls remembered for `changesSince`: a consumer further behind starts over. */
const CHANGE_LOG = 256;

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
  /** Counts polls that changed something; `changesSince` lets other readers share this follower. */
  private seqNo = 0;
  private resetAt = 0;
  private readonly log: Array<{ seq: number; trials: ReadonlySet<number> }> = [];

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
    this.seqNo++;
    if (reset) this.resetAt = this.seqNo;
    this.log.push({ seq: this.seqNo, trials: changed.trials });
    if (this.log.length > CHANGE_LOG) this.log.shift();
    return { reset, trials: changed.trials, study: changed.study || reset };
  }

  /** The sequence number of the latest change (0 before the first read). */
  get seq(): number {
    return this.seqNo;
  }

  /** For a reader sharing this follower (another part polls it): the trials changed since `seq`. */
  changesSince(seq: number): ChangesSince {
    if (seq === this.seqNo) return { reset: false, trials: new Set(), seq };
    const oldest = this.log.length > 0 ? this.log[0].seq : this.seqNo + 1;
    if (seq < this.resetAt || seq + 1 < oldest || seq > this.seqNo) return { reset: true, trials: new Set(), seq: this.seqNo };
    const trials = new Set<number>();
    for (const entry of this.log) if (entry.seq > seq) for (const n of entry.trials) trials.add(n);
    return { reset: false, trials, seq: this.seqNo };
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
