/**
 * Every file of the shared corpus (real public configs): positives get their format and key
 * settings checked, negatives must report nothing. Files are read in place, never copied.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectFile, type DetectedFile } from '../../../src/core/detect';
import { CORPUS, corpusPaths, expectSettings, find, range, type Expect } from './helpers';

interface PositiveCase {
  readonly format: string;
  readonly settings: readonly Expect[];
  /** Exact LSP range of some keys: [line, character, endLine, endCharacter]. */
  readonly ranges?: Readonly<Record<string, [number, number, number, number]>>;
  readonly check?: (file: DetectedFile) => void;
}

const POSITIVES: Record<string, PositiveCase> = {
  'DLR-RM__rl-baselines3-zoo__hyperparams__ppo.yml': {
    format: 'rl-zoo',
    settings: [
      ['CartPole-v1.gamma', 'discount_factor', 'hyperparameter', 0.98],
      ['CartPole-v1.gae_lambda', 'gae_lambda', 'hyperparameter', 0.8],
      ['CartPole-v1.n_epochs', 'update_epochs', 'hyperparameter', 20],
      ['CartPole-v1.batch_size', 'update_epochs', 'hyperparameter', 256],
      ['CartPole-v1.n_steps', 'rollout_length', 'hyperparameter', 32],
      ['CartPole-v1.ent_coef', 'entropy_coef', 'hyperparameter', 0],
      ['Pendulum-v1.n_timesteps', 'total_timesteps', 'hyperparameter', 100000],
      ['MountainCarContinuous-v0.n_timesteps', 'total_timesteps', 'hyperparameter', 20000],
      ['atari.vf_coef', 'value_coef', 'hyperparameter', 0.5],
      ['atari.policy', null, 'other', 'CnnPolicy'],
      ['HalfCheetahBulletEnv-v0.max_grad_norm', 'grad_clip_norm', 'hyperparameter', 0.5],
    ],
    ranges: { 'CartPole-v1.gamma': [38, 2, 38, 7] },
    check(file) {
      const lr = find(file, 'CartPole-v1.learning_rate');
      assert.equal(lr.value, 0.001);
      assert.deepEqual(lr.origin?.kind, 'schedule');
      assert.equal(lr.raw, 'lin_0.001');
      // Merge keys: AntBulletEnv-v0 inherits the pybullet defaults and overrides learning_rate.
      const inherited = find(file, 'AntBulletEnv-v0.n_envs');
      assert.equal(inherited.value, 16);
      assert.deepEqual(inherited.origin, { kind: 'inherited', text: '*pybullet-defaults' });
      assert.equal(find(file, 'Walker2DBulletEnv-v0.clip_range').origin?.kind, 'schedule');
      assert.equal(find(file, 'Swimmer-v3.gamma').value, 0.9999);
      assert.equal(find(file, 'Swimmer-v3.n_timesteps').value, 1e6);
      assert.equal(file.settings.filter(s => s.key === 'AntBulletEnv-v0.learning_rate').length, 1, 'explicit keys win over merged ones');
    },
  },
  'ashleve__lightning-hydra-template__configs__experiment__example.yaml': {
    format: 'hydra',
    settings: [
      ['trainer.max_epochs', 'epochs', 'hyperparameter', 10],
      ['trainer.gradient_clip_val', 'grad_clip_norm', 'hyperparameter', 0.5],
      ['model.lr', 'learning_rate', 'hyperparameter', 0.002],
      ['model.net.lin1_size', 'hidden_size', 'hyperparameter', 128],
      ['datamodule.batch_size', 'batch_size', 'hyperparameter', 64],
      ['seed', 'seed', 'system', 12345],
      ['tags', null, 'system', ['mnist', 'simple_dense_net']],
    ],
    ranges: { 'model.lr': [25, 2, 25, 4] },
    check(file) {
      const tags = find(file, 'logger.wandb.tags');
      assert.deepEqual(tags.origin, { kind: 'reference', text: '${tags}' });
      assert.deepEqual(tags.value, ['mnist', 'simple_dense_net']);
      assert.ok(!file.settings.some(s => s.key.startsWith('defaults')), 'the defaults list is plumbing');
    },
  },
  'ashleve__lightning-hydra-template__configs__hparams_search__mnist_optuna.yaml': {
    format: 'hydra',
    settings: [
      ['model.lr', 'learning_rate', 'hyperparameter', null],
      ['datamodule.batch_size', 'batch_size', 'hyperparameter', null],
      ['model.net.lin2_size', 'hidden_size', 'hyperparameter', null],
      ['hydra.sweeper.n_trials', null, 'search-setting', 25],
      ['hydra.sweeper.direction', null, 'search-setting', 'maximize'],
      ['hydra.sweeper.n_jobs', null, 'search-setting', 1],
      ['hydra.sweeper.sampler.seed', null, 'search-setting', 12345],
      ['optimized_metric', null, 'search-setting', 'val/acc_best'],
    ],
    ranges: { 'model.lr': [51, 6, 51, 14] },
    check(file) {
      assert.deepEqual(find(file, 'model.lr').search, { type: 'float', low: 0.0001, high: 0.2, log: undefined, step: undefined, source: 'search_space' });
      assert.deepEqual(find(file, 'datamodule.batch_size').search?.choices, [32, 64, 128]);
    },
  },
  'ashleve__lightning-hydra-template__configs__model__mnist.yaml': {
    format: 'hydra',
    settings: [
      ['model.lr', 'learning_rate', 'hyperparameter', 0.001],
      ['model.weight_decay', 'weight_decay', 'hyperparameter', 0.0005],
      ['model.net.lin3_size', 'hidden_size', 'hyperparameter', 256],
      ['model._target_', null, 'other'],
      ['model.net.input_size', null, 'other', 784],
      ['model.net.output_size', null, 'other', 10],
    ],
    ranges: { 'model.lr': [1, 0, 1, 2], 'model.weight_decay': [2, 0, 2, 12] },
  },
  'axolotl-ai-cloud__axolotl__examples__llama-3__lora-8b.yml': {
    format: 'axolotl',
    settings: [
      ['lora_r', 'lora_rank', 'hyperparameter', 32],
      ['lora_alpha', 'lora_alpha', 'hyperparameter', 16],
      ['lora_dropout', 'lora_dropout', 'hyperparameter', 0.05],
      ['micro_batch_size', 'batch_size', 'hyperparameter', 2],
      ['gradient_accumulation_steps', 'grad_accumulation', 'hyperparameter', 4],
      ['num_epochs', 'epochs', 'hyperparameter', 4],
      ['learning_rate', 'learning_rate', 'hyperparameter', 0.0002],
      ['sequence_len', 'seq_length', 'hyperparameter', 4096],
      ['warmup_ratio', 'warmup_ratio', 'hyperparameter', 0.1],
      ['optimizer', 'optimizer', 'hyperparameter', 'adamw_bnb_8bit'],
      ['output_dir', null, 'system'],
      ['wandb_project', null, 'system', null],
      ['logging_steps', null, 'system', 1],
      ['gradient_checkpointing', 'grad_checkpointing', 'system', true],
    ],
    check(file) {
      assert.equal(find(file, 'bf16').origin?.kind, 'auto');
      assert.equal(find(file, 'learning_rate').optimizer, 'adamw');
    },
  },
  'dmlc__xgboost__demo__CLI__binary_classification__mushroom.conf': {
    format: 'xgboost-conf',
    settings: [
      ['eta', 'learning_rate', 'hyperparameter', 1],
      ['gamma', 'min_split_gain', 'hyperparameter', 1],
      ['max_depth', 'max_depth', 'hyperparameter', 3],
      ['min_child_weight', 'min_child_weight', 'hyperparameter', 1],
      ['num_round', 'n_estimators', 'hyperparameter', 2],
      ['booster', 'booster', 'hyperparameter', 'gbtree'],
      ['save_period', null, 'system', 2],
      ['data', null, 'system'],
      ['test:data', null, 'system'],
    ],
    ranges: { gamma: [10, 0, 10, 5] },
  },
  'facebookresearch__detectron2__configs__Base-RCNN-FPN.yaml': {
    format: 'detectron2',
    settings: [
      ['SOLVER.BASE_LR', 'learning_rate', 'hyperparameter', 0.02],
      ['SOLVER.IMS_PER_BATCH', 'batch_size', 'hyperparameter', 16],
      ['SOLVER.STEPS', 'lr_milestones', 'hyperparameter', [60000, 80000]],
      ['SOLVER.MAX_ITER', 'max_steps', 'hyperparameter', 90000],
      ['INPUT.MIN_SIZE_TRAIN', 'image_size', 'hyperparameter', [640, 672, 704, 736, 768, 800]],
      ['DATASETS.TRAIN', null, 'system'],
    ],
    ranges: { 'SOLVER.BASE_LR': [36, 2, 36, 9] },
  },
  'facebookresearch__detectron2__configs__new_baselines__mask_rcnn_R_50_FPN_100ep_LSJ.py': {
    format: 'detectron2-lazy',
    settings: [
      ['optimizer.lr', 'learning_rate', 'hyperparameter', 0.1],
      ['optimizer.weight_decay', 'weight_decay', 'hyperparameter', 4e-5],
      ['train.max_iter', 'max_steps', 'hyperparameter', 184375],
      ['dataloader.train.total_batch_size', 'batch_size', 'hyperparameter', 64],
      ['lr_multiplier.scheduler.milestones', 'lr_milestones', 'hyperparameter', [163889, 177546]],
      ['lr_multiplier.warmup_factor', 'warmup_start_factor', 'hyperparameter', 0.067],
      ['model.backbone.bottom_up.freeze_at', 'freezing', 'hyperparameter', 0],
      ['image_size', 'image_size', 'hyperparameter', 1024],
    ],
    ranges: { 'optimizer.lr': [70, 0, 70, 12], 'train.max_iter': [58, 0, 58, 17] },
    check(file) {
      // 500 / train.max_iter is folded with the value assigned a few lines above.
      assert.equal(find(file, 'lr_multiplier.warmup_length').value, 500 / 184375);
      assert.equal(find(file, 'optimizer.lr').optimizer, 'sgd', '`from ..common.optim import SGD as optimizer`');
      assert.equal(find(file, 'dataloader.train.mapper.augmentations[0].target_height').value, 1024);
    },
  },
  'facebookresearch__hydra__plugins__hydra_optuna_sweeper__example__conf__config.yaml': {
    format: 'hydra',
    settings: [
      ['hydra.sweeper.n_trials', null, 'search-setting', 20],
      ['hydra.sweeper.study_name', null, 'search-setting', 'sphere'],
      ['z', null, 'other', 1],
    ],
    check(file) {
      const swept = file.settings.filter(s => s.key === 'x' && s.search);
      assert.equal(swept.length, 1);
      assert.deepEqual(swept[0].search, { type: 'float', low: -5.5, high: 5.5, step: 0.5, source: 'range' });
      assert.deepEqual(file.settings.find(s => s.key === 'y' && s.search)?.search, { type: 'categorical', choices: [-5, 0, 5], source: 'choice' });
      assert.equal(file.settings.find(s => s.key === 'x' && !s.search)?.kind, 'hyperparameter', 'a swept key is a hyperparameter');
    },
  },
  'gemelo-ai__vocos__configs__vocos.yaml': {
    format: 'lightning-cli',
    settings: [
      ['model.initial_learning_rate', 'learning_rate', 'hyperparameter', 5e-4],
      ['model.mel_loss_coeff', 'loss_weight', 'hyperparameter', 45],
      ['model.num_warmup_steps', 'warmup_steps', 'hyperparameter', 0],
      ['model.backbone.num_layers', 'num_layers', 'hyperparameter', 8],
      ['model.backbone.intermediate_dim', 'ffn_size', 'hyperparameter', 1536],
      ['data.train_params.batch_size', 'batch_size', 'hyperparameter', 16],
      ['data.val_params.batch_size', 'eval_batch_size', 'system', 16],
      ['trainer.max_steps', 'max_steps', 'hyperparameter', 2000000],
      ['trainer.devices', null, 'system', [0]],
      ['trainer.log_every_n_steps', null, 'system', 100],
      ['seed_everything', 'seed', 'system', 4444],
      ['trainer.callbacks[2].save_top_k', null, 'system', 3],
    ],
    ranges: { 'model.initial_learning_rate': [24, 4, 24, 25] },
    check(file) {
      assert.deepEqual(find(file, 'data.train_params.filelist_path').origin, { kind: 'mandatory', text: '???' });
      assert.ok(!file.settings.some(s => s.key.includes('init_args')), 'init_args is stripped from key paths');
      assert.notEqual(find(file, 'trainer.callbacks[1].max_depth').kind, 'hyperparameter', 'ModelSummary depth is not a tree depth');
    },
  },
  'google-research__bert__bert_config.json': {
    format: 'hf-model-config',
    settings: [
      ['hidden_size', 'hidden_size', 'hyperparameter', 768],
      ['num_hidden_layers', 'num_layers', 'hyperparameter', 12],
      ['num_attention_heads', 'num_heads', 'hyperparameter', 12],
      ['intermediate_size', 'ffn_size', 'hyperparameter', 3072],
      ['hidden_dropout_prob', 'dropout', 'hyperparameter', 0.1],
      ['attention_probs_dropout_prob', 'attention_dropout', 'hyperparameter', 0.1],
      ['hidden_act', 'activation', 'hyperparameter', 'gelu'],
      ['initializer_range', 'init_scale', 'hyperparameter', 0.02],
      ['vocab_size', null, 'other', 32000],
    ],
    ranges: { hidden_size: [4, 5, 4, 16] },
  },
  'huggingface__transformers__tests__deepspeed__ds_config_zero2.json': {
    format: 'deepspeed',
    settings: [
      ['optimizer.type', 'optimizer', 'hyperparameter', 'AdamW'],
      ['optimizer.params.lr', 'learning_rate', 'hyperparameter', null],
      ['scheduler.params.warmup_num_steps', 'warmup_steps', 'hyperparameter', null],
      ['zero_optimization.stage', 'sharding', 'system', 2],
      ['fp16.enabled', 'precision', 'system', null],
      ['steps_per_print', null, 'system', 2000],
    ],
    check(file) {
      assert.deepEqual(find(file, 'optimizer.params.lr').origin, { kind: 'auto', text: "taken from the HF Trainer's TrainingArguments" });
      assert.equal(find(file, 'train_batch_size').origin?.kind, 'auto');
      assert.equal(find(file, 'optimizer.params.lr').raw, '"auto"');
    },
  },
  'kohya-ss__sd-scripts__tests__sd15_inpainting_test_lora.toml': {
    format: 'kohya',
    settings: [
      ['learning_rate', 'learning_rate', 'hyperparameter', 1e-4],
      ['network_dim', 'lora_rank', 'hyperparameter', 4],
      ['network_alpha', 'lora_alpha', 'hyperparameter', 1],
      ['train_batch_size', 'batch_size', 'hyperparameter', 1],
      ['max_train_steps', 'max_steps', 'hyperparameter', 20],
      ['lr_scheduler', 'lr_scheduler', 'hyperparameter', 'constant'],
      ['resolution', 'image_size', 'hyperparameter', '512,512'],
      ['mixed_precision', 'precision', 'system', 'fp16'],
      ['save_every_n_steps', null, 'system', 20],
    ],
    ranges: { learning_rate: [41, 0, 41, 13] },
  },
  'kubeflow__katib__examples__v1beta1__hp-tuning__random.yaml': {
    format: 'katib',
    settings: [
      ['lr', 'learning_rate', 'hyperparameter', null],
      ['num-layers', 'num_layers', 'hyperparameter', null],
      ['optimizer', 'optimizer', 'hyperparameter', null],
    ],
    ranges: { lr: [19, 12, 19, 14] },
    check(file) {
      assert.equal(file.settings.length, 3, 'only spec.parameters are settings');
      assert.deepEqual(find(file, 'lr').search, { type: 'float', low: 0.01, high: 0.03, step: undefined, log: undefined, source: 'katib double' });
      assert.deepEqual(find(file, 'optimizer').search?.choices, ['sgd', 'adam', 'ftrl']);
    },
  },
  'microsoft__DeepSpeedExamples__cifar__ds_config.json': {
    format: 'deepspeed',
    settings: [
      ['train_batch_size', 'batch_size', 'hyperparameter', 4],
      ['optimizer.params.lr', 'learning_rate', 'hyperparameter', 0.001],
      ['optimizer.params.betas', 'adam_betas', 'hyperparameter', [0.8, 0.999]],
      ['optimizer.params.eps', 'optimizer_eps', 'hyperparameter', 1e-8],
      ['optimizer.params.weight_decay', 'weight_decay', 'hyperparameter', 3e-7],
      ['scheduler.type', 'lr_scheduler', 'hyperparameter', 'WarmupLR'],
      ['gradient_clipping', 'grad_clip_norm', 'hyperparameter', 1],
      ['fp16.enabled', 'precision', 'system', true],
      ['zero_optimization.stage', 'sharding', 'system', 2],
      ['wall_clock_breakdown', null, 'system', false],
    ],
    check(file) {
      assert.equal(find(file, 'optimizer.params.lr').optimizer, 'adam');
    },
  },
  'microsoft__LightGBM__examples__binary_classification__train.conf': {
    format: 'lightgbm-conf',
    settings: [
      ['num_trees', 'n_estimators', 'hyperparameter', 10],
      ['learning_rate', 'learning_rate', 'hyperparameter', 0.1],
      ['num_leaves', 'num_leaves', 'hyperparameter', 20],
      ['feature_fraction', 'colsample', 'hyperparameter', 0.8],
      ['bagging_freq', 'subsample_freq', 'hyperparameter', 5],
      ['bagging_fraction', 'subsample', 'hyperparameter', 0.8],
      ['min_data_in_leaf', 'min_child_samples', 'hyperparameter', 50],
      ['min_sum_hessian_in_leaf', 'min_child_weight', 'hyperparameter', 5],
      ['max_bin', 'max_bin', 'hyperparameter', 255],
      ['local_listen_port', null, 'system', 12400],
      ['output_model', null, 'system'],
      ['verbosity', null, 'system', 2],
    ],
    ranges: { num_leaves: [51, 0, 51, 10] },
  },
  'microsoft__nni__examples__trials__auto-gbdt__search_space.json': {
    format: 'nni',
    settings: [
      ['num_leaves', 'num_leaves', 'hyperparameter', null],
      ['learning_rate', 'learning_rate', 'hyperparameter', null],
      ['bagging_fraction', 'subsample', 'hyperparameter', null],
      ['bagging_freq', 'subsample_freq', 'hyperparameter', null],
    ],
    ranges: { num_leaves: [1, 5, 1, 15] },
    check(file) {
      assert.deepEqual(find(file, 'bagging_fraction').search, { type: 'float', low: 0.7, high: 1, source: 'uniform' });
      assert.deepEqual(find(file, 'num_leaves').search?.choices, [31, 28, 24, 20]);
    },
  },
  'open-mmlab__mmdetection__configs___base___schedules__schedule_1x.py': {
    format: 'mmengine',
    settings: [
      ['optim_wrapper.optimizer.lr', 'learning_rate', 'hyperparameter', 0.02],
      ['optim_wrapper.optimizer.momentum', 'momentum', 'hyperparameter', 0.9],
      ['optim_wrapper.optimizer.type', 'optimizer', 'hyperparameter', 'SGD'],
      ['param_scheduler[1].milestones', 'lr_milestones', 'hyperparameter', [8, 11]],
      ['param_scheduler[1].gamma', 'lr_decay_factor', 'hyperparameter', 0.1],
      ['param_scheduler[0].start_factor', 'warmup_start_factor', 'hyperparameter', 0.001],
      ['train_cfg.max_epochs', 'epochs', 'hyperparameter', 12],
      ['train_cfg.val_interval', null, 'system', 1],
    ],
    ranges: { 'optim_wrapper.optimizer.lr': [21, 31, 21, 33] },
  },
  'open-mmlab__mmpretrain__configs___base___schedules__imagenet_bs1024_adamw_swin.py': {
    format: 'mmengine',
    settings: [
      ['optim_wrapper.optimizer.lr', 'learning_rate', 'hyperparameter', 5e-4 * 1024 / 512],
      ['optim_wrapper.optimizer.betas', 'adam_betas', 'hyperparameter', [0.9, 0.999]],
      ['optim_wrapper.optimizer.eps', 'optimizer_eps', 'hyperparameter', 1e-8],
      ['optim_wrapper.paramwise_cfg.norm_decay_mult', 'lr_multiplier', 'hyperparameter', 0],
      ['param_scheduler[1].eta_min', 'min_lr', 'hyperparameter', 1e-5],
      ['train_cfg.max_epochs', 'epochs', 'hyperparameter', 300],
      ['auto_scale_lr.base_batch_size', 'batch_size', 'hyperparameter', 1024],
    ],
    check(file) {
      assert.equal(find(file, 'optim_wrapper.optimizer.lr').raw, '5e-4 * 1024 / 512');
      assert.equal(find(file, 'optim_wrapper.optimizer.lr').optimizer, 'adamw');
    },
  },
  'optuna__optuna-examples__pytorch__pytorch_simple.py': {
    format: 'optuna',
    settings: [
      ['lr', 'learning_rate', 'hyperparameter', null],
      ['n_layers', 'num_layers', 'hyperparameter', null],
      ['n_units_l{}', 'hidden_size', 'hyperparameter', null],
      ['dropout_l{}', 'dropout', 'hyperparameter', null],
      ['optimizer', 'optimizer', 'hyperparameter', null],
      ['BATCHSIZE', 'batch_size', 'hyperparameter', 128],
      ['EPOCHS', 'epochs', 'hyperparameter', 10],
      ['LOG_INTERVAL', null, 'system', 10],
    ],
    ranges: { lr: [76, 30, 76, 32] },
    check(file) {
      assert.deepEqual(find(file, 'lr').search, { type: 'float', low: 1e-5, high: 1e-1, log: true, step: undefined, source: 'suggest_float' });
      assert.deepEqual(find(file, 'optimizer').search?.choices, ['Adam', 'RMSprop', 'SGD']);
      assert.ok(!file.settings.some(s => s.key === 'DEVICE' || s.key === 'DIR'), 'non-constant system values are left out');
    },
  },
  'optuna__optuna-examples__xgboost__xgboost_simple.py': {
    format: 'optuna',
    settings: [
      ['lambda', 'reg_lambda', 'hyperparameter', null],
      ['alpha', 'reg_alpha', 'hyperparameter', null],
      ['eta', 'learning_rate', 'hyperparameter', null],
      ['gamma', 'min_split_gain', 'hyperparameter', null],
      ['max_depth', 'max_depth', 'hyperparameter', null],
      ['subsample', 'subsample', 'hyperparameter', null],
      ['colsample_bytree', 'colsample', 'hyperparameter', null],
      ['booster', 'booster', 'hyperparameter', null],
      ['param.verbosity', null, 'system', 0],
    ],
    check(file) {
      assert.deepEqual(find(file, 'max_depth').search, { type: 'int', low: 3, high: 9, log: undefined, step: 2, source: 'suggest_int' });
      assert.equal(file.settings.filter(s => s.canonical === 'reg_alpha').length, 1, 'a dict entry holding suggest_*() is reported once');
    },
  },
  'pytorch__examples__imagenet__main.py': {
    format: 'argparse',
    settings: [
      ['lr', 'learning_rate', 'hyperparameter', 0.1],
      ['momentum', 'momentum', 'hyperparameter', 0.9],
      ['weight_decay', 'weight_decay', 'hyperparameter', 1e-4],
      ['batch_size', 'batch_size', 'hyperparameter', 256],
      ['epochs', 'epochs', 'hyperparameter', 90],
      ['workers', 'num_workers', 'system', 4],
      ['print_freq', null, 'system', 10],
      ['resume', null, 'system', ''],
      ['dist_url', null, 'system'],
      ['evaluate', null, 'system'],
    ],
    ranges: { lr: [38, 21, 38, 25] },
    check(file) {
      assert.equal(find(file, 'lr').name, '--lr');
      assert.equal(find(file, 'SGD.momentum').origin?.text, 'args.momentum');
    },
  },
  'pytorch__torchtitan__torchtitan__models__llama3__train_configs__llama3_8b.toml': {
    format: 'torchtitan',
    settings: [
      ['optimizer.lr', 'learning_rate', 'hyperparameter', 3e-4],
      ['optimizer.eps', 'optimizer_eps', 'hyperparameter', 1e-8],
      ['optimizer.name', 'optimizer', 'hyperparameter', 'AdamW'],
      ['lr_scheduler.warmup_steps', 'warmup_steps', 'hyperparameter', 200],
      ['training.batch_size', 'batch_size', 'hyperparameter', 1],
      ['training.seq_len', 'seq_length', 'hyperparameter', 8192],
      ['training.max_norm', 'grad_clip_norm', 'hyperparameter', 1],
      ['training.steps', 'max_steps', 'hyperparameter', 1000],
      ['job.dump_folder', null, 'system'],
      ['metrics.log_freq', null, 'system', 10],
      ['checkpoint.interval', null, 'system', 500],
      ['parallelism.data_parallel_shard_degree', 'sharding', 'system', -1],
    ],
    ranges: { 'optimizer.lr': [25, 0, 25, 2] },
  },
  'ray-project__ray__python__ray__tune__examples__cifar10_pytorch.py': {
    format: 'ray-tune',
    settings: [
      ['config.lr', 'learning_rate', 'hyperparameter', null],
      ['config.batch_size', 'batch_size', 'hyperparameter', null],
      ['config.l1', 'hidden_size', 'hyperparameter', null],
      ['SGD.momentum', 'momentum', 'hyperparameter', 0.9],
      ['Net.l1', 'hidden_size', 'hyperparameter', 120],
    ],
    check(file) {
      assert.deepEqual(find(file, 'config.lr').search, { type: 'float', low: 1e-4, high: 1e-1, log: true, source: 'tune.loguniform' });
      assert.deepEqual(find(file, 'config.batch_size').search, { type: 'categorical', choices: [2, 4, 8, 16], source: 'tune.choice' });
      assert.equal(find(file, 'config.l1').search?.source, 'tune.sample_from');
      assert.ok(!file.settings.some(s => s.key === 'config.data_dir' && s.kind === 'hyperparameter'));
    },
  },
  'scikit-learn__scikit-learn__examples__model_selection__plot_grid_search_digits.py': {
    format: 'sklearn-grid',
    settings: [
      ['tuned_parameters[0].C', 'svm_c', 'hyperparameter', null],
      ['tuned_parameters[0].gamma', 'rbf_gamma', 'hyperparameter', null],
      ['tuned_parameters[0].kernel', 'kernel', 'hyperparameter', null],
      ['train_test_split.test_size', 'val_split', 'hyperparameter', 0.5],
      ['train_test_split.random_state', 'seed', 'system', 0],
    ],
    check(file) {
      const gamma = find(file, 'tuned_parameters[0].gamma');
      assert.deepEqual(gamma.search, { type: 'categorical', choices: [1e-3, 1e-4], source: 'grid' });
      assert.equal(gamma.range.line, 176);
    },
  },
  'keras-team__keras-io__examples__vision__image_classification_with_vision_transformer.py': {
    format: 'keras',
    settings: [
      ['learning_rate', 'learning_rate', 'hyperparameter', 0.001],
      ['weight_decay', 'weight_decay', 'hyperparameter', 0.0001],
      ['batch_size', 'batch_size', 'hyperparameter', 256],
      ['num_epochs', 'epochs', 'hyperparameter', 10],
      ['image_size', 'image_size', 'hyperparameter', 72],
      ['patch_size', 'patch_size', 'hyperparameter', 6],
      ['projection_dim', 'embedding_dim', 'hyperparameter', 64],
      ['num_heads', 'num_heads', 'hyperparameter', 4],
      ['transformer_layers', 'num_layers', 'hyperparameter', 8],
      ['hidden_dim', 'hidden_size', 'hyperparameter', 256],
    ],
    ranges: { learning_rate: [52, 0, 52, 13] },
    check(file) {
      const lr = find(file, 'AdamW.learning_rate');
      assert.equal(lr.value, 0.001, 'the keyword is bound to the module constant');
      assert.deepEqual(lr.origin, { kind: 'reference', text: 'learning_rate' });
      assert.ok(!file.settings.some(s => s.key === 'num_classes' && s.kind === 'hyperparameter'));
    },
  },
};

