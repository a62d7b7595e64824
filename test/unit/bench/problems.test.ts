import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LC_PROBLEMS, PROBLEMS } from '../../../src/core/bench/problems';
import type { ParamValue } from '../../../src/core/search/types';

/**
 * Exact values of each objective at fixed points, computed in 50-digit decimal arithmetic from the
 * formulas by test/bench/optuna/make_vectors.py — independent of any float implementation.
 */
const VECTORS = path.resolve(__dirname, '../../fixtures/bench/testvectors.json');

interface PointVector { params: Record<string, ParamValue>; value: number; scale: number }
interface CurveVector { lr: number; m: number; epoch: number; value: number; scale: number }
type Vectors = Record<string, PointVector[] | CurveVector[] | CurveVector | string>;

/**
 * A float evaluation rounds each operation: its error is a few ulps of the largest partial sums,
 * i.e. of `scale` (the sum of the absolute values of the final terms), not of the value itself.
 * 1e-14 × scale is about 45 ulps of it: room for libm's exp/cos/pow, far below any formula mistake.
 */
function close(actual: number, v: { value: number; scale: number }, what: string): void {
  const error = Math.abs(actual - v.value);
  assert.ok(error <= 1e-14 * v.scale, `${what}: ${actual} vs exact ${v.value} (error ${error.toExponential(2)}, scale ${v.scale})`);
}

describe('benchmark problems agree with their exact values', () => {
  const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')) as Vectors;

  for (const name of ['branin', 'hartmann6', 'rosenbrock4', 'ackley5', 'hpo_synth']) {
    it(`${name} agrees with the exact value at its optima and 10 random points`, () => {
      const list = vectors[name] as PointVector[];
      assert.ok(list.length >= 11);
      const evaluate = PROBLEMS[name].evaluate!;
      list.forEach((v, i) => close(evaluate(v.params), v, `${name}[${i}] ${JSON.stringify(v.params)}`));
    });
  }

  for (const name of ['lc_synth', 'lc_mild'] as const) {
    it(`${name} learning curves agree at epochs 1, 2, 5, 20 and 81`, () => {
      const list = vectors[name] as CurveVector[];
      assert.ok(list.length >= 50);
      list.forEach((v, i) => close(LC_PROBLEMS[name].lossAt({ lr: v.lr, m: v.m }, v.epoch), v, `${name}[${i}]`));
    });

    it(`${name}: f* is the minimum scipy finds, and the loss there`, () => {
      const optimum = vectors[`${name}_optimum`] as CurveVector;
      const problem = LC_PROBLEMS[name];
      assert.ok(Math.abs(problem.fStar - optimum.value) <= 1e-12, `f* ${problem.fStar} vs ${optimum.value}`);
      close(problem.lossAt({ lr: optimum.lr, m: optimum.m }, problem.maxEpoch), optimum, `${name} at its optimum`);
    });
  }

  it('the known optima evaluate to f*', () => {
    const [branin] = vectors.branin as PointVector[];
    close(PROBLEMS.branin.fStar, branin, 'branin f*');
    close(PROBLEMS.branin.evaluate!({ x1: -Math.PI, x2: 12.275 }), branin, 'branin at (-π, 12.275)');
    assert.equal(PROBLEMS.hpo_synth.evaluate!({ lr: 1e-3, n_layers: 4, optimizer: 'adam', dropout: 0.2 }), 0.05);
    assert.equal(PROBLEMS.rosenbrock4.evaluate!({ x0: 1, x1: 1, x2: 1, x3: 1 }), 0);
    const [hartmann] = vectors.hartmann6 as PointVector[];
    assert.ok(Math.abs(PROBLEMS.hartmann6.fStar - hartmann.value) < 1e-5, 'hartmann6 f* is the value at the published minimiser');
  });

  it('rejects malformed parameters with a clear message', () => {
    assert.throws(() => PROBLEMS.branin.evaluate!({ x1: 1 }), /parameter "x2" must be a finite number/);
    assert.throws(() => PROBLEMS.branin.evaluate!({ x1: 'a', x2: 1 }), /"x1" must be a finite number/);
    assert.throws(() => PROBLEMS.hpo_synth.evaluate!({ lr: 1e-3, n_layers: 4, optimizer: 'lion', dropout: 0.2 }), /optimizer/);
    assert.throws(() => LC_PROBLEMS.lc_mild.lossAt({ lr: 0.01, m: 0.5 }, 0), /epoch must be a positive integer/);
  });
});
