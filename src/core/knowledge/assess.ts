import { getEntry, normalizeName } from './lookup';
import type { KnowledgeEntry, TypicalRange } from './types';

export type AssessLevel = 'ok' | 'low' | 'high' | 'invalid' | 'unusual';

export interface Assessment {
  readonly level: AssessLevel;
  readonly message: string;
  /** The typical range the value was compared with, when one applied. */
  readonly range?: TypicalRange;
}

export interface AssessContext {
  readonly framework?: string;
  readonly optimizer?: string;
  /** The key as written (`warmup_epochs`, `lr0`): some aliases change the unit. */
  readonly key?: string;
  /**
   * Values of related settings in the same scope, by canonical id or name (`lora_rank`, `max_steps`):
   * some values are only right or wrong relative to another one.
   */
  readonly siblings?: Readonly<Record<string, unknown>>;
}

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

/** Normalised optimizer name (`torch.optim.AdamW` → `adamw`) matched against a family list. */
export function optimizerMatches(optimizer: string, family: readonly string[]): boolean {
  const name = optimizer.toLowerCase().replace(/^.*\./, '').replace(/[^a-z0-9]/g, '');
  return family.some(f => name === f || name.includes(f));
}

/** The context-specific range when one matches, else the entry's general range. */
export function selectRange(entry: KnowledgeEntry, context: AssessContext): TypicalRange {
  // The key as written can settle the unit on its own: `eta` is boosting, `warmup_epochs` counts epochs.
  const key = context.key !== undefined ? normalizeName(context.key.replace(/^.*[.]/, '')) : undefined;
  if (key) {
    for (const range of entry.ranges ?? []) {
      if (!range.when?.keys?.some(k => normalizeName(k) === key)) continue;
      if (range.when.optimizers && !(context.optimizer !== undefined && optimizerMatches(context.optimizer, range.when.optimizers))) continue;
      return range;
    }
  }
  for (const range of entry.ranges ?? []) {
    const when = range.when;
    // Ranges selected only by key name were handled above.
    if (!when || (when.keys && !when.frameworks && !when.optimizers)) continue;
    const frameworkOk = !when.frameworks || (context.framework !== undefined && when.frameworks.includes(context.framework));
    if (!frameworkOk) continue;
    if (!when.optimizers) return range;
    if (context.optimizer !== undefined) {
      if (optimizerMatches(context.optimizer, when.optimizers)) return range;
    } else if (when.optimizerOptional && when.frameworks) {
      return range;
    }
  }
  return entry.range;
}

/**
 * Reads a number out of what configs really contain: numbers, numeric strings ("1e-5" as PyYAML
 * returns it, Katib's "0.01" bounds), and RL Zoo schedules (`lin_0.001`). Returns undefined when
 * the text is not numeric.
 */
