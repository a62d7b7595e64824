/**
 * Gaussian-process regression for Bayesian optimisation in the unit cube: Matérn-5/2 ARD kernel,
 * hyperparameters fitted by maximising the log marginal likelihood plus log priors (projected
 * L-BFGS, multi-start), and log expected improvement that stays finite far from the incumbent.
 * Plain Float64Arrays, row-major; sizes here are small (the sampler caps n, see GP_MAX_OBSERVATIONS).
 */
import { runToEnd, type Steps } from './slices';

export interface GpHyper {
  /** log lengthscale per input dimension. */
  readonly logLengthscales: Float64Array;
  readonly logSignal: number;
  readonly logNoise: number;
}

/** Bounds of the log-hyperparameters (unit-cube inputs, standardised outputs). */
const LOG_LS_MIN = Math.log(0.005);
const LOG_LS_MAX = Math.log(20);
const LOG_SIGNAL_MIN = Math.log(0.05);
const LOG_SIGNAL_MAX = Math.log(20);
const LOG_NOISE_MIN = Math.log(1e-6);
const LOG_NOISE_MAX = Math.log(1);

/** Lengthscale prior Gamma(3, 6) (mean 0.5 in the unit cube), as in BoTorch's classic default. */
const LS_SHAPE = 3;
const LS_RATE = 6;
const SQRT5 = Math.sqrt(5);

/** In-place Cholesky of a symmetric n×n matrix (lower triangle); false when not positive definite. */
export function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let d = a[rowJ + j];
    for (let k = 0; k < j; k++) d -= a[rowJ + k] * a[rowJ + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[rowJ + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let s = a[rowI + j];
      for (let k = 0; k < j; k++) s -= a[rowI + k] * a[rowJ + k];
      a[rowI + j] = s / ljj;
    }
    for (let i = 0; i < j; i++) a[i * n + j] = 0;
  }
  return true;
}

/** Solves L x = b in place (L lower-triangular from `cholesky`). */
export function solveLower(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[row + k] * b[k];
    b[i] = s / l[row + i];
  }
  return b;
}

/** Solves Lᵀ x = b in place. */
export function solveUpper(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
    b[i] = s / l[i * n + i];
  }
  return b;
}

/** Matérn-5/2 correlation as a function of the scaled distance r. */
function matern52(r: number): number {
  const s = SQRT5 * r;
  return (1 + s + (5 / 3) * r * r) * Math.exp(-s);
}

export function kernelValue(a: ArrayLike<number>, b: ArrayLike<number>, invLs2: Float64Array, signal: number): number {
  let r2 = 0;
  for (let k = 0; k < invLs2.length; k++) {
    const d = a[k] - b[k];
    r2 += d * d * invLs2[k];
  }
  return signal * matern52(Math.sqrt(r2));
}

/** The kernel matrix K (n×n) of the rows of x (n × dims), noise excluded. */
export function kernelMatrix(x: Float64Array, n: number, dims: number, h: GpHyper): Float64Array {
  const invLs2 = h.logLengthscales.map(v => Math.exp(-2 * v));
  const signal = Math.exp(h.logSignal);
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    k[i * n + i] = signal;
    for (let j = 0; j < i; j++) {
      const v = kernelValue(x.subarray(i * dims, i * dims + dims), x.subarray(j * dims, j * dims + dims), invLs2, signal);
      k[i * n + j] = v;
      k[j * n + i] = v;
    }
  }
  return k;
}

function logPrior(h: GpHyper): { value: number; grad: Float64Array } {
  const d = h.logLengthscales.length;
  const grad = new Float64Array(d + 2);
  let value = 0;
  for (let k = 0; k < d; k++) {
    const t = h.logLengthscales[k];
    // Gamma(a, b) on ℓ = e^t, with the Jacobian: a·t − b·e^t.
    value += LS_SHAPE * t - LS_RATE * Math.exp(t);
    grad[k] = LS_SHAPE - LS_RATE * Math.exp(t);
  }
  // Weak log-normal priors: signal variance around 1 (outputs are standardised), noise small.
  const s = h.logSignal / 1.5;
  value -= 0.5 * s * s;
  grad[d] = -h.logSignal / (1.5 * 1.5);
  const z = (h.logNoise - Math.log(1e-4)) / 4;
  value -= 0.5 * z * z;
  grad[d + 1] = -z / 4;
  return { value, grad };
}

