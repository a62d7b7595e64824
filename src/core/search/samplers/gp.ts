/**
 * Gaussian-process Bayesian optimisation. Inputs: the one-hot unit-cube encoding (log params are
 * already warped, integers live on cell centres, categoricals are one-hot so the ARD Matérn term
 * acts as a per-category Hamming distance). Outputs: heavy-tailed objectives are log-warped, then
 * standardised. Acquisition: log-EI, maximised over Sobol candidates plus lengthscale-scaled
 * perturbations of the best points, then refined by a shrinking local search.
 * Running trials enter as fantasies (on a local turn a value drawn from the model's posterior there, on
 * an exploring turn the posterior mean, which also counts for the incumbent EI improves on) so
 * parallel proposals differ; a local (exploiting) proposal made while trials run stays inside the trust
 * region around the best points, and in the last rounds before the budget ends every proposal is a local
 * one. On a quantised objective
 * (many finished values repeat exactly: an accuracy over a fixed validation set) a proposal made while
 * trials run keeps clear of them, and a local one must improve on the best finished value.
 * Bounded at any study size: the model is fitted on at most GP_MAX_OBSERVATIONS points (exact up
 * to there, then the best half plus an even spread of the rest, see gpData.ts), and the proposal
 * is a generator that `proposeNext` runs in slices, so a fit never holds the event loop.
 */
import { defaultHyper, fitHyperSteps, GaussianProcess, type GpHyper, logExpectedImprovement } from '../gp';
import type { Rng } from '../rng';
import { SlicedSampler, type Steps } from '../slices';
import { Sobol } from '../sobol';
import type { SpaceEncoder } from '../space';
import type { ParamValue, StudyView } from '../types';
import { encoderFor, isCompleteWithValue, rngFor } from './common';
import { SobolSampler } from './basic';
import { GP_MAX_OBSERVATIONS, gpData, trainingSet, type GpData } from './gpData';

export interface GpOptions {
  /** Sobol startup trials (default: between 5 and 10 depending on dimension). */
  readonly nStartupTrials?: number;
  /** Random/Sobol candidates for the acquisition (default 1024). */
  readonly nCandidates?: number;
  /**
   * How pruned trials enter the model. 'extrapolate' (default): last reported value plus the median
   * change completed trials went through from that step to their end (a crude learning-curve
   * extrapolation, so cheap partial runs still teach the model); 'liar': like running trials (not
   * re-proposed, no value); 'value': a pessimistic value between the median and the worst.
   */
  readonly prunedAs?: 'extrapolate' | 'liar' | 'value';
  /** Most points the model is fitted on (default GP_MAX_OBSERVATIONS; see `trainingSet`). */
  readonly maxObservations?: number;
}

/** What the last proposal's model saw (for tests and diagnostics). */
export interface GpModelInfo {
  /** Finished trials the model could learn from. */
  readonly observations: number;
  /** Running trials (entered as fantasies). */
  readonly pending: number;
  /** Points the GP was actually fitted on (observations and believers). */
  readonly fittedOn: number;
}

/** How the last proposal treated running trials (for tests and diagnostics; undefined when none ran). */
export interface GpPendingInfo {
  /** Per running trial: the posterior (fitted on finished trials) there and the value it entered at (drawn on a local turn, the mean on an exploring one). */
  readonly fantasies: readonly { readonly mean: number; readonly sd: number; readonly value: number }[];
  /** Whether the proposal was a local one, kept inside the trust region around the best points. */
  readonly local: boolean;
  /** The fitted lengthscales (encoded cube), which set the trust region's widths. */
  readonly lengthscales: Float64Array;
  /** Whether the completed values looked quantised (see `isQuantised`), so near-copies of running trials were skipped. */
  readonly quantised: boolean;
}

/**
 * Share of the finished values that repeat an earlier one exactly, from which the objective counts as
 * quantised. Continuous objectives (every synthetic benchmark) practically never repeat a value;
 * svc_cancer's cross-validated accuracy crosses the bar between its 30th and 50th trial (one seed at
 * parallel 4: 13% of the values repeat at 30, 34% at 50).
 */
export const QUANTISED_REPEATS = 0.2;
/**
 * How close (in fitted lengthscales, Euclidean) a proposal may come to a running trial on a quantised
 * objective. Measured on svc_cancer, seeds 0–19: at parallel 4 / 8, 9 / 10 seeds reached the top
 * plateau without it, 12 / 11 with it. Continuous objectives keep polishing next to running trials:
 * applied to them it cost hartmann6 at parallel 8 its polish at any radius from 0.003.
 */
export const RUNNING_COPY_RADIUS = 0.03;

