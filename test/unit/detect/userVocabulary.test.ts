/** The user's vocabulary file: parsing with line-numbered problems, applying entries, and the CLI using it. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { runCli } from '../../../src/cli/main';
import { applyVocabulary, detectDocument, detectFile, parseVocabulary } from '../../../src/core/detect';
import { captureIO } from '../cli/capture';
import { REALWORLD } from './helpers';

const WORD_LM = path.join(REALWORLD, 'pytorch__examples', 'word_language_model', 'main.py');

describe('user vocabulary: parsing', () => {
  it('reads entries with ids, "not a hyperparameter", wildcards and scopes', () => {
    const v = parseVocabulary('vocabulary:\n  - key: nhid\n    id: hidden_size\n  - key: "*_units"\n    id: hidden_size\n    files: "models/**"\n  - key: tied\n    hyperparameter: false\n    format: argparse\n');
    assert.deepEqual(v.problems, []);
    assert.deepEqual(v.entries.map(e => [e.line, e.key, e.id, e.files ?? null, e.format ?? null]), [[1, 'nhid', 'hidden_size', null, null], [3, '*_units', 'hidden_size', 'models/**', null], [6, 'tied', null, null, 'argparse']]);
    assert.ok(v.entries[0].matchesKey('--NHID'), 'case, dashes and leading -- do not matter');
    assert.ok(v.entries[1].matchesKey('enc_units') && !v.entries[1].matchesKey('units'));
    assert.ok(v.entries[1].matchesFile?.('models/rnn/train.py') && !v.entries[1].matchesFile?.('scripts/train.py'));
  });

  it('reports each bad entry with its line and keeps the good ones', () => {
    const v = parseVocabulary('vocabulary:\n  - key: nhid\n    id: hidden_sise\n  - id: learning_rate\n  - key: x\n    colour: red\n    id: dropout\n  - key: ok\n    id: dropout\n  - key: y\n  - key: z\n    id: dropout\n    hyperparameter: false\n  - plain\n');
    assert.deepEqual(v.entries.map(e => e.key), ['ok']);
    assert.deepEqual(v.problems.map(p => p.line), [1, 3, 4, 9, 10, 13]);
    assert.match(v.problems[0].message, /unknown canonical id "hidden_sise".*docs\/hyperparameters\.md/);
    assert.match(v.problems[1].message, /`key` must be/);
    assert.match(v.problems[2].message, /unknown field `colour`/);
    assert.match(v.problems[3].message, /give `id:`/);
    assert.match(v.problems[4].message, /contradict/);
  });

  it('reports broken YAML and a missing list on their lines', () => {
    const broken = parseVocabulary('vocabulary:\n  - key: [a\n').problems;
    assert.equal(broken.length, 1);
    assert.match(broken[0].message, /^YAML: /);
    assert.ok(broken[0].line >= 1, 'on or after the broken line, where the parser noticed it');
    assert.match(parseVocabulary('keys:\n  nhid: hidden_size\n').problems[0].message, /top-level `vocabulary:` list/);
    assert.deepEqual(parseVocabulary(''), { entries: [], problems: [] });
  });

  it('never throws on arbitrary text (seeded property test)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), text => {
      const v = parseVocabulary(`vocabulary:\n  - ${text}`);
      return Array.isArray(v.entries) && v.problems.every(p => Number.isInteger(p.line));
    }), { seed: 10, numRuns: 300 });
  });
});

describe('user vocabulary: applied to a real file', () => {
  const text = fs.readFileSync(WORD_LM, 'utf8');

  it('turns an unknown or misread key into the taught id, and marks it', () => {
    const plain = detectFile(WORD_LM, text);
    assert.equal(plain.settings.find(s => s.name === '--tied')?.canonical ?? null, null);
    const taught = applyVocabulary(plain, parseVocabulary('vocabulary:\n  - key: tied\n    id: architecture\n  - key: clip\n    hyperparameter: false\n'), 'word_language_model/main.py');
    const tied = taught.settings.find(s => s.name === '--tied');
    assert.deepEqual([tied?.canonical, tied?.kind, tied?.taught], ['architecture', 'hyperparameter', { line: 1 }]);
    const clip = taught.settings.find(s => s.name === '--clip');
    assert.deepEqual([clip?.canonical, clip?.kind], [null, 'other']);
  });

  it('respects files: and format: scopes, and the first matching entry wins', () => {
    const v = parseVocabulary('vocabulary:\n  - key: nhid\n    id: ffn_size\n    files: "other/**"\n  - key: nhid\n    id: embedding_dim\n    format: hydra\n  - key: nhid\n    id: hidden_size\n  - key: nhid\n    id: dropout\n');
    const got = detectDocument(WORD_LM, text, { vocabulary: v, relativePath: 'word_language_model/main.py' }).settings.find(s => s.name === '--nhid');
    assert.equal(got?.canonical, 'hidden_size');
  });
});

describe('user vocabulary: hpstudio detect', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpstudio-vocab-'));
    fs.mkdirSync(path.join(dir, '.hpstudio'));
    fs.mkdirSync(path.join(dir, 'lm'));
    fs.copyFileSync(WORD_LM, path.join(dir, 'lm', 'main.py'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('applies the nearest .hpstudio/vocabulary.yaml to files and directories', async () => {
    fs.writeFileSync(path.join(dir, '.hpstudio', 'vocabulary.yaml'), 'vocabulary:\n  - key: tied\n    id: architecture\n    files: "lm/*.py"\n');
    for (const target of [path.join(dir, 'lm', 'main.py'), dir]) {
      const c = captureIO({ cwd: dir });
      assert.equal(await runCli(['detect', target, '--json'], c.io), 0);
      const tied = (JSON.parse(c.out()).files[0].settings as Array<{ name: string; canonical: string; taught?: unknown }>).find(s => s.name === '--tied');
      assert.equal(tied?.canonical, 'architecture', target);
      assert.deepEqual(tied?.taught, { line: 1 });
      assert.equal(c.err(), '');
    }
  });

  it('prints a bad entry with file and line on stderr, applies the rest, and still succeeds', async () => {
    fs.writeFileSync(path.join(dir, 'vocab.yaml'), 'vocabulary:\n  - key: tied\n    id: not_an_id\n  - key: clip\n    hyperparameter: false\n');
    const c = captureIO({ cwd: dir });
    assert.equal(await runCli(['detect', path.join('lm', 'main.py'), '--json', '--vocabulary', 'vocab.yaml'], c.io), 0);
    assert.match(c.err(), /^hpstudio detect: vocab\.yaml:2: unknown canonical id "not_an_id"/);
    const clip = (JSON.parse(c.out()).files[0].settings as Array<{ name: string; kind: string }>).find(s => s.name === '--clip');
    assert.equal(clip?.kind, 'other');
  });
});
