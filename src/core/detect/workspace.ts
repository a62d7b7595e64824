/**
 * Directory scanning: recursive listing with the usual exclusions, the quick-scan index (cheap,
 * thousands of files per second) and full detection of the candidates, with Hydra `${…}`
 * references resolved across each config folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_MAX_BYTES, detectFile, withOptimizer, type DetectOptions } from './detect';
import { isNotebookPath, MAX_NOTEBOOK_BYTES } from './notebook';
import { detectDocument } from './document';
import type { UserVocabulary } from './userVocabulary';
import { CONFIG_FILE, EXCLUDED_DIRS } from './files';
import { quickScan } from './quickScan';
import { hydraGroup } from './fingerprint';
import type { DetectedFile, Setting } from './types';

export interface ScanOptions {
  /** Directory names never entered (added to the defaults). */
  readonly exclude?: readonly string[];
  /** Files above this size are listed as skipped, not read. Default 1 MiB. */
  readonly maxBytes?: number;
  /** Stop after this many files (safety net for huge trees). Default 200,000. */
  readonly maxFiles?: number;
  readonly signal?: AbortSignal;
}

/** Folders never entered (the one list in files.ts). */
export const DEFAULT_EXCLUDES: readonly string[] = EXCLUDED_DIRS;

export interface IndexedFile {
  readonly path: string;
  readonly size: number;
  readonly candidate: boolean;
  readonly format?: string;
  /** Why the file was not read (size cap, unreadable). */
  readonly skipped?: string;
}

function readSmall(maxBytes: number): (p: string) => string | undefined {
  return p => {
    try {
      return fs.statSync(p).size <= maxBytes ? fs.readFileSync(p, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
}

/** Lists files under `root` (recursively, no symlinked dirs), skipping excluded folders and virtualenvs. */
export function listFiles(root: string, options: ScanOptions = {}): string[] {
  const excluded = new Set([...DEFAULT_EXCLUDES, ...(options.exclude ?? [])]);
  const maxFiles = options.maxFiles ?? 200_000;
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0 && out.length < maxFiles) {
    if (options.signal?.aborted) break;
    const dir = stack.pop() as string;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    // A virtualenv under any name (`env/`, `.env311/`) is recognised by its pyvenv.cfg.
    if (dir !== root && entries.some(e => e.name === 'pyvenv.cfg' && e.isFile())) continue;
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!excluded.has(e.name)) stack.push(full);
      } else if (e.isFile()) {
        out.push(full);
        if (out.length >= maxFiles) break;
      }
    }
  }
  return out;
}

