/**
 * Incremental readers for the metric files training libraries write: TensorBoard event files,
 * Lightning's `metrics.csv` and Hugging Face's `trainer_state.json`. Each `poll()` returns only what
 * is new since the previous one; `final` tells the follower the writer is gone, so a half-written
 * tail is reported instead of waited for.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { MetricPoint } from './types';
import { completeLines, DEFAULT_MAX_READ_BYTES, FileTail } from './tail';
import { parsePythonJson } from './pyjson';
import { decodeEvent, TfRecordReader } from './tfevents';

export interface FollowResult {
  readonly points: MetricPoint[];
  readonly warnings: string[];
}

export interface FileFollower {
  readonly path: string;
  poll(final?: boolean): Promise<FollowResult>;
}

export type MetricFileKind = 'tfevents' | 'csv' | 'trainer_state';

/**
 * Which follower reads a file, by its name; undefined for files that hold no metrics we know. Event
 * files are recognised as TensorBoard recognises them, by `tfevents` anywhere in the name: CatBoost
 * writes exactly `events.out.tfevents` (no timestamp or host suffix).
 */
export function metricFileKind(fileName: string): MetricFileKind | undefined {
  if (fileName.includes('tfevents')) return 'tfevents';
  if (fileName === 'metrics.csv') return 'csv';
  if (fileName === 'trainer_state.json') return 'trainer_state';
  return undefined;
}

export interface MetricFileWalkLimits {
  readonly maxDepth: number;
  /** Directory entries looked at in all; a walk that reaches it stops there. */
  readonly maxEntries: number;
  readonly skipDirs: ReadonlySet<string>;
}

/**
 * Visits the metric files below `root`, bounded in depth and entries. Entries are visited in natural
 * order, so checkpoint-500 comes before checkpoint-1000 and event files in creation order. Resolves to
 * false when `maxEntries` cut the walk short. A directory that is missing or vanishes is skipped: the
 * next walk looks again.
 */
export async function walkMetricFiles(root: string, limits: MetricFileWalkLimits, visit: (file: string, dir: string, kind: MetricFileKind) => void): Promise<boolean> {
  let seen = 0;
  const walk = async (dir: string, depth: number): Promise<boolean> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return true;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
    for (const entry of entries) {
      if (++seen > limits.maxEntries) return false;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < limits.maxDepth && !limits.skipDirs.has(entry.name) && !(await walk(full, depth + 1))) return false;
        continue;
      }
      const kind = entry.isFile() ? metricFileKind(entry.name) : undefined;
      if (kind) visit(full, dir, kind);
    }
    return true;
  };
  return walk(root, 0);
}

/** Step columns/keys, finest first: the first one present is the x-axis. */
const STEP_KEYS = ['global_step', 'step', 'iteration', 'iter', 'epoch'];

/** Per-name counters for points that carry no step of their own. */
export class StepCounter {
  private readonly next = new Map<string, number>();
  take(name: string): number {
    const n = (this.next.get(name) ?? 0) + 1;
    this.next.set(name, n);
    return n;
  }
}

// ---------------------------------------------------------------------------------------------

/** Slices grow up to this to take in one large record (the reader refuses records over 256 MiB). */
const MAX_SLICE_BYTES = 257 * 1024 * 1024;

export class TfEventsFollower implements FileFollower {
  private readonly tail: FileTail;
  private reader = new TfRecordReader();

  constructor(
    readonly path: string,
    private readonly maxReadBytes = DEFAULT_MAX_READ_BYTES,
  ) {
    this.tail = new FileTail(path, maxReadBytes);
  }

