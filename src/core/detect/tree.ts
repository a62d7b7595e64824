/**
 * A format-neutral config tree with source offsets: YAML, JSON, TOML, INI and Python dict literals
 * are all converted to it, so the format rules (wrappers, sweeps, references) are written once.
 */
import type { SearchDomain, Setting } from './types';

export type ConfigNode = ConfigMap | ConfigList | ConfigScalar;

export interface ConfigEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly value: ConfigNode;
  /** Set when the entry came in through a YAML merge key (`<<: *defaults`): the alias text. */
  readonly inherited?: string;
}

export interface ConfigMap {
  readonly type: 'map';
  readonly start: number;
  readonly end: number;
  readonly entries: ConfigEntry[];
  /** Constructor that built this mapping in Python (`dict` is dropped): `L(T.ResizeScale)` → `ResizeScale`. */
  readonly className?: string;
}

export interface ConfigList {
  readonly type: 'list';
  readonly start: number;
  readonly end: number;
  readonly items: ConfigNode[];
}

export interface ConfigScalar {
  readonly type: 'scalar';
  readonly start: number;
  readonly end: number;
  readonly value: unknown;
  readonly raw: string;
  /** A search domain the value itself declares (`tune.loguniform(…)`, `loguniform(…)` in a grid). */
  readonly search?: SearchDomain;
  readonly origin?: Setting['origin'];
  /** Python: the expression could not be folded to a constant. */
  readonly dynamic?: boolean;
}

/** Limits that keep hostile input bounded. */
export const MAX_DEPTH = 200;
export const MAX_NODES = 200_000;

export class DetectLimitError extends Error {}

/** A plain JS object: what `toPlain` makes of a mapping. */
export type Plain = Record<string, unknown>;

/** Plain JS view of a ConfigNode (for fingerprints and sweep specs). */
export function toPlain(node: ConfigNode | undefined, depth = 0): unknown {
  if (!node || depth > 50) return undefined;
  if (node.type === 'scalar') return node.value;
  if (node.type === 'list') return node.items.map(i => toPlain(i, depth + 1));
  const o: Plain = {};
  for (const e of node.entries) o[e.key] = toPlain(e.value, depth + 1);
  return o;
}

/** Is this plain value a mapping with any of these keys (a sweep spec such as `{_type, _value}`)? */
export function isSpecMap(v: unknown, keys: readonly string[]): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && keys.some(k => k in (v as Plain));
}
