/**
 * Key → (canonical id, kind). Exact aliases first; generic names (`gamma`, `alpha`, `eps`, …) are
 * decided by their context — parent keys, siblings, constructor class, framework, help text —
 * because the same spelling means different things in different libraries.
 */
import { disambiguate, hp, other } from './contextRules';
import type { SettingKind } from './types';
import { VOCABULARY, nonHyperparameterKind, normaliseName } from './vocabulary';

export interface KeyContext {
  /** Normalised enclosing key names, outermost first, wrappers (`init_args`, `params`) removed. */
  readonly parents?: readonly string[];
  /** Normalised names of the keys next to this one. */
  readonly siblings?: ReadonlySet<string>;
  /** Constructor / registry type in effect, lower-cased last segment: `steplr`, `svc`, `loraconfig`. */
  readonly className?: string;
  /** File-level framework hint: 'xgboost', 'sb3', 'sklearn', 'ultralytics', 'keras', … */
  readonly framework?: string;
  /** argparse help text, when there is one. */
  readonly help?: string;
  readonly value?: unknown;
  readonly raw?: string;
}

export interface Classification {
  readonly canonical: string | null;
  readonly kind: SettingKind;
}

/** Patterns for spellings that are not in the table but follow a clear convention. */
const PATTERNS: Array<[RegExp, string]> = [
  [/^dropout_l\d+$|^dropout_?\d+$|_dropout$|_dropout_(prob|rate)$|_pdrop$|^drop_?rate_?\d*$/, 'dropout'],
  [/^filters_?\d+$|^n_filters_l?\d+$/, 'channels'],
  [/_kernel_size$/, 'kernel_size'],
  [/_clip_norm$/, 'grad_clip_norm'],
  [/^n_units_l\d+$|^lin\d+_size$|^fc\d+_?(size|dim|units)?$|^hidden_size_?\d+$|^units_?\d+$|^n_hidden$/, 'hidden_size'],
  [/^(n|num)_.*layers$|_layers$/, 'num_layers'],
  [/_lr$|^lr_(init|base|max|peak)$/, 'learning_rate'],
  [/_loss_(coeff|coef|weight|gain)$|^lambda_(cls|box|reg|mask|obj|l1|giou)$/, 'loss_weight'],
  [/_epochs$/, 'epochs'],
  [/(^|_)batch_?size$/, 'batch_size'],
  [/_weight_decay$/, 'weight_decay'],
  [/_warmup_steps$/, 'warmup_steps'],
  [/_momentum$/, 'momentum'],
  [/^max_.*_(length|len)$|_seq_len(gth)?$/, 'seq_length'],
  [/_num_heads$|_heads$/, 'num_heads'],
  [/_(hidden_dim|hidden_size)$/, 'hidden_size'],
  [/_(embed|embedding)_(dim|size)$/, 'embedding_dim'],
  [/^lora_/, 'lora_targets'],
];
/** All of PATTERNS in one expression: most names match none, and one test says so. */
const ANY_PATTERN = new RegExp(PATTERNS.map(([re]) => `(?:${re.source})`).join('|'));

/** Specific aliases split into tokens, by token count and their first token's first two characters (a name's first token prefixes a match's). */
interface AliasTokens {
  readonly groups: Map<string, Array<[string[], string]>>;
  /** Every prefix of an alias token, by the token's position: a name token outside it matches nothing. */
  readonly prefixes: Array<Set<string>>;
}
let aliasTokens: AliasTokens | undefined;
const aliasGroup = (count: number, first: string) => `${count}:${first.slice(0, 2)}`;
const fuzzyCache = new Map<string, string | undefined>();

function buildAliasTokens(): AliasTokens {
  const groups = new Map<string, Array<[string[], string]>>();
  const prefixes: Array<Set<string>> = [];
  for (const [alias, entry] of VOCABULARY) {
    if (entry.kind !== 'hyperparameter' || entry.weight < 1) continue;
    const t = alias.split('_');
    const key = aliasGroup(t.length, t[0]);
    const list = groups.get(key) ?? [];
    list.push([t, entry.canonical]);
    groups.set(key, list);
    t.forEach((token, i) => {
      const at = (prefixes[i] ??= new Set());
      for (let n = 1; n <= token.length; n++) at.add(token.slice(0, n));
    });
  }
  return { groups, prefixes };
}

/**
 * Could the name match an alias token by token: two tokens or more, each the start of an alias token
 * at its position? Most names fail at once (`lr_123`); this saves splitting them.
 */
function mayMatchAlias(name: string, prefixes: ReadonlyArray<ReadonlySet<string>>): boolean {
  let position = 0;
  for (let start = 0; start < name.length; ) {
    let end = name.indexOf('_', start);
    if (end < 0) end = name.length;
    if (end > start && !prefixes[position++]?.has(name.slice(start, end))) return false;
    start = end + 1;
  }
  return position >= 2;
}

