/**
 * Search-space helpers: builders, validation with messages a user can act on, conditional
 * activity, and the unit-cube encoding every model-based sampler shares (log warping, integer and
 * step cells, one-hot or index categoricals).
 */
import { betaCdf, betaPpf } from './beta';
import type { Distribution, ParamSpec, ParamValue, SearchSpace } from './types';

export class SearchSpaceError extends Error {}

export function floatParam(name: string, low: number, high: number, opts: { log?: boolean; step?: number } = {}): ParamSpec {
  return { name, distribution: { type: 'float', low, high, ...(opts.log ? { log: true } : {}), ...(opts.step !== undefined ? { step: opts.step } : {}) } };
}

export function intParam(name: string, low: number, high: number, opts: { log?: boolean; step?: number } = {}): ParamSpec {
  return { name, distribution: { type: 'int', low, high, ...(opts.log ? { log: true } : {}), ...(opts.step !== undefined ? { step: opts.step } : {}) } };
}

export function categoricalParam(name: string, choices: readonly ParamValue[]): ParamSpec {
  return { name, distribution: { type: 'categorical', choices } };
}

/** Makes `spec` conditional on `parent` taking one of `values`. */
export function when(spec: ParamSpec, parent: string, values: readonly ParamValue[]): ParamSpec {
  return { ...spec, condition: { parent, values } };
}

/** Validates and returns the space (throws SearchSpaceError naming the parameter). */
export function defineSpace(params: readonly ParamSpec[]): SearchSpace {
  const space = { params };
  validateSpace(space);
  return space;
}

/** Largest number of points a stepped/int dimension may have before it counts as "continuous". */
const MAX_CELLS = 1e9;

export function validateDistribution(name: string, d: Distribution): void {
  const where = `parameter "${name}"`;
  if (d.type === 'categorical') {
    if (!Array.isArray(d.choices) || d.choices.length === 0) throw new SearchSpaceError(`${where}: categorical needs at least one choice`);
    const seen = new Set<string>();
    for (const c of d.choices) {
      if (c !== null && typeof c !== 'string' && typeof c !== 'number' && typeof c !== 'boolean') {
        throw new SearchSpaceError(`${where}: choice ${String(c)} must be a string, number, boolean or null`);
      }
      if (typeof c === 'number' && !Number.isFinite(c)) throw new SearchSpaceError(`${where}: choice ${c} is not a finite number`);
      const key = `${typeof c}:${String(c)}`;
      if (seen.has(key)) throw new SearchSpaceError(`${where}: duplicate choice ${JSON.stringify(c)}`);
      seen.add(key);
    }
    if (d.weights !== undefined) {
      if (!Array.isArray(d.weights) || d.weights.length !== d.choices.length) throw new SearchSpaceError(`${where}: give one probability per choice (${d.choices.length})`);
      if (d.weights.some(w => typeof w !== 'number' || !Number.isFinite(w) || w < 0)) throw new SearchSpaceError(`${where}: probabilities must be numbers ≥ 0`);
      if (!(d.weights.reduce((s, w) => s + w, 0) > 0)) throw new SearchSpaceError(`${where}: the probabilities add up to 0`);
    }
    return;
  }
  if (d.prior !== undefined) {
    const { a, b } = d.prior;
    if (d.prior.type !== 'beta' || !(a > 0) || !(b > 0) || !Number.isFinite(a) || !Number.isFinite(b)) throw new SearchSpaceError(`${where}: a beta prior needs a > 0 and b > 0 (got a=${String(a)}, b=${String(b)})`);
    if (d.log) throw new SearchSpaceError(`${where}: a beta prior cannot be combined with a log scale`);
  }
  const { low, high, log, step } = d;
  if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(low) || !Number.isFinite(high)) {
    throw new SearchSpaceError(`${where}: low and high must be finite numbers (got ${String(low)}, ${String(high)})`);
  }
  if (low > high) throw new SearchSpaceError(`${where}: low (${low}) must not exceed high (${high})`);
  if (low === high && d.type === 'float' && step === undefined) {
    throw new SearchSpaceError(`${where}: low and high are equal (${low}); use a categorical with one choice for a constant`);
  }
  if (log && low <= 0) throw new SearchSpaceError(`${where}: a log scale needs low > 0 (got ${low})`);
  if (log && step !== undefined && !(d.type === 'int' && step === 1)) {
    throw new SearchSpaceError(`${where}: step cannot be combined with a log scale`);
  }
  if (step !== undefined) {
    if (typeof step !== 'number' || !Number.isFinite(step) || step <= 0) throw new SearchSpaceError(`${where}: step must be a positive number (got ${String(step)})`);
    if (d.type === 'int' && !Number.isInteger(step)) throw new SearchSpaceError(`${where}: an int step must be an integer (got ${step})`);
    if ((high - low) / step > MAX_CELLS) throw new SearchSpaceError(`${where}: step ${step} gives more than ${MAX_CELLS} values`);
  }
  if (d.type === 'int' && (!Number.isInteger(low) || !Number.isInteger(high))) {
    throw new SearchSpaceError(`${where}: int bounds must be integers (got ${low}, ${high})`);
  }
}

