/**
 * Tree-structured Parzen Estimator with Optuna 3.x defaults: 10 random startup trials, 24 EI
 * candidates drawn from l(x), gamma(n) = min(ceil(0.1 n), 25), Optuna's ramped weights, a prior
 * kernel, "magic clip" bandwidths. Univariate (one estimator per parameter, works with conditional
 * parameters) or multivariate (joint kernels over the unconditional parameters). Works in the unit
 * cube of SpaceEncoder ('index' mode), so log scales and integer cells come for free.
 * Running trials count as bad observations (constant liar) so parallel workers spread out.
 */
import type { Rng } from '../rng';
import type { SpaceEncoder } from '../space';
import { SlicedSampler, type Steps } from '../slices';
import type { FrozenTrial, ParamValue, StudyView } from '../types';
import { encoderFor, isCompleteWithValue, lastIntermediate, minimizedValues, minimizing, objectiveCount, randomPoint, rngFor } from './common';
import { belowWeights, splitByDominance } from './motpe';

export interface TpeOptions {
  readonly multivariate?: boolean;
  readonly nStartupTrials?: number;
  readonly nEiCandidates?: number;
  readonly priorWeight?: number;
}

/** Optuna's default_gamma. */
export function tpeGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default_weights: flat for the 25 newest, a linear ramp for older observations. */
export function tpeWeights(n: number): Float64Array {
  const w = new Float64Array(n);
  if (n < 25) return w.fill(1);
  const ramp = n - 25;
  for (let i = 0; i < ramp; i++) w[i] = ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1);
  for (let i = ramp; i < n; i++) w[i] = 1;
  return w;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** erfc with ~1e-7 relative accuracy (Numerical Recipes' Chebyshev fit), enough for kernel masses. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** A 1-D mixture of truncated Gaussians on [0,1] plus, for categoricals, per-kernel choice weights. */
interface NumericKernels {
  readonly kind: 'numeric';
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** log(weight / (truncation mass · σ√2π)) per kernel. */
  readonly logCoef: Float64Array;
  /** exp(logCoef): the density is Σ coef·exp(−z²/2). */
  readonly coef: Float64Array;
  readonly invSigmas: Float64Array;
  readonly weights: Float64Array;
}
interface CategoricalKernels {
  readonly kind: 'categorical';
  /** kernels × choices, each row sums to 1. */
  readonly probs: Float64Array[];
  readonly weights: Float64Array;
  readonly nChoices: number;
}
type Kernels = NumericKernels | CategoricalKernels;

function normalizeWeights(obsWeights: Float64Array, priorWeight: number): Float64Array {
  const w = new Float64Array(obsWeights.length + 1);
  w.set(obsWeights);
  w[obsWeights.length] = priorWeight;
  let s = 0;
  for (const v of w) s += v;
  for (let i = 0; i < w.length; i++) w[i] /= s;
  return w;
}

function numericKernels(values: Float64Array, obsWeights: Float64Array, priorWeight: number, bandwidth?: number): NumericKernels {
  const n = values.length;
  const mus = new Float64Array(n + 1);
  mus.set(values);
  mus[n] = 0.5; // prior kernel: centre of the cube, sigma = width
  const sigmas = new Float64Array(n + 1);
  if (bandwidth !== undefined) {
    sigmas.fill(bandwidth);
  } else if (n > 0) {
    // Distance to the farther neighbour among the sorted kernel centres (prior included), with the
    // outermost kernels using their inner neighbour only (Optuna: consider_endpoints=False).
    // Native typed-array sort + binary search: this runs on every proposal of long studies.
    const sorted = Float64Array.from(mus).sort();
    const m = sorted.length;
    const sigmaAt = (r: number) => {
      const left = r > 0 ? sorted[r] - sorted[r - 1] : sorted[r];
      const right = r < m - 1 ? sorted[r + 1] - sorted[r] : 1 - sorted[r];
      if (m >= 2 && r === 0) return right;
      if (m >= 2 && r === m - 1) return left;
      return Math.max(left, right);
    };
    for (let i = 0; i < m; i++) {
      let lo = 0;
      let hi = m - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid] < mus[i]) lo = mid + 1;
        else hi = mid;
      }
      sigmas[i] = sigmaAt(lo);
    }
  }
  const minSigma = 1 / Math.min(100, 1 + (n + 1));
  for (let i = 0; i < n; i++) sigmas[i] = Math.min(1, Math.max(minSigma, sigmas[i]));
  sigmas[n] = 1;
  const weights = normalizeWeights(obsWeights, priorWeight);
  const logCoef = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    const mass = normalCdf((1 - mus[i]) / sigmas[i]) - normalCdf((0 - mus[i]) / sigmas[i]);
    logCoef[i] = Math.log(weights[i]) - Math.log(Math.max(mass, 1e-300)) - Math.log(sigmas[i]) - LOG_SQRT_2PI;
  }
  return { kind: 'numeric', mus, sigmas, logCoef, coef: logCoef.map(Math.exp), invSigmas: sigmas.map(v => 1 / v), weights };
}