/** Token-prefix match against specific aliases: `n_est` ↔ `n_estimators`, `lr_sched` ↔ `lr_scheduler`. */
function fuzzy(name: string): string | undefined {
  aliasTokens ??= buildAliasTokens();
  const { groups, prefixes } = aliasTokens;
  if (name.length < 4 || !mayMatchAlias(name, prefixes)) return undefined;
  if (fuzzyCache.has(name)) return fuzzyCache.get(name);
  const tokens = name.split('_').filter(Boolean);
  let found: string | undefined;
  for (const [at, canonical] of groups.get(aliasGroup(tokens.length, tokens[0])) ?? []) {
    if (at.every((t, i) => t.startsWith(tokens[i]) && (tokens[i].length >= 2 || t.length === tokens[i].length))) {
      if (found && found !== canonical) {
        found = undefined; // ambiguous: say nothing
        break;
      }
      found = canonical;
    }
  }
  if (fuzzyCache.size < 10_000) fuzzyCache.set(name, found);
  return found;
}

/** sklearn's `C`, alone or as a Pipeline step's (`clf__C`): the one spelling whose case matters. */
const isPipelineC = (rawName: string) => rawName.endsWith('__C') || rawName === 'C';

/** Do two spellings of one option classify alike in every context (`--learning-rate` and `learning_rate`)? */
export function sameSpelling(a: string, b: string): boolean {
  return normaliseName(a) === normaliseName(b) && isPipelineC(a) === isPipelineC(b);
}

/** Classifies one key. Unknown keys come back as `{ canonical: null, kind: 'other' }`. */
export function classifyKey(rawName: string, ctx: KeyContext = {}): Classification {
  const found = classifyName(rawName, ctx);
  // A split ratio written as a word is a split's name (timm `--val-split validation`, `val_split: val`).
  if (found.canonical === 'val_split' && typeof ctx.value === 'string' && /^[A-Za-z_][\w.\-[\]:%]*$/.test(ctx.value.trim())) return other;
  return found;
}

