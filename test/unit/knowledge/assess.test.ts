import * as assert from 'node:assert/strict';
import { assessValue, formatNumber, getEntry, parseNumeric, selectRange, type AssessLevel } from '../../../src/core/knowledge';

type Row = [id: string, framework: string | undefined, optimizer: string | undefined, value: unknown, level: AssessLevel, message?: RegExp];

const table: Row[] = [
  // Learning rate: the range depends on framework and optimizer.
  ['learning_rate', 'hf', 'adamw', 0.03, 'high', /^3e-2 is high for AdamW fine-tuning; typical 1e-5 – 5e-4$/],
  ['learning_rate', 'hf', undefined, 2e-5, 'ok', /AdamW fine-tuning/],
  ['learning_rate', 'axolotl', 'adamw_bnb_8bit', 2e-4, 'ok'],
  ['learning_rate', 'hf', undefined, 1e-7, 'low', /1e-7 is low for AdamW fine-tuning/],
  ['learning_rate', undefined, 'adam', 1e-3, 'ok', /Adam from scratch/],
  ['learning_rate', 'pytorch', 'torch.optim.AdamW', 0.05, 'high', /Adam from scratch; typical 1e-4 – 3e-3/],
  ['learning_rate', undefined, 'sgd', 0.1, 'ok', /SGD/],
  ['learning_rate', undefined, 'SGD', 1e-5, 'low', /1e-5 is low for SGD; typical 1e-3 – 0.5/],
  ['learning_rate', 'xgboost', undefined, 0.3, 'ok', /gradient boosting/],
  ['learning_rate', 'lightgbm', undefined, 0.9, 'high', /0.9 is high for gradient boosting; typical 0.005 – 0.3/],
  ['learning_rate', 'catboost', undefined, 0.001, 'low'],
  ['learning_rate', 'sb3', undefined, 'lin_0.001', 'ok', /^linear schedule from 1e-3 down to 0; start value: 1e-3 is within/],
  ['learning_rate', 'sb3', undefined, 'lin_0.5', 'high', /linear schedule/],
  ['learning_rate', 'ultralytics', undefined, 0.01, 'ok', /Ultralytics lr0/],
  ['learning_rate', undefined, undefined, 0, 'invalid', /must be > 0/],
  ['learning_rate', undefined, undefined, -1e-3, 'invalid'],
  ['learning_rate', 'hf', undefined, '1e-5', 'ok'],
  ['learning_rate', undefined, undefined, Infinity, 'invalid'],
  ['learning_rate', undefined, undefined, Number.NaN, 'invalid', /expects a number/],
  ['learning_rate', undefined, undefined, true, 'invalid', /expects a number, got true/],
  ['learning_rate', undefined, undefined, { a: 1 }, 'ok', /structured/],
  // Placeholders say where the value comes from.
  ['learning_rate', 'deepspeed', 'adamw', 'auto', 'ok', /DeepSpeed fills this in from the HF TrainingArguments/],
  ['learning_rate', undefined, undefined, '???', 'unusual', /mandatory/],
  ['learning_rate', undefined, undefined, '${model.lr}', 'unusual', /reference \$\{model\.lr\}/],
  ['learning_rate', undefined, undefined, null, 'ok', /unset: the framework default applies/],
  ['learning_rate', undefined, undefined, 'fast please', 'invalid', /expects a number, got "fast please"/],
  ['entropy_coef', 'sb3', undefined, 'auto', 'ok', /SAC learns/],
  ['optimizer', 'ultralytics', undefined, 'auto', 'ok', /ignored/],
  // Probabilities.
  ['dropout', undefined, undefined, 0.7, 'high', /^0.7 is unusually high for dropout; typical 0–0.5$/],
  ['dropout', undefined, undefined, 0.1, 'ok'],
  ['dropout', undefined, undefined, 0, 'ok'],
  ['dropout', undefined, undefined, 1, 'invalid', /must be < 1/],
  ['dropout', undefined, undefined, -0.1, 'invalid', /must be ≥ 0/],
  ['dropout', undefined, undefined, 'abc', 'invalid', /expects a number, got "abc"/],
  ['momentum', undefined, undefined, 1, 'invalid', /must be < 1/],
  ['momentum', undefined, undefined, 0.9, 'ok'],
  ['momentum', undefined, undefined, 0.5, 'low', /0.5 is unusually low for momentum; typical 0.8 – 0.99/],
  ['adam_betas', undefined, undefined, [0.9, 0.999], 'ok'],
  ['adam_betas', undefined, undefined, [0.9, 1.0], 'invalid', /^β2: 1 is invalid for Adam β2/],
  ['adam_betas', undefined, undefined, [0.9], 'invalid', /exactly two values/],
  ['adam_betas', undefined, undefined, 'abc', 'invalid', /expected a list/],
  // Integers and sentinels.
  ['batch_size', 'ultralytics', undefined, -1, 'ok', /AutoBatch/],
  ['batch_size', 'ultralytics', undefined, 0.7, 'ok', /70% of GPU memory/],
  ['batch_size', 'hf', undefined, -1, 'invalid', /must be ≥ 1/],
  ['batch_size', undefined, undefined, -1, 'ok', /AutoBatch/],
  ['max_depth', 'xgboost', undefined, -1, 'invalid'],
  ['epochs', 'lightning', undefined, -1, 'ok', /until stopped/],
  ['batch_size', undefined, undefined, 0, 'invalid', /must be ≥ 1/],
  ['batch_size', undefined, undefined, 12.5, 'invalid', /whole number/],
  ['batch_size', undefined, undefined, 32, 'ok'],
  ['max_depth', 'lightgbm', undefined, -1, 'ok', /no limit/],
  ['max_depth', 'xgboost', undefined, 40, 'high'],
  ['seed', undefined, undefined, 42, 'ok'],
  ['seed', undefined, undefined, 1.5, 'invalid'],
  ['weight_decay', undefined, 'adamw', 0.01, 'ok', /AdamW/],
  ['weight_decay', undefined, 'sgd', 0.01, 'high', /SGD/],
  ['warmup_ratio', 'ultralytics', undefined, 3.0, 'ok', /warmup in epochs \(0 – 5 epochs\)/],
  ['warmup_ratio', 'hf', undefined, 3.0, 'high'],
  ['hidden_size', undefined, undefined, [64, 64], 'ok', /all 2 values/],
  ['hidden_size', undefined, undefined, [64, 0], 'invalid'],
  // Categorical values.
  ['optimizer', undefined, undefined, 'adamw', 'ok'],
  ['optimizer', undefined, undefined, 'torch.optim.AdamW', 'ok'],
  ['optimizer', undefined, undefined, 'frobnicator', 'unusual', /not one of the common choices/],
  ['packing', undefined, undefined, true, 'ok'],
  ['lr_scheduler', 'hf', undefined, 'cosine', 'ok'],
];