  async poll(final = false): Promise<FollowResult> {
    const points: MetricPoint[] = [];
    const warnings: string[] = [];
    const name = path.basename(this.path);
    let limit = this.maxReadBytes;
    // Loop so a file larger than one read slice is taken in by one poll (bounded: 64 slices).
    for (let round = 0; round < 64; round++) {
      const read = await this.tail.read(limit);
      if (!read) break;
      if (read.restarted) {
        this.reader = new TfRecordReader();
        warnings.push(`${name} shrank or was replaced; reading it again from the start`);
      }
      if (read.data.length === 0) break;
      const batch = this.reader.read(read.data, read.start);
      for (const e of batch.errors) warnings.push(`${name}: ${e}`);
      for (const record of batch.records) {
        try {
          const event = decodeEvent(record);
          for (const s of event.scalars) {
            points.push({ name: s.tag, step: event.step, value: s.value, wallTime: event.wallTime, source: 'tfevents' });
          }
        } catch (e) {
          warnings.push(`${name}: undecodable event record (${(e as Error).message}); skipped`);
        }
      }
      this.tail.consume(batch.consumed);
      if (!read.more) break;
      // A record bigger than the slice (a graph, an image): read a bigger slice next round.
      limit = batch.consumed === 0 ? Math.min(limit * 2, MAX_SLICE_BYTES) : this.maxReadBytes;
    }
    if (final) {
      const rest = await this.tail.read();
      if (rest && rest.data.length > 0) {
        warnings.push(`${name}: ${rest.data.length} bytes at the end are an incomplete record (the writer stopped mid-record); ignored`);
        this.tail.consume(rest.data.length);
      }
    }
    return { points, warnings };
  }
}

// ---------------------------------------------------------------------------------------------

/** Splits one CSV record (RFC 4180 quoting, on a single line). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/**
 * Lightning's CSVLogger appends rows, and rewrites the whole file with a wider header when a new
 * metric appears. So the follower counts the rows it has emitted and, whenever the file shrinks,
 * is replaced or its header changes, re-reads from the top and skips that many rows.
 */
export class CsvFollower implements FileFollower {
  private readonly tail: FileTail;
  private header: string[] | undefined;
  private headerText = '';
  private rowsEmitted = 0;
  private rowsSeen = 0;
  private readonly counter = new StepCounter();

  constructor(readonly path: string, maxReadBytes = DEFAULT_MAX_READ_BYTES) {
    this.tail = new FileTail(path, maxReadBytes);
  }

  private restart(): void {
    this.tail.offset = 0;
    this.header = undefined;
    this.headerText = '';
    this.rowsSeen = 0;
  }

  async poll(final = false): Promise<FollowResult> {
    const points: MetricPoint[] = [];
    const warnings: string[] = [];
    if (this.header && (await this.headerChanged())) this.restart();
    for (let round = 0; round < 64; round++) {
      const read = await this.tail.read();
      if (!read) break;
      if (read.restarted) this.restart();
      let { lines, bytes } = completeLines(read.data);
      if (final && bytes < read.data.length && read.data.length < DEFAULT_MAX_READ_BYTES) {
        lines = [...lines, read.data.subarray(bytes).toString('utf8')];
        bytes = read.data.length;
      }
      if (bytes === 0) {
        if (read.data.length >= DEFAULT_MAX_READ_BYTES) {
          warnings.push(`${this.path}: a line longer than ${DEFAULT_MAX_READ_BYTES} bytes; skipped`);
          this.tail.consume(read.data.length);
          continue;
        }
        break;
      }
      for (const line of lines) this.takeLine(line, points, warnings);
      this.tail.consume(bytes);
      if (bytes === read.data.length && read.data.length < DEFAULT_MAX_READ_BYTES) break;
    }
    return { points, warnings };
  }

  private async headerChanged(): Promise<boolean> {
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(this.path, 'r');
      const want = Buffer.byteLength(this.headerText) + 1;
      const buf = Buffer.alloc(want);
      const { bytesRead } = await handle.read(buf, 0, want, 0);
      return buf.subarray(0, bytesRead).toString('utf8').replace(/\r?\n$/, '') !== this.headerText;
    } catch {
      return false;
    } finally {
      await handle?.close();
    }
  }

  private takeLine(line: string, points: MetricPoint[], warnings: string[]): void {
    if (line.trim() === '') return;
    if (!this.header) {
      this.headerText = line;
      this.header = splitCsvLine(line).map((h) => h.trim());
      return;
    }
    this.rowsSeen++;
    if (this.rowsSeen <= this.rowsEmitted) return;
    this.rowsEmitted = this.rowsSeen;
    const cells = splitCsvLine(line);
    if (cells.length > this.header.length) {
      warnings.push(`${path.basename(this.path)}: row ${this.rowsSeen} has ${cells.length} cells but the header ${this.header.length}; extra cells ignored`);
    }
    const row = new Map<string, number>();
    this.header.forEach((name, i) => {
      const text = (cells[i] ?? '').trim();
      if (text === '' || name === '') return;
      const value = csvNumber(text);
      if (value !== undefined) row.set(name, value);
    });
    const stepKey = STEP_KEYS.find((k) => row.has(k) && Number.isFinite(row.get(k)));
    const wallTime = Date.now() / 1000;
    for (const [name, value] of row) {
      if (STEP_KEYS.includes(name)) continue;
      const step = stepKey ? (row.get(stepKey) as number) : this.counter.take(name);
      points.push({ name, step, value, wallTime, source: 'csv' });
    }
  }
}

