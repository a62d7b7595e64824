import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { runCli } from '../../../src/cli/main';
import { detectFile } from '../../../src/core/detect';
import { diagnose, RULES } from '../../../src/core/diagnostics';
import { captureIO } from './capture';

const REPO = path.resolve(__dirname, '../../..');
const RECIPES = path.join(REPO, 'test/fixtures/recipes');

/** A small project with one problem of each kind, next to clean and non-ML files. */
const FILES: Record<string, string> = {
  // HF TrainingArguments: learning rate 0 (error) and the transformers 5 warmup_ratio note (with a fix).
  'configs/train.yaml': 'model_name_or_path: bert-base-uncased\nlearning_rate: 0\nper_device_train_batch_size: 8\nnum_train_epochs: 3\nwarmup_ratio: 0.1\n',
  // RL Zoo: max_grad_norm 0 silently stops SB3 training (error); a learning rate far above PPO practice (warning).
  'hyperparams/ppo.yml': 'CartPole-v1:\n  n_envs: 8\n  n_timesteps: !!float 1e5\n  policy: MlpPolicy\n  learning_rate: 0.05\n  max_grad_norm: 0\n',
  // W&B sweep: PyYAML reads 1e-5 as a string (warning with a quick fix).
  'sweeps/sweep.yaml': 'program: train.py\nmethod: bayes\nmetric:\n  name: val_loss\n  goal: minimize\nparameters:\n  lr:\n    distribution: log_uniform_values\n    min: 1e-5\n    max: 1.0e-1\n',
  'clean/config.yaml': 'optimizer:\n  name: adamw\n  lr: 3.0e-4\n  weight_decay: 0.01\ntrainer:\n  max_epochs: 20\n  batch_size: 64\n',
  'docs/compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n',
  'node_modules/pkg/config.yaml': 'learning_rate: 0\n',
};

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'hpstudio-check-'));
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function check(...argv: string[]) {
  const c = captureIO({ cwd: dir });
  const code = await runCli(['check', ...argv], c.io);
  return { code, out: c.out(), err: c.err() };
}

interface JsonFinding {
  path: string; line: number; character: number; endLine: number; endCharacter: number;
  severity: string; rule: string; message: string; fix?: { title: string; edits: Array<{ line: number; character: number; endLine: number; endCharacter: number; newText: string }> };
}