export function parseNumeric(value: unknown): { value: number; schedule?: string } | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : { value };
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const schedule = /^(lin|linear)_([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$/.exec(text);
  if (schedule) return { value: Number(schedule[2]), schedule: 'linear' };
  if (/^[-+]?(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return { value: Number(text.replace(/_/g, '')) };
  if (/^[-+]?(inf|infinity|\.inf)$/i.test(text)) return { value: text.startsWith('-') ? -Infinity : Infinity };
  return undefined;
}

/** Proper names stay capitalised in running text ("for Adam β2", but "for dropout"). */
const PROPER_NAMES = /^(Adam|CatBoost|LoRA|PPO|GAE|DBSCAN|RBF|EMA|LR|C\b)/;

function lowerTitle(title: string): string {
  if (PROPER_NAMES.test(title)) return title;
  return title.length > 1 && title[1] === title[1].toLowerCase() ? title[0].toLowerCase() + title.slice(1) : title;
}

function where(entry: KnowledgeEntry, range: TypicalRange): string {
  return range.label ? range.label : lowerTitle(entry.title);
}

function checkLimits(entry: KnowledgeEntry, range: TypicalRange, n: number, shown: string, context: AssessContext): Assessment | undefined {
  const limits = range.valid ?? entry.valid;
  if (!limits) return undefined;
  const sentinel = limits.sentinels?.find(
    s => s.value === n && (!s.frameworks || context.framework === undefined || s.frameworks.includes(context.framework)),
  );
  if (sentinel) return { level: 'ok', message: `${shown} is a special value: ${sentinel.meaning}` };
  // Ultralytics reads a batch between 0 and 1 as "use this fraction of GPU memory" (AutoBatch).
  if (entry.id === 'batch_size' && context.framework === 'ultralytics' && n > 0 && n < 1) {
    return { level: 'ok', message: `${shown}: AutoBatch sizes the batch to use about ${Math.round(n * 100)}% of GPU memory` };
  }
  if (!Number.isFinite(n)) return { level: 'invalid', message: `${shown} is not a usable value for ${lowerTitle(entry.title)}` };
  const title = lowerTitle(entry.title);
  if (limits.min !== undefined) {
    const inclusive = limits.minInclusive ?? true;
    if (inclusive ? n < limits.min : n <= limits.min) {
      return { level: 'invalid', message: `${shown} is invalid for ${title}: it must be ${inclusive ? '≥' : '>'} ${formatNumber(limits.min)}` };
    }
  }
  if (limits.max !== undefined) {
    const inclusive = limits.maxInclusive ?? true;
    if (inclusive ? n > limits.max : n >= limits.max) {
      return { level: 'invalid', message: `${shown} is invalid for ${title}: it must be ${inclusive ? '≤' : '<'} ${formatNumber(limits.max)}` };
    }
  }
  if (limits.integer && !Number.isInteger(n)) {
    return { level: 'invalid', message: `${shown} is invalid for ${title}: it must be a whole number` };
  }
  return undefined;
}

/** Ids whose judgement depends on a sibling value; callers only need to pass siblings for these. */
export const SIBLING_AWARE_IDS: ReadonlySet<string> = new Set(['lora_alpha', 'warmup_steps']);

function siblingNumber(context: AssessContext, names: readonly string[]): number | undefined {
  for (const name of names) {
    const parsed = parseNumeric(context.siblings?.[name]);
    if (parsed && Number.isFinite(parsed.value)) return parsed.value;
  }
  return undefined;
}

/** Judgements relative to another setting; more specific than the typical range, so they win. */
function relativeCheck(entry: KnowledgeEntry, n: number, shown: string, context: AssessContext): Assessment | undefined {
  if (entry.id === 'lora_alpha') {
    const r = siblingNumber(context, ['lora_rank', 'lora_r', 'r', 'network_dim']);
    if (r === undefined || r <= 0) return undefined;
    const scale = formatNumber(n / r);
    if (n / r > 4) return { level: 'high', message: `α ${shown} with r ${r} scales adapter updates by α/r = ${scale}; α is usually r – 2r` };
    if (n / r < 0.25) return { level: 'low', message: `α ${shown} with r ${r} shrinks adapter updates to α/r = ${scale}; α is usually r – 2r` };
    return { level: 'ok', message: `α ${shown} with r ${r} gives a LoRA scale α/r = ${scale} (usual: 1 – 2)` };
  }
  if (entry.id === 'warmup_steps') {
    const total = siblingNumber(context, ['max_steps', 'total_num_steps', 'num_training_steps', 'total_steps']);
    if (total === undefined || total <= 0) return undefined;
    if (n >= total) return { level: 'high', message: `${shown} warmup steps ≥ ${total} total steps: the learning rate never leaves warmup` };
    if (n > total * 0.25) return { level: 'high', message: `${shown} warmup steps are ${Math.round((n / total) * 100)}% of the ${total} total; a few percent is typical` };
  }
  return undefined;
}

function assessNumber(entry: KnowledgeEntry, n: number, context: AssessContext, prefix = ''): Assessment {
  const range = selectRange(entry, context);
  const shown = formatNumber(n, range.scale);
  const limit = checkLimits(entry, range, n, shown, context);
  if (limit) return { ...limit, message: prefix + limit.message, range };
  if (n === 0 && entry.zeroMeans) return { level: 'ok', message: `${prefix}0 switches it off: ${entry.zeroMeans}`, range };
  const relative = relativeCheck(entry, n, shown, context);
  if (relative) return { ...relative, message: prefix + relative.message, range };
  if (range.low === undefined || range.high === undefined) {
    return { level: 'unusual', message: `${prefix}${shown} is a number, but ${lowerTitle(entry.title)} usually takes ${range.text}`, range };
  }
  const context_ = where(entry, range);
  if (n < range.low) {
    const phrase = range.label ? `is low for ${context_}` : `is unusually low for ${context_}`;
    return { level: 'low', message: `${prefix}${shown} ${phrase}; typical ${range.text}`, range };
  }
  if (n > range.high) {
    const phrase = range.label ? `is high for ${context_}` : `is unusually high for ${context_}`;
    return { level: 'high', message: `${prefix}${shown} ${phrase}; typical ${range.text}`, range };
  }
  return { level: 'ok', message: `${prefix}${shown} is within the typical range for ${context_} (${range.text})`, range };
}

function placeholder(entry: KnowledgeEntry, text: string, context: AssessContext): Assessment | undefined {
  const lower = text.toLowerCase();
  if (text === '???') {
    return { level: 'unusual', message: 'mandatory value (`???`): it must be supplied by another config or a command-line override before the run starts' };
  }
  if (/^\$\{[^}]*\}$/.test(text)) {
    return { level: 'unusual', message: `reference ${text}: the real value comes from the referenced key or variable` };
  }
  if (lower === 'auto' || lower.startsWith('auto_')) {
    if (context.framework === 'deepspeed') return { level: 'ok', message: '"auto": DeepSpeed fills this in from the HF TrainingArguments at launch' };
    if (entry.id === 'entropy_coef') return { level: 'ok', message: '"auto": SAC learns the entropy coefficient during training' };
    if (entry.id === 'optimizer') return { level: 'ok', message: '"auto": Ultralytics picks the optimizer and learning rate itself (lr0 and momentum are ignored)' };
    return { level: 'ok', message: '"auto": the framework chooses this value at run time' };
  }
  if (lower === '' || lower === 'null' || lower === 'none' || lower === '~') {
    const first = Object.values(entry.defaults)[0];
    return { level: 'ok', message: `unset: the framework default applies${first ? ` (${first})` : ''}` };
  }
  return undefined;
}

function assessCategorical(entry: KnowledgeEntry, value: unknown, range: TypicalRange): Assessment {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Entries group several keys; a number next to a categorical one (`loss_scale: 0` under
  // precision) is some other key of the group, so there is nothing to judge it against.
  if (typeof value === 'number' || (typeof value === 'boolean' && range.scale !== 'bool')) {
    return { level: 'ok', message: `${text}: no typical range to compare with for this key`, range };
  }
  if (range.scale === 'bool') {
    if (typeof value === 'boolean' || /^(true|false|yes|no|on|off|0|1)$/i.test(text)) return { level: 'ok', message: `${text}`, range };
  }
  const choices = (range.choices ?? []).map(normalizeName);
  // `torch.optim.AdamW` → `AdamW`; free text such as `dict(a=0.5)` is compared whole.
  const name = normalizeName(/^[\w.]+$/.test(text) ? text.replace(/^.*\./, '') : text);
  if (choices.length === 0 || choices.some(c => c === name || name.includes(c))) {
    return { level: 'ok', message: `${text} is a common choice for ${lowerTitle(entry.title)}`, range };
  }
  return { level: 'unusual', message: `${text} is not one of the common choices for ${lowerTitle(entry.title)} (${range.text})`, range };
}

/**
 * Judges a value against the entry's validity limits and typical range for the given framework and
 * optimizer. Never throws: unknown ids and odd inputs come back as `unusual` with a reason.
 */
export function assessValue(entryOrId: KnowledgeEntry | string, value: unknown, context: AssessContext = {}): Assessment {
  const entry = typeof entryOrId === 'string' ? getEntry(entryOrId) : entryOrId;
  if (!entry) return { level: 'unusual', message: `no knowledge-base entry "${String(entryOrId)}"` };
  const range = selectRange(entry, context);
  const numericScale = range.low !== undefined && range.high !== undefined;

  if (value === null || value === undefined) return placeholder(entry, '', context) as Assessment;
  if (typeof value === 'string') {
    const special = placeholder(entry, value.trim(), context);
    if (special) return special;
  }
  // "512,512" (kohya resolution) and "640x640" are lists of numbers written as text.
  if (typeof value === 'string' && numericScale && /^\s*\d+(\.\d+)?(\s*[,x×]\s*\d+(\.\d+)?)+\s*$/.test(value)) {
    value = value.split(/[,x×]/).map(Number);
  }
  if (entry.id === 'adam_betas' || (Array.isArray(value) && numericScale)) {
    if (!Array.isArray(value)) return { level: 'invalid', message: `expected a list like [0.9, 0.999], got ${JSON.stringify(value)}` };
    if (entry.id === 'adam_betas') {
      if (value.length !== 2) return { level: 'invalid', message: `betas need exactly two values (β1, β2), got ${value.length}` };
      const b1 = assessValue('adam_beta1', value[0], context);
      const b2 = assessValue('adam_beta2', value[1], context);
      const worst = [b1, b2].find(a => a.level !== 'ok');
      if (worst) return { level: worst.level, message: `${worst === b1 ? 'β1' : 'β2'}: ${worst.message}` };
      return { level: 'ok', message: `β1 ${formatNumber(Number(value[0]))}, β2 ${formatNumber(Number(value[1]))} are both typical` };
    }
    // Mixed lists such as SB3 `train_freq: [1, "episode"]`: judge the numbers, not the unit names.
    const numbers = value.filter(v => parseNumeric(v) !== undefined);
    if (numbers.length === 0) return { level: 'unusual', message: `expected numbers for ${lowerTitle(entry.title)}, got ${JSON.stringify(value).slice(0, 60)}`, range };
    const parts = numbers.map(v => assessValue(entry, v, context));
    const worst = parts.find(a => a.level !== 'ok');
    return worst ?? { level: 'ok', message: `${numbers.length === 1 ? 'the value is' : `all ${numbers.length} values are`} within the typical range (${range.text})`, range };
  }
  if (!numericScale) {
    if (typeof value === 'object') return { level: 'ok', message: `structured value for ${lowerTitle(entry.title)}`, range };
    return assessCategorical(entry, value, range);
  }
  if (typeof value === 'boolean') {
    // System groups mix numbers with switches (`persistent_workers`, `overlap_comm`).
    if (entry.kind === 'system') return { level: 'ok', message: `${String(value)}: an on/off switch of this group`, range };
    return { level: 'invalid', message: `${lowerTitle(entry.title)} expects a number, got ${String(value)}`, range };
  }
  const parsed = parseNumeric(value);
  if (!parsed) {
    if (typeof value === 'object') return { level: 'ok', message: `structured value for ${lowerTitle(entry.title)}; its parts are judged one by one`, range };
    const text = String(value);
    const shown = text.length > 40 ? `${text.slice(0, 37)}…` : text;
    return { level: 'invalid', message: `${lowerTitle(entry.title)} expects a number, got "${shown}"`, range };
  }
  const prefix = parsed.schedule ? `linear schedule from ${formatNumber(parsed.value, range.scale)} down to 0; start value: ` : '';
  return assessNumber(entry, parsed.value, context, prefix);
}
