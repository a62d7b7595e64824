/** `hpstudio check` as a real process: the exit code and output a pre-commit hook sees (in-process cases: test/unit/cli/check.test.ts). */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');

const FILES: Record<string, string> = {
  'configs/train.yaml': 'model_name_or_path: bert-base-uncased\nlearning_rate: 0\nper_device_train_batch_size: 8\nnum_train_epochs: 3\n',
  'sweeps/sweep.yaml': 'program: train.py\nmethod: bayes\nmetric:\n  name: val_loss\n  goal: minimize\nparameters:\n  lr:\n    distribution: log_uniform_values\n    min: 1e-5\n    max: 1.0e-1\n',
  'clean/config.yaml': 'optimizer:\n  name: adamw\n  lr: 3.0e-4\n  weight_decay: 0.01\ntrainer:\n  max_epochs: 20\n  batch_size: 64\n',
};

describe('hpstudio check (real process)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hpstudio-check-'));
    for (const [name, text] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exit code and output as a pre-commit hook sees them', () => {
    const cli = path.join(REPO, 'src/cli/bin.ts');
    const register = require.resolve('esbuild-register');
    const bad = spawnSync(process.execPath, ['-r', register, cli, 'check', 'configs/train.yaml', 'sweeps/sweep.yaml'], { cwd: dir, encoding: 'utf8' });
    assert.equal(bad.status, 1, bad.stderr);
    assert.match(bad.stdout, /^configs\/train\.yaml:2:16 {2}error {4}learning_rate: 0 is invalid/m);
    assert.equal(bad.stderr, '');
    const good = spawnSync(process.execPath, ['-r', register, cli, 'check', 'clean/config.yaml'], { cwd: dir, encoding: 'utf8' });
    assert.equal(good.status, 0, good.stderr);
  });
});
