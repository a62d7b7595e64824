/**
 * Reads the cells of a Jupyter notebook (nbformat 4 JSON) without building its tree. The cells'
 * `outputs` and `attachments` are first jumped over (quote to quote, with native string search) and left
 * out; a jsonc-parser visitor then collects cell types, sources and tags from what remains, skipping
 * metadata it does not need. A 20 MB notebook of embedded plots costs about what its code costs; none of
 * its output strings reach the detector or stay in memory.
 */
import { printParseErrorCode, visit, type JSONPath } from 'jsonc-parser';

export type NotebookCellKind = 'code' | 'markdown' | 'raw';

export interface NotebookCell {
  /** Position in the notebook's `cells` list (markdown and raw cells count), as VS Code numbers cells. */
  readonly index: number;
  readonly kind: NotebookCellKind;
  readonly source: string;
  readonly tags: readonly string[];
}

export interface NotebookContent {
  readonly cells: readonly NotebookCell[];
  /** Kernel language (`metadata.kernelspec.language` or `language_info.name`), lower case. */
  readonly language?: string;
  /** `metadata.kernelspec.name`, e.g. `python3`. */
  readonly kernel?: string;
  /** Set when the file is not a notebook this reader understands; `cells` is then empty. */
  readonly error?: string;
}

interface DraftCell {
  kind?: unknown;
  source?: string;
  lines?: string[];
  sourceError?: string;
  tags: string[];
}

const KEPT_TOP_METADATA = new Set(['kernelspec', 'language_info']);

