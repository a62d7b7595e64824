import * as assert from 'node:assert/strict';
import {
  categoricalParam,
  checkParams,
  defineSpace,
  floatParam,
  fromUnit,
  intParam,
  isActive,
  SearchSpaceError,
  snapNumber,
  SpaceEncoder,
  toUnit,
  validateSpace,
  when,
} from '../../../src/core/search/space';
import type { Distribution, SearchSpace } from '../../../src/core/search/types';

describe('search space validation', () => {
  const bad: [string, SearchSpace, RegExp][] = [
    ['low > high', { params: [floatParam('lr', 1, 0.1)] }, /"lr": low \(1\) must not exceed high \(0\.1\)/],
    ['float low == high', { params: [floatParam('x', 2, 2)] }, /low and high are equal/],
    ['log with low ≤ 0', { params: [floatParam('lr', 0, 1, { log: true })] }, /"lr": a log scale needs low > 0 \(got 0\)/],
    ['empty choices', { params: [categoricalParam('opt', [])] }, /"opt": categorical needs at least one choice/],
    ['duplicate choice', { params: [categoricalParam('opt', ['a', 'a'])] }, /duplicate choice "a"/],
    ['NaN bound', { params: [floatParam('x', Number.NaN, 1)] }, /finite numbers/],
    ['infinite bound', { params: [floatParam('x', 0, Infinity)] }, /finite numbers/],
    ['non-integer int bounds', { params: [intParam('n', 0.5, 3)] }, /int bounds must be integers/],
    ['negative step', { params: [floatParam('x', 0, 1, { step: -0.1 })] }, /step must be a positive number/],
    ['step with log', { params: [floatParam('x', 1, 10, { log: true, step: 1 })] }, /step cannot be combined with a log scale/],
    ['huge grid step', { params: [floatParam('x', 0, 1, { step: 1e-12 })] }, /more than/],
    ['duplicate name', { params: [floatParam('x', 0, 1), intParam('x', 0, 3)] }, /"x" is defined twice/],
    ['empty space', { params: [] }, /search space is empty/],
    ['unknown parent', { params: [when(floatParam('m', 0, 1), 'optimizer', ['sgd'])] }, /unknown parent "optimizer"/],
    [
      'condition cycle',
      { params: [when(categoricalParam('a', [1, 2]), 'b', [1]), when(categoricalParam('b', [1, 2]), 'a', [1])] },
      /cycle/,
    ],
    ['unknown type', { params: [{ name: 'x', distribution: { type: 'normal' } as unknown as Distribution }] }, /unknown distribution type "normal"/],
  ];
  for (const [what, space, message] of bad) {
    it(`rejects ${what} with a clear message`, () => {
      assert.throws(() => validateSpace(space), (err: unknown) => err instanceof SearchSpaceError && message.test(err.message));
    });
  }

  it('accepts a valid mixed, conditional space', () => {
    const space = defineSpace([
      floatParam('lr', 1e-5, 1e-1, { log: true }),
      intParam('layers', 1, 8),
      categoricalParam('optimizer', ['sgd', 'adam']),
      when(floatParam('momentum', 0, 0.99), 'optimizer', ['sgd']),
      intParam('batch', 16, 256, { log: true }),
      floatParam('dropout', 0, 0.5, { step: 0.1 }),
    ]);
    assert.equal(space.params.length, 6);
  });
});

