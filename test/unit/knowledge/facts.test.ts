import * as assert from 'node:assert/strict';
import type { DetectedFile, Setting } from '../../../src/core/detect/types';
import { deprecationFor } from '../../../src/core/diagnostics';
import { renderHover } from '../../../src/core/hover';
import { assessValue, getEntry, selectRange } from '../../../src/core/knowledge';

/**
 * The facts issue #11 found wrong, each checked against the framework's own source or docs. Every
 * test names its source: repository, file and the commit (or release) it was read at.
 */

const entry = (id: string) => {
  const e = getEntry(id);
  assert.ok(e, id);
  return e;
};

let line = 0;
function setting(key: string, canonical: string | null, value: unknown, extra: Partial<Setting> = {}): Setting {
  const range = { line, character: 0, endLine: line, endCharacter: key.length };
  line++;
  return { key, name: key.split('.').pop() ?? key, canonical, kind: 'hyperparameter', value, raw: String(value), range, ...extra };
}
const file = (format: string, settings: Setting[], path = 'config.yaml'): DetectedFile => ({ path, format, settings });

describe('facts: max_grad_norm 0 per framework', () => {
  // HF: transformers src/transformers/training_args.py (v5, 00349ae87eddc872ffa21a8a54f264375a0056a8):
  // "max_grad_norm … Set to 0 to disable clipping". Lightning: src/lightning/pytorch/plugins/precision/
  // precision.py (2f09e74a) `clip_gradients`: `if clip_val <= 0: return`. Keras 3.16 keras/src/optimizers/
  // base_optimizer.py (3422977a): clips only `if self.clipnorm and self.clipnorm > 0`.
  for (const framework of ['hf', 'lightning', 'keras', 'deepspeed']) {
    it(`${framework}: 0 turns clipping off`, () => {
      const a = assessValue('grad_clip_norm', 0, { framework });
      assert.equal(a.level, 'ok');
      assert.match(a.message, /no clipping/);
    });
  }

  // Stable-Baselines3 2.9.0a4 stable_baselines3/ppo/ppo.py:277 (e05d2dbe6eda0acd0ef2e316e3e4065677add3eb)
  // calls th.nn.utils.clip_grad_norm_(self.policy.parameters(), self.max_grad_norm) unconditionally, and
  // clip_grad_norm_ scales every gradient by max_norm / (norm + 1e-6) clamped to 1: by 0.
  it('sb3: 0 multiplies every gradient by 0, so it is invalid', () => {
    const a = assessValue('grad_clip_norm', 0, { framework: 'sb3', model: 'ppo' });
    assert.equal(a.level, 'invalid');
    assert.match(a.message, /always calls clip_grad_norm_\(params, max_grad_norm\): at 0 every gradient is multiplied by 0/);
  });

  // mmengine (254342938d9bde1775c39ea7d5181c5d294026c4) OptimWrapper passes clip_grad to clip_grad_norm_.
  it('mmengine: clip_grad max_norm 0 zeroes every gradient', () => {
    assert.equal(assessValue('grad_clip_norm', 0, { framework: 'mmengine', key: 'max_norm' }).level, 'invalid');
  });

  it('the entry says so per framework instead of "HF, SB3 treat 0 as off"', () => {
    const text = JSON.stringify(entry('grad_clip_norm'));
    assert.doesNotMatch(text, /SB3 treat 0 as off/);
    assert.match(entry('grad_clip_norm').pitfalls[0], /Stable-Baselines3 and a bare clip_grad_norm_ call zero every gradient at 0/);
  });
});

