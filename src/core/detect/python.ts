/**
 * Python sources (`@lezer/python`, error-tolerant, positions kept): module constants, config dicts
 * (mmengine `dict(…)`, Detectron2 `L(Class)(…)` and attribute / subscript overrides), calls of known
 * constructors, argparse `add_argument`, dataclass fields, Optuna `suggest_*`, Ray Tune domains and
 * scikit-learn grids. Simple arithmetic is constant-folded (`5e-4 * 1024 / 512`).
 */
import { parser } from '@lezer/python';
import type { SyntaxNode } from '@lezer/common';
import { classifyKey, sameSpelling } from './classify';
import { pythonTrees, type PythonSource } from './parsers/pythonSource';
import { extractStructured } from './structured';
import { callDomain, suggestDomain } from './sweep';
import type { LineIndex } from './text';
import type { ConfigEntry, ConfigMap, ConfigNode, ConfigScalar } from './tree';
import type { SearchDomain, Setting, SourceRange, Writable } from './types';
import { normaliseName, VOCABULARY } from './vocabulary';
import { assignmentPairs, isEmptyContainer, isOutputLayer, loopUpdated, namedByUse } from './pythonSyntax';

export interface PythonResult {
  readonly format: string | null;
  readonly settings: Setting[];
}

const ML_IMPORT = /^(torch|tensorflow|keras|tf_keras|sklearn|xgboost|lightgbm|catboost|jax|flax|optax|optuna|ray|transformers|peft|trl|mmengine|mmdet|mmcv|mmpretrain|mmseg|detectron2|fvcore|stable_baselines3|sb3_contrib|ultralytics|nni|hyperopt|wandb|lightning|pytorch_lightning|accelerate|deepspeed|timm|paddle|mxnet|datasets|gymnasium|gym|skorch|fastai|diffusers|torchvision|torchaudio|keras_tuner|hydra|omegaconf|sentence_transformers)\b/;

/** Constructors whose keyword arguments are settings (`ClassName.kwarg`). Lower-case names. */
const KNOWN_CALLS = new Set([
  'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam', 'radam', 'lbfgs', 'lion', 'adafactor', 'lamb', 'sparseadam', 'adamw8bit',
  'steplr', 'multisteplr', 'exponentiallr', 'cosineannealinglr', 'cosineannealingwarmrestarts', 'reducelronplateau', 'onecyclelr', 'linearlr', 'cycliclr', 'polynomiallr', 'constantlr',
  'get_linear_schedule_with_warmup', 'get_cosine_schedule_with_warmup', 'get_scheduler', 'cosinedecay', 'exponentialdecay', 'piecewiseconstantdecay',
  'dropout', 'dropout1d', 'dropout2d', 'dropout3d', 'alphadropout', 'lstm', 'gru', 'rnn', 'transformer', 'transformerencoderlayer', 'transformerdecoderlayer', 'multiheadattention', 'embedding', 'conv1d', 'conv2d', 'conv3d', 'batchnorm1d', 'batchnorm2d', 'layernorm', 'dense', 'spatialdropout1d', 'spatialdropout2d', 'bidirectional',
  'dataloader', 'trainingarguments', 'seq2seqtrainingarguments', 'sftconfig', 'dpoconfig', 'grpoconfig', 'ppoconfig', 'rewardconfig', 'loraconfig', 'prefixtuningconfig', 'ia3config',
  'trainer', 'earlystopping', 'reducelronplateau', 'modelcheckpoint', 'compile', 'fit', 'train_test_split',
  'xgbclassifier', 'xgbregressor', 'xgbranker', 'xgbrfclassifier', 'lgbmclassifier', 'lgbmregressor', 'lgbmranker', 'catboostclassifier', 'catboostregressor', 'catboost',
  'svc', 'svr', 'nusvc', 'linearsvc', 'logisticregression', 'randomforestclassifier', 'randomforestregressor', 'gradientboostingclassifier', 'gradientboostingregressor', 'histgradientboostingclassifier', 'histgradientboostingregressor',
  'kneighborsclassifier', 'kneighborsregressor', 'kmeans', 'minibatchkmeans', 'dbscan', 'ridge', 'lasso', 'elasticnet', 'sgdclassifier', 'sgdregressor', 'mlpclassifier', 'mlpregressor', 'pca', 'tsne', 'tfidfvectorizer', 'countvectorizer',
  'resnet', 'decisiontreeclassifier', 'decisiontreeregressor', 'extratreesclassifier', 'extratreesregressor', 'gaussianmixture', 'adaboostclassifier',
  'ppo', 'a2c', 'dqn', 'sac', 'td3', 'ddpg', 'trpo', 'recurrentppo', 'randomresizedcrop', 'randomerasing', 'colorjitter', 'randomhorizontalflip', 'randaugment', 'randomrotation', 'randomzoom', 'randomflip', 'crossentropyloss', 'yolo', 'train',
]);

/** Positional parameters worth reading, per constructor. */
const POSITIONAL: Record<string, readonly string[]> = {
  sgd: ['params', 'lr'], adam: ['params', 'lr'], adamw: ['params', 'lr'], rmsprop: ['params', 'lr'], adagrad: ['params', 'lr'],
  steplr: ['optimizer', 'step_size', 'gamma'], multisteplr: ['optimizer', 'milestones', 'gamma'], exponentiallr: ['optimizer', 'gamma'], cosineannealinglr: ['optimizer', 't_max', 'eta_min'],
  dropout: ['p'], dropout1d: ['p'], dropout2d: ['p'], dropout3d: ['p'], alphadropout: ['p'], spatialdropout1d: ['rate'], spatialdropout2d: ['rate'],
  lstm: ['input_size', 'hidden_size', 'num_layers'], gru: ['input_size', 'hidden_size', 'num_layers'], embedding: ['num_embeddings', 'embedding_dim'],
  conv1d: ['in_channels', 'out_channels', 'kernel_size'], conv2d: ['in_channels', 'out_channels', 'kernel_size'], multiheadattention: ['embed_dim', 'num_heads'],
  transformerencoderlayer: ['d_model', 'nhead', 'dim_feedforward', 'dropout'], kneighborsclassifier: ['n_neighbors'], kneighborsregressor: ['n_neighbors'], kmeans: ['n_clusters'], pca: ['n_components'],
};
const KERAS_POSITIONAL: Record<string, readonly string[]> = { dense: ['units'], dropout: ['rate'], conv2d: ['filters', 'kernel_size'], conv1d: ['filters', 'kernel_size'], lstm: ['units'], gru: ['units'], embedding: ['input_dim', 'output_dim'] };

/** Keras Tuner / hyperopt domains that carry their own name as first argument. */
const NAMED_DOMAIN = /^hp\.(Float|Int|Choice|Boolean|uniform|loguniform|quniform|qloguniform|choice|randint|normal)$/;

