import * as assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main';
import { dtlz2, MO_PROBLEMS, zdt2 } from '../../../src/core/bench/problems';
import { captureIO } from '../cli/capture';

describe('hpstudio bench: multi-objective problems (hypervolume)', () => {
  it('prints one JSON line per seed with hypervolume_after at 100 and the last trial, and the overhead', async () => {
    const c = captureIO();
    assert.equal(await runCli(['bench', '--problem', 'zdt1', '--sampler', 'auto', '--trials', '120', '--seeds', '2', '--seed0', '3', '--json'], c.io), 0, c.err());
    const lines = c.out().trim().split('\n').map(l => JSON.parse(l));
    assert.deepEqual(
      lines.map(l => l.seed),
      [3, 4],
    );
    for (const l of lines) {
      assert.deepEqual(Object.keys(l.hypervolume_after), ['100', '120']);
      // More trials never shrink the dominated volume; no run passes the true front's.
      assert.ok(l.hypervolume_after['120'] >= l.hypervolume_after['100'] && l.hypervolume_after['100'] > 0, JSON.stringify(l));
      assert.ok(l.hypervolume_after['120'] <= MO_PROBLEMS.zdt1.bestHypervolume);
      assert.equal(typeof l.overhead_ms_per_trial, 'number');
    }
  });

  it('is reproducible per seed and prints a median table without --json', async () => {
    const run = async (...extra: string[]) => {
      const c = captureIO();
      assert.equal(await runCli(['bench', '-p', 'dtlz2', '-s', 'nsga2', '-n', '100', ...extra], c.io), 0, c.err());
      return c.out();
    };
    const strip = (s: string) => s.replace(/"overhead_ms_per_trial":[0-9.e-]+/, '');
    assert.equal(strip(await run('--json')), strip(await run('--json')));
    assert.match(await run(), /^dtlz2 · nsga2 · 100 trials · reference \(2\.5, 2\.5, 2\.5\)[^\n]*\nseed +HV@100 +overhead ms\n0 +[0-9.]+ +[0-9.]+\nmedian/);
  });

  it('refuses a sampler that models one objective', async () => {
    const c = captureIO();
    assert.equal(await runCli(['bench', '-p', 'zdt2', '-s', 'gp', '-n', '100'], c.io), 2);
    assert.match(c.err(), /--sampler gp models one objective; zdt2 has 2/);
  });

  it('problems: ZDT2 and DTLZ2 reach their fronts where theory says', () => {
    const unit = (n: number, f: (j: number) => number) => Object.fromEntries(Array.from({ length: n }, (_, j) => [`x${j}`, f(j)]));
    assert.deepEqual(zdt2(unit(30, j => (j === 0 ? 0.5 : 0))), [0.5, 0.75]);
    const [a, b, c] = dtlz2(unit(12, j => (j < 2 ? 0.3 : 0.5)));
    assert.ok(Math.abs(a * a + b * b + c * c - 1) < 1e-12);
  });
});
