/**
 * Bounded parsing of Python source. Lezer's error-tolerant parser costs memory per token that a
 * long or deeply chained file multiplies: a megabyte of `{` took 10 s and 1.1 GB, a few thousand
 * chained `not`s a hundred megabytes each. So one linear scan first (strings and comments skipped)
 *   - refuses what CPython itself refuses: brackets nested deeper than 200 levels (its tokenizer
 *     limit) and runs of prefix operators (`- - -…`, `not not…`) no real code writes, and files
 *     of more than MAX_PYTHON_TOKENS tokens (generated code);
 *   - cuts the file at top-level statements into pieces of about CHUNK_TOKENS tokens, each parsed
 *     on its own, so memory follows the largest piece instead of the file. Files smaller than one
 *     piece (nearly all) are parsed whole, exactly as before; a single top-level statement above
 *     MAX_STATEMENT_TOKENS (a generated data table) cannot be cut, so the file is refused.
 */
import { parser } from '@lezer/python';
import { Tree } from '@lezer/common';
import { PARSE_SHARE, UNLIMITED, type WorkBudget } from '../budget';
import { lastAtOrBefore } from '../text';

/** CPython's tokenizer limit (MAXLEVEL). */
export const MAX_PYTHON_BRACKET_DEPTH = 200;
/** Longest run of prefix operators (`-`, `+`, `~`, `not`, `await`) in a row. */
export const MAX_PREFIX_RUN = 50;
/**
 * Tokens of one file. Lezer takes about a microsecond per token on a busy machine; a megabyte of
 * typical code has ~375,000 tokens, a megabyte of one-character tokens a million.
 */
export const MAX_PYTHON_TOKENS = 500_000;
/** Tokens parsed at once. */
const CHUNK_TOKENS = 20_000;
/** One top-level statement with more tokens than this is refused (up to ~0.45 KB per token). */
export const MAX_STATEMENT_TOKENS = 200_000;

const PREFIX_WORDS = new Set(['not', 'await']);
/** Lines starting with these continue the statement above (`else:` after `if …:`). */
const CONTINUATIONS = new Set(['else', 'elif', 'except', 'finally']);

export interface Scan {
  readonly error?: string;
  /** Offsets where a top-level statement starts, with the tokens before each. */
  readonly starts: readonly { readonly at: number; readonly tokens: number }[];
  readonly tokens: number;
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;

/** One pass over the source: nesting limits, token count and top-level statement starts. */
function scan(text: string): Scan {
  const n = text.length;
  const starts: { at: number; tokens: number }[] = [{ at: 0, tokens: 0 }];
  let depth = 0;
  let line = 1;
  let tokens = 0;
  let prefixRun = 0;
  let lastWasDecorator = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) {
      line++;
      tokens++;
      const next = text.charCodeAt(i + 1);
      // A statement starts at column 0 outside brackets, unless the line before went on with `\`.
      if (depth === 0 && i + 1 < n && isWordChar(next) && text.charCodeAt(i - 1) !== 92 && !lastWasDecorator) {
        // Only `e…` and `f…` words can continue (else, elif, except, finally): no slice for the rest.
        const word = next === 101 /* e */ || next === 102 /* f */ ? (/^\w+/.exec(text.slice(i + 1, i + 12))?.[0] ?? '') : '';
        if (!CONTINUATIONS.has(word)) starts.push({ at: i + 1, tokens });
      }
      if (depth === 0 && i + 1 < n) lastWasDecorator = next === 64; /* @ */
    } else if (c === 32 || c === 9 || c === 13 || c === 12) continue;
    else if (c === 35 /* # */) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end - 1;
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      const end = stringEnd(text, i);
      for (let k = i; k < end; k++) if (text.charCodeAt(k) === 10) line++;
      i = end - 1;
      // Strings weigh more: lezer keeps adjacent ones (`'a' 'b' …`, implicit concatenation) as
      // one node with every part as a child (0.75 KB per part measured).
      tokens += 3;
      prefixRun = 0;
    } else if (isWordChar(c)) {
      let j = i + 1;
      while (j < n && isWordChar(text.charCodeAt(j))) j++;
      tokens++;
      prefixRun = (j - i === 3 || j - i === 5) && PREFIX_WORDS.has(text.slice(i, j)) ? prefixRun + 1 : 0;
      i = j - 1;
    } else {
      tokens++;
      if (c === 40 /* ( */ || c === 91 /* [ */ || c === 123 /* { */) {
        if (++depth > MAX_PYTHON_BRACKET_DEPTH) {
          return { error: `Python brackets nested deeper than ${MAX_PYTHON_BRACKET_DEPTH} levels at line ${line} (Python itself refuses this); not analysed`, starts, tokens };
        }
      } else if ((c === 41 /* ) */ || c === 93 /* ] */ || c === 125) /* } */ && depth > 0) depth--;
      prefixRun = c === 45 /* - */ || c === 43 /* + */ || c === 126 /* ~ */ ? prefixRun + 1 : 0;
    }
    if (prefixRun > MAX_PREFIX_RUN) {
      return { error: `more than ${MAX_PREFIX_RUN} prefix operators in a row at line ${line} (not, -, +, ~); not analysed`, starts, tokens };
    }
  }
  if (tokens > MAX_PYTHON_TOKENS) {
    return { error: `Python file has more than ${MAX_PYTHON_TOKENS.toLocaleString('en-US')} tokens (generated code?); not analysed`, starts, tokens };
  }
  const bounds = [...starts, { at: n, tokens }];
  for (let k = 1; k < bounds.length; k++) {
    if (bounds[k].tokens - bounds[k - 1].tokens > MAX_STATEMENT_TOKENS) {
      const at = lineOf(text, bounds[k - 1].at);
      return { error: `Python statement at line ${at} has more than ${MAX_STATEMENT_TOKENS.toLocaleString('en-US')} tokens (a data table?); not analysed`, starts, tokens };
    }
  }
  return { starts, tokens };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Index just past the string literal starting at `start` (its quote); the text end if unterminated. */
