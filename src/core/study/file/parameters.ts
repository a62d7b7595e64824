/**
 * The `parameters:` section of a study file: W&B parameters (constants, value lists, ranges, nested
 * parameters) and W&B distributions, mapped onto the search space. Distributions the engine cannot
 * represent exactly (unbounded normals, quantized log scales) get the closest bounded form and a
 * warning that says what was done. Values are typed as PyYAML types them (what wandb reads), lists
 * and mappings included: such a value travels through the engine as its Python repr and reaches the
 * program decoded (ParamLayout); a nested parameter is searched as `outer.inner` and passed nested.
 */
import { isMap, isSeq, type Node } from 'yaml';
import { validateParamName } from '../../runner/argv';
import { pythonRepr, type JsonValue } from '../../runner/python';
import type { ParamLayout } from '../../runner/types';
import type { Distribution, ParamSpec, ParamValue } from '../../search/types';
import { DISTRIBUTIONS, STUDY_FILE_KEYS } from './keys';
import { sweepValue } from './pyyaml';
import { describe, entries, num, oneOf, writtenAsInt, type Context, type Entry } from './yaml';

/** What the section yields: the searched parameters, the constants passed to every trial, and how they reach the program. */
export interface ReadParameters {
  readonly params: ParamSpec[];
  readonly constants: Record<string, ParamValue>;
  readonly layout: Record<string, ParamLayout>;
  /** Where each parameter is written (its key), for checks made once the whole section is read. */
  readonly keys: Map<string, Node>;
}

/**
 * Names that are not data in a JavaScript object: `__proto__` would be dropped from the parameters a
 * trial receives (or replace their prototype), `constructor` and `prototype` read as inherited members.
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

type DistributionName = (typeof DISTRIBUTIONS)[number];

/** One parameter being read: its name, where it is (for messages), its keys, and the output. */
interface Site {
  readonly ctx: Context;
  readonly name: string;
  readonly where: string;
  /** The parameter's mapping node. */
  readonly node: Node | null;
  readonly m: Map<string, Entry>;
  readonly distE: Entry | undefined;
  readonly out: ReadParameters;
}

/** Reads a `parameters:` mapping (`path` leads to a nested one) into `out`. */
export function readParameters(ctx: Context, e: Entry, path: readonly string[], out: ReadParameters): void {
  const prefix = path.map(p => `${p}.`).join('');
  const where = prefix ? `parameters.${prefix}parameters` : 'parameters';
  if (!isMap(e.value)) {
    ctx.error(e.value ?? e.pair, `${where} must be a mapping of parameter names to their ranges, got ${describe(e.value)}`);
    return;
  }
  if (e.value.items.length === 0) {
    ctx.error(e.value, `${where} is empty: give at least one hyperparameter to search, e.g. lr: {min: 0.0001, max: 0.1}`);
    return;
  }
  for (const [key, entry] of entries(ctx, e.value, where, undefined)) {
    const name = `${prefix}${key}`;
    const reserved = key.split('.').find(part => RESERVED_NAMES.has(part));
    if (reserved !== undefined) {
      ctx.error(entry.pair.key as Node, `parameters: ${reserved} cannot be a parameter name (${[...RESERVED_NAMES].join(', ')} are reserved); rename it`);
      continue;
    }
    try {
      // Checked here, with a position, rather than as a launch failure of every trial.
      validateParamName(key);
      validateParamName(name);
    } catch (err) {
      ctx.error(entry.pair.key as Node, `parameters: ${(err as Error).message}`);
      continue;
    }
    if (out.keys.has(name)) {
      ctx.error(entry.pair.key as Node, `parameters: ${name} is defined twice (a dotted name and a nested parameter both give ${name})`);
      continue;
    }
    out.keys.set(name, entry.pair.key as Node);
    readParameter(ctx, entry, name, [...path, key], out);
  }
}