describe('hpstudio check', () => {
  it('prints file:line:col, severity, message, rule and quick fix, and exits 1 on errors', async () => {
    const r = await check('.');
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /^configs\/train\.yaml:2:16 {2}error {4}learning_rate: 0 is invalid for learning rate \(it must be > 0\): with 0 the weights never change.* {2}\[hp\/invalid-value\]$/m);
    assert.match(r.out, /^hyperparams\/ppo\.yml:6:18 {2}error {4}max_grad_norm: 0 breaks training here: Stable-Baselines3 always calls clip_grad_norm_/m);
    assert.match(r.out, /^hyperparams\/ppo\.yml:5:18 {2}warning {2}learning_rate: 5e-2 is high for on-policy RL \(PPO, A2C, TRPO\): published recipes use 1e-5 – 3e-3 \(range from Stable-Baselines3 defaults/m);
    assert.match(r.out, /^sweeps\/sweep\.yaml:9:10 {2}warning {2}PyYAML reads 1e-5 as the string "1e-5".*\[hp\/pyyaml-float\]\n {4}quick fix: Write 1\.0e-5 so PyYAML reads a float$/m);
    assert.match(r.out, /^configs\/train\.yaml:5:1 {2}info {5}warmup_ratio: .*deprecated in transformers 5.*\[hp\/deprecated\]\n {4}quick fix: Rename to warmup_steps \(transformers 5\.0\)$/m);
    assert.doesNotMatch(r.out, /clean\/|compose|node_modules/);
    assert.match(r.out, /^5 problems \(2 errors, 2 warnings, 1 note\) in 3 of 5 files\.$/m);
  });

  it('--json: an array of {path, line, character, endLine, endCharacter, severity, rule, message, fix?}, 0-based', async () => {
    const r = await check('.', '--json');
    assert.equal(r.code, 1);
    const found = JSON.parse(r.out) as JsonFinding[];
    assert.equal(found.length, 5);
    for (const f of found) {
      assert.deepEqual(Object.keys(f).filter(k => k !== 'fix'), ['path', 'line', 'character', 'endLine', 'endCharacter', 'severity', 'rule', 'message']);
      assert.ok(Object.keys(RULES).includes(f.rule), f.rule);
    }
    const lr = found.find(f => f.rule === 'hp/invalid-value' && f.path === 'configs/train.yaml');
    assert.deepEqual(lr && { line: lr.line, character: lr.character, endCharacter: lr.endCharacter, severity: lr.severity }, { line: 1, character: 15, endCharacter: 16, severity: 'error' });
    const float = found.find(f => f.rule === 'hp/pyyaml-float');
    assert.deepEqual(float?.fix, { title: 'Write 1.0e-5 so PyYAML reads a float', edits: [{ line: 8, character: 9, endLine: 8, endCharacter: 13, newText: '1.0e-5' }] });
    // Applying the edit gives what PyYAML reads as a number.
    const text = FILES['sweeps/sweep.yaml'].split('\n')[8];
    assert.equal(text.slice(0, 9) + '1.0e-5' + text.slice(13), '    min: 1.0e-5');
  });

  it('reports exactly what the editor’s diagnose() reports for each file (one definition)', async () => {
    const found = JSON.parse((await check('.', '--json')).out) as JsonFinding[];
    for (const name of Object.keys(FILES).filter(n => !n.startsWith('node_modules'))) {
      const full = path.join(dir, name);
      const text = readFileSync(full, 'utf8');
      const editor = diagnose(detectFile(full, text), text).map(f => `${f.range.line}:${f.range.character} ${f.code} ${f.message}`);
      assert.deepEqual(found.filter(f => f.path === name).map(f => `${f.line}:${f.character} ${f.rule} ${f.message}`), editor, name);
    }
  });

  it('--format sarif: valid SARIF 2.1.0 against the OASIS schema, one result per finding', async () => {
    const r = await check('.', '--format', 'sarif');
    assert.equal(r.code, 1);
    const log = JSON.parse(r.out);
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(path.join(REPO, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')));
    // Validate a separate parse: the type guard would narrow `log` itself to `unknown`.
    assert.ok(validate(JSON.parse(r.out)), JSON.stringify(validate.errors, null, 1));
    const run = log.runs[0];
    assert.equal(log.version, '2.1.0');
    assert.equal(run.tool.driver.name, 'hpstudio');
    assert.deepEqual(run.tool.driver.rules.map((x: { id: string }) => x.id), Object.keys(RULES));
    assert.equal(run.columnKind, 'utf16CodeUnits');
    assert.equal(run.results.length, 5);
    const lr = run.results.find((x: { ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => x.ruleId === 'hp/invalid-value' && x.locations[0].physicalLocation.artifactLocation.uri === 'configs/train.yaml');
    assert.deepEqual(lr.locations[0].physicalLocation.region, { startLine: 2, startColumn: 16, endLine: 2, endColumn: 17 });
    assert.equal(lr.level, 'error');
    assert.equal(run.tool.driver.rules[lr.ruleIndex].id, 'hp/invalid-value');
    const fixed = run.results.find((x: { ruleId: string }) => x.ruleId === 'hp/pyyaml-float');
    assert.equal(fixed.fixes[0].artifactChanges[0].replacements[0].insertedContent.text, '1.0e-5');
    assert.equal(run.results.filter((x: { level: string }) => x.level === 'note').length, 1);
  });

  it('exits 0 when there are only warnings and notes, 1 with --fail-on warning', async () => {
    assert.equal((await check('sweeps')).code, 0);
    assert.equal((await check('sweeps', '--fail-on', 'warning')).code, 1);
    const clean = await check('clean', 'docs');
    assert.equal(clean.code, 0);
    assert.equal(clean.out, 'No problems in 2 files.\n');
  });

  it('limits the report to the rules asked for', async () => {
    const found = JSON.parse((await check('.', '--json', '--rule', 'hp/pyyaml-float')).out) as JsonFinding[];
    assert.deepEqual(found.map(f => f.rule), ['hp/pyyaml-float']);
  });

  it('checks a single named file and skips excluded folders', async () => {
    const one = JSON.parse((await check('configs/train.yaml', '--json')).out) as JsonFinding[];
    assert.deepEqual(one.map(f => f.rule), ['hp/invalid-value', 'hp/deprecated']);
    const excluded = JSON.parse((await check('.', '--json', '--exclude', 'hyperparams', '--exclude', 'configs')).out) as JsonFinding[];
    assert.deepEqual(excluded.map(f => f.path), ['sweeps/sweep.yaml']);
  });

  it('raises no error on the published recipes in test/fixtures', async () => {
    const c = captureIO({ cwd: REPO });
    const code = await runCli(['check', RECIPES, '--json'], c.io);
    assert.equal(code, 0, c.err());
    const found = JSON.parse(c.out()) as JsonFinding[];
    assert.deepEqual(found.filter(f => f.severity === 'error'), []);
  });

  it('reports bad arguments and unreadable paths with exit code 2', async () => {
    for (const argv of [[], ['.', '--format', 'xml'], ['.', '--json', '--format', 'sarif'], ['.', '--rule', 'hp/nope'], ['.', '--fail-on', 'info']]) {
      const r = await check(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')} → ${r.err}`);
      assert.match(r.err, /^hpstudio check: /);
    }
    const missing = await check('no/such/dir', 'clean');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no\/such\/dir: no such file or directory/);
  });

  it('is listed in the top-level help and prints its usage', async () => {
    const c = captureIO();
    await runCli(['--help'], c.io);
    assert.match(c.out(), /^\s+check\s+lint hyperparameter configs/m);
    const usage = await check('--help');
    assert.match(usage.out, /^Usage: hpstudio check <path\|dir>\.\.\./);
    assert.match(usage.out, /Exit codes: 0 no errors/);
  });
});
