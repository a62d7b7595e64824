/**
 * Held-out style check of the vocabulary: (key, context) → canonical id, including the names that
 * only their context can decide (gamma, alpha, lambda, eps, depth, decay, n_epochs, scale, p, k, C,
 * batch_size, momentum, steps, …).
 */
import * as assert from 'node:assert/strict';
import { classifyKey, knownCanonicalIds, type KeyContext } from '../../../src/core/detect';
import { CONTRACT_IDS } from '../../../src/core/knowledge/contractIds';

const S = (...names: string[]) => new Set(names);

type Row = [string, KeyContext, string | null, ('hyperparameter' | 'system' | 'search-setting' | 'other')?];

const ROWS: Row[] = [
  // Plain aliases across frameworks.
  ['lr', {}, 'learning_rate'], ['learning_rate', {}, 'learning_rate'], ['lr0', {}, 'learning_rate'], ['BASE_LR', { parents: ['solver'] }, 'learning_rate'],
  ['eta', { framework: 'xgboost' }, 'learning_rate'], ['shrinkage_rate', {}, 'learning_rate'], ['initial_learning_rate', {}, 'learning_rate'], ['learning_rate_init', {}, 'learning_rate'],
  ['--learning-rate', {}, 'learning_rate'], ['LEARNING_RATE', {}, 'learning_rate'], ['unet_lr', {}, 'learning_rate'], ['head_lr', {}, 'learning_rate'],
  ['lr_scheduler_type', {}, 'lr_scheduler'], ['lr_scheduler', {}, 'lr_scheduler'], ['cos_lr', {}, 'lr_scheduler'],
  ['warmup_steps', {}, 'warmup_steps'], ['num_warmup_steps', {}, 'warmup_steps'], ['warmup_num_steps', {}, 'warmup_steps'], ['warmup_iters', {}, 'warmup_steps'],
  ['warmup_ratio', {}, 'warmup_ratio'], ['warmup_epochs', {}, 'warmup_ratio'], ['pct_start', {}, 'warmup_ratio'],
  ['warmup_factor', {}, 'warmup_start_factor'], ['start_factor', {}, 'warmup_start_factor'], ['warmup_bias_lr', {}, 'warmup_start_factor'], ['warmup_momentum', {}, 'warmup_start_factor'],
  ['lrf', {}, 'min_lr'], ['eta_min', {}, 'min_lr'], ['min_lr', {}, 'min_lr'],
  ['milestones', {}, 'lr_milestones'], ['step_size', {}, 'lr_milestones'], ['T_max', {}, 'schedule_length'], ['num_training_steps', {}, 'schedule_length'],
  ['optimizer', {}, 'optimizer'], ['optim', {}, 'optimizer'],
  ['momentum', {}, 'momentum'], ['nesterov', {}, 'momentum'],
  ['adam_beta1', {}, 'adam_beta1'], ['beta_2', {}, 'adam_beta2'], ['betas', {}, 'adam_betas'],
  ['adam_epsilon', {}, 'optimizer_eps'], ['weight_decay', {}, 'weight_decay'], ['--wd', {}, 'weight_decay'],
  ['max_grad_norm', {}, 'grad_clip_norm'], ['gradient_clip_val', {}, 'grad_clip_norm'], ['gradient_clipping', {}, 'grad_clip_norm'], ['clipnorm', {}, 'grad_clip_norm'], ['max_norm', {}, 'grad_clip_norm'],
  ['per_device_train_batch_size', {}, 'batch_size'], ['train_micro_batch_size_per_gpu', {}, 'batch_size'], ['micro_batch_size', {}, 'batch_size'], ['IMS_PER_BATCH', {}, 'batch_size'], ['samples_per_gpu', {}, 'batch_size'], ['BATCHSIZE', {}, 'batch_size'], ['-b', {}, null, 'other'],
  ['gradient_accumulation_steps', {}, 'grad_accumulation'], ['accumulate_grad_batches', {}, 'grad_accumulation'], ['nbs', {}, 'grad_accumulation'],
  ['num_train_epochs', {}, 'epochs'], ['max_epochs', {}, 'epochs'], ['num_epochs', {}, 'epochs'], ['total_epochs', {}, 'epochs'],
  ['max_steps', {}, 'max_steps'], ['MAX_ITER', {}, 'max_steps'], ['max_train_steps', {}, 'max_steps'],
  ['dropout', {}, 'dropout'], ['hidden_dropout_prob', {}, 'dropout'], ['resid_pdrop', {}, 'dropout'], ['dropout_l0', {}, 'dropout'], ['drop_rate', {}, 'dropout'],
  ['attention_probs_dropout_prob', {}, 'attention_dropout'], ['attn_pdrop', {}, 'attention_dropout'], ['drop_path_rate', {}, 'drop_path'],
  ['label_smoothing_factor', {}, 'label_smoothing'], ['early_stopping_patience', {}, 'early_stopping_patience'], ['early_stopping_rounds', {}, 'early_stopping_patience'], ['od_wait', {}, 'early_stopping_patience'],
  ['min_delta', {}, 'early_stopping_min_delta'], ['mixup', {}, 'mixup'], ['cutmix_alpha', {}, 'mixup'], ['reprob', {}, 'random_erasing'],
  ['num_hidden_layers', {}, 'num_layers'], ['n_layer', {}, 'num_layers'], ['transformer_layers', {}, 'num_layers'],
  ['hidden_size', {}, 'hidden_size'], ['d_model', {}, 'hidden_size'], ['n_embd', {}, 'hidden_size'], ['n_units_l1', {}, 'hidden_size'], ['lin2_size', {}, 'hidden_size'], ['hidden_layer_sizes', {}, 'hidden_size'], ['net_arch', {}, 'hidden_size'],
  ['intermediate_size', {}, 'ffn_size'], ['dim_feedforward', {}, 'ffn_size'], ['mlp_ratio', {}, 'ffn_size'],
  ['num_attention_heads', {}, 'num_heads'], ['nhead', {}, 'num_heads'], ['kernel_size', {}, 'kernel_size'], ['out_channels', {}, 'channels'], ['widen_factor', {}, 'channels'],
  ['embedding_dim', {}, 'embedding_dim'], ['projection_dim', {}, 'embedding_dim'], ['hidden_act', {}, 'activation'], ['activation_fn', {}, 'activation'],
  ['layer_norm_eps', {}, 'normalization'], ['patch_size', {}, 'patch_size'], ['max_position_embeddings', {}, 'context_length'],
  ['lora_r', {}, 'lora_rank'], ['network_dim', {}, 'lora_rank'], ['lora_alpha', {}, 'lora_alpha'], ['network_alpha', {}, 'lora_alpha'], ['lora_dropout', {}, 'lora_dropout'], ['target_modules', {}, 'lora_targets'],
  ['frozen_stages', {}, 'freezing'], ['freeze_at', {}, 'freezing'], ['initializer_range', {}, 'init_scale'], ['log_std_init', {}, 'init_scale'],
  ['n_estimators', {}, 'n_estimators'], ['num_boost_round', {}, 'n_estimators'], ['num_round', {}, 'n_estimators'], ['iterations', {}, 'n_estimators'], ['n_est', {}, 'n_estimators'],
  ['max_depth', {}, 'max_depth'], ['num_leaves', {}, 'num_leaves'], ['max_leaf_nodes', {}, 'num_leaves'], ['min_data_in_leaf', {}, 'min_child_samples'], ['min_samples_leaf', {}, 'min_child_samples'],
  ['min_child_weight', {}, 'min_child_weight'], ['min_sum_hessian_in_leaf', {}, 'min_child_weight'], ['bagging_fraction', {}, 'subsample'], ['bagging_freq', {}, 'subsample_freq'],
  ['colsample_bytree', {}, 'colsample'], ['feature_fraction', {}, 'colsample'], ['min_split_loss', {}, 'min_split_gain'], ['min_gain_to_split', {}, 'min_split_gain'],
  ['reg_lambda', {}, 'reg_lambda'], ['lambda_l2', {}, 'reg_lambda'], ['l2_leaf_reg', {}, 'reg_lambda'], ['reg_alpha', {}, 'reg_alpha'], ['lambda_l1', {}, 'reg_alpha'],
  ['max_bin', {}, 'max_bin'], ['border_count', {}, 'max_bin'], ['scale_pos_weight', {}, 'scale_pos_weight'], ['min_samples_split', {}, 'min_samples_split'], ['min_split', {}, 'min_samples_split'],
  ['bagging_temperature', {}, 'random_strength'], ['boosting_type', {}, 'booster'], ['tree_method', {}, 'booster'],
  ['n_neighbors', {}, 'n_neighbors'], ['n_clusters', {}, 'n_clusters'], ['perplexity', {}, 'n_components'], ['solver', {}, 'solver'],
  ['gae_lambda', {}, 'gae_lambda'], ['clip_range', {}, 'clip_range'], ['clip_param', {}, 'clip_range'], ['ent_coef', {}, 'entropy_coef'], ['entropy_coeff', {}, 'entropy_coef'], ['vf_coef', {}, 'value_coef'],
  ['n_steps', {}, 'rollout_length'], ['rollout_fragment_length', {}, 'rollout_length'], ['target_update_interval', {}, 'target_update'], ['buffer_size', {}, 'replay_buffer'], ['exploration_fraction', {}, 'exploration'], ['n_envs', {}, 'n_envs'],
  ['imgsz', {}, 'image_size'], ['MIN_SIZE_TRAIN', {}, 'image_size'], ['max_seq_length', {}, 'seq_length'], ['sequence_len', {}, 'seq_length'], ['fliplr', {}, 'flip'], ['hsv_h', {}, 'color_jitter'],
  ['degrees', {}, 'geometric_augmentation'], ['mosaic', {}, 'mosaic'], ['copy_paste', {}, 'mosaic'], ['val_set_size', {}, 'val_split'], ['ngram_range', {}, 'text_features'], ['sample_packing', {}, 'packing'],
  // System settings carry an id but never the hyperparameter kind.
  ['num_workers', {}, 'num_workers', 'system'], ['dataloader_num_workers', {}, 'num_workers', 'system'], ['nthread', {}, 'num_threads', 'system'], ['fp16', {}, 'precision', 'system'],
  ['mixed_precision', {}, 'precision', 'system'], ['seed', {}, 'seed', 'system'], ['random_state', {}, 'seed', 'system'], ['gradient_checkpointing', {}, 'grad_checkpointing', 'system'],
  ['per_device_eval_batch_size', {}, 'eval_batch_size', 'system'],
  // Not hyperparameters at all.
  ['output_dir', {}, null, 'system'], ['data_dir', {}, null, 'system'], ['logging_steps', {}, null, 'system'], ['save_total_limit', {}, null, 'system'], ['report_to', {}, null, 'system'],
  ['devices', {}, null, 'system'], ['accelerator', {}, null, 'system'], ['local_rank', {}, null, 'system'], ['dist_url', {}, null, 'system'], ['eval_steps', {}, null, 'system'],
  ['metric_for_best_model', {}, null, 'system'], ['push_to_hub', {}, null, 'system'], ['resume_from_checkpoint', {}, null, 'system'], ['tokenizer_path', {}, null, 'system'],
  ['n_trials', {}, null, 'search-setting'], ['study_name', {}, null, 'search-setting'], ['direction', {}, null, 'search-setting'],
  ['_target_', {}, null, 'other'], ['class_path', {}, null, 'other'], ['num_classes', {}, null, 'other'], ['vocab_size', {}, null, 'other'], ['objective', {}, null, 'other'],
  ['n_jobs', { parents: ['hydra', 'sweeper'] }, null, 'search-setting'], ['n_jobs', { className: 'randomforestclassifier' }, 'num_threads', 'system'],

  // gamma
  ['gamma', { className: 'steplr' }, 'lr_decay_factor'], ['gamma', { parents: ['param_scheduler'], siblings: S('type', 'milestones', 'gamma') }, 'lr_decay_factor'],
  ['gamma', { siblings: S('booster', 'eta', 'max_depth', 'gamma') }, 'min_split_gain'], ['gamma', { framework: 'xgboost' }, 'min_split_gain'],
  ['gamma', { className: 'svc' }, 'rbf_gamma'], ['gamma', { siblings: S('kernel', 'c', 'gamma') }, 'rbf_gamma'],
  ['gamma', { siblings: S('gae_lambda', 'ent_coef', 'n_steps', 'gamma') }, 'discount_factor'], ['gamma', { framework: 'sb3' }, 'discount_factor'], ['gamma', { className: 'ppo' }, 'discount_factor'],
  ['gamma', { help: 'learning rate decay factor' }, 'lr_decay_factor'], ['gamma', { help: 'discount factor of the return' }, 'discount_factor'], ['fl_gamma', {}, 'focal_gamma'],
  // alpha / lambda
  ['alpha', { className: 'loraconfig' }, 'lora_alpha'], ['alpha', { siblings: S('r', 'lora_dropout', 'alpha') }, 'lora_alpha'], ['alpha', { framework: 'xgboost' }, 'reg_alpha'],
  ['alpha', { className: 'ridge' }, 'regularization_alpha'], ['alpha', { className: 'mlpclassifier' }, 'regularization_alpha'], ['alpha', { siblings: S('l1_ratio', 'alpha') }, 'regularization_alpha'],
  ['lambda', { framework: 'xgboost' }, 'reg_lambda'], ['lambda', { siblings: S('eta', 'max_depth', 'lambda') }, 'reg_lambda'], ['lambda_', { framework: 'rllib', siblings: S('clip_param', 'lambda_') }, 'gae_lambda'],
  // depth / eps / decay
  ['depth', { className: 'catboostclassifier' }, 'max_depth'], ['depth', { parents: ['model', 'backbone'], className: 'resnet' }, 'num_layers'], ['depth', { siblings: S('iterations', 'learning_rate', 'depth') }, 'max_depth'],
  ['eps', { className: 'adamw' }, 'optimizer_eps'], ['eps', { parents: ['optimizer'] }, 'optimizer_eps'], ['eps', { className: 'dbscan' }, 'dbscan_eps'], ['eps', { siblings: S('min_samples', 'eps') }, 'dbscan_eps'],
  ['eps', { className: 'batchnorm2d' }, 'normalization'], ['eps', { parents: ['norm_cfg'] }, 'normalization'], ['epsilon', { className: 'adam', framework: 'keras' }, 'optimizer_eps'],
  ['decay', { framework: 'keras', className: 'sgd' }, 'lr_decay_factor'], ['decay', { parents: ['model_ema'] }, 'ema_decay'], ['decay', {}, 'weight_decay'],
  // n_epochs / scale / p / k / C
  ['n_epochs', { framework: 'sb3' }, 'update_epochs'], ['n_epochs', { siblings: S('n_steps', 'gae_lambda', 'n_epochs') }, 'update_epochs'], ['n_epochs', {}, 'epochs'],
  ['scale', { framework: 'ultralytics' }, 'geometric_augmentation'], ['scale', { siblings: S('degrees', 'translate', 'scale') }, 'geometric_augmentation'], ['scale', { className: 'randomresizedcrop' }, 'geometric_augmentation'],
  ['p', { className: 'dropout' }, 'dropout'], ['p', { className: 'randomerasing' }, 'random_erasing'], ['p', { className: 'randomhorizontalflip' }, 'flip'], ['p', { className: 'kneighborsclassifier' }, 'n_neighbors'],
  ['k', { className: 'kneighborsclassifier' }, 'n_neighbors'], ['k', { className: 'kmeans' }, 'n_clusters'],
  ['C', { className: 'svc' }, 'svm_c'], ['C', { className: 'logisticregression' }, 'svm_c'], ['clf__C', {}, 'svm_c'], ['svm__gamma', {}, 'rbf_gamma'], ['clf__alpha', {}, 'regularization_alpha'],
  // batch_size / momentum / steps / patience / max_iter / eps in RL
  ['batch_size', { framework: 'sb3', siblings: S('n_steps', 'n_epochs', 'batch_size') }, 'update_epochs'], ['batch_size', { className: 'dqn', siblings: S('buffer_size', 'batch_size') }, 'batch_size'], ['batch_size', {}, 'batch_size'],
  ['momentum', { className: 'batchnorm1d' }, 'normalization'], ['momentum', { parents: ['model_ema'] }, 'ema_decay'], ['momentum', { className: 'sgd' }, 'momentum'],
  ['STEPS', { parents: ['solver'] }, 'lr_milestones'], ['steps', { parents: ['training'] }, 'max_steps'], ['step', { parents: ['lr_config'] }, 'lr_milestones'],
  ['patience', { className: 'reducelronplateau' }, 'lr_plateau_patience'], ['patience', { className: 'earlystopping' }, 'early_stopping_patience'], ['factor', { className: 'reducelronplateau' }, 'lr_decay_factor'],
  ['max_iter', { className: 'logisticregression' }, 'solver'], ['max_iter', { className: 'lgbmclassifier' }, 'n_estimators'], ['max_iter', { parents: ['train'] }, 'max_steps'],
  ['tol', { className: 'logisticregression' }, 'solver'], ['type', { parents: ['optimizer'] }, 'optimizer'], ['type', { parents: ['scheduler'] }, 'lr_scheduler'], ['type', { parents: ['model'] }, null, 'other'],
  ['name', { parents: ['optimizer'] }, 'optimizer'], ['name', { parents: ['model'] }, null, 'other'],
  ['stage', { parents: ['zero_optimization'] }, 'sharding', 'system'], ['enabled', { parents: ['fp16'] }, 'precision', 'system'],
  ['l1', { value: 64 }, 'hidden_size'], ['l1', { value: 0.001 }, 'l1_penalty'], ['max_features', { className: 'tfidfvectorizer' }, 'text_features'], ['max_features', { className: 'randomforestclassifier' }, 'colsample'],
  ['norm_type', { parents: ['grad_clip'] }, 'grad_clip_norm'], ['end', { className: 'linearlr' }, 'warmup_steps'], ['r', { className: 'loraconfig' }, 'lora_rank'], ['rank', {}, null, 'system'],
  ['tau', { framework: 'sb3' }, 'target_update'], ['eps', { framework: 'sb3', siblings: S('exploration_fraction', 'eps') }, 'exploration'],
];

describe('detect: classification table', () => {
  it(`has at least 150 rows (${ROWS.length})`, () => assert.ok(ROWS.length >= 150));

  for (const [name, ctx, canonical, kind] of ROWS) {
    const label = `${name} ${JSON.stringify({ ...ctx, siblings: ctx.siblings ? [...ctx.siblings] : undefined })} → ${canonical}${kind ? ` (${kind})` : ''}`;
    it(label, () => {
      const got = classifyKey(name, ctx);
      assert.equal(got.canonical, canonical);
      assert.equal(got.kind, kind ?? 'hyperparameter');
    });
  }

  it('produces only documented ids, and every contract id is reachable', () => {
    const ids = new Set(CONTRACT_IDS);
    assert.equal(ids.size, 105, 'contract ids');
    const known = knownCanonicalIds();
    for (const row of ROWS) if (row[2]) assert.ok(known.has(row[2]) || ids.has(row[2]), `${row[2]} is declared`);
    // Every reference id is reachable through the vocabulary.
    for (const id of ids) assert.ok(known.has(id), `reference id ${id} has no alias`);
  });
});
