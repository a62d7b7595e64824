import * as assert from 'node:assert/strict';
import { AshaPruner, createPruner, HyperbandPruner, MedianPruner, percentileOf, PrunerConfigError } from '../../../src/core/search/pruners';
import type { FrozenTrial, SearchSpace, StudyView } from '../../../src/core/search/types';

const space: SearchSpace = { params: [{ name: 'x', distribution: { type: 'float', low: 0, high: 1 } }] };

function curve(number: number, f: (t: number) => number, lastStep: number, state: FrozenTrial['state'] = 'complete'): FrozenTrial {
  const intermediate = new Map<number, number>();
  for (let t = 1; t <= lastStep; t++) intermediate.set(t, f(t));
  return { number, state, params: { x: 0.5 }, value: state === 'complete' ? f(lastStep) : undefined, intermediate, };
}

function study(trials: FrozenTrial[], direction: 'minimize' | 'maximize' = 'minimize'): StudyView {
  return { space, direction, trials };
}

describe('median pruner (Optuna semantics)', () => {
  const finished = [0.1, 0.2, 0.3, 0.4, 0.5].map((c, i) => curve(i, t => 1 / t + c, 20));

  it('prunes a clearly worse curve and keeps a better one', () => {
    const pruner = new MedianPruner();
    const worse = curve(5, t => 1 / t + 2, 1, 'running');
    const better = curve(6, t => 1 / t, 1, 'running');
    assert.equal(pruner.shouldPrune(study([...finished, worse]), worse, 1), true);
    assert.equal(pruner.shouldPrune(study([...finished, better]), better, 1), false);
  });

  it('compares with the median of completed trials at the same step, using the trial’s best value so far', () => {
    const pruner = new MedianPruner();
    // Median at step 4 = 0.25 + 0.3 = 0.55; this trial's best is 0.5 (at step 2), its latest 0.9.
    const t = curve(5, s => (s === 2 ? 0.5 : 0.9), 4, 'running');
    assert.equal(pruner.shouldPrune(study([...finished, t]), t, 4), false);
    const u = curve(6, () => 0.56, 4, 'running');
    assert.equal(pruner.shouldPrune(study([...finished, u]), u, 4), true);
  });

  it('waits for n_startup_trials completed trials and n_warmup_steps', () => {
    const worse = curve(5, t => 1 / t + 2, 3, 'running');
    assert.equal(new MedianPruner().shouldPrune(study([...finished.slice(0, 4), worse]), worse, 1), false);
    const warm = new MedianPruner({ nWarmupSteps: 3 });
    assert.equal(warm.shouldPrune(study([...finished, worse]), worse, 2), false);
    assert.equal(warm.shouldPrune(study([...finished, worse]), worse, 3), true);
  });

  it('only judges the first report of each interval and respects maximisation', () => {
    const pruner = new MedianPruner({ intervalSteps: 5 });
    const worse = curve(5, t => 1 / t + 2, 7, 'running');
    assert.equal(pruner.shouldPrune(study([...finished, worse]), worse, 7), false, 'step 7 is not first in [5, 10) after step 6');
    const sparse: FrozenTrial = { ...worse, intermediate: new Map([[1, 3], [5, 3]]) };
    assert.equal(pruner.shouldPrune(study([...finished, sparse]), sparse, 5), true);
    const maxi = new MedianPruner();
    const low = curve(5, () => 0, 2, 'running');
    assert.equal(maxi.shouldPrune(study([...finished, low], 'maximize'), low, 2), true);
    const high = curve(6, () => 10, 2, 'running');
    assert.equal(maxi.shouldPrune(study([...finished, high], 'maximize'), high, 2), false);
  });

  it('prunes NaN reports', () => {
    const nan = curve(5, () => Number.NaN, 1, 'running');
    assert.equal(new MedianPruner().shouldPrune(study([...finished, nan]), nan, 1), true);
  });

  it('percentile uses linear interpolation like numpy', () => {
    assert.equal(percentileOf([1, 2, 3, 4], 50), 2.5);
    assert.equal(percentileOf([5], 50), 5);
    assert.ok(Math.abs(percentileOf([1, 2, 3, 4, 5], 25) - 2) < 1e-12);
  });
});

