/**
 * Messages between the extension and the curves panel webview, plus the data-source port the panel
 * consumes. Both ends import this file: the types keep them in step at compile time, the checks at
 * run time. Pure types and validators: no `vscode`, no DOM.
 *
 * Points travel column-wise (`{trial, metric, steps[], values[]}`, many series per message) rather than
 * one object per point: a 100×10,000 study is a million points, and a million small objects cost far
 * more to clone, validate and store than a few hundred number arrays.
 */
import type { Direction, ParamValue, TrialState } from '../search/types';
import { arr, int, lit, nullable, num, numOrNaN, obj, oneOf, optional, params as paramsCheck, ProtocolError, str, union, type Check } from './validate';

/** Caps: a message beyond them is dropped whole (and logged), never partially applied. */
export const CURVES_LIMITS = {
  /** Trials in one `reset` or `trials` message (a 10,000-trial study fits with room to spare). */
  trials: 100_000,
  /** Total points in one `points` message, summed over its series. */
  pointsPerMessage: 250_000,
  /** Series (trial × metric) in one `points` message. */
  seriesPerMessage: 20_000,
  metrics: 200,
  paramsPerTrial: 200,
  nameLength: 200,
  titleLength: 500,
  paramStringLength: 1_000,
  /** A CSV export of everything the webview holds; PNG data URLs of a large canvas. */
  exportBytes: 64 * 1024 * 1024,
  logLength: 4_000,
} as const;

export interface CurvesTrial {
  readonly number: number;
  readonly state: TrialState;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Objective value (complete trials; last reported value of pruned ones); null when unknown. */
  readonly value: number | null;
  /** Wall-clock duration in milliseconds, null while unknown. */
  readonly durationMs: number | null;
  /** When the trial started, ms since the epoch (the timeline view); absent when the source does not know. */
  readonly startMs?: number;
  /** Multi-objective studies: every objective's value of a complete trial, in the study's order. */
  readonly values?: readonly number[];
}

/** One objective of a multi-objective study (the Pareto view's axes). */
export interface CurvesObjective {
  readonly name: string;
  readonly direction: Direction;
}

/**
 * Numbers as a plain array or a Float64Array. The host sends Float64Arrays: VS Code (1.57+) moves typed
 * arrays to a webview as binary and revives them, where a plain array is serialised number by number.
 */
export type NumberColumn = readonly number[] | Float64Array;

/** One trial's points of one metric, in arrival order (steps usually ascending). */
export interface CurvesSeries {
  readonly trial: number;
  readonly metric: string;
  readonly steps: NumberColumn;
  /** NaN and ±Infinity are allowed: a diverged loss is data worth showing. */
  readonly values: NumberColumn;
}

export interface CurvesSnapshot {
  readonly title: string;
  readonly direction: Direction;
  /** Multi-objective studies: every objective in order (absent for one objective). */
  readonly objectives?: readonly CurvesObjective[];
  /** Metric names the trials report (intermediate values, `loss`, `val_acc`…). */
  readonly metrics: readonly string[];
  /** The metric shown first; null lets the webview choose (the first one). */
  readonly metric: string | null;
  readonly trials: readonly CurvesTrial[];
  readonly series: readonly CurvesSeries[];
}

/** What changed since the snapshot (or the last delta). New metric names may arrive with points. */
export interface CurvesDelta {
  readonly trials?: readonly CurvesTrial[];
  readonly series?: readonly CurvesSeries[];
  /**
   * Trials went away (a deleted study or run, a rewritten journal): drop everything and take a fresh
   * snapshot instead of applying this delta.
   */
  readonly reset?: boolean;
}

export interface CurvesDisposable {
  dispose(): void;
}

/**
 * The port the curves panel reads from: the lead implements it over a study journal and over run
 * files (TensorBoard dir, metrics.csv, trainer_state.json, Optuna journal).
 */
export interface CurvesSource {
  readonly title: string;
  /** Persisted in the webview state so the panel serializer can find the source again after reload. */
  readonly key: string;
  snapshot(): CurvesSnapshot;
  onDidChange(listener: (delta: CurvesDelta) => void): CurvesDisposable;
}

export type HostToCurves =
  | { type: 'reset'; title: string; key: string; direction: Direction; objectives?: CurvesObjective[]; metrics: string[]; metric: string | null; trials: CurvesTrial[] }
  | { type: 'points'; series: CurvesSeries[] }
  /** Upserts by trial number (state, value, params, duration). */
  | { type: 'trials'; trials: CurvesTrial[] }
  /** Highlight a trial (null clears the selection). */
  | { type: 'select'; trial: number | null };

export type CurvesTab = 'curves' | 'history' | 'parallel' | 'importance' | 'slice' | 'contour' | 'timeline' | 'edf' | 'pareto' | 'hypervolume';
export const CURVES_TABS: readonly CurvesTab[] = ['curves', 'history', 'parallel', 'importance', 'slice', 'contour', 'timeline', 'edf', 'pareto', 'hypervolume'];