export function validateSpace(space: SearchSpace): void {
  if (!space || !Array.isArray(space.params)) throw new SearchSpaceError('search space must have a params array');
  if (space.params.length === 0) throw new SearchSpaceError('search space is empty: define at least one parameter');
  const names = new Map<string, ParamSpec>();
  for (const p of space.params) {
    if (typeof p.name !== 'string' || p.name === '') throw new SearchSpaceError('every parameter needs a non-empty name');
    if (names.has(p.name)) throw new SearchSpaceError(`parameter "${p.name}" is defined twice`);
    names.set(p.name, p);
    if (!p.distribution || typeof p.distribution !== 'object') throw new SearchSpaceError(`parameter "${p.name}": missing distribution`);
    if (!['float', 'int', 'categorical'].includes(p.distribution.type)) {
      throw new SearchSpaceError(`parameter "${p.name}": unknown distribution type "${String((p.distribution as { type: unknown }).type)}"`);
    }
    validateDistribution(p.name, p.distribution);
  }
  for (const p of space.params) {
    if (!p.condition) continue;
    const parent = names.get(p.condition.parent);
    if (!parent) throw new SearchSpaceError(`parameter "${p.name}": condition refers to unknown parent "${p.condition.parent}"`);
    if (parent.name === p.name) throw new SearchSpaceError(`parameter "${p.name}": a parameter cannot be conditional on itself`);
    if (!Array.isArray(p.condition.values) || p.condition.values.length === 0) {
      throw new SearchSpaceError(`parameter "${p.name}": condition on "${parent.name}" lists no values`);
    }
  }
  orderedParams(space); // throws on cycles
}

/** Parameters with every parent before its children (throws on a cycle). */
export function orderedParams(space: SearchSpace): ParamSpec[] {
  const byName = new Map(space.params.map(p => [p.name, p]));
  const out: ParamSpec[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (p: ParamSpec, path: string[]) => {
    const s = state.get(p.name);
    if (s === 2) return;
    if (s === 1) throw new SearchSpaceError(`conditional parameters form a cycle: ${[...path, p.name].join(' → ')}`);
    state.set(p.name, 1);
    const parent = p.condition ? byName.get(p.condition.parent) : undefined;
    if (parent) visit(parent, [...path, p.name]);
    state.set(p.name, 2);
    out.push(p);
  };
  for (const p of space.params) visit(p, []);
  return out;
}

function sameValue(a: ParamValue | undefined, b: ParamValue): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)));
}

/** Whether `spec` is active given the values chosen so far (its parent must be active and match). */
export function isActive(spec: ParamSpec, params: Readonly<Record<string, ParamValue>>): boolean {
  if (!spec.condition) return true;
  if (!(spec.condition.parent in params)) return false;
  const v = params[spec.condition.parent];
  return spec.condition.values.some(c => sameValue(v, c));
}

/** Number of values a dimension can take, or Infinity for a continuous one. */
export function cardinality(d: Distribution): number {
  if (d.type === 'categorical') return d.choices.length;
  if (d.type === 'int') {
    const step = d.step ?? 1;
    return Math.floor((d.high - d.low) / step + 1e-9) + 1;
  }
  if (d.step !== undefined) return Math.floor((d.high - d.low) / d.step + 1e-9) + 1;
  return Infinity;
}

