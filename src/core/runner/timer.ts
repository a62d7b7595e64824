/**
 * Timers for durations that come from users (trial_timeout, heartbeat and poll settings). Node keeps a
 * timer's delay in a signed 32-bit integer: 2³¹ ms (24.8 days) or more silently becomes 1 ms — a
 * `trial_timeout: 30d` would stop every trial at once. Every such duration goes through here: a long
 * timeout is re-armed in pieces until it is due, a repeating delay is capped.
 */

/** The longest delay Node's timers take as is. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** The clock and timers a LongTimeout uses (the real ones unless a test passes its own). */
export interface TimerPort {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Lets the process exit while only this timer is pending. */
  unref?(handle: unknown): void;
}

const realTimers: TimerPort = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: handle => clearTimeout(handle as NodeJS.Timeout),
  unref: handle => (handle as NodeJS.Timeout).unref?.(),
};

export interface LongTimeout {
  clear(): void;
}

/**
 * Calls `fn` once, `ms` milliseconds from now, for any `ms` (Infinity: never). `unref`: the timer does
 * not keep the process alive.
 */
export function setLongTimeout(fn: () => void, ms: number, options: { unref?: boolean; timers?: TimerPort } = {}): LongTimeout {
  if (Number.isNaN(ms)) throw new RangeError('a timeout of NaN milliseconds');
  const timers = options.timers ?? realTimers;
  const due = timers.now() + Math.max(0, ms);
  let handle: unknown;
  let cleared = false;
  const arm = () => {
    if (cleared) return;
    const left = due - timers.now();
    handle = left > MAX_TIMER_DELAY_MS ? timers.setTimeout(arm, MAX_TIMER_DELAY_MS) : timers.setTimeout(fn, Math.max(0, left));
    if (options.unref) timers.unref?.(handle);
  };
  arm();
  return {
    clear() {
      cleared = true;
      timers.clearTimeout(handle);
    },
  };
}

/** A delay for a repeating timer or a single short wait: at least 1 ms, at most what Node takes. */
export function timerDelay(ms: number): number {
  if (Number.isNaN(ms)) throw new RangeError('a delay of NaN milliseconds');
  return Math.min(MAX_TIMER_DELAY_MS, Math.max(1, ms));
}