export type CurvesToHost =
  | { type: 'ready' }
  | { type: 'selectTrial'; number: number }
  | { type: 'exportCsv'; csv: string }
  | { type: 'exportPng'; dataUrl: string; tab: CurvesTab }
  | { type: 'setMetric'; metric: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

const trialState = oneOf<TrialState>('waiting', 'running', 'complete', 'pruned', 'fail');
const direction = oneOf<Direction>('minimize', 'maximize');
const name = str(CURVES_LIMITS.nameLength);

/** Param values are primitives only (no nested objects): they end up as axis labels and CSV cells. */
const params = paramsCheck({ maxKeys: CURVES_LIMITS.paramsPerTrial, maxString: CURVES_LIMITS.paramStringLength, maxName: CURVES_LIMITS.nameLength, nonFinite: true });

// The value may be NaN or ±Infinity (structured clone keeps them): a diverged trial is worth showing.
export const curvesTrial: Check<CurvesTrial> = obj({ number: int, state: trialState, params, value: nullable(numOrNaN), durationMs: nullable(num), startMs: optional(num), values: optional(arr(numOrNaN, 32)) });
const objectives = optional(arr(obj({ name, direction }), 32));

/**
 * Number arrays are checked in a tight loop (no per-element closures or path strings): a points
 * message may carry a quarter of a million values. `budget` counts points across the whole message.
 */
function numbers(v: unknown, p: string, budget: { left: number }, allowNonFinite: boolean): NumberColumn {
  if (v instanceof Float64Array) {
    budget.left -= v.length;
    if (budget.left < 0) throw new ProtocolError(`${p}: message carries more than ${CURVES_LIMITS.pointsPerMessage} points`);
    if (!allowNonFinite) for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) throw new ProtocolError(`${p}[${i}]: expected finite number`);
    return v;
  }
  if (!Array.isArray(v)) throw new ProtocolError(`${p}: expected array or Float64Array`);
  budget.left -= v.length;
  if (budget.left < 0) throw new ProtocolError(`${p}: message carries more than ${CURVES_LIMITS.pointsPerMessage} points`);
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number' || (!allowNonFinite && !Number.isFinite(x))) throw new ProtocolError(`${p}[${i}]: expected ${allowNonFinite ? 'number' : 'finite number'}`);
  }
  return v as number[];
}

const seriesList: Check<CurvesSeries[]> = (v, p) => {
  if (!Array.isArray(v) || v.length > CURVES_LIMITS.seriesPerMessage) throw new ProtocolError(`${p}: expected array of at most ${CURVES_LIMITS.seriesPerMessage} series`);
  const budget = { left: CURVES_LIMITS.pointsPerMessage };
  return v.map((s: unknown, i): CurvesSeries => {
    const at = `${p}[${i}]`;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new ProtocolError(`${at}: expected object`);
    const o = s as Record<string, unknown>;
    for (const key of Object.keys(o)) if (key !== 'trial' && key !== 'metric' && key !== 'steps' && key !== 'values') throw new ProtocolError(`${at}.${key}: unexpected field`);
    const steps = numbers(o.steps, `${at}.steps`, budget, false);
    const values = numbers(o.values, `${at}.values`, { left: Number.MAX_SAFE_INTEGER }, true);
    if (steps.length !== values.length) throw new ProtocolError(`${at}: ${steps.length} steps but ${values.length} values`);
    return { trial: int(o.trial, `${at}.trial`), metric: name(o.metric, `${at}.metric`), steps, values };
  });
};

export const hostToCurves: Check<HostToCurves> = union<HostToCurves>({
  reset: obj({
    type: lit('reset'),
    title: str(CURVES_LIMITS.titleLength),
    key: str(4096),
    direction,
    objectives,
    metrics: arr(name, CURVES_LIMITS.metrics),
    metric: nullable(name),
    trials: arr(curvesTrial, CURVES_LIMITS.trials),
  }) as Check<Extract<HostToCurves, { type: 'reset' }>>,
  points: obj({ type: lit('points'), series: seriesList }),
  trials: obj({ type: lit('trials'), trials: arr(curvesTrial, CURVES_LIMITS.trials) }) as Check<Extract<HostToCurves, { type: 'trials' }>>,
  select: obj({ type: lit('select'), trial: nullable(int) }),
});