function categoricalKernels(indices: Int32Array, nChoices: number, obsWeights: Float64Array, priorWeight: number): CategoricalKernels {
  const n = indices.length;
  const probs: Float64Array[] = [];
  const fill = priorWeight / (n + 1);
  for (let i = 0; i <= n; i++) {
    const row = new Float64Array(nChoices).fill(fill);
    if (i < n) row[indices[i]] += 1;
    let s = 0;
    for (const v of row) s += v;
    for (let c = 0; c < nChoices; c++) row[c] /= s;
    probs.push(row);
  }
  return { kind: 'categorical', probs, weights: normalizeWeights(obsWeights, priorWeight), nChoices };
}

function sampleTruncNormal(rng: Rng, mu: number, sigma: number): number {
  for (let tries = 0; tries < 100; tries++) {
    const x = mu + sigma * rng.normal();
    if (x >= 0 && x <= 1) return x;
  }
  return Math.min(1, Math.max(0, mu));
}


interface Observation {
  readonly trial: FrozenTrial;
  readonly x: Float64Array;
  /** Kernel weight in l(x) for multi-objective studies (hypervolume contribution); else the age ramp applies. */
  readonly weight?: number;
}

export class TpeSampler extends SlicedSampler {
  readonly name: string;
  private readonly multivariate: boolean;
  private readonly nStartup: number;
  private readonly nCandidates: number;
  private readonly priorWeight: number;
  /** Encoded params per trial number (params never change once set). */
  private readonly encoded = new Map<number, Float64Array>();

  constructor(private readonly seed: number, opts: TpeOptions = {}) {
    super();
    this.multivariate = opts.multivariate ?? false;
    this.name = this.multivariate ? 'tpe-mv' : 'tpe';
    this.nStartup = opts.nStartupTrials ?? 10;
    this.nCandidates = opts.nEiCandidates ?? 24;
    this.priorWeight = opts.priorWeight ?? 1.0;
  }

  private encode(enc: SpaceEncoder, t: FrozenTrial): Float64Array {
    let x = this.encoded.get(t.number);
    if (!x) {
      x = enc.encode(t.params);
      if (t.state !== 'waiting') this.encoded.set(t.number, x);
    }
    return x;
  }