/**
 * Negative log marginal likelihood minus log prior, and its gradient with respect to
 * [log ℓ_1..d, log σ², log noise]. Returns Infinity when K is not positive definite.
 */
export function negLogPosterior(x: Float64Array, y: Float64Array, n: number, dims: number, h: GpHyper): { value: number; grad: Float64Array } {
  const k = kernelMatrix(x, n, dims, h);
  const noise = Math.exp(h.logNoise);
  const l = Float64Array.from(k);
  for (let i = 0; i < n; i++) l[i * n + i] += noise + 1e-9;
  if (!cholesky(l, n)) return { value: Infinity, grad: new Float64Array(dims + 2) };
  const alpha = solveUpper(l, n, solveLower(l, n, Float64Array.from(y)));
  let value = 0;
  for (let i = 0; i < n; i++) value += 0.5 * y[i] * alpha[i] + Math.log(l[i * n + i]);
  value += 0.5 * n * Math.log(2 * Math.PI);
  // W = K⁻¹ − ααᵀ; dNLL/dθ = ½ Σ W ∘ dK/dθ.
  const inv = new Float64Array(n * n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    col.fill(0);
    col[j] = 1;
    solveUpper(l, n, solveLower(l, n, col));
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i];
  }
  const grad = new Float64Array(dims + 2);
  const invLs2 = h.logLengthscales.map(v => Math.exp(-2 * v));
  const signal = Math.exp(h.logSignal);
  let gSignal = 0;
  let gNoise = 0;
  for (let i = 0; i < n; i++) {
    const wii = inv[i * n + i] - alpha[i] * alpha[i];
    gSignal += 0.5 * wii * signal;
    gNoise += 0.5 * wii * noise;
    const xi = i * dims;
    for (let j = 0; j < i; j++) {
      const w = inv[i * n + j] - alpha[i] * alpha[j];
      const xj = j * dims;
      let r2 = 0;
      for (let q = 0; q < dims; q++) {
        const d = x[xi + q] - x[xj + q];
        r2 += d * d * invLs2[q];
      }
      const r = Math.sqrt(r2);
      const e = Math.exp(-SQRT5 * r);
      const kv = signal * (1 + SQRT5 * r + (5 / 3) * r2) * e;
      // Off-diagonal pairs count twice (W and dK are symmetric).
      gSignal += w * kv;
      const g = w * signal * (5 / 3) * (1 + SQRT5 * r) * e;
      for (let q = 0; q < dims; q++) {
        const d = x[xi + q] - x[xj + q];
        grad[q] += g * d * d * invLs2[q];
      }
    }
  }
  grad[dims] = gSignal;
  grad[dims + 1] = gNoise;
  const prior = logPrior(h);
  value -= prior.value;
  for (let q = 0; q < dims + 2; q++) grad[q] -= prior.grad[q];
  return { value, grad };
}

function packHyper(h: GpHyper): Float64Array {
  const d = h.logLengthscales.length;
  const p = new Float64Array(d + 2);
  p.set(h.logLengthscales);
  p[d] = h.logSignal;
  p[d + 1] = h.logNoise;
  return p;
}

function unpackHyper(p: Float64Array): GpHyper {
  const d = p.length - 2;
  return { logLengthscales: p.slice(0, d), logSignal: p[d], logNoise: p[d + 1] };
}

function clampHyper(p: Float64Array): Float64Array {
  const d = p.length - 2;
  for (let k = 0; k < d; k++) p[k] = Math.min(LOG_LS_MAX, Math.max(LOG_LS_MIN, p[k]));
  p[d] = Math.min(LOG_SIGNAL_MAX, Math.max(LOG_SIGNAL_MIN, p[d]));
  p[d + 1] = Math.min(LOG_NOISE_MAX, Math.max(LOG_NOISE_MIN, p[d + 1]));
  return p;
}

/**
 * Minimises f over a box with L-BFGS (memory 8), projecting each trial point onto the box and
 * backtracking (Armijo) along the projected path. Small and robust rather than clever.
 */
export function minimizeLbfgsBox(
  f: (p: Float64Array) => { value: number; grad: Float64Array },
  start: Float64Array,
  project: (p: Float64Array) => Float64Array,
  maxIter: number,
): { x: Float64Array; value: number; evaluations: number } {
  return runToEnd(minimizeLbfgsBoxSteps(f, start, project, maxIter));
}

