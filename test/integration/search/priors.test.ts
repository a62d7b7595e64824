/**
 * W&B's beta, q_beta and categorical_w_probabilities, sampled as W&B samples them: a value is the
 * prior's quantile of the point's unit coordinate. Checked against scipy's beta where it is installed
 * (Debian python3-scipy, which `npm test` installs) and by moments with a fixed seed.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { betaCdf, betaPpf } from '../../../src/core/search/beta';
import { RandomSampler } from '../../../src/core/search/samplers/basic';
import { fromUnit, toUnit, weightedIndex } from '../../../src/core/search/space';
import type { FrozenTrial, SearchSpace } from '../../../src/core/search/types';

const SEED = 20240611;

describe('search: beta prior and weighted categoricals', () => {
  it('matches scipy.stats.beta cdf and ppf', function () {
    const cases = [[2, 5], [0.5, 0.5], [1, 1], [8, 2], [0.3, 3]];
    const us = [0.001, 0.05, 0.3, 0.5, 0.77, 0.999];
    const script = `import json,sys\nfrom scipy.stats import beta\nc=json.load(sys.stdin)\nprint(json.dumps([[float(beta.ppf(u,a,b)) for u in c['us']] for a,b in c['ab']]))`;
    const r = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify({ ab: cases, us }), encoding: 'utf8' });
    if (r.status !== 0) return this.skip(); // scipy missing on this machine (npm test installs it)
    const want = JSON.parse(r.stdout) as number[][];
    cases.forEach(([a, b], i) =>
      us.forEach((u, j) => {
        assert.ok(Math.abs(betaPpf(u, a, b) - want[i][j]) < 1e-9, `ppf(${u}; ${a}, ${b}) = ${betaPpf(u, a, b)}, scipy ${want[i][j]}`);
        assert.ok(Math.abs(betaCdf(want[i][j], a, b) - u) < 1e-9, `cdf(ppf(${u})) for (${a}, ${b})`);
      }),
    );
  });

  it('random points follow Beta(2, 5) (mean, variance; seed printed)', () => {
    const space: SearchSpace = { params: [{ name: 'x', distribution: { type: 'float', low: 0, high: 1, prior: { type: 'beta', a: 2, b: 5 } } }] };
    const sampler = new RandomSampler(SEED);
    const xs: number[] = [];
    const trials: FrozenTrial[] = [];
    for (let i = 0; i < 4000; i++) {
      const p = sampler.sample({ space, direction: 'minimize', trials });
      xs.push(p.x as number);
      trials.push({ number: i, state: 'complete', params: p, value: 0, intermediate: new Map() });
    }
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    // Beta(2,5): mean 2/7 ≈ 0.2857, variance 10/392 ≈ 0.0255; 4000 draws give a standard error of the mean ≈ 0.0025.
    assert.ok(Math.abs(mean - 2 / 7) < 0.012, `mean ${mean} (seed ${SEED})`);
    assert.ok(Math.abs(variance - 10 / 392) < 0.004, `variance ${variance} (seed ${SEED})`);
  });

  it('q_beta rounds the quantile to multiples of q, as W&B does', () => {
    const d = { type: 'float' as const, low: 0, high: 1, step: 0.25, prior: { type: 'beta' as const, a: 2, b: 2 } };
    for (const u of [0.01, 0.2, 0.5, 0.8, 0.99]) {
      const want = Math.round(betaPpf(u, 2, 2) / 0.25) * 0.25;
      assert.equal(fromUnit(d, u), want, `u=${u}`);
    }
    assert.ok(Math.abs(toUnit(d, 0.5) - 0.5) < 1e-12);
  });

  it('draws categorical_w_probabilities as W&B does (first cumulative probability above u)', () => {
    assert.equal(weightedIndex([0.5, 0.3, 0.2], 0.49), 0);
    assert.equal(weightedIndex([0.5, 0.3, 0.2], 0.5), 1);
    assert.equal(weightedIndex([0.5, 0.3, 0.2], 0.95), 2);
    assert.equal(weightedIndex([0.2, 0.2], 0.9), 0); // past the sum: the first value, as argmin of all-False is 0
    const space: SearchSpace = { params: [{ name: 'c', distribution: { type: 'categorical', choices: ['a', 'b', 'c'], weights: [0.6, 0.3, 0.1] } }] };
    const sampler = new RandomSampler(SEED);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    const trials: FrozenTrial[] = [];
    for (let i = 0; i < 3000; i++) {
      const p = sampler.sample({ space, direction: 'minimize', trials });
      counts[p.c as string]++;
      trials.push({ number: i, state: 'complete', params: p, value: 0, intermediate: new Map() });
    }
    assert.ok(Math.abs(counts.a / 3000 - 0.6) < 0.04 && Math.abs(counts.c / 3000 - 0.1) < 0.03, `${JSON.stringify(counts)} (seed ${SEED})`);
  });
});