/** Snaps a numeric value onto the distribution (clamp, step grid, integer). */
export function snapNumber(d: Exclude<Distribution, { type: 'categorical' }>, v: number): number {
  let x = Math.min(d.high, Math.max(d.low, v));
  const step = d.step ?? (d.type === 'int' ? 1 : undefined);
  if (step !== undefined) {
    const k = Math.round((x - d.low) / step);
    x = d.low + Math.min(k, cardinality(d) - 1) * step;
    // Round away float noise from low + k*step (0.1*3 → 0.30000000000000004) to the step's decimals.
    if (d.type === 'float') x = Number(x.toPrecision(15));
  }
  if (d.type === 'int') x = Math.round(x);
  return x;
}

/**
 * Maps one dimension to [0,1] and back. Discrete numeric dimensions (int, stepped float) use
 * equal-width cells so each value gets the same share of the cube; log scales are warped first.
 */
export function toUnit(d: Exclude<Distribution, { type: 'categorical' }>, v: number): number {
  if (d.prior) return clamp01(betaCdf(v, d.prior.a, d.prior.b));
  const n = cardinality(d);
  if (d.log) {
    if (d.type === 'int') {
      const lo = Math.log(d.low - 0.5 > 0 ? d.low - 0.5 : d.low * 0.5);
      const hi = Math.log(d.high + 0.5);
      return clamp01((Math.log(v) - lo) / (hi - lo));
    }
    return clamp01((Math.log(v) - Math.log(d.low)) / (Math.log(d.high) - Math.log(d.low)));
  }
  if (Number.isFinite(n)) {
    const step = d.step ?? 1;
    const k = Math.round((v - d.low) / step);
    return (Math.min(n - 1, Math.max(0, k)) + 0.5) / n;
  }
  return clamp01((v - d.low) / (d.high - d.low));
}

export function fromUnit(d: Exclude<Distribution, { type: 'categorical' }>, u: number): number {
  const x = clamp01(u);
  // W&B: ppf of the uniform draw, then rounded to the step (q_beta).
  if (d.prior) return snapNumber(d, betaPpf(x, d.prior.a, d.prior.b));
  const n = cardinality(d);
  if (d.log) {
    if (d.type === 'int') {
      const lo = Math.log(d.low - 0.5 > 0 ? d.low - 0.5 : d.low * 0.5);
      const hi = Math.log(d.high + 0.5);
      return snapNumber(d, Math.exp(lo + x * (hi - lo)));
    }
    // exp(log(low)) is not always low to the last bit: the bounds themselves are returned exactly.
    if (x === 0) return d.low;
    if (x === 1) return d.high;
    const v = Math.exp(Math.log(d.low) + x * (Math.log(d.high) - Math.log(d.low)));
    return Math.min(d.high, Math.max(d.low, v));
  }
  if (Number.isFinite(n)) {
    const k = Math.min(n - 1, Math.floor(x * n));
    return snapNumber(d, d.low + k * (d.step ?? 1));
  }
  return Math.min(d.high, Math.max(d.low, d.low + x * (d.high - d.low)));
}

function clamp01(u: number): number {
  return u < 0 ? 0 : u > 1 ? 1 : u;
}

/** Index of a categorical value (-1 if absent). */
export function choiceIndex(choices: readonly ParamValue[], v: ParamValue | undefined): number {
  for (let i = 0; i < choices.length; i++) if (sameValue(v, choices[i])) return i;
  return -1;
}

export interface EncodedColumn {
  /** Index into the ordered parameter list. */
  readonly param: number;
  /** For one-hot columns, the choice this column stands for. */
  readonly choice?: number;
}

/**
 * Encodes parameter dicts as points of [0,1]^dims and back. Inactive conditional parameters are
 * encoded as 0.5 (one-hot: all zeros) so they do not pull a model in any direction.
 */
export class SpaceEncoder {
  readonly params: readonly ParamSpec[];
  readonly columns: readonly EncodedColumn[];
  /** For each parameter, its first column and number of columns. */
  readonly offsets: readonly { start: number; width: number }[];
  readonly dims: number;
  readonly categorical: 'onehot' | 'index';