/** `minimizeLbfgsBox`, pausing after each evaluation of f (the costly part). */
export function* minimizeLbfgsBoxSteps(
  f: (p: Float64Array) => { value: number; grad: Float64Array },
  start: Float64Array,
  project: (p: Float64Array) => Float64Array,
  maxIter: number,
): Steps<{ x: Float64Array; value: number; evaluations: number }> {
  let x = project(Float64Array.from(start));
  let cur = f(x);
  let evaluations = 1;
  yield;
  if (!Number.isFinite(cur.value)) return { x, value: cur.value, evaluations };
  const m = 8;
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const dim = x.length;
  for (let iter = 0; iter < maxIter; iter++) {
    // Two-loop recursion for the search direction.
    const q = Float64Array.from(cur.grad);
    const alphas: number[] = [];
    for (let i = sList.length - 1; i >= 0; i--) {
      const rho = 1 / dot(yList[i], sList[i]);
      const a = rho * dot(sList[i], q);
      alphas[i] = a;
      for (let k = 0; k < dim; k++) q[k] -= a * yList[i][k];
    }
    let gamma = 1;
    if (sList.length > 0) {
      const last = sList.length - 1;
      gamma = dot(sList[last], yList[last]) / dot(yList[last], yList[last]);
    } else {
      const gn = Math.sqrt(dot(cur.grad, cur.grad));
      gamma = gn > 0 ? Math.min(1, 0.5 / gn) : 1;
    }
    for (let k = 0; k < dim; k++) q[k] *= gamma;
    for (let i = 0; i < sList.length; i++) {
      const rho = 1 / dot(yList[i], sList[i]);
      const b = rho * dot(yList[i], q);
      for (let k = 0; k < dim; k++) q[k] += sList[i][k] * (alphas[i] - b);
    }
    let dir = q.map(v => -v);
    if (dot(dir, cur.grad) >= 0) {
      dir = cur.grad.map(v => -v);
      sList.length = 0;
      yList.length = 0;
    }
    let step = 1;
    let accepted: { x: Float64Array; value: number; grad: Float64Array } | undefined;
    for (let ls = 0; ls < 20; ls++) {
      const trial = project(x.map((v, k) => v + step * dir[k]));
      const res = f(trial);
      evaluations++;
      yield;
      let decrease = 0;
      for (let k = 0; k < dim; k++) decrease += cur.grad[k] * (trial[k] - x[k]);
      if (Number.isFinite(res.value) && res.value <= cur.value + 1e-4 * decrease) {
        accepted = { x: trial, value: res.value, grad: res.grad };
        break;
      }
      step *= 0.4;
    }
    if (!accepted) break;
    const s = accepted.x.map((v, k) => v - x[k]);
    const yv = accepted.grad.map((v, k) => v - cur.grad[k]);
    const improvement = cur.value - accepted.value;
    x = accepted.x;
    cur = { value: accepted.value, grad: accepted.grad };
    if (dot(s, yv) > 1e-12) {
      sList.push(s);
      yList.push(yv);
      if (sList.length > m) {
        sList.shift();
        yList.shift();
      }
    }
    if (improvement < 1e-7 * Math.max(1, Math.abs(cur.value))) break;
  }
  return { x, value: cur.value, evaluations };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function defaultHyper(dims: number): GpHyper {
  return { logLengthscales: new Float64Array(dims).fill(Math.log(0.5)), logSignal: 0, logNoise: Math.log(1e-3) };
}

/**
 * Fits the hyperparameters from several starts (the given ones first) and keeps the best
 * posterior. `starts` are tried in order; `maxIter` bounds each L-BFGS run.
 */
export function fitHyper(x: Float64Array, y: Float64Array, n: number, dims: number, starts: readonly GpHyper[], maxIter = 60): { hyper: GpHyper; value: number } {
  return runToEnd(fitHyperSteps(x, y, n, dims, starts, maxIter));
}

/** `fitHyper`, pausing after each likelihood evaluation (O(n³) each). */
export function* fitHyperSteps(x: Float64Array, y: Float64Array, n: number, dims: number, starts: readonly GpHyper[], maxIter = 60): Steps<{ hyper: GpHyper; value: number }> {
  let best: { hyper: GpHyper; value: number } | undefined;
  const f = (p: Float64Array) => negLogPosterior(x, y, n, dims, unpackHyper(p));
  for (const s of starts) {
    const r = yield* minimizeLbfgsBoxSteps(f, packHyper(s), clampHyper, maxIter);
    if (!best || r.value < best.value) best = { hyper: unpackHyper(r.x), value: r.value };
  }
  if (!best || !Number.isFinite(best.value)) return { hyper: defaultHyper(dims), value: Infinity };
  return best;
}

/** A fitted GP ready for predictions. */
export class GaussianProcess {
  readonly n: number;
  readonly dims: number;
  private readonly x: Float64Array;
  private readonly l: Float64Array;
  private readonly alpha: Float64Array;
  private readonly invLs2: Float64Array;
  private readonly signal: number;
  private readonly scratch: Float64Array;

  constructor(x: Float64Array, y: Float64Array, n: number, dims: number, readonly hyper: GpHyper) {
    this.n = n;
    this.dims = dims;
    this.x = x;
    this.invLs2 = hyper.logLengthscales.map(v => Math.exp(-2 * v));
    this.signal = Math.exp(hyper.logSignal);
    let jitter = Math.exp(hyper.logNoise) + 1e-9;
    const k = kernelMatrix(x, n, dims, hyper);
    let l = Float64Array.from(k);
    // Near-duplicate points can make K numerically singular: grow the jitter until it factors.
    for (let attempt = 0; attempt < 8; attempt++) {
      l = Float64Array.from(k);
      for (let i = 0; i < n; i++) l[i * n + i] += jitter;
      if (cholesky(l, n)) break;
      jitter *= 10;
      if (attempt === 7) throw new Error('GP kernel matrix is not positive definite');
    }
    this.l = l;
    this.alpha = solveUpper(l, n, solveLower(l, n, Float64Array.from(y)));
    this.scratch = new Float64Array(n);
  }

  /** Posterior mean and variance (of the latent function) at a point. */
  predict(p: ArrayLike<number>): { mean: number; variance: number } {
    const { n, dims, x, invLs2, signal } = this;
    const ks = this.scratch;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      let r2 = 0;
      const off = i * dims;
      for (let q = 0; q < dims; q++) {
        const d = p[q] - x[off + q];
        r2 += d * d * invLs2[q];
      }
      const r = Math.sqrt(r2);
      const v = signal * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
      ks[i] = v;
      mean += v * this.alpha[i];
    }
    solveLower(this.l, n, ks);
    let vv = 0;
    for (let i = 0; i < n; i++) vv += ks[i] * ks[i];
    return { mean, variance: Math.max(signal - vv, 1e-12 * signal) };
  }

  /** Log marginal likelihood of the data under the current hyperparameters (without priors). */
  logMarginalLikelihood(y: Float64Array): number {
    let v = -0.5 * this.n * Math.log(2 * Math.PI);
    for (let i = 0; i < this.n; i++) v -= 0.5 * y[i] * this.alpha[i] + Math.log(this.l[i * this.n + i]);
    return v;
  }
}

