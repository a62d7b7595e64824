/**
 * Parameter importance in the spirit of fANOVA (Hutter et al. 2014, as Optuna's
 * FanovaImportanceEvaluator does it): fit a random forest on (params → objective), then for each tree
 * split the variance of its prediction over the whole box into the part explained by each param alone.
 * Trees are piecewise constant, so the marginals are exact sums over leaf boxes, no sampling. The same
 * model gives the 2-parameter contour: the marginal of the forest over two params on a grid.
 */
import type { Direction, ParamValue } from '../search/types';
import { fitForest, leafBoxes, type LeafBox } from './forest';
import { denormalise, formatParam, inferAxes, MISSING_LABEL, normalise, scoredTrials, type AnalysedTrial, type ParamAxis } from './space';

export interface ImportanceOptions {
  readonly seed?: number;
  readonly trees?: number;
  /** Trials used to fit at most (the best half and an even spread of the rest): bounds the cost for 10,000-trial studies. */
  readonly maxTrials?: number;
}

export interface ParamImportance {
  readonly name: string;
  /** Share of the explained variance, in [0, 1]; the list sums to 1 unless every value was equal. */
  readonly importance: number;
}

export interface StudyModel {
  readonly axes: readonly ParamAxis[];
  /** Most important first; ties broken by name. */
  readonly importances: readonly ParamImportance[];
  /** Trials the forest was fitted on. */
  readonly fitted: number;
  /** Why importances are all zero (too few trials, all values equal, no params), else null. */
  readonly note: string | null;
  /** Predicted objective over a grid of two params (the others averaged out); null if the model is empty. */
  contour(paramX: string, paramY: string, resolution?: number): ContourGrid | null;
}

export interface ContourGrid {
  readonly paramX: string;
  readonly paramY: string;
  /** Grid positions in param units (numeric axes; log-spaced when the axis is log) or category labels. */
  readonly x: readonly (number | string)[];
  readonly y: readonly (number | string)[];
  /** z[iy][ix]: the forest's marginal prediction at (x[ix], y[iy]). */
  readonly z: readonly (readonly number[])[];
  readonly zMin: number;
  readonly zMax: number;
}

/** How one param's values become one forest feature, and that feature's domain [lo, hi]. */
interface Encoder {
  readonly axis: ParamAxis;
  readonly lo: number;
  readonly hi: number;
  encode(value: ParamValue | undefined): number;
  /** Grid cell centres in feature space with their labels in param space. */
  grid(resolution: number): { at: number[]; labels: (number | string)[] };
}

/** Missing numeric values sit in a sliver below the axis so trees can split them off. */
const MISSING_SLOT = 0.1;

function encoderFor(axis: ParamAxis, trials: readonly (AnalysedTrial & { value: number })[]): Encoder {
  if (axis.kind === 'numeric') {
    const lo = axis.missing ? -MISSING_SLOT : 0;
    return {
      axis,
      lo,
      hi: 1,
      encode: v => normalise(axis, v) ?? -MISSING_SLOT / 2,
      grid: resolution => {
        const at: number[] = [];
        const labels: number[] = [];
        for (let i = 0; i < resolution; i++) {
          const t = resolution === 1 ? 0.5 : i / (resolution - 1);
          at.push(t);
          labels.push(denormalise(axis, t));
        }
        return { at, labels };
      },
    };
  }
  // Categories are ordered by their mean objective: for regression trees that order makes the best
  // binary split of a categorical a contiguous one (Breiman et al.), so no one-hot is needed.
  const sums = new Map<string, { sum: number; n: number }>();
  for (const t of trials) {
    const label = labelOf(t.params[axis.name]);
    const s = sums.get(label) ?? { sum: 0, n: 0 };
    s.sum += t.value;
    s.n++;
    sums.set(label, s);
  }
  const ordered = [...axis.categories].sort((a, b) => {
    const ma = sums.has(a) ? sums.get(a)!.sum / sums.get(a)!.n : Infinity;
    const mb = sums.has(b) ? sums.get(b)!.sum / sums.get(b)!.n : Infinity;
    return ma - mb || a.localeCompare(b);
  });
  const slot = new Map(ordered.map((c, i) => [c, i + 0.5]));
  return {
    axis,
    lo: 0,
    hi: ordered.length,
    encode: v => slot.get(labelOf(v)) ?? 0.5,
    grid: () => ({ at: axis.categories.map(c => slot.get(c) as number), labels: [...axis.categories] }),
  };
}

