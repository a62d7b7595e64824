import * as assert from 'node:assert/strict';
import { assessValue, boundsText, defaultFor, formatNumber, getEntry, parseNumeric, selectRange, unsetMessage, type AssessLevel } from '../../../src/core/knowledge';

/**
 * How verdicts are worded and built. The values and their sources are tested in judgements.test.ts
 * (the ≥ 80-row table) and facts.test.ts (the corrected facts); here: the three tiers, directions only
 * with a known context, provenance in `why`, keywords, placeholders and odd input.
 */
type Row = [id: string, framework: string | undefined, optimizer: string | undefined, value: unknown, level: AssessLevel, message?: RegExp];

const table: Row[] = [
  // A known context (framework/optimizer) names the direction; the range and its bounds are printed.
  ['learning_rate', 'hf', 'adamw', 0.03, 'unusual', /^3e-2 is high for AdamW \(HF Trainer\): published recipes use 1e-7 – 1e-3$/],
  ['learning_rate', 'hf', undefined, 2e-5, 'ok', /within published practice for AdamW \(HF Trainer\): 1e-7 – 1e-3/],
  ['learning_rate', 'pytorch', 'torch.optim.AdamW', 0.1, 'unusual', /^1e-1 is high for Adam\/AdamW: published recipes use 1e-7 – 5e-2$/],
  ['learning_rate', undefined, 'SGD', 1e-5, 'unusual', /^1e-5 is low for SGD: published recipes use 1e-4 – 20$/],
  // Without context there is no "high" or "low", only "unusual" against the widest span.
  ['learning_rate', undefined, undefined, 100, 'unusual', /^100 is unusual for learning rate: published recipes use 1e-6 – 30$/],
  ['dropout', undefined, undefined, 0.7, 'unusual', /^0.7 is unusual for dropout: published recipes use 0 – 0.6$/],
  // Invalid says why, with the library that rejects it.
  ['learning_rate', undefined, undefined, 0, 'invalid', /must be > 0\): with 0 the weights never change/],
  ['learning_rate', undefined, undefined, -1e-3, 'invalid', /Invalid learning rate/],
  ['learning_rate', undefined, undefined, Infinity, 'invalid', /not a usable value/],
  ['dropout', undefined, undefined, 1, 'invalid', /must be < 1\): at 1 every unit is zeroed/],
  ['dropout', undefined, undefined, -0.1, 'invalid', /must be ≥ 0\): it is a probability/],
  ['momentum', undefined, undefined, 1, 'invalid', /never forgets old gradients/],
  ['batch_size', undefined, undefined, 0, 'invalid', /DataLoader rejects batch_size ≤ 0/],
  ['batch_size', undefined, undefined, 12.5, 'invalid', /whole number/],
  ['adam_betas', undefined, undefined, [0.9, 1.0], 'invalid', /^β2: 1 is invalid for Adam β2/],
  ['adam_betas', undefined, undefined, [0.9], 'invalid', /exactly two values/],
  ['adam_betas', undefined, undefined, 'abc', 'invalid', /expected a list/],
  // Text that cannot be a number nor a keyword.
  ['learning_rate', undefined, undefined, 'fast please', 'unusual', /expects a number, got the text "fast please"/],
  ['dropout', undefined, undefined, '0.1f', 'invalid', /expects a number/],
  // A bare word is passed to the library as a keyword, never an error.
  ['dropout', undefined, undefined, 'abc', 'ok', /not a number: it is passed to the library as a keyword/],
  ['learning_rate', undefined, undefined, Number.NaN, 'ok', /structured|not a number|keyword/],
  // Without its key a boolean is read as a switch of the concept (`apply_mask: true`), never a mistake.
  ['learning_rate', undefined, undefined, true, 'ok', /^true: a boolean is an on\/off switch for learning rate$/],
  ['learning_rate', undefined, undefined, { a: 1 }, 'ok', /structured/],
  // Placeholders say where the value comes from and are never alarms.
  ['learning_rate', 'deepspeed', 'adamw', 'auto', 'ok', /DeepSpeed fills this in from the HF TrainingArguments/],
  ['learning_rate', undefined, undefined, '???', 'ok', /mandatory/],
  ['learning_rate', undefined, undefined, '${model.lr}', 'ok', /reference \$\{model\.lr\}/],
  ['entropy_coef', 'sb3', undefined, 'auto_0.1', 'ok', /SAC learns/],
  ['optimizer', 'ultralytics', undefined, 'auto', 'ok', /ignored/],
  ['learning_rate', 'sb3', undefined, 'lin_0.001', 'ok', /^linear schedule from 1e-3 down to 0; start value: 1e-3 is within/],
  ['learning_rate', 'sb3', undefined, 'lin_0.5', 'unusual', /^linear schedule .* 0.5 is high for Stable-Baselines3/],
  // Sentinels.
  ['batch_size', 'ultralytics', undefined, -1, 'ok', /AutoBatch/],
  ['batch_size', 'ultralytics', undefined, 0.7, 'ok', /70% of GPU memory/],
  ['batch_size', 'hf', undefined, -1, 'invalid', /must be ≥ 1/],
  ['epochs', 'lightning', undefined, -1, 'ok', /until stopped/],
  ['max_depth', 'lightgbm', undefined, -1, 'ok', /no limit/],
  // Lists are judged element by element.
  ['hidden_size', undefined, undefined, [64, 64], 'ok', /all 2 values/],
  ['hidden_size', undefined, undefined, [64, 0], 'invalid'],
  // Categorical: common choices, closed lists (the library's own) and open ones.
  ['optimizer', undefined, undefined, 'torch.optim.AdamW', 'ok', /common choice/],
  ['optimizer', undefined, undefined, 'frobnicator', 'ok', /not among the choices listed here/],
  ['packing', undefined, undefined, true, 'ok'],
  ['lr_scheduler', 'hf', undefined, 'cosine', 'ok'],
];

