import { getEntry, normalizeName } from './lookup';
import { parseNumeric } from './numeric';
import { relativeCheck } from './relative';
import { ADAM_FAMILY } from './optimizers';
import { anyConditionHolds, boundsText, findKeyword, formatNumber, normalizeModel, optimizerMatches, selectRange, unsetMessage, type AssessContext } from './ranges';
import type { KnowledgeEntry, TypicalRange, ValidLimits } from './types';

export { formatNumber, optimizerMatches, selectRange } from './ranges';
export { parseNumeric } from './numeric';
export { SIBLING_AWARE_IDS } from './relative';
export type { AssessContext } from './ranges';

/**
 * Three tiers. `invalid`: the library rejects the value or it provably breaks training (the message
 * says why). `unusual`: outside what published recipes use (the range and its source come along).
 * `ok`: inside published practice, a keyword the library knows, or nothing to judge.
 */
export type AssessLevel = 'ok' | 'unusual' | 'invalid';

export interface Assessment {
  readonly level: AssessLevel;
  readonly message: string;
  /** The range the value was compared with, when one applied. */
  readonly range?: TypicalRange;
  /** Set only when the range belongs to a known context (optimizer, model, framework, key). */
  readonly direction?: 'low' | 'high';
  /** Where the judgement comes from: the range's provenance (library default, paper, recipe). */
  readonly why?: string;
}

/** Proper names stay capitalised in running text ("for Adam β2", but "for dropout"). */
const PROPER_NAMES = /^(Adam|CatBoost|LoRA|PPO|GAE|DBSCAN|RBF|EMA|LR|C\b)/;

export function lowerTitle(title: string): string {
  if (PROPER_NAMES.test(title)) return title;
  return title.length > 1 && title[1] === title[1].toLowerCase() ? title[0].toLowerCase() + title.slice(1) : title;
}

const keyName = (context: AssessContext): string => normalizeName((context.key ?? '').replace(/^.*[.]/, '').replace(/\[\d+\]$/, ''));

function invalid(message: string, range?: TypicalRange): Assessment {
  return { level: 'invalid', message, range };
}

function limitMessage(shown: string, title: string, bound: string, why: string | undefined): string {
  return `${shown} is invalid for ${title} (it must be ${bound})${why ? `: ${why}` : ''}`;
}

function checkLimits(entry: KnowledgeEntry, range: TypicalRange, n: number, shown: string, context: AssessContext): Assessment | undefined {
  const limits: ValidLimits | undefined = range.valid ?? entry.valid;
  if (!limits) return undefined;
  const sentinel = limits.sentinels?.find(
    s => s.value === n && (!s.frameworks || context.framework === undefined || s.frameworks.includes(context.framework)),
  );
  if (sentinel) return { level: 'ok', message: `${shown} is a special value: ${sentinel.meaning}`, range };
  // Ultralytics reads a batch between 0 and 1 as "use this fraction of GPU memory" (AutoBatch).
  if (entry.id === 'batch_size' && context.framework === 'ultralytics' && n > 0 && n < 1) {
    return { level: 'ok', message: `${shown}: AutoBatch sizes the batch to use about ${Math.round(n * 100)}% of GPU memory`, range };
  }
  const title = lowerTitle(entry.title);
  if (!Number.isFinite(n)) return invalid(`${shown} is not a usable value for ${title}`, range);
  if (limits.min !== undefined) {
    const inclusive = limits.minInclusive ?? true;
    if (inclusive ? n < limits.min : n <= limits.min) return invalid(limitMessage(shown, title, `${inclusive ? '≥' : '>'} ${formatNumber(limits.min)}`, limits.minWhy), range);
  }
  if (limits.max !== undefined) {
    const inclusive = limits.maxInclusive ?? true;
    if (inclusive ? n > limits.max : n >= limits.max) return invalid(limitMessage(shown, title, `${inclusive ? '≤' : '<'} ${formatNumber(limits.max)}`, limits.maxWhy), range);
  }
  if (limits.integer && !Number.isInteger(n)) return invalid(`${shown} is invalid for ${title}: it must be a whole number`, range);
  return undefined;
}

