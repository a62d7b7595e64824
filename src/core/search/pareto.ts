/**
 * Pareto dominance, non-dominated sorting, crowding distance and hypervolume: the one definition of
 * "better" for multi-objective studies, shared by the samplers (NSGA-II, MOTPE), the study summary,
 * `hpstudio tune --json`, the benchmark and the curves panel.
 *
 * Every function here works on minimised vectors (smaller is better in every coordinate): callers
 * turn maximised objectives around first with `minimizedVector`.
 */
import type { Direction } from './types';

/** An objective vector, smaller is better in every coordinate. */
export type Point = ArrayLike<number>;

/** The vector with maximised objectives negated, so smaller is better everywhere. */
export function minimizedVector(values: readonly number[], directions: readonly Direction[]): number[] {
  return values.map((v, k) => (directions[k] === 'maximize' ? -v : v));
}

/** True when a is at least as good as b everywhere and strictly better somewhere. */
export function dominates(a: Point, b: Point): boolean {
  let strictly = false;
  for (let k = 0; k < a.length; k++) {
    if (a[k] > b[k]) return false;
    if (a[k] < b[k]) strictly = true;
  }
  return strictly;
}

function lexOrder(points: readonly Point[]): Int32Array {
  const order = Int32Array.from(points, (_, i) => i);
  const m = points.length ? points[0].length : 0;
  return order.sort((i, j) => {
    for (let k = 0; k < m; k++) {
      const d = points[i][k] - points[j][k];
      if (d !== 0) return d;
    }
    return i - j;
  });
}

/**
 * Non-domination rank of every point (0 = the Pareto front), by sequential sorting with a binary
 * search over fronts (ENS-BS): points are visited in lexicographic order, so only earlier points can
 * dominate a later one, and "some member of front k dominates p" holds for exactly the fronts before
 * p's own. In two dimensions a front's newest member is its lowest, so one comparison decides.
 */
export function nonDominatedRanks(points: readonly Point[]): Int32Array {
  const n = points.length;
  const ranks = new Int32Array(n);
  if (n === 0) return ranks;
  const twoD = points[0].length === 2;
  const fronts: number[][] = [];
  const dominatedByFront = (k: number, p: Point): boolean => {
    const front = fronts[k];
    if (twoD) return dominates(points[front[front.length - 1]], p);
    for (let i = front.length - 1; i >= 0; i--) if (dominates(points[front[i]], p)) return true;
    return false;
  };
  for (const i of lexOrder(points)) {
    let lo = 0;
    let hi = fronts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dominatedByFront(mid, points[i])) lo = mid + 1;
      else hi = mid;
    }
    if (lo === fronts.length) fronts.push([]);
    fronts[lo].push(i);
    ranks[i] = lo;
  }
  return ranks;
}

/** Indices of each front, best first, each in index order. */
export function nonDominatedFronts(points: readonly Point[]): number[][] {
  const ranks = nonDominatedRanks(points);
  const fronts: number[][] = [];
  ranks.forEach((r, i) => (fronts[r] ??= []).push(i));
  return fronts;
}

/**
 * Indices of the non-dominated points (equal points are all kept), in index order. Only the first
 * front, so cheaper than ranking every point: in lexicographic order only earlier points can dominate
 * a later one, and a dominated dominator's own dominator is on the front, so checking each point
 * against the front found so far is enough (O(n · front) instead of the ranks' O(n · fronts · size)).
 */
export function paretoFront(points: readonly Point[]): number[] {
  const front: number[] = [];
  for (const i of lexOrder(points)) {
    let dominated = false;
    for (let k = front.length - 1; k >= 0 && !dominated; k--) dominated = dominates(points[front[k]], points[i]);
    if (!dominated) front.push(i);
  }
  return front.sort((a, b) => a - b);
}

/**
 * NSGA-II crowding distance of each member of `members` (indices into points), in the same order:
 * per objective, the gap between the two neighbours divided by the objective's range; the extremes
 * get Infinity. An objective whose values are all equal adds nothing (as in Optuna).
 */
export function crowdingDistance(points: readonly Point[], members: readonly number[]): Float64Array {
  const n = members.length;
  const dist = new Float64Array(n);
  if (n === 0) return dist;
  const m = points[members[0]].length;
  const order = Int32Array.from(members, (_, i) => i);
  for (let k = 0; k < m; k++) {
    const v = (i: number) => points[members[i]][k];
    order.sort((a, b) => v(a) - v(b) || a - b);
    const width = v(order[n - 1]) - v(order[0]);
    if (!(width > 0)) continue;
    dist[order[0]] = Infinity;
    dist[order[n - 1]] = Infinity;
    for (let j = 1; j < n - 1; j++) dist[order[j]] += (v(order[j + 1]) - v(order[j - 1])) / width;
  }
  return dist;
}