  constructor(space: SearchSpace, opts: { categorical?: 'onehot' | 'index' } = {}) {
    validateSpace(space);
    this.categorical = opts.categorical ?? 'onehot';
    this.params = orderedParams(space);
    const columns: EncodedColumn[] = [];
    const offsets: { start: number; width: number }[] = [];
    this.params.forEach((p, i) => {
      const start = columns.length;
      if (p.distribution.type === 'categorical' && this.categorical === 'onehot') {
        p.distribution.choices.forEach((_, c) => columns.push({ param: i, choice: c }));
      } else {
        columns.push({ param: i });
      }
      offsets.push({ start, width: columns.length - start });
    });
    this.columns = columns;
    this.offsets = offsets;
    this.dims = columns.length;
  }

  /** True when every dimension is numeric (no categorical) and unconditional. */
  get isPlainNumeric(): boolean {
    return this.params.every(p => p.distribution.type !== 'categorical' && !p.condition);
  }

  encode(params: Readonly<Record<string, ParamValue>>, out = new Float64Array(this.dims)): Float64Array {
    this.params.forEach((p, i) => {
      const { start, width } = this.offsets[i];
      const v = params[p.name];
      const d = p.distribution;
      const present = p.name in params && isActive(p, params);
      if (d.type === 'categorical') {
        const idx = present ? choiceIndex(d.choices, v) : -1;
        if (width === 1) out[start] = idx < 0 ? 0.5 : d.weights ? weightedCellCentre(d.weights, idx) : (idx + 0.5) / d.choices.length;
        else for (let c = 0; c < width; c++) out[start + c] = c === idx ? 1 : 0;
      } else {
        out[start] = present && typeof v === 'number' && Number.isFinite(v) ? toUnit(d, v) : 0.5;
      }
    });
    return out;
  }

  /** Decodes a point; only active parameters appear in the result. */
  decode(x: ArrayLike<number>): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    this.params.forEach((p, i) => {
      if (!isActive(p, out)) return;
      const { start, width } = this.offsets[i];
      const d = p.distribution;
      if (d.type === 'categorical') {
        let idx = 0;
        if (width === 1) idx = d.weights ? weightedIndex(d.weights, x[start]) : Math.min(d.choices.length - 1, Math.max(0, Math.floor(x[start] * d.choices.length)));
        else for (let c = 1; c < width; c++) if (x[start + c] > x[start + idx]) idx = c;
        out[p.name] = d.choices[idx];
      } else {
        out[p.name] = fromUnit(d, x[start]);
      }
    });
    return out;
  }

  /** Re-encodes a decoded point: snaps integers/steps to cell centres and one-hot to a vertex. */
  snap(x: ArrayLike<number>): Float64Array {
    const params = this.decode(x);
    const out = this.encode(params);
    return out;
  }
}

/**
 * W&B's categorical_w_probabilities draw: the first choice whose cumulative probability exceeds u
 * (`argmin(u >= cumsum(p))`; probabilities are used as given, so when they add up to less than 1 a u
 * past their sum falls back to the first choice, as in W&B).
 */
export function weightedIndex(weights: readonly number[], u: number): number {
  let cumulative = 0;
  for (let i = 0; i < weights.length; i++) {
    cumulative += weights[i];
    if (u < cumulative) return i;
  }
  return 0;
}

/** The middle of choice i's share of [0, 1] under weightedIndex. */
function weightedCellCentre(weights: readonly number[], i: number): number {
  let before = 0;
  for (let k = 0; k < i; k++) before += weights[k];
  return clamp01(before + weights[i] / 2);
}

/** Validates a parameter dict against the space (used for user-supplied and enqueued points). */
export function checkParams(space: SearchSpace, params: Readonly<Record<string, ParamValue>>): void {
  for (const p of orderedParams(space)) {
    const active = isActive(p, params);
    if (!active) continue;
    if (!(p.name in params)) throw new SearchSpaceError(`parameter "${p.name}" is missing`);
    const v = params[p.name];
    const d = p.distribution;
    if (d.type === 'categorical') {
      if (choiceIndex(d.choices, v) < 0) throw new SearchSpaceError(`parameter "${p.name}": ${JSON.stringify(v)} is not one of ${JSON.stringify(d.choices)}`);
    } else {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new SearchSpaceError(`parameter "${p.name}": ${JSON.stringify(v)} is not a finite number`);
      if (v < d.low || v > d.high) throw new SearchSpaceError(`parameter "${p.name}": ${v} is outside [${d.low}, ${d.high}]`);
      if (d.type === 'int' && !Number.isInteger(v)) throw new SearchSpaceError(`parameter "${p.name}": ${v} is not an integer`);
    }
  }
}
