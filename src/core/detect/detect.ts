/**
 * `detectFile`: the full, position-keeping detection of one file (never throws: problems become
 * `DetectedFile.error`), and `findSettingAt` for hovers (binary search over the sorted ranges).
 */
import { workBudget, type WorkBudget } from './budget';
import { configLanguage } from './files';
import { detectNotebook, isNotebookPath } from './notebook';
import { quickScan } from './quickScan';
import { recogniseFormat } from './fingerprint';
import { extractStructured, vocabularyScore, type StructuredInput } from './structured';
import { LineIndex, lastAtOrBefore } from './text';
import type { ConfigNode } from './tree';
import type { DetectedFile, Setting } from './types';

export interface DetectOptions {
  /** Files larger than this are not parsed (a message says so). Default 1 MiB. */
  readonly maxBytes?: number;
  /** Nodes all aliases of one YAML document may expand to (alias-bomb guard). Default 100,000. */
  readonly maxAliasNodes?: number;
  /** Skip the quick scan and always parse (tests, "detect this file" commands). */
  readonly force?: boolean;
  /** Cross-file lookup for Hydra `${…}` references (see `buildHydraIndex`). */
  readonly resolveReference?: (dotted: string) => unknown;
  /** Read a Python file as a config module even without ML imports (mmengine `_base_`, Detectron2 `common/`). */
  readonly configModule?: boolean;
  /** CPU budget for parsing and reading a Python file (tests inject a counting clock). Default `workBudget()`. */
  readonly budget?: () => WorkBudget;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * The parsers, loaded on first use: `hpstudio detect one-file.yaml` never evaluates the Python grammar
 * or the TOML parser (CLI start-up cost; see test/bench/cli-startup.bench.ts).
 */
const parsers = {
  yaml: () => (require('./parsers/yamlQuotes') as typeof import('./parsers/yamlQuotes')).parseYamlAsPyyaml,
  json: () => (require('./parsers/json') as typeof import('./parsers/json')).parseJson,
  toml: () => (require('./parsers/toml') as typeof import('./parsers/toml')).parseToml,
  ini: () => (require('./parsers/ini') as typeof import('./parsers/ini')).parseIni,
  python: () => (require('./python') as typeof import('./python')).extractPython,
  pythonCheck: () => (require('./parsers/pythonSource') as typeof import('./parsers/pythonSource')).checkPythonSource,
};

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

const none = (path: string, error?: string): DetectedFile => ({ path, format: null, settings: [], ...(error ? { error } : {}) });

function bySource(a: Setting, b: Setting): number {
  return a.range.line - b.range.line || a.range.character - b.range.character;
}

/** Full detection of one file. Never throws. */
export function detectFile(path: string, text: string, options: DetectOptions = {}): DetectedFile {
  // Notebooks have their own size rules (outputs are skipped) and cell positions.
  if (isNotebookPath(path)) return detectNotebook(path, text, options);
  try {
    return detectUnsafe(path, text, options);
  } catch (err) {
    // A parser bug must not take the workspace scan down; report it on the file.
    const message = err instanceof RangeError ? 'input is nested too deeply to analyse' : err instanceof Error ? err.message : String(err);
    return none(path, `detection failed: ${message}`);
  }
}

function detectUnsafe(path: string, text: string, options: DetectOptions): DetectedFile {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof text !== 'string') return none(path, 'no text to analyse');
  if (text.length > maxBytes) {
    return none(path, `file is ${formatBytes(text.length)}, above the ${formatBytes(maxBytes)} detection limit; not parsed`);
  }
  const lang = configLanguage(path);
  if (!lang) return none(path);
  if (text.startsWith('version https://git-lfs')) return none(path);
  if (!options.force && !quickScan(path, text).candidate) return none(path);
  // Editors drop a byte-order mark from the document, so positions are counted without it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = new LineIndex(body);
  if (lang === 'python') {
    const source = parsers.pythonCheck()(body);
    if (source.error) return none(path, source.error);
    // Files under a `_base_` folder are mmengine building blocks even when they only set `model`.
    const extractPython = parsers.python(); // loaded before the budget starts: loading is not this file's work
    const budget = (options.budget ?? workBudget)();
    const r = extractPython(path, source, lines, options.configModule === true || /(^|[\\/])_base_[\\/]/.test(path), budget);
    const found = finish(path, r.format, r.settings);
    return r.warning ? { ...found, warning: r.warning, analysedLines: r.analysedLines } : found;
  }
  let root: ConfigNode | undefined;
  let headerComments = '';
  let error: string | undefined;
  if (lang === 'yaml') {
    const r = parsers.yaml()(body, options.maxAliasNodes);
    root = r.root;
    headerComments = r.headerComments;
    error = r.error;
  } else if (lang === 'json') {
    const r = parsers.json()(body);
    root = r.root;
    error = r.error;
  } else if (lang === 'toml') {
    const r = parsers.toml()(body);
    root = r.root;
    error = r.error;
  } else {
    root = parsers.ini()(body);
  }
  if (error) return none(path, error);
  const input: StructuredInput = { path, text: body, root, lines, language: lang, headerComments, resolveReference: options.resolveReference };
  const format = recogniseFormat(input);
  if (format === null) return none(path);
  const settings = extractStructured(input, format ?? 'generic');
  if (format === undefined) {
    // No fingerprint: an ML config only if it names at least two distinct hyperparameter concepts.
    if (vocabularyScore(settings) < 2) return none(path);
    return finish(path, lang === 'json' ? 'ml-json' : lang === 'toml' ? 'ml-toml' : lang === 'ini' ? 'ml-ini' : 'ml-yaml', settings);
  }
  return finish(path, format, settings);
}

