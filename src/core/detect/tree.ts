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
