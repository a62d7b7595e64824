/**
 * What the curves webview holds: trials by number and, per trial and metric, the points in two
 * growable Float64Arrays. The chart never sees these arrays: it gets an LTTB-decimated copy of the
 * visible range (a few hundred `{x, y}` objects per curve), rebuilt only for series that changed. A
 * million points therefore cost 16 MB and no million small objects, and a redraw touches ~40k points.
 *
 * Memory is bounded for 10,000-trial studies: only the drawn trials (the best ones, running ones and
 * the selected one) keep up to DRAWN_POINTS per series; every other series is thinned to OTHER_POINTS.
 * History, importance and the other plots use the trials' values, which are kept for every trial.
 */
import type { CurvesSeries, CurvesTrial } from '../../src/core/protocol/curves';
import type { Direction } from '../../src/core/search/types';
import { isBetter } from '../../src/core/analysis/space';

export interface XY {
  x: number;
  y: number;
}

/** Points kept per series of a drawn trial; beyond it the series is thinned 2:1 (the chart decimates further). */
export const DRAWN_POINTS = 20_000;
/** Points kept per series of a trial that is not drawn (enough for a sketch if it becomes drawn later). */
export const OTHER_POINTS = 32;
/** Trials drawn as curves at most: the running ones and the best finished ones, plus the selected one. */
export const MAX_DRAWN = 100;
export const MAX_RUNNING_DRAWN = 40;

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

export class CurvesStore {
  readonly trials = new Map<number, CurvesTrial>();
  /** metric → trial → points sorted by step. */
  readonly series = new Map<string, Map<number, SeriesData>>();
  metrics: string[] = [];
  direction: Direction = 'minimize';
  title = '';
  key = '';
  selected: number | null = null;
  /** Trials whose curves are drawn; recomputed by `updateDrawn`. */
  drawn = new Set<number>();
  best: number | null = null;

  reset(title: string, key: string, direction: Direction, metrics: readonly string[], trials: readonly CurvesTrial[]): void {
    this.title = title;
    this.key = key;
    this.direction = direction;
    this.metrics = [...metrics];
    this.trials.clear();
    this.series.clear();
    for (const t of trials) this.trials.set(t.number, t);
    this.updateDrawn();
  }

  upsertTrials(trials: readonly CurvesTrial[]): void {
    for (const t of trials) this.trials.set(t.number, t);
  }

  /**
   * Appends points; returns the metrics that changed and whether unknown trials appeared (they get a
   * placeholder record: points may arrive before the trial's own update).
   */
  addSeries(list: readonly CurvesSeries[]): { metrics: Set<string>; newTrials: boolean } {
    const changed = new Set<string>();
    let newTrials = false;
    for (const s of list) {
      if (!this.trials.has(s.trial)) {
        this.trials.set(s.trial, { number: s.trial, state: 'running', params: {}, value: null, durationMs: null });
        newTrials = true;
      }
      if (!this.metrics.includes(s.metric)) this.metrics.push(s.metric);
      let byTrial = this.series.get(s.metric);
      if (!byTrial) this.series.set(s.metric, (byTrial = new Map()));
      let data = byTrial.get(s.trial);
      if (!data) byTrial.set(s.trial, (data = new SeriesData()));
      data.append(s.steps, s.values);
      const cap = this.drawn.has(s.trial) ? DRAWN_POINTS : OTHER_POINTS;
      if (data.length > cap) data.thin(cap);
      changed.add(s.metric);
    }
    return { metrics: changed, newTrials };
  }

  /**
   * Picks the drawn trials and the best one. Returns true when the drawn set changed (the chart then
   * rebuilds its dataset list; otherwise it only redraws).
   */
  updateDrawn(): boolean {
    let best: CurvesTrial | null = null;
    const running: CurvesTrial[] = [];
    const finished: CurvesTrial[] = [];
    for (const t of this.trials.values()) {
      if (t.state === 'running') running.push(t);
      else if (t.state !== 'waiting') finished.push(t);
      if (t.state === 'complete' && t.value !== null && Number.isFinite(t.value) && (!best || isBetter(this.direction, t.value, best.value as number))) best = t;
    }
    this.best = best ? best.number : null;
    const score = (t: CurvesTrial) => (t.value !== null && Number.isFinite(t.value) ? (this.direction === 'minimize' ? t.value : -t.value) : Infinity);
    running.sort((a, b) => b.number - a.number);
    finished.sort((a, b) => score(a) - score(b) || a.number - b.number);
    const next = new Set<number>();
    for (const t of running.slice(0, MAX_RUNNING_DRAWN)) next.add(t.number);
    for (const t of finished) {
      if (next.size >= MAX_DRAWN) break;
      next.add(t.number);
    }
    if (this.selected !== null && this.trials.has(this.selected)) next.add(this.selected);
    const changed = next.size !== this.drawn.size || [...next].some(n => !this.drawn.has(n));
    if (changed) {
      // Trials leaving the drawn set give their detail back; the memory bound holds at any moment.
      for (const n of this.drawn) if (!next.has(n)) for (const byTrial of this.series.values()) byTrial.get(n)?.thin(OTHER_POINTS);
      this.drawn = next;
    }
    return changed;
  }

  /** Every point held, as CSV (trial, state, metric, step, value). */
  toCsv(): string {
    const lines = ['trial,state,metric,step,value'];
    const numbers = [...this.trials.keys()].sort((a, b) => a - b);
    for (const metric of this.metrics) {
      const byTrial = this.series.get(metric);
      if (!byTrial) continue;
      for (const n of numbers) {
        const data = byTrial.get(n);
        if (!data) continue;
        const prefix = `${n},${this.trials.get(n)?.state ?? ''},${csvCell(metric)},`;
        for (let i = 0; i < data.length; i++) lines.push(`${prefix}${data.xs[i]},${data.ys[i]}`);
      }
    }
    return lines.join('\n') + '\n';
  }
}

/** Quotes a text cell and defuses spreadsheet formulas (a metric named `=HYPERLINK(…)` stays text). */
export function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

