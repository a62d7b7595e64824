import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LC_PROBLEMS, PROBLEMS } from '../../../src/core/bench/problems';
import type { ParamValue } from '../../../src/core/search/types';

const VECTORS = '/work/shared/bench/testvectors.json';

interface PointVector { params: Record<string, ParamValue>; value: number }
interface CurveVector { lr: number; m: number; t: number; value: number }
type Vectors = Record<string, PointVector[] | CurveVector[]>;

function close(actual: number, expected: number, what: string): void {
  const rel = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
  // Tiny values near an optimum (ackley at 0 evaluates to ~4e-16) are compared absolutely.
  if (Math.abs(expected) < 1e-12) assert.ok(Math.abs(actual - expected) < 1e-14, `${what}: ${actual} vs ${expected}`);
  else assert.ok(rel <= 1e-14, `${what}: ${actual} vs ${expected} (rel ${rel.toExponential(2)})`);
}

describe('benchmark problems match the Optuna reference test vectors', () => {
  const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')) as Vectors;

  for (const name of ['branin', 'hartmann6', 'rosenbrock4', 'ackley5', 'hpo_synth']) {
    it(`${name} agrees to 1e-14 relative on every vector`, () => {
      const list = vectors[name] as PointVector[];
      assert.ok(list.length >= 5);
      const evaluate = PROBLEMS[name].evaluate!;
      list.forEach((v, i) => close(evaluate(v.params), v.value, `${name}[${i}]`));
    });
  }

  for (const name of ['lc_synth', 'lc_mild'] as const) {
    it(`${name} learning curves agree at epochs 1, 3, 9, 27, 81`, () => {
      const list = vectors[name] as CurveVector[];
      assert.ok(list.length >= 10);
      list.forEach((v, i) => close(LC_PROBLEMS[name].lossAt({ lr: v.lr, m: v.m }, v.t), v.value, `${name}[${i}]`));
    });
  }

  it('the known optima evaluate to f*', () => {
    close(PROBLEMS.branin.evaluate!({ x1: -Math.PI, x2: 12.275 }), PROBLEMS.branin.fStar, 'branin f*');
    close(PROBLEMS.hpo_synth.evaluate!({ lr: 1e-3, n_layers: 4, optimizer: 'adam', dropout: 0.2 }), 0.05, 'hpo_synth f*');
    assert.equal(PROBLEMS.rosenbrock4.evaluate!({ x0: 1, x1: 1, x2: 1, x3: 1 }), 0);
  });

  it('rejects malformed parameters with a clear message', () => {
    assert.throws(() => PROBLEMS.branin.evaluate!({ x1: 1 }), /parameter "x2" must be a finite number/);
    assert.throws(() => PROBLEMS.branin.evaluate!({ x1: 'a', x2: 1 }), /"x1" must be a finite number/);
    assert.throws(() => PROBLEMS.hpo_synth.evaluate!({ lr: 1e-3, n_layers: 4, optimizer: 'lion', dropout: 0.2 }), /optimizer/);
    assert.throws(() => LC_PROBLEMS.lc_mild.lossAt({ lr: 0.01, m: 0.5 }, 0), /epoch must be a positive integer/);
  });
});
