import * as assert from 'node:assert/strict';
import { MAX_TIMER_DELAY_MS, setLongTimeout, timerDelay, type TimerPort } from '../../../src/core/runner/timer';

/** A manual clock: timers fire when the test advances time past them, and every armed delay is recorded. */
function manualTimers() {
  let now = 0;
  let nextId = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const delays: number[] = [];
  const port: TimerPort = {
    now: () => now,
    setTimeout: (fn, ms) => {
      delays.push(ms);
      // What Node does with a delay it cannot hold: 1 ms (and a TimeoutOverflowWarning).
      const effective = ms > MAX_TIMER_DELAY_MS || ms < 1 ? 1 : ms;
      const id = nextId++;
      pending.set(id, { at: now + effective, fn });
      return id;
    },
    clearTimeout: id => void pending.delete(id as number),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const next = [...pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      pending.delete(next[0]);
      now = next[1].at;
      next[1].fn();
    }
    now = end;
  };
  return { port, advance, delays, pending };
}

const DAY = 86_400_000;

describe('runner / long timeouts (Node timers overflow at 2^31 ms)', () => {
  it('fires a 30-day timeout after 30 days, never earlier, arming no delay Node would cut to 1 ms', () => {
    const t = manualTimers();
    let fired = 0;
    setLongTimeout(() => fired++, 30 * DAY, { timers: t.port });
    t.advance(1);
    assert.equal(fired, 0, 'not after 1 ms');
    t.advance(30 * DAY - 2);
    assert.equal(fired, 0, 'not a millisecond early');
    t.advance(1);
    assert.equal(fired, 1);
    t.advance(365 * DAY);
    assert.equal(fired, 1, 'once');
    assert.ok(t.delays.every(d => d >= 0 && d <= MAX_TIMER_DELAY_MS), JSON.stringify(t.delays));
  });

  it('fires at exactly 2^31 ms and at short delays as a plain timer does', () => {
    for (const ms of [2 ** 31, 2 ** 31 - 1, 5, 0]) {
      const t = manualTimers();
      let at: number | undefined;
      setLongTimeout(() => (at = t.port.now()), ms, { timers: t.port });
      t.advance(ms + 10);
      assert.equal(at, Math.max(ms, 1), String(ms));
    }
  });

  it('clear() stops it, also between two pieces', () => {
    const t = manualTimers();
    let fired = 0;
    const timer = setLongTimeout(() => fired++, 60 * DAY, { timers: t.port });
    t.advance(40 * DAY);
    timer.clear();
    t.advance(40 * DAY);
    assert.equal(fired, 0);
    assert.equal(t.pending.size, 0);
  });

  it('Infinity never fires; NaN is refused', () => {
    const t = manualTimers();
    let fired = 0;
    setLongTimeout(() => fired++, Infinity, { timers: t.port });
    t.advance(1000 * DAY);
    assert.equal(fired, 0);
    assert.throws(() => setLongTimeout(() => undefined, NaN, { timers: t.port }), RangeError);
  });

  it('with the real timers: a timeout past 2^31 ms does not fire within the next tick', async () => {
    let fired = false;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const timer = setLongTimeout(() => (fired = true), 30 * DAY);
      await new Promise(resolve => setTimeout(resolve, 20));
      timer.clear();
    } finally {
      process.off('warning', onWarning);
    }
    assert.equal(fired, false);
    assert.ok(!warnings.includes('TimeoutOverflowWarning'), warnings.join());
  });

  it('timerDelay caps repeating delays to what Node takes', () => {
    assert.equal(timerDelay(250), 250);
    assert.equal(timerDelay(30 * DAY), MAX_TIMER_DELAY_MS);
    assert.equal(timerDelay(0), 1);
    assert.equal(timerDelay(Infinity), MAX_TIMER_DELAY_MS);
    assert.throws(() => timerDelay(NaN), RangeError);
  });
});