function classifyName(rawName: string, ctx: KeyContext): Classification {
  let name = normaliseName(rawName);
  // INI spellings such as `test:data` and `eval[test]` (XGBoost CLI) name data sources.
  if (/[:[]/.test(name)) name = name.split(':').pop()?.replace(/\[.*$/, '') ?? name;
  // sklearn Pipeline grids: `clf__C` is the `C` of step `clf`.
  if (name.includes('__')) {
    const parts = name.split('__');
    name = parts[parts.length - 1];
    if (isPipelineC(rawName)) name = 'c';
    const inner = classifyKey(name, { ...ctx, framework: ctx.framework ?? 'sklearn', className: ctx.className ?? parts[0] });
    return inner;
  }
  // "computed at run time" (cleanrl's `batch_size: int = 0`): a placeholder the script fills in.
  if (/\b(computed|filled in|derived|set) (in|at|during) run ?time\b/i.test(ctx.help ?? '')) return other;
  // A path or file name is never a hyperparameter value (`data_prefix: {img: train2017/}`).
  if (typeof ctx.value === 'string' && /^(\.{0,2}\/|[\w.-]+\/)|\.(json|ya?ml|txt|pt|pth|bin|ckpt|csv|npy|pkl)$/.test(ctx.value.trim())) {
    const special = disambiguate(name, ctx);
    if (!special || special.kind === 'hyperparameter') return { canonical: null, kind: 'system' };
  }
  const special = disambiguate(name, ctx);
  // A shared name the context could not settle (`scale` outside a pipeline) may still be named by its help text.
  if (special?.kind === 'hyperparameter' && special.canonical === null) return helpClassification(ctx.help) ?? special;
  if (special) return special;
  const known = VOCABULARY.get(name);
  if (known) {
    // An eval batch size or `optimizer` holding a path are still what the table says; but values
    // that are obviously paths override a hyperparameter reading (Ultralytics `model: yolov8n.pt`).
    return { canonical: known.canonical, kind: known.kind };
  }
  const nonHp = nonHyperparameterKind(name);
  if (nonHp) return { canonical: name === 'seed' ? 'seed' : null, kind: nonHp };
  // Name patterns guess numeric concepts; an expression written as text (`conv_feature_layers:
  // "[(512,10,5)] * 4"`) or a word is not one of those numbers.
  const textValue = typeof ctx.value === 'string' && !/^([-+]?[\d.]+(e[-+]?\d+)?|\$\{.*\}|\?\?\?|auto)$/i.test(ctx.value.trim());
  if (!textValue && ANY_PATTERN.test(name)) for (const [re, canonical] of PATTERNS) if (re.test(name)) return hp(canonical);
  const guess = fuzzy(name);
  if (guess) return hp(guess);
  const prefixed = modelPrefixed(name, ctx);
  if (prefixed) return prefixed;
  const fromHelp = helpClassification(ctx.help);
  if (fromHelp) return fromHelp;
  return other;
}

/** Model tags that Optuna and sweep code put in front of a parameter name (`svc_c`, `rf_max_depth`). */
// Not `lr_` (learning-rate options: `lr_noise_std`) nor `reg_` (regularisation: `reg_alpha`).
const MODEL_PREFIX = /^(svc|svm|svr|rf|et|xgb|lgb|lgbm|gb|gbm|gbdt|cat|knn|mlp|cnn|rnn|lstm|gru|logreg|ridge|lasso|dt|ada|nn|clf|model|net|enc|dec|encoder|decoder|actor|critic|disc|gen|g|d)_(.+)$/;
const PREFIX_CLASS: Readonly<Record<string, string>> = { svc: 'svc', svm: 'svc', svr: 'svr', rf: 'randomforestclassifier', et: 'extratreesclassifier', xgb: 'xgbclassifier', lgb: 'lgbmclassifier', lgbm: 'lgbmclassifier', gb: 'gradientboostingclassifier', cat: 'catboostclassifier', knn: 'kneighborsclassifier', logreg: 'logisticregression', ridge: 'ridge', lasso: 'lasso', dt: 'decisiontreeclassifier', ada: 'adaboostclassifier' };

function modelPrefixed(name: string, ctx: KeyContext): Classification | undefined {
  const m = MODEL_PREFIX.exec(name);
  if (!m) return undefined;
  const inner = classifyKey(m[2], { ...ctx, className: ctx.className ?? PREFIX_CLASS[m[1]] ?? m[1] });
  return inner.kind === 'hyperparameter' && inner.canonical ? inner : undefined;
}

/** Help text that says what an otherwise unknown option is (argparse `help=`, dataclass metadata, docstrings). */
const HELP_RULES: Array<[RegExp, string]> = [
  [/\b(learning rate|step size)\b/, 'learning_rate'],
  [/\bwarm-?up\b/, 'warmup_steps'],
  [/\bbatch size\b|\b(examples|sequences|images|samples) per (training )?batch\b/, 'batch_size'],
  [/\b(number of|how many) epochs\b|\bpasses over the (data|training)/, 'epochs'],
  [/\bdropout\b|\bdrop probability\b/, 'dropout'],
  [/\bweight decay\b/, 'weight_decay'],
  [/\bmomentum\b/, 'momentum'],
  [/\b(gradient (clipping|norm)|clip(ping)? (the )?grad)/, 'grad_clip_norm'],
  [/\battention heads\b/, 'num_heads'],
  [/\b(hidden (units|size|dimension)|width of (each|the) (hidden )?layer)/, 'hidden_size'],
  [/\b((number of|how many) (\w+ )?layers|layers are stacked|depth of the (network|model))\b/, 'num_layers'],
  [/\b(embedding (size|dim)|word vector|latent (vector|size|dim)|noise vector)/, 'embedding_dim'],
  [/\b(sequence length|context length|tokens per (training )?sequence|backprop(agation)? window)/, 'seq_length'],
  [/\b(image size|input (image )?size|side length of the)/, 'image_size'],
  [/\b(number of )?(filters|channels)\b/, 'channels'],
  [/\bkernel size\b/, 'kernel_size'],
  [/\b(crop scale|aspect ratio|random resized crop)/, 'geometric_augmentation'],
  [/\b(which|kind of|type of) (network|model|architecture)\b|\bnetwork to build\b|\bmodel architecture\b|\barchitecture to (train|build|use)\b|\bname of (the )?(model|network) to train\b/, 'architecture'],
  [/\b(optimizer|adamw|plain sgd)\b/, 'optimizer'],
  [/\blabel smoothing\b/, 'label_smoothing'],
  [/\bdiscount\b/, 'discount_factor'],
];

export function helpClassification(help: string | undefined): Classification | undefined {
  if (!help) return undefined;
  const text = help.toLowerCase();
  // Run plumbing (paths, devices, logging, checkpoints and resuming) is no hyperparameter, whatever it mentions.
  if (/\b(seed|path|folder|directory|file|log|print|save|device|gpu|worker|thread|evaluat|test(ing)? batch|checkpoint|resum|restor)/.test(text)) return undefined;
  // Help that names two concepts ("batch size the reference learning rate is meant for") decides nothing.
  const ids = new Set(HELP_RULES.filter(([re]) => re.test(text)).map(([, canonical]) => canonical));
  // The channels of the input are the data's shape (3 for RGB), not a width to tune.
  if (/\binput\b[^.;]*\bchannels\b|\bchannels of the input\b/.test(text)) ids.delete('channels');
  return ids.size === 1 ? hp([...ids][0]) : undefined;
}

/** How strongly a key name alone signals ML configuration (0 = not at all). */
export function aliasWeight(rawName: string): number {
  const entry = VOCABULARY.get(normaliseName(rawName));
  return entry && entry.kind === 'hyperparameter' ? entry.weight : 0;
}
