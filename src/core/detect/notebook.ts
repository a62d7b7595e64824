/**
 * Hyperparameters in Jupyter notebooks. Every code cell is Python: the cells are joined, in order, into
 * one module for the Python detector (so imports and constants of earlier cells give later cells their
 * framework and folded values), and each setting is then placed back into its cell with cell-relative
 * positions. IPython magics and shell escapes become comments of the same length first, so positions
 * stay exact. The papermill `parameters` cell is read on its own: each of its assignments is a parameter
 * of the notebook, whether or not its name is a known hyperparameter.
 */
import type { SyntaxNode } from '@lezer/common';
import { classifyKey } from './classify';
import { detectFile, type DetectOptions } from './detect';
import { parametersCellIndex, readNotebook, type NotebookCell, type NotebookContent } from './notebookFile';
import { LineIndex, lastAtOrBefore } from './text';
import type { DetectedFile, Setting, SourceRange } from './types';

export { readNotebook, parametersCellIndex, type NotebookCell, type NotebookContent, type NotebookCellKind } from './notebookFile';

/** Format id of every notebook; its settings still carry their framework (`keras`, `sklearn`…). */
export const NOTEBOOK_FORMAT = 'jupyter';
/** Notebook files above this are not read at all (outputs are skipped, but the file is still scanned). */
export const MAX_NOTEBOOK_BYTES = 128 * 1024 * 1024;

export function isNotebookPath(path: string): boolean {
  return /\.ipynb$/i.test(path);
}

/** Cell magics whose body is still Python (`%%time`); any other (`%%bash`, `%%html`) hides the cell. */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug', 'memit', 'skip']);

/** The cell as Python: magics and shell escapes commented out, character for character. */
export function pythonOfCell(source: string): string | undefined {
  const cellMagic = /^\s*%%(\w+)/.exec(source);
  if (cellMagic && !PYTHON_CELL_MAGICS.has(cellMagic[1])) return undefined;
  return source.replace(/^([ \t]*)[%!]/gm, '$1#');
}

function countLines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

interface CellSpan {
  readonly cell: number;
  readonly line: number;
}

/** All Python cells as one module, with the first line of each cell in it. */
function joinCells(cells: readonly NotebookCell[]): { text: string; spans: CellSpan[] } {
  const parts: string[] = [];
  const spans: CellSpan[] = [];
  let line = 0;
  for (const cell of cells) {
    if (cell.kind !== 'code') continue;
    const python = pythonOfCell(cell.source);
    if (python === undefined) continue;
    spans.push({ cell: cell.index, line });
    const part = `${python}\n`;
    parts.push(part);
    line += countLines(part);
  }
  return { text: parts.join(''), spans };
}

function spanOf(spans: readonly CellSpan[], line: number): CellSpan {
  return spans[Math.max(0, lastAtOrBefore(spans, s => s.line, line))];
}

function shift(r: SourceRange, lines: number): SourceRange {
  return { line: r.line - lines, character: r.character, endLine: r.endLine - lines, endCharacter: r.endCharacter };
}

/** The work budget stopped in the joined code: say where in the notebook (cells are numbered from 1). */
function budgetWarning(path: string, line: number, spans: readonly CellSpan[]): string {
  const span = spanOf(spans, line);
  const name = path.split(/[\\/]/).pop() ?? path;
  return `${name}: analysed the code up to cell ${span.cell + 1}, line ${line - span.line + 1} within the CPU budget for one file; settings from there on are not listed`;
}

/** A setting of the joined module, placed in its cell. */
function intoCell(s: Setting, spans: readonly CellSpan[]): Setting {
  const span = spanOf(spans, s.range.line);
  return { ...s, cell: span.cell, range: shift(s.range, span.line), ...(s.valueRange ? { valueRange: shift(s.valueRange, span.line) } : {}) };
}

// ---- the parameters cell ------------------------------------------------------------------------

