import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatElapsed, packTimeline, timelineNow, timeTicks, type TimelineTrial } from '../../../src/core/analysis/timeline';

const SEED = 7;

describe('packTimeline', () => {
  it('puts a study that ran two at a time on two rows, reusing a slot the moment it frees', () => {
    const trials: TimelineTrial[] = [
      { number: 0, state: 'complete', startMs: 1000, durationMs: 400 },
      { number: 1, state: 'pruned', startMs: 1000, durationMs: 100 },
      { number: 2, state: 'complete', startMs: 1100, durationMs: 500 },
      { number: 3, state: 'fail', startMs: 1400, durationMs: 50 },
      { number: 4, state: 'running', startMs: 1600, durationMs: null },
      { number: 5, state: 'waiting', durationMs: null },
    ];
    const t = packTimeline(trials, 2000);
    assert.equal(t.slots, 2);
    assert.deepEqual(t.bars.map(b => [b.number, b.slot, b.start, b.end]), [
      [0, 0, 1000, 1400],
      [1, 1, 1000, 1100],
      [2, 1, 1100, 1600],
      [3, 0, 1400, 1450],
      [4, 0, 1600, 2000],
    ]);
    assert.equal(t.unplaced, 1);
    assert.equal(t.start, 1000);
    assert.equal(t.end, 2000);
    // Busy 400+100+500+50+400 = 1450 ms of 2 slots × 1000 ms.
    assert.equal(t.utilisation, 0.725);
  });

  it('copes with nothing placed and zero-length trials', () => {
    assert.deepEqual(packTimeline([], 0), { bars: [], slots: 0, start: 0, end: 0, utilisation: 0, unplaced: 0 });
    const t = packTimeline([{ number: 0, state: 'fail', startMs: 5, durationMs: null }], 10);
    assert.deepEqual(t.bars.map(b => [b.start, b.end]), [[5, 5]]);
    assert.equal(t.utilisation, 1);
  });

  it('property: bars in one slot never overlap, and slots = the most trials running at once', () => {
    const trial = fc.record({ start: fc.integer({ min: 0, max: 10_000 }), duration: fc.integer({ min: 0, max: 3_000 }) });
    fc.assert(fc.property(fc.array(trial, { maxLength: 80 }), list => {
      const t = packTimeline(list.map((x, i) => ({ number: i, state: 'complete' as const, startMs: x.start, durationMs: x.duration })), 0);
      const bySlot = new Map<number, { start: number; end: number }[]>();
      for (const b of t.bars) bySlot.set(b.slot, [...(bySlot.get(b.slot) ?? []), b]);
      for (const bars of bySlot.values()) for (let i = 1; i < bars.length; i++) assert.ok(bars[i].start >= bars[i - 1].end);
      // Most intervals [start, end) alive at one instant (zero-length ones count at their start).
      let most = 0;
      for (const b of t.bars) most = Math.max(most, t.bars.filter(o => o.start <= b.start && (o.end > b.start || (o.end === o.start && o.start === b.start))).length);
      assert.equal(t.slots, most);
    }), { seed: SEED, numRuns: 300 });
  });
});

describe('timelineNow', () => {
  it('runs running trials to the wall clock while the study lives, not days past a crash', () => {
    const trials: TimelineTrial[] = [
      { number: 0, state: 'complete', startMs: 0, durationMs: 1000 },
      { number: 1, state: 'running', startMs: 1000, durationMs: null },
    ];
    assert.equal(timelineNow(trials, 1500), 1500);
    // Last event at 1000, longest finished trial 1000 ms: a running trial is drawn to 2000 at most.
    assert.equal(timelineNow(trials, 5 * 86_400_000), 2000);
    assert.equal(timelineNow([{ number: 0, state: 'running', startMs: 10, durationMs: null }], 99), 99);
  });
});

describe('timeTicks and formatElapsed', () => {
  it('steps through round seconds, minutes and hours', () => {
    assert.deepEqual(timeTicks(60_000, 7), [0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    assert.deepEqual(timeTicks(3 * 3_600_000, 4), [0, 3_600_000, 7_200_000, 10_800_000]);
    assert.deepEqual(timeTicks(0), [0]);
  });

  it('reads like a duration', () => {
    assert.equal(formatElapsed(0), '0');
    assert.equal(formatElapsed(250), '250 ms');
    assert.equal(formatElapsed(30_000), '30 s');
    assert.equal(formatElapsed(90_000), '1 min 30 s');
    assert.equal(formatElapsed(7_200_000), '2 h');
    assert.equal(formatElapsed(5_400_000), '1 h 30 min');
    assert.equal(formatElapsed(2 * 86_400_000), '2 d');
  });
});