/** What exactly 0 does here: a framework-specific rule first, then the entry's general meaning. */
function checkZero(entry: KnowledgeEntry, context: AssessContext, range: TypicalRange): Assessment | undefined {
  const key = keyName(context);
  const rule = entry.zeroRules?.find(r =>
    (r.frameworks.length === 0 || (context.framework !== undefined && r.frameworks.includes(context.framework)))
    && (!r.keys || r.keys.some(k => normalizeName(k) === key)));
  if (rule) {
    if (rule.level === 'ok') return { level: 'ok', message: `0 switches it off: ${rule.meaning}`, range };
    return { level: rule.level, message: `0 ${rule.level === 'invalid' ? 'breaks training' : 'is risky'} here: ${rule.meaning}`, range };
  }
  if (entry.zeroMeans) return { level: 'ok', message: `0 switches it off: ${entry.zeroMeans}`, range };
  return undefined;
}

function rangeVerdict(entry: KnowledgeEntry, range: TypicalRange, n: number, shown: string): Assessment {
  const low = range.low as number;
  const high = range.high as number;
  const contextual = range !== entry.range;
  const where = range.label ?? lowerTitle(entry.title);
  if (n >= low && n <= high) {
    return { level: 'ok', message: `${shown} is within published practice for ${where}: ${boundsText(range)}${range.note ? ` (${range.note})` : ''}`, range, why: range.source };
  }
  const direction = n < low ? 'low' : 'high';
  const phrase = contextual ? `is ${direction} for ${where}` : `is unusual for ${where}`;
  return { level: 'unusual', message: `${shown} ${phrase}: published recipes use ${boundsText(range)}`, range, why: range.source, ...(contextual ? { direction } : {}) };
}

function assessNumber(entry: KnowledgeEntry, n: number, context: AssessContext, prefix = ''): Assessment {
  const range = selectRange(entry, context);
  const shown = formatNumber(n, range.scale);
  const withPrefix = (a: Assessment): Assessment => ({ ...a, message: prefix + a.message });
  const relative = relativeCheck(entry, n, shown, context, assessValue);
  if (relative?.level === 'invalid') return withPrefix({ range, ...relative });
  const limit = checkLimits(entry, range, n, shown, context);
  if (limit) return withPrefix(limit);
  if (!Number.isFinite(n) && findKeyword(entry, 'inf', context)) return withPrefix({ level: 'ok', message: `infinite: ${findKeyword(entry, 'inf', context)?.meaning}`, range });
  if (n === 0) {
    const zero = checkZero(entry, context, range);
    if (zero) return withPrefix(zero);
  }
  if (relative) return withPrefix({ range, ...relative });
  if (entry.integerMeansCount && n >= 1 && Number.isInteger(n)) return withPrefix({ level: 'ok', message: `${shown} is ${entry.integerMeansCount}`, range });
  if (entry.largeMeans && n >= entry.largeMeans.above) return withPrefix({ level: 'ok', message: `${shown}: ${entry.largeMeans.meaning}`, range });
  if (range.low === undefined || range.high === undefined) {
    return withPrefix({ level: 'ok', message: `${shown}: no numeric range to compare with for this key (${range.text ?? 'categorical'})`, range });
  }
  // Settings that do not change what the model learns are never "unusual"; only invalid values count.
  if (entry.kind === 'system') return withPrefix({ level: 'ok', message: `${shown}: a system setting (${boundsText(range)} is common)`, range, why: range.source });
  return withPrefix(rangeVerdict(entry, range, n, shown));
}

function placeholder(entry: KnowledgeEntry, text: string, context: AssessContext): Assessment | undefined {
  const lower = text.toLowerCase();
  if (text === '???') {
    return { level: 'ok', message: 'mandatory value (`???`): it must be supplied by another config or a command-line override before the run starts' };
  }
  if (/^\$\{[^}]*\}$/.test(text)) return { level: 'ok', message: `reference ${text}: the real value comes from the referenced key or variable` };
  if (lower === 'auto' || lower.startsWith('auto_')) {
    if (context.framework === 'deepspeed') return { level: 'ok', message: '"auto": DeepSpeed fills this in from the HF TrainingArguments at launch' };
    if (entry.id === 'entropy_coef') return { level: 'ok', message: '"auto": SAC learns the entropy coefficient during training' };
    if (entry.id === 'optimizer') return { level: 'ok', message: '"auto": Ultralytics picks the optimizer and learning rate itself (lr0 and momentum are ignored)' };
    const keyword = findKeyword(entry, 'auto', context);
    return { level: 'ok', message: `"auto": ${keyword?.meaning ?? 'the framework chooses this value at run time'}` };
  }
  if (lower === '' || lower === 'null' || lower === 'none' || lower === '~') {
    const keyword = findKeyword(entry, 'none', context);
    if (keyword) return { level: 'ok', message: `None: ${keyword.meaning}` };
    return { level: 'ok', message: unsetMessage(entry, context) };
  }
  const keyword = findKeyword(entry, lower, context);
  if (keyword) return { level: 'ok', message: `"${text}" is a keyword: ${keyword.meaning}` };
  return undefined;
}

