/**
 * "Apply best" for a notebook on disk: the best values go into the parameters cell, and only the JSON
 * string of each source line that holds a changed value is rewritten. Outputs, metadata, formatting and
 * every other cell stay byte for byte as they were. (An open notebook is edited through the notebook
 * editor instead, with the same cell edits.)
 */
import { visit } from 'jsonc-parser';
import { planApplyBest, type ApplyPlan } from '../apply/applyBest';
import { cellView } from '../detect/notebook';
import type { DetectedFile, SourceRange } from '../detect/types';
import type { ParamValue } from '../search/types';

export interface NotebookApplyPlan extends ApplyPlan {
  /** The parameters cell the edits are in (positions of `edits` are inside it). */
  readonly cell: number;
}

/** Edits of the parameters cell's source: the values only, formatted as Python. */
export function planParametersCell(file: DetectedFile, cellSource: string, params: Readonly<Record<string, ParamValue>>): NotebookApplyPlan | { readonly error: string } {
  const cell = file.notebook?.parametersCell;
  if (cell === undefined) return { error: 'the notebook has no cell tagged "parameters" to write the values into' };
  // The cell is Python: format values as Python (True, None, quotes) whatever the file's extension.
  const view = { ...cellView(file, cell), path: `${file.path}#cell${cell}.py` };
  return { ...planApplyBest(view, cellSource, params), cell };
}

interface SourceLiteral {
  readonly offset: number;
  readonly length: number;
  readonly value: string;
}

/** The JSON string tokens that make up one cell's `source` (one string, or one per line). */
function sourceLiterals(text: string, cell: number): SourceLiteral[] {
  const out: SourceLiteral[] = [];
  const skip = (path: (string | number)[]) => path[0] === 'metadata' || (path[0] === 'cells' && path[1] !== cell && path.length === 2) || path[2] === 'outputs' || path[2] === 'attachments';
  visit(text, {
    onObjectBegin: (_o, _l, _sl, _sc, p) => !skip(p()),
    onArrayBegin: (_o, _l, _sl, _sc, p) => !skip(p()),
    onObjectEnd: () => undefined,
    onArrayEnd: () => undefined,
    onLiteralValue: (value, offset, length, _sl, _sc, p) => {
      const path = p();
      if (path[0] === 'cells' && path[1] === cell && path[2] === 'source' && typeof value === 'string') out.push({ offset, length, value });
    },
  });
  return out;
}

function applyToText(source: string, edits: ReadonlyArray<{ range: SourceRange; newText: string }>): string {
  const lines = source.split('\n');
  // Later edits first, so earlier positions stay valid; values never span lines here.
  for (const e of [...edits].sort((a, b) => b.range.line - a.range.line || b.range.character - a.range.character)) {
    const line = lines[e.range.line] ?? '';
    lines[e.range.line] = line.slice(0, e.range.character) + e.newText + line.slice(e.range.endLine === e.range.line ? e.range.endCharacter : line.length);
  }
  return lines.join('\n');
}

/** The notebook file's new text with the plan applied to its parameters cell; only changed strings differ. */
export function applyToNotebookText(text: string, plan: NotebookApplyPlan): string {
  const literals = sourceLiterals(text, plan.cell);
  if (literals.length === 0) throw new Error(`cell ${plan.cell} has no source in the notebook file`);
  const before = literals.map(l => l.value).join('');
  const after = applyToText(before, plan.edits);
  // One literal per line (Jupyter's list form, each ending in "\n"), or the whole source in one.
  const newParts = literals.length === 1 ? [after] : after.split(/(?<=\n)/);
  if (newParts.length !== literals.length) throw new Error('the edit changed the number of lines of the parameters cell');
  let out = text;
  for (let i = literals.length - 1; i >= 0; i--) {
    if (newParts[i] === literals[i].value) continue;
    out = out.slice(0, literals[i].offset) + JSON.stringify(newParts[i]) + out.slice(literals[i].offset + literals[i].length);
  }
  return out;
}