// --- hypervolume -----------------------------------------------------------------------------------

/** The points strictly better than the reference in every objective (the others add no volume). */
function insideReference(points: readonly Point[], ref: Point): Point[] {
  return points.filter(p => isInside(p, ref));
}

/** Area dominated by 2-D points (x, y) below (rx, ry); points must already lie inside the reference. */
function area2d(xs: Float64Array, ys: Float64Array, count: number, rx: number, ry: number): number {
  const order = Int32Array.from({ length: count }, (_, i) => i).sort((a, b) => xs[a] - xs[b] || ys[a] - ys[b]);
  let area = 0;
  let lowY = ry;
  for (const i of order) {
    if (ys[i] >= lowY) continue;
    area += (rx - xs[i]) * (lowY - ys[i]);
    lowY = ys[i];
  }
  return area;
}

/**
 * 2-D staircase kept sorted by x (so y falls): what the 3-D sweep adds points to, one z level at a
 * time, with its area updated by each insertion's exclusive share instead of recomputed.
 */
class Staircase {
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];
  area = 0;

  constructor(
    private readonly rx: number,
    private readonly ry: number,
  ) {}

  /** An independent copy (a history checkpoint). */
  clone(): Staircase {
    const copy = new Staircase(this.rx, this.ry);
    copy.xs.push(...this.xs);
    copy.ys.push(...this.ys);
    copy.area = this.area;
    return copy;
  }

  insert(x: number, y: number): void {
    const { xs, ys } = this;
    // First member with xs >= x.
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    // Dominated (or equal) when a member left of it (or at the same x) is at least as low.
    if (lo > 0 && ys[lo - 1] <= y) return;
    if (lo < xs.length && xs[lo] === x && ys[lo] <= y) return;
    // Members from lo on with y >= y are dominated by the new point: remove them, adding back
    // the area they covered beyond the new point's own box.
    let end = lo;
    while (end < xs.length && ys[end] >= y) end++;
    const upperY = lo > 0 ? ys[lo - 1] : this.ry;
    const rightX = end < xs.length ? xs[end] : this.rx;
    // Exclusive area of the new point: its box minus what the removed members already covered.
    let added = (rightX - x) * (upperY - y);
    for (let i = lo; i < end; i++) {
      const nextX = i + 1 < end ? xs[i + 1] : rightX;
      added -= (nextX - xs[i]) * (upperY - ys[i]);
    }
    this.area += added;
    xs.splice(lo, end - lo, x);
    ys.splice(lo, end - lo, y);
  }
}

/** Volume dominated by 3-D points: a sweep in z adding each point to a 2-D staircase. */
function volume3d(points: readonly Point[], ref: Point): number {
  const order = points.map((_, i) => i).sort((a, b) => points[a][2] - points[b][2]);
  const stairs = new Staircase(ref[0], ref[1]);
  let volume = 0;
  for (let j = 0; j < order.length; j++) {
    const p = points[order[j]];
    stairs.insert(p[0], p[1]);
    const nextZ = j + 1 < order.length ? points[order[j + 1]][2] : ref[2];
    volume += stairs.area * (nextZ - p[2]);
  }
  return volume;
}

/** Four or more objectives: slices along the last objective, each a hypervolume one dimension lower. */
function volumeBySlicing(points: readonly Point[], ref: Point): number {
  const m = ref.length;
  if (m === 3) return volume3d(points, ref);
  const order = points.map((_, i) => i).sort((a, b) => points[a][m - 1] - points[b][m - 1]);
  const lowerRef = Array.from(ref).slice(0, m - 1);
  const slice: Point[] = [];
  let volume = 0;
  for (let j = 0; j < order.length; j++) {
    const p = points[order[j]];
    slice.push(Array.from(p).slice(0, m - 1));
    const nextZ = j + 1 < order.length ? points[order[j + 1]][m - 1] : ref[m - 1];
    if (nextZ > p[m - 1]) {
      const front = paretoFront(slice).map(i => slice[i]);
      volume += volumeBySlicing(front, lowerRef) * (nextZ - p[m - 1]);
    }
  }
  return volume;
}

/**
 * Exact hypervolume dominated by `points` and bounded by `ref` (minimised objectives). Points not
 * strictly better than the reference everywhere add nothing. 2-D: one sort; 3-D: a z-sweep over a
 * staircase (O(n²) worst, near n log n on real fronts); more objectives: slicing.
 */
