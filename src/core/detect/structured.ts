/**
 * Setting extraction for the data formats (YAML, JSON, TOML, INI; their format is recognised in
 * fingerprint.ts): one generic walk over the ConfigNode tree, with the per-format conventions —
 * wrappers to strip, where the sweep domains live, what `${…}`, `"auto"`, `???` and `lin_0.1` mean —
 * applied on top.
 */
import { classifyKey, type Classification } from './classify';
import { katibSpec, nniSpec, parseOverrideGrammar, sweeperSpec, wandbSpec } from './sweep';
import type { LineIndex } from './text';
import { hydraGroup } from './fingerprint';
import { isSpecMap, toPlain, type ConfigEntry, type ConfigMap, type ConfigNode, type Plain } from './tree';
import type { SearchDomain, Setting } from './types';
import { nonHyperparameterKind, normaliseName } from './vocabulary';

export interface StructuredInput {
  readonly path: string;
  readonly text: string;
  readonly root: ConfigNode | undefined;
  readonly lines: LineIndex;
  readonly language: 'yaml' | 'json' | 'toml' | 'ini';
  readonly headerComments?: string;
  /** Cross-file lookup of a mounted Hydra key (`model.lr`), when the config folder is known. */
  readonly resolveReference?: (dotted: string) => unknown;
  /** Framework known from elsewhere (Python imports) when the format does not imply one. */
  readonly frameworkHint?: string;
}

export interface StructuredResult {
  readonly format: string | null;
  readonly settings: Setting[];
}

const FRAMEWORK_OF_FORMAT: Record<string, string> = {
  'lightning-cli': 'lightning', 'hf-training-args': 'hf', 'hf-model-config': 'hf', 'hf-trainer-state': 'hf', deepspeed: 'deepspeed',
  ultralytics: 'ultralytics', detectron2: 'detectron2', 'rl-zoo': 'sb3', 'wandb-sweep': 'wandb', nni: 'nni', katib: 'katib',
  'xgboost-conf': 'xgboost', 'lightgbm-conf': 'lightgbm', fairseq: 'fairseq', opennmt: 'opennmt', torchtitan: 'pytorch', kohya: 'kohya', axolotl: 'hf', hydra: 'hydra',
};

/** Keys that only wrap the real settings; the KB lookup and the displayed path skip them. */
const CLASS_WRAPPERS = new Set(['init_args', 'dict_kwargs']);
const LOOKUP_WRAPPERS = new Set(['params', 'kwargs', 'config', 'cfg', 'args', 'init_args', 'dict_kwargs', 'hparams', 'hyperparameters', 'hyperparams']);
const SYSTEM_SECTIONS = new Set(['job', 'profiling', 'metrics', 'checkpoint', 'logging', 'comm', 'logger', 'paths', 'wandb', 'mlflow', 'tensorboard', 'callbacks', 'datasets', 'memory_estimation', 'fault_tolerance', 'float8', 'experimental', 'validation', 'resources', 'env', 'environment', 'services', 'extras', 'hub', 'default_hooks', 'custom_hooks', 'env_cfg', 'vis_backends', 'visualizer', 'log_processor', 'val_evaluator', 'test_evaluator', 'val_cfg', 'test_cfg', 'profiler']);
const ML_TOOLS_IN_PYPROJECT = /^(hpstudio|ml|training|train|hparams|hyperparameters|model|optuna|wandb|sweep|experiment|config|lightning|hydra)$/;


interface Walk {
  readonly input: StructuredInput;
  readonly format: string;
  readonly framework?: string;
  readonly out: Setting[];
  /** Display paths swept by a Hydra sweeper in this file: their plain settings are hyperparameters. */
  readonly swept: Set<string>;
  /** Flat map of this file's mounted paths → values, for `${…}` resolution. */
  readonly values: Map<string, unknown>;
  budget: number;
}

function display(path: readonly string[]): string {
  let s = '';
  for (const p of path) {
    if (p.startsWith('[')) s += p;
    else if (p.includes('.') || p.includes(' ')) s += `[${JSON.stringify(p)}]`;
    else s += s ? `.${p}` : p;
  }
  return s;
}

