/**
 * What PyYAML (`yaml.safe_load`, YAML 1.1) makes of a sweep file's scalars, since that is how `wandb
 * sweep` and `wandb agent` read it: `yes`/`on` are True, `~` is None, `1e-5` is the *string* "1e-5"
 * (a float needs a dot, and a signed exponent), `0755` is octal, `1_000` is 1000, `1:30` is 90. The
 * `yaml` library reads YAML 1.2, so plain scalars are typed again here from their source text.
 * The patterns are those of PyYAML's resolver (yaml/resolver.py, `Resolver.add_implicit_resolver`).
 */
import { isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { pythonFloatRepr, type JsonValue } from '../../runner/python';
import { describe, type Context } from './yaml';

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** A scalar as PyYAML constructs it; ints keep every digit (`bigint`), floats are marked as such. */
export type PyScalar = { kind: 'str'; value: string } | { kind: 'bool'; value: boolean } | { kind: 'none' } | { kind: 'int'; value: bigint } | { kind: 'float'; value: number };

function sexagesimal(digits: string): { sign: number; parts: string[] } {
  const sign = digits.startsWith('-') ? -1 : 1;
  return { sign, parts: digits.replace(/^[-+]/, '').split(':') };
}

/** PyYAML's `construct_yaml_int`. */
function constructInt(text: string): bigint {
  let t = text.replace(/_/g, '');
  const negative = t.startsWith('-');
  t = t.replace(/^[-+]/, '');
  let v: bigint;
  if (t === '0') v = 0n;
  else if (t.startsWith('0b')) v = BigInt(`0b${t.slice(2)}`);
  else if (t.startsWith('0x')) v = BigInt(`0x${t.slice(2)}`);
  else if (t.startsWith('0')) v = BigInt(`0o${t.slice(1)}`);
  else if (t.includes(':')) v = sexagesimal(t).parts.reduce((acc, p) => acc * 60n + BigInt(p), 0n);
  else v = BigInt(t);
  return negative ? -v : v;
}

/** PyYAML's `construct_yaml_float`. */
function constructFloat(text: string): number {
  let t = text.replace(/_/g, '').toLowerCase();
  const sign = t.startsWith('-') ? -1 : 1;
  if ('+-'.includes(t[0])) t = t.slice(1);
  if (t === '.inf') return sign * Infinity;
  if (t === '.nan') return NaN;
  if (t.includes(':')) return sign * sexagesimal(t).parts.reduce((acc, p) => acc * 60 + Number(p), 0);
  return sign * Number(t);
}

/** Resolves a plain scalar's text the way PyYAML's implicit resolvers do. */
export function resolvePlain(text: string): PyScalar {
  if (BOOL.test(text)) return { kind: 'bool', value: TRUE.test(text) };
  if (NULL.test(text)) return { kind: 'none' };
  if (INT.test(text)) return { kind: 'int', value: constructInt(text) };
  if (FLOAT.test(text)) return { kind: 'float', value: constructFloat(text) };
  return { kind: 'str', value: text };
}

const TAG = 'tag:yaml.org,2002:';

/** A scalar node as PyYAML reads it: explicit tags (`!!float 1e-5`), quoted text, else the plain-scalar rules. */
export function pyScalar(ctx: Context, node: Scalar): PyScalar {
  const source = ctx.source(node).replace(/^!!?\S*\s+/, '');
  const text = node.type === 'PLAIN' ? source : String(node.value ?? '');
  switch (node.tag) {
    case `${TAG}str`:
      return { kind: 'str', value: text };
    case `${TAG}float`:
      return { kind: 'float', value: constructFloat(text) };
    case `${TAG}int`:
      return INT.test(text) ? { kind: 'int', value: constructInt(text) } : { kind: 'str', value: text };
    case `${TAG}bool`:
      return { kind: 'bool', value: TRUE.test(text) };
    case `${TAG}null`:
      return { kind: 'none' };
  }
  if (node.type !== 'PLAIN') return { kind: 'str', value: String(node.value ?? '') };
  return resolvePlain(source);
}

/** Python's `str()` of a scalar as PyYAML read it (a command token: `True`, `None`, `1.0`, `1e-05`). */
export function pyScalarText(s: PyScalar): string {
  switch (s.kind) {
    case 'str':
      return s.value;
    case 'bool':
      return s.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'int':
      return s.value.toString();
    case 'float':
      return pythonFloatRepr(s.value);
  }
}

/** The value a parameter's `value`/`values` item holds for wandb: scalars typed by PyYAML, lists and mappings kept. */
export function sweepValue(ctx: Context, node: Node | null, where: string, depth = 0): JsonValue | undefined {
  if (depth > 32) {
    ctx.error(node, `${where} is nested too deeply`);
    return undefined;
  }
  if (isScalar(node)) {
    const s = pyScalar(ctx, node);
    if (s.kind === 'str' || s.kind === 'bool') return s.value;
    if (s.kind === 'none') return null;
    const n = Number(s.value);
    if (!Number.isFinite(n)) {
      ctx.error(node, `${where} is ${pyScalarText(s)}; a value passed to a trial must be a finite number`);
      return undefined;
    }
    return n;
  }
  if (isSeq(node)) {
    const out: JsonValue[] = [];
    for (const [i, item] of node.items.entries()) {
      const v = sweepValue(ctx, item as Node, `${where}[${i}]`, depth + 1);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  if (isMap(node)) {
    const out: Record<string, JsonValue> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pyScalar(ctx, pair.key) : undefined;
      if (!key || key.kind !== 'str') {
        ctx.error((pair.key as Node) ?? node, `${where}: mapping keys must be text, got ${describe(pair.key)}`);
        return undefined;
      }
      const v = sweepValue(ctx, (pair.value as Node) ?? null, `${where}.${key.value}`, depth + 1);
      if (v === undefined) return undefined;
      // A data key, even `__proto__` (a plain assignment would set the object's prototype instead).
      Object.defineProperty(out, key.value, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  ctx.error(node, `${where} must be a number, string, boolean, null, list or mapping, got ${describe(node)}`);
  return undefined;
}
