/**
 * The issue's quality bar on labelled configs written apart from the tuning fixtures: ≥ 95% of the
 * hyperparameters found with the right canonical id, ≤ 2% of non-hyperparameter keys (paths,
 * logging, devices, seeds, run control) labelled `hyperparameter`. Labels are the truth as a
 * practitioner reads the file, not the detector's output.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectFile } from '../../../src/core/detect';
import { FIXTURES } from './helpers';

interface Labels {
  readonly format: string;
  readonly hyperparameters: Record<string, string>;
  readonly notHyperparameters: readonly string[];
}

const LABELS: Record<string, Labels> = {
  'yolo_train.yaml': {
    format: 'ultralytics',
    hyperparameters: {
      epochs: 'epochs', patience: 'early_stopping_patience', batch: 'batch_size', imgsz: 'image_size', optimizer: 'optimizer', cos_lr: 'lr_scheduler', close_mosaic: 'mosaic',
      freeze: 'freezing', dropout: 'dropout', lr0: 'learning_rate', lrf: 'min_lr', momentum: 'momentum', weight_decay: 'weight_decay', warmup_epochs: 'warmup_ratio',
      warmup_momentum: 'warmup_start_factor', warmup_bias_lr: 'warmup_start_factor', box: 'loss_weight', cls: 'loss_weight', dfl: 'loss_weight', nbs: 'grad_accumulation',
      hsv_h: 'color_jitter', hsv_s: 'color_jitter', hsv_v: 'color_jitter', degrees: 'geometric_augmentation', translate: 'geometric_augmentation', scale: 'geometric_augmentation',
      shear: 'geometric_augmentation', perspective: 'geometric_augmentation', flipud: 'flip', fliplr: 'flip', mosaic: 'mosaic', mixup: 'mixup', copy_paste: 'mosaic', erasing: 'random_erasing',
    },
    notHyperparameters: ['task', 'mode', 'model', 'data', 'save', 'save_period', 'cache', 'device', 'workers', 'project', 'name', 'exist_ok', 'verbose', 'seed', 'deterministic', 'resume', 'amp', 'val', 'plots', 'conf', 'iou', 'max_det'],
  },
  'mmdet_retinanet.py': {
    format: 'mmengine',
    hyperparameters: {
      'model.backbone.depth': 'num_layers', 'model.backbone.frozen_stages': 'freezing', 'model.backbone.norm_eval': 'normalization',
      'model.bbox_head.loss_cls.gamma': 'focal_gamma', 'model.bbox_head.loss_cls.alpha': 'focal_alpha', 'model.bbox_head.loss_cls.loss_weight': 'loss_weight', 'model.bbox_head.loss_bbox.loss_weight': 'loss_weight',
      'train_pipeline[1].scale': 'geometric_augmentation', 'train_pipeline[1].ratio_range': 'geometric_augmentation', 'train_pipeline[2].prob': 'flip',
      'train_dataloader.batch_size': 'batch_size', 'train_cfg.max_epochs': 'epochs', 'param_scheduler[0].type': 'lr_scheduler', 'param_scheduler[0].start_factor': 'warmup_start_factor',
      'param_scheduler[0].end': 'warmup_steps', 'param_scheduler[1].type': 'lr_scheduler', 'param_scheduler[1].milestones': 'lr_milestones', 'param_scheduler[1].gamma': 'lr_decay_factor',
      'optim_wrapper.optimizer.type': 'optimizer', 'optim_wrapper.optimizer.lr': 'learning_rate', 'optim_wrapper.optimizer.momentum': 'momentum', 'optim_wrapper.optimizer.weight_decay': 'weight_decay',
      'optim_wrapper.clip_grad.max_norm': 'grad_clip_norm', 'auto_scale_lr.base_batch_size': 'batch_size',
    },
    notHyperparameters: ['train_dataloader.num_workers', 'train_dataloader.persistent_workers', 'val_dataloader.batch_size', 'val_dataloader.num_workers', 'train_cfg.val_interval',
      'default_hooks.checkpoint.interval', 'default_hooks.checkpoint.max_keep_ckpts', 'default_hooks.logger.interval', 'work_dir', 'load_from', 'model.bbox_head.num_classes',
      'model.backbone.init_cfg.checkpoint', 'model.data_preprocessor.mean', 'auto_scale_lr.enable'],
  },
  'hf_args.yaml': {
    format: 'hf-training-args',
    hyperparameters: {
      learning_rate: 'learning_rate', lr_scheduler_type: 'lr_scheduler', warmup_steps: 'warmup_steps', weight_decay: 'weight_decay', num_train_epochs: 'epochs',
      per_device_train_batch_size: 'batch_size', gradient_accumulation_steps: 'grad_accumulation', max_source_length: 'seq_length', max_target_length: 'seq_length',
      label_smoothing_factor: 'label_smoothing', optim: 'optimizer', max_grad_norm: 'grad_clip_norm',
    },
    notHyperparameters: ['model_name_or_path', 'output_dir', 'overwrite_output_dir', 'do_train', 'do_eval', 'eval_strategy', 'eval_steps', 'save_steps', 'save_total_limit',
      'per_device_eval_batch_size', 'bf16', 'gradient_checkpointing', 'logging_steps', 'report_to', 'run_name', 'seed', 'predict_with_generate', 'push_to_hub'],
  },
  'lit_trainer.yaml': {
    format: 'hydra',
    hyperparameters: {
      'trainer.max_epochs': 'epochs', 'trainer.min_epochs': 'min_epochs', 'trainer.accumulate_grad_batches': 'grad_accumulation', 'trainer.gradient_clip_val': 'grad_clip_norm',
      'trainer.gradient_clip_algorithm': 'grad_clip_norm', 'model.optimizer.lr': 'learning_rate', 'model.optimizer.momentum': 'momentum', 'model.optimizer.nesterov': 'momentum',
      'model.optimizer.weight_decay': 'weight_decay', 'model.scheduler.T_max': 'schedule_length', 'model.scheduler.eta_min': 'min_lr', 'model.net.base_channels': 'channels',
      'model.net.depth': 'num_layers', 'model.net.dropout': 'dropout', 'callbacks.early_stopping.patience': 'early_stopping_patience', 'data.batch_size': 'batch_size', 'data.crop_size': 'image_size',
    },
    notHyperparameters: ['trainer.default_root_dir', 'trainer.accelerator', 'trainer.devices', 'trainer.num_nodes', 'trainer.strategy', 'trainer.precision', 'trainer.val_check_interval',
      'trainer.log_every_n_steps', 'trainer.enable_progress_bar', 'trainer.deterministic', 'model.net.in_channels', 'model.net.num_classes', 'callbacks.model_checkpoint.dirpath',
      'callbacks.model_checkpoint.monitor', 'callbacks.model_checkpoint.mode', 'callbacks.model_checkpoint.save_top_k', 'callbacks.early_stopping.monitor', 'callbacks.early_stopping.mode',
      'data.num_workers', 'seed'],
  },
};

describe('detect: quality bar on held-out labelled configs', () => {
  let found = 0;
  let total = 0;
  let falseHp = 0;
  let nonHp = 0;
  const misses: string[] = [];

  for (const [file, labels] of Object.entries(LABELS)) {
    it(file, () => {
      const full = path.join(FIXTURES, 'heldout', file);
      const r = detectFile(full, fs.readFileSync(full, 'utf8'));
      assert.equal(r.format, labels.format);
      const byKey = new Map(r.settings.map(s => [s.key, s]));
      for (const [key, canonical] of Object.entries(labels.hyperparameters)) {
        total++;
        const s = byKey.get(key);
        if (s && s.kind === 'hyperparameter' && s.canonical === canonical) found++;
        else misses.push(`${file}: ${key} → ${s ? `${s.canonical}/${s.kind}` : 'missing'} (want ${canonical})`);
      }
      for (const key of labels.notHyperparameters) {
        nonHp++;
        const s = byKey.get(key);
        if (s?.kind === 'hyperparameter') {
          falseHp++;
          misses.push(`${file}: ${key} labelled hyperparameter (${s.canonical})`);
        }
      }
    });
  }

  it('meets ≥ 95% hyperparameters found and ≤ 2% non-hyperparameters mislabelled', () => {
    const recall = found / total;
    const fpRate = falseHp / nonHp;
    if (process.env.DETECT_VERBOSE) console.log({ found, total, falseHp, nonHp, misses });
    assert.ok(total > 80 && nonHp > 60, 'enough labelled keys');
    assert.ok(recall >= 0.95, `recall ${(recall * 100).toFixed(1)}% (${found}/${total}):\n${misses.join('\n')}`);
    assert.ok(fpRate <= 0.02, `non-HP labelled HP ${(fpRate * 100).toFixed(1)}% (${falseHp}/${nonHp}):\n${misses.join('\n')}`);
  });
});
