/**
 * A small, deterministic random forest of regression trees over features that live in known boxes
 * ([lo, hi] per feature). It exists for the fANOVA-style importance and the contour plot: both need the
 * trees' leaves as boxes, which is why trees are kept as flat arrays of splits and leaf values.
 */

/** Seeded PRNG (mulberry32): the same seed and data give the same forest, hence the same plots. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RegressionTree {
  /** Per node: the split feature, or -1 for a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Mean target of the node's samples (the prediction at a leaf). */
  readonly value: Float64Array;
  readonly size: number;
}

export interface ForestOptions {
  readonly trees?: number;
  readonly maxDepth?: number;
  readonly minSamplesLeaf?: number;
  readonly seed?: number;
}

/** Rows are samples, columns features; `y` the targets. */
export function fitForest(x: readonly Float64Array[], y: Float64Array, options: ForestOptions = {}): RegressionTree[] {
  const trees = options.trees ?? 32;
  const random = seededRandom(options.seed ?? 0);
  const out: RegressionTree[] = [];
  for (let t = 0; t < trees; t++) {
    const sample = new Int32Array(y.length);
    for (let i = 0; i < y.length; i++) sample[i] = Math.floor(random() * y.length);
    out.push(fitTree(x, y, sample, options.maxDepth ?? 16, options.minSamplesLeaf ?? 1));
  }
  return out;
}

function fitTree(x: readonly Float64Array[], y: Float64Array, sample: Int32Array, maxDepth: number, minLeaf: number): RegressionTree {
  const features = x[0]?.length ?? 0;
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];

  // Rows stay sorted by every feature all the way down: the root sorts once per feature, and each split
  // partitions those lists stably, so finding a split costs O(n·features) instead of a sort per node.
  const grow = (sorted: Int32Array[], depth: number): number => {
    const rows = sorted[0];
    const id = feature.length;
    let sum = 0;
    let sumSq = 0;
    for (const r of rows) {
      sum += y[r];
      sumSq += y[r] * y[r];
    }
    const n = rows.length;
    const mean = sum / n;
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(mean);
    const sse = sumSq - sum * mean;
    if (depth >= maxDepth || n < 2 * minLeaf || sse <= 1e-12 * Math.max(1, Math.abs(sumSq))) return id;

    // Best variance-reducing split over all features: scan each feature's sorted rows.
    let bestGain = 1e-12 * Math.max(1, sse);
    let bestFeature = -1;
    let bestThreshold = 0;
    for (let f = 0; f < features; f++) {
      const order = sorted[f];
      let leftSum = 0;
      for (let i = 0; i < n - 1; i++) {
        leftSum += y[order[i]];
        const here = x[order[i]][f];
        const next = x[order[i + 1]][f];
        if (here === next || i + 1 < minLeaf || n - i - 1 < minLeaf) continue;
        const nl = i + 1;
        const nr = n - nl;
        const rightSum = sum - leftSum;
        // SSE reduction = nl·meanL² + nr·meanR² − n·mean²
        const gain = (leftSum * leftSum) / nl + (rightSum * rightSum) / nr - sum * mean;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestThreshold = (here + next) / 2;
        }
      }
    }
    if (bestFeature < 0) return id;
    const leftSorted: Int32Array[] = [];
    const rightSorted: Int32Array[] = [];
    let nLeft = 0;
    for (const r of rows) if (x[r][bestFeature] <= bestThreshold) nLeft++;
    for (let f = 0; f < features; f++) {
      const l = new Int32Array(nLeft);
      const r = new Int32Array(n - nLeft);
      let li = 0;
      let ri = 0;
      for (const row of sorted[f]) {
        if (x[row][bestFeature] <= bestThreshold) l[li++] = row;
        else r[ri++] = row;
      }
      leftSorted.push(l);
      rightSorted.push(r);
    }
    feature[id] = bestFeature;
    threshold[id] = bestThreshold;
    left[id] = grow(leftSorted, depth + 1);
    right[id] = grow(rightSorted, depth + 1);
    return id;
  };
  grow(
    Array.from({ length: Math.max(1, features) }, (_, f) => Int32Array.from(Array.from(sample).sort((a, b) => (features ? x[a][f] - x[b][f] : 0) || a - b))),
    0,
  );
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    size: feature.length,
  };
}

export function predictTree(tree: RegressionTree, row: ArrayLike<number>): number {
  let node = 0;
  while (tree.feature[node] >= 0) node = row[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  return tree.value[node];
}

/** A leaf as a box: per feature the [lo, hi] interval it covers (clipped to the domain). */
export interface LeafBox {
  readonly value: number;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  /** Fraction of the domain's volume the box covers (uniform measure). */
  readonly volume: number;
}

export function leafBoxes(tree: RegressionTree, domainLo: Float64Array, domainHi: Float64Array): LeafBox[] {
  const boxes: LeafBox[] = [];
  const walk = (node: number, lo: Float64Array, hi: Float64Array) => {
    const f = tree.feature[node];
    if (f < 0) {
      let volume = 1;
      for (let d = 0; d < lo.length; d++) {
        const width = domainHi[d] - domainLo[d];
        volume *= width > 0 ? (hi[d] - lo[d]) / width : 1;
      }
      if (volume > 0) boxes.push({ value: tree.value[node], lo, hi, volume });
      return;
    }
    const t = tree.threshold[node];
    const leftHi = hi.slice();
    leftHi[f] = Math.min(hi[f], Math.max(lo[f], t));
    const rightLo = lo.slice();
    rightLo[f] = Math.max(lo[f], Math.min(hi[f], t));
    walk(tree.left[node], lo, leftHi);
    walk(tree.right[node], rightLo, hi);
  };
  walk(0, domainLo.slice(), domainHi.slice());
  return boxes;
}