  *proposal(study: StudyView): Steps<Record<string, ParamValue>> {
    const rng = rngFor(this.seed, study);
    if (this.encoded.size > 4 * study.trials.length + 100) this.encoded.clear();
    const enc = encoderFor(study.space, 'index');
    const split = objectiveCount(study) > 1 ? this.splitByDominance(study, enc) : yield* this.splitByValue(study, enc);
    if (!split) return randomPoint(study.space, rng);
    const { below, above } = split;
    const x = new Float64Array(enc.dims).fill(0.5);
    const chosen = new Set<number>();
    if (this.multivariate) {
      // Joint model over the parameters present in every observation (the unconditional ones).
      const joint = enc.params.map((_, i) => i).filter(i => !enc.params[i].condition);
      if (joint.length > 0) {
        yield* this.sampleJoint(enc, joint, below, above, rng, x);
        for (const i of joint) chosen.add(i);
      }
    }
    // Univariate estimators for the rest, in dependency order so conditions see their parents.
    const partial: Record<string, ParamValue> = {};
    for (let i = 0; i < enc.params.length; i++) {
      const p = enc.params[i];
      if (chosen.has(i)) {
        partial[p.name] = enc.decode(x)[p.name];
        continue;
      }
      const parentOk = !p.condition || (p.condition.parent in partial && p.condition.values.some(v => v === partial[p.condition!.parent]));
      if (!parentOk) continue;
      const col = enc.offsets[i].start;
      const has = (o: Observation) => p.name in o.trial.params;
      x[col] = yield* this.sampleUnivariate(enc, i, below.filter(has), above.filter(has), rng);
      partial[p.name] = enc.decode(x)[p.name];
      yield;
    }
    return enc.decode(x);
  }

  /** One objective: the best gamma(n) observations are l(x); undefined during the random startup. */
  private *splitByValue(study: StudyView, enc: SpaceEncoder): Steps<{ below: Observation[]; above: Observation[] } | undefined> {
    // Observations sorted best first: complete by value, then pruned by (later step, value), then
    // running trials (constant liar: worse than everything).
    const scored: { obs: Observation; key0: number; key1: number }[] = [];
    let nFinished = 0;
    for (let i = 0; i < study.trials.length; i++) {
      if ((i & 4095) === 4095) yield;
      const t = study.trials[i];
      if (isCompleteWithValue(t)) {
        scored.push({ obs: { trial: t, x: this.encode(enc, t) }, key0: -Infinity, key1: minimizing(study, t.value) });
        nFinished++;
      } else if (t.state === 'pruned') {
        const last = lastIntermediate(t);
        if (!last) continue;
        scored.push({ obs: { trial: t, x: this.encode(enc, t) }, key0: -last.step, key1: minimizing(study, last.value) });
        nFinished++;
      } else if (t.state === 'running' || t.state === 'waiting') {
        if (Object.keys(t.params).length === 0) continue;
        scored.push({ obs: { trial: t, x: this.encode(enc, t) }, key0: Infinity, key1: Infinity });
      }
    }
    if (nFinished < this.nStartup) return undefined;
    // Only the nBelow (≤ 25) best are needed in order: a selection instead of sorting 100,000
    // observations. `scored` is in trial order, so both groups come out sorted by number.
    // gamma counts finished trials only, as Optuna's constant_liar: running ones join the bad group.
    const nBelow = tpeGamma(nFinished);
    const isBelow = bestOf(scored, nBelow, (a, b) => a.key0 - b.key0 || a.key1 - b.key1 || a.obs.trial.number - b.obs.trial.number);
    yield;
    const below: Observation[] = [];
    const above: Observation[] = [];
    for (let i = 0; i < scored.length; i++) (isBelow[i] ? below : above).push(scored[i].obs);
    return { below, above };
  }

  /**
   * Several objectives (MOTPE, motpe.ts): complete trials split by non-domination rank and
   * hypervolume subset selection, l(x)'s kernels weighted by hypervolume contribution; running
   * trials join g(x) so parallel workers spread out. Pruned trials carry no objective vector.
   */
  private splitByDominance(study: StudyView, enc: SpaceEncoder): { below: Observation[]; above: Observation[] } | undefined {
    const complete: { t: FrozenTrial; f: number[] }[] = [];
    const running: Observation[] = [];
    for (const t of study.trials) {
      const f = minimizedValues(study, t);
      if (f) complete.push({ t, f });
      else if ((t.state === 'running' || t.state === 'waiting') && Object.keys(t.params).length > 0) running.push({ trial: t, x: this.encode(enc, t) });
    }
    if (complete.length < this.nStartup) return undefined;
    const points = complete.map(c => c.f);
    const split = splitByDominance(points, tpeGamma(complete.length));
    const weights = belowWeights(split.below.map(i => points[i]));
    const below = split.below.map((i, j) => ({ trial: complete[i].t, x: this.encode(enc, complete[i].t), weight: weights[j] }));
    const above = [...split.above.map(i => ({ trial: complete[i].t, x: this.encode(enc, complete[i].t) })), ...running].sort((a, b) => a.trial.number - b.trial.number);
    return { below, above };
  }