/**
 * Whether at least `QUANTISED_REPEATS` of the (finite) values repeat an earlier one exactly: the values
 * less the distinct ones, counted in one pass (this runs on every proposal made while trials run).
 */
export function isQuantised(values: readonly number[]): boolean {
  return values.length > 0 && values.length - new Set(values).size >= QUANTISED_REPEATS * values.length;
}

interface FitCache {
  readonly n: number;
  readonly hyper: GpHyper;
}

/** Warps skewed objective values (rosenbrock-like) with a log, then standardises. */
export function transformObjective(values: readonly number[]): Float64Array {
  return Float64Array.from(values, objectiveTransform(values));
}

/**
 * The map `transformObjective` applies, fitted on `values`. A model fitted on a subset of a long
 * study takes the map fitted on every observation: fitted on the subset (mostly the best trials)
 * the log-warp would blow tiny differences near the optimum up into a rugged landscape.
 */
export function objectiveTransform(values: ArrayLike<number>): (v: number) => number {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const min = sorted[0];
  const median = sorted[Math.floor((n - 1) / 2)];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    m2 += (values[i] - mean) ** 2;
    m3 += (values[i] - mean) ** 3;
  }
  m2 /= n;
  m3 /= n;
  const skew = m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0;
  const spread = median - min;
  const warp = n >= 4 && skew > 1 && spread > 0 ? (v: number) => Math.log((v - min) / spread + 0.05) : (v: number) => v;
  let tSum = 0;
  for (let i = 0; i < n; i++) tSum += warp(values[i]);
  const tm = tSum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (warp(values[i]) - tm) ** 2;
  let sd = Math.sqrt(ss / n);
  if (!(sd > 1e-12)) sd = 1;
  return v => (warp(v) - tm) / sd;
}

export class GpSampler extends SlicedSampler {
  readonly name = 'gp';
  private readonly startup: SobolSampler;
  private fit: FitCache | undefined;
  /** What the last proposal's model saw (undefined while the Sobol start-up runs). */
  lastModel: GpModelInfo | undefined;
  /** How the last proposal treated running trials. */
  lastPending: GpPendingInfo | undefined;

  constructor(private readonly seed: number, private readonly opts: GpOptions = {}) {
    super();
    this.startup = new SobolSampler(seed);
  }

  startupTrials(enc: SpaceEncoder): number {
    return this.opts.nStartupTrials ?? Math.min(10, Math.max(5, enc.dims + 2));
  }

  *proposal(study: StudyView): Steps<Record<string, ParamValue>> {
    const enc = encoderFor(study.space, 'onehot');
    const all = yield* gpData(study, enc, this.opts.prunedAs ?? 'extrapolate');
    if (all.done.length < this.startupTrials(enc)) {
      this.lastModel = undefined;
      this.lastPending = undefined;
      return this.startup.pointAt(study.space, study.trials.length, study);
    }
    const train = yield* trainingSet(all, this.opts.maxObservations ?? GP_MAX_OBSERVATIONS);
    this.lastModel = { observations: all.done.length, pending: all.pending.length, fittedOn: train.done.length + train.pending.length };
    const rng = rngFor(this.seed, study, 0x6770);
    // Points left out of the fit must still not be proposed again.
    const left = train.done.length < all.done.length || train.pending.length < all.pending.length ? yield* pointKeys(all) : undefined;
    const ys = new Float64Array(all.done.length);
    for (let i = 0; i < ys.length; i++) ys[i] = all.done[i].y;
    const transform = objectiveTransform(ys);
    // Judged on completed trials only: pruned ones may all enter at one pessimistic value.
    const quantised = all.pending.length > 0 && isQuantised(study.trials.filter(isCompleteWithValue).map(t => t.value));
    yield;
    const finalRounds = all.pending.length > 0 && inFinalRounds(study.budget, study.trials.length, all.pending.length + 1);
    return enc.decode(yield* this.propose(enc, train, transform, all.done.length, rng, left, quantised, finalRounds));
  }