describe('unit-cube encoding', () => {
  it('warps log scales: the geometric midpoint maps to 0.5', () => {
    const d: Distribution = { type: 'float', low: 1e-4, high: 1, log: true };
    assert.ok(Math.abs(toUnit(d, 1e-2) - 0.5) < 1e-12);
    assert.ok(Math.abs(fromUnit(d, 0.25) - 1e-3) < 1e-15);
    assert.equal(fromUnit(d, 0), 1e-4);
    assert.equal(fromUnit(d, 1), 1);
  });

  it('gives every integer an equal cell and decodes to integers within bounds', () => {
    const d: Distribution = { type: 'int', low: 1, high: 8 };
    const counts = new Map<number, number>();
    for (let i = 0; i < 800; i++) {
      const v = fromUnit(d, (i + 0.5) / 800);
      assert.ok(Number.isInteger(v) && v >= 1 && v <= 8);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    assert.deepEqual([...counts.values()], new Array(8).fill(100));
    for (let v = 1; v <= 8; v++) assert.equal(fromUnit(d, toUnit(d, v)), v);
  });

  it('snaps stepped floats to the step grid (without float noise) and clamps', () => {
    const d: Distribution = { type: 'float', low: 0, high: 0.5, step: 0.1 };
    assert.equal(snapNumber(d, 0.3000001), 0.3);
    assert.equal(snapNumber(d, 0.26), 0.3);
    assert.equal(snapNumber(d, 7), 0.5);
    assert.equal(fromUnit(d, 0.99), 0.5);
    const values = new Set(Array.from({ length: 100 }, (_, i) => fromUnit(d, i / 100)));
    assert.deepEqual([...values].sort(), [0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  it('handles int steps and log ints', () => {
    const stepped: Distribution = { type: 'int', low: 16, high: 256, step: 16 };
    for (let i = 0; i < 50; i++) {
      const v = fromUnit(stepped, i / 50);
      assert.equal((v - 16) % 16, 0);
      assert.ok(v >= 16 && v <= 256);
    }
    const logInt: Distribution = { type: 'int', low: 1, high: 1024, log: true };
    const small = Array.from({ length: 100 }, (_, i) => fromUnit(logInt, i / 100)).filter(v => v <= 32).length;
    assert.ok(small >= 40, `log ints favour small values (${small}/100 ≤ 32)`);
    for (const v of [1, 2, 7, 1024]) assert.equal(fromUnit(logInt, toUnit(logInt, v)), v);
  });

  it('one-hot and index encodings round-trip categoricals, including non-string choices', () => {
    const space = defineSpace([categoricalParam('c', ['a', 2, true, null]), floatParam('x', -1, 1)]);
    for (const mode of ['onehot', 'index'] as const) {
      const enc = new SpaceEncoder(space, { categorical: mode });
      assert.equal(enc.dims, mode === 'onehot' ? 5 : 2);
      for (const c of ['a', 2, true, null]) {
        const p = { c, x: 0.25 };
        const back = enc.decode(enc.encode(p));
        assert.equal(back.c, c);
        assert.ok(Math.abs((back.x as number) - 0.25) < 1e-12);
      }
    }
  });

  it('omits inactive conditional parameters when decoding and encodes them neutrally', () => {
    const space = defineSpace([categoricalParam('optimizer', ['sgd', 'adam']), when(floatParam('momentum', 0, 1), 'optimizer', ['sgd'])]);
    const enc = new SpaceEncoder(space, { categorical: 'onehot' });
    assert.deepEqual(Object.keys(enc.decode([0, 1, 0.9])), ['optimizer']);
    assert.deepEqual(Object.keys(enc.decode([1, 0, 0.9])).sort(), ['momentum', 'optimizer']);
    assert.equal(enc.encode({ optimizer: 'adam', momentum: 0.9 })[2], 0.5);
    assert.ok(isActive(space.params[1], { optimizer: 'sgd' }));
    assert.ok(!isActive(space.params[1], { optimizer: 'adam' }));
  });

  it('orders children after parents even when declared first', () => {
    const space = defineSpace([when(floatParam('momentum', 0, 1), 'optimizer', ['sgd']), categoricalParam('optimizer', ['sgd', 'adam'])]);
    const enc = new SpaceEncoder(space);
    assert.deepEqual(enc.params.map(p => p.name), ['optimizer', 'momentum']);
    assert.equal(enc.decode([1, 0, 0.5]).momentum, 0.5);
  });

  it('checkParams reports missing, out-of-range and foreign values', () => {
    const space = defineSpace([intParam('n', 1, 4), categoricalParam('c', ['a', 'b'])]);
    assert.throws(() => checkParams(space, { c: 'a' }), /"n" is missing/);
    assert.throws(() => checkParams(space, { n: 9, c: 'a' }), /outside \[1, 4\]/);
    assert.throws(() => checkParams(space, { n: 1.5, c: 'a' }), /not an integer/);
    assert.throws(() => checkParams(space, { n: 1, c: 'z' }), /not one of/);
    checkParams(space, { n: 2, c: 'b' });
  });
});