function assessCategorical(entry: KnowledgeEntry, value: unknown, range: TypicalRange): Assessment {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Entries group several keys; a number next to a categorical one (`loss_scale: 0` under
  // precision) is some other key of the group, so there is nothing to judge it against.
  if (typeof value === 'number' || (typeof value === 'boolean' && range.scale !== 'bool')) {
    return { level: 'ok', message: `${text}: no typical range to compare with for this key`, range };
  }
  if (range.scale === 'bool' && (typeof value === 'boolean' || /^(true|false|yes|no|on|off|0|1)$/i.test(text))) {
    return { level: 'ok', message: text, range };
  }
  const choices = (range.choices ?? []).map(normalizeName);
  // `torch.optim.AdamW` → `AdamW`; free text such as `dict(a=0.5)` is compared whole.
  const name = normalizeName(/^[\w.]+$/.test(text) ? text.replace(/^.*\./, '') : text);
  // Open lists match loosely (`paged_adamw_32bit` is an AdamW); a library's closed list only exactly.
  if (choices.length === 0 || choices.some(c => c === name || (!range.closed && name.includes(c)))) {
    return { level: 'ok', message: `${text} is a common choice for ${lowerTitle(entry.title)}`, range, why: range.source };
  }
  if (range.closed) {
    return { level: 'invalid', message: `${text} is not a value ${range.label ?? lowerTitle(entry.title)} accepts: ${range.text}`, range, why: range.source };
  }
  return { level: 'ok', message: `${text}: not among the choices listed here (${range.text}); the library may still know it`, range, why: range.source };
}

/** "512,512" (kohya resolution) and "640x640" are lists of numbers written as text. */
const NUMBER_LIST_TEXT = /^\s*\d+(\.\d+)?(\s*[,x×]\s*\d+(\.\d+)?)+\s*$/;
/** A bare word a library could accept as a keyword (`scale`, `optimal`, `train_sft`). */
const WORD = /^[A-Za-z_][\w.-]*$/;

function assessBetas(value: unknown, context: AssessContext): Assessment {
  if (!Array.isArray(value)) return invalid(`expected a list like [0.9, 0.999], got ${JSON.stringify(value)}`);
  if (value.length !== 2) return invalid(`betas need exactly two values (β1, β2), got ${value.length}`);
  const b1 = assessValue('adam_beta1', value[0], context);
  // Lion and Sophia take (β1, β2) with other meanings; only Adam's β2 range applies to Adam.
  const adamLike = context.optimizer === undefined || optimizerMatches(context.optimizer, ADAM_FAMILY);
  const b2 = assessValue('adam_beta2', value[1], context);
  const worst = [b1, b2].find(a => a.level === 'invalid') ?? [b1, b2].find(a => a.level === 'unusual' && (adamLike || a === b1));
  if (worst) return { ...worst, message: `${worst === b1 ? 'β1' : 'β2'}: ${worst.message}` };
  return { level: 'ok', message: `β1 ${formatNumber(Number(value[0]))}, β2 ${formatNumber(Number(value[1]))} are both within published practice`, why: b2.why };
}

function assessList(entry: KnowledgeEntry, value: readonly unknown[], context: AssessContext, range: TypicalRange): Assessment {
  // Mixed lists such as SB3 `train_freq: [1, "episode"]`: judge the numbers, not the unit names.
  const numbers = value.filter(v => parseNumeric(v) !== undefined);
  if (numbers.length === 0) return { level: 'ok', message: `a list for ${lowerTitle(entry.title)}: nothing numeric to judge`, range };
  const parts = numbers.map(v => assessValue(entry, v, context));
  const worst = parts.find(a => a.level === 'invalid') ?? parts.find(a => a.level === 'unusual');
  return worst ?? { level: 'ok', message: `${numbers.length === 1 ? 'the value is' : `all ${numbers.length} values are`} within published practice (${boundsText(range)})`, range, why: range.source };
}

/** Text that starts like a number but is not one (`1e-3x`, `0.1f`, `3,5`): a typo the library rejects. */
const BROKEN_NUMBER = /^\s*[-+]?(\d|\.\d)/;

function assessText(entry: KnowledgeEntry, value: string, range: TypicalRange): Assessment {
  const shown = value.length > 40 ? `${value.slice(0, 37)}…` : value;
  if (WORD.test(value.trim())) {
    return { level: 'ok', message: `"${shown}" is not a number: it is passed to the library as a keyword (none is known here for ${lowerTitle(entry.title)})`, range };
  }
  if (BROKEN_NUMBER.test(value)) return invalid(`${lowerTitle(entry.title)} expects a number, got "${shown}": the library cannot read it as one`, range);
  return { level: 'unusual', message: `${lowerTitle(entry.title)} expects a number, got the text "${shown}"`, range };
}

/**
 * true/false on a numeric concept is a switch of it (`apply_mask: true`, `model_ema: false`,
 * `disable_dropout: true`): a value, never a mistake. Only the concept's own numeric key
 * (`learning_rate: true`) makes the library read the boolean as the number 1 or 0.
 */
function assessBoolean(entry: KnowledgeEntry, value: boolean, context: AssessContext, range: TypicalRange): Assessment {
  const key = keyName(context);
  const flag = entry.flags?.some(f => normalizeName(f) === key) ?? false;
  if (key !== '' && !flag && entry.kind !== 'system' && normalizeName(entry.id) === key) {
    return { level: 'unusual', message: `${lowerTitle(entry.title)} expects a number, got ${String(value)} (Python reads it as ${value ? 1 : 0})`, range };
  }
  const written = (context.key ?? '').replace(/^.*[.]/, '').replace(/^-+/, '');
  const which = written ? `\`${written}\` is` : 'a boolean is';
  return { level: 'ok', message: `${String(value)}: ${which} an on/off switch for ${lowerTitle(entry.title)}`, range };
}

/**
 * Judges a value against the entry's validity limits and the published range for this context
 * (framework, optimizer, model, key). Never throws: unknown ids and odd inputs come back with a reason.
 */
export function assessValue(entryOrId: KnowledgeEntry | string, value: unknown, context: AssessContext = {}): Assessment {
  const entry = typeof entryOrId === 'string' ? getEntry(entryOrId) : entryOrId;
  if (!entry) return { level: 'ok', message: `no knowledge-base entry "${String(entryOrId)}"` };
  const range = selectRange(entry, context);
  const numericScale = range.low !== undefined && range.high !== undefined;

  if (value === null || value === undefined) return placeholder(entry, '', context) as Assessment;
  if (typeof value === 'string') {
    const special = placeholder(entry, value.trim(), context);
    if (special) return { range, ...special };
  }
  if (entry.id === 'adam_betas') {
    // Only the betas' own key holding a boolean is a mistake (torch cannot unpack it); another key is a switch.
    const ownKey = [entry.id, ...(entry.aliases ?? [])].some(a => normalizeName(a.replace(/^.*[.]/, '')) === keyName(context));
    return typeof value === 'boolean' && !ownKey ? assessBoolean(entry, value, context, range) : assessBetas(value, context);
  }
  // A shared name outside the context where it means this setting (a backbone's `epsilon`) is not judged.
  if (entry.judgedWhen && !anyConditionHolds(entry.judgedWhen, context)) {
    return { level: 'ok', message: `${context.key ?? 'this key'} may mean something else here; ${lowerTitle(entry.title)} is judged only ${entry.appliesWhen ?? 'in its usual context'}`, range };
  }
  if (typeof value === 'string' && numericScale && NUMBER_LIST_TEXT.test(value)) value = value.split(/[,x×]/).map(Number);
  if (Array.isArray(value) && numericScale) return assessList(entry, value, context, range);
  if (!numericScale) {
    if (typeof value === 'object') return { level: 'ok', message: `structured value for ${lowerTitle(entry.title)}`, range };
    return assessCategorical(entry, value, range);
  }
  if (typeof value === 'boolean') return assessBoolean(entry, value, context, range);
  // A quoted `'true'` (OpenNMT-py's own configs write one) is the same switch.
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return assessBoolean(entry, /^true$/i.test(value.trim()), context, range);
  const parsed = parseNumeric(value);
  if (!parsed) {
    if (typeof value === 'object') return { level: 'ok', message: `structured value for ${lowerTitle(entry.title)}; its parts are judged one by one`, range };
    return assessText(entry, String(value), range);
  }
  const prefix = parsed.schedule ? `linear schedule from ${formatNumber(parsed.value, range.scale)} down to 0; start value: ` : '';
  return assessNumber(entry, parsed.value, context, prefix);
}

/** The model name as context code compares it (exported for callers that build contexts). */
export { normalizeModel };