function csvNumber(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  const n = Number(text);
  return Number.isNaN(n) ? undefined : n;
}

// ---------------------------------------------------------------------------------------------

/** trainer_state.json files above this size are refused: nothing real is that big. */
export const MAX_TRAINER_STATE_BYTES = 64 * 1024 * 1024;

/**
 * Which (metric, step) pairs were already emitted. Shared by every trainer_state.json of a trial:
 * each checkpoint-N/ holds a copy of the whole history up to N, so only genuinely newer entries count.
 */
export class TrainerStateDedup {
  private readonly lastStep = new Map<string, number>();
  isNew(name: string, step: number): boolean {
    const last = this.lastStep.get(name);
    if (last !== undefined && step <= last) return false;
    this.lastStep.set(name, step);
    return true;
  }
}

/** HF Trainer rewrites trainer_state.json whole at every checkpoint; `log_history[]` holds the metrics. */
export class TrainerStateFollower implements FileFollower {
  private lastSignature = '';
  private warnedInvalid = false;

  constructor(
    readonly path: string,
    private readonly dedup = new TrainerStateDedup(),
  ) {}

  async poll(final = false): Promise<FollowResult> {
    const warnings: string[] = [];
    let stat;
    try {
      stat = await fs.stat(this.path);
    } catch {
      return { points: [], warnings };
    }
    const signature = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    if (signature === this.lastSignature) return { points: [], warnings };
    if (stat.size > MAX_TRAINER_STATE_BYTES) {
      this.lastSignature = signature;
      warnings.push(`${this.path} is ${stat.size} bytes, more than the ${MAX_TRAINER_STATE_BYTES} bytes read; ignored`);
      return { points: [], warnings };
    }
    let state: unknown;
    try {
      // HF writes it with Python's json.dumps: an fp16 overflow leaves bare NaN / Infinity in it.
      state = parsePythonJson(await fs.readFile(this.path, 'utf8'));
    } catch (e) {
      // Probably caught mid-rewrite: try again next poll; complain only once the writer is done.
      if (final && !this.warnedInvalid) {
        this.warnedInvalid = true;
        warnings.push(`${this.path} is not valid JSON (${(e as Error).message}); ignored`);
      }
      return { points: [], warnings };
    }
    this.lastSignature = signature;
    const history = (state as { log_history?: unknown } | null)?.log_history;
    if (!Array.isArray(history)) {
      warnings.push(`${this.path} has no log_history array; ignored`);
      return { points: [], warnings };
    }
    return { points: trainerStatePoints(history, this.dedup), warnings };
  }
}

export function trainerStatePoints(history: readonly unknown[], dedup: TrainerStateDedup): MetricPoint[] {
  const points: MetricPoint[] = [];
  const wallTime = Date.now() / 1000;
  history.forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null) return;
    const record = entry as Record<string, unknown>;
    // Every entry of a real file has `step`; fall back to the position so odd files still plot.
    const step = typeof record.step === 'number' && Number.isFinite(record.step) ? record.step : index + 1;
    for (const [name, value] of Object.entries(record)) {
      if (name === 'step' || name === 'epoch' || typeof value !== 'number') continue;
      if (dedup.isNew(name, step)) points.push({ name, step, value, wallTime, source: 'trainer_state' });
    }
  });
  return points;
}