function stringEnd(text: string, start: number): number {
  const q = text[start];
  const triple = text.startsWith(q + q + q, start);
  const n = text.length;
  let i = start + (triple ? 3 : 1);
  while (i < n) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (triple ? text.startsWith(q + q + q, i) : c === q) return i + (triple ? 3 : 1);
    else if (!triple && c === '\n') return i; // an unterminated one-line string ends with its line
    else i++;
  }
  return n;
}

/** The outcome of the linear pre-scan: why the source is refused, or where it may be cut. */
export interface PythonSource {
  readonly text: string;
  /** Why the source is not analysed (too deeply nested, too long, a statement too long to cut). */
  readonly error?: string;
  readonly scan: Scan;
}

/** Scans the source once; its result both refuses hostile text and cuts the rest (`pythonTrees`). */
export function checkPythonSource(text: string): PythonSource {
  const s = scan(text);
  return { text, scan: s, ...(s.error ? { error: s.error } : {}) };
}

/** Where a budget stopped the analysis: the offset of the first statement not analysed. */
export interface Cut {
  at?: number;
}

/** Parser steps between two looks at the budget (one step is about a microsecond). */
const STEPS_PER_CHECK = 512;

/**
 * The source's syntax trees, one per piece, in order, with positions in the whole text (a piece's
 * tree is shifted to where the piece starts). Call only for a source without an error. When the
 * budget runs out the parse stops at the last top-level statement start it reached: that piece's tree
 * ends there (nodes past `cut.at` may remain and are not to be read) and no further piece follows.
 */
export function* pythonTrees(source: PythonSource, budget: WorkBudget = UNLIMITED, cut: Cut = {}): Generator<Tree> {
  const { text } = source;
  const { starts, tokens } = source.scan;
  const bounds = [...starts, { at: text.length, tokens }];
  let from = 0;
  let fromTokens = 0;
  for (let k = 1; k < bounds.length; k++) {
    if (tokens <= CHUNK_TOKENS ? k === bounds.length - 1 : k === bounds.length - 1 || bounds[k].tokens - fromTokens >= CHUNK_TOKENS) {
      yield shifted(parseWithin(text, from, bounds[k].at, starts, budget, cut), from);
      if (cut.at !== undefined) return;
      from = bounds[k].at;
      fromTokens = bounds[k].tokens;
    }
  }
}

/** Parses `text[from, to)` step by step; stops at a statement start once the budget is spent. */
function parseWithin(text: string, from: number, to: number, starts: Scan['starts'], budget: WorkBudget, cut: Cut): Tree {
  const parse = parser.startParse(text, undefined, from === 0 && to === text.length ? undefined : [{ from, to }]);
  for (let steps = 1; ; steps++) {
    const tree = parse.advance();
    if (tree) return tree;
    if (cut.at === undefined && steps % STEPS_PER_CHECK === 0 && budget.spent(PARSE_SHARE)) {
      cut.at = Math.max(from, statementStartBefore(starts, parse.parsedPos));
      parse.stopAt(Math.max(cut.at, parse.parsedPos));
    }
  }
}

/** The last top-level statement start at or before `pos` (binary search; `starts` is sorted). */
function statementStartBefore(starts: Scan['starts'], pos: number): number {
  return starts[Math.max(0, lastAtOrBefore(starts, s => s.at, pos))].at;
}

/** A ranged parse is relative to its range: re-root its top-level nodes at their real offsets. */
function shifted(tree: Tree, from: number): Tree {
  return from === 0 ? tree : new Tree(tree.type, tree.children, tree.positions.map(p => p + from), from + tree.length);
}