function readParameter(ctx: Context, e: Entry, name: string, path: readonly string[], out: ReadParameters): void {
  const where = `parameters.${name}`;
  if (!isMap(e.value)) {
    ctx.error(e.value ?? e.pair, `${where} must be a mapping like {values: [...]} or {min: …, max: …}, got ${describe(e.value)}`);
    return;
  }
  const m = entries(ctx, e.value, where, STUDY_FILE_KEYS.parameter);
  if (m.has('parameters')) {
    // W&B nested parameters: `optimizer: {parameters: {lr: …}}` searches `optimizer.lr` and passes `--optimizer={'lr': …}`.
    for (const k of m.keys()) if (k !== 'parameters' && k !== 'description') ctx.error(m.get(k)!.pair, `${where}.${k} cannot be combined with nested ${where}.parameters`);
    readParameters(ctx, m.get('parameters')!, path, out);
    return;
  }
  if (path.length > 1) out.layout[name] = { ...out.layout[name], path };
  const site: Site = { ctx, name, where, node: e.value, m, distE: m.get('distribution'), out };
  const dist = distributionOf(site);
  if (dist === undefined) return;
  if (dist === 'constant') return readConstant(site);
  if (dist === 'categorical' || dist === 'categorical_w_probabilities') return readCategorical(site, dist === 'categorical_w_probabilities');
  if (dist === 'beta' || dist === 'q_beta') return readBeta(site, dist);
  if (dist === 'normal' || dist === 'q_normal' || dist === 'log_normal' || dist === 'q_log_normal') return readNormal(site, dist);
  readBounded(site, dist);
}

/** The distribution as written, else as W&B infers it from the keys. */
function distributionOf({ ctx, where, node, m, distE }: Site): DistributionName | undefined {
  if (distE) return oneOf(ctx, distE, `${where}.distribution`, DISTRIBUTIONS);
  if (m.has('value')) return 'constant';
  if (m.has('values')) return m.has('probabilities') ? 'categorical_w_probabilities' : 'categorical';
  if (m.has('min') || m.has('max')) {
    const minE = m.get('min');
    const maxE = m.get('max');
    // W&B: int_uniform when both bounds are integers, uniform otherwise.
    return minE && maxE && writtenAsInt(ctx, minE) && writtenAsInt(ctx, maxE) ? 'int_uniform' : 'uniform';
  }
  ctx.error(node, `${where} needs value, values, min/max, distribution or nested parameters`);
  return undefined;
}

function pushSpec(site: Site, distribution: Distribution): void {
  site.out.params.push({ name: site.name, distribution });
}

function pushFloat(site: Site, low: number, high: number, extra: { log?: boolean; step?: number } = {}): void {
  pushSpec(site, { type: 'float', low: tidy(low), high: tidy(high), ...extra });
}

/**
 * The engine's form of a value: scalars as they are, a list or mapping as its Python repr (a token the
 * layout decodes again), refused when a plain string of the parameter already reads the same.
 */
function engineValue(site: Site, node: Node | null, value: JsonValue, strings: ReadonlySet<string>): ParamValue | undefined {
  if (value === null || typeof value !== 'object') return value;
  const token = pythonRepr(value);
  if (strings.has(token)) {
    site.ctx.error(node, `${site.where}: the string ${JSON.stringify(token)} and a list or mapping with the same text cannot both be values`);
    return undefined;
  }
  const layout = site.out.layout[site.name] ?? {};
  site.out.layout[site.name] = { ...layout, values: { ...layout.values, [token]: value } };
  return token;
}

function readConstant(site: Site): void {
  const { ctx, name, where, node, m, out } = site;
  const v = m.get('value');
  if (!v) return ctx.error(node, `${where} (constant) needs value`);
  const value = v.value === null ? null : sweepValue(ctx, v.value, `${where}.value`);
  if (value === undefined) return;
  const pv = engineValue(site, v.value, value, new Set());
  if (pv !== undefined) out.constants[name] = pv;
}

