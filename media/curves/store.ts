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
import type { CurvesObjective, CurvesSeries, CurvesTrial } from '../../src/core/protocol/curves';
import type { Direction } from '../../src/core/search/types';
import { bestTrialNumber } from '../../src/core/analysis/history';
import { paretoData, type ParetoData } from '../../src/core/analysis/pareto';
import { CURVES_CSV_HEADER, csvCell } from '../../src/core/analysis/export';
import { SeriesData } from '../../src/core/analysis/series';

export { lttb, SeriesData, type XY } from '../../src/core/analysis/series';


/** Points kept per series of a drawn trial; beyond it the series is thinned 2:1 (the chart decimates further). */
export const DRAWN_POINTS = 20_000;
/** Points kept per series of a trial that is not drawn (enough for a sketch if it becomes drawn later). */
export const OTHER_POINTS = 32;
/** Trials drawn as curves at most: the running ones and the best finished ones, plus the selected one. */
export const MAX_DRAWN = 100;
export const MAX_RUNNING_DRAWN = 40;

/**
 * The `count` best trials by score (ties by number), without sorting all of them: this runs on every
 * frame in which trials change, and a 10,000-trial study would otherwise sort 10,000 records each time.
 */
function bestFinished(trials: readonly CurvesTrial[], score: (t: CurvesTrial) => number, count: number): CurvesTrial[] {
  if (count <= 0 || trials.length === 0) return [];
  const scores = Float64Array.from(trials, score);
  const cut = scores.slice().sort()[Math.min(count, scores.length) - 1];
  return trials.filter((_, i) => scores[i] <= cut).sort((a, b) => score(a) - score(b) || a.number - b.number).slice(0, count);
}

export class CurvesStore {
  readonly trials = new Map<number, CurvesTrial>();
  /** metric → trial → points sorted by step. */
  readonly series = new Map<string, Map<number, SeriesData>>();
  metrics: string[] = [];
  direction: Direction = 'minimize';
  /** Multi-objective studies: every objective in order; empty for one objective. */
  objectives: readonly CurvesObjective[] = [];
  title = '';
  key = '';
  selected: number | null = null;
  /** Trials whose curves are drawn; recomputed by `updateDrawn`. */
  drawn = new Set<number>();
  best: number | null = null;
  /** Bumped whenever trials change: the Pareto front below is cached against it. */
  private revision = 0;
  /** How many times the trials changed (tests compare the front's computations with it). */
  get changes(): number {
    return this.revision;
  }
  private frontCache: { revision: number; data: ParetoData; numbers: ReadonlySet<number> } | null = null;
  /** How many times the front was computed: once per change of the trials, however many ask (tests, benchmark). */
  frontComputations = 0;

  reset(title: string, key: string, direction: Direction, metrics: readonly string[], trials: readonly CurvesTrial[], objectives: readonly CurvesObjective[] = []): void {
    this.revision++;
    this.title = title;
    this.objectives = objectives;
    this.key = key;
    this.direction = direction;
    this.metrics = [...metrics];
    this.trials.clear();
    this.series.clear();
    for (const t of trials) this.trials.set(t.number, t);
    this.updateDrawn();
  }

  upsertTrials(trials: readonly CurvesTrial[]): void {
    this.revision++;
    for (const t of trials) this.trials.set(t.number, t);
  }

  /**
   * Several metrics: the scored trials and their Pareto front — what "best" means there (the first
   * metric's best is one end of the front, no more) — computed once per change of the trials and
   * shared by the status line, trial picker, tooltips and the Pareto, hypervolume and parallel
   * views; null for one metric. The same object until trials change, so views can key on it.
   */
  pareto(): ParetoData | null {
    return this.currentFront()?.data ?? null;
  }

  /** Numbers of the trials on the Pareto front (see `pareto`); null for one metric. */
  paretoFront(): ReadonlySet<number> | null {
    return this.currentFront()?.numbers ?? null;
  }

  private currentFront(): { data: ParetoData; numbers: ReadonlySet<number> } | null {
    if (this.objectives.length < 2) return null;
    if (this.frontCache?.revision !== this.revision) {
      const data = paretoData(this.trials.values(), this.objectives.map(o => o.direction));
      this.frontComputations++;
      this.frontCache = { revision: this.revision, data, numbers: new Set(data.front.map(i => data.scored[i].number)) };
    }
    return this.frontCache;
  }

  /** How the trial picker and tooltips tag a trial: "best", "Pareto front", or nothing. */
  standing(n: number): 'best' | 'front' | null {
    const front = this.paretoFront();
    if (front) return front.has(n) ? 'front' : null;
    return n === this.best ? 'best' : null;
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
    const running: CurvesTrial[] = [];
    const finished: CurvesTrial[] = [];
    // Only complete trials can be best: a pruned trial's value is its last intermediate one, not a final score.
    const complete: CurvesTrial[] = [];
    for (const t of this.trials.values()) {
      if (t.state === 'running') running.push(t);
      else if (t.state !== 'waiting') finished.push(t);
      if (t.state === 'complete') complete.push(t);
    }
    this.best = bestTrialNumber(complete, this.direction);
    const score = (t: CurvesTrial) => (t.value !== null && Number.isFinite(t.value) ? (this.direction === 'minimize' ? t.value : -t.value) : Infinity);
    running.sort((a, b) => b.number - a.number);
    const next = new Set<number>();
    for (const t of running.slice(0, MAX_RUNNING_DRAWN)) next.add(t.number);
    for (const t of bestFinished(finished, score, MAX_DRAWN - next.size)) next.add(t.number);
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
    const lines = [CURVES_CSV_HEADER];
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
