/**
 * PyYAML reads a quoted scalar whose continuation lines sit at (or left of) its key's column, as RL
 * Zoo writes them:
 *
 *   replay_buffer_kwargs: "dict(
 *     goal_selection_strategy='future',
 *   )"
 *
 * YAML 1.2 (the `yaml` package) rejects the last line and recovers badly: the next key becomes
 * `)" policy_kwargs`. Indenting such lines one column past the key before parsing gives the value
 * PyYAML reads; every position of the parsed tree is then mapped back to the file's own offsets.
 * Only spaces inside lines are added, so line numbers (in error messages too) stay the file's.
 */
import type { ConfigEntry, ConfigNode } from '../tree';
import { parseYaml, type YamlParseResult } from './yaml';
import { lastAtOrBefore } from '../text';

/** `parseYaml` with PyYAML's tolerance for quoted scalars continued left of their key. */
export function parseYamlAsPyyaml(text: string, ...rest: Parameters<typeof parseYaml> extends [string, ...infer R] ? R : never): YamlParseResult {
  const fixed = reindentQuotedContinuations(text);
  const result = parseYaml(fixed.text, ...rest);
  if (fixed.text === text || !result.root) return result;
  return { ...result, root: remap(result.root, fixed.original, 0) };
}

function remap(node: ConfigNode, at: (offset: number) => number, depth: number): ConfigNode {
  // The tree was built with a depth limit already; this bound only guards against a cycle.
  if (depth > 1000) return node;
  const start = at(node.start);
  const end = at(node.end);
  if (node.type === 'scalar') return { ...node, start, end };
  if (node.type === 'list') return { ...node, start, end, items: node.items.map(i => remap(i, at, depth + 1)) };
  const entries: ConfigEntry[] = node.entries.map(e => ({ ...e, keyStart: at(e.keyStart), keyEnd: at(e.keyEnd), value: remap(e.value, at, depth + 1) }));
  return { ...node, start, end, entries };
}

export interface Reindented {
  readonly text: string;
  /** Offset in `text` → offset in the original text. */
  readonly original: (offset: number) => number;
}

const identity = (offset: number): number => offset;

interface Insertion {
  /** Where the spaces start in the new text. */
  readonly at: number;
  readonly count: number;
  /** Spaces inserted before this insertion. */
  readonly before: number;
}

/** The quote a line leaves open at its end (`"`/`'`), given the quote open at its start. */
function openQuoteAfter(line: string, open: string | null): string | null {
  let quote = open;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = null;
    } else if (quote === "'") {
      if (c === "'" && line[i + 1] === "'") i++;
      else if (c === "'") quote = null;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return null;
    } else if ((c === '"' || c === "'") && /(^|[:\-[{,]\s*|^\s*)$/.test(line.slice(0, i))) {
      quote = c;
    }
  }
  return quote;
}

/** A quoted scalar spanning more lines than this is a broken file, not a PyYAML continuation: left alone. */
const MAX_CONTINUATION_LINES = 100;

/** The line (after `from`) where the quote left open at the end of line `from` closes, if it does soon. */
function closingLine(lines: readonly string[], from: number, quote: string): number | undefined {
  let open: string | null = quote;
  for (let n = from + 1; n < lines.length && n <= from + MAX_CONTINUATION_LINES; n++) {
    open = openQuoteAfter(lines[n], open);
    if (open === null) return n;
  }
  return undefined;
}

export function reindentQuotedContinuations(text: string): Reindented {
  // Cheap pre-check: a line that ends inside an opening quote (`key: "dict(`).
  if (!/:\s*["'][^"'\n]*\r?\n/.test(text)) return { text, original: identity };
  const lines = text.split('\n');
  const insertions: Insertion[] = [];
  let out = '';
  let inserted = 0;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    out += n < lines.length - 1 ? `${line}\n` : line;
    const quote = openQuoteAfter(line, null);
    const close = quote === null ? undefined : closingLine(lines, n, quote);
    if (close === undefined) continue;
    const keyIndent = line.length - line.trimStart().length;
    for (let c = n + 1; c <= close; c++) {
      let continued = lines[c];
      const indent = continued.length - continued.trimStart().length;
      if (continued.trim() !== '' && indent <= keyIndent) {
        const count = keyIndent + 1 - indent;
        insertions.push({ at: out.length, count, before: inserted });
        inserted += count;
        continued = ' '.repeat(count) + continued;
      }
      out += c < lines.length - 1 ? `${continued}\n` : continued;
    }
    n = close;
  }
  if (insertions.length === 0) return { text, original: identity };
  return { text: out, original: offset => toOriginal(insertions, offset) };
}

function toOriginal(insertions: readonly Insertion[], offset: number): number {
  // The last insertion at or before `offset` (binary search: a file may hold many such scalars).
  const last = lastAtOrBefore(insertions, i => i.at, offset);
  if (last < 0) return offset;
  const ins = insertions[last];
  // An offset inside inserted spaces belongs to the first real character after them.
  return offset - ins.before - Math.min(ins.count, offset - ins.at);
}