/** Subtrees whose content the reader never needs: the parser still scans them, no callback fires. */
function skipped(path: JSONPath): boolean {
  if (path[0] === 'metadata') return path.length === 2 && !KEPT_TOP_METADATA.has(String(path[1]));
  if (path[0] !== 'cells' || path.length !== 3 && path.length !== 4) return false;
  const field = path[2];
  if (path.length === 3) return field === 'outputs' || field === 'attachments';
  // cells[i].metadata.<x>: only the tags matter (widgets, papermill timings… can be large).
  return field === 'metadata' && path[3] !== 'tags';
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

class NotebookVisitor {
  nbformat: unknown;
  hasWorksheets = false;
  cellsType: 'array' | 'other' | undefined;
  readonly drafts: DraftCell[] = [];
  language: string | undefined;
  kernelLanguage: string | undefined;
  kernel: string | undefined;
  syntaxError: { code: number; offset: number } | undefined;

  private cell(path: JSONPath): DraftCell | undefined {
    if (path[0] !== 'cells' || typeof path[1] !== 'number') return undefined;
    const i = path[1];
    while (this.drafts.length <= i) this.drafts.push({ tags: [] });
    return this.drafts[i];
  }

  container(path: JSONPath, type: 'object' | 'array'): boolean {
    if (path.length === 1 && path[0] === 'cells') this.cellsType = type === 'array' ? 'array' : 'other';
    if (path.length === 1 && path[0] === 'worksheets') this.hasWorksheets = true;
    if (path.length === 2 && path[0] === 'cells') this.cell(path);
    if (path.length === 3 && path[2] === 'source') {
      const cell = this.cell(path);
      if (cell && type === 'array') cell.lines = [];
      else if (cell) cell.sourceError = 'an object';
    }
    return !skipped(path);
  }

  literal(value: unknown, path: JSONPath): void {
    if (path.length === 1) {
      if (path[0] === 'nbformat') this.nbformat = value;
      if (path[0] === 'cells') this.cellsType = 'other';
      return;
    }
    if (path[0] === 'metadata') return this.metadata(value, path);
    const cell = this.cell(path);
    if (!cell) return;
    if (path.length === 3 && path[2] === 'cell_type') cell.kind = value;
    else if (path.length === 3 && path[2] === 'source') {
      if (typeof value === 'string') cell.source = value;
      else cell.sourceError = value === null ? 'null' : typeof value;
    } else if (path.length === 4 && path[2] === 'source') {
      if (typeof value === 'string') cell.lines?.push(value);
      else cell.sourceError ??= `a list holding ${value === null ? 'null' : typeof value}`;
    } else if (path.length === 5 && path[2] === 'metadata' && path[3] === 'tags' && typeof value === 'string') cell.tags.push(value);
  }

  private metadata(value: unknown, path: JSONPath): void {
    if (typeof value !== 'string' || path.length !== 3) return;
    if (path[1] === 'kernelspec' && path[2] === 'language') this.kernelLanguage = value.toLowerCase();
    if (path[1] === 'kernelspec' && path[2] === 'name') this.kernel = value;
    if (path[1] === 'language_info' && path[2] === 'name') this.language = value.toLowerCase();
  }
}

const invalid = (error: string): NotebookContent => ({ cells: [], error });

/** Index just past the string starting at `start` (a `"`), or -1 if it never ends. */
function stringEnd(text: string, start: number): number {
  for (let from = start + 1; ;) {
    const q = text.indexOf('"', from);
    if (q < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** Index just past the object or array starting at `start`, or -1 if it is not balanced. */
function containerEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const end = stringEnd(text, i);
      if (end < 0) return -1;
      i = end - 1;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

const BULKY_KEYS = new Set(['outputs', 'attachments']);
const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Where the `outputs` and `attachments` values of the cells are (`[start, end)`), found by jumping from
 * quote to quote with indexOf: a 15 MB base64 image costs one native search, not 15 million steps of a
 * JSON tokenizer. Undefined when the text is not shaped as expected; the caller then reads all of it.
 */
function bulkyValues(text: string): Array<[number, number]> | undefined {
  const out: Array<[number, number]> = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
    else if (c === 34) {
      const end = stringEnd(text, i);
      if (end < 0) return undefined;
      // Root object = 1, cells list = 2, a cell = 3: a key of a cell.
      if (depth === 3 && end - i <= 13 && BULKY_KEYS.has(text.slice(i + 1, end - 1))) {
        let v = end;
        while (isSpace(text.charCodeAt(v))) v++;
        if (text.charCodeAt(v) === 58) {
          v++;
          while (isSpace(text.charCodeAt(v))) v++;
          const open = text.charCodeAt(v);
          if (open === 91 || open === 123) {
            const close = containerEnd(text, v);
            if (close < 0) return undefined;
            out.push([v, close]);
            i = close - 1;
            continue;
          }
        }
      }
      i = end - 1;
    }
  }
  return out;
}

/** The text with each bulky value emptied, and a map from its offsets back to the original's. */
function withoutOutputs(text: string): { text: string; original: (offset: number) => number } {
  const ranges = bulkyValues(text);
  if (!ranges || ranges.length === 0) return { text, original: o => o };
  const parts: string[] = [];
  const shifts: Array<[number, number]> = []; // [first offset in the reduced text after a cut, characters removed up to there]
  let at = 0;
  let removed = 0;
  for (const [start, end] of ranges) {
    parts.push(text.slice(at, start), text[start] === '[' ? '[]' : '{}');
    removed += end - start - 2;
    shifts.push([end - removed, removed]);
    at = end;
  }
  parts.push(text.slice(at));
  return {
    text: parts.join(''),
    original: offset => {
      let shift = 0;
      for (const [from, total] of shifts) if (offset >= from) shift = total;
      return offset + shift;
    },
  };
}

/** The cells of a notebook file's text. Never throws: a file it cannot read gets `error`. (`skipOutputs: false` reads outputs with the JSON tokenizer too: the reference the fast path is tested against.) */
export function readNotebook(text: string, options: { readonly skipOutputs?: boolean } = {}): NotebookContent {
  const v = new NotebookVisitor();
  const full = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const reduced = options.skipOutputs === false ? { text: full, original: (o: number) => o } : withoutOutputs(full);
  visit(reduced.text, {
    onObjectBegin: (_o, _l, _sl, _sc, path) => v.container(path(), 'object'),
    onArrayBegin: (_o, _l, _sl, _sc, path) => v.container(path(), 'array'),
    // jsonc-parser ends a skipped subtree only in its end callbacks: without them nothing after it is visited.
    onObjectEnd: () => undefined,
    onArrayEnd: () => undefined,
    onLiteralValue: (value, _o, _l, _sl, _sc, path) => v.literal(value, path()),
    onError: (code, offset) => {
      v.syntaxError ??= { code, offset };
    },
  }, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (v.syntaxError) {
    const { code, offset } = v.syntaxError;
    return invalid(`not valid JSON (line ${lineOf(full, reduced.original(offset))}: ${printParseErrorCode(code)}); the notebook cannot be read`);
  }
  if (v.hasWorksheets || v.nbformat === 3 || (typeof v.nbformat === 'number' && v.nbformat < 4)) {
    return invalid(`nbformat ${typeof v.nbformat === 'number' ? v.nbformat : 3} notebook: only nbformat 4 is read. Open and save it in Jupyter, or run \`jupyter nbconvert --to notebook --nbformat 4\`, to upgrade it`);
  }
  if (v.nbformat === undefined || v.cellsType === undefined) return invalid('not a Jupyter notebook: no "nbformat" and "cells"');
  if (v.nbformat !== 4) return invalid(`nbformat ${JSON.stringify(v.nbformat)} is not supported (only nbformat 4)`);
  if (v.cellsType !== 'array') return invalid('"cells" must be a list');
  const cells: NotebookCell[] = [];
  for (let index = 0; index < v.drafts.length; index++) {
    const d = v.drafts[index];
    if (d.sourceError) return invalid(`cell ${index}: "source" must be a string or a list of strings, got ${d.sourceError}`);
    const kind: NotebookCellKind = d.kind === 'code' || d.kind === 'markdown' || d.kind === 'raw' ? d.kind : 'raw';
    cells.push({ index, kind, source: d.lines ? d.lines.join('') : (d.source ?? ''), tags: d.tags });
  }
  const language = v.kernelLanguage ?? v.language;
  return { cells, ...(language ? { language } : {}), ...(v.kernel ? { kernel: v.kernel } : {}) };
}

/** The index of the papermill `parameters` cell (the first code cell tagged so), if any. */
export function parametersCellIndex(cells: readonly NotebookCell[]): number | undefined {
  return cells.find(c => c.kind === 'code' && c.tags.includes('parameters'))?.index;
}
