/**
 * Issue #16 item 9: detection stays bounded on hostile text. The hostile files of the issue get a
 * clear refusal from a linear pre-check (they used to take 10–59 s and up to 1.1 GB first), the
 * legitimate file with 1,500 aliases is read (it used to be refused as an alias bomb), and long
 * Python is parsed in pieces with the same result as a whole parse. Time and memory are measured
 * in test/bench/detect-bounds.bench.ts; these tests check the behaviour.
 */
import * as assert from 'node:assert/strict';
import { detectFile } from '../../../src/core/detect';
import { UNLIMITED } from '../../../src/core/detect/budget';
import { MAX_ENTRIES } from '../../../src/core/detect/parsers/guards';
import { MAX_PREFIX_RUN, MAX_PYTHON_TOKENS, MAX_STATEMENT_TOKENS } from '../../../src/core/detect/parsers/pythonSource';
import { MAX_ALIAS_NODES } from '../../../src/core/detect/parsers/yaml';

const MB = 1024 * 1024;
/**
 * For the tests that read a long file whole: what they check is the reading, not the CPU budget (its
 * own tests, budget.test.ts, use a counting clock). A cold parser spends 0.6–1 s of CPU on these
 * 24,000 lines, so on a slow machine the default 700 ms budget cut the file short and the test failed.
 */
const NO_BUDGET = { force: true, budget: () => UNLIMITED } as const;

