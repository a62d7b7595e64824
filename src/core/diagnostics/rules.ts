import type { DetectedFile, Setting, SourceRange } from '../detect/types';
import { formatNumber, optimizerMatches, parseNumeric } from '../knowledge/assess';
import { ADAM_FAMILY } from '../knowledge/optimisation';
import { isPyyamlConsumer, pyyamlFloatText, pyyamlReadsAsString } from './pyyaml';
import { nearestByCanonical, nearestByName, numericValue, parentKey, siblingSetting } from './scope';

export type Severity = 'error' | 'warning' | 'info';

export interface TextEdit {
  readonly range: SourceRange;
  readonly newText: string;
}

export interface Finding {
  readonly range: SourceRange;
  readonly severity: Severity;
  /** Stable rule id, e.g. `hp/lr-range`; shown in the Problems panel and usable to filter rules. */
  readonly code: string;
  readonly message: string;
  readonly fix?: { readonly title: string; readonly edits: readonly TextEdit[] };
}

export interface DiagnoseOptions {
  /** Force (true) or suppress (false) the PyYAML check instead of deciding from format and path. */
  readonly pyyaml?: boolean;
  /** Only run these rule codes. */
  readonly rules?: readonly string[];
}

export const RULE_CODES = [
  'hp/lr-range',
  'hp/dropout-range',
  'hp/batch-size',
  'hp/momentum-range',
  'hp/pyyaml-float',
  'hp/heads-divisibility',
  'hp/num-leaves-depth',
  'hp/warmup-length',
  'hp/overridden',
] as const;

/** Frameworks whose trainer defaults to AdamW, so an unspecified optimizer is Adam-family. */
const ADAMW_DEFAULT_FRAMEWORKS = new Set(['hf', 'axolotl', 'trl', 'peft']);
const BOOSTING = new Set(['xgboost', 'lightgbm', 'catboost', 'sklearn']);

const where = (s: Setting): SourceRange => s.valueRange ?? s.range;
const lastName = (s: Setting): string => (s.key.split('.').pop() ?? s.name).replace(/\[\d+\]$/, '');

/** Settings whose value is configured here (not logged, not a search domain, not "auto"/???/refs). */
function configured(s: Setting): boolean {
  if (s.kind === 'logged' || s.kind === 'search-setting' || s.search) return false;
  return !s.origin || s.origin.kind === 'inherited' || s.origin.kind === 'schedule';
}

function value(s: Setting): number | undefined {
  const parsed = parseNumeric(s.value);
  return parsed && Number.isFinite(parsed.value) ? parsed.value : undefined;
}

function isAdamFamily(s: Setting): boolean {
  if (s.optimizer) return optimizerMatches(s.optimizer, ADAM_FAMILY);
  return s.framework !== undefined && ADAMW_DEFAULT_FRAMEWORKS.has(s.framework);
}

function learningRate(file: DetectedFile): Finding[] {
  const out: Finding[] = [];
  for (const s of file.settings) {
    if (s.canonical !== 'learning_rate' || !configured(s)) continue;
    const v = value(s);
    if (v === undefined) continue;
    if (v <= 0) {
      out.push({ range: where(s), severity: 'error', code: 'hp/lr-range', message: `Learning rate ${s.name} = ${formatNumber(v, 'log')} must be greater than 0: with ${v === 0 ? 'zero' : 'a negative value'} the weights ${v === 0 ? 'never change' : 'move uphill'}.` });
    } else if (v > 1 && isAdamFamily(s) && !BOOSTING.has(s.framework ?? '')) {
      out.push({ range: where(s), severity: 'warning', code: 'hp/lr-range', message: `Learning rate ${s.name} = ${formatNumber(v)} is above 1 for an Adam-family optimizer${s.optimizer ? ` (${s.optimizer})` : ''}; Adam steps are already normalised, so values above ~1e-2 almost always diverge (typical 1e-5 – 3e-3).` });
    }
  }
  return out;
}

const DROPOUT_IDS = new Set(['dropout', 'attention_dropout', 'lora_dropout', 'drop_path']);

