/**
 * Search-domain readers for the sweep dialects: Hydra's override grammar (`choice()`, `range()`,
 * `interval()`, `tag(log, …)`), Hydra-Optuna `search_space` maps, W&B `parameters`, NNI
 * `_type/_value`, Katib `feasibleSpace`, and the calls of Optuna / Ray Tune / scipy.stats.
 */
import type { SearchDomain } from './types';

function num(text: string): number | undefined {
  const t = text.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

function literal(text: string): unknown {
  const t = text.trim();
  const n = num(t);
  if (n !== undefined) return n;
  if (/^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
  if (/^null$/i.test(t)) return null;
  if (/^(["']).*\1$/.test(t)) return t.slice(1, -1);
  return t;
}

/** Splits on top-level commas (not inside parentheses, brackets or quotes). */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim() !== '') out.push(cur);
  return out.map(s => s.trim());
}

const isInt = (n: number | undefined) => n !== undefined && Number.isInteger(n);

/** Hydra sweeper override grammar. Undefined when the text is a plain value. */
export function parseOverrideGrammar(text: string): SearchDomain | undefined {
  const t = text.trim();
  const call = /^(\w+)\s*\(([\s\S]*)\)$/.exec(t);
  if (call) {
    const [, fn, body] = call;
    const args = splitArgs(body);
    const positional = args.filter(a => !/^\w+\s*=/.test(a));
    const named = Object.fromEntries(args.filter(a => /^\w+\s*=/.test(a)).map(a => [a.slice(0, a.indexOf('=')).trim(), a.slice(a.indexOf('=') + 1).trim()]));
    switch (fn) {
      case 'choice':
        return { type: 'categorical', choices: positional.map(literal), source: 'choice' };
      case 'range': {
        const lo = num(positional[0] ?? named.start ?? '');
        const hi = num(positional[1] ?? named.stop ?? '');
        const step = num(positional[2] ?? named.step ?? '1');
        if (lo === undefined || hi === undefined) return undefined;
        return { type: isInt(lo) && isInt(hi) && isInt(step) ? 'int' : 'float', low: lo, high: hi, step, source: 'range' };
      }
      case 'interval': {
        const lo = num(positional[0] ?? '');
        const hi = num(positional[1] ?? '');
        if (lo === undefined || hi === undefined) return undefined;
        return { type: 'float', low: lo, high: hi, source: 'interval' };
      }
      case 'tag': {
        const tags = positional.slice(0, -1).map(s => s.toLowerCase());
        const inner = parseOverrideGrammar(positional[positional.length - 1] ?? '');
        if (!inner) return undefined;
        return { ...inner, log: tags.includes('log') || inner.log, source: `tag(${tags.join(', ')}, ${inner.source ?? ''})` };
      }
      case 'int': {
        // Nevergrad/Optuna sweepers: `int(interval(4, 16))` draws integers from the interval.
        const inner = parseOverrideGrammar(positional[0] ?? '');
        return inner && inner.type !== 'categorical' ? { ...inner, type: 'int', source: `int(${inner.source ?? ''})` } : inner;
      }
      case 'glob':
        return { type: 'categorical', choices: positional.map(literal), source: 'glob' };
      default:
        return undefined;
    }
  }
  // A bare comma list sweeps its items: `lr: 1e-4,1e-3`.
  if (/,/.test(t) && !/[[{]/.test(t[0] ?? '')) {
    const parts = splitArgs(t);
    if (parts.length > 1) return { type: 'categorical', choices: parts.map(literal), source: 'list' };
  }
  return undefined;
}

type Plain = Record<string, unknown>;

/** Hydra-Optuna `search_space` entry `{type: float, low, high, log, step, choices}`. */
export function optunaSpaceSpec(spec: Plain): SearchDomain | undefined {
  const type = String(spec.type ?? '');
  if (type === 'categorical' && Array.isArray(spec.choices)) return { type: 'categorical', choices: spec.choices, source: 'search_space' };
  if (type === 'float' || type === 'int') {
    return { type, low: toNum(spec.low), high: toNum(spec.high), log: spec.log === true ? true : undefined, step: toNum(spec.step), source: 'search_space' };
  }
  return undefined;
}

function toNum(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return num(v);
  return undefined;
}

/** Other Hydra sweepers: Nevergrad `{lower, upper, log, integer}` / `[a, b, c]`, Ax `{type: range, bounds, log_scale}`. */
export function sweeperSpec(spec: Plain): SearchDomain | undefined {
  const fromOptuna = optunaSpaceSpec(spec);
  if (fromOptuna) return fromOptuna;
  if ('lower' in spec || 'upper' in spec) {
    return { type: spec.integer === true ? 'int' : 'float', low: toNum(spec.lower), high: toNum(spec.upper), log: spec.log === true ? true : undefined, step: toNum(spec.step), source: 'nevergrad' };
  }
  if (spec.type === 'range' && Array.isArray(spec.bounds)) {
    const [lo, hi] = spec.bounds.map(toNum);
    return { type: isInt(lo) && isInt(hi) && spec.value_type !== 'float' ? 'int' : 'float', low: lo, high: hi, log: spec.log_scale === true ? true : undefined, source: 'ax range' };
  }
  if (spec.type === 'choice' && Array.isArray(spec.values)) return { type: 'categorical', choices: spec.values, source: 'ax choice' };
  if (spec.type === 'fixed' && 'value' in spec) return { type: 'categorical', choices: [spec.value], source: 'ax fixed' };
  if (Array.isArray(spec.choices)) return { type: 'categorical', choices: spec.choices, source: 'choices' };
  return undefined;
}

/** W&B sweep parameter `{values | value | min/max | distribution | q}`. */
export function wandbSpec(spec: Plain): SearchDomain | undefined {
  const dist = typeof spec.distribution === 'string' ? spec.distribution : undefined;
  if (Array.isArray(spec.values)) return { type: 'categorical', choices: spec.values, source: dist ?? 'values' };
  if ('value' in spec) return { type: 'categorical', choices: [spec.value], source: 'value' };
  // W&B beta / q_beta: values in [0, 1] (q_beta rounded to multiples of q).
  if (dist === 'beta' || dist === 'q_beta') return { type: 'float', low: 0, high: 1, step: dist === 'q_beta' ? (toNum(spec.q) ?? 1) : undefined, source: dist };
  const lo = toNum(spec.min);
  const hi = toNum(spec.max);
  if (lo !== undefined || hi !== undefined || dist) {
    const d = dist ?? (isInt(lo) && isInt(hi) ? 'int_uniform' : 'uniform');
    // `log_uniform` takes natural-log exponents as bounds; `log_uniform_values` takes real values.
    const log = /log/.test(d) ? true : undefined;
    const type = /int/.test(d) || (dist === undefined && isInt(lo) && isInt(hi)) ? 'int' : 'float';
    return { type, low: lo, high: hi, log, step: toNum(spec.q), source: d };
  }
  return undefined;
}

/** NNI `{_type, _value}`. */
export function nniSpec(spec: Plain): SearchDomain | undefined {
  const t = String(spec._type ?? '');
  const v = Array.isArray(spec._value) ? spec._value : [];
  switch (t) {
    case 'choice':
      return { type: 'categorical', choices: v, source: 'choice' };
    case 'randint':
      return { type: 'int', low: toNum(v[0]), high: toNum(v[1]), source: 'randint' };
    case 'uniform':
    case 'normal':
      return { type: 'float', low: toNum(v[0]), high: toNum(v[1]), source: t };
    case 'quniform':
      return { type: 'float', low: toNum(v[0]), high: toNum(v[1]), step: toNum(v[2]), source: t };
    case 'loguniform':
    case 'lognormal':
      return { type: 'float', low: toNum(v[0]), high: toNum(v[1]), log: true, source: t };
    case 'qloguniform':
      return { type: 'float', low: toNum(v[0]), high: toNum(v[1]), log: true, step: toNum(v[2]), source: t };
    case 'qnormal':
      return { type: 'float', low: toNum(v[0]), high: toNum(v[1]), step: toNum(v[2]), source: t };
    default:
      return t ? { type: 'categorical', choices: v, source: t } : undefined;
  }
}

/** Katib `parameterType` + `feasibleSpace` (bounds are strings). */
export function katibSpec(parameterType: unknown, space: Plain): SearchDomain | undefined {
  const t = String(parameterType ?? '');
  if (t === 'categorical' || t === 'discrete') return { type: 'categorical', choices: Array.isArray(space.list) ? space.list.map(x => (t === 'discrete' ? toNum(x) ?? x : x)) : [], source: `katib ${t}` };
  if (t === 'int' || t === 'double') {
    return { type: t === 'int' ? 'int' : 'float', low: toNum(space.min), high: toNum(space.max), step: toNum(space.step), log: space.distribution === 'logUniform' ? true : undefined, source: `katib ${t}` };
  }
  return undefined;
}

/** Ray Tune / scipy.stats / hyperopt-style domain calls, from the callee and folded arguments. */
export function callDomain(callee: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, raw: string): SearchDomain | undefined {
  const fn = callee.split('.').pop() ?? '';
  const n = (i: number, k?: string) => toNum(k && k in kwargs ? kwargs[k] : args[i]);
  const prefix = callee.includes('tune.') || callee.startsWith('tune') ? 'tune.' : callee.includes('.') ? callee.slice(0, callee.lastIndexOf('.') + 1) : '';
  switch (fn) {
    case 'uniform':
      // scipy.stats.uniform(loc, scale) spans [loc, loc + scale]; Ray's uniform(lower, upper) does not.
      if (!prefix.startsWith('tune') && /stats|^$/.test(prefix)) {
        const loc = n(0, 'loc') ?? 0;
        const scale = n(1, 'scale') ?? 1;
        return { type: 'float', low: loc, high: loc + scale, source: `${prefix}uniform` };
      }
      return { type: 'float', low: n(0, 'lower'), high: n(1, 'upper'), source: `${prefix}uniform` };
    case 'quniform':
      return { type: 'float', low: n(0, 'lower'), high: n(1, 'upper'), step: n(2, 'q'), source: `${prefix}quniform` };
    case 'loguniform':
    case 'reciprocal':
      return { type: 'float', low: n(0, 'lower') ?? n(0, 'a'), high: n(1, 'upper') ?? n(1, 'b'), log: true, source: `${prefix}${fn}` };
    case 'qloguniform':
      return { type: 'float', low: n(0, 'lower'), high: n(1, 'upper'), log: true, step: n(2, 'q'), source: `${prefix}qloguniform` };
    case 'randint':
      return { type: 'int', low: n(0, 'lower') ?? n(0, 'low'), high: n(1, 'upper') ?? n(1, 'high'), source: `${prefix}randint` };
    case 'qrandint':
      return { type: 'int', low: n(0, 'lower'), high: n(1, 'upper'), step: n(2, 'q'), source: `${prefix}qrandint` };
    case 'lograndint':
      return { type: 'int', low: n(0, 'lower'), high: n(1, 'upper'), log: true, source: `${prefix}lograndint` };
    case 'randn':
      return { type: 'float', source: `${prefix}randn` };
    case 'choice':
    case 'grid_search':
      return { type: 'categorical', choices: Array.isArray(args[0]) ? args[0] : [], source: `${prefix}${fn}` };
    case 'sample_from':
      return { type: /randint|\*\*/.test(raw) ? 'int' : 'float', source: `${prefix}sample_from` };
    default:
      return undefined;
  }
}

/** Optuna `trial.suggest_*(name, …)`. */
export function suggestDomain(method: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>): SearchDomain | undefined {
  const n = (i: number, k: string) => toNum(k in kwargs ? kwargs[k] : args[i]);
  const log = kwargs.log === true ? true : undefined;
  switch (method) {
    case 'suggest_float':
      return { type: 'float', low: n(1, 'low'), high: n(2, 'high'), log, step: n(3, 'step'), source: method };
    case 'suggest_uniform':
      return { type: 'float', low: n(1, 'low'), high: n(2, 'high'), source: method };
    case 'suggest_loguniform':
      return { type: 'float', low: n(1, 'low'), high: n(2, 'high'), log: true, source: method };
    case 'suggest_discrete_uniform':
      return { type: 'float', low: n(1, 'low'), high: n(2, 'high'), step: n(3, 'q'), source: method };
    case 'suggest_int':
      return { type: 'int', low: n(1, 'low'), high: n(2, 'high'), log, step: n(3, 'step'), source: method };
    case 'suggest_categorical': {
      const choices = 'choices' in kwargs ? kwargs.choices : args[1];
      return { type: 'categorical', choices: Array.isArray(choices) ? choices : [], source: method };
    }
    default:
      return undefined;
  }
}

/**
 * Keras Tuner (`hp.Float("lr", 1e-4, 1e-2, sampling="log")`) and hyperopt (`hp.loguniform("lr", …)`)
 * domains, from the call's arguments after the name.
 */
export function namedDomainSearch(fn: string, pos: readonly unknown[], kw: Readonly<Record<string, unknown>>): SearchDomain {
  const num = (x: unknown) => (typeof x === 'number' ? x : undefined);
  switch (fn) {
    case 'Float':
      return { type: 'float', low: num(kw.min_value ?? pos[0]), high: num(kw.max_value ?? pos[1]), log: kw.sampling === 'log' ? true : undefined, step: num(kw.step), source: 'hp.Float' };
    case 'Int':
      return { type: 'int', low: num(kw.min_value ?? pos[0]), high: num(kw.max_value ?? pos[1]), log: kw.sampling === 'log' ? true : undefined, step: num(kw.step ?? pos[2]), source: 'hp.Int' };
    case 'Choice':
    case 'choice':
      return { type: 'categorical', choices: Array.isArray(kw.values ?? pos[0]) ? ((kw.values ?? pos[0]) as unknown[]) : [], source: `hp.${fn}` };
    case 'Boolean':
      return { type: 'categorical', choices: [true, false], source: 'hp.Boolean' };
    default:
      // hyperopt: the bounds of `loguniform` are natural-log exponents, as written.
      return { type: fn === 'randint' ? 'int' : 'float', low: num(pos[0]), high: num(pos[1]), log: /log/.test(fn) ? true : undefined, step: num(pos[2]), source: `hp.${fn}` };
  }
}
