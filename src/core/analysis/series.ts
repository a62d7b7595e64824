/**
 * A growable, step-sorted point series in two Float64Arrays, and LTTB decimation over it. The curves
 * webview keeps every series this way (16 bytes a point, no per-point objects) and hands the chart only
 * a decimated copy of the visible range.
 */

/** A chart point (chart.js reads `{x, y}` objects when parsing is off). */
export interface XY {
  x: number;
  y: number;
}

/** One trial's points of one metric, sorted by step. */
export class SeriesData {
  xs = new Float64Array(16);
  ys = new Float64Array(16);
  length = 0;
  /** Bumped on every change, so decimated copies know when they are stale. */
  version = 0;

  append(steps: ArrayLike<number>, values: ArrayLike<number>): void {
    this.reserve(this.length + steps.length);
    // Fast path, the common case: strictly increasing steps after the last one → one bulk copy.
    let sorted = steps.length > 0 && (this.length === 0 || steps[0] > this.xs[this.length - 1]);
    for (let i = 1; sorted && i < steps.length; i++) sorted = steps[i] > steps[i - 1];
    if (sorted) {
      this.xs.set(steps, this.length);
      this.ys.set(values, this.length);
      this.length += steps.length;
      this.version++;
      return;
    }
    for (let i = 0; i < steps.length; i++) {
      const x = steps[i];
      const y = values[i];
      const n = this.length;
      if (n === 0 || x > this.xs[n - 1]) {
        this.xs[n] = x;
        this.ys[n] = y;
        this.length = n + 1;
        continue;
      }
      // Out of order (a resumed run re-reporting) or a repeated step: binary search, replace or insert.
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.xs[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      if (lo < n && this.xs[lo] === x) this.ys[lo] = y;
      else {
        this.xs.copyWithin(lo + 1, lo, n);
        this.ys.copyWithin(lo + 1, lo, n);
        this.xs[lo] = x;
        this.ys[lo] = y;
        this.length = n + 1;
      }
    }
    this.version++;
  }

  private reserve(capacity: number): void {
    if (capacity <= this.xs.length) return;
    let size = this.xs.length;
    while (size < capacity) size *= 2;
    const xs = new Float64Array(size);
    const ys = new Float64Array(size);
    xs.set(this.xs.subarray(0, this.length));
    ys.set(this.ys.subarray(0, this.length));
    this.xs = xs;
    this.ys = ys;
  }

  /** Thins to at most `cap / 2` points (first, last and an even spread), then releases the spare memory. */
  thin(cap: number): void {
    if (this.length <= cap) return;
    const n = this.length;
    const keep = Math.max(2, cap >> 1);
    const xs = new Float64Array(Math.max(16, keep));
    const ys = new Float64Array(xs.length);
    for (let i = 0; i < keep; i++) {
      const j = Math.round((i * (n - 1)) / (keep - 1));
      xs[i] = this.xs[j];
      ys[i] = this.ys[j];
    }
    this.xs = xs;
    this.ys = ys;
    this.length = keep;
    this.version++;
  }

  /** Index of the first point with x ≥ value. */
  lowerBound(value: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.xs[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Largest-Triangle-Three-Buckets over points [start, end): keeps the first and last point and, per
 * bucket, the point that makes the largest triangle with its neighbours — the curve's shape survives
 * with a few hundred points. Non-finite values come out as NaN (a gap in the line), never as ±Infinity
 * that would blow up the axis.
 */
export function lttb(series: SeriesData, start: number, end: number, samples: number): XY[] {
  const { xs, ys } = series;
  const count = end - start;
  const y = (i: number) => (Number.isFinite(ys[i]) ? ys[i] : NaN);
  if (count <= 0) return [];
  if (count <= samples || samples < 3) {
    const out = new Array<XY>(count);
    for (let i = 0; i < count; i++) out[i] = { x: xs[start + i], y: y(start + i) };
    return out;
  }
  const out: XY[] = [{ x: xs[start], y: y(start) }];
  const bucket = (count - 2) / (samples - 2);
  let a = start;
  for (let i = 0; i < samples - 2; i++) {
    // Average of the next bucket: the third corner of the triangles.
    const nextStart = start + Math.floor((i + 1) * bucket) + 1;
    const nextEnd = Math.min(end, start + Math.floor((i + 2) * bucket) + 1);
    let avgX = 0;
    let avgY = 0;
    let finite = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      if (!Number.isFinite(ys[j])) continue;
      avgX += xs[j];
      avgY += ys[j];
      finite++;
    }
    if (finite) {
      avgX /= finite;
      avgY /= finite;
    } else {
      avgX = xs[Math.min(end - 1, nextStart)];
      avgY = Number.isFinite(ys[a]) ? ys[a] : 0;
    }
    const from = start + Math.floor(i * bucket) + 1;
    const to = start + Math.floor((i + 1) * bucket) + 1;
    const ax = xs[a];
    const ay = Number.isFinite(ys[a]) ? ys[a] : avgY;
    let best = from;
    let bestArea = -1;
    for (let j = from; j < to; j++) {
      const area = Number.isFinite(ys[j]) ? Math.abs((ax - avgX) * (ys[j] - ay) - (ax - xs[j]) * (avgY - ay)) : -0.5;
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push({ x: xs[best], y: y(best) });
    a = best;
  }
  out.push({ x: xs[end - 1], y: y(end - 1) });
  return out;
}
