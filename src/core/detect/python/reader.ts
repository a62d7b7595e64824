/**
 * Python syntax nodes read as values: source text, string literals, access chains (`a.b["c"]`), call
 * arguments, and constant folding of simple expressions (`5e-4 * 1024 / 512`) over the module
 * constants seen so far.
 */
import type { SyntaxNode } from '@lezer/common';
import type { PythonView } from './syntax';

export interface Folded {
  readonly ok: boolean;
  readonly value: unknown;
  /** Name of the constant the value came from (`learning_rate` in `AdamW(learning_rate=learning_rate)`). */
  readonly ref?: string;
}

export const FAIL: Folded = { ok: false, value: undefined };

export class PythonReader implements PythonView {
  /** Module constants seen so far, by dotted name: what a reference to one folds to. */
  protected readonly env = new Map<string, unknown>();

  constructor(protected readonly text: string) {}

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

  /** The callee's dotted name when `n` is a call, else ''. */
  calleeOf(n: SyntaxNode): string {
    return n.name === 'CallExpression' ? this.calleeName(n) : '';
  }

  /** A call's arguments folded to constants: positional ones (from `skip` on) and keywords by name. */
  foldedArgs(a: { positional: SyntaxNode[]; keywords: Array<[string, SyntaxNode, SyntaxNode]> }, skip = 0): { pos: unknown[]; kw: Record<string, unknown> } {
    return { pos: a.positional.slice(skip).map(p => this.fold(p).value), kw: Object.fromEntries(a.keywords.map(([k, v]) => [k, this.fold(v).value])) };
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
}
