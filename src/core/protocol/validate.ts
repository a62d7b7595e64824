/**
 * Runtime validation for messages that cross a process or webview boundary. `postMessage` and IPC
 * deliver `any`; every message is checked against its schema before anyone acts on it, and unknown,
 * malformed or oversized messages are dropped (and logged by the caller) instead of trusted.
 */
import type { ParamValue } from '../search/types';

export type Check<T> = (value: unknown, path: string) => T;

export class ProtocolError extends Error {}

function fail(path: string, expected: string, value: unknown): never {
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  throw new ProtocolError(`${path || 'message'}: expected ${expected}, got ${got}`);
}

export const str = (maxLength = 10_000): Check<string> => (v, p) =>
  typeof v === 'string' && v.length <= maxLength ? v : fail(p, `string of at most ${maxLength} chars`, v);
export const num: Check<number> = (v, p) => (typeof v === 'number' && !Number.isNaN(v) ? v : fail(p, 'number', v));
/** Like `num` but NaN is allowed: a diverged loss is data worth showing. */
export const numOrNaN: Check<number> = (v, p) => (typeof v === 'number' ? v : fail(p, 'number', v));
export const int: Check<number> = (v, p) => (Number.isSafeInteger(v) ? (v as number) : fail(p, 'integer', v));
export const bool: Check<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'boolean', v));
export const lit = <L extends string | number | boolean>(literal: L): Check<L> => (v, p) =>
  v === literal ? literal : fail(p, JSON.stringify(literal), v);
export const oneOf = <L extends string>(...literals: L[]): Check<L> => (v, p) =>
  literals.includes(v as L) ? (v as L) : fail(p, literals.map(l => JSON.stringify(l)).join(' | '), v);
export const optional = <T>(check: Check<T>): Check<T | undefined> => (v, p) => (v === undefined ? undefined : check(v, p));
export const nullable = <T>(check: Check<T>): Check<T | null> => (v, p) => (v === null ? null : check(v, p));
export const arr = <T>(check: Check<T>, maxItems = 100_000): Check<T[]> => (v, p) => {
  if (!Array.isArray(v) || v.length > maxItems) fail(p, `array of at most ${maxItems} items`, v);
  return (v as unknown[]).map((item, i) => check(item, `${p}[${i}]`));
};
/** A plain JSON-ish value (params, settings values): primitives, arrays and plain objects only. */
export const json: Check<unknown> = (v, p) => {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x, i) => json(x, `${p}[${i}]`));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = json(x, `${p}.${k}`);
    return out;
  }
  return fail(p, 'JSON value', v);
};
export const record = <T>(check: Check<T>, maxKeys = 10_000): Check<Record<string, T>> => (v, p) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(p, 'object', v);
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > maxKeys) fail(p, `object of at most ${maxKeys} keys`, v);
  const out: Record<string, T> = {};
  for (const [k, x] of entries) out[k] = check(x, `${p}.${k}`);
  return out;
};

/** How big a trial's params may be in one protocol. */
export interface ParamLimits {
  readonly maxKeys: number;
  readonly maxString: number;
  /** Longest param name, when the receiver needs one (axis labels); otherwise the message size bounds it. */
  readonly maxName?: number;
  /** NaN and ±Infinity allowed: structured clone (webviews) keeps them, JSON over IPC (the worker) does not. */
  readonly nonFinite: boolean;
}

/** A hyperparameter value: a number, a string, a boolean or null — never a nested object or array. */
export const paramValue = (limits: Pick<ParamLimits, 'maxString' | 'nonFinite'>): Check<ParamValue> => (v, p) => {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number' && (limits.nonFinite || Number.isFinite(v))) return v;
  if (typeof v === 'string' && v.length <= limits.maxString) return v;
  return fail(p, `a parameter value (a ${limits.nonFinite ? '' : 'finite '}number, boolean, null or string of at most ${limits.maxString} chars)`, v);
};

/** A trial's params (name → value): the one check the worker, sidebar and curves protocols share, each with its limits. */
export const params = (limits: ParamLimits): Check<Record<string, ParamValue>> => {
  const value = paramValue(limits);
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(p, 'object', v);
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length > limits.maxKeys) throw new ProtocolError(`${p}: more than ${limits.maxKeys} params`);
    const out: Record<string, ParamValue> = {};
    for (const [k, x] of entries) {
      if (limits.maxName !== undefined && k.length > limits.maxName) throw new ProtocolError(`${p}: param name longer than ${limits.maxName} chars`);
      out[k] = value(x, `${p}.${k}`);
    }
    return out;
  };
};

type Shape = Record<string, Check<unknown>>;
type FromShape<S extends Shape> = { [K in keyof S as undefined extends ReturnType<S[K]> ? never : K]: ReturnType<S[K]> } & {
  [K in keyof S as undefined extends ReturnType<S[K]> ? K : never]?: ReturnType<S[K]>;
};

/** An object with exactly these keys (extra keys are rejected: they would be silently ignored otherwise). */
export const obj = <S extends Shape>(shape: S): Check<FromShape<S>> => (v, p) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(p, 'object', v);
  const input = v as Record<string, unknown>;
  for (const key of Object.keys(input)) if (!(key in shape)) throw new ProtocolError(`${p ? p + '.' : ''}${key}: unexpected field`);
  const out: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(shape)) {
    const value = check(input[key], p ? `${p}.${key}` : key);
    if (value !== undefined) out[key] = value;
  }
  return out as FromShape<S>;
};

/**
 * A discriminated union keyed by `type`: `union({ ready: obj({type: lit('ready')}), … })`.
 * Returns a parser that throws ProtocolError for an unknown type or a bad shape.
 */
export function union<M extends { type: string }>(variants: { [T in M['type']]: Check<Extract<M, { type: T }>> }): Check<M> {
  return (v, p) => {
    const type = typeof v === 'object' && v !== null ? (v as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(variants, type)) {
      throw new ProtocolError(`${p || 'message'}: unknown message type ${JSON.stringify(type)}`);
    }
    return (variants as Record<string, Check<M>>)[type](v, p);
  };
}

/** Default cap for one message; a bigger one is dropped before it is even parsed. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Validates an incoming message. Returns the typed message, or an error string for the log.
 * The size is estimated from the JSON text so a huge payload costs one stringify, not a deep walk.
 */
export function parseMessage<M>(check: Check<M>, raw: unknown, maxBytes = MAX_MESSAGE_BYTES): { ok: true; message: M } | { ok: false; error: string } {
  let size: number;
  try {
    size = JSON.stringify(raw)?.length ?? 0;
  } catch {
    return { ok: false, error: 'message is not serialisable' };
  }
  if (size > maxBytes) return { ok: false, error: `message of ${size} bytes exceeds the ${maxBytes}-byte limit` };
  try {
    return { ok: true, message: check(raw, '') };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
