import { normalizeName } from './lookup';
import { FRAMEWORK_LABELS, type FrameworkId, type KnowledgeEntry, type RangeCondition, type TypicalRange, type ValueKeyword, type ValueUnit } from './types';

/** What is known around a value: the more of it, the more specific the range it is judged against. */
export interface AssessContext {
  readonly framework?: string;
  readonly optimizer?: string;
  /** The key as written (`warmup_epochs`, `lr0`): some aliases change the unit. */
  readonly key?: string;
  /**
   * The model in context: a scikit-learn estimator (`MLPClassifier`), an RL algorithm (`dqn`), an
   * mmengine `type` (`EMAHook`). It picks ranges and defaults (`learning_rate_init` of an MLP is not
   * boosting shrinkage).
   */
  readonly model?: string;
  /** The dotted path of the block the key sits in (`train_pipeline[3]`). */
  readonly parent?: string;
  /**
   * Values of related settings in the same scope, by canonical id or name (`lora_rank`, `max_steps`):
   * some values are only right or wrong relative to another one.
   */
  readonly siblings?: Readonly<Record<string, unknown>>;
  /**
   * What the value counts when something other than the key says so (a Composer duration `100tok`);
   * otherwise the key's own suffix decides (`max_tokens` → tokens, `freeze_finetune_updates` → steps).
   */
  readonly unit?: ValueUnit;
}

/** The unit a key's name states by its last word: `*_tokens`, `*_updates`/`*_steps`/`*_iters`, `*_epochs`, `*_samples`. */
export function unitOfKey(key: string | undefined): ValueUnit | undefined {
  if (!key) return undefined;
  const name = key.replace(/^.*[.]/, '').replace(/\[\d+\]$/, '').replace(/^-+/, '').replace(/-/g, '_').toLowerCase();
  if (/(^|_)tokens?$/.test(name)) return 'tokens';
  if (/(^|_)(steps?|updates?|iters?|iterations?)$/.test(name)) return 'steps';
  if (/(^|_)epochs?$/.test(name)) return 'epochs';
  if (/(^|_)samples$/.test(name)) return 'samples';
  return undefined;
}

const unitOf = (context: AssessContext): ValueUnit | undefined => context.unit ?? unitOfKey(context.key);

/** Short, readable numbers: 0.03 → "3e-2" and 0.1 → "1e-1" on log scales, 0.7 → "0.7", 1e-5 → "1e-5". */
export function formatNumber(value: number, scale?: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const exponential = abs < 1e-3 || abs >= 1e6 || (scale === 'log' && abs <= 0.1);
  if (exponential) {
    const [mantissa, exponent] = value.toExponential().split('e');
    const m = String(Number(Number(mantissa).toPrecision(4)));
    return `${m}e${exponent.replace('+', '')}`;
  }
  return String(Number(value.toPrecision(6)));
}

/** "1e-6 – 1e-3": the bounds as every message shows them, so text and numbers cannot disagree. */
export function boundsText(range: TypicalRange): string {
  if (range.low === undefined || range.high === undefined) return range.text ?? '';
  return `${formatNumber(range.low, range.scale)} – ${formatNumber(range.high, range.scale)}`;
}

/** The range in words: bounds plus note for numbers, the text for choices. */
export function describeRange(range: TypicalRange): string {
  if (range.low === undefined || range.high === undefined) return range.text ?? '';
  return range.note ? `${boundsText(range)} (${range.note})` : boundsText(range);
}

/** Lower-case letters and digits only: `torch.optim.AdamW` → `adamw`, `MLPClassifier` → `mlpclassifier`. */
export function normalizeModel(name: string): string {
  return name.toLowerCase().replace(/^.*\./, '').replace(/[^a-z0-9]/g, '');
}

/** Normalised optimizer name matched against a family list (by substring). */
export function optimizerMatches(optimizer: string, family: readonly string[]): boolean {
  const name = normalizeModel(optimizer);
  return family.some(f => name === f || name.includes(f));
}

/** Short names (`bn`, `ppo`, `dqn`) only match the whole name or its start (`ppo_lstm`); longer ones anywhere. */
export function modelMatches(model: string, names: readonly string[]): boolean {
  const m = normalizeModel(model);
  return names.some(n => (n.length < 4 ? m === n || m.startsWith(n) : m.includes(n)));
}

const keyOf = (context: AssessContext): string | undefined =>
  context.key !== undefined ? normalizeName(context.key.replace(/^.*[.]/, '').replace(/\[\d+\]$/, '')) : undefined;

/**
 * How specific a condition is when it holds (undefined when it does not): a key as written says
 * most, then the model, then the optimizer, then the framework.
 */