const RUN_STATE_CLASS = /(State|Result|Results|Metrics|Output|Outputs|Record|Stats)$/;
const GRID_VARS = /^(param_grid|param_grids|param_dist|param_distributions|tuned_parameters|parameters|params_grid|grid|search_space|space|hyperparameter_grid|hparams_grid)$/i;
const SEARCH_KWARGS = new Set(['config', 'param_space', 'search_space', 'param_grid', 'param_distributions']);
/**
 * Calls that use or write out a trained model: their keywords (`predict(num_iteration=7)`,
 * `export_onnx(batch_size=1)`, `generate(temperature=1.0)`) choose how it is used, not how it is trained.
 */
const MODEL_USE_CALL = /^(predict(_proba|_log_proba)?|decision_function|evaluate|score|generate|export\w*|save\w*|to_onnx|inference|infer)$/;

interface Folded {
  readonly ok: boolean;
  readonly value: unknown;
  /** Name of the constant the value came from (`learning_rate` in `AdamW(learning_rate=learning_rate)`). */
  readonly ref?: string;
}

const FAIL: Folded = { ok: false, value: undefined };

class PythonExtractor {
  private readonly env = new Map<string, unknown>();
  private readonly consumed = new Set<number>();
  readonly out: Setting[] = [];
  readonly rootEntries: ConfigEntry[] = [];
  framework: string | undefined;
  optimizerFromImport: string | undefined;
  imports = '';
  hasMlImport = false;
  private readonly gridVars = new Set<string>();
  /** Names the current scope updates in a loop: counters, not settings (see `loopUpdated`). */
  private loopState: ReadonlySet<string> = new Set();
  /** Keys and keywords around a suggest/hp call (`"lr": trial.suggest_float("lr", …)`), by the call's range. */
  readonly alsoAt: Array<{ at: SourceRange; range: SourceRange }> = [];

  constructor(private readonly text: string, private readonly lines: LineIndex) {}

