/**
 * Flapping guard: a program that fails right after it starts (syntax error, missing module, bad
 * flag) would otherwise burn the whole study budget in seconds. Like the W&B agent (3 failures in
 * the first 60 s stop it), the study loop pauses after `maxFailures` fast failures within a window
 * and shows the last stderr, so the user can fix the script and resume.
 *
 * Pure: no clock or I/O of its own; the caller passes when each trial ended.
 */
import type { TrialOutcome } from './types';

export interface FlappingGuardOptions {
  /** Fast failures that trigger a pause. Default 3. */
  readonly maxFailures?: number;
  /** A failure counts as fast when the trial ran at most this long. Default 60 000 ms. */
  readonly fastFailMs?: number;
  /** Only fast failures that ended within this span of the latest one count. Default 300 000 ms. */
  readonly windowMs?: number;
}

export type FlappingVerdict =
  | { readonly pause: false; readonly recentFailures: number }
  | {
      readonly pause: true;
      readonly recentFailures: number;
      /** stderr tail of the failure that tipped it over: what the user needs to see. */
      readonly stderrTail: string;
      /** One line for a notification. */
      readonly message: string;
    };

interface FastFailure {
  readonly endedAt: number;
  readonly stderrTail: string;
}

function positive(value: number | undefined, fallback: number, name: string, integer: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`FlappingGuard: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`);
  }
  return value;
}

/** Whether an outcome is a failure of the program itself (not a stop we asked for). */
export function isProgramFailure(outcome: TrialOutcome): boolean {
  if (outcome.stopReason !== undefined) return false;
  return outcome.error !== undefined || outcome.exitCode !== 0;
}

export class FlappingGuard {
  private readonly maxFailures: number;
  private readonly fastFailMs: number;
  private readonly windowMs: number;
  private failures: FastFailure[] = [];

  constructor(options: FlappingGuardOptions = {}) {
    this.maxFailures = positive(options.maxFailures, 3, 'maxFailures', true);
    this.fastFailMs = positive(options.fastFailMs, 60_000, 'fastFailMs', false);
    this.windowMs = positive(options.windowMs, 300_000, 'windowMs', false);
  }

  /**
   * Records a finished trial (`endedAt` in ms, any monotonic clock the caller uses consistently) and
   * says whether to pause. A success clears the history: the program evidently works, so a later burst
   * must reach `maxFailures` again. Trials the executor stopped (cancel, prune, timeout) and slow
   * failures neither count nor clear.
   */
  record(outcome: TrialOutcome, endedAt: number): FlappingVerdict {
    if (!Number.isFinite(endedAt)) throw new RangeError(`FlappingGuard.record: endedAt must be a finite number, got ${String(endedAt)}`);
    if (outcome.stopReason === undefined && outcome.error === undefined && outcome.exitCode === 0) {
      this.failures = [];
      return { pause: false, recentFailures: 0 };
    }
    if (isProgramFailure(outcome) && outcome.durationMs <= this.fastFailMs) {
      this.failures.push({ endedAt, stderrTail: outcome.error ? `${outcome.error}\n${outcome.stderrTail}`.trim() : outcome.stderrTail });
    }
    const latest = Math.max(endedAt, ...this.failures.map(f => f.endedAt));
    this.failures = this.failures.filter(f => latest - f.endedAt <= this.windowMs);
    const recentFailures = this.failures.length;
    if (recentFailures < this.maxFailures) return { pause: false, recentFailures };
    const last = this.failures[this.failures.length - 1];
    const seconds = Math.round(this.fastFailMs / 1000);
    return {
      pause: true,
      recentFailures,
      stderrTail: last.stderrTail,
      message: `Paused: ${recentFailures} trials failed within ${seconds} s of starting. Fix the program and resume. Last error: ${lastLine(last.stderrTail) || '(no output on stderr)'}`,
    };
  }

  /** Forget the failures (the user resumed the study). */
  reset(): void {
    this.failures = [];
  }

  get recentFailures(): number {
    return this.failures.length;
  }
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map(l => l.trim()).filter(Boolean);
  const line = lines[lines.length - 1] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