function readCategorical(site: Site, weighted: boolean): void {
  const { ctx, where, node, m } = site;
  const v = m.get('values');
  if (!v) return ctx.error(node, `${where} (categorical) needs values: [...]`);
  if (!isSeq(v.value)) return ctx.error(v.value ?? v.pair, `${where}.values must be a list, got ${describe(v.value)}`);
  if (v.value.items.length === 0) return ctx.error(v.value, `${where}.values must not be empty`);
  const items = v.value.items.map((item, i) => ({ node: item as Node, value: sweepValue(ctx, item as Node, `${where}.values[${i}]`) }));
  if (items.some(i => i.value === undefined)) return;
  const strings = new Set(items.map(i => i.value).filter((x): x is string => typeof x === 'string'));
  const choices: ParamValue[] = [];
  for (const item of items) {
    const pv = engineValue(site, item.node, item.value as JsonValue, strings);
    if (pv === undefined) return;
    choices.push(pv);
  }
  const distinct = new Map<string, number>();
  choices.forEach((c, i) => distinct.set(`${typeof c}:${String(c)}`, distinct.get(`${typeof c}:${String(c)}`) ?? i));
  let weights = weighted ? readProbabilities(site, choices.length) : undefined;
  if (weighted && weights === undefined) return;
  if (distinct.size !== choices.length) {
    ctx.warn(v.value, `${where}.values lists the same value twice${weights ? '; their probabilities are added up' : ''}`);
    const merged = new Map<number, number>();
    choices.forEach((c, i) => {
      const first = distinct.get(`${typeof c}:${String(c)}`) as number;
      merged.set(first, (merged.get(first) ?? 0) + (weights ? weights[i] : 0));
    });
    const keep = [...merged.keys()].sort((a, b) => a - b);
    if (weights) weights = keep.map(i => merged.get(i) as number);
    choices.splice(0, choices.length, ...keep.map(i => choices[i]));
  }
  pushSpec(site, weights ? { type: 'categorical', choices, weights } : { type: 'categorical', choices });
}

/** `probabilities:` of categorical_w_probabilities: one number ≥ 0 per value, used as W&B uses them. */
function readProbabilities(site: Site, count: number): number[] | undefined {
  const { ctx, where, node, m } = site;
  const pE = m.get('probabilities');
  if (!pE) return void ctx.error(node, `${where} (categorical_w_probabilities) needs probabilities: [...], one per value`);
  if (!isSeq(pE.value)) return void ctx.error(pE.value ?? pE.pair, `${where}.probabilities must be a list of numbers, got ${describe(pE.value)}`);
  if (pE.value.items.length !== count) return void ctx.error(pE.value, `${where}.probabilities has ${pE.value.items.length} numbers for ${count} values`);
  const out: number[] = [];
  for (const [i, item] of pE.value.items.entries()) {
    const p = num(ctx, { pair: pE.pair, value: item as Node }, `${where}.probabilities[${i}]`);
    if (p === undefined) return undefined;
    if (p < 0) return void ctx.error(item as Node, `${where}.probabilities[${i}] must not be negative, got ${p}`);
    out.push(p);
  }
  const sum = out.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return void ctx.error(pE.value, `${where}.probabilities add up to 0`);
  if (Math.abs(sum - 1) > 1e-9) ctx.warn(pE.value, `${where}.probabilities add up to ${fmt(sum)}, not 1; they are used as given, as W&B does (${sum < 1 ? 'the rest of the chance goes to the first value' : 'values past a cumulative 1 are never drawn'})`);
  return out;
}