describe('ASHA pruner', () => {
  it('has rungs at min_resource · eta^k', () => {
    assert.deepEqual(new AshaPruner().rungs(81), [1, 3, 9, 27, 81]);
    assert.deepEqual(new AshaPruner({ minResource: 2, reductionFactor: 4 }).rungs(100), [2, 8, 32]);
    assert.deepEqual(new AshaPruner({ minEarlyStoppingRate: 1 }).rungs(30), [3, 9, 27]);
  });

  it('promotes the top 1/eta at a rung and prunes the rest (Optuna’s rule)', () => {
    const pruner = new AshaPruner();
    // Eight trials reached rung 1 with values 0.1 … 0.8.
    const others = Array.from({ length: 8 }, (_, i) => curve(i, () => 0.1 * (i + 1), 1, 'pruned'));
    // 9 competitors → the ⌊9/3⌋ = 3rd best (0.3) is the bar.
    const good = curve(8, () => 0.3, 1, 'running');
    const bad = curve(9, () => 0.31, 1, 'running');
    assert.equal(pruner.shouldPrune(study([...others, good]), good, 1), false);
    assert.equal(pruner.shouldPrune(study([...others, bad]), bad, 1), true);
  });

  it('does not decide between rungs, and keeps the very first trial', () => {
    const pruner = new AshaPruner();
    const others = Array.from({ length: 8 }, (_, i) => curve(i, () => 0.1, 3, 'complete'));
    const bad = curve(8, () => 5, 2, 'running');
    assert.equal(pruner.shouldPrune(study([...others, bad]), bad, 2), false, 'step 2 is not a rung');
    const first = curve(0, () => 5, 1, 'running');
    assert.equal(pruner.shouldPrune(study([first]), first, 1), false);
  });

  it('with fewer than eta competitors only the best is promoted', () => {
    const pruner = new AshaPruner();
    const a = curve(0, () => 0.2, 3, 'complete');
    const b = curve(1, () => 0.3, 1, 'running');
    assert.equal(pruner.shouldPrune(study([a, b]), b, 1), true);
    const c = curve(2, () => 0.1, 1, 'running');
    assert.equal(pruner.shouldPrune(study([a, c]), c, 1), false);
  });

  it('judges a rung skipped by a sparse report at the first step past it', () => {
    const pruner = new AshaPruner();
    const others = Array.from({ length: 6 }, (_, i) => curve(i, () => 0.1, 9, 'complete'));
    const sparse: FrozenTrial = { number: 6, state: 'running', params: { x: 0 }, intermediate: new Map([[2, 1], [4, 1]]) };
    // Step 4 passes rung 3 (first report ≥ 3); rung 1 was judged at step 2.
    assert.equal(pruner.shouldPrune(study([...others, sparse]), sparse, 4), true);
  });
});

