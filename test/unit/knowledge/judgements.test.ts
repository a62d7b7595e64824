import * as assert from 'node:assert/strict';
import { assessValue, type AssessContext, type AssessLevel } from '../../../src/core/knowledge';

/**
 * Our own table of value judgements: library defaults and published recipes must raise nothing,
 * values a library rejects (or that provably break training) must be invalid, and plausible
 * mistakes must be unusual. Every row names where its value comes from. All rows must pass.
 */
type Row = readonly [source: string, id: string, context: AssessContext, value: unknown, level: AssessLevel];

const DEFAULTS: readonly Row[] = [
  ['HF TrainingArguments learning_rate 5e-5', 'learning_rate', { framework: 'hf' }, 5e-5, 'ok'],
  ['torch.optim.Adam lr 1e-3', 'learning_rate', { framework: 'pytorch', optimizer: 'torch.optim.Adam' }, 1e-3, 'ok'],
  ['keras.optimizers.SGD learning_rate 0.01', 'learning_rate', { framework: 'keras', optimizer: 'SGD' }, 0.01, 'ok'],
  ['XGBoost eta 0.3', 'learning_rate', { framework: 'xgboost', key: 'eta' }, 0.3, 'ok'],
  ['LightGBM learning_rate 0.1', 'learning_rate', { framework: 'lightgbm' }, 0.1, 'ok'],
  ['SB3 PPO learning_rate 3e-4', 'learning_rate', { framework: 'sb3', model: 'PPO' }, 3e-4, 'ok'],
  ['SB3 A2C learning_rate 7e-4', 'learning_rate', { framework: 'sb3', model: 'A2C' }, 7e-4, 'ok'],
  ['SB3 DQN learning_rate 1e-4', 'learning_rate', { framework: 'sb3', model: 'DQN' }, 1e-4, 'ok'],
  ['scikit-learn MLPClassifier learning_rate_init 1e-3', 'learning_rate', { framework: 'sklearn', model: 'MLPClassifier', key: 'learning_rate_init' }, 1e-3, 'ok'],
  ['scikit-learn GradientBoostingClassifier learning_rate 0.1', 'learning_rate', { framework: 'sklearn', model: 'GradientBoostingClassifier' }, 0.1, 'ok'],
  ['Ultralytics lr0 0.01', 'learning_rate', { framework: 'ultralytics', key: 'lr0' }, 0.01, 'ok'],
  ['HF Adafactor lr None (relative step)', 'learning_rate', { framework: 'hf', optimizer: 'adafactor' }, null, 'ok'],
  ['torch.optim.AdamW weight_decay 0.01', 'weight_decay', { optimizer: 'AdamW' }, 0.01, 'ok'],
  ['keras AdamW weight_decay 0.004', 'weight_decay', { framework: 'keras', optimizer: 'AdamW' }, 0.004, 'ok'],
  ['HF weight_decay 0.0', 'weight_decay', { framework: 'hf' }, 0, 'ok'],
  ['Ultralytics momentum 0.937', 'momentum', { framework: 'ultralytics' }, 0.937, 'ok'],
  ['PyTorch SGD momentum 0 (plain SGD)', 'momentum', { framework: 'pytorch' }, 0, 'ok'],
  ['Adam β2 0.999', 'adam_beta2', {}, 0.999, 'ok'],
  ['Adam betas (0.9, 0.999)', 'adam_betas', {}, [0.9, 0.999], 'ok'],
  ['Keras Adam epsilon 1e-7', 'optimizer_eps', { framework: 'keras' }, 1e-7, 'ok'],
  ['HF max_grad_norm 1.0', 'grad_clip_norm', { framework: 'hf' }, 1.0, 'ok'],
  ['SB3 DQN max_grad_norm 10', 'grad_clip_norm', { framework: 'sb3', model: 'dqn' }, 10, 'ok'],
  ['torch.nn.Dropout p 0.5', 'dropout', { framework: 'pytorch' }, 0.5, 'ok'],
  ['Keras fit batch_size 32', 'batch_size', { framework: 'keras' }, 32, 'ok'],
  ['Keras fit batch_size None (32)', 'batch_size', { framework: 'keras' }, null, 'ok'],
  ['CatBoost iterations 1000', 'n_estimators', { framework: 'catboost' }, 1000, 'ok'],
  ['LightGBM num_leaves 31', 'num_leaves', { framework: 'lightgbm' }, 31, 'ok'],
  ['XGBoost max_leaves 0 (no limit)', 'num_leaves', { framework: 'xgboost' }, 0, 'ok'],
  ['XGBoost max_depth 6', 'max_depth', { framework: 'xgboost' }, 6, 'ok'],
  ['LightGBM max_depth -1 (no limit)', 'max_depth', { framework: 'lightgbm' }, -1, 'ok'],
  ['LightGBM min_sum_hessian_in_leaf 1e-3', 'min_child_weight', { framework: 'lightgbm' }, 1e-3, 'ok'],
  ['LightGBM max_bin 255', 'max_bin', { framework: 'lightgbm' }, 255, 'ok'],
  ['SB3 gamma 0.99', 'discount_factor', { framework: 'sb3' }, 0.99, 'ok'],
  ['SB3 A2C gae_lambda 1.0', 'gae_lambda', { framework: 'sb3', model: 'a2c' }, 1.0, 'ok'],
  ['SB3 PPO clip_range 0.2', 'clip_range', { framework: 'sb3' }, 0.2, 'ok'],
  ['SB3 A2C n_steps 5', 'rollout_length', { framework: 'sb3', model: 'a2c' }, 5, 'ok'],
  ['SB3 SAC ent_coef "auto"', 'entropy_coef', { framework: 'sb3', model: 'sac' }, 'auto', 'ok'],
  ['scikit-learn SVC C 1.0', 'svm_c', { framework: 'sklearn' }, 1.0, 'ok'],
  ['scikit-learn SVC gamma "scale"', 'rbf_gamma', { framework: 'sklearn' }, 'scale', 'ok'],
  ['scikit-learn RandomForestClassifier max_features "sqrt"', 'colsample', { framework: 'sklearn', key: 'max_features' }, 'sqrt', 'ok'],
  ['scikit-learn RandomForest max_depth None', 'max_depth', { framework: 'sklearn' }, 'None', 'ok'],
  ['torch CrossEntropyLoss label_smoothing 0.0', 'label_smoothing', { framework: 'pytorch' }, 0, 'ok'],
  ['PEFT LoraConfig r 8', 'lora_rank', { framework: 'peft' }, 8, 'ok'],
  ['scikit-learn KNeighbors n_neighbors 5', 'n_neighbors', { framework: 'sklearn' }, 5, 'ok'],
  ['scikit-learn KMeans n_clusters 8', 'n_clusters', { framework: 'sklearn' }, 8, 'ok'],
  ['torch LinearLR start_factor 1/3', 'warmup_start_factor', { framework: 'pytorch' }, 1 / 3, 'ok'],
  ['mmengine EMAHook momentum 0.0002', 'ema_decay', { framework: 'mmengine', key: 'momentum' }, 0.0002, 'ok'],
  ['DeepSpeed zero_optimization stage 0', 'sharding', { framework: 'deepspeed', key: 'stage' }, 0, 'ok'],
  ['Ultralytics batch -1 (AutoBatch)', 'batch_size', { framework: 'ultralytics' }, -1, 'ok'],
];

