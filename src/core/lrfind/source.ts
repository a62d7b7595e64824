/**
 * Which setting is the learning rate, and over which range an lr-find searches it: in a study file, the
 * searched parameter named like a learning rate (or the one `--param` names); in a config, the detected
 * setting whose knowledge id is `learning_rate`, with the range written in the file, else the knowledge
 * base's range for the optimizer in context, else decades around the value.
 */
import type { DetectedFile, Setting } from '../detect/types';
import { assessContextFor, entryForSetting } from '../diagnostics/context';
import { findEntry } from '../knowledge/lookup';
import { selectRange } from '../knowledge/ranges';
import type { SearchSpace } from '../search/types';
import { MAX_DECADES, tidyRate } from './spec';

export class LrFindInputError extends Error {}

export interface LrRange {
  readonly low: number;
  readonly high: number;
  /** Where it came from, for the notes: "the study file", "the knowledge base (Adam/AdamW)", … */
  readonly source: string;
}

/** True when a parameter name reads as a learning rate (`lr`, `optimizer.lr`, `learning-rate`, `base_lr`). */
export function isLearningRateName(name: string): boolean {
  const found = findEntry(name.replace(/^-+/, ''));
  return found.status === 'found' && found.entry.id === 'learning_rate';
}

/** The learning-rate parameter of a study's space (the one named, else the only one named like a rate). */
export function studyLearningRate(space: SearchSpace, file: string, wanted?: string): { name: string; range?: LrRange } {
  const numeric = space.params.filter(p => p.distribution.type !== 'categorical');
  const names = space.params.map(p => p.name);
  // A key as detection writes it (`parameters.lr`, `parameters.optimizer.parameters.lr`) names `lr`, `optimizer.lr`.
  const plain = wanted?.replace(/^parameters\./, '').replace(/\.parameters\./g, '.');
  let param = wanted !== undefined ? space.params.find(p => p.name === wanted || p.name === plain) : undefined;
  if (wanted !== undefined && !param) throw new LrFindInputError(`${file} has no parameter "${wanted}" (it searches ${names.join(', ') || 'nothing'})`);
  if (!param) {
    const named = numeric.filter(p => isLearningRateName(p.name));
    if (named.length === 0) {
      throw new LrFindInputError(`${file} has no learning-rate parameter (it searches ${names.join(', ') || 'nothing'}); name the one to sweep with --param NAME`);
    }
    if (named.length > 1) throw new LrFindInputError(`${file} has several learning-rate parameters (${named.map(p => p.name).join(', ')}); pick one with --param NAME`);
    param = named[0];
  }
  const d = param.distribution;
  if (d.type === 'categorical') {
    const nums = d.choices.filter((c): c is number => typeof c === 'number' && c > 0);
    if (nums.length < 2) throw new LrFindInputError(`${param.name} in ${file} is a list of choices, not a range of positive rates`);
    return { name: param.name, range: { low: Math.min(...nums), high: Math.max(...nums), source: 'the study file (its choices)' } };
  }
  if (!(d.low > 0)) return { name: param.name };
  return { name: param.name, range: { low: d.low, high: d.high, source: 'the study file' } };
}

/** The learning-rate setting of a detected config: the one named, else the first with the learning_rate id. */
export function configLearningRate(file: DetectedFile, wanted?: string): Setting {
  const hyper = file.settings.filter(s => s.kind === 'hyperparameter');
  if (wanted !== undefined) {
    const hit = hyper.find(s => s.key === wanted || s.name === wanted || s.name.replace(/^-+/, '') === wanted);
    if (!hit) throw new LrFindInputError(`${file.path} has no setting "${wanted}"`);
    return hit;
  }
  const rates = hyper.filter(s => (s.canonical ?? entryForSetting(s, file)?.id) === 'learning_rate' && (typeof s.value === 'number' || s.search !== undefined));
  if (rates.length === 0) {
    throw new LrFindInputError(`found no learning rate in ${file.path}${hyper.length ? ` (its hyperparameters: ${hyper.slice(0, 8).map(s => s.key).join(', ')}${hyper.length > 8 ? ', …' : ''})` : ''}; name the setting with --param NAME`);
  }
  return rates[0];
}

/** Decades around a value, wider above it (divergence is what a finder looks for): value/1000 … value·100. */
function aroundValue(value: number, source: string): LrRange {
  return { low: tidyRate(value / 1000), high: tidyRate(value * 100), source };
}

/** The range to sweep for a config's learning rate. */
export function configRange(setting: Setting, file: DetectedFile): LrRange {
  const value = typeof setting.value === 'number' && setting.value > 0 ? setting.value : undefined;
  const s = setting.search;
  if (s && s.type !== 'categorical' && s.low !== undefined && s.high !== undefined && s.low > 0 && s.high > s.low) {
    return { low: s.low, high: s.high, source: 'the search range written in the file' };
  }
  const entry = entryForSetting(setting, file);
  if (entry) {
    const range = selectRange(entry, assessContextFor(setting, file, entry));
    if (range.low !== undefined && range.high !== undefined && range.low > 0 && range.high > range.low) {
      const label = range.label ? `the knowledge base (${range.label})` : 'the knowledge base';
      let { low, high } = range;
      if (value !== undefined) {
        // Published practice spans many uses; the finder looks at the decades around this run's value, and
        // always a decade either side of it, with room above to see the rise.
        low = Math.min(Math.max(low, value / 1000), value / 10);
        high = Math.max(Math.min(high, value * 100), value * 10);
      } else if (Math.log10(high / low) > MAX_DECADES) {
        low = high / 10 ** MAX_DECADES;
      }
      const narrowed = low !== range.low || high !== range.high;
      return { low: tidyRate(low), high: tidyRate(high), source: narrowed ? `${label}, around the current value` : label };
    }
  }
  if (value !== undefined) return aroundValue(value, 'decades around the current value');
  throw new LrFindInputError(`${setting.key} in ${file.path} has no value and no known range; give one with --range "1e-5 .. 1"`);
}
