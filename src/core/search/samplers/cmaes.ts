/**
 * CMA-ES (Hansen's (μ/μ_w, λ) with rank-one and rank-μ updates) in the unit cube of the numeric
 * parameters. Generations are fixed blocks of λ consecutive trials after `firstTrial`; the state
 * after each generation is a pure function of the seed and the trials' params and values, cached
 * incrementally, so a restarted worker replays to the same distribution. Cost per trial is O(d²)
 * (plus an O(d³) eigendecomposition per generation), which is why `auto` hands long numeric
 * studies to it after the GP phase. Categorical parameters (no natural order) are drawn at random.
 */
import type { SpaceEncoder } from '../space';
import { SlicedSampler, type Steps } from '../slices';
import { isFinished, type FrozenTrial, type ParamValue, type StudyView } from '../types';
import { encoderFor, isCompleteWithValue, minimizing, randomPoint, rngFor } from './common';

interface CmaState {
  readonly generation: number;
  readonly mean: Float64Array;
  readonly sigma: number;
  readonly c: Float64Array; // d×d covariance
  readonly pc: Float64Array;
  readonly ps: Float64Array;
  readonly b: Float64Array; // eigenvectors (columns)
  readonly dDiag: Float64Array; // sqrt of eigenvalues
}

export interface CmaOptions {
  /** Trials before this number are history only (e.g. a GP phase); generation 0 starts here. */
  readonly firstTrial?: number;
  /** Start the mean at the best trial so far instead of the centre (warm start after a GP phase). */
  readonly warmStart?: boolean;
  readonly sigma0?: number;
}