const RECIPES: readonly Row[] = [
  ['alignment-handbook zephyr-7b-beta sft/config_full.yaml learning_rate 2e-5', 'learning_rate', { framework: 'hf' }, 2e-5, 'ok'],
  ['alignment-handbook zephyr-7b-beta dpo/config_qlora.yaml learning_rate 5e-6', 'learning_rate', { framework: 'hf', optimizer: 'paged_adamw_32bit' }, 5e-6, 'ok'],
  ['alignment-handbook zephyr-7b-beta dpo/config_qlora.yaml lora_alpha 128 with r 128', 'lora_alpha', { framework: 'hf', siblings: { lora_r: 128 } }, 128, 'ok'],
  ['alignment-handbook lora_dropout 0.05', 'lora_dropout', { framework: 'hf' }, 0.05, 'ok'],
  ['alignment-handbook SmolLM3 sft.yaml max_grad_norm 0.2', 'grad_clip_norm', { framework: 'hf' }, 0.2, 'ok'],
  ['alignment-handbook SmolLM3 sft.yaml max_length 65536', 'seq_length', { framework: 'hf' }, 65536, 'ok'],
  ['axolotl examples/llama-3/qlora.yml lora_alpha 16 with lora_r 32', 'lora_alpha', { framework: 'axolotl', siblings: { lora_r: 32 } }, 16, 'ok'],
  ['nanoGPT train.py learning_rate 6e-4 (AdamW)', 'learning_rate', { optimizer: 'adamw' }, 6e-4, 'ok'],
  ['nanoGPT train.py beta2 0.95', 'adam_beta2', { optimizer: 'adamw' }, 0.95, 'ok'],
  ['nanoGPT train.py weight_decay 0.1 (AdamW)', 'weight_decay', { optimizer: 'adamw' }, 0.1, 'ok'],
  ['nanoGPT train_shakespeare_char.py dropout 0.2', 'dropout', {}, 0.2, 'ok'],
  ['nanoGPT train.py gradient_accumulation_steps 40', 'grad_accumulation', {}, 40, 'ok'],
  ['mmdetection DETR AdamW lr 1e-4', 'learning_rate', { framework: 'mmengine', optimizer: 'AdamW' }, 1e-4, 'ok'],
  ['mmdetection DETR clip_grad max_norm 0.1', 'grad_clip_norm', { framework: 'mmengine', key: 'max_norm' }, 0.1, 'ok'],
  ['mmdetection RTMDet AdamW lr 4e-3', 'learning_rate', { framework: 'mmengine', optimizer: 'AdamW' }, 4e-3, 'ok'],
  ['mmdetection RTMDet AdamW weight_decay 0.05', 'weight_decay', { framework: 'mmengine', optimizer: 'AdamW' }, 0.05, 'ok'],
  ['mmdetection RTMDet LinearLR start_factor 1e-5', 'warmup_start_factor', { framework: 'mmengine' }, 1e-5, 'ok'],
  ['mmdetection schedule_1x SGD lr 0.02', 'learning_rate', { framework: 'mmengine', optimizer: 'SGD' }, 0.02, 'ok'],
  ['mmdetection schedule_1x SGD weight_decay 1e-4', 'weight_decay', { framework: 'mmengine', optimizer: 'SGD' }, 1e-4, 'ok'],
  ['mmpretrain imagenet_lars_coslr_200e LARS lr 4.8', 'learning_rate', { framework: 'mmengine', optimizer: 'LARS' }, 4.8, 'ok'],
  ['mmpretrain imagenet_lars_coslr_200e weight_decay 1e-6', 'weight_decay', { framework: 'mmengine', optimizer: 'LARS' }, 1e-6, 'ok'],
  ['mmpretrain imagenet_bs2048_rsb Lamb lr 5e-3', 'learning_rate', { framework: 'mmengine', optimizer: 'Lamb' }, 5e-3, 'ok'],
  ['mmpretrain imagenet_bs4096_AdamW weight_decay 0.3', 'weight_decay', { framework: 'mmengine', optimizer: 'AdamW' }, 0.3, 'ok'],
  ['NVIDIA BERT LAMB global batch 65,536', 'batch_size', { optimizer: 'lamb', key: 'train_batch_size' }, 65536, 'ok'],
  ['pytorch/examples dcgan lr 2e-4 (Adam)', 'learning_rate', { framework: 'pytorch', optimizer: 'adam' }, 2e-4, 'ok'],
  ['pytorch/examples dcgan beta1 0.5', 'adam_beta1', { framework: 'pytorch', optimizer: 'adam' }, 0.5, 'ok'],
  ['pytorch/examples mnist Adadelta lr 1.0', 'learning_rate', { framework: 'pytorch', optimizer: 'Adadelta' }, 1.0, 'ok'],
  ['pytorch/examples mnist StepLR gamma 0.7', 'lr_decay_factor', { framework: 'pytorch' }, 0.7, 'ok'],
  ['pytorch/examples word_language_model clip 0.25', 'grad_clip_norm', { framework: 'pytorch' }, 0.25, 'ok'],
  ['RL Zoo dqn.yml CartPole learning_rate 2.3e-3', 'learning_rate', { framework: 'sb3', model: 'dqn' }, 2.3e-3, 'ok'],
  ['RL Zoo dqn.yml CartPole train_freq 256', 'replay_buffer', { framework: 'sb3', model: 'dqn', key: 'train_freq' }, 256, 'ok'],
  ['RL Zoo dqn.yml CartPole gradient_steps 128', 'replay_buffer', { framework: 'sb3', model: 'dqn', key: 'gradient_steps' }, 128, 'ok'],
  ['RL Zoo dqn.yml CartPole target_update_interval 10', 'target_update', { framework: 'sb3', model: 'dqn', key: 'target_update_interval' }, 10, 'ok'],
  ['RL Zoo dqn.yml MountainCar learning_rate 4e-3', 'learning_rate', { framework: 'sb3', model: 'dqn' }, 4e-3, 'ok'],
  ['RL Zoo sac.yml MountainCarContinuous gamma 0.9999', 'discount_factor', { framework: 'sb3', model: 'sac' }, 0.9999, 'ok'],
  ['RL Zoo sac.yml MountainCarContinuous log_std_init -3.67', 'init_scale', { framework: 'sb3', key: 'log_std_init' }, -3.67, 'ok'],
  ['RL Zoo a2c.yml n_steps 5', 'rollout_length', { framework: 'sb3', model: 'a2c' }, 5, 'ok'],
  ['RL Zoo ppo.yml learning_rate lin_2.5e-4', 'learning_rate', { framework: 'sb3', model: 'ppo' }, 'lin_2.5e-4', 'ok'],
  ['XGBoost basic_walkthrough.py eta 1', 'learning_rate', { framework: 'xgboost', key: 'eta' }, 1, 'ok'],
  ['XGBoost basic_walkthrough.py num_round 2', 'n_estimators', { framework: 'xgboost' }, 2, 'ok'],
  ['LightGBM regression/train.conf min_data_in_leaf 100', 'min_child_samples', { framework: 'lightgbm' }, 100, 'ok'],
  ['LightGBM regression/train.conf bagging_fraction 0.8', 'subsample', { framework: 'lightgbm' }, 0.8, 'ok'],
  ['LightGBM regression/train.conf min_sum_hessian_in_leaf 5.0', 'min_child_weight', { framework: 'lightgbm' }, 5.0, 'ok'],
  ['scikit-learn plot_mlp_training_curves MLP sgd learning_rate_init 0.2', 'learning_rate', { framework: 'sklearn', model: 'MLPClassifier', key: 'learning_rate_init' }, 0.2, 'ok'],
  ['scikit-learn plot_mlp_training_curves learning_rate "invscaling"', 'learning_rate', { framework: 'sklearn', model: 'MLPClassifier' }, 'invscaling', 'ok'],
  ['keras-io mnist_convnet Dropout 0.5', 'dropout', { framework: 'keras' }, 0.5, 'ok'],
  ['HF tests ds_config_zero3.json AdamW lr 3e-5', 'learning_rate', { framework: 'deepspeed', optimizer: 'AdamW' }, 3e-5, 'ok'],
  // A boolean on a switch of the concept is a value, not a mistake (fairseq wav2vec 2.0 fine-tuning apply_mask: true).
  ['fairseq apply_mask: true', 'masking', { framework: 'fairseq', key: 'apply_mask' }, true, 'ok'],
  ['TRL DPOConfig disable_dropout: True', 'dropout', { framework: 'hf', key: 'disable_dropout' }, true, 'ok'],
  // The same for a list-valued concept: a boolean switch next to Adam's betas is no malformed betas list.
  ['a switch of the betas (e.g. a hypothetical tune_betas: true)', 'adam_betas', { framework: 'pytorch', key: 'tune_betas' }, true, 'ok'],
];