describe('detect: shared corpus', () => {
  const originals = corpusPaths();

  it('has an expectation for every positive file and reads every file', () => {
    const files = fs.readdirSync(path.join(CORPUS, 'positive'));
    assert.ok(files.length >= 20, `corpus at ${CORPUS}`);
    for (const f of files) assert.ok(POSITIVES[f], `no expectation written for ${f}`);
  });

  for (const [file, expected] of Object.entries(POSITIVES)) {
    it(`positive: ${file}`, () => {
      const text = fs.readFileSync(path.join(CORPUS, 'positive', file), 'utf8');
      const original = originals.get(file) ?? file;
      const result = detectFile(original, text);
      assert.equal(result.error, undefined, result.error);
      assert.equal(result.format, expected.format);
      expectSettings(result, expected.settings);
      for (const [key, r] of Object.entries(expected.ranges ?? {})) assert.deepEqual(range(find(result, key)), r, `range of ${key}`);
      expected.check?.(result);
      // Whatever the format, settings come sorted by position (findSettingAt relies on it).
      for (let i = 1; i < result.settings.length; i++) {
        const a = result.settings[i - 1].range;
        const b = result.settings[i].range;
        assert.ok(a.line < b.line || (a.line === b.line && a.character <= b.character), 'settings sorted by source position');
      }
    });
  }

  for (const file of fs.existsSync(path.join(CORPUS, 'negative')) ? fs.readdirSync(path.join(CORPUS, 'negative')) : []) {
    it(`negative: ${file} reports nothing`, () => {
      const text = fs.readFileSync(path.join(CORPUS, 'negative', file), 'utf8');
      for (const p of [originals.get(file) ?? file, file]) {
        const result = detectFile(p, text, { force: true });
        assert.equal(result.format, null, `${p}: format`);
        assert.deepEqual(result.settings, [], `${p}: settings`);
        assert.equal(result.error, undefined);
      }
    });
  }
});
