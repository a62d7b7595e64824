/**
 * "Narrow the study's range": the study file's learning-rate range brought in around the lr-find's
 * suggestion, as value-only edits of its `min` and `max` (comments, order and style stay as written).
 * One decade centred on the suggestion, capped below the rate where trials diverged.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { formatNumberLiteral } from '../apply/applyBest';
import { quoteFlowMacros } from '../study/file/yaml';

export interface RangeEdit {
  readonly what: 'min' | 'max';
  /** Offsets in the study file's text. */
  readonly start: number;
  readonly end: number;
  readonly oldText: string;
  readonly newText: string;
}

export interface NarrowPlan {
  readonly param: string;
  readonly low: number;
  readonly high: number;
  readonly edits: readonly RangeEdit[];
}

/** One decade around the suggestion (÷√10 … ×√10), kept below the lowest rate that diverged. */
export function narrowedRange(suggested: number, divergedAbove?: number): { low: number; high: number } {
  const tidy = (x: number) => Number(x.toPrecision(2));
  let high = suggested * Math.sqrt(10);
  if (divergedAbove !== undefined && divergedAbove > suggested) high = Math.min(high, divergedAbove / 1.5);
  return { low: tidy(suggested / Math.sqrt(10)), high: tidy(Math.max(high, suggested * 1.5)) };
}

/** The edits that set `parameters.<param>.min/max` to low/high, or why they cannot be made. */
export function planNarrow(text: string, param: string, low: number, high: number): NarrowPlan | { error: string } {
  const counter = new LineCounter();
  const quoted = quoteFlowMacros(text).text;
  const doc = parseDocument(quoted, { lineCounter: counter });
  if (doc.errors.length) return { error: `the study file does not parse: ${doc.errors[0].message}` };
  const spec = doc.getIn(['parameters', param], true) as Node | undefined;
  if (!isMap(spec)) return { error: `the study file has no parameter "${param}" with min and max` };
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const edits: RangeEdit[] = [];
  for (const [what, value] of [['min', low], ['max', high]] as const) {
    const node = spec.get(what, true);
    if (!isScalar(node) || typeof node.value !== 'number' || !node.range) return { error: `parameters.${param}.${what} is not a number in the study file` };
    // Offsets of the quoted text → the file's own (only lines with flow macros differ, and those hold no range).
    const pos = counter.linePos(node.range[0]);
    const start = lineStarts[pos.line - 1] + pos.col - 1;
    const length = node.range[1] - node.range[0];
    const oldText = text.slice(start, start + length);
    if (oldText !== quoted.slice(node.range[0], node.range[1])) return { error: `cannot locate parameters.${param}.${what} in the study file` };
    edits.push({ what, start, end: start + length, oldText, newText: formatNumberLiteral(value, 'yaml') });
  }
  return { param, low, high, edits };
}

/** The text with the edits made (last first, so offsets stay valid). */
export function applyEdits(text: string, edits: readonly RangeEdit[]): string {
  return [...edits].sort((a, b) => b.start - a.start).reduce((t, e) => t.slice(0, e.start) + e.newText + t.slice(e.end), text);
}