describe('Hyperband pruner', () => {
  it('Optuna style: 5 brackets for resources 1…81 with eta 3, trials spread by budget', () => {
    const hb = new HyperbandPruner({ minResource: 1, maxResource: 81, reductionFactor: 3 });
    assert.equal(hb.brackets.length, 5);
    assert.deepEqual(hb.brackets.map(b => b.rate), [0, 1, 2, 3, 4]);
    const counts = new Array(5).fill(0);
    for (let n = 0; n < 2000; n++) counts[hb.bracketOf(n)]++;
    assert.ok(counts.every(c => c > 0));
    assert.ok(counts[0] > counts[4], `more trials in the aggressive bracket: ${counts}`);
    assert.equal(hb.bracketOf(17), hb.bracketOf(17));
  });

  it('Optuna style: trials only compete inside their bracket', () => {
    const hb = new HyperbandPruner({ minResource: 1, maxResource: 81 });
    const inBracket0 = Array.from({ length: 400 }, (_, n) => n).filter(n => hb.bracketOf(n) === 0);
    const inBracket4 = Array.from({ length: 400 }, (_, n) => n).filter(n => hb.bracketOf(n) === 4);
    // Good trials in bracket 4 (never pruned: its only rung is at 81 = max) must not count in bracket 0.
    const others = inBracket4.slice(0, 6).map(n => curve(n, () => 0.01, 3, 'complete'));
    const trial = curve(inBracket0[0], () => 1, 1, 'running');
    assert.equal(hb.shouldPrune(study([...others, trial]), trial, 1), false);
    const rival = curve(inBracket0[1], () => 0.5, 1, 'complete');
    assert.equal(hb.shouldPrune(study([...others, rival, trial]), trial, 1), true);
  });

  it('W&B style: milestones from min_iter or from max_iter and s', () => {
    assert.deepEqual(new HyperbandPruner({ minIter: 3, eta: 3 }).milestones!.slice(0, 4), [3, 9, 27, 81]);
    assert.deepEqual(new HyperbandPruner({ minIter: 3, maxIter: 27, eta: 3 }).milestones, [3, 9]);
    assert.deepEqual(new HyperbandPruner({ maxIter: 27, s: 2, eta: 3 }).milestones, [3, 9]);
  });

  it('W&B style: stops a run below the top 1/eta quantile at a milestone, only at milestones', () => {
    const hb = createPruner({ type: 'hyperband', min_iter: 3, eta: 3 })!;
    const others = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map((v, i) => curve(i, () => v, 9, 'complete'));
    const bad = curve(6, () => 0.45, 3, 'running');
    assert.equal(hb.shouldPrune(study([...others, bad]), bad, 2), false);
    assert.equal(hb.shouldPrune(study([...others, bad]), bad, 3), true);
    const good = curve(7, () => 0.15, 3, 'running');
    assert.equal(hb.shouldPrune(study([...others, good]), good, 3), false);
  });
});

describe('createPruner', () => {
  it('builds each type from camelCase or snake_case keys; none gives undefined', () => {
    assert.equal(createPruner({ type: 'none' }), undefined);
    assert.equal(createPruner({ type: 'median', n_startup_trials: 2 })!.name, 'median');
    assert.equal((createPruner({ type: 'asha', min_resource: 2, reduction_factor: 4 }) as AshaPruner).eta, 4);
    assert.equal((createPruner({ type: 'hyperband', maxResource: 27 }) as HyperbandPruner).brackets.length, 4);
  });

  it('rejects bad configs with clear messages', () => {
    const bad: [Record<string, unknown> & { type: string }, RegExp][] = [
      [{ type: 'patient' }, /unknown pruner type "patient"/],
      [{ type: 'asha', eta: 1 }, /eta\) must be a number ≥ 2/],
      [{ type: 'asha', min_resource: -1 }, /min_resource must be a positive number/],
      [{ type: 'median', n_startup_trials: 1.5 }, /n_startup_trials must be a non-negative integer/],
      [{ type: 'median', percentile: 150 }, /percentile must be within/],
      [{ type: 'hyperband', min_iter: 30, max_iter: 27 }, /min_iter must be below max_iter/],
      [{ type: 'hyperband', max_iter: 27 }, /needs s ≥ 1/],
      [{ type: 'hyperband', min_resource: 10, max_resource: 3 }, /max_resource \(3\) is below min_resource \(10\)/],
      [{ type: 'median', n_warmup_steps: 'soon' }, /n_warmup_steps must be a number/],
    ];
    for (const [config, message] of bad) assert.throws(() => createPruner(config), (e: unknown) => e instanceof PrunerConfigError && message.test(e.message), JSON.stringify(config));
  });
});