const REJECTED: readonly Row[] = [
  ['torch optimizers: learning rate 0 never moves the weights', 'learning_rate', {}, 0, 'invalid'],
  ['torch optimizers raise "Invalid learning rate" below 0', 'learning_rate', { optimizer: 'adam' }, -1e-3, 'invalid'],
  ['dropout 1 zeroes every unit', 'dropout', { framework: 'pytorch' }, 1.0, 'invalid'],
  ['torch.nn.Dropout rejects p < 0', 'dropout', {}, -0.1, 'invalid'],
  ['momentum 1 never decays the velocity', 'momentum', { optimizer: 'sgd' }, 1.0, 'invalid'],
  ['torch Adam rejects β1 ≥ 1', 'adam_beta1', {}, 1.0, 'invalid'],
  ['torch Adam rejects β2 ≥ 1 (betas pair)', 'adam_betas', {}, [0.9, 1.0], 'invalid'],
  ['DataLoader rejects batch_size 0', 'batch_size', {}, 0, 'invalid'],
  ['HF has no AutoBatch -1', 'batch_size', { framework: 'hf' }, -1, 'invalid'],
  ['SB3 PPO max_grad_norm 0 zeroes gradients', 'grad_clip_norm', { framework: 'sb3', model: 'ppo' }, 0, 'invalid'],
  ['mmengine clip_grad max_norm 0 zeroes gradients', 'grad_clip_norm', { framework: 'mmengine' }, 0, 'invalid'],
  ['PEFT: lora_alpha 0 scales the adapter by 0', 'lora_alpha', { framework: 'peft', siblings: { r: 8 } }, 0, 'invalid'],
  ['PEFT rejects r 0', 'lora_rank', { framework: 'peft' }, 0, 'invalid'],
  ['LightGBM rejects num_leaves 1', 'num_leaves', { framework: 'lightgbm' }, 1, 'invalid'],
  ['LightGBM rejects num_leaves above 131072', 'num_leaves', { framework: 'lightgbm' }, 200000, 'invalid'],
  ['XGBoost rejects colsample_bytree above 1', 'colsample', { framework: 'xgboost', key: 'colsample_bytree' }, 1.5, 'invalid'],
  ['LightGBM rejects bagging_fraction above 1', 'subsample', { framework: 'lightgbm', key: 'bagging_fraction' }, 1.2, 'invalid'],
  ['CatBoost rejects depth above 16', 'max_depth', { framework: 'catboost' }, 20, 'invalid'],
  ['scikit-learn rejects max_depth 0 (None means no limit)', 'max_depth', { framework: 'sklearn' }, 0, 'invalid'],
  ['XGBoost exact tree method rejects max_depth 0', 'max_depth', { framework: 'xgboost', siblings: { tree_method: 'exact' } }, 0, 'invalid'],
  ['scikit-learn rejects C 0', 'svm_c', { framework: 'sklearn' }, 0, 'invalid'],
  ['scikit-learn DBSCAN rejects eps 0', 'dbscan_eps', { framework: 'sklearn' }, 0, 'invalid'],
  ['scikit-learn SVC rejects kernel "rbf2"', 'kernel', { framework: 'sklearn', key: 'kernel', model: 'SVC' }, 'rbf2', 'invalid'],
  ['torch CrossEntropyLoss rejects label_smoothing above 1', 'label_smoothing', {}, 1.5, 'invalid'],
  ['SB3 gradient_steps 0 never trains', 'replay_buffer', { framework: 'sb3', key: 'gradient_steps' }, 0, 'invalid'],
  ['SB3 asserts train_freq > 0', 'replay_buffer', { framework: 'sb3', key: 'train_freq' }, 0, 'invalid'],
  ['DeepSpeed knows ZeRO stages 0 – 3 only', 'sharding', { framework: 'deepspeed', key: 'stage' }, 4, 'invalid'],
  ['discount above 1 makes returns diverge', 'discount_factor', { framework: 'sb3' }, 1.5, 'invalid'],
  ['torchvision ColorJitter rejects hue above 0.5', 'color_jitter', { key: 'hue' }, 0.6, 'invalid'],
  ['HF TrainingArguments rejects warmup_ratio above 1', 'warmup_ratio', { framework: 'hf', key: 'warmup_ratio' }, 1.5, 'invalid'],
  ['a LR decay factor of 1.5 grows the LR', 'lr_decay_factor', { framework: 'pytorch' }, 1.5, 'invalid'],
  ['"1e-3x" is not a number', 'learning_rate', {}, '1e-3x', 'invalid'],
];