  src(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  // ---- constant folding ----------------------------------------------------------------------

  fold(n: SyntaxNode | null, depth = 0): Folded {
    if (!n || depth > 60) return FAIL;
    switch (n.name) {
      case 'Number': {
        const t = this.src(n).replace(/_/g, '');
        if (/[jJ]$/.test(t)) return FAIL;
        const v = Number(t.replace(/[lL]$/, ''));
        return Number.isNaN(v) ? FAIL : { ok: true, value: v };
      }
      case 'String':
        return { ok: true, value: this.stringValue(n) };
      case 'Boolean':
        return { ok: true, value: this.src(n) === 'True' };
      case 'None':
        return { ok: true, value: null };
      case 'ParenthesizedExpression':
        return this.fold(n.firstChild?.nextSibling ?? null, depth + 1);
      case 'UnaryExpression': {
        const op = n.firstChild;
        const arg = this.fold(op?.nextSibling ?? null, depth + 1);
        if (!arg.ok) return FAIL;
        const o = op ? this.src(op) : '';
        if (o === '-' && typeof arg.value === 'number') return { ok: true, value: -arg.value, ref: arg.ref };
        if (o === '+' && typeof arg.value === 'number') return arg;
        if (o === 'not') return { ok: true, value: !arg.value };
        return FAIL;
      }
      case 'BinaryExpression': {
        const a = n.firstChild;
        const op = a?.nextSibling;
        const b = op?.nextSibling;
        const x = this.fold(a ?? null, depth + 1);
        const y = this.fold(b ?? null, depth + 1);
        if (!x.ok || !y.ok || !op) return FAIL;
        const o = this.src(op);
        if (typeof x.value === 'number' && typeof y.value === 'number') {
          const p = x.value;
          const q = y.value;
          const r = o === '+' ? p + q : o === '-' ? p - q : o === '*' ? p * q : o === '/' ? (q === 0 ? NaN : p / q) : o === '//' ? (q === 0 ? NaN : Math.floor(p / q)) : o === '%' ? (q === 0 ? NaN : p % q) : o === '**' ? p ** q : NaN;
          return Number.isFinite(r) ? { ok: true, value: r } : FAIL;
        }
        if (o === '+' && typeof x.value === 'string' && typeof y.value === 'string') return { ok: true, value: x.value + y.value };
        if (o === '*' && Array.isArray(x.value) && typeof y.value === 'number' && y.value < 1000) return { ok: true, value: Array.from({ length: y.value }, () => x.value as unknown[]).flat() };
        return FAIL;
      }
      case 'TupleExpression':
      case 'ArrayExpression':
      case 'SetExpression': {
        const items: unknown[] = [];
        for (let c = n.firstChild; c; c = c.nextSibling) {
          if (/^[()[\]{},]$/.test(c.name) || c.name === 'Comment') continue;
          const f = this.fold(c, depth + 1);
          if (!f.ok) return FAIL;
          items.push(f.value);
        }
        return { ok: true, value: items };
      }
      case 'DictionaryExpression': {
        const obj: Record<string, unknown> = {};
        const kids = this.children(n).filter(c => !/^[{}:,]$/.test(c.name));
        for (let i = 0; i + 1 < kids.length; i += 2) {
          const k = this.fold(kids[i], depth + 1);
          const v = this.fold(kids[i + 1], depth + 1);
          if (!k.ok || !v.ok) return FAIL;
          obj[String(k.value)] = v.value;
        }
        return { ok: true, value: obj };
      }
      case 'VariableName':
      case 'MemberExpression': {
        // `min_lr: float = 0.` at the end of a line: the grammar reads `0.` as an unfinished attribute access.
        if (/^\d[\d_]*\.$/.test(this.src(n))) return { ok: true, value: Number(this.src(n).slice(0, -1).replace(/_/g, '')) };
        const path = this.dottedTarget(n);
        if (path && this.env.has(path)) return { ok: true, value: this.env.get(path), ref: path };
        return FAIL;
      }
      case 'CallExpression': {
        const callee = this.calleeName(n);
        const args = this.args(n);
        if ((callee === 'int' || callee === 'float') && args.positional.length === 1) {
          const f = this.fold(args.positional[0], depth + 1);
          if (f.ok && (typeof f.value === 'number' || typeof f.value === 'string')) {
            const v = Number(f.value);
            return Number.isNaN(v) ? FAIL : { ok: true, value: callee === 'int' ? Math.trunc(v) : v, ref: f.ref };
          }
        }
        if (callee === 'dict' && args.positional.length === 0) {
          const obj: Record<string, unknown> = {};
          for (const [k, v] of args.keywords) {
            const f = this.fold(v, depth + 1);
            if (!f.ok) return FAIL;
            obj[k] = f.value;
          }
          return { ok: true, value: obj };
        }
        return FAIL;
      }
      default:
        return FAIL;
    }
  }

  stringValue(n: SyntaxNode): string {
    const t = this.src(n);
    const m = /^([rRbBuUfF]{0,2})("""|'''|"|')([\s\S]*)\2$/.exec(t);
    return m ? m[3] : t;
  }

  /** Content range of a string literal (without prefix and quotes). */
  stringRange(n: SyntaxNode): [number, number] {
    const t = this.src(n);
    const m = /^([rRbBuUfF]{0,2})("""|'''|"|')/.exec(t);
    const q = m ? m[0].length : 0;
    const close = m ? m[2].length : 0;
    return [n.from + q, Math.max(n.from + q, n.to - close)];
  }

  children(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
    return out;
  }

  /** `a.b["c"]` → "a.b.c"; undefined for anything that is not a plain access chain. */
  dottedTarget(n: SyntaxNode, depth = 0): string | undefined {
    if (depth > 30) return undefined;
    if (n.name === 'VariableName') return this.src(n);
    if (n.name !== 'MemberExpression') return undefined;
    const kids = this.children(n);
    const base = kids[0] ? this.dottedTarget(kids[0], depth + 1) : undefined;
    if (base === undefined) return undefined;
    const prop = kids.find(k => k.name === 'PropertyName');
    if (prop) return `${base}.${this.src(prop)}`;
    const idx = kids.find(k => k.name === 'String' || k.name === 'Number');
    if (idx) return `${base}.${idx.name === 'String' ? this.stringValue(idx) : this.src(idx)}`;
    return undefined;
  }

  calleeName(call: SyntaxNode): string {
    const c = call.firstChild;
    if (!c) return '';
    if (c.name === 'VariableName') return this.src(c);
    if (c.name === 'MemberExpression') return this.src(c).replace(/\s+/g, '');
    // `(ResNet)(layers=[3, 4, 6, 3])`: brackets around a class name change nothing.
    const inside = c.name === 'ParenthesizedExpression' ? c.firstChild?.nextSibling : undefined;
    if (inside && (inside.name === 'VariableName' || inside.name === 'MemberExpression') && inside.nextSibling?.name === ')') return this.src(inside).replace(/\s+/g, '');
    if (c.name === 'CallExpression') {
      // `L(T.ResizeScale)(…)` / `LazyCall(SGD)(…)`: the class is the inner call's argument.
      const inner = this.calleeName(c);
      if (inner === 'L' || inner === 'LazyCall') {
        const a = this.args(c).positional[0];
        return a ? this.src(a).replace(/\s+/g, '') : '';
      }
    }
    return '';
  }

  args(call: SyntaxNode): { positional: SyntaxNode[]; keywords: Array<[string, SyntaxNode, SyntaxNode]> } {
    const list = call.getChild('ArgList');
    const positional: SyntaxNode[] = [];
    const keywords: Array<[string, SyntaxNode, SyntaxNode]> = [];
    if (!list) return { positional, keywords };
    const kids: SyntaxNode[] = [];
    for (let c = list.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment' && c.name !== '(' && c.name !== ')' && c.name !== ',') kids.push(c);
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      if (k.name === 'VariableName' && kids[i + 1]?.name === 'AssignOp' && kids[i + 2]) {
        keywords.push([this.src(k), kids[i + 2], k]);
        i += 2;
      } else if (k.name !== '*' && k.name !== '**' && k.name !== 'AssignOp') positional.push(k);
    }
    return { positional, keywords };
  }

  // ---- expression → config tree ----------------------------------------------------------------

  /** A leaf of the config tree: the folded value, or the expression marked dynamic (a reference when it names something). */
  scalarNode(n: SyntaxNode, extra?: Partial<ConfigScalar>): ConfigScalar {
    const f = this.fold(n);
    // Built field by field: this runs once per assignment of a large file, and spreads allocate.
    const node: Writable<ConfigScalar> = { type: 'scalar', start: n.from, end: n.to, value: f.ok ? f.value : null, raw: this.src(n) };
    if (f.ok) {
      if (f.ref) node.origin = { kind: 'reference', text: f.ref };
    } else {
      node.dynamic = true;
      if (this.isAccess(n)) node.origin = { kind: 'reference', text: node.raw };
    }
    return extra ? Object.assign(node, extra) : node;
  }

  toNode(n: SyntaxNode, depth = 0): ConfigNode {
    const scalar = (extra?: Partial<ConfigScalar>) => this.scalarNode(n, extra);
    if (depth > 60) return scalar();
    if (n.name === 'DictionaryExpression') {
      const entries: ConfigEntry[] = [];
      const kids = this.children(n).filter(c => !/^[{}:,]$/.test(c.name));
      for (let i = 0; i + 1 < kids.length; i += 2) {
        const k = kids[i];
        if (k.name !== 'String') continue;
        const [ks, ke] = this.stringRange(k);
        entries.push({ key: this.stringValue(k), keyStart: ks, keyEnd: ke, value: this.toNode(kids[i + 1], depth + 1) });
      }
      return { type: 'map', start: n.from, end: n.to, entries };
    }
    if (n.name === 'ArrayExpression' || n.name === 'TupleExpression') {
      const items = this.children(n).filter(c => !/^[()[\],]$/.test(c.name)).map(c => this.toNode(c, depth + 1));
      if (items.every(i => i.type === 'scalar' && !i.dynamic && !i.search)) return scalar();
      return { type: 'list', start: n.from, end: n.to, items };
    }
    if (n.name === 'CallExpression') {
      const callee = this.calleeName(n);
      const last = callee.split('.').pop() ?? '';
      const a = this.args(n);
      if (/\.suggest_\w+$/.test(callee) || NAMED_DOMAIN.test(callee)) return scalar({ dynamic: true, value: null });
      const domain = this.domainOf(n, callee);
      if (domain) {
        this.consumed.add(n.from);
        return scalar({ search: domain, value: null, dynamic: false });
      }
      const isLazy = n.firstChild?.name === 'CallExpression' && /^(L|LazyCall)$/.test(this.calleeName(n.firstChild));
      // A known constructor assigned directly (`opt = SGD(lr=…)`) is reported by the call visitor as
      // `SGD.lr`; nested in a config structure it becomes a mapping with its class.
      if (callee === 'dict' || isLazy || (depth > 0 && KNOWN_CALLS.has(last.toLowerCase()) && a.keywords.length > 0)) {
        this.consumed.add(n.from);
        const entries: ConfigEntry[] = a.keywords.map(([k, v, kn]) => ({ key: k, keyStart: kn.from, keyEnd: kn.to, value: this.toNode(v, depth + 1) }));
        return { type: 'map', start: n.from, end: n.to, entries, ...(callee !== 'dict' ? { className: last } : {}) };
      }
    }
    return scalar();
  }

  isAccess(n: SyntaxNode): boolean {
    return n.name === 'VariableName' || n.name === 'MemberExpression';
  }

  /** A bare name or access chain (`lr`, `args.lr`, `config["lr"]`, `int(args.workers)`), alone or with a fallback: a reference, not a value. */
  isReference(n: SyntaxNode): boolean {
    if (n.name === 'CallExpression' && /^(int|float|str|bool)$/.test(this.calleeName(n))) {
      const a = this.args(n);
      return a.positional.length === 1 && a.keywords.length === 0 && this.isReference(a.positional[0]);
    }
    // `mods.split(",") if mods else [...]`, `x if x is not None else 2`, `args.lr or 1e-3`: a setting passed
    // on, with a fallback for when it is unset.
    const inner = n.name === 'ParenthesizedExpression' ? n.firstChild?.nextSibling : n;
    if (inner?.name === 'ConditionalExpression') {
      const test = inner.getChild('if')?.nextSibling;
      const guard = test?.name === 'BinaryExpression' ? test.firstChild : test;
      if (!guard || !inner.firstChild || !this.isReference(guard)) return false;
      // The value must come from the guarded name (`["q"] if big else ["q", "v"]` is a choice between literals).
      const name = this.src(guard).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return new RegExp(`(^|[^\\w.])${name}(?!\\w)`).test(this.src(inner.firstChild));
    }
    if (inner?.name === 'BinaryExpression' && inner.getChild('or') && inner.firstChild) return this.isReference(inner.firstChild);
    return this.isAccess(n) && this.dottedTarget(n) !== undefined;
  }

  /** Arithmetic on a number (`1000 / total_steps`, `2 * base_lr`): a value computed where it is set. */
  isArithmetic(n: SyntaxNode): boolean {
    return n.name === 'BinaryExpression' && !n.getChild('or') && !n.getChild('and') && /(^|[^\w.])\d/.test(this.src(n));
  }

  domainOf(call: SyntaxNode, callee: string): SearchDomain | undefined {
    const last = callee.split('.').pop() ?? '';
    const isTune = /(^|\.)tune\./.test(callee) || callee.startsWith('tune.');
    const isStats = /(^|\.)(stats|scipy\.stats)\./.test(callee) || /^(loguniform|uniform|randint|reciprocal)$/.test(callee);
    const isHp = /^hp\./.test(callee);
    if (!isTune && !isStats && !isHp) return undefined;
    if (!/^(uniform|quniform|loguniform|qloguniform|randint|qrandint|lograndint|randn|choice|grid_search|sample_from|reciprocal)$/.test(last)) return undefined;
    const a = this.args(call);
    const pos = a.positional.map(p => this.fold(p).value);
    const kw = Object.fromEntries(a.keywords.map(([k, v]) => [k, this.fold(v).value]));
    return callDomain(callee, pos, kw, this.src(call));
  }

  // ---- statements -----------------------------------------------------------------------------

  run(tree: ReturnType<typeof parser.parse>): void {
    const top = tree.topNode;
    this.loopState = loopUpdated(this, top);
    for (let st = top.firstChild; st; st = st.nextSibling) this.moduleStatement(st, 0);
    // Calls anywhere (suggest_*, add_argument, constructors) — iterative, so deep code cannot overflow.
    const cursor = tree.cursor();
    let visited = 0;
    do {
      if (++visited > 500_000) break;
      if (cursor.name === 'CallExpression') this.call(cursor.node);
      else if (cursor.name === 'FunctionDefinition' || cursor.name === 'ClassDefinition') this.scope(cursor.node);
    } while (cursor.next());
  }

  /** Module-level code, including the bodies of `if __name__ == "__main__":`, `with`, `try`. */
  moduleStatement(st: SyntaxNode, depth: number): void {
    if (depth > 20) return;
    if (/^(IfStatement|ForStatement|WhileStatement|WithStatement|TryStatement|Body)$/.test(st.name)) {
      for (let c = st.firstChild; c; c = c.nextSibling) this.moduleStatement(c, depth + 1);
      return;
    }
    this.statement(st, true);
  }

  imported(st: SyntaxNode): void {
    const t = this.src(st);
    this.imports += `${t}\n`;
    const m = /^(?:from\s+([\w.]+)|import\s+([\w.]+))/.exec(t);
    const mod = (m?.[1] ?? m?.[2] ?? '').replace(/^\.+/, '');
    if (ML_IMPORT.test(mod) || /detectron2|mmdet|mmengine/.test(t)) this.hasMlImport = true;
    const alias = /import\s+(\w+)\s+as\s+optimizer\b/.exec(t);
    if (alias) this.optimizerFromImport = alias[1].toLowerCase();
  }

  statement(st: SyntaxNode, moduleLevel: boolean): void {
    if (st.name === 'ImportStatement' || st.name === 'ImportFromStatement') {
      this.imported(st);
      return;
    }
    if (st.name === 'DecoratedStatement') {
      const cls = st.getChild('ClassDefinition');
      const clsName = cls?.getChild('VariableName');
      // A dataclass of run state or results (`TrainerState`, `EvalResult`) holds what a run wrote, not settings.
      if (cls && /dataclass/.test(this.src(st.getChild('Decorator') ?? st)) && !(clsName && RUN_STATE_CLASS.test(this.src(clsName)))) this.configClass(cls, true);
      return;
    }
    if (st.name === 'ClassDefinition') {
      const name = st.getChild('VariableName');
      if (name && /config|args|arguments|hparams|params|settings|hyperparam/i.test(this.src(name)) && !RUN_STATE_CLASS.test(this.src(name))) this.configClass(st, false);
      return;
    }
    if (st.name !== 'AssignStatement') return;
    for (const [target, valueNode] of assignmentPairs(this, st)) this.assign(target, valueNode, moduleLevel);
  }

  /** One `target = value` (a pair of a chained or tuple assignment): a root setting when it configures something. */
  assign(target: SyntaxNode, written: SyntaxNode, moduleLevel: boolean): void {
    // `{'gpt2': dict(n_layer=12, …), 'gpt2-xl': dict(…)}[model_type]` (nanoGPT) picks one preset at run
    // time: the table is read, so each preset keeps its own block (`config_args.gpt2.n_layer`).
    const table = written.name === 'MemberExpression' && written.firstChild?.name === 'DictionaryExpression' && written.getChild('[') ? written.firstChild : null;
    const valueNode = table ?? written;
    const dotted = this.dottedTarget(target);
    if (!dotted) return;
    // Instance state set in methods (`self.optimizer = None`) is not configuration.
    if (!moduleLevel && /^self\./.test(dotted)) return;
    const folded = this.fold(valueNode);
    if (folded.ok) this.env.set(dotted, folded.value);
    // A counter or accumulator the code updates in a loop (`iterations += 1`) is state, not a setting.
    if (this.loopState.has(dotted)) return;
    const isDictLike = /^(DictionaryExpression|CallExpression|ArrayExpression|TupleExpression)$/.test(valueNode.name);
    if (!moduleLevel && target.name === 'VariableName') {
      // Local plain variables only count when their name is a clear hyperparameter; an empty local
      // container (`layers = []`) is filled by the code, not configured.
      if (isDictLike && isEmptyContainer(this, valueNode)) return;
      const entry = VOCABULARY.get(normaliseName(dotted));
      if (!isDictLike && (!folded.ok || !entry || entry.kind !== 'hyperparameter' || entry.weight < 1)) return;
    }
    if (/\.suggest_\w+$/.test(this.calleeOf(valueNode))) return;
    const node = this.toNode(valueNode);
    // A computed value counts at module level when it is a reference, and anywhere when it is written
    // into a params dict under a hyperparameter's name (`param["scale_pos_weight"] = neg / pos`).
    const intoParams = this.src(target).includes('[') && VOCABULARY.get(normaliseName(dotted.split('.').pop() ?? ''))?.kind === 'hyperparameter';
    if (node.type === 'scalar' && node.dynamic && !intoParams && (!moduleLevel || !this.isAccess(valueNode))) return;
    const path = dotted.split('.');
    if (GRID_VARS.test(path[0])) this.gridVars.add(path[0]);
    this.addRoot(path, target.from, target.to, node);
  }

  calleeOf(n: SyntaxNode): string {
    return n.name === 'CallExpression' ? this.calleeName(n) : '';
  }

  private addRoot(path: string[], keyStart: number, keyEnd: number, value: ConfigNode): void {
    let entries = this.rootEntries;
    for (let i = 0; i < path.length - 1; i++) {
      let e = entries.find(x => x.key === path[i] && x.value.type === 'map');
      if (!e) {
        e = { key: path[i], keyStart, keyEnd, value: { type: 'map', start: keyStart, end: keyEnd, entries: [] } };
        entries.push(e);
      }
      entries = (e.value as ConfigMap).entries;
    }
    entries.push({ key: path[path.length - 1], keyStart, keyEnd, value });
  }

  /** Function bodies: dict configs and hyperparameter-named locals; parameter defaults. */
  scope(def: SyntaxNode): void {
    if (def.name === 'FunctionDefinition') {
      const body = def.getChild('Body');
      const outer = this.loopState;
      this.loopState = loopUpdated(this, def);
      if (body) for (let st = body.firstChild; st; st = st.nextSibling) this.statementDeep(st, 0);
      this.loopState = outer;
      const params = def.getChild('ParamList');
      const fname = def.getChild('VariableName');
      if (params && fname) this.paramDefaults(params, this.src(fname) === '__init__' ? this.enclosingClass(def) ?? '__init__' : this.src(fname));
    }
  }

  enclosingClass(n: SyntaxNode): string | undefined {
    for (let p = n.parent; p; p = p.parent) {
      if (p.name === 'ClassDefinition') {
        const name = p.getChild('VariableName');
        return name ? this.src(name) : undefined;
      }
    }
    return undefined;
  }

  statementDeep(st: SyntaxNode, depth: number): void {
    if (depth > 20) return;
    if (st.name === 'AssignStatement') {
      this.statement(st, false);
      return;
    }
    // Walk into if/for/with/try blocks, but not nested defs (they get their own scope()).
    if (/^(IfStatement|ForStatement|WhileStatement|WithStatement|TryStatement|Body)$/.test(st.name)) {
      for (let c = st.firstChild; c; c = c.nextSibling) this.statementDeep(c, depth + 1);
    }
  }

  paramDefaults(params: SyntaxNode, owner: string): void {
    const kids = this.children(params);
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      if (k.name !== 'VariableName' || kids[i + 1]?.name !== 'AssignOp' || !kids[i + 2]) continue;
      const name = this.src(k);
      const entry = VOCABULARY.get(normaliseName(name));
      const f = this.fold(kids[i + 2]);
      if (!f.ok) continue;
      const cls = classifyKey(name, { framework: this.framework, value: f.value, raw: this.src(kids[i + 2]) });
      if (cls.kind !== 'hyperparameter' || !cls.canonical || (!entry && !/^l[12]$/.test(name))) continue;
      this.push(`${owner}.${name}`, name, cls.canonical, 'hyperparameter', f.value, this.src(kids[i + 2]), k.from, k.to, kids[i + 2]);
    }
  }

  configClass(cls: SyntaxNode, dataclass: boolean): void {
    const nameNode = cls.getChild('VariableName');
    const owner = nameNode ? this.src(nameNode) : 'Config';
    const body = cls.getChild('Body');
    if (!body) return;
    const fields = new Set<string>();
    for (let st = body.firstChild; st; st = st.nextSibling) {
      const t = st.name === 'AssignStatement' ? st.firstChild : null;
      if (t?.name === 'VariableName') fields.add(normaliseName(this.src(t)));
    }
    for (let st = body.firstChild; st; st = st.nextSibling) {
      if (st.name !== 'AssignStatement') continue;
      const kids = this.children(st);
      const target = kids[0];
      const valueNode = kids[kids.length - 1];
      if (target?.name !== 'VariableName' || !valueNode || valueNode === target || valueNode.name === 'TypeDef') continue;
      const name = this.src(target);
      let def: SyntaxNode | undefined = valueNode;
      let help = '';
      if (valueNode.name === 'CallExpression' && /(^|\.)field$/.test(this.calleeName(valueNode))) {
        const a = this.args(valueNode);
        def = a.keywords.find(([k]) => k === 'default')?.[1];
        const meta = a.keywords.find(([k]) => k === 'metadata')?.[1];
        const m = meta ? this.fold(meta) : FAIL;
        if (m.ok && m.value && typeof m.value === 'object') help = String((m.value as Record<string, unknown>).help ?? '');
        const factory = a.keywords.find(([k]) => k === 'default_factory')?.[1];
        if (!def && factory) def = factory;
      }
      if (!def) continue;
      const f = this.fold(def);
      const cls2 = classifyKey(name, { framework: this.framework, help: help || this.fieldDoc(st), className: owner.toLowerCase(), value: f.ok ? f.value : undefined, siblings: fields });
      if (cls2.kind === 'other' && !cls2.canonical) continue;
      if (!dataclass && !f.ok) continue;
      this.push(`${owner}.${name}`, name, cls2.canonical, cls2.kind, f.ok ? f.value : null, this.src(def), target.from, target.to, def);
    }
  }

  push(key: string, name: string, canonical: string | null, kind: Setting['kind'], value: unknown, raw: string, ks: number, ke: number, valueNode?: SyntaxNode, extra?: Partial<Setting>): void {
    if (this.out.length > 50_000) return;
    // Field by field, without spreads: a large argparse file pushes tens of thousands of these.
    const s: Writable<Setting> = { key, name, canonical, kind, value, raw, range: this.lines.range(ks, ke) };
    if (valueNode) s.valueRange = this.lines.range(valueNode.from, valueNode.to);
    if (this.framework) s.framework = this.framework;
    this.out.push(extra ? Object.assign(s, extra) : s);
  }

  /** The docstring right after a dataclass field (tyro and simple-parsing read it as the help text). */
  fieldDoc(st: SyntaxNode): string {
    let next = st.nextSibling;
    while (next && next.name === 'Comment') next = next.nextSibling;
    const str = next?.name === 'ExpressionStatement' ? next.firstChild : null;
    return str?.name === 'String' ? this.stringValue(str) : '';
  }

  // ---- calls ----------------------------------------------------------------------------------

  call(n: SyntaxNode): void {
    let callee = this.calleeName(n);
    let last = callee.split('.').pop() ?? '';
    if (/^suggest_/.test(last) && callee.includes('.')) return this.suggest(n, last);
    if (last === 'add_argument') return this.argument(n);
    // Keras Tuner `hp.Float("lr", …)` and hyperopt `hp.loguniform("lr", …)`: named like suggest_*.
    if (NAMED_DOMAIN.test(callee)) return this.namedDomain(n, last);
    if (this.consumed.has(n.from)) return;
    let a = this.args(n);
    // `partial(nn.LayerNorm, eps=1e-6)` binds the class's own keywords: read them as a call of that class.
    const bound = /^(functools\.)?partial$/.test(callee) ? a.positional[0] : undefined;
    if (bound && (bound.name === 'VariableName' || bound.name === 'MemberExpression')) {
      callee = this.src(bound).replace(/\s+/g, '');
      last = callee.split('.').pop() ?? '';
      a = { positional: a.positional.slice(1), keywords: a.keywords };
    }
    // `tune.run(fn, config={…})`, `Tuner(param_space={…})`, `GridSearchCV(est, param_grid={…})`.
    for (const [k, v, kn] of a.keywords) {
      if (SEARCH_KWARGS.has(k) && (v.name === 'DictionaryExpression' || (v.name === 'CallExpression' && this.calleeName(v) === 'dict'))) {
        this.gridVars.add(k);
        this.addRoot([k], kn.from, kn.to, this.toNode(v));
      }
    }
    const lower = last.toLowerCase();
    if (MODEL_USE_CALL.test(lower)) return;
    const known = KNOWN_CALLS.has(lower) && !(lower === 'train' && !/^(xgb|lgb|xgboost|lightgbm)\./.test(callee)) && !(lower === 'compile' && !/model|\w+\.compile$/.test(callee));
    const isKeras = /(^|\.)(layers|keras)\./.test(callee) || this.framework === 'keras';
    const positionalNames = (isKeras ? KERAS_POSITIONAL[lower] : undefined) ?? POSITIONAL[lower] ?? [];
    const items: Array<[string, SyntaxNode, SyntaxNode]> = [...a.keywords];
    if (known) a.positional.forEach((p, i) => positionalNames[i] && items.push([positionalNames[i], p, p]));
    const output = lower === 'dense' && isOutputLayer(this, items);
    for (const [k, v, kn] of items) {
      // `optimizer=opt` hands an object over; `optimizer="adam"` (Keras compile) chooses one.
      if (k === 'optimizer' ? v.name !== 'String' : ['params', 'in_channels', 'input_size', 'num_embeddings', 'input_dim'].includes(k)) continue;
      // The output layer's width is the number of classes and its activation the task's link function.
      if (output && (k === 'units' || k === 'activation')) continue;
      if (SEARCH_KWARGS.has(k)) continue;
      const f = this.fold(v);
      const cls = classifyKey(k, { className: lower, framework: isKeras ? 'keras' : this.framework, value: f.ok ? f.value : undefined, raw: this.src(v), siblings: new Set(items.map(([x]) => normaliseName(x))) });
      if (cls.kind === 'other' && !cls.canonical) continue;
      if (!known) {
        // Unknown callee: only unmistakable hyperparameter keywords with a readable value.
        const entry = VOCABULARY.get(normaliseName(k));
        // A computed value (`warmup_length=1000 / total_steps`) is still the setting, its expression the raw value.
        if (!entry || entry.kind !== 'hyperparameter' || entry.weight < 1 || !(f.ok || this.isArithmetic(v))) continue;
      }
      if (v.name === 'CallExpression' && (this.calleeOf(v).includes('suggest_') || NAMED_DOMAIN.test(this.calleeOf(v)))) {
        this.alsoAt.push({ at: this.lines.range(v.from, v.to), range: this.lines.range(kn.from, kn.to) });
        continue;
      }
      const origin = f.ok ? (f.ref ? { origin: { kind: 'reference' as const, text: f.ref } } : {}) : this.isAccess(v) || v.name === 'CallExpression' || this.isReference(v) ? { origin: { kind: 'reference' as const, text: this.src(v) } } : {};
      const opt = /^(sgd|adam|adamw|rmsprop|adagrad|adadelta|adamax|nadam|radam|lion|adafactor|lamb)$/.test(lower) ? { optimizer: lower } : {};
      const fw = frameworkOfClass(lower);
      // `lr=args.lr`, `batch_size=batch_size`: the setting lives where the name is defined.
      const kind = this.isReference(v) && cls.kind === 'hyperparameter' ? 'use' : cls.kind;
      this.push(`${last}.${k}`, k, cls.canonical, kind, f.ok ? f.value : null, this.src(v), kn.from, kn.to, v, { ...origin, ...opt, ...(fw ? { framework: fw } : {}) });
    }
  }

  suggest(n: SyntaxNode, method: string): void {
    const a = this.args(n);
    const nameNode = a.positional[0] ?? a.keywords.find(([k]) => k === 'name')?.[1];
    if (!nameNode) return;
    let name: string | undefined;
    let range: [number, number] = [nameNode.from, nameNode.to];
    if (nameNode.name === 'String') {
      name = this.stringValue(nameNode);
      range = this.stringRange(nameNode);
    } else if (nameNode.name === 'FormatString') {
      name = this.stringValue(nameNode).replace(/\{[^}]*\}/g, '{}');
      range = this.stringRange(nameNode);
    } else if (nameNode.name === 'CallExpression') {
      // "dropout_l{}".format(i)
      const inner = nameNode.firstChild;
      const str = inner?.name === 'MemberExpression' ? inner.firstChild : null;
      if (str?.name === 'String' && /\.format$/.test(this.src(inner as SyntaxNode))) {
        name = this.stringValue(str).replace(/\{[^}]*\}/g, '{}');
        range = this.stringRange(str);
      }
    }
    if (!name) return;
    const pos = a.positional.map(p => this.fold(p).value);
    const kw = Object.fromEntries(a.keywords.map(([k, v]) => [k, this.fold(v).value]));
    const search = suggestDomain(method, pos, kw);
    const cls = classifyKey(name.replace(/\{\}/g, '0'), { framework: this.framework });
    this.push(name, name, cls.canonical, 'hyperparameter', null, this.src(n), range[0], range[1], n, search ? { search, framework: this.framework ?? 'optuna' } : {});
  }

  namedDomain(n: SyntaxNode, fn: string): void {
    const a = this.args(n);
    const nameNode = a.positional[0];
    if (nameNode?.name !== 'String' && nameNode?.name !== 'FormatString') return;
    // `hp.Int(f"units_{i}", …)`: one setting per built name, written with `{}` for the variable part.
    const name = this.stringValue(nameNode).replace(/\{[^}]*\}/g, '{}');
    const [ks, ke] = this.stringRange(nameNode);
    const pos = a.positional.slice(1).map(p => this.fold(p).value);
    const kw = Object.fromEntries(a.keywords.map(([k, v]) => [k, this.fold(v).value]));
    const num = (x: unknown) => (typeof x === 'number' ? x : undefined);
    let search: SearchDomain | undefined;
    switch (fn) {
      case 'Float':
        search = { type: 'float', low: num(kw.min_value ?? pos[0]), high: num(kw.max_value ?? pos[1]), log: kw.sampling === 'log' ? true : undefined, step: num(kw.step), source: 'hp.Float' };
        break;
      case 'Int':
        search = { type: 'int', low: num(kw.min_value ?? pos[0]), high: num(kw.max_value ?? pos[1]), log: kw.sampling === 'log' ? true : undefined, step: num(kw.step ?? pos[2]), source: 'hp.Int' };
        break;
      case 'Choice':
      case 'choice':
        search = { type: 'categorical', choices: Array.isArray(kw.values ?? pos[0]) ? ((kw.values ?? pos[0]) as unknown[]) : [], source: `hp.${fn}` };
        break;
      case 'Boolean':
        search = { type: 'categorical', choices: [true, false], source: 'hp.Boolean' };
        break;
      default:
        // hyperopt: the bounds of `loguniform` are natural-log exponents, as written.
        search = { type: fn === 'randint' ? 'int' : 'float', low: num(pos[0]), high: num(pos[1]), log: /log/.test(fn) ? true : undefined, step: num(pos[2]), source: `hp.${fn}` };
    }
    const cls = classifyKey(name.replace(/\{\}/g, '0'), { framework: this.framework });
    this.push(name, name, cls.canonical, 'hyperparameter', null, this.src(n), ks, ke, n, { search });
  }

  argument(n: SyntaxNode): void {
    const a = this.args(n);
    const strings = a.positional.filter(p => p.name === 'String');
    if (strings.length === 0) return;
    const opts = strings.map(s => this.stringValue(s));
    const longIdx = opts.findIndex(o => o.startsWith('--'));
    const keyIdx = longIdx >= 0 ? longIdx : 0;
    const kw = new Map(a.keywords.map(([k, v]) => [k, v]));
    const destNode = kw.get('dest');
    const dest = destNode?.name === 'String' ? this.stringValue(destNode) : opts[keyIdx].replace(/^-+/, '').replace(/-/g, '_');
    const helpNode = kw.get('help');
    const help = helpNode ? String(this.fold(helpNode).value ?? '') : '';
    const defNode = kw.get('default');
    const f = defNode ? this.fold(defNode) : { ok: true, value: null };
    const action = kw.get('action');
    const isFlag = action ? /store_true|store_false/.test(this.src(action)) : false;
    let cls = classifyKey(dest, { help, framework: this.framework, value: f.value });
    if (cls.kind === 'other' && !cls.canonical) {
      for (const o of opts) {
        if (sameSpelling(o, dest)) continue; // classified just above
        const c = classifyKey(o, { help, framework: this.framework, value: f.value });
        if (c.canonical || c.kind !== 'other') {
          cls = c;
          break;
        }
      }
    }
    const [ks, ke] = this.stringRange(strings[keyIdx]);
    const value = f.ok ? f.value : null;
    const origin = !f.ok && defNode ? { origin: { kind: 'reference' as const, text: this.src(defNode) } } : {};
    const aliases = opts.filter((_, i) => i !== keyIdx);
    this.push(dest, opts[keyIdx], cls.canonical, cls.kind, isFlag && !defNode ? /store_true/.test(this.src(action as SyntaxNode)) === false : value, defNode ? this.src(defNode) : '', ks, ke, defNode, {
      ...origin,
      ...(aliases.length > 0 ? { aliases } : {}),
    });
  }

  /** Walks the module-level config tree (dicts, overrides, constants) through the shared walker. */
  flushTree(text: string, lines: LineIndex, path: string, format: string): void {
    if (this.rootEntries.length === 0) return;
    const root: ConfigMap = { type: 'map', start: 0, end: text.length, entries: this.rootEntries };
    const settings = namedByUse(extractStructured({ path, text, lines, language: 'yaml', root, frameworkHint: this.framework }, format === 'mmengine' || format === 'detectron2-lazy' ? format : 'python'));
    for (const s of settings) {
      const top = s.key.split(/[.[]/)[0];
      const grid = this.gridVars.has(top);
      let kind = s.kind;
      // Plain values without a meaning are left out; a block's `type` stays (as `other`): it names the
      // transform or class its siblings configure, for their hovers and judgements (mmdet pipelines).
      if (kind === 'other' && !s.canonical && !(s.name === 'type' && typeof s.value === 'string')) continue;
      // Dict entries whose value is `trial.suggest_*(…)` are reported once, by the suggest call; the
      // key still names that setting, so a hover on it must find the call's setting.
      if (/\.suggest_\w+\s*\(|^\s*hp\.\w+\s*\(/.test(s.raw)) {
        if (s.valueRange) this.alsoAt.push({ at: s.valueRange, range: s.range });
        continue;
      }
      // `{"batch_size": args.batch_size}`, `param_group["lr"] = lr`: an existing setting passed on. A
      // differently named value (`param["scale_pos_weight"] = ratio`) is a computed setting instead.
      if (kind === 'hyperparameter' && s.origin?.kind === 'reference' && passesOn(s)) kind = 'use';
      let extra: Partial<Setting> = {};
      if (grid) {
        kind = s.kind === 'other' || s.kind === 'system' ? s.kind : 'hyperparameter';
        if (Array.isArray(s.value)) extra = { search: { type: 'categorical', choices: s.value, source: 'grid' }, value: null };
      }
      this.out.push({ ...s, kind, ...(this.framework ? { framework: this.framework } : {}), ...extra });
    }
  }

}

/**
 * A Python config module without an ML import (nanoGPT `config/*.py` loaded by `exec`, LazyConfig
 * building blocks, dataclass argument holders): classified by content. Either it names at least
 * three distinct hyperparameter concepts, or it sits in a config folder and holds nothing but
 * imports and assignments with at least one hyperparameter.
 */
function configByContent(path: string, onlyAssignments: boolean, settings: readonly Setting[]): boolean {
  const ids = new Set(settings.filter(s => s.kind === 'hyperparameter' && s.canonical && !s.name.startsWith('-')).map(s => s.canonical));
  if (ids.size >= 3) return true;
  if (ids.size === 0 || !/(^|[\\/])(conf|configs?|hparams?|hyperparams?)[\\/]/i.test(path)) return false;
  return onlyAssignments;
}

const CONFIG_STATEMENT = /^(ImportStatement|ImportFromStatement|AssignStatement|UpdateStatement|ExpressionStatement|Comment)$/;

/** Is this reference-valued setting just the same setting passed on (`lr=args.lr`, `r=lora_r`)? */
function passesOn(s: Setting): boolean {
  const raw = s.raw.trim().replace(/^(int|float|str|bool)\((.*)\)$/, '$2');
  if (!/^[A-Za-z_][\w.]*(\[["'][^"']+["']\])*$/.test(raw)) return false;
  const last = raw.replace(/\[["']([^"']+)["']\]/g, '.$1').split('.').pop() ?? raw;
  if (normaliseName(last) === normaliseName(s.name)) return true;
  return s.canonical !== null && classifyKey(last).canonical === s.canonical;
}

/** Gives each suggest/hp setting the ranges of the dict keys and keywords that name it too. */
function attachAlsoAt(settings: Setting[], also: ReadonlyArray<{ at: SourceRange; range: SourceRange }>): Setting[] {
  if (also.length === 0) return settings;
  const byStart = new Map<string, SourceRange[]>();
  for (const a of also) {
    const k = `${a.at.line}:${a.at.character}`;
    byStart.set(k, [...(byStart.get(k) ?? []), a.range]);
  }
  return settings.map(s => {
    const extra = s.valueRange ? byStart.get(`${s.valueRange.line}:${s.valueRange.character}`) : undefined;
    return extra && s.search ? { ...s, alsoAt: [...(s.alsoAt ?? []), ...extra] } : s;
  });
}

function frameworkOf(imports: string): string | undefined {
  const order: Array<[RegExp, string]> = [
    [/\bxgboost\b/, 'xgboost'], [/\blightgbm\b/, 'lightgbm'], [/\bcatboost\b/, 'catboost'], [/\bstable_baselines3|sb3_contrib\b/, 'sb3'], [/\bray\.rllib\b/, 'rllib'],
    [/\bultralytics\b/, 'ultralytics'], [/\bdetectron2\b/, 'detectron2'], [/\bmm(engine|det|cv|pretrain)\b/, 'mmengine'], [/\b(transformers|peft|trl)\b/, 'hf'],
    [/\b(keras|tensorflow)\b/, 'keras'], [/\b(lightning|pytorch_lightning)\b/, 'lightning'], [/\btorch\b/, 'pytorch'], [/\bsklearn\b/, 'sklearn'],
  ];
  for (const [re, fw] of order) if (re.test(imports)) return fw;
  return undefined;
}

/** The library a constructor belongs to, when its name says so (an XGBClassifier in a torch script). */
function frameworkOfClass(lower: string): string | undefined {
  if (/^xgb/.test(lower)) return 'xgboost';
  if (/^lgbm/.test(lower)) return 'lightgbm';
  if (/^catboost/.test(lower)) return 'catboost';
  if (/^(ppo|a2c|dqn|sac|td3|ddpg|trpo|recurrentppo)$/.test(lower)) return 'sb3';
  if (/^(trainingarguments|seq2seqtrainingarguments|sftconfig|dpoconfig|grpoconfig|ppoconfig|rewardconfig|loraconfig)$/.test(lower)) return 'hf';
  if (/^(svc|svr|nusvc|linearsvc|logisticregression|randomforest|gradientboosting|histgradientboosting|kneighbors|kmeans|minibatchkmeans|dbscan|ridge|lasso|elasticnet|sgdclassifier|sgdregressor|mlp|pca|tsne|tfidfvectorizer|countvectorizer|decisiontree|extratrees|gaussianmixture|adaboost|train_test_split)/.test(lower)) return 'sklearn';
  return undefined;
}

/** Pre-scan of imports so classification knows the framework before any setting is read. */
function importsOf(text: string): string {
  return (text.match(/^[ \t]*(?:from\s+[\w.]+\s+import\b[^\n]*|import\s+[\w., ]+[^\n]*)/gm) ?? []).join('\n');
}

export function extractPython(path: string, source: PythonSource, lines: LineIndex, configModule = false): PythonResult {
  const { text } = source;
  const x = new PythonExtractor(text, lines);
  x.framework = frameworkOf(importsOf(text));
  // Long files are parsed in pieces (bounded memory); each piece's tree is read in order.
  let onlyAssignments = true;
  for (const tree of pythonTrees(source)) {
    x.run(tree);
    for (let st = tree.topNode.firstChild; st && onlyAssignments; st = st.nextSibling) onlyAssignments = CONFIG_STATEMENT.test(st.name);
  }
  const names = new Set(x.rootEntries.map(e => e.key));
  const mm = configModule || names.has('_base_') || names.has('optim_wrapper') || names.has('param_scheduler') || names.has('train_cfg') || names.has('lr_config') || names.has('optimizer_config');
  const lazy = /detectron2/.test(x.imports) && /\bL(azyCall)?\b/.test(x.imports);
  const format = mm ? 'mmengine' : lazy ? 'detectron2-lazy' : undefined;
  if (format) x.framework = format === 'mmengine' ? 'mmengine' : 'detectron2';
  x.flushTree(text, lines, path, format ?? 'python');
  let settings = attachAlsoAt(x.out, x.alsoAt);
  const mlSignal = x.hasMlImport || mm || lazy || configByContent(path, onlyAssignments, settings);
  if (!mlSignal) {
    // Without an ML import only argparse options that clearly name hyperparameters count.
    const argparseHps = settings.filter(s => s.name.startsWith('-') && s.kind === 'hyperparameter' && s.canonical);
    if (argparseHps.length < 2) settings = [];
  }
  const optimizer = x.optimizerFromImport;
  if (optimizer) settings = settings.map(s => (s.kind === 'hyperparameter' && !s.optimizer && s.key.startsWith('optimizer.') ? { ...s, optimizer } : s));
  const fmt = format ?? pythonFormat(settings, x.imports, text);
  return { format: fmt, settings };
}

function pythonFormat(settings: readonly Setting[], imports: string, text: string): string {
  if (settings.some(s => s.search?.source?.startsWith('suggest_'))) return 'optuna';
  if (settings.some(s => /^hp\.[A-Z]/.test(s.search?.source ?? ''))) return 'keras-tuner';
  if (settings.some(s => /^hp\.[a-z]/.test(s.search?.source ?? ''))) return 'hyperopt';
  if (settings.some(s => s.search?.source?.startsWith('tune.'))) return 'ray-tune';
  if (/GridSearchCV|RandomizedSearchCV|HalvingGridSearchCV|HalvingRandomSearchCV/.test(text)) return 'sklearn-grid';
  if (/\bnni\b/.test(imports) && settings.some(s => s.search)) return 'nni';
  if (/\bwandb\b/.test(imports) && /["']method["']\s*:\s*["'](grid|random|bayes)["']/.test(text)) return 'wandb-sweep';
  if (settings.some(s => /^(TrainingArguments|Seq2SeqTrainingArguments|SFTConfig|DPOConfig|GRPOConfig|LoraConfig)\./.test(s.key))) return 'hf-training-args';
  if (settings.some(s => s.name.startsWith('-'))) return 'argparse';
  if (/HfArgumentParser/.test(text)) return 'hf-training-args';
  if (/\b(xgboost|lightgbm|catboost)\b/.test(imports)) return 'gbdt-params';
  if (/\b(keras|tensorflow)\b/.test(imports)) return 'keras';
  return 'python';
}
