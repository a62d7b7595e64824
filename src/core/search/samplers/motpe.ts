/**
 * The multi-objective part of TPE, as Optuna's TPESampler does it for several objectives (MOTPE,
 * Ozaki et al. 2020/2022): the "good" group l(x) is filled front by front in non-domination order;
 * the front that does not fit whole is cut by greedy hypervolume subset selection; and each good
 * observation's kernel is weighted by its hypervolume contribution within the good group, so points
 * that widen the front pull harder than crowded ones. The TPE machinery itself is in tpe.ts.
 */
import { hypervolume, hypervolumeContributions, nonDominatedRanks, type Point } from '../pareto';

const EPS = 1e-12;

/** Optuna's reference point for a set of minimised vectors: 1.1 × the worst value (0.9 × when negative), zero → EPS. */
export function nadirReference(points: readonly Point[]): number[] {
  const m = points[0].length;
  const ref: number[] = [];
  for (let k = 0; k < m; k++) {
    let worst = -Infinity;
    for (const p of points) if (p[k] > worst) worst = p[k];
    const r = Math.max(1.1 * worst, 0.9 * worst);
    ref.push(r === 0 ? EPS : r);
  }
  return ref;
}

/**
 * Greedy hypervolume subset selection: `k` of `points`, each step taking the point that adds the most
 * volume to those already taken. Gains only shrink as the subset grows (the volume is submodular),
 * so a stale gain is an upper bound and only the leader is re-evaluated (lazy greedy): the same
 * subset as the plain greedy, with far fewer volume computations. Ties go to the earlier point.
 */
export function greedyHypervolumeSubset(points: readonly Point[], k: number, ref: Point): number[] {
  const n = points.length;
  if (k >= n) return points.map((_, i) => i);
  const gain = Float64Array.from(points, p => {
    let v = 1;
    for (let j = 0; j < ref.length; j++) v *= Math.max(0, ref[j] - p[j]);
    return v;
  });
  const fresh = new Int32Array(n).fill(0);
  const chosen: number[] = [];
  const taken = new Uint8Array(n);
  let hvChosen = 0;
  while (chosen.length < k) {
    let best = -1;
    for (let i = 0; i < n; i++) if (!taken[i] && (best < 0 || gain[i] > gain[best])) best = i;
    if (fresh[best] === chosen.length) {
      chosen.push(best);
      taken[best] = 1;
      hvChosen = hypervolume(chosen.map(i => points[i]), ref);
      continue;
    }
    gain[best] = hypervolume([...chosen.map(i => points[i]), points[best]], ref) - hvChosen;
    fresh[best] = chosen.length;
  }
  return chosen;
}

/**
 * Splits observations (minimised vectors) into the `nBelow` good ones and the rest, as Optuna's
 * `_split_observation_pairs` for several objectives: whole fronts first, then the hypervolume
 * subset of the front that overflows. Returns indices into `points`, each list in index order.
 */
export function splitByDominance(points: readonly Point[], nBelow: number): { below: number[]; above: number[] } {
  const ranks = nonDominatedRanks(points);
  const byRank: number[][] = [];
  ranks.forEach((r, i) => (byRank[r] ??= []).push(i));
  const below: number[] = [];
  for (const front of byRank) {
    if (below.length + front.length <= nBelow) {
      below.push(...front);
      continue;
    }
    const need = nBelow - below.length;
    if (need > 0) {
      const vectors = front.map(i => points[i]);
      for (const j of greedyHypervolumeSubset(vectors, need, nadirReference(vectors))) below.push(front[j]);
    }
    break;
  }
  below.sort((a, b) => a - b);
  const inBelow = new Uint8Array(points.length);
  for (const i of below) inBelow[i] = 1;
  const above: number[] = [];
  for (let i = 0; i < points.length; i++) if (!inBelow[i]) above.push(i);
  return { below, above };
}

/**
 * Kernel weights of the good observations: each one's hypervolume contribution within the group
 * (reference: Optuna's nadir rule), plus EPS, divided by the largest; 1 for a single observation.
 */
export function belowWeights(points: readonly Point[]): Float64Array {
  const n = points.length;
  if (n === 0) return new Float64Array(0);
  if (n === 1) return Float64Array.of(1);
  const contributions = hypervolumeContributions(points, nadirReference(points));
  let max = 0;
  for (let i = 0; i < n; i++) {
    contributions[i] += EPS;
    if (contributions[i] > max) max = contributions[i];
  }
  return contributions.map(c => Math.min(1, Math.max(0, c / max)));
}