function finish(path: string, format: string | null, settings: Setting[]): DetectedFile {
  // A file without a single hyperparameter (or logged value) is not an ML config: report nothing.
  if (!format || !settings.some(s => s.kind === 'hyperparameter' || s.kind === 'logged')) return none(path);
  // fairseq's `adam` and DeepSpeed's `Adam` (FusedAdam/CPUAdam, adam_w_mode on by default) decay weights
  // the AdamW way: judging their weight decay as Adam's L2 term would be wrong.
  const named = optimizerOf(settings);
  const optimizer = named === 'adam' && (format === 'fairseq' || format === 'deepspeed') ? 'adamw' : named;
  const out = settings.map(s => (optimizer && (!s.optimizer || s.optimizer === named) && s.kind === 'hyperparameter' ? { ...s, optimizer } : s));
  let sorted = true;
  for (let i = 1; i < out.length && sorted; i++) sorted = bySource(out[i - 1], out[i]) <= 0;
  if (!sorted) out.sort(bySource);
  return { path, format, settings: out };
}

/** Sets the file's single named optimizer on the hyperparameters that do not carry one yet. */
export function withOptimizer(settings: readonly Setting[]): Setting[] {
  const optimizer = optimizerOf(settings);
  return settings.map(s => (optimizer && !s.optimizer && s.kind === 'hyperparameter' ? { ...s, optimizer } : s));
}

/** The optimizer named in the file (`type: AdamW`, `optim: adamw_torch`, `class_path: torch.optim.SGD`). */
function optimizerOf(settings: readonly Setting[]): string | undefined {
  const named = new Set<string>();
  for (const s of settings) {
    if (s.canonical === 'optimizer' && typeof s.value === 'string' && s.value !== 'auto') named.add(normaliseOptimizer(s.value));
    // Hydra `_target_: torch.optim.AdamW` names the optimizer without an `optimizer` setting.
    if ((s.name === '_target_' || s.name === 'class_path') && typeof s.value === 'string' && /(^|\.)optim\.[A-Z]\w*$/.test(s.value)) named.add(normaliseOptimizer(s.value));
    if (s.optimizer) named.add(s.optimizer);
  }
  return named.size === 1 ? [...named][0] : undefined;
}

export function normaliseOptimizer(name: string): string {
  const n = name.split('.').pop()?.toLowerCase() ?? '';
  // `adamw_torch_fused`, `paged_adamw_32bit`, `adamw_bnb_8bit` are all AdamW.
  for (const family of ['adamw', 'nadam', 'radam', 'adamax', 'adam', 'sgd', 'rmsprop', 'adagrad', 'adadelta', 'lamb', 'lion', 'adafactor', 'lbfgs', 'ftrl']) {
    if (n.includes(family)) return family;
  }
  return n;
}

interface Interval {
  readonly start: number; // line * 2^20 + character, so one number orders positions
  readonly end: number;
  readonly setting: Setting;
}

const indexCache = new WeakMap<DetectedFile, Interval[]>();
const pos = (line: number, character: number) => line * 1048576 + Math.min(character, 1048575);

function intervals(file: DetectedFile): Interval[] {
  let list = indexCache.get(file);
  if (!list) {
    list = [];
    for (const s of file.settings) {
      list.push({ start: pos(s.range.line, s.range.character), end: pos(s.range.endLine, s.range.endCharacter), setting: s });
      for (const r of s.alsoAt ?? []) list.push({ start: pos(r.line, r.character), end: pos(r.endLine, r.endCharacter), setting: s });
      const v = s.valueRange;
      // Multi-line values (whole lists, call arguments) would shadow the keys inside them.
      if (v && v.line === v.endLine) list.push({ start: pos(v.line, v.character), end: pos(v.endLine, v.endCharacter), setting: s });
    }
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    indexCache.set(file, list);
  }
  return list;
}

/** The setting whose key or (single-line) value covers the position, for hovers. O(log n). */
export function findSettingAt(file: DetectedFile, line: number, character: number): Setting | undefined {
  const list = intervals(file);
  const p = pos(line, character);
  const last = lastAtOrBefore(list, it => it.start, p);
  let best: Interval | undefined;
  for (let i = last; i >= 0 && i > last - 16; i--) {
    const it = list[i];
    if (it.start <= p && p <= it.end && (!best || it.end - it.start < best.end - best.start)) best = it;
  }
  return best?.setting;
}
