/**
 * Issue #16 item 11: `hpstudio explain` on hostile arguments — a 5,000-deep `--value` list is a
 * clear usage error (it overflowed the stack), and an unknown `--framework` names the known ones
 * (it was silently ignored).
 */
import * as assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main';
import { captureIO } from './capture';

async function explain(...argv: string[]) {
  const c = captureIO();
  const code = await runCli(['explain', ...argv], c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('hpstudio explain: hostile arguments (issue #16)', () => {
  it('rejects a 5,000-deep --value list with a clear message, for every entry and with --json', async () => {
    const deep = `${'['.repeat(5000)}0.1${']'.repeat(5000)}`;
    for (const argv of [['lr', '--value', deep], ['betas', '--value', deep], ['dropout', '--value', deep, '--json']]) {
      const r = await explain(...argv);
      assert.equal(r.code, 2, r.err);
      assert.equal(r.out, '');
      assert.match(r.err, /^hpstudio explain: --value is nested 5000 levels deep; at most 32 levels are judged \(see `hpstudio explain --help`\)\n$/);
    }
    const objects = await explain('lr', '--value', `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`);
    assert.equal(objects.code, 2);
    assert.match(objects.err, /--value is nested 100 levels deep/);
  });

  it('still judges ordinary lists and nested pairs', async () => {
    const r = await explain('betas', '--value', '[0.9, 0.999]');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Value \[0\.9, 0\.999\]: /m);
    assert.equal((await explain('lr', '--value', '[[1e-3, 1e-4]]')).code, 0);
  });

  it('rejects an unknown --framework and lists the known ones', async () => {
    const r = await explain('lr', '--framework', 'pytorhc');
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /^hpstudio explain: unknown --framework "pytorhc" — did you mean pytorch\? Known: pytorch, hf, keras, lightning, xgboost, lightgbm, catboost, sklearn, sb3, ultralytics, deepspeed, peft, mmengine, detectron2, timm, torchvision, axolotl, other \(also accepted: torch, transformers, /);
    const none = await explain('lr', '--framework', 'qqqqqqq');
    assert.match(none.err, /^hpstudio explain: unknown --framework "qqqqqqq"\. Known: pytorch, /);
  });

  it('accepts the spellings people write (aliases, any case)', async () => {
    for (const name of ['PyTorch', 'transformers', 'stable-baselines3', 'XGB', 'other']) assert.equal((await explain('lr', '--framework', name)).code, 0, name);
  });
});