  private kernelsFor(enc: SpaceEncoder, paramIndex: number, obs: Observation[], bandwidth?: number): Kernels {
    const col = enc.offsets[paramIndex].start;
    const d = enc.params[paramIndex].distribution;
    const w = obs.length > 0 && obs[0].weight !== undefined ? Float64Array.from(obs, o => o.weight ?? 1) : tpeWeights(obs.length);
    if (d.type === 'categorical') {
      const k = d.choices.length;
      const idx = new Int32Array(obs.length);
      for (let i = 0; i < obs.length; i++) idx[i] = Math.min(k - 1, Math.floor(obs[i].x[col] * k));
      return categoricalKernels(idx, k, w, this.priorWeight);
    }
    // Plain loops: a typed array built from an array through a mapping function is several times slower.
    const values = new Float64Array(obs.length);
    for (let i = 0; i < obs.length; i++) values[i] = obs[i].x[col];
    return numericKernels(values, w, this.priorWeight, bandwidth);
  }

  private *sampleUnivariate(enc: SpaceEncoder, paramIndex: number, below: Observation[], above: Observation[], rng: Rng): Steps<number> {
    const l = this.kernelsFor(enc, paramIndex, below);
    yield;
    const g = this.kernelsFor(enc, paramIndex, above);
    yield;
    const d = enc.params[paramIndex].distribution;
    let bestX = 0.5;
    let bestScore = -Infinity;
    for (let c = 0; c < this.nCandidates; c++) {
      if ((c & 7) === 7) yield;
      const comp = rng.pick(l.weights);
      let xc: number;
      let score: number;
      if (l.kind === 'categorical' && g.kind === 'categorical') {
        const choice = rng.pick(l.probs[comp]);
        xc = (choice + 0.5) / l.nChoices;
        score = Math.log(mixProb(l, choice)) - Math.log(mixProb(g, choice));
      } else if (l.kind === 'numeric' && g.kind === 'numeric') {
        xc = sampleTruncNormal(rng, l.mus[comp], l.sigmas[comp]);
        // Integer / stepped values are scored at their cell centre, where they will be decoded.
        xc = snapUnit(d, xc);
        score = mixLogPdf(l, xc) - mixLogPdf(g, xc);
      } else {
        throw new Error('internal: kernel kinds differ');
      }
      if (score > bestScore) {
        bestScore = score;
        bestX = xc;
      }
    }
    return bestX;
  }

  private *sampleJoint(enc: SpaceEncoder, params: number[], below: Observation[], above: Observation[], rng: Rng, x: Float64Array): Steps<void> {
    const dims = params.length;
    // Optuna's multivariate bandwidth: Scott-like rule in the unit cube.
    const bw = (n: number) => 0.2 * Math.pow(Math.max(n, 1), -1 / (dims + 4));
    const lk = params.map(i => this.kernelsFor(enc, i, below, bw(below.length)));
    const gk: Kernels[] = [];
    for (const i of params) {
      yield;
      gk.push(this.kernelsFor(enc, i, above, bw(above.length)));
    }
    yield;
    const lj = jointKernels(lk);
    const gj = jointKernels(gk);
    yield;
    const lw = lk[0].weights;
    let best: Float64Array | undefined;
    let bestScore = -Infinity;
    const cand = new Float64Array(dims);
    for (let c = 0; c < this.nCandidates; c++) {
      if ((c & 3) === 3) yield;
      const comp = rng.pick(lw);
      for (let j = 0; j < dims; j++) {
        const k = lk[j];
        const d = enc.params[params[j]].distribution;
        if (k.kind === 'categorical') cand[j] = (rng.pick(k.probs[comp]) + 0.5) / k.nChoices;
        else cand[j] = d.type === 'categorical' ? 0.5 : snapUnit(d, sampleTruncNormal(rng, k.mus[comp], k.sigmas[comp]));
      }
      const score = jointLogPdf(lj, cand) - jointLogPdf(gj, cand);
      if (score > bestScore) {
        bestScore = score;
        best = Float64Array.from(cand);
      }
    }
    params.forEach((i, j) => (x[enc.offsets[i].start] = best![j]));
  }
}