function setting(w: Walk, e: ConfigEntry, keyPath: readonly string[], name: string, cls: Classification, extra: Partial<Setting> = {}): void {
  if (--w.budget < 0) return;
  const v = e.value;
  const value = v.type === 'scalar' ? v.value : toPlain(v);
  const raw = v.type === 'scalar' ? v.raw : w.input.text.slice(v.start, v.end);
  const s: Setting = {
    key: display(keyPath),
    name,
    canonical: cls.canonical,
    kind: cls.kind,
    value,
    raw,
    range: w.input.lines.range(e.keyStart, e.keyEnd),
    valueRange: w.input.lines.range(v.start, v.end),
    ...(w.framework ? { framework: w.framework } : {}),
    ...(e.inherited ? { origin: { kind: 'inherited' as const, text: e.inherited } } : {}),
    ...extra,
  };
  w.out.push(s);
}

/** The registry/constructor type a mapping declares: `type: SGD`, `_target_: torch.optim.Adam`, `class_path`. */
function classOf(map: ConfigMap): string | undefined {
  for (const k of ['type', '_target_', 'class_path', 'name']) {
    const e = map.entries.find(x => x.key === k);
    if (e && e.value.type === 'scalar' && typeof e.value.value === 'string') {
      if (k === 'name' && !/^[A-Z]/.test(e.value.value)) continue;
      return e.value.value.split('.').pop()?.toLowerCase();
    }
  }
  return map.className?.toLowerCase();
}

function walkMap(w: Walk, map: ConfigMap, keyPath: string[], parents: string[], className: string | undefined, depth: number): void {
  if (depth > 100 || w.budget < 0) return;
  const siblings = new Set(map.entries.map(e => normaliseName(e.key)));
  const own = classOf(map) ?? className;
  for (const e of map.entries) {
    const norm = normaliseName(e.key);
    if (CLASS_WRAPPERS.has(norm)) {
      const v = e.value;
      if (v.type === 'map') walkMap(w, v, keyPath, parents, own, depth + 1);
      continue;
    }
    if (w.format === 'hydra' && depth === 0 && norm === 'defaults') continue;
    if (w.format === 'hydra' && keyPath.length === 0 && norm === 'hydra') {
      walkHydraBlock(w, e, ['hydra'], depth + 1);
      continue;
    }
    walkEntry(w, e, keyPath, parents, siblings, own, depth);
  }
}

function walkEntry(w: Walk, e: ConfigEntry, keyPath: string[], parents: string[], siblings: ReadonlySet<string>, className: string | undefined, depth: number): void {
  const norm = normaliseName(e.key);
  const v = e.value;
  const nextPath = [...keyPath, e.key];
  const nextParents = LOOKUP_WRAPPERS.has(norm) ? parents : [...parents, norm];
  if (v.type === 'map') {
    // An NNI distribution `{_type, _value}` is one swept setting, wherever it sits (Python dicts too).
    const plain = v.entries.some(x => x.key === '_type') ? toPlain(v) : undefined;
    if (isSpecMap(plain, ['_type']) && '_value' in plain) {
      const cls = classifyKey(e.key, { parents, siblings, className, framework: w.framework });
      const search = nniSpec(plain);
      setting(w, e, nextPath, e.key, { canonical: cls.canonical, kind: 'hyperparameter' }, { value: null, ...(search ? { search } : {}) });
      return;
    }
    // A W&B sweep written as a dict (`sweep_config = {"method": "bayes", "parameters": {…}}`).
    const params = v.entries.find(x => x.key === 'parameters');
    const method = v.entries.find(x => x.key === 'method');
    if (params?.value.type === 'map' && method?.value.type === 'scalar' && /^(grid|random|bayes)$/.test(String(method.value.value))) {
      for (const x of v.entries) if (x !== params) setting(w, x, [...nextPath, x.key], x.key, { canonical: null, kind: 'search-setting' });
      wandbParameters(w, params.value, nextPath);
      return;
    }
    if (w.format === 'lightning-cli' && v.entries.some(x => x.key === 'class_path')) {
      const cp = v.entries.find(x => x.key === 'class_path') as ConfigEntry;
      const cls = classifyKey('class_path', { parents: nextParents, framework: w.framework });
      setting(w, cp, nextPath, 'class_path', cls.canonical ? cls : { canonical: null, kind: 'other' });
      walkMap(w, { ...v, entries: v.entries.filter(x => x.key !== 'class_path') }, nextPath, nextParents, classOf(v), depth + 1);
      return;
    }
    walkMap(w, v, nextPath, nextParents, className, depth + 1);
    return;
  }
  if (v.type === 'list') {
    // A list of plain values or of lists (GPT-NeoX `attention_config: [[["mamba"], 64]]`) is one value;
    // only lists of mappings (pipelines, parameter groups) hold settings of their own.
    const structured = v.items.some(i => i.type === 'map');
    if (!structured) {
      leaf(w, e, nextPath, parents, siblings, className);
      return;
    }
    v.items.forEach((item, i) => {
      const p = [...nextPath, `[${i}]`];
      if (item.type === 'map') walkMap(w, item, p, nextParents, classOf(item), depth + 1);
      else if (item.type === 'scalar') leaf(w, { key: e.key, keyStart: item.start, keyEnd: item.end, value: item }, p, parents, siblings, className);
    });
    return;
  }
  leaf(w, e, nextPath, parents, siblings, className);
}