  /**
   * The next point in the encoded cube, given the training set and the objective transform fitted on
   * every observation; `nObserved` counts every finished trial (the schedules depend on the study's
   * progress, not on the training-set size). `quantised`: trials are running and the completed values
   * repeat (see `isQuantised`). `finalRounds`: trials are running and the budget ends within
   * `FINAL_ROUNDS` rounds of them (see `inFinalRounds`), so every proposal is a local one.
   */
  private *propose(enc: SpaceEncoder, train: GpData, transform: (v: number) => number, nObserved: number, rng: Rng, seen: ReadonlySet<number> | undefined, quantised: boolean, finalRounds: boolean): Steps<Float64Array> {
    const { done, pending } = train;
    const dims = enc.dims;
    const yT = Float64Array.from(done, d => transform(d.y));
    const bestIdx = argmin(yT);
    let best = yT[bestIdx];
    const bestFinished = best;
    const n = done.length + pending.length;
    const x = new Float64Array(n * dims);
    const y = new Float64Array(n);
    done.forEach((d, i) => x.set(d.x, i * dims));
    y.set(yT);
    // Two proposals in three, once the model has some data, are local: EI is maximised only around
    // the best points. On plateau-shaped objectives (accuracy steps) EI near the incumbent is tiny,
    // so pure EI keeps exploring elsewhere and never polishes the best basin; the third proposal
    // keeps the global search going, except in the final rounds, too late to follow a new region up.
    const exploringTurn = nObserved < 20 || nObserved % 3 === 0;
    const exploit = finalRounds || !exploringTurn;
    // Fantasies: hyperparameters come from the finished trials only, and each running trial enters the
    // model fitted on the finished trials at a value from its posterior there. The variance collapses
    // around the running points (so the next proposal goes elsewhere). On a local turn the value is
    // drawn: unlike the posterior mean of a Kriging believer it is sometimes worse than predicted, so a
    // batch does not keep betting on the model's current guess (measured: hartmann6 at parallel 4,
    // svc_cancer at 2). On an exploring turn it is the posterior mean: the proposal then takes the step
    // the model expects after the running ones, as a sequential search would — with draws, seven
    // running trials' noise scattered them, and hartmann6 at parallel 8 found its global basin less
    // often (paired over seeds 0–119: 5 seeds found it only with the mean, none only with draws). In
    // the final rounds that turn polishes at the model's guess. The draw is made either way so the
    // random stream does not depend on the turn.
    // The posterior mean at a running point counts for the incumbent: a running point predicted better
    // than every finished one would otherwise keep EI high all around it and the batch would fill with
    // near-copies of it. The draws do not: the luckiest of seven draws would set an incumbent no trial
    // is expected to reach, and EI would chase variance (branin at parallel 8 fell behind proposals
    // that ignore running trials).
    const hyper = yield* this.hyperFor(x.subarray(0, done.length * dims), yT, done.length, dims, nObserved);
    const finishedOnly = pending.length > 0 ? new GaussianProcess(x.subarray(0, done.length * dims), yT, done.length, dims, hyper) : undefined;
    if (finishedOnly) yield;
    const fantasies = pending.map((p, i) => {
      x.set(p, (done.length + i) * dims);
      const { mean, variance } = finishedOnly!.predict(p);
      const sd = Math.sqrt(Math.max(0, variance));
      const draw = mean + sd * rng.normal();
      const value = exploringTurn ? mean : draw;
      y[done.length + i] = value;
      best = Math.min(best, mean);
      return { mean, sd, value };
    });
    const gp = new GaussianProcess(x, y, n, dims, hyper);
    // On a quantised objective a running trial's smooth predicted mean promises an improvement the
    // steps of the objective need not give, and lowering the bar by it left the local search
    // re-proposing the plateau's edge: a local proposal there must beat the best finished value.
    const incumbent = quantised && exploit ? bestFinished : best;
    const acq = (p: Float64Array) => {
      const { mean, variance } = gp.predict(p);
      return logExpectedImprovement(mean, variance, incumbent);
    };
    const discrete = !enc.isPlainNumeric || enc.params.some(p => p.distribution.type === 'int' || (p.distribution.type === 'float' && p.distribution.step !== undefined));
    const snap = discrete ? (p: Float64Array) => enc.snap(p) : (p: Float64Array) => p;
    const ls = hyper.logLengthscales.map(Math.exp);
    const candidates: Float64Array[] = [];
    // Global: a fresh scrambled Sobol set per proposal (seeded by the history length).
    // Each candidate costs O(n²) (a triangular solve for the variance): fewer as the data grows.
    const nGlobal = exploit ? 0 : this.opts.nCandidates ?? (n <= 60 ? 1024 : n <= 120 ? 640 : 384);
    const sobol = new Sobol(Math.min(dims, 64), { scramble: true, seed: rng.nextU32() });
    for (let i = 0; i < nGlobal; i++) {
      const p = new Float64Array(dims);
      p.set(sobol.point(i).subarray(0, Math.min(dims, 64)));
      for (let q = 64; q < dims; q++) p[q] = rng.next();
      candidates.push(snap(p));
    }
    // Local: perturb the best few points along their lengthscales, at several radii (trust-region-like).
    const order = Array.from(yT.keys()).sort((a, b) => yT[a] - yT[b]).slice(0, exploit ? 3 : 5);
    const perDim = Math.min(1, Math.max(2 / dims, 0.5));
    const maxRadius = exploit ? 0.1 : 0.3;
    order.forEach((idx, rank) => {
      const count = (rank === 0 ? 200 : 60) * (n <= 60 ? 1 : 0.6) * (exploit ? 2 : 1);
      for (let c = 0; c < count; c++) {
        const radius = Math.exp(Math.log(0.002) + rng.next() * (Math.log(maxRadius) - Math.log(0.002)));
        candidates.push(snap(perturb(enc, done[idx].x, ls, radius, perDim, rng)));
      }
    });
    const scored: { p: Float64Array; v: number }[] = [];
    for (let i = 0; i < candidates.length; i++) {
      if ((i & 63) === 63) yield;
      scored.push({ p: candidates[i], v: acq(candidates[i]) });
    }
    scored.sort((a, b) => b.v - a.v);
    // A local proposal made while trials run stays in the trust region around the best points: the
    // running points' collapsed variance and the lowered incumbent make EI tiny there, and the
    // refinement below would otherwise walk off to the unexplored corners (svc_cancer at parallel 2:
    // a third of the local proposals landed more than half the cube away from the best trial).
    const inRegion = exploit && pending.length > 0 ? trustRegion(enc, order.map(i => done[i].x), ls, maxRadius) : () => true;
    this.lastPending = pending.length > 0 ? { fantasies, local: exploit, lengthscales: Float64Array.from(ls), quantised } : undefined;
    // On a quantised objective a point next to a running trial almost surely returns that trial's
    // value: a wasted trial (svc_cancer at parallel 4, one traced seed: 17 of the last 50 proposals lay
    // within 0.01 of the cube of a running trial).
    const clear = quantised ? clearOf(pending, ls, RUNNING_COPY_RADIUS) : () => true;
    // Refine the best few with a shrinking random local search on the acquisition.
    const refined: { p: Float64Array; v: number }[] = [];
    for (const s of scored.slice(0, 5)) {
      let cur = s;
      let radius = 0.1;
      for (let it = 0; it < 40; it++) {
        const q = snap(perturb(enc, cur.p, ls, radius, perDim, rng));
        const v = inRegion(q) ? acq(q) : -Infinity;
        if (v > cur.v) {
          cur = { p: q, v };
          radius *= 1.3;
        } else {
          radius *= 0.8;
        }
      }
      refined.push(cur);
      yield;
    }
    const all = [...refined, ...scored].sort((a, b) => b.v - a.v);
    for (const c of all) if (inRegion(c.p) && clear(c.p) && !isNear(c.p, x, n, dims) && !seen?.has(pointKey(c.p))) return c.p;
    const p = new Float64Array(dims);
    for (let q = 0; q < dims; q++) p[q] = rng.next();
    return snap(p);
  }