export const curvesToHost: Check<CurvesToHost> = union<CurvesToHost>({
  ready: obj({ type: lit('ready') }),
  selectTrial: obj({ type: lit('selectTrial'), number: int }),
  exportCsv: obj({ type: lit('exportCsv'), csv: str(CURVES_LIMITS.exportBytes) }),
  exportPng: obj({
    type: lit('exportPng'),
    dataUrl: (v, p) => {
      const s = str(CURVES_LIMITS.exportBytes)(v, p);
      // Only a PNG data URL: the host decodes it and writes the bytes, nothing else is accepted.
      if (!/^data:image\/png;base64,[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new ProtocolError(`${p}: expected a data:image/png;base64 URL`);
      return s;
    },
    tab: oneOf<CurvesTab>(...CURVES_TABS),
  }),
  setMetric: obj({ type: lit('setMetric'), metric: name }),
  log: obj({ type: lit('log'), level: oneOf('info', 'warn', 'error'), message: str(CURVES_LIMITS.logLength) }),
});

/**
 * Validates a message for (or from) the curves panel. Unlike the generic `parseMessage`, the size is
 * bounded by the validators' caps (points, trials, string lengths) instead of a JSON.stringify of the
 * payload: stringifying a quarter-million points on every message would cost more than drawing them.
 * The export messages have their own byte caps on the one big string they carry.
 */
export function parseCurvesMessage<M>(check: Check<M>, raw: unknown): { ok: true; message: M } | { ok: false; error: string } {
  try {
    return { ok: true, message: check(raw, '') };
  } catch (err) {
    if (err instanceof ProtocolError) return { ok: false, error: err.message };
    // A hostile object (getter that throws, cyclic structure) must not take down the receiver.
    return { ok: false, error: `malformed message: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Splits series into `points` messages that each stay under the per-message caps. */
export function batchSeries(series: readonly CurvesSeries[], maxPoints: number = CURVES_LIMITS.pointsPerMessage): Extract<HostToCurves, { type: 'points' }>[] {
  const messages: Extract<HostToCurves, { type: 'points' }>[] = [];
  let current: CurvesSeries[] = [];
  let points = 0;
  const flush = () => {
    if (current.length) messages.push({ type: 'points', series: current });
    current = [];
    points = 0;
  };
  for (const s of series) {
    // A series longer than one message is cut into consecutive chunks (same trial and metric).
    for (let start = 0; start < s.steps.length; start += maxPoints) {
      const end = Math.min(s.steps.length, start + maxPoints);
      if (points + (end - start) > maxPoints || current.length >= CURVES_LIMITS.seriesPerMessage) flush();
      current.push(start === 0 && end === s.steps.length ? s : { trial: s.trial, metric: s.metric, steps: s.steps.slice(start, end), values: s.values.slice(start, end) });
      points += end - start;
    }
  }
  flush();
  return messages;
}

/** Copies a series' columns into Float64Arrays: VS Code moves typed arrays to a webview as binary. */
function asFloat64(series: CurvesSeries): CurvesSeries {
  return {
    trial: series.trial,
    metric: series.metric,
    steps: series.steps instanceof Float64Array ? series.steps : Float64Array.from(series.steps),
    values: series.values instanceof Float64Array ? series.values : Float64Array.from(series.values),
  };
}

/**
 * The messages that replay a snapshot: `reset`, then the points in batches. The metric the user
 * chose in the panel (`preferredMetric`) wins over the snapshot's default while it still exists.
 */
export function snapshotMessages(snapshot: CurvesSnapshot, key: string, preferredMetric: string | null = null, maxPoints: number = CURVES_LIMITS.pointsPerMessage): HostToCurves[] {
  const metric = preferredMetric !== null && snapshot.metrics.includes(preferredMetric) ? preferredMetric : snapshot.metric;
  const reset: HostToCurves = { type: 'reset', title: snapshot.title, key, direction: snapshot.direction, ...(snapshot.objectives ? { objectives: [...snapshot.objectives] } : {}), metrics: [...snapshot.metrics], metric, trials: [...snapshot.trials] };
  return [reset, ...batchSeries(snapshot.series, maxPoints).map(m => ({ type: 'points' as const, series: m.series.map(asFloat64) }))];
}

/**
 * Coalesces deltas between flushes (the panel flushes at ~10 Hz): trial updates collapse to the
 * latest record per trial, points of one trial and metric are concatenated in arrival order.
 */
export class CurvesDeltaBuffer {
  private trials = new Map<number, CurvesTrial>();
  private series = new Map<string, { trial: number; metric: string; steps: number[]; values: number[] }>();

  get empty(): boolean {
    return this.trials.size === 0 && this.series.size === 0;
  }

  add(delta: CurvesDelta): void {
    for (const t of delta.trials ?? []) this.trials.set(t.number, t);
    for (const s of delta.series ?? []) {
      const key = `${s.trial}\u0000${s.metric}`;
      let pending = this.series.get(key);
      if (!pending) this.series.set(key, (pending = { trial: s.trial, metric: s.metric, steps: [], values: [] }));
      for (let i = 0; i < s.steps.length; i++) {
        pending.steps.push(s.steps[i]);
        pending.values.push(s.values[i]);
      }
    }
  }

  clear(): void {
    this.trials = new Map();
    this.series = new Map();
  }

  /** The messages for everything buffered (trials first, so new trials exist before their points), then empties. */
  take(maxPoints: number = CURVES_LIMITS.pointsPerMessage): HostToCurves[] {
    const messages: HostToCurves[] = [];
    if (this.trials.size) messages.push({ type: 'trials', trials: [...this.trials.values()] });
    for (const m of batchSeries([...this.series.values()], maxPoints)) messages.push({ type: 'points', series: m.series.map(asFloat64) });
    this.clear();
    return messages;
  }
}