describe('detect: resource bounds on hostile text (issue #16)', () => {
  it('refuses a 1 MB .py of "{" with a clear message', () => {
    const r = detectFile('train.py', `import torch\nlr = 0.1\nx = ${'{'.repeat(MB - 40)}`, { force: true });
    assert.equal(r.format, null);
    assert.match(r.error ?? '', /^Python brackets nested deeper than 200 levels at line 3 \(Python itself refuses this\); not analysed$/);
  });

  it('refuses runs of prefix operators no real code writes (they cost the parser ~100 MB per statement)', () => {
    const r = detectFile('train.py', `import torch\nlr = 0.1\nok = ${'not '.repeat(MAX_PREFIX_RUN + 1)}x\n`, { force: true });
    assert.match(r.error ?? '', /prefix operators in a row at line 3/);
    assert.equal(detectFile('train.py', 'import torch\nlr = -(-0.1)\nok = not not x\n', { force: true }).error, undefined);
  });

  it('refuses a megabyte of one-character tokens (generated code) but reads a long ordinary file', () => {
    const dense = detectFile('train.py', `import torch\n${'a=b+c*d\n'.repeat(MB / 8 - 2)}`, { force: true });
    assert.equal(dense.error, `Python file has more than ${MAX_PYTHON_TOKENS.toLocaleString('en-US')} tokens (generated code?); not analysed`);
    const lines = Array.from({ length: 8_000 }, (_, i) => `    parser.add_argument("--option-${i}", type=int, default=${i}, help="option number ${i} of the model")`);
    const long = detectFile('train.py', `import argparse\nimport torch\ndef main():\n    parser = argparse.ArgumentParser()\n${lines.join('\n')}\n    parser.add_argument("--lr", type=float, default=3e-4)\n`, NO_BUDGET);
    assert.equal(long.error, undefined);
    assert.ok(long.settings.some(s => s.key === 'lr' && s.value === 3e-4));
  });

  it('refuses a file whose one statement is too long to parse in pieces (a data table), naming its line', () => {
    const r = detectFile('train.py', `import torch\nlr = 0.1\nDATA = [${'1, '.repeat(MAX_STATEMENT_TOKENS / 2 + 10)}]\n`, { force: true });
    assert.equal(r.error, `Python statement at line 3 has more than ${MAX_STATEMENT_TOKENS.toLocaleString('en-US')} tokens (a data table?); not analysed`);
  });

  it('refuses the 814 KB YAML with 75,000 aliases by its size, before parsing it', () => {
    const lines = ['base: &a {learning_rate: 0.1, batch_size: 32}'];
    for (let i = 0; i < 75_000; i++) lines.push(`k${i}: *a`);
    const r = detectFile('configs/aliases.yaml', lines.join('\n'), { force: true });
    assert.equal(r.format, null);
    assert.equal(r.error, `YAML file has more than ${MAX_ENTRIES.toLocaleString('en-US')} entries (a data file?); not analysed`);
  });

  it('reads a legitimate 14 KB file with 1,500 aliases (no longer an "alias bomb")', () => {
    const lines = ['learning_rate: &lr 0.001', 'batch_size: &bs 32', 'stages:'];
    for (let i = 0; i < 750; i++) lines.push(`  - {lr: *lr, bs: *bs}`);
    const text = lines.join('\n');
    assert.ok(text.length > 14_000 && text.length < 20_000, `${text.length} chars`);
    const r = detectFile('configs/stages.yaml', text, { force: true });
    assert.equal(r.error, undefined);
    assert.equal(r.format, 'ml-yaml');
    assert.deepEqual(r.settings.filter(s => s.key === 'learning_rate' || s.key === 'batch_size').map(s => s.value), [0.001, 32]);
  });

  it('bounds aliases by what they expand to: a block aliased a thousand times is fine, a billion laughs is not', () => {
    const ok = ['defaults: &d {learning_rate: 0.001, batch_size: 32, gamma: 0.99}'];
    for (let i = 0; i < 1000; i++) ok.push(`env${i}:`, '  <<: *d', `  n_timesteps: ${i}`);
    const merged = detectFile('hyperparams/ppo.yml', ok.join('\n'), { force: true });
    assert.equal(merged.error, undefined);
    assert.equal(merged.settings.filter(s => s.key === 'env999.learning_rate').length, 1);
    const bomb = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]', 'lr: 0.1'];
    for (let i = 1; i < 10; i++) bomb.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9).fill(`*${'abcdefghij'[i - 1]}`).join(', ')}]`);
    const r = detectFile('bomb.yaml', bomb.join('\n'), { force: true });
    assert.equal(r.error, `YAML aliases expand to more than ${MAX_ALIAS_NODES.toLocaleString('en-US')} nodes (an alias bomb?); not analysed`);
  });

  it('refuses megabyte-deep flow nesting in YAML and TOML with the line', () => {
    for (const [file, text] of [
      ['c.yaml', `lr: 0.1\nx: &a ${'['.repeat(MB - 20)}`],
      ['c.yaml', `lr: 0.1\nx:\n${'- '.repeat(1000)}1\n`],
      ['c.toml', `lr = 0.1\nx = ${'['.repeat(MB - 20)}`],
      ['c.toml', `lr = 0.1\nx${'.a'.repeat(1000)} = 1\n`],
    ]) {
      const r = detectFile(file, text, { force: true });
      assert.match(r.error ?? '', /^(YAML|TOML) nesting deeper than 200 levels at line [23]; not analysed$/, `${file}: ${r.error}`);
    }
  });

  it('keeps quotes, comments and brackets inside plain text apart (no false refusals)', () => {
    const yaml = `# [[[[ not flow\nlr: 0.001 # [[[[\nname: it's [[[[ plain\npattern: "[[[[[["\nbatch_size: 32\n`;
    assert.equal(detectFile('c.yaml', yaml, { force: true }).error, undefined);
    const toml = `[optimizer]\nlr = 0.001 # [[[[\npattern = "[[[["\nraw = '''[[[[\n[[[['''\nbatch_size = 32\n`;
    assert.equal(detectFile('c.toml', toml, { force: true }).error, undefined);
    const py = `import torch\ns = "((((("  # ((((\nt = '''[[[[\n'''\nlr = 1e-3\n`;
    const r = detectFile('train.py', py, { force: true });
    assert.equal(r.error, undefined);
    assert.ok(r.settings.some(s => s.key === 'lr'));
  });

  it('reads only the first YAML document with content, however many documents follow', () => {
    const r = detectFile('c.yaml', `lr: 0.1\nbatch_size: 8\n${'---\n'.repeat(200_000)}`, { force: true });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.settings.map(s => s.key).sort(), ['batch_size', 'lr']);
  });

  it('parses long Python in pieces with the same settings as a whole parse', () => {
    // ~70,000 tokens of filler between settings at the top, in the middle and at the end.
    const filler = Array.from({ length: 12_000 }, (_, i) => `_v${i} = f(${i})`).join('\n');
    const text = `import argparse\nimport torch\nLR = 3e-4\n${filler}\nmodel = torch.nn.Dropout(p=0.25)\n${filler}\nparser = argparse.ArgumentParser()\nparser.add_argument("--lr", type=float, default=LR)\nparser.add_argument("--epochs", type=int, default=30)\n`;
    const r = detectFile('train.py', text, NO_BUDGET);
    assert.equal(r.error, undefined);
    const got = r.settings.map(s => `${s.key}=${String(s.value)}@${s.range.line}`);
    const lines = text.split('\n');
    const at = (needle: string) => lines.findIndex(l => l.includes(needle));
    assert.deepEqual(got, [`LR=0.0003@${at('LR = 3e-4')}`, `Dropout.p=0.25@${at('Dropout(')}`, `lr=0.0003@${at('"--lr"')}`, `epochs=30@${at('"--epochs"')}`]);
  });
});