  /**
   * Hyperparameters: refitted every trial while data is scarce (they move a lot), then every few
   * trials, warm-started from the previous fit. Deterministic for a given seed and sequence of
   * calls; a sampler rebuilt mid-study refits from scratch, which can shift a proposal slightly.
   */
  private *hyperFor(x: Float64Array, y: Float64Array, n: number, dims: number, nDone: number): Steps<GpHyper> {
    const prev = this.fit && this.fit.hyper.logLengthscales.length === dims ? this.fit : undefined;
    // Fits cost O(n³) per likelihood evaluation, so they get rarer as the study grows.
    const every = nDone < 30 ? 1 : nDone < 60 ? 2 : nDone < 100 ? 5 : 10;
    if (prev && nDone - prev.n < every && nDone >= prev.n) return prev.hyper;
    const starts: GpHyper[] = [];
    if (prev) starts.push(prev.hyper);
    if (!prev || nDone < 100) starts.push(defaultHyper(dims));
    if (!prev || (nDone < 100 && nDone % 10 === 0)) starts.push({ ...defaultHyper(dims), logLengthscales: new Float64Array(dims).fill(Math.log(0.15)) });
    const r = yield* fitHyperSteps(x, y, n, dims, starts, prev ? 30 : 60);
    this.fit = { n: nDone, hyper: r.hyper };
    return r.hyper;
  }
}

/**
 * Rounds of running trials before the budget ends in which every proposal is a local one. An exploring
 * proposal's result arrives about one round later; a new region found then needs rounds of local
 * proposals to pay off. Measured on hartmann6 at parallel 8 (with exploring proposals at the posterior
 * mean), seeds 0–119: 73 seeds ended at or below 7.35e-5 (1.5× the sequential median of seeds 0–19), 69
 * without.
 */