function conditionScore(when: RangeCondition, context: AssessContext): number | undefined {
  let score = 0;
  if (when.keys) {
    const key = keyOf(context);
    if (!key || !when.keys.some(k => normalizeName(k) === key)) return undefined;
    score += 8;
  }
  if (when.models) {
    if (!context.model || !modelMatches(context.model, when.models)) return undefined;
    score += 4;
  }
  if (when.parents) {
    const parent = (context.parent ?? '').toLowerCase();
    if (!when.parents.some(p => parent.includes(p))) return undefined;
    score += 4;
  }
  if (when.units) {
    // The unit changes what the number means (a token budget is not a step count): more than a model.
    const unit = unitOf(context);
    if (!unit || !when.units.includes(unit)) return undefined;
    score += 6;
  }
  if (when.frameworks) {
    if (!context.framework || !when.frameworks.includes(context.framework)) return undefined;
    score += 1;
  }
  if (when.optimizers) {
    if (context.optimizer !== undefined) {
      if (!optimizerMatches(context.optimizer, when.optimizers)) return undefined;
      score += 2;
    } else if (when.optimizerOptional && when.frameworks) {
      score += 1;
    } else {
      return undefined;
    }
  }
  return score;
}

function rangeScore(range: TypicalRange, context: AssessContext): number | undefined {
  if (!range.when) return undefined;
  const alternatives: readonly RangeCondition[] = Array.isArray(range.when) ? range.when : [range.when as RangeCondition];
  let best: number | undefined;
  for (const when of alternatives) {
    const score = conditionScore(when, context);
    if (score !== undefined && (best === undefined || score > best)) best = score;
  }
  return best;
}

/** True when any of the conditions holds in this context. */
export function anyConditionHolds(conditions: readonly RangeCondition[], context: AssessContext): boolean {
  return conditions.some(c => conditionScore(c, context) !== undefined);
}

/** The most specific context range that applies (first listed on a tie), else the entry's general range. */
export function selectRange(entry: KnowledgeEntry, context: AssessContext): TypicalRange {
  let best: TypicalRange | undefined;
  let bestScore = 0;
  for (const range of entry.ranges ?? []) {
    const score = rangeScore(range, context);
    if (score !== undefined && score > bestScore) {
      best = range;
      bestScore = score;
    }
  }
  return best ?? entry.range;
}

/** A word the library accepts for this setting in this context (`scale`, `sqrt`, `none`), if any. */
export function findKeyword(entry: KnowledgeEntry, word: string, context: AssessContext): ValueKeyword | undefined {
  const w = word.trim().toLowerCase();
  const key = keyOf(context);
  return entry.keywords?.find(k =>
    k.value === w
    && (!k.frameworks || context.framework === undefined || k.frameworks.includes(context.framework))
    && (!k.keys || (key !== undefined && k.keys.some(x => normalizeName(x) === key)))
    && (!k.optimizers || (context.optimizer !== undefined && optimizerMatches(context.optimizer, k.optimizers))));
}

const frameworkLabel = (fw: string): string => FRAMEWORK_LABELS[fw as FrameworkId] ?? fw;

/**
 * The default that applies here: the model's own default when the entry knows it (PPO's 3e-4), else
 * the framework's, else undefined. `label` names where it comes from.
 */
export function defaultFor(entry: KnowledgeEntry, framework: string | undefined, model?: string): { label: string; text: string } | undefined {
  if (model && entry.modelDefaults) {
    const m = normalizeModel(model);
    const hit = Object.keys(entry.modelDefaults).filter(k => m.includes(k)).sort((a, b) => b.length - a.length)[0];
    if (hit) return { label: framework ? frameworkLabel(framework) : model, text: entry.modelDefaults[hit] };
  }
  const text = framework ? (entry.defaults as Partial<Record<string, string>>)[framework] : undefined;
  return framework && text ? { label: frameworkLabel(framework), text } : undefined;
}

/** A framework whose defaults we track (not a config format such as Hydra or W&B sweeps). */
export function isKnownFramework(framework: string | undefined): framework is string {
  return framework !== undefined && framework !== 'other' && framework in FRAMEWORK_LABELS;
}

/** "the HF Transformers default applies: 5e-5", or says that none is known. */
export function unsetMessage(entry: KnowledgeEntry, context: AssessContext): string {
  const found = defaultFor(entry, context.framework, context.model);
  if (found) return `unset: the ${found.label} default applies (${found.text})`;
  if (isKnownFramework(context.framework)) return `unset: the ${frameworkLabel(context.framework)} default applies (none known here)`;
  return 'unset: the library default applies (the framework is not known here, so no default is shown)';
}