/** Symmetric eigendecomposition by cyclic Jacobi rotations (d is small). */
export function symmetricEigen(a: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += m[p * d + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * d + q] - m[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const mkp = m[k * d + p];
          const mkq = m[k * d + q];
          m[k * d + p] = c * mkp - s * mkq;
          m[k * d + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < d; k++) {
          const mpk = m[p * d + k];
          const mqk = m[q * d + k];
          m[p * d + k] = c * mpk - s * mqk;
          m[q * d + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = m[i * d + i];
  return { values, vectors: v };
}

/** Generations proposed after one with a running member before it is told without that member. */
const STRAGGLER_GENERATIONS = 2;

export class CmaEsSampler extends SlicedSampler {
  readonly name = 'cmaes';
  private cache: { key: string; state: CmaState; fingerprint: string } | undefined;

  constructor(private readonly seed: number, private readonly opts: CmaOptions = {}) {
    super();
  }

  *proposal(study: StudyView): Steps<Record<string, ParamValue>> {
    const enc = encoderFor(study.space, 'index');
    const numeric = enc.params.map((_, i) => i).filter(i => enc.params[i].distribution.type !== 'categorical' && !enc.params[i].condition);
    const d = numeric.length;
    const rng = rngFor(this.seed, study, 0x636d);
    if (d === 0) return randomPoint(study.space, rng);
    const first = this.opts.firstTrial ?? 0;
    const lambda = 4 + Math.floor(3 * Math.log(d));
    const k = study.trials.length;
    if (k < first) return randomPoint(study.space, rng);
    const generation = Math.floor((k - first) / lambda);
    const state = yield* this.stateAt(study, enc, numeric, generation, lambda);
    // Sample from N(m, σ² C), resampling points outside the cube a few times, then clipping.
    const x = new Float64Array(enc.dims);
    const base = enc.encode(randomPoint(study.space, rng));
    x.set(base);
    const y = new Float64Array(d);
    for (let attempt = 0; attempt < 20; attempt++) {
      const z = Float64Array.from({ length: d }, () => rng.normal());
      let inside = true;
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += state.b[i * d + j] * state.dDiag[j] * z[j];
        y[i] = state.mean[i] + state.sigma * s;
        if (y[i] < 0 || y[i] > 1) inside = false;
      }
      if (inside) break;
    }
    numeric.forEach((pi, i) => (x[enc.offsets[pi].start] = Math.min(1, Math.max(0, y[i]))));
    return enc.decode(x);
  }

  private initial(study: StudyView, enc: SpaceEncoder, numeric: number[]): CmaState {
    const d = numeric.length;
    const mean = new Float64Array(d).fill(0.5);
    let sigma = this.opts.sigma0 ?? 1 / 6; // Optuna: min(range)/6 in the unit cube
    if (this.opts.warmStart) {
      let best: FrozenTrial | undefined;
      for (const t of study.trials.slice(0, this.opts.firstTrial ?? 0)) {
        if (isCompleteWithValue(t) && (!best || minimizing(study, t.value) < minimizing(study, best.value!))) best = t;
      }
      if (best) {
        const xb = enc.encode(best.params);
        numeric.forEach((pi, i) => (mean[i] = xb[enc.offsets[pi].start]));
        sigma = this.opts.sigma0 ?? 0.05;
      }
    }
    const c = new Float64Array(d * d);
    const b = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      c[i * d + i] = 1;
      b[i * d + i] = 1;
    }
    return { generation: 0, mean, sigma, c, pc: new Float64Array(d), ps: new Float64Array(d), b, dDiag: new Float64Array(d).fill(1) };
  }

  /** The distribution for `generation`, replaying completed generations from the cache. */
  private *stateAt(study: StudyView, enc: SpaceEncoder, numeric: number[], generation: number, lambda: number): Steps<CmaState> {
    const k = study.trials.length;
    const first = this.opts.firstTrial ?? 0;
    const key = `${numeric.length}:${first}:${study.space.params.map(p => p.name).join(',')}`;
    // The cache is only valid for the same study: check it against the trials it was built from.
    const prefix = new PrefixPrint(study);
    const cached = this.cache && this.cache.key === key && this.cache.state.generation <= generation && this.cache.fingerprint === prefix.of(first + this.cache.state.generation * lambda) ? this.cache.state : undefined;
    let state = cached ?? this.initial(study, enc, numeric);
    while (state.generation < generation) {
      const g = state.generation;
      if ((g & 63) === 63) yield;
      const block = study.trials.slice(first + g * lambda, first + (g + 1) * lambda);
      // A generation is told when all its members have finished, as Optuna tells a full
      // population: told earlier (parallel trials still running) the update would rest on a few
      // members and change again as the rest arrive, so proposals would come from a distribution
      // no generation ever had. Until then proposals come from the last told generation. A
      // straggler holds the search back only so long: once STRAGGLER_GENERATIONS more generations
      // have been proposed, its generation is told without it.
      const finished = block.every(t => isFinished(t.state));
      const late = k >= first + (g + 1 + STRAGGLER_GENERATIONS) * lambda;
      if (!finished && !late) break;
      const members = block.filter(isCompleteWithValue);
      state = members.length < 2 ? { ...state, generation: g + 1 } : this.update(state, members.map(t => ({ x: enc.encode(t.params), f: minimizing(study, t.value) })), enc, numeric, lambda);
      if (finished) this.cache = { key, state, fingerprint: prefix.of(first + state.generation * lambda) };
    }
    return state;
  }

  private update(s: CmaState, pop: { x: Float64Array; f: number }[], enc: SpaceEncoder, numeric: number[], lambda: number): CmaState {
    const d = numeric.length;
    const mu = Math.floor(lambda / 2);
    const rawW = Array.from({ length: mu }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
    const sumW = rawW.reduce((a, b) => a + b, 0);
    const w = rawW.map(v => v / sumW);
    const mueff = 1 / w.reduce((a, b) => a + b * b, 0);
    const cc = (4 + mueff / d) / (d + 4 + (2 * mueff) / d);
    const cs = (mueff + 2) / (d + mueff + 5);
    const c1 = 2 / ((d + 1.3) ** 2 + mueff);
    const cmu = Math.min(1 - c1, (2 * (mueff - 2 + 1 / mueff)) / ((d + 2) ** 2 + mueff));
    const damps = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (d + 1)) - 1) + cs;
    const chiN = Math.sqrt(d) * (1 - 1 / (4 * d) + 1 / (21 * d * d));
    const sorted = [...pop].sort((a, b) => a.f - b.f).slice(0, Math.min(mu, pop.length));
    // A partial generation (failed members, or a straggler told without) gets equal weights.
    const ww = sorted.length === mu ? w : sorted.map(() => 1 / sorted.length);
    const ys = sorted.map(p => Float64Array.from(numeric, pi => (p.x[enc.offsets[pi].start] - s.mean[numeric.indexOf(pi)]) / s.sigma));
    const yw = new Float64Array(d);
    ys.forEach((y, k) => y.forEach((v, i) => (yw[i] += ww[k] * v)));
    const mean = Float64Array.from(s.mean, (m, i) => m + s.sigma * yw[i]);
    // C^{-1/2} yw = B D^{-1} Bᵀ yw
    const bty = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let acc = 0;
      for (let i = 0; i < d; i++) acc += s.b[i * d + j] * yw[i];
      bty[j] = acc / s.dDiag[j];
    }
    const cInvHalfY = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let acc = 0;
      for (let j = 0; j < d; j++) acc += s.b[i * d + j] * bty[j];
      cInvHalfY[i] = acc;
    }
    const ps = Float64Array.from(s.ps, (v, i) => (1 - cs) * v + Math.sqrt(cs * (2 - cs) * mueff) * cInvHalfY[i]);
    const psNorm = Math.sqrt(ps.reduce((a, b) => a + b * b, 0));
    const hsig = psNorm / Math.sqrt(1 - (1 - cs) ** (2 * (s.generation + 1))) / chiN < 1.4 + 2 / (d + 1) ? 1 : 0;
    const pc = Float64Array.from(s.pc, (v, i) => (1 - cc) * v + hsig * Math.sqrt(cc * (2 - cc) * mueff) * yw[i]);
    const c = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let rankMu = 0;
        ys.forEach((y, k) => (rankMu += ww[k] * y[i] * y[j]));
        c[i * d + j] = (1 - c1 - cmu) * s.c[i * d + j] + c1 * (pc[i] * pc[j] + (1 - hsig) * cc * (2 - cc) * s.c[i * d + j]) + cmu * rankMu;
      }
    }
    let sigma = s.sigma * Math.exp((cs / damps) * (psNorm / chiN - 1));
    sigma = Math.min(1, Math.max(1e-8, sigma));
    const eig = symmetricEigen(c, d);
    const dDiag = Float64Array.from(eig.values, v => Math.sqrt(Math.max(v, 1e-20)));
    return { generation: s.generation + 1, mean: mean.map(v => Math.min(1, Math.max(0, v))), sigma, c, pc, ps, b: eig.vectors, dDiag };
  }
}

/**
 * Identifies the first `n` trials (numbers, states and values) of a study. The hash is a fold, so
 * growing prefixes extend the last one: replaying 10,000 generations costs one pass over the
 * trials, not one pass per generation.
 */
class PrefixPrint {
  private m = 0;
  private h = 0;
  constructor(private readonly study: StudyView) {}

  of(n: number): string {
    const target = Math.min(n, this.study.trials.length);
    if (target < this.m) {
      this.m = 0;
      this.h = 0;
    }
    let h = this.h;
    for (let i = this.m; i < target; i++) {
      const t = this.study.trials[i];
      const v = t.value ?? NaN;
      h = (Math.imul(h, 31) + t.number) | 0;
      h = (Math.imul(h, 31) + (Number.isFinite(v) ? Math.round(v * 1e6) | 0 : 7)) | 0;
      h = (Math.imul(h, 31) + t.state.length) | 0;
    }
    this.m = target;
    this.h = h;
    return `${target}:${h}`;
  }
}
