import * as assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main';
import { captureIO } from '../cli/capture';

describe('hpstudio bench --parallel', function () {
  this.timeout(120_000);

  it('runs each setting and prints one JSON line per side, setting and seed', async () => {
    const c = captureIO();
    assert.equal(await runCli(['bench', '-p', 'branin', '-s', 'tpe', '-n', '24', '--seeds', '2', '--parallel', '1,4', '--json'], c.io), 0);
    const lines = c.out().trim().split('\n').map(l => JSON.parse(l));
    assert.deepEqual(lines.map(l => [l.side, l.parallel, l.seed]), [['ours:tpe', 1, 0], ['ours:tpe', 1, 1], ['ours:tpe', 4, 0], ['ours:tpe', 4, 1]]);
    for (const l of lines) assert.ok(l.regret >= 0 && Math.abs(l.regret - (l.best_value_after['24'] - l.f_star)) < 1e-12);
    // Parallel 1 is the sequential benchmark, value for value.
    const seq = captureIO();
    await runCli(['bench', '-p', 'branin', '-s', 'tpe', '-n', '24', '--json'], seq.io);
    assert.deepEqual(lines[0].best_value_after, JSON.parse(seq.out()).best_value_after);
  });

  it("runs Optuna's sampler under the same schedule (constant_liar TPE at parallel > 1) and prints a table", async () => {
    const c = captureIO();
    assert.equal(await runCli(['bench', '-p', 'branin', '-s', 'tpe', '-n', '15', '--parallel', '1,4', '--optuna', 'tpe'], c.io), 0);
    assert.match(c.out(), /branin · 15 trials · 1 seed\(s\)/);
    assert.match(c.out(), /^side\s+best@15 p=1\s+best@15 p=4\s+regret p=1\s+regret p=4$/m);
    assert.match(c.out(), /^ours:tpe\s/m);
    // The goal line: the bar from our sequential median, and the one seed at parallel 4 within it or not.
    const goal = /^goal: median ≤ 1\.5 × ours at p=1 = (\S+): p=4 (met|missed) \(([01])\/1 seeds within\)$/m.exec(c.out());
    assert.ok(goal, c.out());
    assert.equal(goal[2] === 'met', goal[3] === '1');
    assert.match(c.out(), /^optuna:tpe\s/m);
    assert.match(c.err(), /optuna:tpe_cl parallel 4: seed 0 done/);
  });

  it('refuses bad settings before running anything', async () => {
    for (const [args, message] of [
      [['--parallel', '0'], /integers between 1 and 256/],
      [['--parallel', '2,x'], /integers between 1 and 256/],
      [['--optuna', 'tpe'], /--optuna needs --parallel/],
      [['--parallel', '2', '--optuna', 'smac'], /unknown Optuna sampler "smac"/],
    ] as const) {
      const c = captureIO();
      assert.equal(await runCli(['bench', '-p', 'branin', ...args], c.io), 2);
      assert.match(c.err(), message);
    }
    const lc = captureIO();
    assert.equal(await runCli(['bench', '-p', 'lc_mild', '--parallel', '2'], lc.io), 2);
    assert.match(lc.err(), /learning-curve/);
  });
});
