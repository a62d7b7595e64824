import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDecade, formatLogTicks, formatNumber, formatTicks } from '../../../src/core/analysis/format';
import { logTicks, niceTicks } from '../../../src/core/analysis/axis';

const SEED = 1414;

describe('formatNumber', () => {
  it('writes three significant digits, SI prefixes and exponents', () => {
    const cases: [number, string][] = [
      [0, '0'], [0.125, '0.125'], [0.1234567, '0.123'], [2.5, '2.5'], [1234.5, '1230'], [12345, '12.3k'], [2.5e6, '2.5M'],
      [3.2323e76, '3.23e76'], [1e21, '1e21'], [1.57e39, '1.57e39'], [0.000123, '1.23e-4'], [-0.5, '-0.5'], [-3.2e76, '-3.2e76'],
      [9999.7, '10k'], [999_999, '1M'], [0.00099999, '0.001'],
    ];
    for (const [v, text] of cases) assert.equal(formatNumber(v), text, `${v}`);
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(Infinity), '∞');
    assert.equal(formatNumber(-Infinity), '−∞');
    assert.equal(formatNumber(null), '—');
  });

  it('is short: never more than 10 characters at 3 digits', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), v => {
      const text = formatNumber(v);
      assert.ok(text.length <= 10, `${v} → ${text}`);
    }), { seed: SEED });
  });
});

describe('formatTicks', () => {
  it('never repeats a label (the 3E76, 3E76, 2E76 … axis of the bug report)', () => {
    const ticks = niceTicks(0, 3.2e76, 10);
    const labels = formatTicks(ticks);
    assert.equal(new Set(labels).size, labels.length, labels.join(' '));
    // Close values get more digits, only as many as needed.
    assert.deepEqual(formatTicks([0.1001, 0.1002, 0.1003]), ['0.1001', '0.1002', '0.1003']);
    assert.deepEqual(formatTicks([0, 0.5, 1, 1.5]), ['0', '0.5', '1', '1.5']);
  });

  it('property: nice ticks of any range get distinct labels', () => {
    fc.assert(fc.property(fc.double({ min: -1e80, max: 1e80, noNaN: true }), fc.double({ min: 1e-9, max: 1, noNaN: true }), (a, relative) => {
      const span = Math.max(Math.abs(a) * relative, 1e-12);
      const ticks = niceTicks(a, a + span, 8);
      const labels = formatTicks(ticks);
      assert.equal(new Set(labels).size, new Set(ticks).size, `${ticks.join(',')} → ${labels.join(' ')}`);
    }), { seed: SEED, numRuns: 500 });
  });
});

describe('formatLogTicks', () => {
  it('labels decades as powers of ten on wide axes, plainly on narrow ones', () => {
    assert.equal(formatDecade(21), '10²¹');
    assert.equal(formatDecade(-5), '10⁻⁵');
    assert.deepEqual(formatLogTicks(logTicks(1e-1, 1e3)), ['0.1', '1', '10', '100', '1000']);
    const wide = formatLogTicks(logTicks(1e-2, 1e87, 8));
    assert.ok(wide.every(l => /^10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+$/.test(l)), wide.join(' '));
    assert.deepEqual(formatLogTicks([0.5, 1, 2, 5]), ['0.5', '1', '2', '5']);
  });
});