describe('facts: unset values (null / None / ~) show the active framework’s default', () => {
  // Keras 3.16 keras/src/trainers/trainer.py: fit(batch_size=None) "If unspecified, batch_size will default to 32".
  it('Keras batch_size: null → 32, not HF’s 8', () => {
    assert.match(assessValue('batch_size', null, { framework: 'keras' }).message, /^unset: the Keras default applies \(32 \(fit, when batch_size is None\)\)$/);
  });
  // scikit-learn RandomForestClassifier docs: max_depth=None expands nodes until leaves are pure.
  it('scikit-learn max_depth: None is the "no limit" keyword, not XGBoost’s 6', () => {
    const a = assessValue('max_depth', 'None', { framework: 'sklearn' });
    assert.equal(a.level, 'ok');
    assert.match(a.message, /^None: no depth limit/);
  });
  // Stable-Baselines3 ppo.py: learning_rate: float | Schedule = 3e-4 (e05d2dbe).
  it('SB3 learning_rate: ~ in PPO → 3e-4, in DQN → 1e-4', () => {
    assert.match(assessValue('learning_rate', '~', { framework: 'sb3', model: 'ppo' }).message, /Stable-Baselines3 default applies \(3e-4 \(SB3 PPO\)\)/);
    assert.match(assessValue('learning_rate', null, { framework: 'sb3', model: 'DQN' }).message, /\(1e-4 \(SB3 DQN\)\)/);
  });
  it('says when no default is known', () => {
    assert.match(assessValue('lora_dropout', null, { framework: 'keras' }).message, /Keras default applies \(none known here\)/);
    assert.match(assessValue('lora_dropout', null, {}).message, /framework is not known here/);
  });
  // HF Adafactor (transformers src/transformers/optimization.py, 005edacb): lr=None with relative_step=True.
  it('HF Adafactor with no lr is relative-step mode', () => {
    assert.match(assessValue('learning_rate', null, { framework: 'hf', optimizer: 'adafactor' }).message, /relative-step mode/);
  });
});

describe('facts: Keras Model.compile optimizer default', () => {
  // keras/src/trainers/trainer.py line 42 (Keras 3.16.0, 3422977a): def compile(self, optimizer="rmsprop", …)
  it('is "rmsprop", not "required"', () => {
    assert.equal(entry('optimizer').defaults.keras, '"rmsprop" (Model.compile default)');
  });
});

describe('facts: learning-rate ranges by optimizer family', () => {
  // [optimizer, value, level, label, source of the value]
  const rows: Array<[string, number, 'ok' | 'unusual', string, string]> = [
    ['RMSprop', 1e-4, 'ok', 'RMSprop', 'keras.optimizers.RMSprop 1e-3, torch 1e-2; 1e-4 inside (was “low” when grouped with SGD)'],
    ['RMSprop', 0.3, 'unusual', 'RMSprop', 'no RMSprop recipe uses 0.3 (was “ok” when grouped with SGD)'],
    ['adafactor', 1e-3, 'ok', 'Adafactor with a fixed lr', 'HF Adafactor docstring: T5 fine-tuning lr=1e-3'],
    ['lion', 3e-5, 'ok', 'Lion', 'Chen et al. 2023 §5: 3 – 10 × below AdamW'],
    ['lion', 1e-2, 'unusual', 'Lion', 'an AdamW-sized rate ×10 on Lion'],
    ['Lamb', 6e-3, 'ok', 'LAMB', 'NVIDIA BERT pretrain_config.sh (2de29455): learning_rate 6e-3 at 65,536'],
    ['LARS', 4.8, 'ok', 'LARS', 'mmpretrain schedules/imagenet_lars_coslr_200e.py (ee7f2e88): LARS lr 4.8'],
    ['adagrad', 0.01, 'ok', 'Adagrad', 'torch.optim.Adagrad lr=0.01'],
    ['SophiaG', 6e-4, 'ok', 'Sophia', 'Liuhong99/Sophia config/train_gpt2_small_sophiag.py (a7e15722): 6e-4'],
    ['Prodigy', 1.0, 'ok', 'Prodigy / D-Adaptation', 'konstmish/prodigy prodigy.py (3efb213e): lr=1.0'],
    ['Prodigy', 1e-3, 'unusual', 'Prodigy / D-Adaptation', 'an Adam rate given to Prodigy shrinks its step estimate 1000-fold'],
    ['DAdaptAdam', 1.0, 'ok', 'Prodigy / D-Adaptation', 'facebookresearch/dadaptation dadapt_adam.py (c9849802): lr=1.0'],
    ['SGDScheduleFree', 1.0, 'ok', 'schedule-free SGD', 'facebookresearch/schedule_free sgd_schedulefree.py (70785b53): lr=1.0'],
    ['AdamWScheduleFree', 2.5e-3, 'ok', 'schedule-free AdamW', 'facebookresearch/schedule_free adamw_schedulefree.py: lr=0.0025'],
    ['Muon', 0.02, 'ok', 'Muon', 'KellerJordan/Muon muon.py (857d1adc): lr=0.02'],
    ['Adadelta', 1.0, 'ok', 'Adadelta', 'torch.optim.Adadelta lr=1.0; pytorch/examples mnist --lr 1.0'],
    ['AdamW', 0.1, 'unusual', 'Adam/AdamW', 'an SGD-sized rate on Adam'],
  ];
  for (const [optimizer, value, level, label, source] of rows) {
    it(`${optimizer} lr ${value} → ${level} (${source})`, () => {
      const a = assessValue('learning_rate', value, { optimizer });
      assert.equal(a.level, level, a.message);
      assert.equal(a.range?.label, label);
      assert.ok(a.why && a.why.length > 10, 'the verdict names its source');
    });
  }

  it('LAMB batch 65,536 is not “high”', () => {
    assert.equal(assessValue('batch_size', 65536, { optimizer: 'lamb' }).level, 'ok');
  });
  it('Adafactor and LAMB and Lion are no longer judged as Adam', () => {
    const lr = entry('learning_rate');
    for (const optimizer of ['adafactor', 'lamb', 'lion']) assert.notEqual(selectRange(lr, { optimizer }).label, 'Adam/AdamW', optimizer);
  });
});