export function hypervolume(points: readonly Point[], ref: Point): number {
  const inside = insideReference(points, ref);
  if (inside.length === 0) return 0;
  const m = ref.length;
  if (m === 1) return ref[0] - Math.min(...inside.map(p => p[0]));
  if (m === 2) {
    return area2d(Float64Array.from(inside, p => p[0]), Float64Array.from(inside, p => p[1]), inside.length, ref[0], ref[1]);
  }
  return volumeBySlicing(inside, ref);
}

/**
 * Each point's exclusive hypervolume contribution, HV(S) − HV(S without it): 0 for dominated points
 * (their box lies in their dominator's) and for points equal to another; the front's members by
 * leaving each out in turn (a dominated point may take over part of what it covered).
 */
export function hypervolumeContributions(points: readonly Point[], ref: Point): Float64Array {
  const n = points.length;
  const out = new Float64Array(n);
  const inside = insideReference(points, ref);
  const total = hypervolume(inside, ref);
  const ranks = nonDominatedRanks(points);
  for (let i = 0; i < n; i++) {
    if (ranks[i] !== 0 || !inside.includes(points[i])) continue;
    out[i] = Math.max(0, total - hypervolume(inside.filter(p => p !== points[i]), ref));
  }
  return out;
}

/**
 * The hypervolume after each point is added, in order (the history view, the benchmark's
 * checkpoints). Only a point that joins the front changes it, and then by exactly its exclusive
 * contribution, so the history adds that instead of re-measuring the front: in 2-D the staircase
 * updates its area per insertion (O(log n) plus what it removes); in 3-D and more the contribution is
 * the point's box less the volume of the front clipped to that box, which only the clipped front's
 * few non-dominated corners make up.
 */
export function hypervolumeHistory(points: readonly Point[], ref: Point): Float64Array {
  return resumableHypervolumeHistory(points, ref).values;
}

/** A history with what it takes to recompute it from where its points change (see `resumableHypervolumeHistory`). */
export interface HypervolumeHistory {
  readonly values: Float64Array;
  readonly points: readonly Point[];
  readonly ref: readonly number[];
  readonly checkpoints: readonly HistoryCheckpoint[];
}

/** The history's state after the first `count` points. */
interface HistoryCheckpoint {
  readonly count: number;
  readonly hv: number;
  /** 3-D and more: the front so far, in insertion order (the contributions depend on it only). */
  readonly front: readonly Point[];
  /** 2-D: the staircase so far. */
  readonly stairs: Staircase | null;
}

/** Points between checkpoints: a resumed history redoes at most this many before the first change. */
const CHECKPOINT_EVERY = 256;

/**
 * `hypervolumeHistory`, resumed from `previous` where it can: a live study changes its newest trials,
 * so with the same reference point the history is kept up to the last checkpoint before the first
 * point that differs, and computed from that checkpoint's state on — the same operations in the
 * same order as from scratch, so exactly the same values. Another reference point (a new worst
 * value) re-measures everything.
 */
export function resumableHypervolumeHistory(points: readonly Point[], ref: Point, previous?: HypervolumeHistory): HypervolumeHistory {
  const values = new Float64Array(points.length);
  const refCopy = Array.from(ref);
  const kept = previous && sameVector(previous.ref, refCopy) ? resumePoint(previous, points) : 0;
  const checkpoints = previous && kept > 0 ? previous.checkpoints.filter(c => c.count <= kept) : [];
  const start = checkpoints.length ? checkpoints[checkpoints.length - 1] : { count: 0, hv: 0, front: [], stairs: ref.length === 2 ? new Staircase(ref[0], ref[1]) : null };
  if (checkpoints.length) values.set((previous as HypervolumeHistory).values.subarray(0, start.count));
  else checkpoints.push(start);
  const stairs = start.stairs?.clone() ?? null;
  const front = [...start.front];
  const scratch = new Scratch(ref.length);
  let hv = start.hv;
  for (let i = start.count; i < points.length; i++) {
    const p = points[i];
    if (stairs) {
      if (p[0] < ref[0] && p[1] < ref[1]) stairs.insert(p[0], p[1]);
      hv = stairs.area;
    } else if (isInside(p, ref) && !front.some(q => weaklyDominates(q, p))) {
      hv += exclusiveContribution(p, front, ref, scratch);
      let left = 0;
      for (const q of front) if (!dominates(p, q)) front[left++] = q;
      front.length = left;
      front.push(p);
    }
    values[i] = hv;
    if ((i + 1) % CHECKPOINT_EVERY === 0) checkpoints.push({ count: i + 1, hv, front: [...front], stairs: stairs?.clone() ?? null });
  }
  return { values, points, ref: refCopy, checkpoints };
}

