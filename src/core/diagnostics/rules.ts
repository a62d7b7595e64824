import type { DetectedFile, Setting, SourceRange } from '../detect/types';
import { assessValue, type Assessment } from '../knowledge/assess';
import { formatNumber } from '../knowledge/ranges';
import { assessContextFor, entryForSetting } from './context';
import { deprecationFor } from './deprecation';
import { isPyyamlConsumer, pyyamlFloatText, pyyamlReadsAsString } from './pyyaml';
import { leafName, nearestByCanonical, nearestByName, numericValue, parentKey, siblingSetting, siblingsOf } from './scope';

export type Severity = 'error' | 'warning' | 'info';

export interface TextEdit {
  readonly range: SourceRange;
  readonly newText: string;
}

export interface Finding {
  readonly range: SourceRange;
  readonly severity: Severity;
  /** Stable rule id, e.g. `hp/invalid-value`; shown in the Problems panel and usable to filter rules. */
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

/** Every rule id, with what it reports; `hpstudio check` documents and SARIF declares them from here. */
export const RULES = {
  'hp/invalid-value': 'A value the library rejects or that provably breaks training (learning rate 0, dropout 1, LoRA α 0, SB3 max_grad_norm 0, XGBoost colsample above 1).',
  'hp/unusual-value': 'A value outside what published recipes use for this context (optimizer, framework, model); the range and its source are in the message.',
  'hp/deprecated': 'A key the library renamed or deprecated (transformers 5 warmup_ratio, scikit-learn 1.8 penalty, LightGBM 4 boosting=goss).',
  'hp/pyyaml-float': 'A number PyYAML reads as a string (1e-5 without a dot), in files loaded with plain PyYAML.',
  'hp/heads-divisibility': 'A hidden size that the number of attention heads does not divide.',
  'hp/num-leaves-depth': 'num_leaves above 2^max_depth, which the depth limit makes unreachable.',
  'hp/warmup-length': 'Warmup as long as (or longer than) training.',
  'hp/overridden': 'A setting that has no effect because another one wins (HF warmup_steps over warmup_ratio, max_steps over epochs).',
} as const;

export const RULE_CODES = Object.keys(RULES) as ReadonlyArray<keyof typeof RULES>;

const where = (s: Setting): SourceRange => s.valueRange ?? s.range;
const lastName = (s: Setting): string => (s.key.split('.').pop() ?? s.name).replace(/\[\d+\]$/, '');

/** Settings whose value is configured here (not logged, not a search domain, not "auto"/???/refs). */
function configured(s: Setting): boolean {
  if (s.kind === 'logged' || s.kind === 'search-setting' || s.search) return false;
  return !s.origin || s.origin.kind === 'inherited' || s.origin.kind === 'schedule';
}

function valueFinding(s: Setting, a: Assessment): Finding {
  const invalid = a.level === 'invalid';
  const source = !invalid && a.why ? ` (range from ${a.why})` : '';
  return {
    range: where(s),
    severity: invalid ? 'error' : 'warning',
    code: invalid ? 'hp/invalid-value' : 'hp/unusual-value',
    message: `${s.name}: ${a.message}${source}.`,
  };
}

/**
 * Every configured value judged by the knowledge base, exactly as its hover judges it (same entry,
 * same context): `invalid` becomes an error, `unusual` a warning, values inside published practice
 * raise nothing. Settings a file only inherits are judged where they are written.
 */
function values(file: DetectedFile): Finding[] {
  const out: Finding[] = [];
  for (const s of file.settings) {
    if (!configured(s) || s.origin?.kind === 'inherited') continue;
    const entry = entryForSetting(s, file);
    if (!entry) continue;
    const a = assessValue(entry, s.value, assessContextFor(s, file, entry));
    if (a.level !== 'ok') out.push(valueFinding(s, a));
  }
  return out;
}

/** Keys a library renamed or deprecated, with a quick fix when the replacement takes the same value. */
function deprecated(file: DetectedFile): Finding[] {
  const out: Finding[] = [];
  for (const s of file.settings) {
    if (!configured(s) || s.origin?.kind === 'inherited') continue;
    const entry = entryForSetting(s, file);
    if (!entry) continue;
    const d = deprecationFor(s, file, entry, assessContextFor(s, file, entry));
    if (!d) continue;
    const taken = d.replaceKey ? siblingSetting(file, s, t => lastName(t) === d.replaceKey) : undefined;
    const nameRange = s.range.endCharacter - s.range.character === lastName(s).length ? s.range : undefined;
    const fix = d.replaceKey && !taken && nameRange && file.format !== null && /\.(ya?ml|json|toml)$/i.test(file.path)
      ? { title: `Rename to ${d.replaceKey} (${d.since})`, edits: [{ range: nameRange, newText: d.replaceKey }] }
      : undefined;
    out.push({ range: s.range, severity: 'info', code: 'hp/deprecated', message: `${s.name}: ${d.message}`, ...(fix ? { fix } : {}) });
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
    if (h === undefined || !Number.isInteger(h) || h <= 0 || attentionFree(file, heads)) continue;
    const hidden = hiddenSizeFor(file, heads);
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

/** GPT-NeoX layer types built without attention (megatron/model/gpt2_model.py: Mamba, RWKV and gMLP blocks). */
const ATTENTION_FREE_LAYER = /^(mamba\d?|rwkv\d*|gmlp|amlp)$/i;
/** Architectures made of state-space or recurrent blocks only: HF `model_type: mamba`, `MambaLMHeadModel`, `RwkvForCausalLM`. */
const ATTENTION_FREE_MODEL = /^(mamba\d?|rwkv\d*|hyena|s4d?)(forcausallm|lmheadmodel|model|config|$)/;
const MODEL_KEYS = new Set(['model_type', 'type', '_target_', 'class_path', 'architectures', 'arch', 'architecture']);

function strings(value: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value) && depth < 4) for (const v of value) strings(v, out, depth + 1);
  return out;
}

/**
 * A model whose blocks have no attention, so a head count it carries along is never used: GPT-NeoX's
 * Mamba configs keep `num_attention_heads: 12` next to `hidden_size: 2560` with `attention_config:
 * [[["mamba"], 64]]` (every layer a Mamba block). Hybrids with any attention layer are still checked.
 */
function attentionFree(file: DetectedFile, heads: Setting): boolean {
  const layout = nearestByName(file, heads, ['attention_config']);
  const layers = layout ? strings(layout.value) : [];
  if (layers.length > 0) return layers.every(t => ATTENTION_FREE_LAYER.test(t.trim()));
  return siblingsOf(file, heads).some(s => MODEL_KEYS.has(leafName(s))
    && strings(s.value).some(v => ATTENTION_FREE_MODEL.test(v.replace(/^.*\./, '').toLowerCase().replace(/[^a-z0-9]/g, ''))));
}

/**
 * The hidden size that goes with these heads: the one on the same line when several alternatives share
 * a block (nanoGPT's `dict(n_head=12, n_embd=768)` presets), else the only one; none when ambiguous.
 */
function hiddenSizeFor(file: DetectedFile, heads: Setting): Setting | undefined {
  const candidates = siblingsOf(file, heads).filter(s => s.canonical === 'hidden_size' && configured(s) && s.kind !== 'logged');
  const sameLine = candidates.filter(s => s.range.line === heads.range.line);
  if (sameLine.length === 1) return sameLine[0];
  return candidates.length === 1 ? candidates[0] : undefined;
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
  const specific = [
    ...pyyamlFloats(file, text, options),
    ...headsDivisibility(file),
    ...numLeavesDepth(file),
    ...warmupLength(file),
    ...overridden(file),
  ];
  // A specific rule on the same value says more than the generic range check: keep only it.
  const taken = new Set(specific.map(f => `${f.range.line}:${f.range.character}`));
  const generic = values(file).filter(f => f.code === 'hp/invalid-value' || !taken.has(`${f.range.line}:${f.range.character}`));
  const all = [...generic, ...deprecated(file), ...specific];
  const wanted = options.rules ? new Set(options.rules) : undefined;
  return all
    .filter(f => !wanted || wanted.has(f.code))
    .sort((a, b) => a.range.line - b.range.line || a.range.character - b.range.character || a.code.localeCompare(b.code));
}
