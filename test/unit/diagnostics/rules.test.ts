import * as assert from 'node:assert/strict';
import { loadCorpus } from '../../realworld/corpus';
import { readFileSync } from 'node:fs';
import { detectFile } from '../../../src/core/detect';
import type { DetectedFile, Setting, SourceRange } from '../../../src/core/detect/types';
import { diagnose, pyyamlFloatText, pyyamlReadsAsString, type Finding } from '../../../src/core/diagnostics';

let line = 0;
const at = (l = line++): SourceRange => ({ line: l, character: 2, endLine: l, endCharacter: 8 });

function setting(key: string, canonical: string | null, value: unknown, extra: Partial<Setting> = {}): Setting {
  const range = at();
  return { key, name: key.split('.').pop() ?? key, canonical, kind: 'hyperparameter', value, raw: JSON.stringify(value) ?? '', range, valueRange: { ...range, character: 10, endCharacter: 14 }, ...extra };
}
const file = (format: string | null, settings: Setting[], p = 'config.yaml'): DetectedFile => ({ path: p, format, settings });
const codes = (findings: readonly Finding[]) => findings.map(f => f.code);

describe('diagnose: values judged by the knowledge base (hp/invalid-value, hp/unusual-value)', () => {
  it('errors on a learning rate of 0 or below, for any optimizer, and says why', () => {
    const zero = setting('lr', 'learning_rate', 0, { optimizer: 'sgd' });
    const negative = setting('optimizer.lr', 'learning_rate', -0.001);
    const found = diagnose(file('hydra', [zero, negative]), '');
    assert.deepEqual(codes(found), ['hp/invalid-value', 'hp/invalid-value']);
    assert.equal(found[0].severity, 'error');
    assert.match(found[0].message, /^lr: 0 is invalid for learning rate \(it must be > 0\): with 0 the weights never change/);
    assert.match(found[1].message, /^lr: -1e-3 is invalid for learning rate/);
    assert.deepEqual(found[0].range, zero.valueRange);
  });

  it('warns when a value is outside published practice for its optimizer, with the range and its source', () => {
    const adam = setting('lr', 'learning_rate', 3, { optimizer: 'AdamW' });
    const hf = setting('learning_rate', 'learning_rate', 2e-5, { framework: 'hf' });
    const sgd = setting('lr', 'learning_rate', 2, { optimizer: 'sgd' });
    const eta = setting('eta', 'learning_rate', 0.3, { framework: 'xgboost' });
    const found = diagnose(file('hydra', [adam, hf, sgd, eta]), '');
    assert.equal(found.length, 1);
    assert.equal(found[0].code, 'hp/unusual-value');
    assert.equal(found[0].severity, 'warning');
    assert.match(found[0].message, /^lr: 3 is high for Adam\/AdamW: published recipes use 1e-7 – 5e-2 \(range from torch\.optim\.Adam/);
  });

  it('ignores logged values, search domains and placeholders', () => {
    const logged = setting('log_history[0].learning_rate', 'learning_rate', 0, { kind: 'logged' });
    const swept = setting('lr', 'learning_rate', null, { search: { type: 'float', low: 0, high: 1 } });
    const auto = setting('optimizer.params.lr', 'learning_rate', null, { raw: '"auto"', origin: { kind: 'auto', text: 'auto' } });
    assert.deepEqual(diagnose(file('hydra', [logged, swept, auto]), ''), []);
  });

  it('errors on dropout outside [0, 1), batch sizes of 0 or below and momentum or betas of 1 or more', () => {
    const found = diagnose(file('hf-model-config', [
      setting('hidden_dropout_prob', 'dropout', 1),
      setting('attention_probs_dropout_prob', 'attention_dropout', -0.1),
      setting('lora_dropout', 'lora_dropout', 1.5),
      setting('dropout', 'dropout', 0),
      setting('drop_path_rate', 'drop_path', 0.5),
      setting('batch_size', 'batch_size', 0),
      setting('momentum', 'momentum', 1),
      setting('optimizer.betas', 'adam_betas', [0.9, 1.001]),
    ]), '');
    assert.deepEqual(codes(found), Array(6).fill('hp/invalid-value'));
    assert.match(found[0].message, /^hidden_dropout_prob: 1 is invalid for dropout \(it must be < 1\): at 1 every unit is zeroed/);
    assert.match(found[3].message, /^batch_size: 0 is invalid for batch size \(it must be ≥ 1\)/);
    assert.match(found[5].message, /^betas: β2: 1\.001 is invalid for Adam β2/);
    const yolo = diagnose(file('ultralytics', [setting('batch', 'batch_size', -1, { framework: 'ultralytics' })], 'default.yaml'), '', { pyyaml: false });
    assert.deepEqual(yolo, []);
  });

  it('judges a value in its framework: max_grad_norm 0 is off for HF and breaks Stable-Baselines3', () => {
    const hf = diagnose(file('hf-training-args', [setting('max_grad_norm', 'grad_clip_norm', 0, { framework: 'hf' })]), '');
    assert.deepEqual(hf, []);
    const sb3 = diagnose(file('rl-zoo', [setting('CartPole-v1.max_grad_norm', 'grad_clip_norm', 0, { framework: 'sb3' })], 'hyperparams/ppo.yml'), '', { pyyaml: false });
    assert.deepEqual(codes(sb3), ['hp/invalid-value']);
    assert.match(sb3[0].message, /always calls clip_grad_norm_.*multiplied by 0 and training silently stops/);
  });
});

describe('diagnose: deprecated keys (hp/deprecated)', () => {
  it('notes transformers 5 warmup_ratio with a rename quick fix, but not in axolotl files', () => {
    const text = 'learning_rate: 2.0e-05\nwarmup_ratio: 0.1\n';
    const ratio = setting('warmup_ratio', 'warmup_ratio', 0.1, { framework: 'hf', range: { line: 1, character: 0, endLine: 1, endCharacter: 12 } });
    const found = diagnose(file('hf-training-args', [ratio], 'config.yaml'), text);
    assert.deepEqual(codes(found), ['hp/deprecated']);
    assert.equal(found[0].severity, 'info');
    assert.match(found[0].message, /deprecated in transformers 5/);
    assert.deepEqual(found[0].fix, { title: 'Rename to warmup_steps (transformers 5.0)', edits: [{ range: ratio.range, newText: 'warmup_steps' }] });
    assert.deepEqual(diagnose(file('axolotl', [ratio], 'lora.yml'), text, { pyyaml: false }), []);
  });

  it('notes scikit-learn 1.8 penalty only on LogisticRegression, and LightGBM 4 boosting goss', () => {
    const found = diagnose(file('python', [
      setting('LogisticRegression.penalty', 'l1_penalty', 'l2', { framework: 'sklearn' }),
      setting('SGDClassifier.penalty', 'l1_penalty', 'l2', { framework: 'sklearn' }),
    ], 'models.py'), '');
    assert.deepEqual(found.map(f => f.code), ['hp/deprecated']);
    assert.match(found[0].message, /^penalty: LogisticRegression `penalty` is deprecated in scikit-learn 1\.8/);
    const goss = diagnose(file('lightgbm-conf', [setting('boosting', 'booster', 'goss', { framework: 'lightgbm' }), setting('boosting', 'booster', 'gbdt', { framework: 'lightgbm' })], 'train.conf'), '');
    assert.deepEqual(goss.map(f => f.code), ['hp/deprecated']);
    assert.match(goss[0].message, /data_sample_strategy: goss/);
  });
});

describe('diagnose: values PyYAML reads as strings', () => {
  const sweep = [
    'program: train.py',
    'method: bayes',
    'metric: {name: val_loss, goal: minimize}',
    'parameters:',
    '  learning_rate:',
    '    distribution: log_uniform_values',
    '    min: 1e-5   # lower bound',
    '    max: 1.0e-1',
    '  weight_decay:',
    '    values: [0, 1e-4, 3.0E-4, 1E5]',
    '  eps:',
    '    value: !!float 1e-8',
    '  note:',
    '    value: "1e-5"',
    '  # min: 1e-6',
    'description: |',
    '  lr 1e-5 is written in prose here',
    'early_terminate: {type: hyperband, min_iter: 3}',
  ].join('\n');

  it('finds each unsigned or dot-less exponent with its exact range and a quick fix', () => {
    const found = diagnose(file('wandb-sweep', [], 'sweep.yaml'), sweep);
    assert.deepEqual(found.map(f => `${f.range.line}:${f.range.character}-${f.range.endCharacter} ${f.fix?.edits[0].newText}`), ['6:9-13 1.0e-5', '9:16-20 1.0e-4', '9:30-33 1.0E+5']);
    const first = found[0];
    assert.equal(first.code, 'hp/pyyaml-float');
    assert.equal(first.severity, 'warning');
    assert.equal(first.message, 'PyYAML reads 1e-5 as the string "1e-5", not a number (a W&B sweep file is loaded with plain PyYAML). Write 1.0e-5.');
    assert.equal(first.fix?.title, 'Write 1.0e-5 so PyYAML reads a float');
    assert.deepEqual(first.fix?.edits, [{ range: { line: 6, character: 9, endLine: 6, endCharacter: 13 }, newText: '1.0e-5' }]);
    // Applying the fix leaves text PyYAML reads as a float.
    const fixedLine = sweep.split('\n')[6].slice(0, 9) + '1.0e-5' + sweep.split('\n')[6].slice(13);
    assert.equal(fixedLine, '    min: 1.0e-5   # lower bound');
  });

  it('checks YOLO hyperparameter files and RL Zoo files too', () => {
    const hyp = 'lr0: 0.01\nlrf: 1e-2\nwarmup_bias_lr: 0.1\n';
    assert.deepEqual(diagnose(file('ultralytics', [], 'data/hyps/hyp.scratch-low.yaml'), hyp).map(f => f.fix?.edits[0].newText), ['1.0e-2']);
    assert.match(diagnose(file('rl-zoo', [], 'hyperparams/ppo.yml'), 'CartPole-v1:\n  learning_rate: 3e-4\n')[0].message, /an RL Zoo hyperparameter file/);
  });

  it('leaves OmegaConf/Hydra, JSON and non-ML files alone', () => {
    assert.deepEqual(diagnose(file('hydra', [], 'conf/config.yaml'), 'lr: 1e-5\n'), []);
    assert.deepEqual(diagnose(file('wandb-sweep', [], 'sweep.json'), '{"min": 1e-5}'), []);
    assert.deepEqual(diagnose(file(null, [], 'sweep.yaml'), 'min: 1e-5\n'), []);
  });

  it('handles flow mappings, anchors and explicit tags', () => {
    const text = 'lr: {min: 1e-5, max: 0.1}\nwd: &wd 1e-4\neps: !!str 1e-8\nbeta: !!float 1e-3\n';
    assert.deepEqual(diagnose(file('wandb-sweep', [], 'sweep.yaml'), text).map(f => `${f.range.line}:${f.range.character}`), ['0:10', '1:8']);
  });

  it('honours the option to force or suppress the check', () => {
    assert.equal(diagnose(file('hydra', [], 'conf/x.yaml'), 'lr: 1e-5\n', { pyyaml: true }).length, 1);
    assert.equal(diagnose(file('wandb-sweep', [], 'sweep.yaml'), 'min: 1e-5\n', { pyyaml: false }).length, 0);
  });

  it('knows exactly which spellings PyYAML turns into strings', () => {
    for (const s of ['1e-5', '1E5', '1.0e5', '3e+2', '-2e-3', '1_000e-3']) assert.ok(pyyamlReadsAsString(s), s);
    for (const s of ['1.0e-5', '1.e-5', '.5e-3', '0.001', '100', 'abc', '1e', '"1e-5"']) assert.ok(!pyyamlReadsAsString(s), s);
    assert.equal(pyyamlFloatText('1e-5'), '1.0e-5');
    assert.equal(pyyamlFloatText('-2E3'), '-2.0E+3');
    assert.equal(pyyamlFloatText('1.5e5'), '1.5e+5');
  });

  it('scans a huge file without trouble', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i % 1000 === 0 ? '1e-5' : '0.5'}`).join('\n');
    assert.equal(diagnose(file('wandb-sweep', [], 'sweep.yaml'), big).length, 20);
  });
});

describe('diagnose: relations between settings', () => {
  it('errors when the hidden size is not divisible by the number of heads', () => {
    const hidden = setting('hidden_size', 'hidden_size', 768);
    const heads = setting('num_attention_heads', 'num_heads', 10);
    const found = diagnose(file('hf-model-config', [hidden, heads], 'config.json'), '');
    assert.equal(found.length, 1);
    assert.equal(found[0].code, 'hp/heads-divisibility');
    assert.equal(found[0].severity, 'error');
    assert.equal(found[0].message, 'hidden_size = 768 is not divisible by num_attention_heads = 10 (768 / 10 = 76.8): attention splits the hidden size evenly across heads, so the model will fail to build. Nearby valid head counts: 6, 8, 12.');
    assert.deepEqual(found[0].range, heads.valueRange);
    assert.deepEqual(diagnose(file('hf-model-config', [setting('hidden_size', 'hidden_size', 768), setting('num_attention_heads', 'num_heads', 12)]), ''), []);
  });

  it('only pairs heads with the hidden size of the same block', () => {
    const found = diagnose(file('hydra', [
      setting('encoder.d_model', 'hidden_size', 512),
      setting('encoder.nhead', 'num_heads', 8),
      setting('decoder.d_model', 'hidden_size', 300),
      setting('decoder.nhead', 'num_heads', 8),
    ]), '');
    assert.equal(found.length, 1);
    assert.match(found[0].message, /^d_model = 300 is not divisible by nhead = 8/);
  });

  it('warns when num_leaves exceeds 2^max_depth, not when depth is unlimited', () => {
    const leaves = setting('num_leaves', 'num_leaves', 64);
    const found = diagnose(file('lightgbm-conf', [leaves, setting('max_depth', 'max_depth', 5)], 'train.conf'), '');
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'warning');
    assert.equal(found[0].message, 'num_leaves = 64 exceeds 2^max_depth = 2^5 = 32: a tree of depth 5 has at most 32 leaves, so values above 32 have no effect. Lower num_leaves or raise max_depth.');
    assert.deepEqual(diagnose(file('lightgbm-conf', [setting('num_leaves', 'num_leaves', 31), setting('max_depth', 'max_depth', 5)]), ''), []);
    assert.deepEqual(diagnose(file('lightgbm-conf', [setting('num_leaves', 'num_leaves', 255), setting('max_depth', 'max_depth', -1)]), ''), []);
  });

  it('warns when warmup is as long as training', () => {
    const found = diagnose(file('hf-training-args', [
      setting('warmup_steps', 'warmup_steps', 2000),
      setting('max_steps', 'max_steps', 1000),
      setting('warmup_ratio', 'warmup_ratio', 1.0),
    ]), '');
    assert.deepEqual(codes(found), ['hp/warmup-length', 'hp/warmup-length']);
    assert.equal(found[0].message, 'warmup_steps = 2000 is not shorter than max_steps = 1000: the learning rate would still be warming up when training ends. Use a warmup of a few percent of 1000.');
    assert.match(found[1].message, /warmup_ratio = 1 is a fraction of training; at 1 or more the whole run would be warmup/);

    const yolo = diagnose(file('ultralytics', [setting('warmup_epochs', 'warmup_ratio', 3), setting('epochs', 'epochs', 3)], 'args.yaml'), '', { pyyaml: false });
    assert.deepEqual(yolo.map(f => f.message), ['warmup_epochs = 3 is not shorter than epochs = 3: the whole run would be warmup.']);

    // Sensible values and HF's -1 ("use epochs") raise nothing; mmdet's warmup_ratio is a start factor.
    assert.deepEqual(diagnose(file('hf-training-args', [setting('warmup_steps', 'warmup_steps', 500), setting('max_steps', 'max_steps', -1), setting('warmup_ratio', 'warmup_ratio', 0.03)]), ''), []);
    assert.deepEqual(diagnose(file('ultralytics', [setting('warmup_epochs', 'warmup_ratio', 3), setting('epochs', 'epochs', 100)]), '', { pyyaml: false }), []);
    assert.deepEqual(diagnose(file('mmengine', [setting('lr_config.warmup_ratio', 'warmup_ratio', 1.0)], 'schedule.py'), ''), []);
  });
});

describe('diagnose: settings another one overrides', () => {
  it('notes that HF warmup_steps wins over warmup_ratio and max_steps over epochs', () => {
    const found = diagnose(file('hf-training-args', [
      setting('warmup_ratio', 'warmup_ratio', 0.1, { framework: 'hf' }),
      setting('warmup_steps', 'warmup_steps', 500, { framework: 'hf' }),
      setting('num_train_epochs', 'epochs', 3, { framework: 'hf' }),
      setting('max_steps', 'max_steps', 10000, { framework: 'hf' }),
    ], 'training_args.json'), '', { rules: ['hp/overridden'] });
    assert.deepEqual(found.map(f => `${f.severity} ${f.code}: ${f.message}`), [
      'info hp/overridden: warmup_ratio = 0.1 has no effect: warmup_steps = 500 is also set and takes precedence. Keep one of the two.',
      'info hp/overridden: num_train_epochs = 3 has no effect: max_steps = 10000 is set and decides the length of training.',
    ]);
  });

  it('says axolotl rejects both warmup settings together', () => {
    const found = diagnose(file('axolotl', [setting('warmup_ratio', 'warmup_ratio', 0.05, { framework: 'hf' }), setting('warmup_steps', 'warmup_steps', 10, { framework: 'hf' })], 'lora.yml'), '', { pyyaml: false });
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'warning');
    assert.match(found[0].message, /axolotl treats them as mutually exclusive/);
  });

  it('stays quiet when the overriding setting is off or the framework differs', () => {
    assert.deepEqual(diagnose(file('hf-training-args', [setting('warmup_ratio', 'warmup_ratio', 0.1, { framework: 'hf' }), setting('warmup_steps', 'warmup_steps', 0, { framework: 'hf' }), setting('num_train_epochs', 'epochs', 3, { framework: 'hf' }), setting('max_steps', 'max_steps', -1, { framework: 'hf' })]), '', { rules: ['hp/overridden'] }), []);
    assert.deepEqual(diagnose(file('lightning-cli', [setting('trainer.max_epochs', 'epochs', 3, { framework: 'lightning' }), setting('trainer.max_steps', 'max_steps', 100, { framework: 'lightning' })]), ''), []);
  });
});

describe('diagnose: whole files', () => {
  it('returns nothing for non-ML files', () => {
    assert.deepEqual(diagnose({ path: 'compose.yaml', format: null, settings: [setting('lr', 'learning_rate', 0)] }, 'lr: 0\n'), []);
  });

  it('can be limited to some rules, and sorts findings by position', () => {
    const f = file('wandb-sweep', [setting('dropout', 'dropout', 2, { range: at(5), valueRange: at(5) }), setting('lr', 'learning_rate', 0, { range: at(1), valueRange: at(1) })], 'sweep.yaml');
    const text = 'a: 1\nb: 1e-5\n';
    assert.deepEqual(codes(diagnose(f, text)), ['hp/invalid-value', 'hp/pyyaml-float', 'hp/invalid-value']);
    assert.deepEqual(codes(diagnose(f, text, { rules: ['hp/pyyaml-float'] })), ['hp/pyyaml-float']);
  });

  it('finds a bad value end to end: YAML text → detection → finding on the value', () => {
    const text = 'learning_rate: 0.0\nper_device_train_batch_size: 8\nnum_train_epochs: 3\nwarmup_ratio: 0.1\nweight_decay: 0.01\n';
    const detected = detectFile('training_args.yaml', text, { force: true });
    const found = diagnose(detected, text);
    assert.deepEqual(codes(found), ['hp/invalid-value', 'hp/deprecated']);
    assert.equal(found[0].range.line, 0);
    assert.equal(text.split('\n')[0].slice(found[0].range.character, found[0].range.endCharacter), '0.0');
  });

  it('raises no error on the real corpus files, nothing on non-ML files, and catches the real PyYAML trap', () => {
    const errors: string[] = [];
    const pyyaml: string[] = [];
    for (const labels of loadCorpus()) {
      const text = readFileSync(labels.file, 'utf8');
      const detected = detectFile(labels.file, text, { force: true });
      const found = diagnose(detected, text);
      for (const f of found) if (f.severity === 'error') errors.push(`${labels.fixture}: ${f.code} ${f.message}`);
      for (const f of found) if (f.code === 'hp/pyyaml-float') pyyaml.push(labels.fixture);
      if (labels.negative) {
        assert.equal(detected.format, null, labels.fixture);
        assert.deepEqual(found, [], labels.fixture);
      }
    }
    // No published file breaks a rule (GPT-NeoX's Mamba config keeps an unused head count: see context.test.ts).
    assert.deepEqual(errors, []);
    // That sweep file writes `1e-3`, which W&B's PyYAML reads as a string: a real bug, found.
    assert.deepEqual(pyyaml, ['Aastha7231__cs6910_assignment1/sweep.yaml', 'Aastha7231__cs6910_assignment1/sweep.yaml']);
  });
});
