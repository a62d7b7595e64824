/**
 * Linear pre-checks of YAML and TOML text before the libraries parse it. The libraries are fine on
 * real configs but not on hostile shapes: a megabyte of `[` costs the YAML parser 4 s and 900 MB,
 * the TOML parser 700 MB, long before our own limits (tree.ts) could see a node. One pass each,
 * skipping strings and comments the way the format does, refuses what no config contains: nesting
 * deeper than MAX_DEPTH, and more entries than MAX_ENTRIES (the parsers keep every node with its
 * tokens and source positions: 2–3.5 KB per key of a flat file, measured in detect-bounds.bench).
 */
import { MAX_DEPTH } from '../tree';

/**
 * Keys, list items, flow items, anchors, aliases and tags of one file. Real configs have hundreds
 * (a big DeepSpeed or Kubernetes file a few thousand); a data dump has more.
 */
export const MAX_ENTRIES = 20_000;

const tooDeep = (format: string, line: number) => `${format} nesting deeper than ${MAX_DEPTH} levels at line ${line}; not analysed`;
const tooMany = (format: string) => `${format} file has more than ${MAX_ENTRIES.toLocaleString('en-US')} entries (a data file?); not analysed`;

const isBlank = (c: string | undefined) => c === undefined || c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * YAML: flow collections (`[`, `{`) and compact nested sequences (`- - -`) deeper than MAX_DEPTH,
 * or more than MAX_ENTRIES entries. A quote or bracket only opens something where a scalar starts
 * (line start, after `- `, `: `, `? `, `[`, `{`, `,`), as in YAML: `it's` and `a[0]` are plain text.
 */
export function yamlSourceError(text: string): string | undefined {
  const n = text.length;
  let line = 1;
  let flow = 0;
  let entries = 0;
  let seqRun = 0;
  let scalarStart = true;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      seqRun = 0;
      scalarStart = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (c === '#' && (i === 0 || isBlank(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? n : end) - 1;
      continue;
    }
    if (scalarStart && (c === '"' || c === "'")) {
      const end = quotedEnd(text, i, c === '"' ? '\\' : "'");
      for (let k = i; k < end; k++) if (text.charCodeAt(k) === 10) line++;
      i = end - 1;
      scalarStart = false;
      continue;
    }
    if ((scalarStart || flow > 0) && (c === '[' || c === '{')) {
      if (++flow > MAX_DEPTH) return tooDeep('YAML', line);
      entries++;
      scalarStart = true;
      continue;
    }
    if (flow > 0 && (c === ']' || c === '}')) {
      flow--;
      continue;
    }
    if (flow > 0 && c === ',') {
      entries++;
      scalarStart = true;
      continue;
    }
    if ((c === '&' || c === '*' || c === '!') && scalarStart) {
      // Anchors, aliases and tags are nodes of their own in the parser; what follows the name
      // still starts a scalar (`&a [1, 2]`).
      if (++entries > MAX_ENTRIES) return tooMany('YAML');
      while (i + 1 < n && !isBlank(text[i + 1]) && text[i + 1] !== ',' && text[i + 1] !== ']' && text[i + 1] !== '}') i++;
      continue;
    }
    if ((c === '-' || c === '?') && scalarStart && isBlank(text[i + 1])) {
      if (c === '-' && ++seqRun > MAX_DEPTH) return tooDeep('YAML', line);
      entries++;
      continue;
    }
    if (c === ':' && (isBlank(text[i + 1]) || (flow > 0 && (text[i + 1] === ',' || text[i + 1] === ']' || text[i + 1] === '}')))) {
      if (++entries > MAX_ENTRIES) return tooMany('YAML');
      scalarStart = true;
      continue;
    }
    if (entries > MAX_ENTRIES) return tooMany('YAML');
    scalarStart = false;
  }
  return entries > MAX_ENTRIES ? tooMany('YAML') : undefined;
}

/**
 * Index just past a quoted scalar that starts at `start`: `"…"` with backslash escapes, `'…'`
 * with doubled quotes. Both may span lines; unterminated, they run to the end.
 */
function quotedEnd(text: string, start: number, escape: '\\' | "'"): number {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (escape === '\\' && c === '\\') i++;
    else if (c === q) {
      if (escape === "'" && text[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return text.length;
}

/**
 * TOML: arrays and inline tables deeper than MAX_DEPTH, dotted keys of more than MAX_DEPTH parts,
 * or more than MAX_ENTRIES keys and array items.
 */
export function tomlSourceError(text: string): string | undefined {
  const n = text.length;
  let line = 1;
  let depth = 0;
  let entries = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      dots = 0;
    } else if (c === '#') {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? n : end) - 1;
    } else if (c === '"' || c === "'") {
      const end = tomlStringEnd(text, i);
      for (let k = i; k < end; k++) if (text[k] === '\n') line++;
      i = end - 1;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_DEPTH) return tooDeep('TOML', line);
      if (++entries > MAX_ENTRIES) return tooMany('TOML');
    } else if (c === ']' || c === '}') {
      if (depth > 0) depth--;
    } else if (c === '.') {
      if (++dots > MAX_DEPTH) return tooDeep('TOML', line);
    } else if (c === '=' || c === ',') {
      dots = 0;
      if (++entries > MAX_ENTRIES) return tooMany('TOML');
    }
  }
  return undefined;
}

/** Index just past a TOML string (basic, literal, or their multi-line forms); the text end if open. */
function tomlStringEnd(text: string, start: number): number {
  const q = text[start];
  const triple = text.startsWith(q + q + q, start);
  let i = start + (triple ? 3 : 1);
  while (i < text.length) {
    const c = text[i];
    if (q === '"' && c === '\\') i += 2;
    else if (triple ? text.startsWith(q + q + q, i) : c === q) {
      // A multi-line string may end with up to two extra quotes (`""""` is `"` + closing `"""`).
      if (!triple) return i + 1;
      let end = i + 3;
      while (end < text.length && text[end] === q && end < i + 5) end++;
      return end;
    } else if (!triple && c === '\n') return i;
    else i++;
  }
  return text.length;
}