/** What Composer's duration units count. */
const DURATION_UNITS: Record<string, string> = { ba: 'batches', ep: 'epochs', tok: 'tokens', sp: 'samples', dur: 'fraction of the whole run' };

const AUTO_ORIGIN: Record<string, string> = {
  deepspeed: "taken from the HF Trainer's TrainingArguments",
};

function leaf(w: Walk, e: ConfigEntry, keyPath: string[], parents: string[], siblings: ReadonlySet<string>, className: string | undefined): void {
  const v = e.value;
  const scalar = v.type === 'scalar' ? v : undefined;
  let cls = classifyKey(e.key, { parents, siblings, className, framework: w.framework, value: scalar?.value, raw: scalar?.raw });
  cls = adjustForFormat(w, cls, e, parents, className);
  const extra: { value?: unknown; origin?: Setting['origin']; search?: SearchDomain } = {};
  if (scalar && typeof scalar.value === 'string') {
    const s = scalar.value.trim();
    if (s === '???') {
      extra.value = null;
      extra.origin = { kind: 'mandatory', text: '???' };
    } else if (s === 'auto' || s === 'Auto') {
      extra.value = null;
      extra.origin = { kind: 'auto', text: AUTO_ORIGIN[w.format] ?? 'decided automatically at run time' };
    } else if (/^\d+(\.\d+)?(ba|ep|tok|sp|dur)$/.test(s) && cls.kind === 'hyperparameter') {
      // Composer durations (`3195ba`, `1ep`, `0.1dur`) are numbers with a unit, not text.
      extra.value = Number(s.replace(/[a-z]+$/, ''));
      extra.origin = { kind: 'schedule', text: `${s.replace(/^[\d.]+/, '')} = ${DURATION_UNITS[s.replace(/^[\d.]+/, '')]}` };
    } else if (w.format === 'rl-zoo' && /^lin_[-+]?[\d.]+(e[-+]?\d+)?$/i.test(s)) {
      extra.value = Number(s.slice(4));
      extra.origin = { kind: 'schedule', text: `linear schedule from ${s.slice(4)} to 0` };
    } else if (w.format !== 'wandb-sweep' && w.format !== 'katib' && /\$\{[^}]+\}/.test(s)) {
      extra.origin = { kind: 'reference', text: s };
      extra.value = resolveInterpolation(w, s);
    } else if ((w.format === 'detectron2' && /^\(.*\)$/.test(s)) || /^\(\s*[-+]?[\d.]+(e[-+]?\d+)?(\s*,\s*[-+]?[\d.]+(e[-+]?\d+)?)+\s*,?\s*\)$/i.test(s)) {
      // yacs and fairseq write tuples as strings: "(60000, 80000)", "(0.9,0.98)".
      // yacs reads tuples written as strings: "(60000, 80000)".
      const items = s.slice(1, -1).split(',').map(x => x.trim()).filter(Boolean);
      extra.value = items.map(x => (/^[-+]?[\d.]+(e[-+]?\d+)?$/i.test(x) ? Number(x) : x.replace(/^["']|["']$/g, '')));
    }
  }
  if (scalar?.search) {
    // A value that declares its own domain (`tune.loguniform(…)`) is swept, whatever its name.
    extra.search = scalar.search;
    extra.value = null;
    if (cls.kind !== 'hyperparameter') cls = { canonical: cls.canonical, kind: 'hyperparameter' };
  }
  if (scalar?.origin && !extra.origin) extra.origin = scalar.origin;
  if (e.inherited && !extra.origin) extra.origin = { kind: 'inherited', text: e.inherited };
  const dotted = display(keyPath);
  if (w.swept.has(dotted) && cls.kind !== 'hyperparameter') cls = { canonical: cls.canonical, kind: 'hyperparameter' };
  setting(w, e, keyPath, e.key, cls, extra);
  if (scalar && typeof scalar.value === 'string' && /^\s*dict\(/.test(scalar.value)) kwargsInString(w, e, keyPath);
}

/**
 * RL Zoo writes keyword arguments as a Python expression in a string: `policy_kwargs: "dict(net_arch=
 * [256, 256], log_std_init=-2)"`. Each literal keyword inside is a setting of its own, at its place.
 */
function kwargsInString(w: Walk, e: ConfigEntry, keyPath: readonly string[]): void {
  const v = e.value;
  // The source as written (a quoted string may span lines), so every keyword keeps its exact place.
  const raw = w.input.text.slice(v.start, v.end);
  const owner = normaliseName(e.key);
  for (const m of raw.matchAll(/\b([A-Za-z_]\w*)\s*=\s*(\[[^\]]*\]|[-+]?[\d.]+(?:e[-+]?\d+)?|True|False|None|[\w.]+)/g)) {
    const [, key, valueText] = m;
    const literal = parseKwargLiteral(valueText.replace(/\s+/g, ' '));
    const cls = classifyKey(key, { parents: [owner], framework: w.framework, value: literal, raw: valueText });
    if (cls.kind !== 'hyperparameter') continue;
    const at = v.start + (m.index ?? 0);
    const keyEntry: ConfigEntry = { key, keyStart: at, keyEnd: at + key.length, value: { type: 'scalar', start: at + m[0].length - valueText.length, end: at + m[0].length, value: literal, raw: valueText } };
    setting(w, keyEntry, [...keyPath, key], key, cls);
  }
}

function parseKwargLiteral(text: string): unknown {
  if (/^\[.*\]$/.test(text)) return text.slice(1, -1).split(',').map(s => s.trim()).filter(Boolean).map(s => (/^[-+]?[\d.]+(e[-+]?\d+)?$/i.test(s) ? Number(s) : s));
  if (/^[-+]?[\d.]+(e[-+]?\d+)?$/i.test(text)) return Number(text);
  if (text === 'True' || text === 'False') return text === 'True';
  if (text === 'None') return null;
  return text;
}

function adjustForFormat(w: Walk, cls: Classification, e: ConfigEntry, parents: readonly string[], className: string | undefined): Classification {
  const norm = normaliseName(e.key);
  const top = parents[0];
  if (w.format === 'hf-trainer-state') return { canonical: cls.canonical, kind: 'logged' };
  if (w.format === 'deepspeed') {
    if (parents.some(p => p === 'zero_optimization')) return { canonical: 'sharding', kind: 'system' };
    if (parents.some(p => p === 'fp16' || p === 'bf16' || p === 'amp')) return { canonical: 'precision', kind: 'system' };
    if (norm === 'warmup_min_lr') return { canonical: 'warmup_start_factor', kind: 'hyperparameter' };
  }
  if (w.format === 'detectron2' && norm === 'gamma') return { canonical: 'lr_decay_factor', kind: 'hyperparameter' };
  if (w.format === 'detectron2' && (top === 'datasets' || top === 'output_dir')) return { canonical: null, kind: 'system' };
  // Loss gains of the other YOLO heads (pose, keypoints, oriented boxes) and the classifier terms.
  if (w.format === 'ultralytics' && /^(pose|kobj|rle|angle|cls_ce|box|cls|dfl|obj)$/.test(norm)) return { canonical: 'loss_weight', kind: 'hyperparameter' };
  if (w.format === 'ultralytics' && norm === 'cls_ls') return { canonical: 'label_smoothing', kind: 'hyperparameter' };
  if (w.format === 'ultralytics' && (norm === 'model' || norm === 'data') && typeof (e.value as { value?: unknown }).value === 'string') return { canonical: null, kind: 'system' };
  if (w.format === 'hf-model-config' && norm === 'vocab_size') return { canonical: null, kind: 'other' };
  // A validation/test loader's batch size does not steer training, nor does an evaluation section's
  // length (`eval.max_iters`) or its preprocessing (`test_pipeline`).
  const evalSection = parents.some(p => /^(val|valid|validation|eval|evaluation|test)(_|$)/.test(p));
  if (cls.canonical === 'batch_size' && evalSection) return { canonical: 'eval_batch_size', kind: 'system' };
  if (cls.kind === 'hyperparameter' && evalSection) return { canonical: cls.canonical, kind: 'system' };
  if (w.format === 'nni' || w.format === 'wandb-sweep') {
    if (cls.kind === 'hyperparameter') return { canonical: null, kind: 'search-setting' };
  }
  // Settings inside logging / checkpoint / dataset sections configure the run, not the learning
  // (`trainer.callbacks[1].max_depth` is ModelSummary's depth) — early stopping excepted.
  if (cls.kind === 'hyperparameter' && parents.some(p => SYSTEM_SECTIONS.has(p)) && !/early_?stop/.test(`${parents.join(' ')} ${className ?? ''}`)) {
    return { canonical: cls.canonical, kind: 'system' };
  }
  if (w.format === 'axolotl' && /^(wandb|hub|special_tokens)/.test(parents[0] ?? '')) return { canonical: null, kind: 'system' };
  return cls;
}

function resolveInterpolation(w: Walk, s: string): unknown {
  const whole = /^\$\{([^}:]+)\}$/.exec(s);
  if (!whole) return s; // resolver calls (`${oc.env:X}`, `${now:…}`) and embedded references stay text
  const target = whole[1].trim().replace(/^\./, '');
  if (w.values.has(target)) {
    const v = w.values.get(target);
    if (typeof v === 'string' && /^\$\{[^}]+\}$/.test(v) && v !== s) return resolveInterpolation(w, v);
    return v;
  }
  const external = w.input.resolveReference?.(target);
  return external === undefined ? null : external;
}

function collectValues(node: ConfigNode, path: string[], out: Map<string, unknown>, depth = 0): void {
  if (depth > 60 || out.size > 50_000) return;
  if (node.type === 'map') {
    for (const e of node.entries) collectValues(e.value, [...path, e.key], out, depth + 1);
  } else {
    out.set(path.join('.'), toPlain(node));
    if (node.type === 'list') node.items.forEach((item, i) => collectValues(item, [...path, String(i)], out, depth + 1));
  }
}

/** `hydra:` block: sweeper `params` / `search_space` hold the swept keys; the rest are search settings. */
function walkHydraBlock(w: Walk, e: ConfigEntry, keyPath: string[], depth: number): void {
  if (e.value.type !== 'map' || depth > 50) {
    setting(w, e, keyPath, e.key, { canonical: null, kind: 'system' });
    return;
  }
  for (const child of e.value.entries) {
    const path = [...keyPath, child.key];
    const inSweeper = keyPath.includes('sweeper');
    if (inSweeper && (child.key === 'params' || child.key === 'search_space' || child.key === 'parametrization') && child.value.type === 'map') {
      for (const p of child.value.entries) sweptParameter(w, p, child.key);
      continue;
    }
    if (child.value.type === 'map') walkHydraBlock(w, child, path, depth + 1);
    else setting(w, child, path, child.key, { canonical: null, kind: inSweeper ? 'search-setting' : 'system' });
  }
}

function sweptParameter(w: Walk, p: ConfigEntry, block: string): void {
  const dotted = p.key;
  const segs = dotted.split('.');
  const name = segs[segs.length - 1];
  const plainValue = toPlain(p.value);
  let search: SearchDomain | undefined;
  if (typeof plainValue === 'string') search = parseOverrideGrammar(plainValue);
  else if (isSpecMap(plainValue, ['type', 'lower', 'upper', 'choices'])) search = sweeperSpec(plainValue);
  else if (Array.isArray(plainValue)) search = { type: 'categorical', choices: plainValue, source: 'list' };
  const cls = classifyKey(name, { parents: segs.slice(0, -1).map(normaliseName), framework: w.framework });
  w.swept.add(dotted);
  setting(w, p, segs, dotted, { canonical: cls.kind === 'hyperparameter' ? cls.canonical : cls.canonical, kind: 'hyperparameter' }, {
    value: search ? null : plainValue,
    ...(search ? { search: { ...search, source: search.source ?? block } } : {}),
  });
}

function walkWandb(w: Walk, root: ConfigMap): void {
  for (const e of root.entries) {
    if (e.key === 'parameters' && e.value.type === 'map') wandbParameters(w, e.value, []);
    else setting(w, e, [e.key], e.key, { canonical: null, kind: ['project', 'entity', 'name', 'description'].includes(e.key) ? 'system' : 'search-setting' });
  }
}

function wandbParameters(w: Walk, map: ConfigMap, prefix: string[]): void {
  // The other parameters are context, as the keys of a config block are (`decay` next to `decay_steps`).
  const siblings = new Set(map.entries.map(e => normaliseName(e.key)));
  for (const p of map.entries) {
    const spec = toPlain(p.value);
    const nested = p.value.type === 'map' ? p.value.entries.find(x => x.key === 'parameters') : undefined;
    if (nested && nested.value.type === 'map') {
      wandbParameters(w, nested.value, [...prefix, p.key]);
      continue;
    }
    const dotted = [...prefix, ...p.key.split('.')];
    const name = dotted[dotted.length - 1];
    const search = isSpecMap(spec, ['values', 'value', 'min', 'max', 'distribution']) ? wandbSpec(spec) : undefined;
    const cls = classifyKey(name, { parents: dotted.slice(0, -1).map(normaliseName), framework: w.framework, siblings });
    const fixed = isSpecMap(spec, ['value']) ? spec.value : null;
    // A constant handed to every run (`input_shape: {value: [72, 32, 1]}`) is not searched: a name known
    // as the data's shape, a path or logging keeps that kind. Searched parameters are always tuned.
    const constant = search?.source === 'value' ? nonHyperparameterKind(normaliseName(name)) : undefined;
    setting(w, p, dotted, p.key, { canonical: cls.canonical, kind: constant ?? 'hyperparameter' }, { value: fixed, ...(search ? { search } : {}) });
  }
}

function walkNni(w: Walk, root: ConfigMap): void {
  const space = root.entries.find(e => e.key === 'searchSpace');
  const specs = space && space.value.type === 'map' ? space.value : root.entries.every(e => isSpecMap(toPlain(e.value), ['_type'])) ? root : undefined;
  const siblings = new Set((specs?.entries ?? []).map(e => normaliseName(e.key)));
  for (const e of specs?.entries ?? []) {
    const spec = toPlain(e.value);
    const search = isSpecMap(spec, ['_type']) ? nniSpec(spec) : undefined;
    const cls = classifyKey(e.key.trim(), { siblings, framework: w.framework });
    setting(w, e, space && specs !== root ? ['searchSpace', e.key] : [e.key], e.key, { canonical: cls.canonical, kind: 'hyperparameter' }, { value: null, ...(search ? { search } : {}) });
  }
  if (specs === root) return;
  for (const e of root.entries) {
    if (e === space) continue;
    if (e.value.type === 'scalar') setting(w, e, [e.key], e.key, { canonical: null, kind: /^(trial|experiment|training|max|search)/i.test(e.key) || e.key === 'tuner' ? 'search-setting' : 'system' });
  }
}

function walkKatib(w: Walk, root: ConfigMap): void {
  const spec = root.entries.find(e => e.key === 'spec')?.value;
  const params = spec?.type === 'map' ? spec.entries.find(e => e.key === 'parameters')?.value : undefined;
  if (params?.type !== 'list') return;
  for (const item of params.items) {
    if (item.type !== 'map') continue;
    const nameEntry = item.entries.find(e => e.key === 'name');
    if (!nameEntry || nameEntry.value.type !== 'scalar') continue;
    const name = String(nameEntry.value.value);
    const plain = toPlain(item) as Plain;
    const search = katibSpec(plain.parameterType, (plain.feasibleSpace ?? {}) as Plain);
    const cls = classifyKey(name, { framework: w.framework });
    const keyEntry: ConfigEntry = { key: name, keyStart: nameEntry.value.start, keyEnd: nameEntry.value.end, value: item };
    const s0 = w.out.length;
    setting(w, keyEntry, [name], name, { canonical: cls.canonical, kind: 'hyperparameter' }, { value: null, ...(search ? { search } : {}) });
    if (w.out.length > s0) {
      const s = w.out[w.out.length - 1];
      // The key is the parameter's name string; the raw text is the feasible space as written.
      w.out[w.out.length - 1] = { ...s, raw: w.input.text.slice(item.start, item.end).trim() };
    }
  }
}

function walkRlZoo(w: Walk, root: ConfigMap): void {
  for (const env of root.entries) {
    if (env.value.type === 'map') walkMap(w, env.value, [env.key], [], undefined, 1);
    else setting(w, env, [env.key], env.key, { canonical: null, kind: 'other' });
  }
}

function walkPyproject(w: Walk, root: ConfigMap): void {
  const tool = root.entries.find(e => e.key === 'tool');
  if (!tool || tool.value.type !== 'map') return;
  for (const t of tool.value.entries) {
    if (ML_TOOLS_IN_PYPROJECT.test(t.key) && t.value.type === 'map') walkMap(w, t.value, ['tool', t.key], [], undefined, 1);
  }
}

/** Mount point of a Hydra file: `# @package` wins, else the group folder path. */
function hydraPrefix(input: StructuredInput): string[] {
  const pkg = /#\s*@package\s+([\w.]+)/.exec(input.headerComments ?? '');
  if (pkg) {
    const p = pkg[1];
    if (p === '_global_') return [];
    if (p === '_group_') return hydraGroup(input.path) ?? [];
    return p.split('.');
  }
  const group = hydraGroup(input.path) ?? [];
  // Experiment-like groups are written against the global package by convention.
  return group;
}

export function extractStructured(input: StructuredInput, format: string): Setting[] {
  const root = input.root;
  if (!root || root.type !== 'map') return [];
  const w: Walk = { input, format, framework: input.frameworkHint ?? FRAMEWORK_OF_FORMAT[format], out: [], swept: new Set(), values: new Map(), budget: 100_000 };
  if (format === 'hydra') {
    const prefix = hydraPrefix(input);
    collectValues(root, prefix, w.values);
    // Sweeper first so the plain settings it sweeps are known to be hyperparameters.
    const hydraEntry = root.entries.find(e => e.key === 'hydra');
    const before = w.out.length;
    if (hydraEntry) walkHydraBlock(w, hydraEntry, ['hydra'], 1);
    const sweeperSettings = w.out.splice(before);
    walkMap(w, { ...root, entries: root.entries.filter(e => e.key !== 'hydra') }, prefix, prefix.map(normaliseName), undefined, 0);
    w.out.push(...sweeperSettings);
  } else if (format === 'wandb-sweep') walkWandb(w, root);
  else if (format === 'nni') walkNni(w, root);
  else if (format === 'katib') walkKatib(w, root);
  else if (format === 'rl-zoo') walkRlZoo(w, root);
  else if (format === 'pyproject') walkPyproject(w, root);
  else if (format === 'lightning-cli') {
    collectValues(root, [], w.values);
    walkMap(w, root, [], [], undefined, 0);
  } else {
    walkMap(w, root, [], [], undefined, 0);
  }
  return w.out;
}

/** Kind-weighted vocabulary score used when no fingerprint named the format. */
export function vocabularyScore(settings: readonly Setting[]): number {
  const ids = new Set<string>();
  for (const s of settings) if (s.kind === 'hyperparameter' && s.canonical) ids.add(s.canonical);
  return ids.size;
}