describe('assessValue: (id, framework, optimizer, value) → level', () => {
  for (const [id, framework, optimizer, value, level, message] of table) {
    const label = `${id} ${framework ?? '-'} ${optimizer ?? '-'} ${JSON.stringify(value) ?? String(value)} → ${level}`;
    it(label, () => {
      const a = assessValue(id, value, { framework, optimizer });
      assert.equal(a.level, level, a.message);
      assert.ok(a.message.length > 0);
      if (message) assert.match(a.message, message);
    });
  }

  it('lets the key as written pick the unit or meaning', () => {
    assert.match(assessValue('learning_rate', 0.3, { key: 'eta' }).message, /gradient boosting/);
    assert.equal(assessValue('learning_rate', 0.9, { key: 'params.eta' }).level, 'high');
    assert.equal(assessValue('warmup_ratio', 3, { key: 'warmup_epochs', framework: 'hf' }).level, 'ok');
    assert.equal(assessValue('warmup_ratio', 3, { key: 'warmup_ratio', framework: 'hf' }).level, 'high');
    assert.match(assessValue('learning_rate', 0.01, { key: 'lr0' }).message, /Ultralytics lr0 \(/);
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
    ['sharding', 'data_parallel_shard_degree', -1, 'ok'],
    ['mosaic', 'close_mosaic', 10, 'ok'],
    ['geometric_augmentation', 'degrees', 10, 'ok'],
    ['geometric_augmentation', 'degrees', 200, 'high'],
    ['geometric_augmentation', 'perspective', 0.01, 'high'],
    ['color_jitter', 'hsv_h', 0.015, 'ok'],
    ['entropy_coef', 'ent_coef', 0, 'ok'],
    ['weight_decay', 'weight_decay', 0, 'ok'],
    ['image_size', 'resolution', '512,512', 'ok'],
    ['image_size', 'imgsz', '640x640', 'ok'],
    ['replay_buffer', 'train_freq', [1, 'episode'], 'ok'],
    ['policy_kwargs', 'policy_kwargs', 'dict(log_std_init=-2, ortho_init=False)', 'ok'],
    ['update_epochs', 'batch_size', 256, 'ok'],
    ['update_epochs', 'n_epochs', 256, 'high'],
    ['flip', 'horizontal_flip', true, 'ok'],
    ['solver', 'max_iter', 1000, 'ok'],
    ['precision', 'loss_scale', 0, 'ok'],
    ['num_workers', 'persistent_workers', true, 'ok'],
  ];
  for (const [id, key, value, level] of keyed) {
    it(`${id} via key ${key} = ${JSON.stringify(value)} → ${level}`, () => {
      const a = assessValue(id, value, { key });
      assert.equal(a.level, level, a.message);
    });
  }

  it('judges values relative to sibling settings when given them', () => {
    assert.equal(assessValue('lora_alpha', 16, { siblings: { lora_r: 8 } }).level, 'ok');
    assert.match(assessValue('lora_alpha', 16, { siblings: { lora_r: 8 } }).message, /α\/r = 2/);
    assert.equal(assessValue('lora_alpha', 256, { siblings: { lora_rank: 8 } }).level, 'high');
    assert.equal(assessValue('lora_alpha', 1, { siblings: { r: 64 } }).level, 'low');
    assert.equal(assessValue('lora_alpha', 16, { siblings: { lora_r: 'auto' } }).level, 'ok');
    assert.match(assessValue('warmup_steps', 2000, { siblings: { max_steps: 1000 } }).message, /never leaves warmup/);
    assert.match(assessValue('warmup_steps', 500, { siblings: { max_steps: 1000 } }).message, /50% of the 1000 total/);
    assert.equal(assessValue('warmup_steps', 500, { siblings: { max_steps: -1 } }).level, 'ok');
    assert.equal(assessValue('warmup_steps', 50, { siblings: { max_steps: 1000 } }).level, 'ok');
  });

  it('accepts the entry object as well as its id', () => {
    const entry = getEntry('dropout');
    assert.ok(entry);
    assert.deepEqual(assessValue(entry, 0.7), assessValue('dropout', 0.7));
  });

  it('reports unknown ids instead of throwing', () => {
    const a = assessValue('no_such_id', 1);
    assert.equal(a.level, 'unusual');
    assert.match(a.message, /no knowledge-base entry "no_such_id"/);
  });

  it('keeps messages short for huge input', () => {
    const a = assessValue('learning_rate', 'x'.repeat(1_000_000));
    assert.equal(a.level, 'invalid');
    assert.ok(a.message.length < 120, `message length ${a.message.length}`);
  });

  it('judges every reference entry without throwing on odd values', () => {
    const odd: unknown[] = [0, -1, 1e308, -1e-308, 'auto', '???', '', [], {}, [1, 'a'], 'lin_abc', '1e-5', Symbol.for('x').toString()];
    for (const id of ['learning_rate', 'dropout', 'adam_betas', 'optimizer', 'seed', 'packing', 'lora_targets', 'n_estimators']) {
      for (const v of odd) {
        const a = assessValue(id, v, { framework: 'hf' });
        assert.ok(['ok', 'low', 'high', 'invalid', 'unusual'].includes(a.level));
        assert.ok(a.message.length > 0);
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

  it('prefers the context-specific range and falls back to the general one', () => {
    const lr = getEntry('learning_rate');
    assert.ok(lr);
    assert.equal(selectRange(lr, { framework: 'hf' }).label, 'AdamW fine-tuning');
    assert.equal(selectRange(lr, { framework: 'hf', optimizer: 'sgd' }).label, 'SGD');
    assert.equal(selectRange(lr, { framework: 'ultralytics' }).label, 'Ultralytics lr0');
    assert.equal(selectRange(lr, { framework: 'ultralytics', optimizer: 'Adam' }).label, 'Ultralytics lr0 with Adam');
    assert.equal(selectRange(lr, {}).label, undefined);
  });
});
