/**
 * Python's own text for JSON values, so a W&B sweep's program gets byte for byte what `wandb agent`
 * gives it: `str(value)` (`True`, `None`, `1e-05`, `{'lr': 0.001}`), `repr` inside containers, and
 * `json.dumps` with its default separators and `ensure_ascii`. Values are as the agent receives them:
 * decoded from the JSON the W&B backend sends, where a whole float (`2.0`) arrives as the int `2`
 * (Go writes float64 without a fraction when it has none, below 1e21) and object keys come sorted.
 */

/** A JSON value: what a sweep parameter can hold (W&B allows lists and mappings as values). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export function isJsonObject(v: JsonValue | undefined): v is { readonly [key: string]: JsonValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Sorts keys by code point (= UTF-8 byte order, how Go and Python's sort_keys order them), not UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** True when the agent receives `x` as a Python int (see the module comment). */
function arrivesAsInt(x: number): boolean {
  return Number.isInteger(x) && Math.abs(x) < 1e21;
}

/**
 * `repr(float)`: the shortest digits that round-trip (JavaScript finds the same ones), written in
 * fixed notation when the decimal exponent is in [-4, 16), else as `d.ddde±XX` (two exponent digits at least).
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const e = Number(exp); // value = d.ddd × 10^e
  if (e < -4 || e >= 16) {
    const rest = digits.slice(1);
    const expText = `${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
    return `${sign}${digits[0]}${rest ? `.${rest}` : ''}e${expText}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const intPart = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}

/** `str()` of a number as the agent has it: an int's digits, else the float's repr. */
export function pythonNumber(x: number): string {
  return arrivesAsInt(x) ? BigInt(x).toString() : pythonFloatRepr(x);
}

// str.isprintable() is false for these categories (and true for the ASCII space).
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** `repr(str)`: single quotes unless the text has ' and no ", escapes as CPython's unicode_repr writes them. */
export function pythonStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f) out += ch;
    else if (ch !== ' ' && NOT_PRINTABLE.test(ch)) out += cp <= 0xff ? `\\x${hex(cp, 2)}` : cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    else out += ch;
  }
  return out + quote;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** `repr()` of a JSON-decoded value: list → `[…]`, dict → `{'k': v}` in key order, str quoted. */
export function pythonRepr(v: JsonValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pythonNumber(v);
  if (typeof v === 'string') return pythonStringRepr(v);
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(', ')}]`;
  return `{${sortedEntries(v as { readonly [key: string]: JsonValue }).map(([k, x]) => `${pythonStringRepr(k)}: ${pythonRepr(x)}`).join(', ')}}`;
}

/** `str()`: a string is itself, anything else its repr. */
export function pythonStr(v: JsonValue): string {
  return typeof v === 'string' ? v : pythonRepr(v);
}

/** `json.dumps(v)` with Python's defaults: `", "` and `": "`, ensure_ascii (\uXXXX, surrogate pairs), floats by repr. */
export function pythonJsonDumps(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return pythonNumber(v);
  }
  if (typeof v === 'string') return jsonString(v);
  if (Array.isArray(v)) return `[${v.map(pythonJsonDumps).join(', ')}]`;
  return `{${sortedEntries(v as { readonly [key: string]: JsonValue }).map(([k, x]) => `${jsonString(k)}: ${pythonJsonDumps(x)}`).join(', ')}}`;
}

const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const code = s.charCodeAt(i);
    if (JSON_ESCAPES[ch] !== undefined) out += JSON_ESCAPES[ch];
    else if (code < 0x20 || code > 0x7e) out += `\\u${hex(code, 4)}`; // UTF-16 units: astral characters become surrogate pairs, as in Python
    else out += ch;
  }
  return `${out}"`;
}

/**
 * A mapping's entries in the order the agent receives them: sorted by key (the backend re-encodes every
 * mapping with sorted keys). Sorted here rather than kept in the object, since JavaScript objects put
 * integer-like keys ("0", "10") first whatever order they were added in.
 */
export function sortedEntries(v: { readonly [key: string]: JsonValue }): Array<[string, JsonValue]> {
  return Object.keys(v)
    .sort(compareCodePoints)
    .map(k => [k, v[k]]);
}