function labelOf(v: ParamValue | undefined): string {
  return v === undefined || v === null || (typeof v === 'number' && !Number.isFinite(v)) ? MISSING_LABEL : formatParam(v);
}

/** Deterministic subset: the best half of the budget plus an even stride through the rest. */
function pickTrials<T extends { value: number; number: number }>(trials: readonly T[], direction: Direction, max: number): T[] {
  if (trials.length <= max) return [...trials];
  const sorted = [...trials].sort((a, b) => (direction === 'minimize' ? a.value - b.value : b.value - a.value) || a.number - b.number);
  const half = Math.floor(max / 2);
  const picked = sorted.slice(0, half);
  const rest = sorted.slice(half);
  const spread = max - half;
  for (let i = 0; i < spread; i++) picked.push(rest[Math.floor((i * rest.length) / spread)]);
  return picked;
}

interface TreeStats {
  readonly boxes: LeafBox[];
  readonly mean: number;
  readonly variance: number;
}

export function analyseStudy(trials: readonly AnalysedTrial[], direction: Direction, options: ImportanceOptions = {}): StudyModel {
  const scored = pickTrials(scoredTrials(trials), direction, options.maxTrials ?? 1_000);
  const axes = inferAxes(scored);
  const zeros = (note: string): StudyModel => ({
    axes,
    importances: axes.map(a => ({ name: a.name, importance: 0 })),
    fitted: scored.length,
    note,
    contour: () => null,
  });
  if (axes.length === 0) return zeros('the trials have no parameters');
  if (scored.length < 2) return zeros(`importance needs at least 2 finished trials with a value (have ${scored.length})`);
  const first = scored[0].value;
  if (scored.every(t => t.value === first)) return zeros('every trial has the same value');

  const encoders = axes.map(a => encoderFor(a, scored));
  const x = scored.map(t => Float64Array.from(encoders, e => e.encode(t.params[e.axis.name])));
  // Values far apart in magnitude (a diverged run at 1e30) would swamp the variance: rank-free but
  // bounded targets keep the decomposition meaningful, so clip to a robust range around the median.
  const y = Float64Array.from(scored, t => t.value);
  clipOutliers(y);
  const lo = Float64Array.from(encoders, e => e.lo);
  const hi = Float64Array.from(encoders, e => e.hi);
  const forest = fitForest(x, y, { trees: options.trees ?? 32, seed: options.seed ?? 0 });
  const stats: TreeStats[] = forest.map(tree => {
    const boxes = leafBoxes(tree, lo, hi);
    let mean = 0;
    let second = 0;
    for (const b of boxes) {
      mean += b.value * b.volume;
      second += b.value * b.value * b.volume;
    }
    return { boxes, mean, variance: Math.max(0, second - mean * mean) };
  });

  const raw = encoders.map((_, j) => {
    let share = 0;
    let counted = 0;
    for (const s of stats) {
      if (s.variance <= 0) continue;
      share += marginalVariance(s, j, lo[j], hi[j]) / s.variance;
      counted++;
    }
    return counted ? share / counted : 0;
  });
  const total = raw.reduce((a, b) => a + b, 0);
  const importances = axes
    .map((a, j) => ({ name: a.name, importance: total > 0 ? raw[j] / total : 0 }))
    .sort((a, b) => b.importance - a.importance || a.name.localeCompare(b.name));

  return {
    axes,
    importances,
    fitted: scored.length,
    note: total > 0 ? null : 'no parameter explains the variation in the values',
    contour: (paramX, paramY, resolution = 32) => {
      const ix = axes.findIndex(a => a.name === paramX);
      const iy = axes.findIndex(a => a.name === paramY);
      if (ix < 0 || iy < 0 || ix === iy) return null;
      const res = Math.max(2, Math.min(200, Math.floor(resolution)));
      const gx = encoders[ix].grid(res);
      const gy = encoders[iy].grid(res);
      const z = gy.at.map(() => new Array<number>(gx.at.length).fill(0));
      for (const s of stats) addPairMarginal(s, ix, iy, lo, hi, gx.at, gy.at, z, 1 / stats.length);
      let zMin = Infinity;
      let zMax = -Infinity;
      for (const row of z) for (const v of row) {
        zMin = Math.min(zMin, v);
        zMax = Math.max(zMax, v);
      }
      return { paramX, paramY, x: gx.labels, y: gy.labels, z, zMin, zMax };
    },
  };
}