export const FINAL_ROUNDS = 2;

/**
 * Whether `proposed` trials (this one not counted) leave the budget within `FINAL_ROUNDS` rounds of
 * `inFlight` trials (the running ones and this one). Never without a known budget.
 */
export function inFinalRounds(budget: number | undefined, proposed: number, inFlight: number): boolean {
  return budget !== undefined && budget - proposed <= FINAL_ROUNDS * inFlight;
}

/**
 * Whether a point lies within six perturbation widths (`perturb`'s step at `maxRadius`, twice its
 * 3σ reach) of one of the anchors in every numeric dimension; categorical columns may switch freely.
 * Measured: at three widths hpo_synth at parallel 4 lost polish (5.5e-8 against 3.4e-8 sequentially).
 */
function trustRegion(enc: SpaceEncoder, anchors: readonly Float64Array[], ls: Float64Array, maxRadius: number): (p: Float64Array) => boolean {
  let lsMean = 0;
  for (const v of ls) lsMean += Math.log(v);
  lsMean = Math.exp(lsMean / ls.length);
  const numeric = enc.offsets.filter(o => o.width === 1).map(o => o.start);
  const half = numeric.map(q => 6 * maxRadius * Math.min(4, Math.max(0.25, ls[q] / lsMean)));
  return p => anchors.some(a => numeric.every((q, j) => Math.abs(p[q] - a[q]) <= half[j]));
}

/** Whether a point lies at least `radius` fitted lengthscales (Euclidean) from every running point. */
function clearOf(running: readonly Float64Array[], ls: Float64Array, radius: number): (p: Float64Array) => boolean {
  return p =>
    running.every(q => {
      let d2 = 0;
      for (let i = 0; i < p.length; i++) d2 += ((p[i] - q[i]) / ls[i]) ** 2;
      return d2 >= radius * radius;
    });
}

function argmin(a: ArrayLike<number>): number {
  let k = 0;
  for (let i = 1; i < a.length; i++) if (a[i] < a[k]) k = i;
  return k;
}

function perturb(enc: SpaceEncoder, base: Float64Array, ls: Float64Array, radius: number, perDim: number, rng: Rng): Float64Array {
  const p = Float64Array.from(base);
  let changed = false;
  let lsMean = 0;
  for (const v of ls) lsMean += Math.log(v);
  lsMean = Math.exp(lsMean / ls.length);
  for (let pi = 0; pi < enc.params.length; pi++) {
    const { start, width } = enc.offsets[pi];
    if (rng.next() > perDim) continue;
    changed = true;
    if (width > 1) {
      // One-hot: occasionally switch category.
      if (rng.next() < Math.min(0.5, radius * 3)) {
        const c = rng.int(width);
        for (let q = 0; q < width; q++) p[start + q] = q === c ? 1 : 0;
      }
    } else {
      const scale = Math.min(4, Math.max(0.25, ls[start] / lsMean));
      const v = p[start] + radius * scale * rng.normal();
      // Reflect at the faces of the cube.
      p[start] = v < 0 ? Math.min(1, -v) : v > 1 ? Math.max(0, 2 - v) : v;
    }
  }
  if (!changed) {
    const pi = rng.int(enc.params.length);
    const { start, width } = enc.offsets[pi];
    if (width === 1) p[start] = Math.min(1, Math.max(0, p[start] + radius * rng.normal()));
  }
  return p;
}

function isNear(p: Float64Array, x: Float64Array, n: number, dims: number): boolean {
  for (let i = 0; i < n; i++) {
    let d2 = 0;
    for (let q = 0; q < dims; q++) {
      const d = p[q] - x[i * dims + q];
      d2 += d * d;
    }
    if (d2 < 1e-14) return true;
  }
  return false;
}

/**
 * A hash of an encoded point rounded to 1e-9 (proposals snap discrete dimensions exactly, so
 * repeats hash alike); a rare collision only skips one candidate.
 */
function pointKey(p: Float64Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < p.length; i++) {
    const v = Math.round(p[i] * 1e9);
    h = Math.imul(h ^ (v | 0), 0x01000193);
    h = Math.imul(h ^ ((v / 4294967296) | 0), 0x01000193);
  }
  return h >>> 0;
}

function* pointKeys(data: GpData): Steps<Set<number>> {
  const keys = new Set<number>();
  for (let i = 0; i < data.done.length; i++) {
    if ((i & 8191) === 8191) yield;
    keys.add(pointKey(data.done[i].x));
  }
  for (const p of data.pending) keys.add(pointKey(p));
  return keys;
}