const LOG_2PI_HALF = 0.5 * Math.log(2 * Math.PI);

/**
 * log E[max(best − f, 0)] / σ for z = (best − μ)/σ, i.e. log h(z) with h(z) = φ(z) + zΦ(z),
 * computed without underflow for very negative z (Ament et al., "Unexpected improvements to EI").
 */
export function logH(z: number): number {
  if (z > -5) {
    const phi = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    const cdf = 0.5 * erfcAccurate(-z / Math.SQRT2);
    return Math.log(Math.max(phi + z * cdf, 1e-300));
  }
  // h(z) = φ(z)·(1 − t·R(t)) with t = −z and Mills ratio R(t) = Φ(−t)/φ(t) (continued fraction).
  const t = -z;
  let f = t;
  for (let k = 40; k >= 1; k--) f = t + k / f;
  const r = 1 / f;
  const oneMinus = t > 1e3 ? 1 / (t * t) : 1 - t * r;
  return -0.5 * z * z - LOG_2PI_HALF + Math.log(Math.max(oneMinus, 1e-300));
}

export function logExpectedImprovement(mean: number, variance: number, best: number): number {
  const sigma = Math.sqrt(variance);
  return logH((best - mean) / sigma) + Math.log(sigma);
}

/** erfc to ~1e-15 relative (W. J. Cody's rational approximations are overkill here; continued fraction + series). */
export function erfcAccurate(x: number): number {
  if (x < 0) return 2 - erfcAccurate(-x);
  if (x < 2) {
    // erf series: erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
    let sum = x;
    let term = x;
    const x2 = x * x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Continued fraction (Lentz) for erfc: erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …))))
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + (k / 2) / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
