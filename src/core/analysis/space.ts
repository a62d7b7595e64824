/**
 * The parameter space as the analysis sees it, inferred from the trials themselves: the curves panel
 * also shows studies we did not run (an Optuna journal, a folder of runs), so there is no declared
 * search space to rely on. Numbers become numeric axes (log-scaled when they span two decades or more
 * and stay positive, as learning rates do), anything else becomes a categorical axis.
 */
import type { ParamValue } from '../search/types';

/** The part of a trial the analysis needs: what it tried and what it scored. */
export interface AnalysedTrial {
  readonly number: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The objective value; only finite values are analysed. */
  readonly value: number | null | undefined;
}

export type ParamAxis =
  | { readonly name: string; readonly kind: 'numeric'; readonly min: number; readonly max: number; readonly log: boolean; readonly missing: boolean }
  | { readonly name: string; readonly kind: 'categorical'; readonly categories: readonly string[]; readonly missing: boolean };

/** Label of a missing (absent, null or non-finite) value on a categorical axis. */
export const MISSING_LABEL = '(missing)';

/** How a param value reads on an axis and in tooltips; strings stay verbatim (they are drawn as text). */
export function formatParam(value: ParamValue | undefined): string {
  if (value === undefined || value === null) return MISSING_LABEL;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
  return String(value);
}

function isNumber(v: ParamValue | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Trials with a finite objective value, the only ones the importance, slice and contour plots use. */
export function scoredTrials<T extends AnalysedTrial>(trials: readonly T[]): (T & { value: number })[] {
  return trials.filter((t): t is T & { value: number } => typeof t.value === 'number' && Number.isFinite(t.value));
}

/**
 * One axis per param name seen in any trial, sorted by name for a stable layout. A param is numeric
 * when every present value is a finite number; a mix (e.g. `"auto"` or `0.1`) makes it categorical.
 */
export function inferAxes(trials: readonly AnalysedTrial[]): ParamAxis[] {
  const names = new Set<string>();
  for (const t of trials) for (const k in t.params) names.add(k);
  const axes: ParamAxis[] = [];
  for (const name of [...names].sort()) {
    let numeric = true;
    let missing = false;
    let min = Infinity;
    let max = -Infinity;
    for (const t of trials) {
      const v = t.params[name];
      if (v === undefined || v === null || (typeof v === 'number' && !Number.isFinite(v))) missing = true;
      else if (typeof v === 'number') {
        if (v < min) min = v;
        if (v > max) max = v;
      } else numeric = false;
    }
    if (numeric && min <= max) {
      axes.push({ name, kind: 'numeric', min, max, log: min > 0 && max / min >= 100, missing });
      continue;
    }
    // Labels only for categorical axes: formatting every value of a 10,000-trial study's numeric axes costs more than the rest.
    const labels = new Set<string>();
    for (const t of trials) {
      const v = t.params[name];
      if (!(v === undefined || v === null || (typeof v === 'number' && !Number.isFinite(v)))) labels.add(formatParam(v));
    }
    const categories = [...labels].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    if (missing) categories.push(MISSING_LABEL);
    axes.push({ name, kind: 'categorical', categories, missing });
  }
  return axes;
}

/**
 * Position of a value on an axis in [0, 1] (parallel coordinates, contour grids); null when the value
 * is missing on a numeric axis. Categories sit at evenly spaced positions.
 */
export function normalise(axis: ParamAxis, value: ParamValue | undefined): number | null {
  if (axis.kind === 'categorical') {
    const label = value === undefined || value === null || (typeof value === 'number' && !Number.isFinite(value)) ? MISSING_LABEL : formatParam(value);
    const i = axis.categories.indexOf(label);
    if (i < 0) return null;
    return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
  }
  if (!isNumber(value)) return null;
  if (axis.max === axis.min) return 0.5;
  if (axis.log) return (Math.log(value) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min));
  return (value - axis.min) / (axis.max - axis.min);
}

/** Inverse of `normalise` for numeric axes (grid positions back to param values). */
export function denormalise(axis: Extract<ParamAxis, { kind: 'numeric' }>, t: number): number {
  if (axis.max === axis.min) return axis.min;
  if (axis.log) return Math.exp(Math.log(axis.min) + t * (Math.log(axis.max) - Math.log(axis.min)));
  return axis.min + t * (axis.max - axis.min);
}

/** Which of two objective values is better: the study's own rule (core/study/summary). */
export { isBetter } from '../study/summary';
