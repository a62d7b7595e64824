/**
 * Reading journal bytes into a study, incrementally: `JournalReplay.consume` takes the bytes that
 * follow what it has read and applies every complete line, so a reader that keeps its replay pays
 * only for what was appended since (Optuna's journal storage reads only unread logs the same way).
 *
 * The rules, as in Optuna: a line without its newline was cut mid-append and is never trusted; a bad
 * LAST line is a torn append and is left unread (a writer cuts it away before its next append); a line
 * that is not a valid record with lines after it is real corruption and stops the replay with its line
 * number. A valid record that does not fit the history (a stale worker's late write, a trial finished
 * twice) is skipped and reported as an issue: the first valid record wins and the study stays readable.
 */
import { applyRecord, newStudy, recordTrial, validateRecord, type JournalRecord, type ReplayedStudy } from './records';

export class JournalCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: corrupt study journal record (${detail}); the lines after it cannot be trusted — move the file away or fix that line`);
  }
}

/** A record that was skipped because it did not fit the history. */
export interface JournalIssue {
  readonly line: number;
  readonly detail: string;
}

/** Issues kept in full; beyond this only their count grows (a journal full of them stays cheap). */
const MAX_ISSUES = 100;

export class JournalReplay {
  study: ReplayedStudy | undefined;
  /** Bytes of the file consumed: complete lines only, so the next read starts on a line. */
  offset = 0;
  /** Lines consumed (the next line's number is `lines + 1`). */
  lines = 0;
  readonly issues: JournalIssue[] = [];
  issueCount = 0;
  /** Trials a record touched since `takeChanged()`. */
  private changed = new Set<number>();
  /** Something other than trials changed (status, budget, members) since `takeChanged()`. */
  private studyChanged = false;
  /**
   * Off until the first `takeChanged()`: the first read is a reset for every reader, so noting each
   * trial it touched would only cost time.
   */
  private tracking = false;

  constructor(readonly file: string) {}

  /**
   * Applies the complete lines of `buf`, which holds the file's bytes from `this.offset` on. Returns
   * the bytes consumed; a cut or bad last line stays unconsumed. Throws JournalCorruptError for a bad
   * line with lines after it (then nothing after that line is applied).
   */
  consume(buf: Buffer): number {
    const last = buf.lastIndexOf(0x0a);
    if (last < 0) return 0; // a cut line: wait for the rest
    // One decode for the whole chunk; while it is plain ASCII (our writers' records are), a character
    // index is a byte offset.
    const text = buf.toString('utf8', 0, last + 1);
    const ascii = text.length === last + 1;
    const tailBlank = isBlank(buf, last + 1, buf.length);
    let pos = 0;
    let line = this.lines;
    try {
      for (;;) {
        const nl = text.indexOf('\n', pos);
        if (nl < 0) break;
        const lineNo = line + 1;
        const next = nl + 1;
        if (!isBlankText(text, pos, nl)) {
          const parsed = parseLine(text, pos, nl);
          const bad = typeof parsed === 'string' ? parsed : this.apply(parsed, lineNo);
          if (bad !== undefined) {
            // Bad with nothing after it: a torn append, left for a writer to cut away.
            if (tailBlank && isBlankText(text, next, text.length)) break;
            throw new JournalCorruptError(this.file, lineNo, bad);
          }
        }
        pos = next;
        line = lineNo;
      }
    } finally {
      const bytes = ascii ? pos : Buffer.byteLength(text.slice(0, pos), 'utf8');
      this.offset += bytes;
      this.lines = line;
    }
    return ascii ? pos : Buffer.byteLength(text.slice(0, pos), 'utf8');
  }

  /** Applies one parsed record; returns an error text only for a bad header (which stops the replay). */
  private apply(rec: JournalRecord, line: number): string | undefined {
    if (!this.study) {
      if (rec.op !== 'study') return 'the first record must be the study header';
      this.study = newStudy(rec);
      this.studyChanged = true;
      return undefined;
    }
    try {
      applyRecord(this.study, rec);
    } catch (err) {
      this.issueCount++;
      if (this.issues.length < MAX_ISSUES) this.issues.push({ line, detail: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
    this.touched(rec);
    return undefined;
  }

  /**
   * Applies a record this process is about to write: throws (nothing changed) when it does not fit,
   * so an impossible record never reaches the disk. `wrote` then accounts for its bytes.
   */
  applyOwn(rec: JournalRecord): void {
    if (!this.study) {
      if (rec.op !== 'study') throw new Error('the first record must be the study header');
      this.study = newStudy(rec);
      this.studyChanged = true;
      return;
    }
    applyRecord(this.study, rec);
    this.touched(rec);
  }

  /** Moves past bytes this process wrote itself (already applied with `applyOwn`). */
  wrote(bytes: number, lines: number): void {
    this.offset += bytes;
    this.lines += lines;
  }

  /** Skipped records, as one line for messages: `3 records … were skipped (line 12: trial 1 finished twice; …)`. */
  describeIssues(max = 3): string | undefined {
    if (this.issueCount === 0) return undefined;
    const shown = this.issues.slice(0, max).map(i => `line ${i.line}: ${i.detail}`).join('; ');
    const more = this.issueCount > max ? '; …' : '';
    return `${this.issueCount} record${this.issueCount === 1 ? '' : 's'} of ${this.file} did not fit the study's history and were skipped (${shown}${more})`;
  }

  private touched(rec: JournalRecord): void {
    if (!this.tracking) return;
    const n = recordTrial(rec);
    if (n !== undefined) this.changed.add(n);
    else this.studyChanged = true;
  }

  /** Trials touched since the last call, and whether the study itself (status, budget, workers) changed. */
  takeChanged(): { trials: Set<number>; study: boolean } {
    this.tracking = true;
    const out = { trials: this.changed, study: this.studyChanged };
    this.changed = new Set();
    this.studyChanged = false;
    return out;
  }
}

function isBlank(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

function isBlankText(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

const NUM = '(-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)';
/** Value records, by far the most common line, exactly as our writers serialize them: parsed without JSON.parse. */
const VALUE_LINE = new RegExp(`^\\{"op":"value","number":(0|[1-9]\\d*),(?:"w":(0|[1-9]\\d*),)?"step":${NUM},"value":${NUM}\\}$`);

/** A record, or why the line is not one. */
function parseLine(text: string, from: number, to: number): JournalRecord | string {
  const line = text.slice(from, to);
  try {
    if (line.startsWith('{"op":"value"')) {
      const m = VALUE_LINE.exec(line);
      if (m) {
        // The pattern admits only integers and JSON numbers; an overflow (1e999) is the one thing left to refuse.
        const step = Number(m[3]);
        const value = Number(m[4]);
        if (!Number.isFinite(step) || !Number.isFinite(value)) return 'bad intermediate value';
        return m[2] === undefined ? { op: 'value', number: Number(m[1]), step, value } : { op: 'value', number: Number(m[1]), w: Number(m[2]), step, value };
      }
    }
    const raw: unknown = JSON.parse(line);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'not a JSON object';
    return validateRecord(raw as Record<string, unknown>);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
