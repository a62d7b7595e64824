/**
 * What an lr-find is: a study of its own kind (`method: lr-find`, `pruner: {type: lr-find}`) that runs
 * one short trial per learning rate, at log-spaced rates across the range, and stops each trial as soon
 * as its metric stream has said enough. These are the names and defaults every part shares (the study
 * file, the sampler, the pruner, the analysis, the CLI and the editor).
 */
import type { Distribution, SearchSpace } from '../search/types';

/** `method:` and `pruner.type` of an lr-find study file; also the sampler name its journal records. */
export const LR_FIND = 'lr-find';

/** Learning rates tried when nothing says otherwise: about three per decade, at least 8, at most 16. */
export function defaultPoints(low: number, high: number): number {
  const decades = Math.log10(high / low);
  return Math.max(8, Math.min(16, Math.round(3 * decades) + 1));
}

/** Reports of the metric a trial may give before it is stopped (it stops sooner when it diverged or levelled off). */
export const DEFAULT_MAX_REPORTS = 10;

/** Study files of lr-finds are written next to their source as `<base>.lrfind.study.yaml`. */
export const LRFIND_FILE_SUFFIX = '.lrfind.study.yaml';

/** Widest range an lr-find spans (decades) when it has to pick one around a value. */
export const MAX_DECADES = 5;

/** Shortest readable form of a rate: 3 significant digits (0.000316, 0.0147, 2.15). */
export function tidyRate(x: number): number {
  return Number(x.toPrecision(3));
}

/** `points` log-spaced rates from low to high, both ends included (3 significant digits). */
export function logSpacedRates(low: number, high: number, points: number): number[] {
  if (!(low > 0) || !(high > low)) throw new Error(`an lr-find needs a range 0 < low < high, got ${low} … ${high}`);
  const n = Math.max(2, Math.floor(points));
  return Array.from({ length: n }, (_, i) => tidyRate(low * Math.pow(high / low, i / (n - 1))));
}

/** The one parameter an lr-find searches: a positive float range. Throws a message for the user otherwise. */
export function lrParameter(space: SearchSpace): { name: string; low: number; high: number } {
  const searched = space.params.filter(p => !(p.distribution.type === 'categorical' && p.distribution.choices.length <= 1));
  if (searched.length !== 1) {
    const names = searched.map(p => p.name).join(', ') || 'none';
    throw new Error(`an lr-find searches exactly one parameter (the learning rate); this study searches ${searched.length} (${names})`);
  }
  const p = searched[0];
  const d: Distribution = p.distribution;
  if (d.type === 'categorical' || !(d.low > 0) || !(d.high > d.low)) {
    throw new Error(`an lr-find needs a positive range for ${p.name} (min > 0, max > min), e.g. {distribution: log_uniform_values, min: 1e-5, max: 1}`);
  }
  return { name: p.name, low: d.low, high: d.high };
}
