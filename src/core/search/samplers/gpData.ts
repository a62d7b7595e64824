/**
 * What the GP learns from: finished trials as observations (pruned ones extrapolated), running
 * ones as constant liars, and — in long studies — a bounded training set, so a proposal costs the
 * same after 300 trials as after 100,000 (a GP fit is O(n³), a prediction O(n²)).
 */
import type { SpaceEncoder } from '../space';
import type { Steps } from '../slices';
import type { FrozenTrial, StudyView } from '../types';
import { isCompleteWithValue, lastIntermediate, minimizing } from './common';

/**
 * Most points the GP is fitted on (observations plus running trials). Up to this many the GP is
 * exact; beyond it it trains on the best half and an even spread of the rest (see `trainingSet`).
 * At 200 points a cold hyperparameter fit costs about a second of CPU, in slices.
 */
export const GP_MAX_OBSERVATIONS = 200;
/** Running trials that enter as constant liars (the newest); more would crowd out observations. */
export const GP_MAX_PENDING = 32;
/** Completed learning curves consulted to extrapolate a pruned trial (the newest). */
const MAX_CURVES_FOR_EXTRAPOLATION = 500;

export interface Observation {
  readonly x: Float64Array;
  readonly y: number;
}

export interface GpData {
  /** Every finished trial the model can learn from, in trial order. */
  readonly done: Observation[];
  /** Running (and unvalued pruned) trials, in trial order. */
  readonly pending: Float64Array[];
}

export type PrunedAs = 'extrapolate' | 'liar' | 'value';

/** Encoded params per trial snapshot (snapshots are immutable; a changed trial is a new object). */
const encodings = new WeakMap<FrozenTrial, { enc: SpaceEncoder; x: Float64Array }>();

function encoded(enc: SpaceEncoder, t: FrozenTrial): Float64Array {
  const hit = encodings.get(t);
  if (hit && hit.enc === enc) return hit.x;
  const x = enc.encode(t.params);
  encodings.set(t, { enc, x });
  return x;
}

/** Splits the history into observations and pending points; pauses every few thousand trials. */
export function* gpData(study: StudyView, enc: SpaceEncoder, prunedAs: PrunedAs): Steps<GpData> {
  const completeTrials = study.trials.filter(isCompleteWithValue);
  const sortedComplete = prunedAs === 'value' ? Float64Array.from(completeTrials, t => minimizing(study, t.value)).sort() : new Float64Array(0);
  yield;
  const extrapolate = extrapolator(study, completeTrials);
  const done: Observation[] = [];
  const pending: Float64Array[] = [];
  for (let i = 0; i < study.trials.length; i++) {
    if ((i & 4095) === 4095) yield;
    const t = study.trials[i];
    if (isCompleteWithValue(t)) done.push({ x: encoded(enc, t), y: minimizing(study, t.value) });
    else if (t.state === 'pruned') {
      const y = prunedAs === 'value' ? prunedValue(study, t, sortedComplete) : prunedAs === 'extrapolate' ? extrapolate(t) : undefined;
      if (y !== undefined) done.push({ x: encoded(enc, t), y });
      else pending.push(encoded(enc, t));
    } else if ((t.state === 'running' || t.state === 'waiting') && Object.keys(t.params).length > 0) pending.push(encoded(enc, t));
  }
  return { done, pending };
}

/**
 * The points the model is fitted on: everything while it fits in `max`; beyond, the newest
 * GP_MAX_PENDING pending points and, of the finished trials, the best half of the room (where the
 * next point most likely lies, and what EI is measured against), the newest quarter (what the
 * search just tried: without them the model keeps proposing the same neighbourhood) and the rest
 * spread evenly over the remaining trials (so the model still knows the explored space).
 */
export function* trainingSet(data: GpData, max = GP_MAX_OBSERVATIONS): Steps<GpData> {
  const pending = data.pending.length > GP_MAX_PENDING ? data.pending.slice(-GP_MAX_PENDING) : data.pending;
  const room = max - pending.length;
  const { done } = data;
  if (done.length <= room) return { done, pending };
  const keep = new Uint8Array(done.length);
  const nBest = Math.ceil(room / 2);
  // The nBest-th smallest value by a native typed-array sort (a comparator sort of 100,000
  // indices stalls for a tenth of a second), then ties in trial order.
  const ys = new Float64Array(done.length);
  for (let i = 0; i < done.length; i++) ys[i] = done[i].y;
  const threshold = Float64Array.from(ys).sort()[nBest - 1];
  yield;
  let taken = 0;
  for (let i = 0; i < done.length; i++) {
    if (ys[i] < threshold) {
      keep[i] = 1;
      taken++;
    }
  }
  for (let i = 0; i < done.length && taken < nBest; i++) {
    if (ys[i] === threshold) {
      keep[i] = 1;
      taken++;
    }
  }
  for (let i = done.length - 1, recent = Math.floor(room / 4); i >= 0 && recent > 0; i--) {
    if (keep[i]) continue;
    keep[i] = 1;
    taken++;
    recent--;
  }
  const rest: number[] = [];
  for (let i = 0; i < done.length; i++) if (!keep[i]) rest.push(i);
  const nSpread = room - taken;
  for (let j = 0; j < nSpread; j++) keep[rest[nSpread === 1 ? rest.length - 1 : Math.round((j * (rest.length - 1)) / (nSpread - 1))]] = 1;
  yield;
  return { done: done.filter((_, i) => keep[i] === 1), pending };
}

function prunedValue(study: StudyView, t: FrozenTrial, sortedComplete: Float64Array): number | undefined {
  const last = lastIntermediate(t);
  if (!last) return undefined;
  const v = minimizing(study, last.value);
  if (sortedComplete.length === 0) return v;
  // A pruned trial lost at some rung: treat it as at least median-bad, at most the worst seen.
  const median = sortedComplete[Math.floor((sortedComplete.length - 1) / 2)];
  return Math.min(sortedComplete[sortedComplete.length - 1], Math.max(median, v));
}

/**
 * Last value of a pruned trial shifted by the median (final − value at that step) of completed
 * trials, from the newest MAX_CURVES_FOR_EXTRAPOLATION curves, one median per step (cached): linear
 * in the study size where a scan of every curve per pruned trial was quadratic.
 */
function extrapolator(study: StudyView, complete: readonly (FrozenTrial & { value: number })[]): (t: FrozenTrial) => number | undefined {
  const curves = complete.length > MAX_CURVES_FOR_EXTRAPOLATION ? complete.slice(-MAX_CURVES_FOR_EXTRAPOLATION) : complete;
  const medianDelta = new Map<number, number | undefined>();
  const deltaAt = (step: number): number | undefined => {
    if (medianDelta.has(step)) return medianDelta.get(step);
    const deltas: number[] = [];
    for (const c of curves) {
      const at = c.intermediate.get(step);
      if (at !== undefined && Number.isFinite(at)) deltas.push(minimizing(study, c.value) - minimizing(study, at));
    }
    deltas.sort((a, b) => a - b);
    // Too few completed curves to say how much a run still improves: treat it as pending instead.
    const d = deltas.length < 3 ? undefined : deltas[Math.floor((deltas.length - 1) / 2)];
    medianDelta.set(step, d);
    return d;
  };
  return t => {
    const last = lastIntermediate(t);
    if (!last) return undefined;
    const d = deltaAt(last.step);
    return d === undefined ? undefined : minimizing(study, last.value) + d;
  };
}