function clipOutliers(y: Float64Array): void {
  const sorted = Float64Array.from(y).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
  const q1 = q(0.25);
  const q3 = q(0.75);
  const span = (q3 - q1) * 10 || Math.abs(q(0.5)) || 1;
  for (let i = 0; i < y.length; i++) y[i] = Math.min(q3 + span, Math.max(q1 - span, y[i]));
}

/**
 * Variance of the tree's marginal over feature j (uniform measure over the other features). The
 * marginal is constant between consecutive leaf edges on j, so it is summed segment by segment.
 */
function marginalVariance(s: TreeStats, j: number, lo: number, hi: number): number {
  const cuts = new Set<number>([lo, hi]);
  for (const b of s.boxes) {
    cuts.add(b.lo[j]);
    cuts.add(b.hi[j]);
  }
  const edges = [...cuts].sort((a, b) => a - b);
  const width = hi - lo;
  if (width <= 0) return 0;
  let second = 0;
  for (let k = 0; k + 1 < edges.length; k++) {
    const a = edges[k];
    const c = edges[k + 1];
    if (c <= a) continue;
    const mid = (a + c) / 2;
    let f = 0;
    for (const b of s.boxes) {
      if (mid < b.lo[j] || mid > b.hi[j]) continue;
      const fj = (b.hi[j] - b.lo[j]) / width;
      f += fj > 0 ? (b.value * b.volume) / fj : 0;
    }
    second += ((c - a) / width) * f * f;
  }
  return Math.max(0, second - s.mean * s.mean);
}

function addPairMarginal(s: TreeStats, ix: number, iy: number, lo: Float64Array, hi: Float64Array, xs: number[], ys: number[], z: number[][], weight: number): void {
  const wx = hi[ix] - lo[ix];
  const wy = hi[iy] - lo[iy];
  for (const b of s.boxes) {
    const fx = wx > 0 ? (b.hi[ix] - b.lo[ix]) / wx : 1;
    const fy = wy > 0 ? (b.hi[iy] - b.lo[iy]) / wy : 1;
    if (fx <= 0 || fy <= 0) continue;
    const contribution = (weight * b.value * b.volume) / (fx * fy);
    for (let r = 0; r < ys.length; r++) {
      if (ys[r] < b.lo[iy] || ys[r] > b.hi[iy]) continue;
      // A grid point on a shared edge belongs to one box only (the left/lower one), as in prediction.
      if (ys[r] === b.lo[iy] && b.lo[iy] > lo[iy]) continue;
      for (let c = 0; c < xs.length; c++) {
        if (xs[c] < b.lo[ix] || xs[c] > b.hi[ix]) continue;
        if (xs[c] === b.lo[ix] && b.lo[ix] > lo[ix]) continue;
        z[r][c] += contribution;
      }
    }
  }
}

/** The two most important params (for the contour plot), or null with fewer than two. */
export function topPair(model: StudyModel): [string, string] | null {
  return model.importances.length >= 2 ? [model.importances[0].name, model.importances[1].name] : null;
}

