/**
 * YAML reading for study files: parses the text into YAML nodes (never into JS, so aliases are never
 * expanded), and reads typed values from them, reporting every problem at its line and column. The
 * sections (parameters, executor…) are read on top of these helpers.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { ParamValue } from '../../search/types';
import { formatIssue, type SourcePosition, type StudyFileIssue } from '../types';
import { MAX_STUDY_FILE_BYTES } from './keys';

export class StudyFileError extends Error {
  constructor(
    readonly issues: readonly StudyFileIssue[],
    readonly warnings: readonly StudyFileIssue[],
  ) {
    super(issues.map(formatIssue).join('\n'));
  }
}

/**
 * Parses study file text into its root mapping and a Context that collects issues; throws
 * StudyFileError for YAML syntax errors and a root that is not a mapping. `shown` names the file in messages.
 */
export function readYamlDocument(text: string, shown: string): { ctx: Context; root: YAMLMap } {
  if (text.length > MAX_STUDY_FILE_BYTES) {
    throw new StudyFileError([{ file: shown, line: 1, col: 1, message: `study file is larger than ${MAX_STUDY_FILE_BYTES} bytes` }], []);
  }
  let lineCounter = new LineCounter();
  // uniqueKeys makes duplicate keys errors. The document is walked as nodes and never turned into
  // JS, so aliases are never expanded (no billion laughs); the walker rejects them.
  let doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  let ctx = new Context(shown, text, lineCounter);
  if (doc.errors.length) {
    // `command: [node, ${program}, ${args}]` is common in hand-written sweeps but is not YAML (`{`
    // opens a mapping inside a flow list). Read such macros as quoted strings, and say so.
    const patched = quoteFlowMacros(text);
    if (patched.text !== text) {
      const lc = new LineCounter();
      const retry = parseDocument(patched.text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
      if (retry.errors.length === 0) {
        doc = retry;
        lineCounter = lc;
        ctx = new Context(shown, patched.text, lc);
        for (const p of patched.positions) {
          ctx.warnings.push({ file: shown, line: p.line, col: p.col, message: 'a ${…} macro inside [ ] is not valid YAML (W&B and YAML editors reject it); read as a quoted string — write it as "${…}" or use a block list' });
        }
      }
    }
  }
  for (const e of doc.errors) {
    const p = lineCounter.linePos(e.pos[0]);
    const line = text.split('\n')[Math.max(0, p.line - 1)] ?? '';
    // `[${env}, ${program}]` is not valid YAML (`{` opens a mapping inside a flow list): say how to write it.
    const hint = /\[[^\]]*\$\{/.test(line) ? ' (write ${…} command macros as a block list "- ${env}" or quote them)' : '';
    ctx.issues.push({ file: shown, line: p.line || 1, col: p.col || 1, message: `${e.message.split('\n')[0]}${hint}` });
  }
  if (ctx.issues.length) throw new StudyFileError(ctx.issues, ctx.warnings);
  const root = doc.contents;
  if (!isMap(root)) {
    ctx.error(root, `a study file must be a mapping of keys (program, method, metric, parameters…), got ${describe(root)}`);
    throw new StudyFileError(ctx.issues, ctx.warnings);
  }
  return { ctx, root };
}

/** Quotes bare `${name}` items of one-line flow lists; returns the offsets (in the new text) it quoted. */
export function quoteFlowMacros(text: string): { text: string; positions: Array<{ line: number; col: number }> } {
  const positions: Array<{ line: number; col: number }> = [];
  const lines = text.split('\n').map((line, i) => {
    if (!/\[[^\]#]*\$\{/.test(line)) return line;
    return line.replace(/([[,]\s*)(\$\{[A-Za-z_][A-Za-z0-9_]*\})(?=\s*[,\]])/g, (_m, before: string, macro: string, offset: number) => {
      // Positions in the file as the user wrote it (quoting only shifts columns on this line).
      positions.push({ line: i + 1, col: offset + before.length + 1 });
      return `${before}"${macro}"`;
    });
  });
  return { text: lines.join('\n'), positions };
}

export class Context {
  readonly issues: StudyFileIssue[] = [];
  readonly warnings: StudyFileIssue[] = [];
  constructor(
    readonly file: string,
    readonly text: string,
    private readonly lines: LineCounter,
  ) {}

  /** Where a node starts, 1-based (1:1 for none). */
  position(node: Node | Pair | null | undefined): SourcePosition {
    const offset = node && 'range' in node && node.range ? node.range[0] : node && 'key' in node ? rangeStart(node.key) : 0;
    const p = this.lines.linePos(offset ?? 0);
    return { line: p.line || 1, col: p.col || 1 };
  }
  private at(node: Node | Pair | null | undefined, message: string): StudyFileIssue {
    return { file: this.file, ...this.position(node), message };
  }
  error(node: Node | Pair | null | undefined, message: string): void {
    this.issues.push(this.at(node, message));
  }
  warn(node: Node | Pair | null | undefined, message: string): void {
    this.warnings.push(this.at(node, message));
  }
  /** The source text of a scalar, to tell `1` from `1.0` (both parse to the number 1). */
  source(node: Scalar): string {
    return node.range ? this.text.slice(node.range[0], node.range[1]).trim() : String(node.value);
  }
}

function rangeStart(node: unknown): number {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? r[0] : 0;
}

export function describe(node: unknown): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return describeValue(node.value);
  if (isAlias(node)) return `an alias (*${node.source}); aliases are not supported in study files`;
  return 'an unsupported value';
}
function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** Key → value node of a mapping, warning about keys outside `known` and erroring on non-string keys. */
export function entries(ctx: Context, map: YAMLMap, where: string, known: readonly string[] | undefined): Map<string, { pair: Pair; value: Node | null }> {
  const out = new Map<string, { pair: Pair; value: Node | null }>();
  for (const item of map.items) {
    const pair = item as Pair<unknown, unknown>;
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? keyNode.value : keyNode;
    if (typeof key !== 'string' && typeof key !== 'number') {
      ctx.error(keyNode as Node, `${where}: keys must be names, got ${describe(keyNode)}`);
      continue;
    }
    const name = String(key);
    if (known && !known.includes(name)) {
      ctx.warn(keyNode as Node, `unknown key ${join(where, name)} (ignored); known keys: ${known.join(', ')}`);
      continue;
    }
    out.set(name, { pair: pair as Pair, value: (pair.value as Node | null) ?? null });
  }
  return out;
}

function join(where: string, key: string): string {
  return where ? `${where}.${key}` : key;
}

export type Entry = { pair: Pair; value: Node | null };

/** A number: YAML numbers, or a quoted numeric string (PyYAML reads `1e-5` as a string, so people quote). */
export function num(ctx: Context, e: Entry, where: string): number | undefined {
  const v = e.value;
  if (isScalar(v)) {
    if (typeof v.value === 'number' && Number.isFinite(v.value)) return v.value;
    if (typeof v.value === 'string' && v.value.trim() !== '' && Number.isFinite(Number(v.value))) {
      ctx.warn(v, `${where} is the string ${JSON.stringify(v.value)}; read as the number ${Number(v.value)}`);
      return Number(v.value);
    }
  }
  ctx.error(v ?? e.pair, `${where} must be a number, got ${describe(v)}`);
  return undefined;
}

/** True when the scalar was written as an integer literal (`3`, not `3.0`, `3e0` or `!!float 3`). */
export function writtenAsInt(ctx: Context, e: Entry): boolean {
  const v = e.value;
  if (!isScalar(v) || typeof v.value !== 'number' || !Number.isInteger(v.value)) return false;
  if (v.tag === 'tag:yaml.org,2002:float') return false;
  return /^[-+]?(0|[1-9][0-9_]*)$/.test(ctx.source(v).replace(/^!!int\s+/, ''));
}

export function int(ctx: Context, e: Entry, where: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const n = num(ctx, e, where);
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < min || n > max) {
    ctx.error(e.value, `${where} must be a whole number${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` ≥ ${min}`}, got ${n}`);
    return undefined;
  }
  return n;
}

export function str(ctx: Context, e: Entry, where: string): string | undefined {
  const v = e.value;
  if (isScalar(v) && typeof v.value === 'string') return v.value;
  ctx.error(v ?? e.pair, `${where} must be a string, got ${describe(v)}`);
  return undefined;
}

export function bool(ctx: Context, e: Entry, where: string): boolean | undefined {
  const v = e.value;
  if (isScalar(v) && typeof v.value === 'boolean') return v.value;
  ctx.error(v ?? e.pair, `${where} must be true or false, got ${describe(v)}`);
  return undefined;
}

export function oneOf<T extends string>(ctx: Context, e: Entry, where: string, allowed: readonly T[]): T | undefined {
  const s = str(ctx, e, where);
  if (s === undefined) return undefined;
  if ((allowed as readonly string[]).includes(s)) return s as T;
  ctx.error(e.value, `${where} must be one of ${allowed.join(', ')}, got ${JSON.stringify(s)}`);
  return undefined;
}

export function paramValue(ctx: Context, node: Node | null, where: string): ParamValue | undefined {
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  ctx.error(node, `${where} must be a number, string, boolean or null, got ${describe(node)}`);
  return undefined;
}

/** `30`, `90s`, `30m`, `1h30m`, `2d` → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gy;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * unit[m[2]];
    matched = re.lastIndex;
  }
  return matched === t.length && matched > 0 ? total : undefined;
}

const DURATION_UNITS = ['ms', 's', 'm', 'h', 'd'];
/** A duration shorter than this cannot be timed (timers count whole milliseconds). */
export const MIN_DURATION_MS = 1;
/** Longer than this is not a limit but a typo; no limit is written by leaving the key out. */
export const MAX_DURATION_MS = 100 * 365 * 86_400_000;

/** A duration: seconds as a number, or a string like "90s", "30m", "1h30m", "2d". */
export function duration(ctx: Context, e: Entry, where: string): number | undefined {
  const v = e.value;
  if (isScalar(v) && typeof v.value === 'number') return checkDurationMs(ctx, v, where, v.value * 1000);
  if (isScalar(v) && typeof v.value === 'string') {
    const ms = parseDuration(v.value);
    if (ms !== undefined) return checkDurationMs(ctx, v, where, ms);
    const unknown = [...v.value.matchAll(/\d\s*([A-Za-zµ]+)/g)].map(m => m[1]).find(u => !DURATION_UNITS.includes(u));
    const hint = unknown !== undefined ? ` (unknown unit "${unknown}"; the units are ${DURATION_UNITS.join(', ')})` : '';
    ctx.error(v, `${where} must be a positive duration in seconds or like "90s", "30m", "1h30m", "2d", got ${describe(v)}${hint}`);
    return undefined;
  }
  ctx.error(v ?? e.pair, `${where} must be a positive duration in seconds or like "90s", "30m", "1h30m", "2d", got ${describe(v)}`);
  return undefined;
}

/** Refuses durations no timer can honour: not positive, NaN, under 1 ms, over 100 years. */
export function checkDurationMs(ctx: Context, node: Scalar, where: string, ms: number): number | undefined {
  const written = ctx.source(node);
  if (!(ms > 0)) ctx.error(node, `${where} must be a positive duration, got ${written}`);
  else if (ms < MIN_DURATION_MS) ctx.error(node, `${where} of ${written} is shorter than ${MIN_DURATION_MS} ms, which no timer can measure; give seconds (30) or a unit ("90s", "30m")`);
  else if (ms > MAX_DURATION_MS) ctx.error(node, `${where} of ${written} is more than 100 years; leave ${where} out for no limit`);
  else return ms;
  return undefined;
}
