/**
 * Hostile input: truncated and garbage text, 10,000-deep nesting, alias bombs, huge files. Detection
 * must never throw and must stay bounded (these tests only need to finish within mocha's timeout).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { detectFile, findSettingAt, quickScan } from '../../../src/core/detect';
import { REALWORLD } from './helpers';

const EXTENSIONS = ['yaml', 'json', 'toml', 'py', 'conf'];
const realFiles = (fs.readdirSync(REALWORLD, { recursive: true }) as string[])
  .filter(f => /\.(ya?ml|json|toml|py|conf)$/.test(f))
  .sort()
  .map(f => ({ name: f, text: fs.readFileSync(path.join(REALWORLD, f), 'utf8') }));

function wellFormed(r: ReturnType<typeof detectFile>): void {
  assert.ok(r.format === null || typeof r.format === 'string');
  assert.ok(Array.isArray(r.settings));
  for (const s of r.settings) {
    assert.ok(s.range.line >= 0 && s.range.character >= 0, 'non-negative positions');
    assert.ok(s.range.endLine > s.range.line || (s.range.endLine === s.range.line && s.range.endCharacter >= s.range.character), 'range ends after it starts');
    assert.equal(typeof s.key, 'string');
  }
  if (r.error !== undefined) assert.ok(r.error.length > 5, 'errors say something');
}

describe('detect: robustness', () => {
  it('never throws on truncated real configs (any prefix of any corpus file)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: realFiles.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (i, cut) => {
        const f = realFiles[i];
        const r = detectFile(`configs/${f.name}`, f.text.slice(0, Math.floor(f.text.length * cut)), { force: true });
        wellFormed(r);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on garbage in any supported format', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXTENSIONS), fc.string({ unit: 'binary', maxLength: 400 }), (ext, text) => {
        wellFormed(detectFile(`x/train.${ext}`, text, { force: true }));
        quickScan(`x/train.${ext}`, text);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on config-shaped noise (keys, brackets, quotes, tags, references)', () => {
    const token = fc.constantFrom('lr: ', 'gamma = ', '"eta": ', '[', ']', '{', '}', '(', ')', ',', '\n', '  ', '- ', '&a ', '*a ', '<<: ', '!!float ', '${x.y}', '???', '"', "'", '#', '1e-3', 'auto', 'dict(', 'L(', 'trial.suggest_float("lr", ', 'tune.choice([', 'add_argument("--lr", default=', '\\', ':', '=');
    fc.assert(
      fc.property(fc.constantFrom(...EXTENSIONS), fc.array(token, { maxLength: 80 }), (ext, tokens) => {
        const r = detectFile(`configs/x.${ext}`, tokens.join(''), { force: true });
        wellFormed(r);
        if (r.settings.length > 0) findSettingAt(r, r.settings[0].range.line, r.settings[0].range.character);
      }),
      { numRuns: 400 },
    );
  });

  it('handles 10,000-deep nesting in every format with a clear message or a bounded result', () => {
    const n = 10_000;
    const cases: Array<[string, string]> = [
      ['deep.json', `{"lr": 0.1, "a": ${'['.repeat(n)}${']'.repeat(n)}}`],
      ['deep2.json', `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`],
      ['deep.yaml', `lr: 0.1\nx: ${'['.repeat(n)}${']'.repeat(n)}\n`],
      ['deep2.yaml', `${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`],
      ['deep.toml', `lr = 0.1\nx = ${'['.repeat(n)}${']'.repeat(n)}\n`],
      ['deep.py', `import torch\nlr = ${'('.repeat(n)}1${')'.repeat(n)}\nx = ${'['.repeat(n)}${']'.repeat(n)}\n`],
      ['deep2.py', `import torch\nd = ${'dict(a='.repeat(3000)}1${')'.repeat(3000)}\n`],
    ];
    for (const [name, text] of cases) {
      const r = detectFile(`configs/${name}`, text, { force: true });
      wellFormed(r);
      if (r.error) assert.match(r.error, /too deep|deeper than|limit/i, `${name}: ${r.error}`);
    }
  });

  it('blocks YAML alias bombs with a clear error', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcdefghij';
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1];
      lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    lines.push('lr: 0.1', 'batch_size: 32');
    const r = detectFile('configs/bomb.yaml', lines.join('\n'), { force: true });
    assert.equal(r.format, null);
    assert.match(r.error ?? '', /alias/i);
  });

  it('blocks merge-key bombs too', () => {
    const lines = ['base0: &b0 {lr: 0.1, batch_size: 4}'];
    for (let i = 1; i < 30; i++) lines.push(`base${i}: &b${i}\n  <<: [*b${i - 1}, *b${i - 1}, *b${i - 1}]\n  x${i}: 1`);
    const r = detectFile('configs/merge-bomb.yaml', lines.join('\n'), { force: true });
    wellFormed(r);
    assert.match(r.error ?? '', /alias/i);
  });

  it('declines a 50 MB JSON without parsing it, with a message', () => {
    const big = `{"lr": 0.1, "data": "${'x'.repeat(50 * 1024 * 1024)}"}`;
    const r = detectFile('ds_config.json', big);
    assert.equal(r.format, null);
    assert.deepEqual(r.settings, []);
    assert.match(r.error ?? '', /50\.0 MB.*limit/);
    assert.equal(quickScan('ds_config.json', big).candidate, true, 'the quick scan only reads the head');
  });

  it('honours a custom size limit', () => {
    const r = detectFile('a.yaml', 'lr: 0.1\nbatch_size: 4\n', { maxBytes: 10 });
    assert.match(r.error ?? '', /limit/);
    assert.equal(detectFile('a.yaml', 'lr: 0.1\nbatch_size: 4\n', { maxBytes: 1000 }).format, 'ml-yaml');
  });

  it('reports syntax errors with a line number and keeps going', () => {
    const y = detectFile('configs/bad.yaml', 'lr: 0.1\nbatch_size: [1, 2\nepochs: 3\n', { force: true });
    assert.match(y.error ?? '', /^YAML syntax error at line \d+/);
    const j = detectFile('training_args.json', '{"learning_rate": 1e-5,, "x": }', { force: true });
    assert.match(j.error ?? '', /^JSON syntax error at line 1/);
    const t = detectFile('train.toml', '[optimizer]\nlr = = 3\n', { force: true });
    assert.match(t.error ?? '', /^TOML syntax error/);
  });

  it('reads multi-document YAML by its first document (Kubernetes bundles stay negative)', () => {
    const bundle = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n';
    assert.deepEqual(detectFile('k8s/all.yaml', bundle, { force: true }), { path: 'k8s/all.yaml', format: null, settings: [] });
    const r = detectFile('configs/a.yaml', '---\nlr: 0.1\nbatch_size: 3\n---\nother: 1\n', { force: true });
    assert.equal(r.format, 'ml-yaml');
    assert.equal(r.settings.find(s => s.key === 'lr')?.range.line, 1);
  });

  it('skips Git LFS pointer files', () => {
    const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n';
    assert.equal(quickScan('training_args.json', pointer).candidate, false);
    assert.deepEqual(detectFile('training_args.json', pointer, { force: true }), { path: 'training_args.json', format: null, settings: [] });
  });

  it('keeps positions right with CRLF line endings and a BOM', () => {
    const text = '\ufefflr: 0.1\r\nbatch_size: 32\r\nepochs: 3\r\n';
    const r = detectFile('configs/crlf.yaml', text);
    const bs = r.settings.find(s => s.key === 'batch_size');
    assert.deepEqual(bs?.range, { line: 1, character: 0, endLine: 1, endCharacter: 10 });
    // Editors hide the byte-order mark, so `lr` starts at character 0.
    assert.deepEqual(r.settings.find(s => s.key === 'lr')?.range, { line: 0, character: 0, endLine: 0, endCharacter: 2 });
  });
});