const MISTAKES: readonly Row[] = [
  ['an SGD learning rate copied to Adam', 'learning_rate', { optimizer: 'adam' }, 0.1, 'unusual'],
  ['an Adam learning rate copied to SGD', 'learning_rate', { optimizer: 'sgd' }, 1e-5, 'unusual'],
  ['a from-scratch rate for HF fine-tuning', 'learning_rate', { framework: 'hf' }, 1e-2, 'unusual'],
  ['an AdamW rate ×10 on Lion', 'learning_rate', { optimizer: 'lion' }, 1e-2, 'unusual'],
  ['an Adam rate given to Prodigy', 'learning_rate', { optimizer: 'prodigy' }, 1e-3, 'unusual'],
  ['a PPO rate 30 × the default', 'learning_rate', { framework: 'sb3', model: 'ppo' }, 1e-2, 'unusual'],
  ['boosting shrinkage 5', 'learning_rate', { framework: 'xgboost', key: 'eta' }, 5, 'unusual'],
  ['AdamW-sized weight decay with SGD', 'weight_decay', { optimizer: 'sgd' }, 0.05, 'unusual'],
  ['AdamW-sized weight decay with (coupled) Adam', 'weight_decay', { optimizer: 'adam' }, 0.1, 'unusual'],
  ['dropout 0.8', 'dropout', {}, 0.8, 'unusual'],
  ['β1 and β2 swapped (β1 0.999)', 'adam_beta1', { optimizer: 'adam' }, 0.999, 'unusual'],
  ['Adam β2 0.5', 'adam_beta2', { optimizer: 'adam' }, 0.5, 'unusual'],
  ['EMA decay 0.5 (mmengine momentum written as a decay)', 'ema_decay', {}, 0.5, 'unusual'],
  ['LoRA α 512 with r 8', 'lora_alpha', { siblings: { lora_r: 8 } }, 512, 'unusual'],
  ['PPO clip_range 0.9', 'clip_range', { framework: 'sb3' }, 0.9, 'unusual'],
  ['YOLO perspective 0.1 (documented 0 – 0.001)', 'geometric_augmentation', { framework: 'ultralytics', key: 'perspective' }, 0.1, 'unusual'],
  ['discount 0.5', 'discount_factor', { framework: 'sb3' }, 0.5, 'unusual'],
  ['PPO n_epochs 100', 'update_epochs', { framework: 'sb3', key: 'n_epochs' }, 100, 'unusual'],
  ['learning_rate: true (the rate itself written as a boolean)', 'learning_rate', { key: 'learning_rate' }, true, 'unusual'],
  ['torch Adam(betas=True): torch cannot unpack a boolean into (β1, β2)', 'adam_betas', { framework: 'pytorch', key: 'Adam.betas' }, true, 'invalid'],
  ['max_grad_norm 0 in a bare PyTorch script', 'grad_clip_norm', { framework: 'pytorch' }, 0, 'unusual'],
];

const TABLE: readonly Row[] = [...DEFAULTS, ...RECIPES, ...REJECTED, ...MISTAKES];

describe('value judgements: defaults, published recipes, rejected values, plausible mistakes', () => {
  it(`has at least 80 rows (it has ${TABLE.length})`, () => assert.ok(TABLE.length >= 80));

  for (const [source, id, context, value, level] of TABLE) {
    it(`${level.padEnd(7)} ${id} = ${JSON.stringify(value)} — ${source}`, () => {
      const a = assessValue(id, value, context);
      assert.equal(a.level, level, a.message);
      // Outside the range the message prints it; other verdicts (0, a boolean, a rule) explain themselves.
      if (level === 'unusual' && a.range?.low !== undefined && typeof value === 'number' && value !== 0) assert.match(a.message, /published (recipes|LoRA recipes)/);
      if (level !== 'ok') assert.ok(a.message.length > 20, 'a verdict says why');
    });
  }

  it('gets every row right', () => {
    const wrong = TABLE.filter(([, id, context, value, level]) => assessValue(id, value, context).level !== level).map(r => r[0]);
    assert.deepEqual(wrong, []);
  });
});