describe('assessValue: three tiers, directions only with context', () => {
  for (const [id, framework, optimizer, value, level, message] of table) {
    const label = `${id} ${framework ?? '-'} ${optimizer ?? '-'} ${JSON.stringify(value) ?? String(value)} → ${level}`;
    it(label, () => {
      const a = assessValue(id, value, { framework, optimizer });
      assert.equal(a.level, level, a.message);
      assert.ok(a.message.length > 0);
      if (message) assert.match(a.message, message);
    });
  }

  it('names a direction only when the range belongs to a known context', () => {
    assert.equal(assessValue('learning_rate', 0.03, { framework: 'hf' }).direction, 'high');
    assert.equal(assessValue('learning_rate', 1e-5, { optimizer: 'sgd' }).direction, 'low');
    assert.equal(assessValue('learning_rate', 100, {}).direction, undefined);
    assert.equal(assessValue('dropout', 0.7, {}).direction, undefined);
  });

  it('carries the provenance of the range it judged against in `why`', () => {
    assert.match(assessValue('learning_rate', 2e-5, { framework: 'hf' }).why ?? '', /HF TrainingArguments \(learning_rate 5e-5\)/);
    assert.match(assessValue('learning_rate', 0.03, { framework: 'hf' }).why ?? '', /alignment-handbook/);
    assert.match(assessValue('dropout', 0.7).why ?? '', /Srivastava et al\. 2014/);
  });

  it('lets the key as written pick the unit or meaning', () => {
    assert.match(assessValue('learning_rate', 0.3, { key: 'eta' }).message, /gradient boosting/);
    assert.equal(assessValue('warmup_ratio', 3, { key: 'warmup_epochs', framework: 'hf' }).level, 'ok');
    assert.equal(assessValue('warmup_ratio', 3, { key: 'warmup_ratio', framework: 'hf' }).level, 'invalid');
    assert.match(assessValue('learning_rate', 0.01, { key: 'lr0' }).message, /Ultralytics lr0:/);
    assert.match(assessValue('learning_rate', 0.001, { key: 'lr0', optimizer: 'Adam' }).message, /Ultralytics lr0 with Adam/);
  });

  // [id, key as written, value, level]: entries group several keys; each key is judged on its own terms.
  const keyed: Array<[string, string, unknown, AssessLevel]> = [
    ['kernel', 'degree', 3, 'ok'],
    ['kernel', 'kernel', 'rbf', 'ok'],
    ['min_samples_split', 'criterion', 'gini', 'ok'],
    ['n_neighbors', 'weights', 'distance', 'ok'],
    ['scale_pos_weight', 'is_unbalance', true, 'ok'],
    ['colsample', 'max_features', 'sqrt', 'ok'],
    ['sharding', 'device', 'cpu', 'ok'],
    ['sharding', 'stage', 5, 'invalid'],
    ['sharding', 'stage', 2, 'ok'],
    ['sharding', 'reduce_bucket_size', 2e8, 'ok'],
    ['sharding', 'stage3_max_live_parameters', 1e9, 'ok'],
    ['sharding', 'data_parallel_shard_degree', -1, 'ok'],
    ['mosaic', 'close_mosaic', 10, 'ok'],
    ['geometric_augmentation', 'degrees', 10, 'ok'],
    ['geometric_augmentation', 'degrees', 200, 'unusual'],
    ['geometric_augmentation', 'perspective', 0.01, 'unusual'],
    ['color_jitter', 'hsv_h', 0.015, 'ok'],
    ['color_jitter', 'hue', 0.6, 'invalid'],
    ['entropy_coef', 'ent_coef', 0, 'ok'],
    ['weight_decay', 'weight_decay', 0, 'ok'],
    ['image_size', 'resolution', '512,512', 'ok'],
    ['image_size', 'imgsz', '640x640', 'ok'],
    ['replay_buffer', 'train_freq', [1, 'episode'], 'ok'],
    ['policy_kwargs', 'policy_kwargs', 'dict(log_std_init=-2, ortho_init=False)', 'ok'],
    ['update_epochs', 'batch_size', 256, 'ok'],
    ['update_epochs', 'n_epochs', 256, 'unusual'],
    ['flip', 'horizontal_flip', true, 'ok'],
    ['solver', 'max_iter', 1000, 'ok'],
    ['precision', 'loss_scale', 0, 'ok'],
    ['num_workers', 'persistent_workers', true, 'ok'],
    ['momentum', 'nesterov', true, 'ok'],
    ['lr_plateau_patience', 'threshold', 1e-4, 'ok'],
  ];
  for (const [id, key, value, level] of keyed) {
    it(`${id} via key ${key} = ${JSON.stringify(value)} → ${level}`, () => {
      const a = assessValue(id, value, { key });
      assert.equal(a.level, level, a.message);
    });
  }

  it('judges LoRA α relative to r, and α = 0 is invalid whatever r is', () => {
    assert.match(assessValue('lora_alpha', 16, { siblings: { lora_r: 8 } }).message, /α\/r = 2/);
    assert.equal(assessValue('lora_alpha', 256, { siblings: { lora_rank: 8 } }).level, 'unusual');
    assert.equal(assessValue('lora_alpha', 1, { siblings: { r: 64 } }).level, 'ok');
    assert.equal(assessValue('lora_alpha', 16, { siblings: { lora_r: 'auto' } }).level, 'ok');
    assert.equal(assessValue('lora_alpha', 0, { siblings: { lora_r: 8 } }).level, 'invalid');
  });

  it('accepts the entry object as well as its id', () => {
    const entry = getEntry('dropout');
    assert.ok(entry);
    assert.deepEqual(assessValue(entry, 0.7), assessValue('dropout', 0.7));
  });

  it('reports unknown ids instead of throwing', () => {
    const a = assessValue('no_such_id', 1);
    assert.equal(a.level, 'ok');
    assert.match(a.message, /no knowledge-base entry "no_such_id"/);
  });

  it('keeps messages short for huge input', () => {
    const a = assessValue('learning_rate', `1 y${'x'.repeat(1_000_000)}`);
    assert.equal(a.level, 'invalid');
    assert.ok(a.message.length < 160, `message length ${a.message.length}`);
  });

  it('judges every entry without throwing on odd values', () => {
    const odd: unknown[] = [0, -1, 1e308, -1e-308, 'auto', '???', '', [], {}, [1, 'a'], 'lin_abc', '1e-5', Symbol.for('x').toString(), Infinity, -Infinity, true, null];
    for (const id of ['learning_rate', 'dropout', 'adam_betas', 'optimizer', 'seed', 'packing', 'lora_targets', 'n_estimators', 'max_depth', 'grad_clip_norm', 'replay_buffer']) {
      for (const v of odd) {
        for (const framework of ['hf', 'sb3', 'xgboost', undefined]) {
          const a = assessValue(id, v, { framework, model: 'dqn', key: 'gradient_steps' });
          assert.ok(['ok', 'invalid', 'unusual'].includes(a.level));
          assert.ok(a.message.length > 0);
        }
      }
    }
  });
});

