import type { DetectedFile, Setting } from '../detect/types';

/** Parent path of a dotted key: `model.optimizer.lr` → `model.optimizer`. */
export function parentKey(key: string): string {
  const i = key.lastIndexOf('.');
  return i < 0 ? '' : key.slice(0, i);
}

function sharedPrefix(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  let n = 0;
  while (n < x.length - 1 && n < y.length - 1 && x[n] === y[n]) n++;
  return n;
}

/**
 * The setting in `file` matching `match` that shares the longest key prefix with `near`: in an RL
 * Zoo file the `n_envs` of the same environment block, not of the first block. Logged values and
 * `near` itself are never returned.
 */
export function nearestSetting(file: DetectedFile, near: Setting, match: (s: Setting) => boolean): Setting | undefined {
  let best: Setting | undefined;
  let bestScore = -1;
  for (const s of file.settings) {
    if (s === near || s.kind === 'logged' || !match(s)) continue;
    const score = sharedPrefix(s.key, near.key);
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}

/** Like `nearestSetting` but only within the same parent object (siblings in the strict sense). */
export function siblingSetting(file: DetectedFile, near: Setting, match: (s: Setting) => boolean): Setting | undefined {
  const parent = parentKey(near.key);
  return file.settings.find(s => s !== near && s.kind !== 'logged' && parentKey(s.key) === parent && match(s));
}

/** A setting's value as a finite number (numeric strings included), else undefined. */
export function numericValue(setting: Setting | undefined): number | undefined {
  if (!setting) return undefined;
  const v = setting.value;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}