describe('facts: library keywords are values, never errors', () => {
  // scikit-learn sklearn/svm/_classes.py: gamma : {'scale', 'auto'} or float, default='scale'.
  for (const [id, key, value] of [['rbf_gamma', 'gamma', 'scale'], ['rbf_gamma', 'gamma', 'auto'], ['colsample', 'max_features', 'sqrt'], ['colsample', 'max_features', 'log2'], ['max_depth', 'max_depth', 'None'], ['n_components', 'n_components', 'mle'], ['learning_rate', 'learning_rate', 'optimal']] as const) {
    it(`${key}: "${value}" (scikit-learn) is a keyword`, () => {
      const a = assessValue(id, value, { framework: 'sklearn', key });
      assert.equal(a.level, 'ok', a.message);
      assert.doesNotMatch(a.message, /expects a number/);
    });
  }
});

describe('facts: the model in context picks the range', () => {
  // scikit-learn MLPClassifier docs: learning_rate_init=0.001.
  it('MLPClassifier(learning_rate_init=1e-3) is judged as an MLP, not as boosting', () => {
    const a = assessValue('learning_rate', 1e-3, { framework: 'sklearn', model: 'MLPClassifier', key: 'learning_rate_init' });
    assert.equal(a.level, 'ok');
    assert.equal(a.range?.label, 'scikit-learn MLP learning_rate_init');
  });
  it('the hover of MLPClassifier.learning_rate_init does not call it boosting shrinkage', () => {
    const s = setting('MLPClassifier.learning_rate_init', 'learning_rate', 1e-3, { framework: 'sklearn' });
    const md = renderHover(s, file('python', [s], 'train.py'));
    assert.match(md, /^\*\*Learning rate\*\*/);
    assert.match(md, /\*\*Default \(scikit-learn\):\*\* 1e-3 \(learning_rate_init\)/);
  });
  it('GradientBoostingClassifier(learning_rate=0.1) is boosting shrinkage', () => {
    const s = setting('GradientBoostingClassifier.learning_rate', 'learning_rate', 0.1, { framework: 'sklearn' });
    assert.match(renderHover(s, file('python', [s], 'train.py')), /^\*\*Learning rate \(boosting shrinkage\)\*\*/);
  });
});

