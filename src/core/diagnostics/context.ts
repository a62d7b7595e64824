import type { DetectedFile, Setting } from '../detect/types';
import { SIBLING_AWARE_IDS } from '../knowledge/assess';
import { findEntry, getEntry, variantFor } from '../knowledge/lookup';
import { unitOfKey, type AssessContext } from '../knowledge/ranges';
import type { KnowledgeEntry, ValueUnit } from '../knowledge/types';
import { nearestByCanonical, parentKey, siblingsOf } from './scope';

/**
 * One definition of "what is around this setting", shared by hovers, diagnostics and `hpstudio
 * check`: the knowledge entry it maps to and the context (framework, optimizer, model, siblings)
 * its value is judged in. Editor and CLI therefore give the same verdict for the same file.
 */

/** Entry for a setting: its canonical id, else an alias lookup with the file as context. */
export function entryForSetting(setting: Setting, file?: DetectedFile): KnowledgeEntry | undefined {
  if (setting.canonical) {
    const byId = getEntry(setting.canonical);
    if (byId) return byId;
  }
  // Detection leaves `canonical` null on purpose for plumbing keys (`policy`, `type`); guessing from
  // the name would mislabel them. Only hyperparameters it could not name get an alias lookup.
  if (setting.kind !== 'hyperparameter') return undefined;
  // Only the same object's keys count as context: cheap on huge files, and closer to the meaning.
  const siblings = file ? siblingsOf(file, setting).map(s => s.name) : [];
  const found = findEntry(setting.name, { framework: setting.framework, key: setting.key, siblings });
  return found.status === 'found' ? found.entry : undefined;
}

const CLASS_KEYS = new Set(['type', '_target_', 'class_path', 'ema_type']);
/** A parent segment that names a class or algorithm: `MLPClassifier`, `DQN`, `SVC` (from `SVC(C=1)`). */
const CLASS_NAME = /^[A-Z][A-Za-z0-9]*$/;

/**
 * The model in context: the class an mmengine/Hydra/Lightning block instantiates (`type`,
 * `_target_`, `class_path`), the estimator or algorithm a Python call builds (`MLPClassifier(...)`,
 * `DQN(...)`), or the RL Zoo algorithm its file is named after (`hyperparams/dqn.yml`).
 */
export function modelFor(setting: Setting, file: DetectedFile): string | undefined {
  for (const s of siblingsOf(file, setting)) {
    const leaf = s.key.split('.').pop() ?? s.name;
    if (CLASS_KEYS.has(leaf) && typeof s.value === 'string' && s.value.trim()) return s.value.trim();
  }
  const segments = setting.key.split('.');
  for (let i = segments.length - 2; i >= 0; i--) {
    const segment = segments[i].replace(/\[\d+\]$/, '');
    if (CLASS_NAME.test(segment) && /[a-z]|^[A-Z0-9]{2,6}$/.test(segment)) return segment;
  }
  if (file.format === 'rl-zoo') {
    const base = file.path.split(/[\\/]/).pop() ?? '';
    const algo = /^([a-z0-9_]+)\.ya?ml$/i.exec(base)?.[1];
    if (algo) return algo;
  }
  return undefined;
}

/** Composer durations carry their unit (`100tok`, `3ep`); detection keeps it in the origin text. */
const DURATION_UNITS: Readonly<Record<string, ValueUnit>> = { tok: 'tokens', ba: 'steps', ep: 'epochs', sp: 'samples', dur: 'fraction' };

/** What the value counts: a Composer duration's unit, else the key's suffix (`max_tokens` → tokens). */
export function unitFor(setting: Setting): ValueUnit | undefined {
  if (setting.origin?.kind === 'schedule') {
    const unit = DURATION_UNITS[/^(\w+) = /.exec(setting.origin.text)?.[1] ?? ''];
    if (unit) return unit;
  }
  return unitOfKey(setting.name);
}

/** A training length in updates: a token budget or an epoch count is no denominator for warmup steps. */
const countsUpdates = (s: Setting): boolean => (unitFor(s) ?? 'steps') === 'steps';

/**
 * Values of the same object's settings, for the few judgements that need them (LoRA α vs r, a Noam
 * factor vs the model width). Warmup also needs the run's length in updates, wherever it is written
 * (fairseq keeps `max_update` in `optimization`, the warmup in `lr_scheduler`).
 */
function siblingValues(setting: Setting, entry: KnowledgeEntry, file: DetectedFile): Record<string, unknown> | undefined {
  if (!SIBLING_AWARE_IDS.has(entry.id)) return undefined;
  const out: Record<string, unknown> = {};
  for (const s of siblingsOf(file, setting)) {
    out[s.name] = s.value;
    if (s.canonical && !(s.canonical in out) && (s.canonical !== 'max_steps' || countsUpdates(s))) out[s.canonical] = s.value;
  }
  if (entry.id === 'warmup_steps' && !('max_steps' in out)) {
    const total = nearestByCanonical(file, setting, ['max_steps'], s => s.kind === 'hyperparameter' && !s.search && countsUpdates(s));
    if (total) out.max_steps = total.value;
  }
  return out;
}

/**
 * The context a setting's value is judged in. `eta` alone says "boosting": a name that only ever
 * means one variant lends that variant's framework when detection found none.
 */
export function assessContextFor(setting: Setting, file: DetectedFile, entry: KnowledgeEntry): AssessContext {
  const model = modelFor(setting, file);
  const framework = setting.framework ?? variantFor(entry, undefined, setting.name, model)?.frameworks[0];
  const unit = unitFor(setting);
  return { framework, optimizer: setting.optimizer, key: setting.name, model, parent: parentKey(setting.key), siblings: siblingValues(setting, entry, file), ...(unit ? { unit } : {}) };
}
