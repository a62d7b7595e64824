/**
 * The workspace index: which files hold hyperparameter configs, and how many hyperparameters each has.
 * Pure logic over two ports (file access and the detector) so it runs in plain Node tests and in the
 * extension alike. Scans in small batches and yields between them: a 10,000-file workspace never blocks
 * the extension host for long, and a cheap key scan decides which files deserve a full parse.
 */
import { isNotebookPath, MAX_NOTEBOOK_BYTES } from '../detect/notebook';
import type { DetectedFile } from '../detect/types';

export interface IndexFiles {
  /** Every file worth considering (config/code extensions), exclusions already applied. */
  list(): Promise<string[]>;
  stat(file: string): Promise<{ size: number; mtime: number }>;
  read(file: string): Promise<string>;
}

export interface IndexDetector {
  quickScan(path: string, text: string): { candidate: boolean; format?: string | null };
  detectFile(path: string, text: string): DetectedFile;
}

export interface IndexEntry {
  readonly file: string;
  readonly format: string | null;
  readonly hyperparameters: number;
  /** Where the first hyperparameter is, so a click can open the file there (in a notebook: in that cell). */
  readonly first: { readonly line: number; readonly character: number; readonly cell?: number };
  readonly mtime: number;
  /** Key of the file's learning rate (a numeric setting with the learning_rate id), when it has one. */
  readonly learningRate?: string;
}

export interface IndexProblem {
  readonly file: string;
  readonly message: string;
}

export interface IndexOptions {
  /** Files larger than this are skipped with a problem entry instead of read. */
  readonly maxFileBytes: number;
  /** Files per batch before yielding to the event loop. */
  readonly batchSize?: number;
}

const yieldToEventLoop = () => new Promise<void>(resolve => setImmediate(resolve));

export class WorkspaceIndex {
  private readonly entries = new Map<string, IndexEntry>();
  private readonly problems = new Map<string, IndexProblem>();
  private readonly listeners = new Set<() => void>();
  private scanning = 0;
  private generation = 0;

  constructor(
    private readonly files: IndexFiles,
    private readonly detector: IndexDetector,
    private options: IndexOptions,
  ) {}

  setOptions(options: IndexOptions): void {
    this.options = options;
  }

  get isScanning(): boolean {
    return this.scanning > 0;
  }

  /** Configs with at least one hyperparameter, sorted by path. */
  configs(): IndexEntry[] {
    return [...this.entries.values()].filter(e => e.hyperparameters > 0).sort((a, b) => a.file.localeCompare(b.file));
  }

  problemList(): IndexProblem[] {
    return [...this.problems.values()].sort((a, b) => a.file.localeCompare(b.file));
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private fire(): void {
    for (const l of [...this.listeners]) l();
  }

  /** A full scan; a newer scan makes an older one stop early (the newest result wins). */
  async scanAll(signal?: AbortSignal): Promise<{ files: number; configs: number; ms: number }> {
    const started = Date.now();
    const generation = ++this.generation;
    this.scanning++;
    this.fire();
    try {
      const all = await this.files.list();
      const seen = new Set(all);
      for (const file of [...this.entries.keys()]) if (!seen.has(file)) this.entries.delete(file);
      for (const file of [...this.problems.keys()]) if (!seen.has(file)) this.problems.delete(file);
      const batch = this.options.batchSize ?? 50;
      for (let i = 0; i < all.length; i += batch) {
        if (signal?.aborted || generation !== this.generation) break;
        await Promise.all(all.slice(i, i + batch).map(f => this.indexFile(f)));
        await yieldToEventLoop();
      }
      return { files: all.length, configs: this.configs().length, ms: Date.now() - started };
    } finally {
      this.scanning--;
      this.fire();
    }
  }

  /** Re-indexes one file after a change on disk. */
  async update(file: string): Promise<void> {
    await this.indexFile(file);
    this.fire();
  }

  /** Replaces a file's entry with a detection made elsewhere (an open editor's current text). */
  setDetected(file: string, detected: DetectedFile, mtime = Date.now()): void {
    this.record(file, detected, mtime);
    this.fire();
  }

  remove(file: string): void {
    const had = this.entries.delete(file) || this.problems.delete(file);
    if (had) this.fire();
  }

  private async indexFile(file: string): Promise<void> {
    try {
      const { size, mtime } = await this.files.stat(file);
      const known = this.entries.get(file);
      if (known && known.mtime === mtime) return;
      // A notebook is mostly outputs, which detection skips: only its code counts against the limit.
      const notebook = isNotebookPath(file);
      if (size > (notebook ? MAX_NOTEBOOK_BYTES : this.options.maxFileBytes)) {
        this.entries.delete(file);
        const limit = notebook ? `${MAX_NOTEBOOK_BYTES / 1048576} MB notebook limit` : `${(this.options.maxFileBytes / 1024).toFixed(0)} KB limit (hpstudio.scan.maxFileSizeKB)`;
        this.problems.set(file, { file, message: `skipped: ${(size / 1024).toFixed(0)} KB is over the ${limit}` });
        return;
      }
      const text = await this.files.read(file);
      if (!this.detector.quickScan(file, text).candidate) {
        this.entries.set(file, { file, format: null, hyperparameters: 0, first: { line: 0, character: 0 }, mtime });
        this.problems.delete(file);
        return;
      }
      this.record(file, this.detector.detectFile(file, text), mtime);
    } catch (err) {
      this.entries.delete(file);
      this.problems.set(file, { file, message: `could not be read: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  private record(file: string, detected: DetectedFile, mtime: number): void {
    const hps = detected.settings.filter(s => s.kind === 'hyperparameter');
    const first = hps[0]?.range ?? { line: 0, character: 0 };
    const cell = hps[0]?.cell;
    const learningRate = hps.find(s => s.canonical === 'learning_rate' && (typeof s.value === 'number' || s.search !== undefined))?.key;
    this.entries.set(file, { file, format: detected.format, hyperparameters: hps.length, first: { line: first.line, character: first.character, ...(cell !== undefined ? { cell } : {}) }, mtime, ...(learningRate ? { learningRate } : {}) });
    // A partial analysis (budget spent) is listed with the problems too, next to its settings.
    const problem = detected.error ?? detected.warning;
    if (problem) this.problems.set(file, { file, message: problem });
    else this.problems.delete(file);
  }
}