/** The last checkpoint's count at or before the first point that differs from `previous`'s. */
function resumePoint(previous: HypervolumeHistory, points: readonly Point[]): number {
  const same = Math.min(previous.points.length, points.length);
  let first = 0;
  while (first < same && sameVector(previous.points[first], points[first])) first++;
  let count = 0;
  for (const c of previous.checkpoints) if (c.count <= first) count = c.count;
  return count;
}

function sameVector(a: Point, b: Point): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

function isInside(p: Point, ref: Point): boolean {
  for (let k = 0; k < ref.length; k++) if (!(p[k] < ref[k])) return false;
  return true;
}

/** True when a is at least as good as b everywhere (dominates or equals it): b then adds no volume. */
function weaklyDominates(a: Point, b: Point): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] > b[k]) return false;
  return true;
}

/**
 * The clipped front of one contribution in one flat, reused buffer (`m` numbers per point): a
 * 10,000-trial history clips the front a thousand times, and a small array per clipped member was
 * most of its garbage.
 */
class Scratch {
  values = new Float64Array(0);
  constructor(readonly m: number) {}

  /** Room for `count` points. */
  reserve(count: number): Float64Array {
    if (this.values.length < count * this.m) this.values = new Float64Array(Math.max(count * this.m, 2 * this.values.length));
    return this.values;
  }
}

/** True when the clipped point at offset a dominates the one at offset b (same buffer). */
function dominatesAt(v: Float64Array, a: number, b: number, m: number): boolean {
  let strictly = false;
  for (let k = 0; k < m; k++) {
    if (v[a + k] > v[b + k]) return false;
    if (v[a + k] < v[b + k]) strictly = true;
  }
  return strictly;
}

/**
 * HV(front ∪ {p}) − HV(front) for p not dominated by the front: p's box up to the reference, less the
 * part of it the front already covers — the volume of the front's points raised to at least p in
 * every objective (each clipped to p's box), of which only the non-dominated ones are measured. A
 * front member worse than p in one objective only clips to p moved along that axis; the nearest such
 * per axis dominates most other clipped points, so those are dropped before the front is sorted out.
 */
function exclusiveContribution(p: Point, front: readonly Point[], ref: Point, scratch: Scratch): number {
  const m = ref.length;
  let box = 1;
  for (let k = 0; k < m; k++) box *= ref[k] - p[k];
  // Slots 0..m-1 hold the nearest one-axis corner per axis (if any); the others follow from slot m.
  const v = scratch.reserve(front.length + m);
  const axisCorner = new Int8Array(m);
  let count = m;
  for (const q of front) {
    let worse = 0;
    let along = -1;
    for (let k = 0; k < m; k++) if (q[k] > p[k]) { worse++; along = k; }
    if (worse === 1) {
      const at = along * m;
      if (axisCorner[along] && v[at + along] <= q[along]) continue;
      axisCorner[along] = 1;
      for (let k = 0; k < m; k++) v[at + k] = k === along ? q[k] : p[k];
      continue;
    }
    const at = count * m;
    for (let k = 0; k < m; k++) v[at + k] = q[k] > p[k] ? q[k] : p[k];
    count++;
  }
  const corners: number[] = [];
  for (let a = 0; a < m; a++) if (axisCorner[a]) corners.push(a * m);
  for (let c = m; c < count; c++) {
    const at = c * m;
    if (!corners.some(a => dominatesAt(v, a, at, m))) corners.push(at);
  }
  if (corners.length === 0) return box;
  // Plain arrays, as every other caller passes: typed arrays too would make these shared functions polymorphic (slower).
  const points = corners.map(at => Array.from({ length: m }, (_, k) => v[at + k]));
  const kept = points.length > m ? paretoFront(points).map(i => points[i]) : points;
  return box - (m === 3 ? volume3d(kept, ref) : hypervolume(kept, ref));
}

/**
 * A reference point for studies without one: per objective, the worst value seen plus a tenth of
 * the range (or of the magnitude when all values are equal), so every front member adds volume.
 */
export function defaultReferencePoint(points: readonly Point[]): number[] {
  if (points.length === 0) return [];
  const m = points[0].length;
  const ref: number[] = [];
  for (let k = 0; k < m; k++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of points) {
      if (p[k] < lo) lo = p[k];
      if (p[k] > hi) hi = p[k];
    }
    const span = hi - lo;
    ref.push(hi + (span > 0 ? 0.1 * span : Math.max(Math.abs(hi) * 0.1, 1e-12)));
  }
  return ref;
}