describe('facts: what the library rejects is invalid', () => {
  // PEFT LoraLayer: scaling = lora_alpha / r; the adapter output (and its gradients) are multiplied by it.
  it('LoRA α = 0', () => assert.equal(assessValue('lora_alpha', 0, { framework: 'peft' }).level, 'invalid'));
  // XGBoost src/tree/param.h (379b29f0, 3.5.0-dev): colsample_by* .set_range(0.0f, 1.0f).
  it('XGBoost colsample_bytree 1.5', () => {
    const a = assessValue('colsample', 1.5, { framework: 'xgboost', key: 'colsample_bytree' });
    assert.equal(a.level, 'invalid');
    assert.match(a.message, /rejects larger values/);
  });
  // LightGBM docs/Parameters.rst (bae0b7ba, 4.6): num_leaves constraints 1 < num_leaves <= 131072.
  it('LightGBM num_leaves 1', () => {
    const a = assessValue('num_leaves', 1, { framework: 'lightgbm' });
    assert.equal(a.level, 'invalid');
    assert.match(a.message, /1 < num_leaves ≤ 131072/);
  });
});

describe('facts: published recipes are not flagged', () => {
  // RL Zoo hyperparams/dqn.yml (DLR-RM/rl-baselines3-zoo 22e3ff2450fd92033f7f032915e1f64894a09584), CartPole-v1.
  const ctx = { framework: 'sb3', model: 'dqn' };
  it('DQN CartPole learning_rate 2.3e-3', () => assert.equal(assessValue('learning_rate', 2.3e-3, ctx).level, 'ok'));
  it('DQN CartPole train_freq 256', () => assert.equal(assessValue('replay_buffer', 256, { ...ctx, key: 'train_freq' }).level, 'ok'));
  it('DQN CartPole gradient_steps 128', () => assert.equal(assessValue('replay_buffer', 128, { ...ctx, key: 'gradient_steps' }).level, 'ok'));
  it('DQN CartPole target_update_interval 10, with the message printing the real bounds', () => {
    const a = assessValue('target_update', 10, { ...ctx, key: 'target_update_interval' });
    assert.equal(a.level, 'ok');
    assert.match(a.message, /within published practice for hard update interval: 1 – 100000 \(/);
  });
  // pytorch/examples dcgan/main.py (77f55b912142e11fcfdf5b530231fb9c52f181e8): --beta1 default 0.5.
  it('DCGAN Adam β1 0.5', () => assert.equal(assessValue('adam_beta1', 0.5, { framework: 'pytorch', optimizer: 'adam' }).level, 'ok'));
});

describe('facts: XGBoost max_depth 0', () => {
  // XGBoost doc/parameter.rst and src/tree/param.h (379b29f0): "0 indicates no limit on depth … exact tree
  // method requires non-zero value"; src/tree/updater_colmaker.cc: "exact tree method doesn't support unlimited depth".
  it('means no depth limit (the lossguide pairing)', () => {
    const a = assessValue('max_depth', 0, { framework: 'xgboost', siblings: { grow_policy: 'lossguide', max_leaves: 255 } });
    assert.equal(a.level, 'ok');
    assert.match(a.message, /no depth limit in XGBoost/);
  });
  it('is invalid with tree_method exact', () => {
    assert.equal(assessValue('max_depth', 0, { framework: 'xgboost', siblings: { tree_method: 'exact' } }).level, 'invalid');
  });
});

describe('facts: corrected explanations', () => {
  it('Adam β2: a high β2 causes spikes and lowering it to 0.95 is the fix', () => {
    assert.match(entry('adam_beta2').pitfalls[0], /A high β2 \(0\.999\) adapts slowly .* lowering it to 0\.95 is the standard fix/);
    assert.doesNotMatch(JSON.stringify(entry('adam_beta2')), /low β2 together with a tiny ε/);
  });
  // mmengine/runner/runner.py (254342938d9b) scale_lr: ratio = real_bs / base_bs; lr *= ratio ("linearly").
  it('mmengine auto_scale_lr scales linearly', () => {
    assert.match(entry('learning_rate').pitfalls[0], /linearly for SGD, as mmengine’s auto_scale_lr does/);
  });
  // HF training_args.py label_smoothing_factor: 0 becomes ε/num_labels and 1 becomes 1 - ε + ε/num_labels.
  it('label smoothing gives every class ε/K and the true class 1 − ε + ε/K', () => {
    assert.match(entry('label_smoothing').explanation, /every class gets ε\/K and the true class 1 − ε \+ ε\/K/);
  });
});

describe('facts: version drift', () => {
  const hfRatio = setting('warmup_ratio', 'warmup_ratio', 0.1, { framework: 'hf' });
  // transformers v5 training_args.py __post_init__: "warmup_ratio is deprecated and will be removed in v5.2";
  // warmup_steps docs: "A float in range [0, 1): interpreted as ratio of total training steps".
  it('transformers 5 deprecates warmup_ratio; a float warmup_steps below 1 is a ratio', () => {
    const d = deprecationFor(hfRatio, file('hf-training-args', [hfRatio]), entry('warmup_ratio'), { framework: 'hf' });
    assert.equal(d?.since, 'transformers 5.0');
    assert.equal(assessValue('warmup_steps', 0.1, { framework: 'hf' }).level, 'ok');
    assert.match(renderHover(hfRatio, file('hf-training-args', [hfRatio])), /\*\*Version note \(transformers 5\.0\):\*\* `warmup_ratio` is deprecated/);
  });
  // transformers v5 training_args.py: train_sampling_strategy ("random" default, "sequential", "group_by_length").
  it('transformers 5 replaces group_by_length with train_sampling_strategy', () => {
    const s = setting('group_by_length', 'packing', true, { framework: 'hf' });
    assert.match(deprecationFor(s, file('hf-training-args', [s]), entry('packing'), { framework: 'hf' })?.message ?? '', /train_sampling_strategy: group_by_length/);
  });
  // scikit-learn sklearn/linear_model/_logistic.py: "'penalty' was deprecated in version 1.8 and will be removed in 1.10".
  it('scikit-learn 1.8 deprecates LogisticRegression penalty', () => {
    const s = setting('LogisticRegression.penalty', 'l1_penalty', 'l2', { framework: 'sklearn' });
    assert.equal(deprecationFor(s, file('python', [s], 'm.py'), entry('l1_penalty'), { framework: 'sklearn', model: 'LogisticRegression' })?.since, 'scikit-learn 1.8');
  });
  // LightGBM docs/Parameters.rst (bae0b7ba): data_sample_strategy … "New in version 4.0.0"; src/io/config.cpp
  // warns "Found boosting=goss … set data_sample_strategy=goss instead".
  it('LightGBM 4 moved GOSS to data_sample_strategy, and the default says which version', () => {
    const s = setting('boosting', 'booster', 'goss', { framework: 'lightgbm' });
    assert.equal(deprecationFor(s, file('lightgbm-conf', [s], 'train.conf'), entry('booster'), { framework: 'lightgbm' })?.since, 'LightGBM 4.0');
    assert.match(entry('booster').defaults.lightgbm ?? '', /LightGBM ≥ 4\.0/);
  });
});

describe('facts: documentation links are on topic', () => {
  it('normalization links to normalisation layers, not the mmengine config tutorial', () => {
    assert.ok(!entry('normalization').docs.some(d => d.includes('advanced_tutorials/config')));
    assert.match(entry('normalization').docs[0], /nn\.html#normalization-layers/);
  });
  it('compile links to torch.compile, not the randomness notes', () => {
    assert.ok(!entry('compile').docs.some(d => d.includes('randomness')));
    assert.match(entry('compile').docs[0], /torch\.compile/);
  });
});