/** Quick-scan index of a directory: reads each small file once, builds no tree. */
export function indexWorkspace(root: string, options: ScanOptions = {}): IndexedFile[] {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const out: IndexedFile[] = [];
  for (const file of listFiles(root, options)) {
    if (options.signal?.aborted) break;
    if (!CONFIG_FILE.test(file)) continue;
    let size = 0;
    try {
      size = fs.statSync(file).size;
      // A notebook's size is mostly outputs, which are skipped: the code limit applies to its cells.
      if (size > (isNotebookPath(file) ? MAX_NOTEBOOK_BYTES : maxBytes)) {
        out.push({ path: file, size, candidate: false, skipped: `file is larger than ${Math.round(maxBytes / 1024)} KB; not scanned` });
        continue;
      }
      const text = fs.readFileSync(file, 'utf8');
      const q = quickScan(file, text);
      out.push({ path: file, size, candidate: q.candidate, ...(q.format ? { format: q.format } : {}) });
    } catch (err) {
      out.push({ path: file, size, candidate: false, skipped: `unreadable: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return out;
}

/**
 * Mounted Hydra values of every config folder among `files`: `configs/model/mnist.yaml`'s `lr`
 * is `model.lr`. Used to resolve `${model.lr}` written in another file of the same folder.
 */
export function buildHydraIndex(results: readonly DetectedFile[]): (dotted: string) => unknown {
  const values = new Map<string, unknown[]>();
  for (const r of results) {
    if (r.format !== 'hydra' || !hydraGroup(r.path)) continue;
    for (const s of r.settings) {
      if (s.origin?.kind === 'reference' || s.search) continue;
      const list = values.get(s.key) ?? [];
      list.push(s.value);
      values.set(s.key, list);
    }
  }
  return dotted => {
    const list = values.get(dotted);
    // Several group options may define the key differently; only an unambiguous value resolves.
    if (!list) return undefined;
    const distinct = new Set(list.map(v => JSON.stringify(v)));
    return distinct.size === 1 ? list[0] : undefined;
  };
}

const BASE = /^_base_\s*=\s*(\[[\s\S]*?\]|(['"])[^'"\n]+\2)/m;

/** The `_base_` files an mmengine config inherits from, resolved against its folder. */
export function mmengineBases(file: string, text: string): { paths: string[]; start: number; end: number } | undefined {
  const m = BASE.exec(text);
  if (!m) return undefined;
  const paths = [...m[1].matchAll(/(['"])([^'"\n]+)\1/g)].map(x => path.resolve(path.dirname(file), x[2]));
  return { paths, start: m.index, end: m.index + '_base_'.length };
}

/**
 * mmengine inheritance: settings of the `_base_` files that the config does not override show up
 * in it, as `inherited`, placed on its `_base_` line (that is where they come from). Bases of bases
 * are followed (depth 5, cycles cut). `_delete_=True` replacement is not modelled.
 */
export function withMmengineBases(file: string, text: string, own: DetectedFile, read: (p: string) => string | undefined, depth = 0, seen = new Set<string>()): DetectedFile {
  const bases = mmengineBases(file, text);
  if (!bases || depth > 5) return own;
  seen.add(file);
  const line = text.slice(0, bases.start).split('\n').length - 1;
  const range = { line, character: 0, endLine: line, endCharacter: '_base_'.length };
  const ownKeys = new Set(own.settings.map(s => s.key));
  const inherited: Setting[] = [];
  for (const basePath of bases.paths) {
    if (seen.has(basePath)) continue;
    const baseText = read(basePath);
    if (baseText === undefined) continue;
    const base = withMmengineBases(basePath, baseText, detectFile(basePath, baseText, { force: true, configModule: true }), read, depth + 1, seen);
    for (const s of base.settings) {
      if (ownKeys.has(s.key) || inherited.some(x => x.key === s.key)) continue;
      inherited.push({ ...s, range, valueRange: undefined, origin: { kind: 'inherited', text: path.relative(path.dirname(file), basePath) } });
    }
  }
  if (inherited.length === 0) return own;
  const settings = withOptimizer([...own.settings, ...inherited]).sort((a, b) => a.range.line - b.range.line || a.range.character - b.range.character);
  return { ...own, format: own.format ?? 'mmengine', settings };
}

const RELATIVE_IMPORT = /^from\s+(\.+)([\w.]*)\s+import\s+(.+)$/gm;

/**
 * Detectron2 LazyConfig inheritance: `from ..common.optim import SGD as optimizer` brings the
 * settings of `SGD` in `../common/optim.py` in as `optimizer.*` (inherited, on the import line),
 * unless the file overrides them (`optimizer.lr = 0.1`). Only relative imports are followed.
 */
export function withLazyImports(file: string, text: string, own: DetectedFile, read: (p: string) => string | undefined): DetectedFile {
  if (own.format !== 'detectron2-lazy' && !/detectron2/.test(text)) return own;
  const ownKeys = new Set(own.settings.map(s => s.key));
  const inherited: Setting[] = [];
  for (const m of text.matchAll(RELATIVE_IMPORT)) {
    const up = m[1].length - 1;
    let dir = path.dirname(file);
    for (let i = 0; i < up; i++) dir = path.dirname(dir);
    const modulePath = path.join(dir, ...m[2].split('.').filter(Boolean));
    const source = read(`${modulePath}.py`) !== undefined ? `${modulePath}.py` : path.join(modulePath, '__init__.py');
    const sourceText = read(source);
    if (sourceText === undefined) continue;
    const base = detectFile(source, sourceText, { force: true, configModule: true });
    const line = text.slice(0, m.index).split('\n').length - 1;
    const range = { line, character: 0, endLine: line, endCharacter: m[0].length };
    for (const item of m[3].replace(/[()]/g, '').split(',')) {
      const [name, alias] = item.trim().split(/\s+as\s+/);
      if (!name) continue;
      const local = alias ?? name;
      for (const s of base.settings) {
        if (s.key !== name && !s.key.startsWith(`${name}.`)) continue;
        const key = local + s.key.slice(name.length);
        if (ownKeys.has(key) || inherited.some(x => x.key === key)) continue;
        inherited.push({ ...s, key, range, valueRange: undefined, origin: { kind: 'inherited', text: `${path.relative(path.dirname(file), source)}: ${s.key}` } });
      }
    }
  }
  if (inherited.length === 0) return own;
  const settings = withOptimizer([...own.settings, ...inherited]).sort((a, b) => a.range.line - b.range.line || a.range.character - b.range.character);
  return { ...own, format: own.format ?? 'detectron2-lazy', settings };
}

/** Full detection of every candidate file under `root` (or of one file). Files with nothing ML are omitted. */
export function detectWorkspace(root: string, options: ScanOptions & DetectOptions & { readonly vocabulary?: UserVocabulary } = {}): DetectedFile[] {
  const index = indexWorkspace(root, options);
  const results: DetectedFile[] = [];
  const read = readSmall(options.maxBytes ?? DEFAULT_MAX_BYTES);
  const texts = new Map<string, string>();
  for (const f of index) {
    if (options.signal?.aborted) break;
    if (f.skipped) {
      if (/larger/.test(f.skipped)) results.push({ path: f.path, format: null, settings: [], error: f.skipped });
      continue;
    }
    if (!f.candidate) continue;
    const text = fs.readFileSync(f.path, 'utf8');
    const r = detectDocument(f.path, text, { ...options, force: true, read, relativePath: path.relative(root, f.path) });
    if (r.format === 'hydra' && r.settings.some(s => s.origin?.kind === 'reference' && s.value === null)) texts.set(f.path, text);
    if (r.format !== null || r.error) results.push(r);
  }
  if (texts.size > 0) {
    const resolve = buildHydraIndex(results);
    for (let i = 0; i < results.length; i++) {
      const text = texts.get(results[i].path);
      if (text !== undefined) results[i] = detectDocument(results[i].path, text, { ...options, force: true, resolveReference: resolve, relativePath: path.relative(root, results[i].path) });
    }
  }
  return results;
}
