/**
 * The walk over a Python module's syntax tree: module constants, config dicts (mmengine `dict(…)`,
 * Detectron2 `L(Class)(…)`, attribute and subscript overrides) gathered into one config tree for the
 * shared walker, and settings read straight from calls: known constructors, argparse
 * `add_argument`, dataclass fields, Optuna `suggest_*`, Keras Tuner / hyperopt `hp.*`, Ray Tune
 * domains and scikit-learn grids.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import { UNLIMITED, type WorkBudget } from '../budget';
import { classifyKey, sameSpelling } from '../classify';
import type { Cut } from '../parsers/pythonSource';
import { extractStructured } from '../structured';
import { callDomain, namedDomainSearch, suggestDomain } from '../sweep';
import type { LineIndex } from '../text';
import type { ConfigEntry, ConfigMap, ConfigNode, ConfigScalar } from '../tree';
import type { SearchDomain, Setting, SourceRange, Writable } from '../types';
import { normaliseName, VOCABULARY } from '../vocabulary';
import { frameworkOfClass, GRID_VARS, KERAS_POSITIONAL, KNOWN_CALLS, MODEL_USE_CALL, NAMED_DOMAIN, POSITIONAL, RUN_STATE_CLASS, SEARCH_KWARGS } from './callTables';
import { ML_IMPORT, passesOn } from './fileKind';
import { FAIL, PythonReader } from './reader';
import { assignmentPairs, isEmptyContainer, isOutputLayer, loopUpdated, namedByUse } from './syntax';

export class PythonExtractor extends PythonReader {
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

  constructor(text: string, private readonly lines: LineIndex) {
    super(text);
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

  domainOf(call: SyntaxNode, callee: string): SearchDomain | undefined {
    const last = callee.split('.').pop() ?? '';
    const isTune = /(^|\.)tune\./.test(callee) || callee.startsWith('tune.');
    const isStats = /(^|\.)(stats|scipy\.stats)\./.test(callee) || /^(loguniform|uniform|randint|reciprocal)$/.test(callee);
    const isHp = /^hp\./.test(callee);
    if (!isTune && !isStats && !isHp) return undefined;
    if (!/^(uniform|quniform|loguniform|qloguniform|randint|qrandint|lograndint|randn|choice|grid_search|sample_from|reciprocal)$/.test(last)) return undefined;
    const a = this.args(call);
    const { pos, kw } = this.foldedArgs(a);
    return callDomain(callee, pos, kw, this.src(call));
  }

  // ---- statements -----------------------------------------------------------------------------

  /** Reads one tree; when the budget runs out, sets `cut.at` where reading stopped (a statement start). */
  run(tree: Tree, budget: WorkBudget = UNLIMITED, cut: Cut = {}): void {
    const top = tree.topNode;
    this.loopState = loopUpdated(this, top);
    let n = 0;
    for (let st = top.firstChild; st && !(cut.at !== undefined && st.from >= cut.at); st = st.nextSibling) {
      if (++n % 64 === 0 && budget.spent()) cut.at = st.from;
      else this.moduleStatement(st, 0);
    }
    // Calls anywhere (suggest_*, add_argument, constructors) — iterative, so deep code cannot overflow.
    // After a cut, the calls above it are still read (no longer than the walk above) so that part is complete.
    const limit = cut.at;
    const cursor = tree.cursor();
    for (let visited = 1; visited <= 500_000 && (limit === undefined || cursor.from < limit); visited++) {
      if (limit === undefined && visited % 1024 === 0 && budget.spent()) {
        cut.at = cursor.from;
        return;
      }
      if (cursor.name === 'CallExpression') this.call(cursor.node);
      else if (cursor.name === 'FunctionDefinition' || cursor.name === 'ClassDefinition') this.scope(cursor.node);
      if (!cursor.next()) return;
    }
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
    const { pos, kw } = this.foldedArgs(a);
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
    const { pos, kw } = this.foldedArgs(a, 1);
    const search = namedDomainSearch(fn, pos, kw);
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
