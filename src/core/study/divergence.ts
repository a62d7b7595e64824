/**
 * Whether a trial's objective ended on NaN or ±Infinity. Such a trial diverged: it fails (as Optuna
 * fails a trial that returns NaN) instead of completing with its last finite value, which could make it
 * the best trial. A non-finite value in the middle that a later step recovers from does not count.
 *
 * Values arrive from several readers (stdout, metrics.csv, trainer_state.json, TensorBoard) in whatever
 * order they are polled, so "the end" is by step, not by arrival: an older step read late from a file
 * neither starts nor ends a divergence.
 */

export interface Divergence {
  /** The first non-finite value of the final run of them, and its step. */
  readonly value: number;
  readonly step: number;
}

export class DivergenceTracker {
  private lastFiniteStep = -Infinity;
  private current: Divergence | undefined;

  /** Folds in one report of the objective (finite steps only). */
  report(step: number, value: number): void {
    if (Number.isFinite(value)) {
      this.lastFiniteStep = Math.max(this.lastFiniteStep, step);
      // The same step again (a progress bar re-reporting it) or a later one: it recovered.
      if (this.current && step >= this.current.step) this.current = undefined;
    } else if (step >= this.lastFiniteStep && !this.current) {
      this.current = { value, step };
    }
  }

  /** The divergence the objective ends on, if it does. */
  get diverged(): Divergence | undefined {
    return this.current;
  }
}

/** `diverged: loss=nan at step 12` (Python's spellings: nan, inf, -inf). */
export function divergedMessage(metric: string, d: Divergence): string {
  return `diverged: ${metric}=${nonFiniteText(d.value)} at step ${d.step}`;
}

function nonFiniteText(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  return v > 0 ? 'inf' : '-inf';
}