/** W&B `beta` (a, b default 1) on [0, 1], `q_beta` rounded to multiples of q (an int q gives ints). */
function readBeta(site: Site, dist: 'beta' | 'q_beta'): void {
  const { ctx, where, m } = site;
  const a = m.get('a') ? num(ctx, m.get('a')!, `${where}.a`) : 1;
  const b = m.get('b') ? num(ctx, m.get('b')!, `${where}.b`) : 1;
  if (a === undefined || b === undefined) return;
  for (const [k, v] of [['a', a], ['b', b]] as const) {
    if (!(v > 0)) return ctx.error(m.get(k)!.value, `${where}.${k} must be greater than 0 for a beta distribution, got ${v}`);
  }
  for (const k of ['min', 'max', 'mu', 'sigma'] as const) if (m.has(k)) ctx.warn(m.get(k)!.pair, `${where}.${k} does not apply to ${dist} (ignored; its values lie in [0, 1])`);
  const prior = { type: 'beta', a, b } as const;
  if (dist === 'beta') return pushSpec(site, { type: 'float', low: 0, high: 1, prior });
  const q = readQ(ctx, m, where, true);
  if (q === null || q === undefined) return;
  // W&B rounds ppf(u)/q half to even, so the largest value is round(1/q)·q (which can pass 1).
  const high = tidy(roundHalfEven(1 / q) * q);
  if (high === 0) return ctx.error(m.get('q')!.value, `${where}: with q=${q} every value rounds to 0; use q ≤ 1`);
  const intQ = m.get('q') ? writtenAsInt(ctx, m.get('q')!) : true;
  pushSpec(site, intQ ? { type: 'int', low: 0, high, step: q, prior } : { type: 'float', low: 0, high, step: q, prior });
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Normal distributions are unbounded: searched over mu ± 3 sigma (log scale for the log ones), with a warning. */
function readNormal(site: Site, dist: 'normal' | 'q_normal' | 'log_normal' | 'q_log_normal'): void {
  const { ctx, where, m } = site;
  const mu = m.get('mu') ? num(ctx, m.get('mu')!, `${where}.mu`) : 0;
  const sigma = m.get('sigma') ? num(ctx, m.get('sigma')!, `${where}.sigma`) : 1;
  if (mu === undefined || sigma === undefined) return;
  if (sigma <= 0) return ctx.error(m.get('sigma')!.value, `${where}.sigma must be positive, got ${sigma}`);
  const q = readQ(ctx, m, where, dist.startsWith('q_'));
  if (q === null) return;
  // Normal distributions are only ever named explicitly (never inferred from the keys).
  const where0 = site.distE!.value;
  if (dist === 'normal' || dist === 'q_normal') {
    const low = mu - 3 * sigma;
    const high = mu + 3 * sigma;
    if (q !== undefined) {
      const g = snapToGrid(low, high, q);
      if (!g) return ctx.error(where0, `${where}: q=${q} leaves no value in mu ± 3 sigma`);
      pushFloat(site, g.low, g.high, { step: q });
    } else pushFloat(site, low, high);
    ctx.warn(where0, `${where}: ${dist}(mu=${mu}, sigma=${sigma}) is unbounded; searched uniformly over mu ± 3 sigma = [${fmt(tidy(low))}, ${fmt(tidy(high))}]`);
  } else {
    const low = Math.exp(mu - 3 * sigma);
    const high = Math.exp(mu + 3 * sigma);
    pushFloat(site, low, high, { log: true });
    ctx.warn(
      where0,
      `${where}: ${dist}(mu=${mu}, sigma=${sigma}) is unbounded; searched log-uniformly over exp(mu ± 3 sigma) = [${fmt(tidy(low))}, ${fmt(tidy(high))}]${q !== undefined ? `, without the quantization q=${q}` : ''}`,
    );
  }
}

/** Everything else is bounded by min and max. */
function readBounded(site: Site, dist: Exclude<DistributionName, 'constant' | 'categorical' | 'categorical_w_probabilities' | 'beta' | 'q_beta' | 'normal' | 'q_normal' | 'log_normal' | 'q_log_normal'>): void {
  const { ctx, where, node, m } = site;
  const minE = m.get('min');
  const maxE = m.get('max');
  if (!minE || !maxE) {
    ctx.error(node, `${where} (${dist}) needs both min and max`);
    return;
  }
  const min = num(ctx, minE, `${where}.min`);
  const max = num(ctx, maxE, `${where}.max`);
  if (min === undefined || max === undefined) return;
  if (!(min < max)) return ctx.error(maxE.value, `${where}.max (${max}) must be greater than min (${min})`);
  for (const k of ['mu', 'sigma'] as const) if (m.has(k)) ctx.warn(m.get(k)!.pair, `${where}.${k} only applies to normal distributions (ignored)`);
  const distNode = site.distE?.value ?? node;

  switch (dist) {
    case 'int_uniform':
      if (!Number.isInteger(min)) return ctx.error(minE.value, `${where}.min must be a whole number for int_uniform, got ${min}`);
      if (!Number.isInteger(max)) return ctx.error(maxE.value, `${where}.max must be a whole number for int_uniform, got ${max}`);
      if (m.has('q')) ctx.warn(m.get('q')!.pair, `${where}.q only applies to q_* distributions (ignored)`);
      return pushSpec(site, { type: 'int', low: min, high: max });
    case 'uniform':
      if (m.has('q')) ctx.warn(m.get('q')!.pair, `${where}.q only applies to q_* distributions (ignored; use q_uniform)`);
      return pushFloat(site, min, max);
    case 'q_uniform': {
      const q = readQ(ctx, m, where, true);
      if (q === null || q === undefined) return;
      const g = snapToGrid(min, max, q);
      if (!g) return ctx.error(maxE.value, `${where}: no multiple of q=${q} lies between min ${min} and max ${max}`);
      if (g.low !== min || g.high !== max) ctx.warn(distNode, `${where}: q_uniform values are multiples of q=${q}; searching [${fmt(g.low)}, ${fmt(g.high)}] in steps of ${q}`);
      if (Number.isInteger(q) && Number.isInteger(g.low) && Number.isInteger(g.high)) return pushSpec(site, { type: 'int', low: g.low, high: g.high, step: q });
      return pushFloat(site, g.low, g.high, { step: q });
    }
    case 'log_uniform':
    case 'inv_log_uniform':
    case 'q_log_uniform': {
      // W&B: these take natural-log EXPONENT bounds: log_uniform {min: -9.2, max: -2.3} is e^-9.2 … e^-2.3.
      if (min > 0 && max <= 1) {
        ctx.warn(distNode, `${where}: ${dist} takes natural-log exponent bounds, so min ${min} / max ${max} mean e^${min} … e^${max} (≈ ${fmt(Math.exp(min))} … ${fmt(Math.exp(max))}); for real values use ${dist}_values`);
      }
      const low = dist === 'inv_log_uniform' ? Math.exp(-max) : Math.exp(min);
      const high = dist === 'inv_log_uniform' ? Math.exp(-min) : Math.exp(max);
      if (!(low > 0) || !Number.isFinite(high)) return ctx.error(distNode, `${where}: ${dist} bounds e^${min} … e^${max} are out of the floating-point range`);
      if (dist === 'q_log_uniform') return pushQLog(site, distNode, low, high);
      return pushFloat(site, low, high, { log: true });
    }
    case 'log_uniform_values':
    case 'inv_log_uniform_values':
    case 'q_log_uniform_values':
      if (min <= 0) return ctx.error(minE.value, `${where}.min must be positive for ${dist}, got ${min}`);
      if (dist === 'q_log_uniform_values') return pushQLog(site, distNode, min, max);
      return pushFloat(site, min, max, { log: true });
  }
}

/** Quantized log-uniform: exact as an integer log scale when q = 1, otherwise log-uniform without the rounding. */
function pushQLog(site: Site, node: Node | null, low: number, high: number): void {
  const { ctx, where, m } = site;
  const q = readQ(ctx, m, where, false) ?? 1;
  if (q === null) return;
  if (q === 1) {
    const lo = Math.max(1, Math.round(low));
    const hi = Math.round(high);
    if (hi <= lo) return ctx.error(node, `${where}: the range [${fmt(low)}, ${fmt(high)}] holds no two whole numbers to search between`);
    pushSpec(site, { type: 'int', low: lo, high: hi, log: true });
    return;
  }
  ctx.warn(node, `${where}: log scale with quantization q=${q} cannot be represented exactly; searched log-uniformly over [${fmt(tidy(low))}, ${fmt(tidy(high))}] without rounding to multiples of q`);
  pushSpec(site, { type: 'float', low: tidy(low), high: tidy(high), log: true });
}

/** q: undefined when absent (and not required), null after an error. */
function readQ(ctx: Context, m: Map<string, Entry>, where: string, defaultOne: boolean): number | undefined | null {
  const qE = m.get('q');
  if (!qE) return defaultOne ? 1 : undefined;
  const q = num(ctx, qE, `${where}.q`);
  if (q === undefined) return null;
  if (q <= 0) {
    ctx.error(qE.value, `${where}.q must be positive, got ${q}`);
    return null;
  }
  return q;
}

/** The multiples of q inside [min, max], as a stepped range. */
function snapToGrid(min: number, max: number, q: number): { low: number; high: number } | undefined {
  const low = tidy(Math.ceil(min / q - 1e-9) * q);
  const high = tidy(Math.floor(max / q + 1e-9) * q);
  return low <= high ? { low, high } : undefined;
}

/** Drops float noise (0.30000000000000004 → 0.3) so bounds print and compare as written. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}
function fmt(x: number): string {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? String(Number(x.toPrecision(6))) : x.toExponential(3);
}
