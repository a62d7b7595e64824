/**
 * Questions about Python code that decide whether a name is a setting at all: which value each target
 * of an assignment gets, which names the code itself updates in a loop, whether a Dense layer is the
 * model's output, and which module constant a keyword passes on. Pure functions over the extractor's
 * view of the syntax tree (reader.ts).
 */
import type { SyntaxNode } from '@lezer/common';
import type { Setting } from '../types';

/** What these questions need from the extractor. */
export interface PythonView {
  src(n: SyntaxNode): string;
  /** Children without comments. */
  children(n: SyntaxNode): SyntaxNode[];
  /** `a.b["c"]` → "a.b.c"; undefined for anything else. */
  dottedTarget(n: SyntaxNode): string | undefined;
  stringValue(n: SyntaxNode): string;
  fold(n: SyntaxNode | null): { readonly ok: boolean; readonly value: unknown };
}

const unpackable = /^(TupleExpression|ArrayExpression)$/;
const punctuation = /^[()[\],]$/;

/**
 * The (target, value) pairs of an assignment: `a = b = 3` gives each target the value; `x, y = 1, 2`
 * and `(x, y) = (1, 2)` pair element-wise (Detectron2's `embed_dim, depth, num_heads, dp = 768, 12,
 * 12, 0.1`); an unpacked call (`a, b = f()`) or a count mismatch gives nothing to read.
 */
export function assignmentPairs(view: PythonView, st: SyntaxNode): Array<[SyntaxNode, SyntaxNode]> {
  const groups: SyntaxNode[][] = [[]];
  for (const k of view.children(st)) {
    if (k.name === 'AssignOp') groups.push([]);
    else if (k.name !== ',' && k.name !== 'TypeDef') groups[groups.length - 1].push(k);
  }
  const values = groups.pop() ?? [];
  if (groups.length === 0 || values.length === 0) return [];
  const unpacked = (group: SyntaxNode[]): SyntaxNode[] =>
    group.length === 1 && unpackable.test(group[0].name) ? view.children(group[0]).filter(c => !punctuation.test(c.name)) : group;
  const pairs: Array<[SyntaxNode, SyntaxNode]> = [];
  for (const group of groups) {
    const targets = unpacked(group);
    if (targets.length === 1 && group.length === 1 && values.length === 1) {
      pairs.push([targets[0], values[0]]);
      continue;
    }
    const items = values.length > 1 ? values : unpacked(values);
    if (targets.length > 1 && items.length === targets.length) targets.forEach((t, i) => pairs.push([t, items[i]]));
  }
  return pairs;
}

function insideLoop(n: SyntaxNode, scope: SyntaxNode): boolean {
  for (let p = n.parent; p && p !== scope; p = p.parent) if (p.name === 'ForStatement' || p.name === 'WhileStatement') return true;
  return false;
}

/** The names an update statement (`x += 1`) or a self-referencing assignment (`R = r + gamma * R`) changes. */
function updatedNames(view: PythonView, n: SyntaxNode): string[] {
  if (n.name === 'UpdateStatement') {
    const name = n.firstChild ? view.dottedTarget(n.firstChild) : undefined;
    return name ? [name] : [];
  }
  const out: string[] = [];
  for (const [target, value] of assignmentPairs(view, n)) {
    const name = view.dottedTarget(target);
    if (name && new RegExp(`(^|[^\\w.])${name.replace(/[.$]/g, '\\$&')}\\b`).test(view.src(value))) out.push(name);
  }
  return out;
}

/**
 * Not entered when looking for updates: nested scopes, and simple statements, whose parts are
 * expressions and hold no statement (Python has no statement inside an expression).
 */
const SKIPPED = new Set(['FunctionDefinition', 'ClassDefinition', 'LambdaExpression', 'AssignStatement', 'UpdateStatement', 'ExpressionStatement', 'ImportStatement', 'ImportFromStatement']);

/**
 * Names the code updates inside a loop of this scope (`iterations += 1`, `batch_size += 1`): counters
 * and accumulators, whatever hyperparameter their name resembles. Nested functions and classes are
 * scopes of their own and are not entered.
 */
export function loopUpdated(view: PythonView, scope: SyntaxNode): Set<string> {
  const out = new Set<string>();
  const cursor = scope.cursor();
  if (!cursor.firstChild()) return out;
  for (let visited = 0; visited < 200_000; visited++) {
    const name = cursor.name;
    if ((name === 'UpdateStatement' || name === 'AssignStatement') && insideLoop(cursor.node, scope)) for (const updated of updatedNames(view, cursor.node)) out.add(updated);
    if (!SKIPPED.has(name) && cursor.firstChild()) continue;
    while (!cursor.nextSibling()) {
      if (!cursor.parent() || cursor.node === scope) return out;
    }
  }
  return out;
}

/** `[]`, `{}`, `()`, `list()`, `dict()`: a container the code fills, nothing configured. */
export function isEmptyContainer(view: PythonView, n: SyntaxNode): boolean {
  if (/^(ArrayExpression|TupleExpression|DictionaryExpression|SetExpression)$/.test(n.name)) return view.children(n).every(c => /^[()[\]{},]$/.test(c.name));
  return n.name === 'CallExpression' && /^(list|dict|set|tuple|OrderedDict|defaultdict)\(\s*\)$/.test(view.src(n));
}

/**
 * Is this Dense layer the model's output (`Dense(num_classes, activation="softmax")`)? A softmax, a
 * single sigmoid unit, or a width that is the number of classes says so: then neither its width nor
 * its activation is a choice, the task fixes them.
 */
export function isOutputLayer(view: PythonView, items: ReadonlyArray<readonly [string, SyntaxNode, SyntaxNode]>): boolean {
  const arg = (name: string) => items.find(([k]) => k === name)?.[1];
  const activation = arg('activation');
  const act = activation?.name === 'String' ? view.stringValue(activation).toLowerCase() : '';
  const units = arg('units');
  if (/^(log_)?softmax$/.test(act) || (act === 'sigmoid' && units !== undefined && view.fold(units).value === 1)) return true;
  return units !== undefined && /(^|[._])(n_|num_)?(classes|labels|class_count|outputs)$|^nc$/i.test(view.src(units));
}

/**
 * A module constant without a name of its own (Detectron2's `dp = 0.1`) that a keyword with one passes
 * on (`drop_path_rate=dp`): the constant is the setting, named by where it goes, and the keyword its use.
 */
export function namedByUse(settings: readonly Setting[]): Setting[] {
  // Only names some named hyperparameter refers to can be named by it: most files have few.
  const referred = new Set<string>();
  for (const s of settings) if (s.origin?.kind === 'reference' && s.kind === 'hyperparameter' && s.canonical) referred.add(s.origin.text.trim());
  const unnamed = new Map<string, Setting>();
  if (referred.size > 0) for (const s of settings) if (!s.canonical && !s.origin && referred.has(s.key) && /^[A-Za-z_]\w*$/.test(s.key)) unnamed.set(s.key, s);
  if (unnamed.size === 0) return [...settings];
  const named = new Map<Setting, string>();
  const uses = new Set<Setting>();
  for (const s of settings) {
    const target = s.origin?.kind === 'reference' ? unnamed.get(s.origin.text.trim()) : undefined;
    if (!target || s.kind !== 'hyperparameter' || !s.canonical) continue;
    if (!named.has(target)) named.set(target, s.canonical);
    uses.add(s);
  }
  return settings.map(s => {
    const canonical = named.get(s);
    if (canonical) return { ...s, canonical, kind: 'hyperparameter' as const };
    return uses.has(s) ? { ...s, kind: 'use' as const } : s;
  });
}