describe('assessment helpers', () => {
  it('formats numbers compactly', () => {
    assert.equal(formatNumber(0.03, 'log'), '3e-2');
    assert.equal(formatNumber(0.1, 'log'), '1e-1');
    assert.equal(formatNumber(0.5, 'log'), '0.5');
    assert.equal(formatNumber(0.03), '0.03');
    assert.equal(formatNumber(0.7), '0.7');
    assert.equal(formatNumber(1e-5), '1e-5');
    assert.equal(formatNumber(2.5e-4), '2.5e-4');
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(768), '768');
    assert.equal(formatNumber(1e7), '1e7');
    assert.equal(formatNumber(1 / 3), '0.333333');
  });

  it('parses numbers the way configs write them', () => {
    assert.deepEqual(parseNumeric(0.1), { value: 0.1 });
    assert.deepEqual(parseNumeric('1e-5'), { value: 1e-5 });
    assert.deepEqual(parseNumeric(' 0.01 '), { value: 0.01 });
    assert.deepEqual(parseNumeric('1_000'), { value: 1000 });
    assert.deepEqual(parseNumeric('lin_2.5e-4'), { value: 2.5e-4, schedule: 'linear' });
    assert.equal(parseNumeric('lin_'), undefined);
    assert.equal(parseNumeric('abc'), undefined);
    assert.equal(parseNumeric(Number.NaN), undefined);
    assert.equal(parseNumeric(null), undefined);
  });

  it('prefers the most specific range and falls back to the general one', () => {
    const lr = getEntry('learning_rate');
    assert.ok(lr);
    assert.equal(selectRange(lr, { framework: 'hf' }).label, 'AdamW (HF Trainer)');
    assert.equal(selectRange(lr, { framework: 'hf', optimizer: 'sgd' }).label, 'SGD');
    assert.equal(selectRange(lr, { framework: 'hf', optimizer: 'adafactor' }).label, 'Adafactor with a fixed lr');
    assert.equal(selectRange(lr, { framework: 'sb3', model: 'dqn' }).label, 'off-policy RL (DQN, SAC, TD3)');
    assert.equal(selectRange(lr, { framework: 'sklearn', model: 'MLPClassifier' }).label, 'scikit-learn MLP learning_rate_init');
    assert.equal(selectRange(lr, { framework: 'sklearn', model: 'GradientBoostingRegressor' }).label, 'gradient boosting');
    assert.equal(selectRange(lr, { key: 'lr0', framework: 'ultralytics' }).label, 'Ultralytics lr0');
    assert.equal(selectRange(lr, { key: 'lr0', optimizer: 'AdamW' }).label, 'Ultralytics lr0 with Adam');
    assert.equal(selectRange(lr, { optimizer: 'mmengine.LARS' }).label, 'LARS');
    assert.equal(selectRange(lr, {}).label, undefined);
  });

  it('prints bounds the same way everywhere', () => {
    const lr = getEntry('learning_rate');
    assert.ok(lr);
    assert.equal(boundsText(selectRange(lr, { framework: 'hf' })), '1e-7 – 1e-3');
    assert.equal(boundsText(getEntry('dropout')?.range ?? lr.range), '0 – 0.6');
  });

  it('finds the default of the model first, then of the framework, and says when none is known', () => {
    const lr = getEntry('learning_rate');
    assert.ok(lr);
    assert.deepEqual(defaultFor(lr, 'sb3', 'PPO'), { label: 'Stable-Baselines3', text: '3e-4 (SB3 PPO)' });
    assert.deepEqual(defaultFor(lr, 'hf'), { label: 'HF Transformers', text: '5e-5' });
    assert.equal(defaultFor(lr, 'timm'), undefined);
    assert.match(unsetMessage(lr, { framework: 'timm' }), /the timm default applies \(none known here\)/);
    assert.match(unsetMessage(lr, {}), /the framework is not known here/);
  });
});
