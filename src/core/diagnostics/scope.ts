import type { DetectedFile, Setting } from '../detect/types';

/**
 * Sibling lookups over a detected file. Hovers and rules ask "which `n_envs` belongs to this
 * `n_steps`?" many times; a per-file index (cached like detection's position index, keyed by the
 * immutable `DetectedFile`) keeps each question cheap even with tens of thousands of settings.
 */

/** Parent path of a dotted key: `model.optimizer.lr` → `model.optimizer`. */
export function parentKey(key: string): string {
  const i = key.lastIndexOf('.');
  return i < 0 ? '' : key.slice(0, i);
}

/** Last key segment, lower-cased, without a trailing `[i]`: `trainer.Devices` → `devices`. */
export function leafName(setting: Setting): string {
  const i = setting.key.lastIndexOf('.');
  return (i < 0 ? setting.key : setting.key.slice(i + 1)).replace(/\[\d+\]$/, '').toLowerCase();
}

interface ScopeIndex {
  readonly byKey: Map<string, Setting>;
  readonly byParent: Map<string, Setting[]>;
  readonly byCanonical: Map<string, Setting[]>;
  readonly byLeaf: Map<string, Setting[]>;
  readonly segments: Map<Setting, readonly string[]>;
}

const indexCache = new WeakMap<DetectedFile, ScopeIndex>();

function push(map: Map<string, Setting[]>, key: string, s: Setting): void {
  const list = map.get(key);
  if (list) list.push(s);
  else map.set(key, [s]);
}

/**
 * Builds (once per file object) the index behind every lookup here. Hovers build it lazily; call it
 * right after detection to keep that one-off cost off the first hover of a document version.
 */
export function prepareScopeIndex(file: DetectedFile): void {
  scopeIndex(file);
}

function scopeIndex(file: DetectedFile): ScopeIndex {
  let index = indexCache.get(file);
  if (!index) {
    index = { byKey: new Map(), byParent: new Map(), byCanonical: new Map(), byLeaf: new Map(), segments: new Map() };
    for (const s of file.settings) {
      if (!index.byKey.has(s.key)) index.byKey.set(s.key, s);
      push(index.byParent, parentKey(s.key), s);
      if (s.canonical) push(index.byCanonical, s.canonical, s);
      push(index.byLeaf, leafName(s), s);
      index.segments.set(s, s.key.split('.'));
    }
    indexCache.set(file, index);
  }
  return index;
}

function sharedPrefix(x: readonly string[], y: readonly string[]): number {
  let n = 0;
  while (n < x.length - 1 && n < y.length - 1 && x[n] === y[n]) n++;
  return n;
}

/** Of `candidates`, the one matching `match` whose key shares the longest prefix with `near`. */
function nearestAmong(index: ScopeIndex, near: Setting, candidates: readonly Setting[] | undefined, match: (s: Setting) => boolean): Setting | undefined {
  if (!candidates) return undefined;
  const mine = index.segments.get(near) ?? near.key.split('.');
  let best: Setting | undefined;
  let bestScore = -1;
  for (const s of candidates) {
    if (s === near || s.kind === 'logged' || !match(s)) continue;
    const score = sharedPrefix(index.segments.get(s) ?? s.key.split('.'), mine);
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}

const always = () => true;

/**
 * The setting with one of these canonical ids that shares the longest key prefix with `near`: in
 * an RL Zoo file the `n_envs` of the same environment block, not of the first block. Logged values
 * and `near` itself are never returned.
 */
export function nearestByCanonical(file: DetectedFile, near: Setting, ids: readonly string[], match: (s: Setting) => boolean = always): Setting | undefined {
  const index = scopeIndex(file);
  const candidates = ids.flatMap(id => index.byCanonical.get(id) ?? []);
  return nearestAmong(index, near, candidates, match);
}

/** Like `nearestByCanonical`, by last key segment (case-insensitive): `gradient_accumulation_steps`. */
export function nearestByName(file: DetectedFile, near: Setting, names: readonly string[], match: (s: Setting) => boolean = always): Setting | undefined {
  const index = scopeIndex(file);
  const candidates = names.flatMap(n => index.byLeaf.get(n.toLowerCase()) ?? []);
  return nearestAmong(index, near, candidates, match);
}

/** Generic form, scanning every setting; prefer the indexed lookups above on hot paths. */
export function nearestSetting(file: DetectedFile, near: Setting, match: (s: Setting) => boolean): Setting | undefined {
  return nearestAmong(scopeIndex(file), near, file.settings, match);
}

/** A setting of the same parent object (siblings in the strict sense) matching `match`. */
export function siblingSetting(file: DetectedFile, near: Setting, match: (s: Setting) => boolean): Setting | undefined {
  return scopeIndex(file).byParent.get(parentKey(near.key))?.find(s => s !== near && s.kind !== 'logged' && match(s));
}

/** Every setting of the same parent object, `near` excluded. */
export function siblingsOf(file: DetectedFile, near: Setting): readonly Setting[] {
  return (scopeIndex(file).byParent.get(parentKey(near.key)) ?? []).filter(s => s !== near);
}

export function settingByKey(file: DetectedFile, key: string): Setting | undefined {
  return scopeIndex(file).byKey.get(key);
}

/** A setting's value as a finite number (numeric strings included), else undefined. */
export function numericValue(setting: Setting | undefined): number | undefined {
  if (!setting) return undefined;
  const v = setting.value;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}