/** Python literal → value (numbers, strings, True/False/None, lists, tuples, dicts of those). */
function literal(n: SyntaxNode, src: (n: SyntaxNode) => string, depth = 0): { ok: boolean; value?: unknown } {
  if (depth > 20) return { ok: false };
  switch (n.name) {
    case 'Number': {
      const v = Number(src(n).replace(/_/g, ''));
      return Number.isNaN(v) ? { ok: false } : { ok: true, value: v };
    }
    case 'String': {
      const m = /^[rRuU]?("""|'''|"|')([\s\S]*)\1$/.exec(src(n));
      return m ? { ok: true, value: m[2] } : { ok: false };
    }
    case 'Boolean':
      return { ok: true, value: src(n) === 'True' };
    case 'None':
      return { ok: true, value: null };
    case 'UnaryExpression': {
      const arg = n.lastChild ? literal(n.lastChild, src, depth + 1) : { ok: false };
      return arg.ok && typeof arg.value === 'number' && src(n).trim().startsWith('-') ? { ok: true, value: -arg.value } : arg.ok && typeof arg.value === 'number' ? arg : { ok: false };
    }
    case 'ArrayExpression':
    case 'TupleExpression': {
      const items: unknown[] = [];
      for (let c = n.firstChild; c; c = c.nextSibling) {
        if (/^[()[\],]$/.test(c.name) || c.name === 'Comment') continue;
        const v = literal(c, src, depth + 1);
        if (!v.ok) return { ok: false };
        items.push(v.value);
      }
      return { ok: true, value: items };
    }
    default:
      return { ok: false };
  }
}

/** Top-level `name = value` / `name: type = value` statements of the parameters cell. */
export function parameterAssignments(source: string, framework?: string): Setting[] {
  const python = pythonOfCell(source) ?? '';
  const lines = new LineIndex(python);
  const src = (n: SyntaxNode) => python.slice(n.from, n.to);
  const out: Setting[] = [];
  // The grammar loads on first use, so `hpstudio detect x.yaml` never evaluates it (CLI start-up).
  const { parser } = require('@lezer/python') as typeof import('@lezer/python');
  const top = parser.parse(python).topNode;
  for (let st = top.firstChild; st; st = st.nextSibling) {
    if (st.name !== 'AssignStatement') continue;
    const kids: SyntaxNode[] = [];
    for (let c = st.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') kids.push(c);
    const target = kids[0];
    const value = kids[kids.length - 1];
    // One plain name assigned once: `a = b = 1` and `x.y = 1` are not papermill parameters.
    if (target?.name !== 'VariableName' || kids.filter(k => k.name === 'AssignOp').length !== 1 || !value || value === target || value.name === 'AssignOp' || value.name === 'TypeDef' || value.name === '⚠') continue;
    const name = src(target);
    const folded = literal(value, src);
    const cls = classifyKey(name, { framework, value: folded.value, raw: src(value) });
    out.push({
      key: name,
      name,
      canonical: cls.canonical,
      kind: cls.kind === 'system' || cls.kind === 'search-setting' ? cls.kind : 'hyperparameter',
      value: folded.ok ? folded.value : null,
      raw: src(value),
      range: lines.range(target.from, target.to),
      valueRange: lines.range(value.from, value.to),
      ...(framework ? { framework } : {}),
      ...(folded.ok ? {} : { origin: { kind: 'reference' as const, text: src(value) } }),
    });
  }
  return out;
}

// ---- detection ------------------------------------------------------------------------------------

const none = (path: string, error?: string): DetectedFile => ({ path, format: null, settings: [], ...(error ? { error } : {}) });

function byCell(a: Setting, b: Setting): number {
  return (a.cell ?? 0) - (b.cell ?? 0) || a.range.line - b.range.line || a.range.character - b.range.character;
}

/** Detection of a notebook's cells (read from disk or from an open notebook editor). Never throws. */
export function detectNotebookCells(path: string, content: NotebookContent, options: DetectOptions = {}): DetectedFile {
  if (content.error) return none(path, content.error);
  if (content.language && content.language !== 'python') return none(path);
  const { text, spans } = joinCells(content.cells);
  const codeCells = content.cells.filter(c => c.kind === 'code').length;
  if (spans.length === 0) return none(path);
  // The joined code goes through the Python detector as a module of its own (size limit, quick scan).
  const python = detectFile(`${path}.py`, text, { ...options, force: options.force ?? true });
  if (python.error) return none(path, python.error);
  const settings = python.settings.map(s => intoCell(s, spans));
  const parametersCell = parametersCellIndex(content.cells);
  if (parametersCell !== undefined) {
    const framework = settings.find(s => s.framework)?.framework;
    const known = new Set(settings.filter(s => s.cell === parametersCell).map(s => `${s.range.line}:${s.range.character}`));
    const cell = content.cells[parametersCell];
    for (const p of parameterAssignments(cell.source, framework)) {
      if (!known.has(`${p.range.line}:${p.range.character}`)) settings.push({ ...p, cell: parametersCell });
    }
  }
  const warning = python.analysedLines !== undefined ? budgetWarning(path, python.analysedLines, spans) : undefined;
  if (!settings.some(s => s.kind === 'hyperparameter' || s.kind === 'logged')) return warning ? { ...none(path), warning } : none(path);
  settings.sort(byCell);
  return {
    path,
    format: NOTEBOOK_FORMAT,
    settings,
    notebook: { cells: content.cells.length, codeCells, ...(parametersCell !== undefined ? { parametersCell } : {}), ...(content.kernel ? { kernel: content.kernel } : {}) },
    ...(warning ? { warning } : {}),
  };
}

/** Detection of an `.ipynb` file's text. Outputs are skipped while reading, never parsed. */
export function detectNotebook(path: string, text: string, options: DetectOptions = {}): DetectedFile {
  if (typeof text !== 'string') return none(path, 'no text to analyse');
  if (text.length > MAX_NOTEBOOK_BYTES) return none(path, `notebook is ${(text.length / 1048576).toFixed(0)} MB, above the ${MAX_NOTEBOOK_BYTES / 1048576} MB limit; not read`);
  if (text.startsWith('version https://git-lfs')) return none(path);
  try {
    return detectNotebookCells(path, readNotebook(text), options);
  } catch (err) {
    return none(path, `detection failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The settings of one cell, as a file of their own: what hovers, diagnostics and quick fixes of a cell read. */
export function cellView(file: DetectedFile, cell: number): DetectedFile {
  return { path: file.path, format: file.format, settings: file.settings.filter(s => s.cell === cell), ...(file.notebook ? { notebook: file.notebook } : {}) };
}
