/** One realistic fixture per supported format (test/fixtures/detect), checked end to end. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectFile, detectWorkspace, type DetectedFile } from '../../../src/core/detect';
import { expectSettings, find, FIXTURES, type Expect } from './helpers';

function detect(rel: string): DetectedFile {
  const file = path.join(FIXTURES, rel);
  return detectFile(file, fs.readFileSync(file, 'utf8'));
}

const CASES: Array<[string, string, Expect[]]> = [
  ['hydra/configs/model/resnet.yaml', 'hydra', [
    ['model.optimizer.lr', 'learning_rate', 'hyperparameter', 3e-4],
    ['model.optimizer.betas', 'adam_betas', 'hyperparameter', [0.9, 0.95]],
    ['model.scheduler.gamma', 'lr_decay_factor', 'hyperparameter', 0.2],
    ['model.net.depth', 'num_layers', 'hyperparameter', 18],
    ['model.net.num_classes', null, 'other', 10],
    ['model.optimizer._target_', null, 'other'],
    ['model.label_smoothing', 'label_smoothing', 'hyperparameter', 0.05],
  ]],
  ['hydra/configs/trainer/default.yaml', 'hydra', [
    ['trainer.max_epochs', 'epochs', 'hyperparameter', 40],
    ['trainer.accumulate_grad_batches', 'grad_accumulation', 'hyperparameter', 2],
    ['trainer.precision', 'precision', 'system', '16-mixed'],
    ['trainer.devices', null, 'system', 1],
    ['trainer.check_val_every_n_epoch', null, 'system', 1],
  ]],
  ['hydra/configs/data/cifar10.yaml', 'hydra', [
    ['data.batch_size', 'batch_size', 'hyperparameter', 128],
    ['data.num_workers', 'num_workers', 'system', 4],
    ['data.data_dir', null, 'system'],
  ]],
  ['hydra/configs/callbacks/early_stopping.yaml', 'hydra', [
    ['callbacks.early_stopping.patience', 'early_stopping_patience', 'hyperparameter', 5],
    ['callbacks.early_stopping.monitor', null, 'system'],
  ]],
  ['hydra/configs/experiment/cifar_fast.yaml', 'hydra', [
    ['trainer.max_epochs', 'epochs', 'hyperparameter', 5],
    ['model.optimizer.lr', 'learning_rate', 'hyperparameter', 1e-3],
    ['model.net.dropout', 'dropout', 'hyperparameter', 0.2],
    ['data.image_size', 'image_size', 'hyperparameter', null],
  ]],
  ['hydra/configs/hparams_search/cifar_optuna.yaml', 'hydra', [
    ['model.optimizer.lr', 'learning_rate', 'hyperparameter', null],
    ['data.batch_size', 'batch_size', 'hyperparameter', null],
    ['model.net.depth', 'num_layers', 'hyperparameter', null],
    ['hydra.sweeper.n_trials', null, 'search-setting', 30],
    ['hydra.sweeper.n_jobs', null, 'search-setting', 2],
    ['hydra.mode', null, 'system', 'MULTIRUN'],
  ]],
  ['hydra/configs/hparams_search/cifar_nevergrad.yaml', 'hydra', [
    ['model.optimizer.lr', 'learning_rate', 'hyperparameter', null],
    ['data.batch_size', 'batch_size', 'hyperparameter', null],
    ['hydra.sweeper.optim.budget', null, 'search-setting', 40],
    ['hydra.sweeper.optim.num_workers', null, 'search-setting', 4],
    ['hydra.sweeper.optim.optimizer', null, 'search-setting', 'OnePlusOne'],
  ]],
  ['lightning/fit.yaml', 'lightning-cli', [
    ['model.optimizer', 'optimizer', 'hyperparameter', 'torch.optim.AdamW'],
    ['model.optimizer.lr', 'learning_rate', 'hyperparameter', 2e-5],
    ['model.optimizer.eps', 'optimizer_eps', 'hyperparameter', 1e-8],
    ['model.lr_scheduler', 'lr_scheduler', 'hyperparameter'],
    ['model.lr_scheduler.pct_start', 'warmup_ratio', 'hyperparameter', 0.1],
    ['trainer.callbacks[0].patience', 'early_stopping_patience', 'hyperparameter', 4],
    ['data.batch_size', 'batch_size', 'hyperparameter', 32],
    ['trainer.strategy', null, 'system', 'ddp'],
    ['seed_everything', 'seed', 'system', 1234],
  ]],
  ['hf/training_args.json', 'hf-training-args', [
    ['learning_rate', 'learning_rate', 'hyperparameter', 2e-5],
    ['per_device_train_batch_size', 'batch_size', 'hyperparameter', 32],
    ['per_device_eval_batch_size', 'eval_batch_size', 'system', 64],
    ['adam_beta2', 'adam_beta2', 'hyperparameter', 0.98],
    ['adam_epsilon', 'optimizer_eps', 'hyperparameter', 1e-6],
    ['eval_strategy', null, 'system', 'epoch'],
    ['report_to', null, 'system'],
    ['load_best_model_at_end', null, 'system', true],
  ]],
  ['hf/trainer_state.json', 'hf-trainer-state', [
    ['log_history[0].learning_rate', 'learning_rate', 'logged', 1.8e-5],
    ['max_steps', 'max_steps', 'logged', 1000],
    ['global_step', null, 'logged', 1000],
  ]],
  ['hf/config.json', 'hf-model-config', [
    ['n_layers', 'num_layers', 'hyperparameter', 6],
    ['n_heads', 'num_heads', 'hyperparameter', 12],
    ['layer_norm_eps', 'normalization', 'hyperparameter', 1e-12],
    ['vocab_size', null, 'other', 30522],
  ]],
  ['hf/args.py', 'hf-training-args', [
    ['DataArguments.max_seq_length', 'seq_length', 'hyperparameter', 128],
    ['ModelArguments.hidden_dropout_prob', 'dropout', 'hyperparameter', 0.1],
    ['ModelArguments.cache_dir', null, 'system', null],
  ]],
  ['hf/sft.py', 'hf-training-args', [
    ['LoraConfig.r', 'lora_rank', 'hyperparameter', 16],
    ['LoraConfig.lora_alpha', 'lora_alpha', 'hyperparameter', 32],
    ['LoraConfig.target_modules', 'lora_targets', 'hyperparameter', ['q_proj', 'v_proj']],
    ['SFTConfig.max_seq_length', 'seq_length', 'hyperparameter', 2048],
    ['SFTConfig.learning_rate', 'learning_rate', 'hyperparameter', 1e-4],
    ['SFTConfig.output_dir', null, 'system'],
    ['SFTConfig.seed', 'seed', 'system', 3407],
    ['TrainingArguments.learning_rate', 'learning_rate', 'hyperparameter', 5e-5],
  ]],
  ['ultralytics/hyp.finetune.yaml', 'ultralytics', [
    ['lr0', 'learning_rate', 'hyperparameter', 0.0032],
    ['lrf', 'min_lr', 'hyperparameter', 0.12],
    ['warmup_epochs', 'warmup_ratio', 'hyperparameter', 2],
    ['scale', 'geometric_augmentation', 'hyperparameter', 0.898],
    ['fl_gamma', 'focal_gamma', 'hyperparameter', 0],
    ['hsv_h', 'color_jitter', 'hyperparameter', 0.0138],
    ['box', 'loss_weight', 'hyperparameter', 0.0296],
  ]],
  ['deepspeed/ds_config_zero3.json', 'deepspeed', [
    ['optimizer.params.lr', 'learning_rate', 'hyperparameter', null],
    ['train_micro_batch_size_per_gpu', 'batch_size', 'hyperparameter', 8],
    ['gradient_clipping', 'grad_clip_norm', 'hyperparameter', 1],
    ['zero_optimization.stage', 'sharding', 'system', 3],
    ['scheduler.params.total_num_steps', 'schedule_length', 'hyperparameter', null],
  ]],
  ['wandb/sweep.yaml', 'wandb-sweep', [
    ['learning_rate', 'learning_rate', 'hyperparameter', null],
    ['batch_size', 'batch_size', 'hyperparameter', null],
    ['model.num_layers', 'num_layers', 'hyperparameter', null],
    ['optimizer.weight_decay', 'weight_decay', 'hyperparameter', null],
    ['method', null, 'search-setting', 'bayes'],
    ['program', null, 'search-setting', 'train.py'],
  ]],
  ['nni/config.yml', 'nni', [
    ['searchSpace.lr', 'learning_rate', 'hyperparameter', null],
    ['searchSpace.features', 'hidden_size', 'hyperparameter', null],
    ['trialConcurrency', null, 'search-setting', 2],
  ]],
  ['ray/tune_mnist.py', 'ray-tune', [
    ['param_space.lr', 'learning_rate', 'hyperparameter', null],
    ['param_space.hidden_size', 'hidden_size', 'hyperparameter', null],
    ['param_space.epochs', 'epochs', 'hyperparameter', 10],
    ['param_space.data_dir', null, 'system', null],
  ]],
  ['sklearn/pipeline_search.py', 'sklearn-grid', [
    ['param_grid.clf__C', 'svm_c', 'hyperparameter', null],
    ['param_grid.clf__gamma', 'rbf_gamma', 'hyperparameter', null],
    ['param_grid.clf__kernel', 'kernel', 'hyperparameter', null],
    ['param_distributions.alpha', 'regularization_alpha', 'hyperparameter', null],
  ]],
  ['sklearn/models.py', 'python', [
    ['DBSCAN.eps', 'dbscan_eps', 'hyperparameter', 0.35],
    ['SVC.gamma', 'rbf_gamma', 'hyperparameter', 0.02],
    ['SVC.C', 'svm_c', 'hyperparameter', 3],
    ['KMeans.n_clusters', 'n_clusters', 'hyperparameter', 6],
    ['KNeighborsClassifier.n_neighbors', 'n_neighbors', 'hyperparameter', 7],
    ['RandomForestClassifier.n_estimators', 'n_estimators', 'hyperparameter', 400],
    ['RandomForestClassifier.n_jobs', 'num_threads', 'system', -1],
    ['LogisticRegression.max_iter', 'solver', 'hyperparameter', 500],
  ]],
  ['scripts/train.py', 'argparse', [
    ['lr', 'learning_rate', 'hyperparameter', 0.05],
    ['batch_size', 'batch_size', 'hyperparameter', 128],
    ['weight_decay', 'weight_decay', 'hyperparameter', 5e-4],
    ['gamma', 'lr_decay_factor', 'hyperparameter', 0.1],
    ['dropout', 'dropout', 'hyperparameter', 0.3],
    ['seed', 'seed', 'system', 1],
    ['log_interval', null, 'system', 20],
    ['data_dir', null, 'system', './data'],
  ]],
  ['pytorch/train_cnn.py', 'python', [
    ['SGD.lr', 'learning_rate', 'use', 0.01],
    ['SGD.momentum', 'momentum', 'hyperparameter', 0.9],
    ['StepLR.gamma', 'lr_decay_factor', 'hyperparameter', 0.5],
    ['ReduceLROnPlateau.factor', 'lr_decay_factor', 'hyperparameter', 0.2],
    ['ReduceLROnPlateau.patience', 'lr_plateau_patience', 'hyperparameter', 3],
    ['Adam.eps', 'optimizer_eps', 'hyperparameter', 1e-9],
    ['BatchNorm1d.eps', 'normalization', 'hyperparameter', 1e-5],
    ['BatchNorm1d.momentum', 'normalization', 'hyperparameter', 0.1],
    ['Dropout.p', 'dropout', 'hyperparameter', 0.4],
    ['Net.hidden_size', 'hidden_size', 'hyperparameter', 256],
    ['DataLoader.num_workers', 'num_workers', 'system', 4],
  ]],
  ['keras/train_mlp.py', 'keras', [
    ['LEARNING_RATE', 'learning_rate', 'hyperparameter', 1e-3],
    ['DROPOUT_RATE', 'dropout', 'hyperparameter', 0.2],
    ['Adam.epsilon', 'optimizer_eps', 'hyperparameter', 1e-7],
    ['fit.batch_size', 'batch_size', 'use', 64],
    ['EarlyStopping.patience', 'early_stopping_patience', 'hyperparameter', 3],
    ['OUTPUT_DIR', null, 'system', 'artifacts'],
  ]],
  ['gbdt/params.py', 'gbdt-params', [
    ['xgb_params.gamma', 'min_split_gain', 'hyperparameter', 0.2],
    ['xgb_params.lambda', 'reg_lambda', 'hyperparameter', 1.5],
    ['xgb_params.alpha', 'reg_alpha', 'hyperparameter', 0.1],
    ['xgb_params.eta', 'learning_rate', 'hyperparameter', 0.05],
    ['xgb_params.nthread', 'num_threads', 'system', 8],
    ['lgb_params.num_leaves', 'num_leaves', 'hyperparameter', 63],
    ['lgb_params.lambda_l1', 'reg_alpha', 'hyperparameter', 0],
    ['CatBoostClassifier.depth', 'max_depth', 'hyperparameter', 8],
    ['CatBoostClassifier.l2_leaf_reg', 'reg_lambda', 'hyperparameter', 5],
    ['CatBoostClassifier.iterations', 'n_estimators', 'hyperparameter', 1500],
  ]],
  ['dvc/params.yaml', 'dvc-params', [
    ['train.n_est', 'n_estimators', 'hyperparameter', 50],
    ['train.min_split', 'min_samples_split', 'hyperparameter', 0.01],
    ['featurize.max_features', 'text_features', 'hyperparameter', 200],
    ['prepare.split', 'val_split', 'hyperparameter', 0.2],
    ['prepare.seed', 'seed', 'system', 20170428],
  ]],
  ['mmdet/faster_rcnn_r50_fpn_2x.py', 'mmengine', [
    ['optimizer.lr', 'learning_rate', 'hyperparameter', 0.0025],
    ['lr_config.step', 'lr_milestones', 'hyperparameter', [16, 22]],
    ['lr_config.policy', 'lr_scheduler', 'hyperparameter', 'step'],
    ['lr_config.warmup_iters', 'warmup_steps', 'hyperparameter', 500],
    ['optimizer_config.grad_clip.max_norm', 'grad_clip_norm', 'hyperparameter', 35],
    ['model.backbone.depth', 'num_layers', 'hyperparameter', 50],
    ['data.samples_per_gpu', 'batch_size', 'hyperparameter', 2],
    ['runner.max_epochs', 'epochs', 'hyperparameter', 24],
    ['log_config.interval', null, 'system', 50],
    ['work_dir', null, 'system'],
  ]],
  ['rl/sac.yml', 'rl-zoo', [
    ['Pendulum-v1.tau', 'target_update', 'hyperparameter', 0.02],
    ['Pendulum-v1.buffer_size', 'replay_buffer', 'hyperparameter', 100000],
    ['Pendulum-v1.gamma', 'discount_factor', 'hyperparameter', 0.98],
    ['Pendulum-v1.batch_size', 'batch_size', 'hyperparameter', 256],
    ['PendulumNoisy-v1.gamma', 'discount_factor', 'hyperparameter', 0.95],
    ['PendulumNoisy-v1.n_timesteps', 'total_timesteps', 'hyperparameter', 20000],
  ]],
  ['python/sweeps_in_code.py', 'nni', [
    ['search_space.lr', 'learning_rate', 'hyperparameter', null],
    ['search_space.hidden_size', 'hidden_size', 'hyperparameter', null],
    ['sweep_config.learning_rate', 'learning_rate', 'hyperparameter', null],
    ['sweep_config.optimizer', 'optimizer', 'hyperparameter', null],
    ['sweep_config.method', null, 'search-setting', 'random'],
  ]],
  ['python/keras_tuner.py', 'keras-tuner', [
    ['units', 'hidden_size', 'hyperparameter', null],
    ['activation', 'activation', 'hyperparameter', null],
    ['lr', 'learning_rate', 'hyperparameter', null],
    ['Dropout.rate', 'dropout', 'hyperparameter', 0.25],
  ]],
  ['python/hyperopt_search.py', 'hyperopt', [
    ['learning_rate', 'learning_rate', 'hyperparameter', null],
    ['max_depth', 'max_depth', 'hyperparameter', null],
    ['booster', 'booster', 'hyperparameter', null],
  ]],
  ['toml/train.toml', 'torchtitan', [
    ['optimizer.lr', 'learning_rate', 'hyperparameter', 6e-4],
    ['optimizer.beta2', 'adam_beta2', 'hyperparameter', 0.95],
    ['model.n_layer', 'num_layers', 'hyperparameter', 12],
    ['training.max_iters', 'max_steps', 'hyperparameter', 600000],
    ['training.eval_interval', null, 'system', 2000],
  ]],
  ['toml/pyproject.toml', 'pyproject', [
    ['tool.hpstudio.learning_rate', 'learning_rate', 'hyperparameter', 0.001],
    ['tool.hpstudio.epochs', 'epochs', 'hyperparameter', 30],
  ]],
  ['axolotl/qlora.yml', 'axolotl', [
    ['lora_r', 'lora_rank', 'hyperparameter', 64],
    ['lora_target_modules', 'lora_targets', 'hyperparameter', ['q_proj', 'v_proj']],
    ['warmup_steps', 'warmup_steps', 'hyperparameter', 10],
    ['wandb_project', null, 'system', null],
  ]],
];

describe('detect: format fixtures', () => {
  for (const [rel, format, rows] of CASES) {
    it(`${rel} → ${format}`, () => {
      const result = detect(rel);
      assert.equal(result.error, undefined, result.error);
      assert.equal(result.format, format);
      expectSettings(result, rows);
    });
  }

  it('reads sweep grammars into search domains', () => {
    const hydra = detect('hydra/configs/hparams_search/cifar_optuna.yaml');
    assert.deepEqual(find(hydra, 'model.optimizer.lr').search, { type: 'float', low: 1e-5, high: 1e-2, source: 'tag(log, interval)', log: true });
    assert.deepEqual(find(hydra, 'model.net.depth').search, { type: 'int', low: 18, high: 50, step: 16, source: 'range' });
    assert.deepEqual(find(hydra, 'model.optimizer.weight_decay').search, { type: 'categorical', choices: [1e-4, 1e-3, 1e-2], source: 'list' });
    const ng = detect('hydra/configs/hparams_search/cifar_nevergrad.yaml');
    assert.deepEqual(find(ng, 'model.optimizer.lr').search, { type: 'float', low: 1e-5, high: 1e-2, log: true, step: undefined, source: 'nevergrad' });
    assert.deepEqual(find(ng, 'data.batch_size').search, { type: 'int', low: 16, high: 256, log: undefined, step: undefined, source: 'nevergrad' });
    assert.deepEqual(find(ng, 'model.net.dropout').search, { type: 'categorical', choices: [0, 0.1, 0.3], source: 'list' });
    const wb = detect('wandb/sweep.yaml');
    assert.deepEqual(find(wb, 'learning_rate').search, { type: 'float', low: 1e-5, high: 0.01, log: true, step: undefined, source: 'log_uniform_values' });
    assert.deepEqual(find(wb, 'epochs').value, 20);
    const ray = detect('ray/tune_mnist.py');
    assert.deepEqual(find(ray, 'param_space.hidden_size').search, { type: 'int', low: 32, high: 256, step: 32, source: 'tune.qrandint' });
    const grid = detect('sklearn/pipeline_search.py');
    assert.deepEqual(find(grid, 'param_distributions.alpha').search, { type: 'float', low: 1e-4, high: 1e2, log: true, source: 'loguniform' });
  });

  it('reads Keras Tuner and hyperopt domains once, by their own name', () => {
    const kt = detect('python/keras_tuner.py');
    assert.deepEqual(find(kt, 'lr').search, { type: 'float', low: 1e-4, high: 1e-2, log: true, step: undefined, source: 'hp.Float' });
    assert.deepEqual(find(kt, 'units').search, { type: 'int', low: 32, high: 512, log: undefined, step: 32, source: 'hp.Int' });
    assert.equal(kt.settings.filter(s => s.canonical === 'hidden_size').length, 1, 'Dense(units=hp.Int(…)) is the same setting');
    const ho = detect('python/hyperopt_search.py');
    assert.deepEqual(find(ho, 'booster').search, { type: 'categorical', choices: ['gbtree', 'dart'], source: 'hp.choice' });
    assert.equal(ho.settings.filter(s => s.canonical === 'learning_rate').length, 1);
  });

  it('marks references, placeholders and "auto" with their origin', () => {
    const exp = detect('hydra/configs/experiment/cifar_fast.yaml');
    assert.deepEqual(find(exp, 'model.net.dropout').origin, { kind: 'reference', text: '${model.dropout_rate}' });
    assert.equal(find(exp, 'model.net.dropout').value, 0.2, 'resolved within the file');
    assert.deepEqual(find(exp, 'data.image_size').origin, { kind: 'mandatory', text: '???' });
    const ds = detect('deepspeed/ds_config_zero3.json');
    assert.equal(find(ds, 'optimizer.params.lr').origin?.kind, 'auto');
    assert.equal(find(ds, 'optimizer.params.lr').optimizer, 'adamw');
    const rl = detect('rl/sac.yml');
    assert.deepEqual(find(rl, 'PendulumNoisy-v1.learning_rate').origin, { kind: 'schedule', text: 'linear schedule from 7.3e-4 to 0' });
    assert.equal(find(rl, 'PendulumNoisy-v1.tau').origin?.kind, 'inherited');
  });

  it('resolves Hydra references across the config folder when scanning a directory', () => {
    const files = detectWorkspace(path.join(FIXTURES, 'hydra'));
    const model = files.find(f => f.path.endsWith(path.join('model', 'resnet.yaml')));
    assert.ok(model);
    const ref = find(model, 'model.reference_batch_size');
    assert.equal(ref.value, 128, '${data.batch_size} comes from configs/data/cifar10.yaml');
    assert.equal(ref.canonical, 'batch_size');
    // Hydra's own groups and the logger/paths groups are no ML configs.
    for (const group of ['hydra', 'logger', 'paths']) assert.ok(!files.some(f => f.path.includes(`configs${path.sep}${group}${path.sep}`)), group);
  });

  it('keeps argparse aliases and the dest of the first long option', () => {
    const r = detect('scripts/train.py');
    assert.deepEqual(find(r, 'lr').aliases, ['--learning-rate']);
    assert.equal(find(r, 'lr').name, '--lr');
    assert.deepEqual(find(r, 'batch_size').aliases, ['-b']);
    assert.equal(find(r, 'batch_size').name, '--batch-size');
    assert.deepEqual(find(r, 'weight_decay').aliases, ['--weight-decay'], 'dest= wins over the option name');
    assert.equal(find(r, 'gamma').value, 0.1);
    assert.equal(find(r, 'no_cuda').value, false, 'store_true defaults to false');
  });

  it('shows what an mmengine config inherits through _base_ (directory scan)', () => {
    const files = detectWorkspace(path.join(FIXTURES, 'mmdet'));
    const child = files.find(f => f.path.endsWith('tiny_net_2x_lr01.py'));
    assert.ok(child);
    assert.equal(child.format, 'mmengine');
    const lr = find(child, 'optim_wrapper.optimizer.lr');
    assert.equal(lr.value, 0.01, 'the override wins');
    assert.equal(lr.origin, undefined);
    assert.equal(lr.optimizer, 'sgd', 'the optimizer type comes from the base schedule');
    const momentum = find(child, 'optim_wrapper.optimizer.momentum');
    assert.deepEqual(momentum.origin, { kind: 'inherited', text: path.join('_base_', 'schedules', 'sgd_2x.py') });
    assert.deepEqual(momentum.range, { line: 0, character: 0, endLine: 0, endCharacter: 6 }, 'placed on the _base_ line');
    assert.equal(find(child, 'model.backbone.depth').value, 18);
    assert.equal(files.find(f => f.path.endsWith('tiny_net.py'))?.format, 'mmengine', 'a _base_ file alone is an mmengine config');
  });

  it('follows Detectron2 lazy relative imports (`from ..common.optim import SGD as optimizer`)', () => {
    const files = detectWorkspace(path.join(FIXTURES, 'd2'));
    const cfg = files.find(f => f.path.endsWith('retinanet_3x.py'));
    assert.ok(cfg);
    assert.equal(cfg.format, 'detectron2-lazy');
    assert.equal(find(cfg, 'optimizer.lr').value, 0.01, 'the override wins');
    assert.equal(find(cfg, 'optimizer.lr').optimizer, 'sgd');
    const momentum = find(cfg, 'optimizer.momentum');
    assert.equal(momentum.value, 0.9);
    assert.deepEqual(momentum.origin, { kind: 'inherited', text: `${path.join('..', 'common', 'optim.py')}: SGD.momentum` });
    assert.equal(momentum.range.line, 2, 'placed on the import line');
    assert.equal(find(cfg, 'train.max_iter').value, 270000);
    assert.equal(find(cfg, 'train.amp.enabled').kind, 'system');
  });

  it('names the framework whose meaning applies', () => {
    assert.equal(find(detect('sklearn/models.py'), 'SVC.gamma').framework, 'sklearn');
    assert.equal(find(detect('gbdt/params.py'), 'CatBoostClassifier.depth').framework, 'catboost');
    assert.equal(find(detect('gbdt/params.py'), 'xgb_params.gamma').framework, 'xgboost');
    assert.equal(find(detect('rl/sac.yml'), 'Pendulum-v1.gamma').framework, 'sb3');
    assert.equal(find(detect('deepspeed/ds_config_zero3.json'), 'gradient_clipping').framework, 'deepspeed');
  });

  it('knows which optimizer is in effect', () => {
    assert.equal(find(detect('hydra/configs/model/resnet.yaml'), 'model.optimizer.lr').optimizer, 'adamw');
    assert.equal(find(detect('lightning/fit.yaml'), 'model.optimizer.lr').optimizer, 'adamw');
    assert.equal(find(detect('pytorch/train_cnn.py'), 'SGD.lr').optimizer, 'sgd');
    assert.equal(find(detect('axolotl/qlora.yml'), 'learning_rate').optimizer, 'adamw');
  });

  const NEGATIVES = fs.readdirSync(path.join(FIXTURES, 'negatives'), { recursive: true, withFileTypes: true }).filter(d => d.isFile());
  for (const d of NEGATIVES) {
    const full = path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name);
    it(`negative: ${path.relative(FIXTURES, full)} reports nothing`, () => {
      const r = detectFile(full, fs.readFileSync(full, 'utf8'), { force: true });
      assert.equal(r.format, null);
      assert.deepEqual(r.settings, []);
    });
  }
});
