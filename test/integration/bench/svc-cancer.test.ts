/**
 * svc_cancer trains a real scikit-learn model (Debian's python3-sklearn, installed by
 * scripts/setup-system.sh) through the repository's own test/bench/optuna/problems.py.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { PythonEvaluator, repoEvaluatorScript } from '../../../src/cli/bench/pythonEvaluator';
import { captureIO } from '../../unit/cli/capture';

describe('hpstudio bench: svc_cancer through the Python evaluator', function () {
  this.timeout(120_000);

  it('finds the evaluator inside the repository', () => {
    assert.equal(repoEvaluatorScript(), path.resolve(__dirname, '../../bench/optuna/problems.py'));
  });

  it('evaluates points with a real scikit-learn model, in order, and names a point it cannot evaluate', async () => {
    const ev = new PythonEvaluator('svc_cancer');
    try {
      const [a, b] = await Promise.all([ev.evaluate({ C: 1, gamma: 0.01, n_components: 5 }), ev.evaluate({ C: 1000, gamma: 10, n_components: 30 })]);
      assert.ok(a > 0 && a < 0.1, `a reasonable model errs on a few percent: ${a}`);
      assert.ok(b > a, `an overfitting RBF (gamma=10) is worse: ${b}`);
      await assert.rejects(ev.evaluate({ C: 1, gamma: 0.01, n_components: 99 }), /problems\.py could not evaluate \{"C":1,"gamma":0\.01,"n_components":99\}: ValueError: n_components must be an integer in 1\.\.30/);
      // The evaluator stays up after a bad point.
      assert.equal(await ev.evaluate({ C: 1, gamma: 0.01, n_components: 5 }), a);
    } finally {
      ev.close();
    }
  });

  it('runs `hpstudio bench --problem svc_cancer` from the repository with no settings', async () => {
    const c = captureIO();
    assert.equal(await runCli(['bench', '--problem', 'svc_cancer', '--sampler', 'random', '--trials', '12', '--json'], c.io), 0, c.err());
    const line = JSON.parse(c.out());
    assert.deepEqual(Object.keys(line.best_value_after), ['10', '12']);
    assert.ok(line.best_value_after['12'] >= 0.0193 && line.best_value_after['12'] < 0.2, c.out());
  });

  it('says where to point it when the evaluator is missing', async () => {
    const c = captureIO();
    const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hps-bench-')), 'none.py');
    assert.equal(await runCli(['bench', '--problem', 'svc_cancer', '--trials', '3', '--evaluator', missing], c.io), 1);
    assert.match(c.err(), /evaluator .*none\.py not found \(pass --evaluator PATH or set HPSTUDIO_BENCH_EVALUATOR\)/);
  });
});