function dropout(file: DetectedFile): Finding[] {
  const out: Finding[] = [];
  for (const s of file.settings) {
    if (!DROPOUT_IDS.has(s.canonical ?? '') || !configured(s)) continue;
    const v = value(s);
    if (v === undefined || (v >= 0 && v < 1)) continue;
    const why = v >= 1 ? `at ${formatNumber(v)} every unit would be dropped` : 'a probability cannot be negative';
    out.push({ range: where(s), severity: 'error', code: 'hp/dropout-range', message: `${s.name} = ${formatNumber(v)} is outside [0, 1): it is the probability of dropping a unit, and ${why}.` });
  }
  return out;
}

function batchSize(file: DetectedFile): Finding[] {
  const out: Finding[] = [];
  for (const s of file.settings) {
    if (s.canonical !== 'batch_size' || !configured(s)) continue;
    const v = value(s);
    if (v === undefined || v > 0) continue;
    // Ultralytics reads -1 as AutoBatch.
    if (v === -1 && (s.framework === 'ultralytics' || file.format === 'ultralytics')) continue;
    out.push({ range: where(s), severity: 'error', code: 'hp/batch-size', message: `Batch size ${s.name} = ${formatNumber(v)} must be a positive number of examples.` });
  }
  return out;
}

const MOMENTUM_IDS = new Set(['momentum', 'adam_beta1', 'adam_beta2']);

function momentum(file: DetectedFile): Finding[] {
  const out: Finding[] = [];
  const check = (s: Setting, v: number, label: string) => {
    if (v >= 1) out.push({ range: where(s), severity: 'error', code: 'hp/momentum-range', message: `${label} = ${formatNumber(v)} must be below 1: at 1 or more the running average never forgets old gradients and updates grow without bound.` });
    else if (v < 0) out.push({ range: where(s), severity: 'error', code: 'hp/momentum-range', message: `${label} = ${formatNumber(v)} must be between 0 and 1.` });
  };
  for (const s of file.settings) {
    if (!configured(s)) continue;
    if (MOMENTUM_IDS.has(s.canonical ?? '')) {
      const v = value(s);
      if (v !== undefined) check(s, v, s.name);
    } else if (s.canonical === 'adam_betas' && Array.isArray(s.value)) {
      s.value.forEach((b, i) => {
        const v = parseNumeric(b)?.value;
        if (v !== undefined && i < 2) check(s, v, `${s.name}[${i}] (β${i + 1})`);
      });
    }
  }
  return out;
}

/** Line-level YAML scan: PyYAML string-floats can hide anywhere, including sweep bounds. */
function pyyamlFloats(file: DetectedFile, text: string, options: DiagnoseOptions): Finding[] {
  const enabled = options.pyyaml ?? (isPyyamlConsumer(file.format, file.path) && !/\.(json|py|toml|conf|cfg)$/i.test(file.path));
  if (!enabled) return [];
  const out: Finding[] = [];
  const lines = text.split(/\r?\n/);
  let blockIndent = -1;
  const token = /(^|[\s,[{:])([-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.[\d_]+)[eE][-+]?\d+)(?=$|[\s,\]}])/g;
  for (let line = 0; line < lines.length; line++) {
    const raw = lines[line];
    const indent = raw.length - raw.trimStart().length;
    if (blockIndent >= 0) {
      if (raw.trim() === '' || indent > blockIndent) continue;
      blockIndent = -1;
    }
    const body = stripComment(raw);
    if (/:\s*[|>][-+0-9]*\s*$/.test(body)) blockIndent = indent;
    token.lastIndex = 0;
    for (let m = token.exec(body); m; m = token.exec(body)) {
      const scalar = m[2];
      const start = m.index + m[1].length;
      const after = body.slice(start + scalar.length);
      const before = body.slice(0, start);
      if (/^\s*:(\s|$)/.test(after)) continue; // a key, not a value
      // Any explicit tag (`!!float 1e-5`, `!!str 1e-5`) states the type, so PyYAML follows it.
      if (/!\S*\s+$/.test(before) || inQuotes(before)) continue;
      if (!pyyamlReadsAsString(scalar)) continue;
      const fixed = pyyamlFloatText(scalar);
      const range = { line, character: start, endLine: line, endCharacter: start + scalar.length };
      out.push({
        range,
        severity: 'warning',
        code: 'hp/pyyaml-float',
        message: `PyYAML reads ${scalar} as the string "${scalar}", not a number (${describeConsumer(file)} is loaded with plain PyYAML). Write ${fixed}.`,
        fix: { title: `Write ${fixed} so PyYAML reads a float`, edits: [{ range, newText: fixed }] },
      });
    }
  }
  return out;
}

