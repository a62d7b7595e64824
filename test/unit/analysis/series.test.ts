import { strict as assert } from 'node:assert';
import { lttb, SeriesData } from '../../../src/core/analysis/series';

const xsOf = (s: SeriesData) => Array.from(s.xs.subarray(0, s.length));
const ysOf = (s: SeriesData) => Array.from(s.ys.subarray(0, s.length));

describe('analysis: series storage and LTTB decimation', () => {
  it('appends in order, grows, and bumps its version', () => {
    const s = new SeriesData();
    s.append([0, 1, 2], [3, 2, 1]);
    const v = s.version;
    s.append(Float64Array.from({ length: 100 }, (_, i) => i + 3), Float64Array.from({ length: 100 }, () => 0.5));
    assert.equal(s.length, 103);
    assert.ok(s.version > v);
    assert.deepEqual(xsOf(s).slice(0, 5), [0, 1, 2, 3, 4]);
  });

  it('inserts out-of-order steps in place and replaces a re-reported step', () => {
    const s = new SeriesData();
    s.append([0, 2, 4], [1, 1, 1]);
    s.append([3, 1, 4, -1], [9, 8, 7, 6]);
    assert.deepEqual(xsOf(s), [-1, 0, 1, 2, 3, 4]);
    assert.deepEqual(ysOf(s), [6, 1, 8, 1, 9, 7]);
    s.append([5, 5], [1, 2]); // a step repeated within one batch: the later value wins
    assert.deepEqual(xsOf(s).slice(-1), [5]);
    assert.deepEqual(ysOf(s).slice(-1), [2]);
  });

  it('thins to half the cap keeping the first and last point, and finds bounds', () => {
    const s = new SeriesData();
    s.append(Array.from({ length: 1000 }, (_, i) => i), Array.from({ length: 1000 }, (_, i) => i * 2));
    s.thin(100);
    assert.equal(s.length, 50);
    assert.equal(s.xs[0], 0);
    assert.equal(s.xs[49], 999);
    assert.equal(s.lowerBound(500), xsOf(s).findIndex(x => x >= 500));
    assert.equal(s.lowerBound(-5), 0);
    assert.equal(s.lowerBound(5000), 50);
  });

  it('keeps peaks and the end points with LTTB and returns exactly the requested samples', () => {
    const s = new SeriesData();
    const n = 10_000;
    s.append(Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => (i === 4321 ? 100 : Math.sin(i / 500))));
    const out = lttb(s, 0, n, 200);
    assert.equal(out.length, 200);
    assert.deepEqual(out[0], { x: 0, y: 0 });
    assert.equal(out[199].x, n - 1);
    assert.ok(out.some(p => p.x === 4321 && p.y === 100), 'the spike survives decimation');
    for (let i = 1; i < out.length; i++) assert.ok(out[i].x > out[i - 1].x, 'x stays sorted');
    // A sub-range, as when zoomed in.
    const part = lttb(s, 1000, 2000, 50);
    assert.equal(part.length, 50);
    assert.ok(part[0].x === 1000 && part[49].x === 1999);
  });

  it('passes short ranges through and turns non-finite values into gaps (NaN), never Infinity', () => {
    const s = new SeriesData();
    s.append([0, 1, 2, 3], [1, Infinity, NaN, -Infinity]);
    assert.deepEqual(lttb(s, 0, 4, 100).map(p => p.x), [0, 1, 2, 3]);
    assert.ok(lttb(s, 0, 4, 100).slice(1).every(p => Number.isNaN(p.y)));
    const big = new SeriesData();
    big.append(Array.from({ length: 1000 }, (_, i) => i), Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? NaN : i % 7 === 0 ? Infinity : i)));
    const out = lttb(big, 0, 1000, 100);
    assert.equal(out.length, 100);
    assert.ok(out.every(p => Number.isNaN(p.y) || Number.isFinite(p.y)));
    assert.ok(out.filter(p => Number.isFinite(p.y)).length > 90, 'finite points are preferred');
    assert.deepEqual(lttb(big, 5, 5, 10), []);
  });
});