/** Flags of the `k` smallest items under `compare` (a strict total order), in one pass. */
function bestOf<T>(items: readonly T[], k: number, compare: (a: T, b: T) => number): Uint8Array {
  const top: number[] = []; // indices of the best so far, best first
  for (let i = 0; i < items.length; i++) {
    if (top.length === k && compare(items[i], items[top[k - 1]]) >= 0) continue;
    let at = top.length;
    while (at > 0 && compare(items[i], items[top[at - 1]]) < 0) at--;
    top.splice(at, 0, i);
    if (top.length > k) top.pop();
  }
  const flags = new Uint8Array(items.length);
  for (const i of top) flags[i] = 1;
  return flags;
}

function snapUnit(d: import('../types').Distribution, u: number): number {
  if (d.type === 'categorical') return u;
  const isDiscrete = d.type === 'int' ? !d.log : d.step !== undefined;
  if (!isDiscrete) return u;
  const n = d.type === 'int' ? Math.floor((d.high - d.low) / (d.step ?? 1) + 1e-9) + 1 : Math.floor((d.high - d.low) / d.step! + 1e-9) + 1;
  return (Math.min(n - 1, Math.floor(u * n)) + 0.5) / n;
}

function mixProb(k: CategoricalKernels, choice: number): number {
  let p = 0;
  for (let i = 0; i < k.weights.length; i++) p += k.weights[i] * k.probs[i][choice];
  return Math.max(p, 1e-300);
}

/** Kernels further than this many σ contribute < e^-32 of their peak: skipped (the prior kernel keeps the sum positive). */
const CUTOFF_Z2 = 64;

function mixLogPdf(k: NumericKernels, x: number): number {
  const { mus, invSigmas, coef } = k;
  let s = 0;
  for (let i = 0; i < mus.length; i++) {
    const z = (x - mus[i]) * invSigmas[i];
    const z2 = z * z;
    if (z2 < CUTOFF_Z2) s += coef[i] * Math.exp(-0.5 * z2);
  }
  return Math.log(Math.max(s, 1e-300));
}

/** Per-kernel factors of a joint (product-kernel) mixture, precomputed once per proposal. */
interface JointKernels {
  readonly ks: Kernels[];
  /** log weight + Σ_numeric log(1/(mass·σ√2π)) per kernel. */
  readonly logBase: Float64Array;
}

function jointKernels(ks: Kernels[]): JointKernels {
  const n = ks[0].weights.length;
  const logBase = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = Math.log(ks[0].weights[i]);
    for (const k of ks) if (k.kind === 'numeric') s += k.logCoef[i] - Math.log(k.weights[i]);
    logBase[i] = s;
  }
  return { ks, logBase };
}

function jointLogPdf(jk: JointKernels, x: Float64Array): number {
  const { ks, logBase } = jk;
  const n = logBase.length;
  // Two passes: find the largest exponent (kernels far away in any dimension are skipped), then sum.
  let maxE = -Infinity;
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = logBase[i];
    for (let j = 0; j < ks.length && s > -Infinity; j++) {
      const k = ks[j];
      if (k.kind === 'categorical') s += Math.log(Math.max(k.probs[i][Math.min(k.nChoices - 1, Math.floor(x[j] * k.nChoices))], 1e-300));
      else {
        const z = (x[j] - k.mus[i]) * k.invSigmas[i];
        s -= 0.5 * z * z;
      }
    }
    e[i] = s;
    if (s > maxE) maxE = s;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = e[i] - maxE;
    if (d > -40) sum += Math.exp(d);
  }
  return maxE + Math.log(sum);
}
