/** `hpstudio detect`, in-process through runCli. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { FIXTURES, REALWORLD } from './helpers';
import { captureIO } from '../cli/capture';

const capture = (cwd = process.cwd()) => captureIO({ cwd });

const MNIST = path.join(REALWORLD, 'ashleve__lightning-hydra-template', 'configs', 'trainer', 'default.yaml');

describe('hpstudio detect', () => {
  it('prints the exact JSON contract with 0-based positions of each key', async () => {
    const c = capture();
    assert.equal(await runCli(['detect', path.join(FIXTURES, 'hydra/configs/model/resnet.yaml'), '--json'], c.io), 0);
    const payload = JSON.parse(c.out());
    assert.deepEqual(Object.keys(payload), ['files']);
    const [file] = payload.files;
    assert.equal(file.format, 'hydra');
    const lr = file.settings.find((s: { key: string }) => s.key === 'model.optimizer.lr');
    assert.deepEqual(Object.keys(lr).slice(0, 10), ['key', 'name', 'canonical', 'kind', 'value', 'raw', 'line', 'character', 'endLine', 'endCharacter']);
    assert.deepEqual(
      { key: lr.key, name: lr.name, canonical: lr.canonical, kind: lr.kind, value: lr.value, raw: lr.raw, line: lr.line, character: lr.character, endLine: lr.endLine, endCharacter: lr.endCharacter },
      { key: 'model.optimizer.lr', name: 'lr', canonical: 'learning_rate', kind: 'hyperparameter', value: 0.0003, raw: '3.0e-4', line: 5, character: 2, endLine: 5, endCharacter: 4 },
    );
    assert.equal(lr.optimizer, 'adamw');
  });

  it('prints a readable table without --json', async () => {
    const c = capture(path.dirname(MNIST));
    assert.equal(await runCli(['detect', MNIST], c.io), 0);
    const text = c.out();
    assert.match(text, /default\.yaml {2}\[hydra\]/);
    assert.match(text, /key\s+canonical\s+kind\s+value/);
    assert.match(text, /\n {2}trainer\.max_epochs\s+epochs\s+hyperparameter\s+10\s+6:1/);
  });

  it('scans a directory recursively and lists only ML files', async () => {
    const c = capture();
    assert.equal(await runCli(['detect', path.join(FIXTURES, 'negatives'), '--json'], c.io), 0);
    assert.deepEqual(JSON.parse(c.out()), { files: [] });
    const d = capture();
    assert.equal(await runCli(['detect', path.join(FIXTURES, 'hydra'), '--json'], d.io), 0);
    const files = JSON.parse(d.out()).files as Array<{ path: string; format: string }>;
    assert.ok(files.length >= 6);
    assert.ok(files.every(f => f.format === 'hydra'));
  });

  it('lists a named non-ML file with format null', async () => {
    const c = capture();
    assert.equal(await runCli(['detect', path.join(FIXTURES, 'negatives/package.json'), '--json'], c.io), 0);
    assert.deepEqual(JSON.parse(c.out()).files[0], { path: path.join(FIXTURES, 'negatives/package.json'), format: null, settings: [] });
  });

  it('adds "error" to a file that cannot be parsed and goes on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpstudio-cli-'));
    try {
      fs.writeFileSync(path.join(dir, 'bad.yaml'), 'lr: 0.1\nbatch_size: [1, 2\n');
      const c = capture();
      assert.equal(await runCli(['detect', path.join(dir, 'bad.yaml'), MNIST, '--json'], c.io), 0);
      const files = JSON.parse(c.out()).files;
      assert.match(files[0].error, /YAML syntax error at line/);
      assert.equal(files[1].format, 'hydra');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 with a message when a path does not exist, still reporting the others', async () => {
    const c = capture();
    assert.equal(await runCli(['detect', '/definitely/not/here.yaml', MNIST, '--json'], c.io), 1);
    assert.match(c.err(), /not\/here\.yaml: no such file or directory/);
    assert.equal(JSON.parse(c.out()).files.length, 1);
  });

  it('exits 2 on usage errors', async () => {
    for (const argv of [['detect'], ['detect', MNIST, '--frob'], ['detect', MNIST, '--max-size-kb', 'x'], ['detect', MNIST, '--max-size-kb', '-3']]) {
      const c = capture();
      assert.equal(await runCli(argv, c.io), 2, argv.join(' '));
      assert.match(c.err(), /hpstudio detect: /);
    }
  });

  it('declines files above --max-size-kb with a message', async () => {
    const c = capture();
    assert.equal(await runCli(['detect', MNIST, '--json', '--max-size-kb', '0.1'], c.io), 0);
    assert.match(JSON.parse(c.out()).files[0].error, /larger than 0\.1 KB/);
  });

  it('follows mmengine _base_ files for a file named explicitly', async () => {
    const c = capture();
    assert.equal(await runCli(['detect', path.join(FIXTURES, 'mmdet/tiny_net_2x_lr01.py'), '--json'], c.io), 0);
    const settings = JSON.parse(c.out()).files[0].settings as Array<{ key: string; origin?: { kind: string } }>;
    assert.equal(settings.find(s => s.key === 'optim_wrapper.optimizer.momentum')?.origin?.kind, 'inherited');
  });

  it('prints usage with --help', async () => {
    const c = capture();
    assert.equal(await runCli(['detect', '--help'], c.io), 0);
    assert.match(c.out(), /Usage: hpstudio detect <path\|dir>\.\.\. \[--json\]/);
  });
});
