/**
 * The timeline of a study: each trial a bar from its start to its end, packed into as few rows
 * ("slots") as were busy at once — with 4 parallel workers, 4 rows. Gaps in a row are idle workers;
 * the colours show where trials were pruned or failed.
 */
import type { TrialState } from '../search/types';

export interface TimelineTrial {
  readonly number: number;
  readonly state: TrialState;
  /** Start, ms since the epoch; trials without one (never started) are left out. */
  readonly startMs?: number;
  readonly durationMs: number | null;
}

export interface TimelineBar {
  readonly number: number;
  readonly state: TrialState;
  readonly slot: number;
  readonly start: number;
  readonly end: number;
}

export interface Timeline {
  /** Sorted by start, then trial number. */
  readonly bars: readonly TimelineBar[];
  readonly slots: number;
  /** Earliest start and latest end (ms since the epoch); 0 when there is no bar. */
  readonly start: number;
  readonly end: number;
  /** Busy time over slots × wall time, in [0, 1]: how well the parallel workers were used. */
  readonly utilisation: number;
  /** Trials without a start time (waiting, or from a source that does not record it). */
  readonly unplaced: number;
}

/**
 * Packs trials into slots (interval partitioning): in start order, each trial takes the lowest slot
 * that is free by its start, so a study that ran with N workers gets N rows. Running trials end `now`.
 */
export function packTimeline(trials: readonly TimelineTrial[], now: number): Timeline {
  const bars: { number: number; state: TrialState; slot: number; start: number; end: number }[] = [];
  let unplaced = 0;
  for (const t of trials) {
    if (t.startMs === undefined || !Number.isFinite(t.startMs) || t.state === 'waiting') {
      unplaced++;
      continue;
    }
    const end = t.durationMs !== null && Number.isFinite(t.durationMs) ? t.startMs + Math.max(0, t.durationMs) : t.state === 'running' ? Math.max(t.startMs, now) : t.startMs;
    bars.push({ number: t.number, state: t.state, slot: 0, start: t.startMs, end });
  }
  bars.sort((a, b) => a.start - b.start || a.number - b.number);
  // When each slot frees up. A linear scan for the lowest free slot: studies run tens of workers, not thousands.
  const freeAt: number[] = [];
  let busyTime = 0;
  let start = Infinity;
  let end = -Infinity;
  for (const bar of bars) {
    let slot = 0;
    while (slot < freeAt.length && freeAt[slot] > bar.start) slot++;
    freeAt[slot] = bar.end;
    bar.slot = slot;
    busyTime += bar.end - bar.start;
    if (bar.start < start) start = bar.start;
    if (bar.end > end) end = bar.end;
  }
  const slots = freeAt.length;
  if (!bars.length) return { bars, slots: 0, start: 0, end: 0, utilisation: 0, unplaced };
  const wall = end - start;
  return { bars, slots, start, end, utilisation: wall > 0 ? busyTime / (slots * wall) : 1, unplaced };
}

/**
 * The "now" running trials extend to. The wall clock while the study is alive; but a study that
 * crashed days ago still lists its trials as running, and stretching them to today would squash every
 * other bar. So running bars stop at the last recorded event plus the longest finished trial's duration.
 */
export function timelineNow(trials: readonly TimelineTrial[], wallClock: number): number {
  let lastEvent = -Infinity;
  let longest = 0;
  let finished = 0;
  for (const t of trials) {
    if (t.startMs === undefined || !Number.isFinite(t.startMs)) continue;
    lastEvent = Math.max(lastEvent, t.startMs);
    if (t.durationMs !== null && Number.isFinite(t.durationMs)) {
      lastEvent = Math.max(lastEvent, t.startMs + t.durationMs);
      longest = Math.max(longest, t.durationMs);
      finished++;
    }
  }
  if (!Number.isFinite(lastEvent) || finished === 0) return wallClock;
  return Math.min(wallClock, lastEvent + longest);
}

const TIME_STEPS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000];

/** Elapsed-time ticks (ms from 0) at round steps — seconds, minutes, hours — at most about maxCount. */
export function timeTicks(spanMs: number, maxCount = 8): number[] {
  if (!(spanMs > 0)) return [0];
  const raw = spanMs / Math.max(1, maxCount - 1);
  let step = TIME_STEPS_MS.find(s => s >= raw);
  if (step === undefined) step = Math.ceil(raw / 86_400_000) * 86_400_000;
  const out: number[] = [];
  for (let t = 0; t <= spanMs + 1e-9; t += step) out.push(t);
  return out;
}

/** "0", "250 ms", "30 s", "1 min 30 s", "2 h", "1 h 30 min", "2 d". */
export function formatElapsed(ms: number): string {
  if (ms === 0) return '0';
  const a = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (a < 1_000) return `${sign}${Number(a.toPrecision(3))} ms`;
  if (a < 60_000) return `${sign}${Number((a / 1_000).toPrecision(3))} s`;
  const parts = (big: number, bigUnit: string, small: number, smallUnit: string) => {
    const whole = Math.floor(a / big);
    const rest = Math.round((a - whole * big) / small);
    return rest ? `${sign}${whole} ${bigUnit} ${rest} ${smallUnit}` : `${sign}${whole} ${bigUnit}`;
  };
  if (a < 3_600_000) return parts(60_000, 'min', 1_000, 's');
  if (a < 86_400_000) return parts(3_600_000, 'h', 60_000, 'min');
  return parts(86_400_000, 'd', 3_600_000, 'h');
}
