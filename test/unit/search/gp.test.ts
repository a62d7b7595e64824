import * as assert from 'node:assert/strict';
import {
  cholesky,
  defaultHyper,
  erfcAccurate,
  fitHyper,
  GaussianProcess,
  kernelMatrix,
  logExpectedImprovement,
  logH,
  negLogPosterior,
  type GpHyper,
} from '../../../src/core/search/gp';
import { Rng } from '../../../src/core/search/rng';
import { transformObjective } from '../../../src/core/search/samplers/gp';

function data(n: number, dims: number, seed: number, f: (x: Float64Array) => number) {
  const rng = new Rng(seed);
  const x = new Float64Array(n * dims);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < dims; q++) x[i * dims + q] = rng.next();
    y[i] = f(x.subarray(i * dims, i * dims + dims));
  }
  return { x, y };
}

const smooth = (p: Float64Array) => Math.sin(6 * p[0]) + 0.5 * Math.cos(4 * p[1]);

describe('Gaussian process', () => {
  it('kernel matrix is symmetric positive semi-definite', () => {
    const { x } = data(40, 3, 1, smooth);
    const h: GpHyper = { logLengthscales: Float64Array.from([-1, -0.5, 0.3]), logSignal: 0.2, logNoise: -10 };
    const k = kernelMatrix(x, 40, 3, h);
    for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) assert.equal(k[i * 40 + j], k[j * 40 + i]);
    const rng = new Rng(2);
    for (let trial = 0; trial < 20; trial++) {
      const v = Float64Array.from({ length: 40 }, () => rng.normal());
      let q = 0;
      for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) q += v[i] * k[i * 40 + j] * v[j];
      assert.ok(q >= -1e-9, `vᵀKv = ${q}`);
    }
    const l = Float64Array.from(k);
    for (let i = 0; i < 40; i++) l[i * 40 + i] += 1e-8;
    assert.ok(cholesky(l, 40));
  });

  it('posterior interpolates the observations with near-zero variance there', () => {
    const { x, y } = data(25, 2, 3, smooth);
    const gp = new GaussianProcess(x, y, 25, 2, { logLengthscales: Float64Array.from([Math.log(0.3), Math.log(0.3)]), logSignal: 0, logNoise: Math.log(1e-6) });
    for (let i = 0; i < 25; i++) {
      const { mean, variance } = gp.predict(x.subarray(i * 2, i * 2 + 2));
      assert.ok(Math.abs(mean - y[i]) < 1e-3, `mean ${mean} vs ${y[i]}`);
      assert.ok(variance < 1e-4, `variance ${variance}`);
    }
    // Far from the data the variance returns to the prior.
    const far = gp.predict([10, 10]);
    assert.ok(far.variance > 0.99 && Math.abs(far.mean) < 1e-6);
  });

  it('the analytic gradient of the negative log posterior matches finite differences', () => {
    const { x, y } = data(15, 2, 4, smooth);
    const h: GpHyper = { logLengthscales: Float64Array.from([-1.1, -0.4]), logSignal: 0.3, logNoise: -4 };
    const { grad } = negLogPosterior(x, y, 15, 2, h);
    const params = [...h.logLengthscales, h.logSignal, h.logNoise];
    const eps = 1e-6;
    const at = (p: number[]) => negLogPosterior(x, y, 15, 2, { logLengthscales: Float64Array.from(p.slice(0, 2)), logSignal: p[2], logNoise: p[3] }).value;
    params.forEach((_, k) => {
      const up = [...params];
      const down = [...params];
      up[k] += eps;
      down[k] -= eps;
      const fd = (at(up) - at(down)) / (2 * eps);
      assert.ok(Math.abs(fd - grad[k]) < 1e-4 * Math.max(1, Math.abs(fd)), `param ${k}: analytic ${grad[k]} vs numeric ${fd}`);
    });
  });

  it('fitting the hyperparameters improves the marginal likelihood and the predictions', () => {
    const { x, y } = data(30, 2, 5, smooth);
    const start = defaultHyper(2);
    const before = negLogPosterior(x, y, 30, 2, start).value;
    const fit = fitHyper(x, y, 30, 2, [start]);
    assert.ok(fit.value < before - 1, `${fit.value} should be well below ${before}`);
    const test = data(200, 2, 6, smooth);
    const err = (h: GpHyper) => {
      const gp = new GaussianProcess(x, y, 30, 2, h);
      let s = 0;
      for (let i = 0; i < 200; i++) s += (gp.predict(test.x.subarray(i * 2, i * 2 + 2)).mean - test.y[i]) ** 2;
      return s / 200;
    };
    assert.ok(err(fit.hyper) <= err(start), `fitted MSE ${err(fit.hyper)} vs default ${err(start)}`);
  });

  it('log-EI equals log(EI) where EI is representable and stays finite far below', () => {
    for (const [mean, variance, best] of [[0, 1, 0], [1, 0.25, 0.5], [-1, 4, 0], [3, 1, 0]]) {
      const s = Math.sqrt(variance);
      const z = (best - mean) / s;
      const phi = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
      const cdf = 0.5 * erfcAccurate(-z / Math.SQRT2);
      const ei = s * (phi + z * cdf);
      assert.ok(Math.abs(logExpectedImprovement(mean, variance, best) - Math.log(ei)) < 1e-9);
    }
    const deep = logH(-40);
    assert.ok(Number.isFinite(deep) && deep < -800);
    assert.ok(logH(-40) < logH(-39) && logH(-6) < logH(-4.9), 'monotone across the branch switch');
    assert.ok(Math.abs(logH(-5.0000001) - logH(-4.9999999)) < 1e-5, 'continuous at the branch switch');
  });

  it('erfc is accurate on both branches', () => {
    assert.ok(Math.abs(erfcAccurate(0.5) - 0.4795001221869535) < 1e-15);
    assert.ok(Math.abs(erfcAccurate(3) / 2.209049699858544e-5 - 1) < 1e-13);
    assert.ok(Math.abs(erfcAccurate(-1) - 1.8427007929497148) < 1e-15);
  });

  it('log-warps heavy-tailed objectives before standardising', () => {
    const skewed = transformObjective([0.1, 0.5, 1, 2, 3, 5000]);
    // Without the warp the outlier would be ~2.2 sd away and the rest squashed together.
    assert.ok(skewed[5] < 2.1 && skewed[1] - skewed[0] > 0.2);
    const plain = transformObjective([1, 2, 3, 4]);
    assert.ok(Math.abs(plain[1] - plain[0] - (plain[3] - plain[2])) < 1e-12, 'symmetric data is only standardised');
  });
});
