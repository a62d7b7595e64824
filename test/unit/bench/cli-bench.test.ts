import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { PythonEvaluator, repoEvaluatorScript } from '../../../src/cli/bench/pythonEvaluator';
import { captureIO } from '../cli/capture';

const capture = () => captureIO();

describe('hpstudio bench', () => {
  it('prints one JSON line per seed with best values at the checkpoints', async () => {
    const c = capture();
    assert.equal(await runCli(['bench', '--problem', 'branin', '--sampler', 'random', '--trials', '30', '--seeds', '3', '--seed0', '4', '--json'], c.io), 0);
    const lines = c.out().trim().split('\n').map(l => JSON.parse(l));
    assert.equal(lines.length, 3);
    assert.deepEqual(lines.map(l => l.seed), [4, 5, 6]);
    for (const l of lines) {
      assert.equal(l.problem, 'branin');
      assert.equal(l.sampler, 'random');
      assert.deepEqual(Object.keys(l.best_value_after), ['10', '20', '30']);
      assert.ok(l.best_value_after['30'] <= l.best_value_after['10']);
      assert.ok(l.best_value_after['30'] >= 0.397887357729738);
      assert.equal(typeof l.overhead_ms_per_trial, 'number');
    }
    assert.match(c.err(), /seed 6 done/);
  });

  it('is reproducible: the same seed gives the same results', async () => {
    const a = capture();
    const b = capture();
    await runCli(['bench', '-p', 'hpo_synth', '-s', 'tpe', '-n', '25', '--json'], a.io);
    await runCli(['bench', '-p', 'hpo_synth', '-s', 'tpe', '-n', '25', '--json'], b.io);
    assert.deepEqual(JSON.parse(a.out()).best_value_after, JSON.parse(b.out()).best_value_after);
  });

  it('runs learning curves epoch by epoch through a pruner and reports epochs', async () => {
    const none = capture();
    const pruned = capture();
    await runCli(['bench', '--problem', 'lc_mild', '--sampler', 'random', '--trials', '40', '--json'], none.io);
    await runCli(['bench', '--problem', 'lc_mild', '--sampler', 'random', '--pruner', 'asha', '--trials', '40', '--json'], pruned.io);
    const a = JSON.parse(none.out());
    const b = JSON.parse(pruned.out());
    assert.equal(a.epochs, 40 * 81);
    assert.equal(a.pruned, 0);
    assert.ok(b.epochs < a.epochs / 2, `asha used ${b.epochs} epochs`);
    assert.ok(b.pruned > 10);
    assert.ok(b.best_regret >= 0);
  });

  it('prints a readable table without --json', async () => {
    const c = capture();
    assert.equal(await runCli(['bench', '--problem', 'rosenbrock4', '--sampler', 'sobol', '--trials', '20', '--seeds', '2'], c.io), 0);
    assert.match(c.out(), /rosenbrock4 · sobol · 20 trials/);
    assert.match(c.out(), /best@10\s+best@20\s+overhead ms/);
    assert.match(c.out(), /^median\s/m);
    assert.match(c.out(), /^regret\s/m);
  });

  it('--overhead times the sampler on x²+y²', async () => {
    const c = capture();
    assert.equal(await runCli(['bench', '--overhead', '200', '--sampler', 'tpe', '--json'], c.io), 0);
    const r = JSON.parse(c.out());
    assert.equal(r.n_trials, 200);
    assert.ok(r.mean_ms_per_trial > 0);
  });

  it('rejects bad arguments with exit code 2 and a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['bench', '--problem', 'nope'], /unknown problem "nope"/],
      [['bench', '--problem', 'branin', '--sampler', 'magic'], /unknown sampler "magic"/],
      [['bench', '--problem', 'branin', '--pruner', 'median'], /--pruner needs a learning-curve problem/],
      [['bench', '--problem', 'lc_mild', '--pruner', 'patience'], /unknown pruner "patience"/],
      [['bench', '--problem', 'branin', '--trials', '0'], /--trials must be an integer between 1 and/],
      [['bench', '--problem', 'branin', '--trials', '1e9'], /--trials must be an integer between 1 and/],
      [['bench', '--problem', 'branin', '--seeds', '2.5'], /--seeds must be an integer/],
      [['bench', '--problem', 'branin', '--seed0', '-1'], /--seed0 must be a non-negative integer/],
      [['bench'], /--problem is required/],
      [['bench', 'extra'], /unexpected argument "extra"/],
    ];
    for (const [argv, message] of cases) {
      const c = capture();
      assert.equal(await runCli(argv, c.io), 2, argv.join(' '));
      assert.match(c.err(), message);
    }
  });

  it('shows usage with --help', async () => {
    const c = capture();
    assert.equal(await runCli(['bench', '--help'], c.io), 0);
    assert.match(c.out(), /Usage: hpstudio bench --problem P --sampler S/);
    // The svc_cancer evaluator defaults to the repository's own script, never a path outside it.
    const repo = path.resolve(__dirname, '../../..');
    assert.ok(c.out().includes(`else ${path.join(repo, 'test/bench/optuna/problems.py')})`), c.out());
    assert.match(c.out(), /\$HPSTUDIO_BENCH_EVALUATOR/);
  });

  it('outside a checkout there is no default evaluator, and svc_cancer says how to give one', () => {
    assert.equal(repoEvaluatorScript(os.tmpdir()), undefined);
    assert.throws(() => new PythonEvaluator('svc_cancer', ''), /test\/bench\/optuna\/problems\.py is part of the source repository; outside it pass --evaluator PATH or set HPSTUDIO_BENCH_EVALUATOR/);
  });
});
