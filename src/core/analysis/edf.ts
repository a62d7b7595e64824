/**
 * The empirical distribution function of the objective (as optuna-dashboard's EDF plot): for each value
 * x, the fraction of finished trials whose value is at most x. A steep rise early means most trials are
 * good; a long flat tail is the search spending trials in bad regions.
 */

export interface EdfPoint {
  readonly x: number;
  /** Fraction of values ≤ x, in (0, 1]. */
  readonly y: number;
}

/** One point per distinct finite value, ascending (ties collapse to their highest fraction). */
export function empiricalDistribution(values: ArrayLike<number>): EdfPoint[] {
  const sorted = Float64Array.from(values).filter(Number.isFinite).sort();
  const n = sorted.length;
  const out: EdfPoint[] = [];
  for (let i = 0; i < n; i++) {
    if (i + 1 < n && sorted[i + 1] === sorted[i]) continue;
    out.push({ x: sorted[i], y: (i + 1) / n });
  }
  return out;
}