function describeConsumer(file: DetectedFile): string {
  switch (file.format) {
    case 'wandb-sweep':
      return 'a W&B sweep file';
    case 'ultralytics':
    case 'yolo-hyp':
      return 'a YOLO hyperparameter file';
    case 'rl-zoo':
      return 'an RL Zoo hyperparameter file';
    default:
      return 'this file';
  }
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i);
    }
  }
  return line;
}

function inQuotes(prefix: string): boolean {
  const doubles = (prefix.match(/"/g) ?? []).length;
  const singles = (prefix.match(/'/g) ?? []).length;
  return doubles % 2 === 1 || singles % 2 === 1;
}

function headsDivisibility(file: DetectedFile): Finding[] {
  const out: Finding[] = [];
  for (const heads of file.settings) {
    if (heads.canonical !== 'num_heads' || !configured(heads)) continue;
    const h = numericValue(heads);
    if (h === undefined || !Number.isInteger(h) || h <= 0) continue;
    const hidden = siblingSetting(file, heads, s => s.canonical === 'hidden_size' && configured(s));
    const d = numericValue(hidden);
    if (!hidden || d === undefined || !Number.isInteger(d) || d % h === 0) continue;
    out.push({
      range: where(heads),
      severity: 'error',
      code: 'hp/heads-divisibility',
      message: `${hidden.name} = ${d} is not divisible by ${heads.name} = ${h} (${d} / ${h} = ${formatNumber(d / h)}): attention splits the hidden size evenly across heads, so the model will fail to build. Nearby valid head counts: ${divisorsNear(d, h).join(', ')}.`,
    });
  }
  return out;
}

function divisorsNear(n: number, target: number): number[] {
  const divisors: number[] = [];
  for (let i = 1; i <= Math.min(n, 4096); i++) if (n % i === 0) divisors.push(i);
  return divisors.sort((a, b) => Math.abs(a - target) - Math.abs(b - target) || a - b).slice(0, 3).sort((a, b) => a - b);
}

function numLeavesDepth(file: DetectedFile): Finding[] {
  const out: Finding[] = [];
  for (const leaves of file.settings) {
    if (leaves.canonical !== 'num_leaves' || !configured(leaves)) continue;
    const l = numericValue(leaves);
    const depthSetting = nearestByCanonical(file, leaves, ['max_depth'], s => configured(s) && parentKey(s.key) === parentKey(leaves.key));
    const d = numericValue(depthSetting);
    if (l === undefined || d === undefined || !depthSetting || d <= 0 || l <= 0) continue;
    const cap = 2 ** d;
    if (l <= cap) continue;
    out.push({
      range: where(leaves),
      severity: 'warning',
      code: 'hp/num-leaves-depth',
      message: `${leaves.name} = ${l} exceeds 2^${depthSetting.name} = 2^${d} = ${cap}: a tree of depth ${d} has at most ${cap} leaves, so values above ${cap} have no effect. Lower ${leaves.name} or raise ${depthSetting.name}.`,
    });
  }
  return out;
}

function warmupLength(file: DetectedFile): Finding[] {
  const out: Finding[] = [];
  for (const s of file.settings) {
    if (!configured(s)) continue;
    const name = lastName(s).toLowerCase();
    const v = numericValue(s);
    if (v === undefined) continue;
    if (s.canonical === 'warmup_steps') {
      const total = nearestByCanonical(file, s, ['max_steps'], configured) ?? nearestByName(file, s, ['total_num_steps', 'num_training_steps', 'total_steps'], configured);
      const t = numericValue(total);
      if (total && t !== undefined && t > 0 && v >= t) {
        out.push({ range: where(s), severity: 'warning', code: 'hp/warmup-length', message: `${s.name} = ${v} is not shorter than ${total.name} = ${t}: the learning rate would still be warming up when training ends. Use a warmup of a few percent of ${t}.` });
      }
    } else if (s.canonical === 'warmup_ratio' && name === 'warmup_epochs') {
      const epochs = nearestByCanonical(file, s, ['epochs'], configured);
      const e = numericValue(epochs);
      if (epochs && e !== undefined && e > 0 && v >= e) {
        out.push({ range: where(s), severity: 'warning', code: 'hp/warmup-length', message: `${s.name} = ${v} is not shorter than ${epochs.name} = ${e}: the whole run would be warmup.` });
      }
    } else if (s.canonical === 'warmup_ratio' && /ratio|fraction|pct_start/.test(name)) {
      // mmdet 2.x `lr_config.warmup_ratio` is a start multiplier, not a fraction of training.
      if (file.format === 'mmengine' || s.framework === 'mmengine' || /lr_config/.test(s.key)) continue;
      if (v >= 1) {
        out.push({ range: where(s), severity: 'warning', code: 'hp/warmup-length', message: `${s.name} = ${v} is a fraction of training; at 1 or more the whole run would be warmup; typical 0 – 0.1.` });
      }
    }
  }
  return out;
}

/** HF-style trainers where one setting silently wins over another. */
const HF_LIKE = new Set(['hf', 'axolotl', 'trl']);

/**
 * Settings that have no effect because another one wins: HF's `warmup_steps` over `warmup_ratio`,
 * and `max_steps` over `num_train_epochs`. Information, not a problem, but a common surprise.
 */
function overridden(file: DetectedFile): Finding[] {
  const out: Finding[] = [];
  for (const s of file.settings) {
    if (!configured(s) || !HF_LIKE.has(s.framework ?? '')) continue;
    const v = numericValue(s);
    if (v === undefined || v <= 0) continue;
    if (s.canonical === 'warmup_ratio' && lastName(s).toLowerCase() === 'warmup_ratio') {
      const steps = siblingSetting(file, s, t => t.canonical === 'warmup_steps' && configured(t) && (numericValue(t) ?? 0) > 0);
      if (!steps) continue;
      const message = file.format === 'axolotl'
        ? `${s.name} = ${v} and ${steps.name} = ${numericValue(steps)} are both set; axolotl treats them as mutually exclusive. Keep one of the two.`
        : `${s.name} = ${v} has no effect: ${steps.name} = ${numericValue(steps)} is also set and takes precedence. Keep one of the two.`;
      out.push({ range: where(s), severity: file.format === 'axolotl' ? 'warning' : 'info', code: 'hp/overridden', message });
    } else if (s.canonical === 'epochs') {
      const max = siblingSetting(file, s, t => t.canonical === 'max_steps' && configured(t) && (numericValue(t) ?? 0) > 0);
      if (max) out.push({ range: where(s), severity: 'info', code: 'hp/overridden', message: `${s.name} = ${v} has no effect: ${max.name} = ${numericValue(max)} is set and decides the length of training.` });
    }
  }
  return out;
}

/**
 * Checks one detected file for values that are wrong or will not do what the author expects.
 * Pure: `text` is the document text (needed for the PyYAML scan and quick-fix ranges).
 */
export function diagnose(file: DetectedFile, text: string, options: DiagnoseOptions = {}): Finding[] {
  if (file.format === null) return [];
  const all = [
    ...learningRate(file),
    ...dropout(file),
    ...batchSize(file),
    ...momentum(file),
    ...pyyamlFloats(file, text, options),
    ...headsDivisibility(file),
    ...numLeavesDepth(file),
    ...warmupLength(file),
    ...overridden(file),
  ];
  const wanted = options.rules ? new Set(options.rules) : undefined;
  return all
    .filter(f => !wanted || wanted.has(f.code))
    .sort((a, b) => a.range.line - b.range.line || a.range.character - b.range.character);
}
