import type { TypicalRange } from './types';

/**
 * Optimizer families, matched on a normalised optimizer name (`torch.optim.AdamW` → `adamw`,
 * `paged_adamw_32bit` → `pagedadamw32bit`) by substring. Order matters where names overlap:
 * `dadaptadam` and `adamwschedulefree` contain `adam`, so the learning-rate ranges list the
 * specific families before the Adam family (ties between equally specific ranges go to the first).
 */
export const LR_FREE_FAMILY = ['prodigy', 'dadapt'];
export const ADADELTA_FAMILY = ['adadelta'];
export const SCHEDULE_FREE_SGD_FAMILY = ['sgdschedulefree', 'schedulefreesgd'];
export const SCHEDULE_FREE_ADAM_FAMILY = ['adamwschedulefree', 'schedulefreeadamw', 'radamschedulefree', 'schedulefreeradam'];
export const MUON_FAMILY = ['muon'];
export const LION_FAMILY = ['lion'];
export const SOPHIA_FAMILY = ['sophia'];
export const ADAFACTOR_FAMILY = ['adafactor'];
export const LAMB_FAMILY = ['lamb'];
export const LARS_FAMILY = ['lars', 'larc'];
export const ADAGRAD_FAMILY = ['adagrad'];
export const RMSPROP_FAMILY = ['rmsprop'];
export const ADAM_FAMILY = ['adam', 'nadam', 'radam', 'ademamix', 'stableadamw', 'apollo', 'galore'];
export const SGD_FAMILY = ['sgd', 'nesterov', 'momentum'];

/** Families whose `lr` is a multiplier of a step size they find themselves (1.0 by design). */
export const LR_MULTIPLIER_FAMILIES = [...LR_FREE_FAMILY, ...SCHEDULE_FREE_SGD_FAMILY];

const BOOSTING_LR = {
  low: 1e-3, high: 1, scale: 'log', label: 'gradient boosting',
  valid: { min: 0, minInclusive: false, minWhy: 'with a shrinkage of 0 every new tree is multiplied by 0, so the model never moves from its base score (XGBoost and LightGBM need a rate above 0 to learn)' },
} as const;

/** Learning-rate ranges by optimizer family, framework and model; most specific first where it matters. */
export const LEARNING_RATE_RANGES: readonly TypicalRange[] = [
  {
    ...BOOSTING_LR,
    note: '0.3 XGBoost default, 0.1 LightGBM; 0.01 – 0.1 with early stopping; XGBoost’s quick demos use 1 with two rounds',
    source: 'XGBoost parameter docs (eta 0.3, range [0, 1]); LightGBM Parameters (0.1); XGBoost demo guide-python/basic_walkthrough.py (eta 1)',
    when: [
      { frameworks: ['xgboost', 'lightgbm', 'catboost'] },
      { keys: ['eta', 'shrinkage_rate', 'shrinkage'] },
      { models: ['gradientboosting', 'histgradientboosting', 'adaboost', 'xgbclassifier', 'xgbregressor', 'lgbmclassifier', 'lgbmregressor', 'catboost'] },
    ],
  },
  {
    label: 'scikit-learn MLP learning_rate_init', low: 1e-5, high: 0.5, scale: 'log',
    note: '1e-3 default (adam solver); 0.2 with the sgd solver in scikit-learn’s MLP example',
    source: 'scikit-learn MLPClassifier docs (learning_rate_init=0.001); examples/neural_networks/plot_mlp_training_curves.py (0.2 sgd, 0.01 adam)',
    when: [{ models: ['mlpclassifier', 'mlpregressor'] }, { keys: ['learning_rate_init'] }],
  },
  {
    label: 'ARS step size', low: 1e-3, high: 0.1, scale: 'log',
    note: '0.01 – 0.03 in RL Zoo’s ars.yml',
    source: 'RL Zoo hyperparams/ars.yml (0.01 – 0.03)',
    when: { models: ['ars'] },
  },
  {
    label: 'on-policy RL (PPO, A2C, TRPO)', low: 1e-5, high: 3e-3, scale: 'log',
    note: '3e-4 PPO and 7e-4 A2C defaults; RL Zoo tunes 2e-5 – 1e-3',
    source: 'Stable-Baselines3 defaults (PPO 3e-4, A2C 7e-4); RL Zoo hyperparams/ppo.yml, a2c.yml, trpo.yml',
    when: { models: ['ppo', 'a2c', 'trpo'] },
  },
  {
    label: 'off-policy RL (DQN, SAC, TD3)', low: 1e-5, high: 1e-2, scale: 'log',
    note: '1e-4 DQN, 3e-4 SAC, 1e-3 TD3 defaults; RL Zoo tunes up to 4e-3 (DQN MountainCar)',
    source: 'Stable-Baselines3 defaults (DQN 1e-4, SAC 3e-4, TD3/DDPG 1e-3); RL Zoo hyperparams/dqn.yml (CartPole 2.3e-3, MountainCar 4e-3)',
    when: { models: ['dqn', 'qrdqn', 'sac', 'td3', 'ddpg', 'tqc', 'crossq', 'her'] },
  },
  {
    label: 'Stable-Baselines3', low: 1e-5, high: 1e-2, scale: 'log',
    note: 'defaults 1e-4 – 1e-3 by algorithm',
    source: 'Stable-Baselines3 algorithm defaults; RL Zoo tuned hyperparameters (2e-5 – 4e-3)',
    when: { frameworks: ['sb3', 'rl-zoo'] },
  },
  {
    label: 'Ultralytics lr0 with Adam', low: 1e-5, high: 1e-2, scale: 'log',
    note: '1e-3 typical for Adam/AdamW',
    source: 'Ultralytics training settings (lr0; optimizer choices)',
    when: { keys: ['lr0'], optimizers: [...ADAM_FAMILY, ...LION_FAMILY] },
  },
  {
    label: 'Ultralytics lr0', low: 1e-4, high: 0.1, scale: 'log',
    note: '0.01 default (SGD)',
    source: 'Ultralytics cfg/default.yaml (lr0 0.01)',
    when: { keys: ['lr0'] },
  },
  {
    label: 'Prodigy / D-Adaptation', low: 0.1, high: 10, scale: 'log',
    note: '1.0 by design: the optimizer estimates the step size, lr only scales that estimate',
    source: 'Prodigy README (lr=1.0 for all networks; 0.5 or 0.1 to shrink the estimate); D-Adaptation README (set lr to 1.0)',
    when: { optimizers: LR_FREE_FAMILY },
  },
  {
    label: 'Adadelta', low: 1e-3, high: 10, scale: 'log',
    note: '1.0 in PyTorch (and the paper), 1e-3 in Keras',
    source: 'torch.optim.Adadelta (lr=1.0); keras.optimizers.Adadelta (learning_rate=0.001); pytorch/examples mnist/main.py (1.0)',
    when: { optimizers: ADADELTA_FAMILY },
  },
  {
    label: 'schedule-free SGD', low: 0.1, high: 20, scale: 'log',
    note: '1.0 default; 10 – 50 × a classical SGD rate',
    source: 'facebookresearch/schedule_free: SGDScheduleFree(lr=1.0); README (10x – 50x larger than classical rates)',
    when: { optimizers: SCHEDULE_FREE_SGD_FAMILY },
  },
  {
    label: 'schedule-free AdamW', low: 1e-4, high: 5e-2, scale: 'log',
    note: '2.5e-3 default; 1 – 10 × a scheduled AdamW rate',
    source: 'facebookresearch/schedule_free: AdamWScheduleFree(lr=0.0025); README (1x – 10x larger than with a schedule); Keras ScheduleFreeAdamW (0.0025)',
    when: { optimizers: SCHEDULE_FREE_ADAM_FAMILY },
  },
  {
    label: 'Muon', low: 1e-4, high: 0.1, scale: 'log',
    note: '0.02 in the reference implementation (0.05 in modded-nanogpt); ~1e-3 when updates are RMS-matched to AdamW (Keras rms_rate)',
    source: 'KellerJordan/Muon muon.py (lr=0.02, momentum 0.95); keras.optimizers.Muon (learning_rate=0.001 with rms_rate 0.2, Liu et al. 2025)',
    when: { optimizers: MUON_FAMILY },
  },
  {
    label: 'Lion', low: 1e-6, high: 1e-3, scale: 'log',
    note: '3 – 10 × smaller than AdamW: 1e-4 for ViT, 3e-5 – 1e-4 for language models',
    source: 'Chen et al. 2023 “Symbolic Discovery of Optimization Algorithms” §5; lucidrains/lion-pytorch README; keras.optimizers.Lion docstring',
    when: { optimizers: LION_FAMILY },
  },
  {
    label: 'Sophia', low: 1e-5, high: 2e-3, scale: 'log',
    note: 'slightly below the AdamW rate: 2e-4 in the README example, 6e-4 for GPT-2 small',
    source: 'Liuhong99/Sophia README (lr slightly smaller than AdamW, 3 – 5 × Lion) and config/train_gpt2_small_sophiag.py (6e-4)',
    when: { optimizers: SOPHIA_FAMILY },
  },
  {
    label: 'Adafactor with a fixed lr', low: 1e-5, high: 1e-2, scale: 'log',
    note: '1e-3 for T5 fine-tuning (relative_step=False, scale_parameter=False); unset lr means relative-step mode',
    source: 'HF transformers Adafactor docstring (T5 fine-tuning lr=1e-3); keras.optimizers.Adafactor (1e-3); Shazeer & Stern 2018 (relative step capped at 1e-2)',
    when: { optimizers: ADAFACTOR_FAMILY },
  },
  {
    label: 'LAMB', low: 1e-4, high: 2e-2, scale: 'log',
    note: 'grows with the batch (square-root rule): 6e-3 at batch 65,536 for BERT, 5e-3 at 2,048 for ResNet-50',
    source: 'You et al. 2020 (LAMB); NVIDIA DeepLearningExamples BERT scripts/configs/pretrain_config.sh (6e-3 phase 1, 4e-3 phase 2); mmpretrain schedules/imagenet_bs2048_rsb.py (Lamb 0.005)',
    when: { optimizers: LAMB_FAMILY },
  },
  {
    label: 'LARS', low: 1e-2, high: 30, scale: 'log',
    note: 'linear in the batch: 0.3 × batch / 256 (SimCLR), 4.8 at 4,096',
    source: 'You et al. 2017 (LARS); Chen et al. 2020 (SimCLR, 0.3 × B/256); mmpretrain schedules/imagenet_lars_coslr_200e.py (LARS lr 4.8)',
    when: { optimizers: LARS_FAMILY },
  },
  {
    label: 'Adagrad', low: 1e-4, high: 0.5, scale: 'log',
    note: '0.01 default in PyTorch, 1e-3 in Keras',
    source: 'torch.optim.Adagrad (lr=0.01); keras.optimizers.Adagrad (learning_rate=0.001); Duchi et al. 2011',
    when: { optimizers: ADAGRAD_FAMILY },
  },
  {
    label: 'RMSprop', low: 1e-7, high: 0.26, scale: 'log',
    note: '1e-3 Keras and 1e-2 PyTorch defaults; 7e-4 for A2C; 0.016 per 256 images for EfficientNet/MobileNetV3 (0.064 at 1,024, 0.256 at 4,096); 5e-7 in DPO fine-tuning',
    source: 'keras.optimizers.RMSprop (0.001); torch.optim.RMSprop (lr=0.01); Stable-Baselines3 A2C (RMSprop, 7e-4); mmpretrain mobilenet-v3 configs (0.064 at batch 1,024); Tan & Le 2019 (EfficientNet, 0.256 at 4,096); alignment-handbook constitutional-ai DPO (rmsprop, 5e-7)',
    when: { optimizers: RMSPROP_FAMILY },
  },
  {
    label: 'AdamW (HF Trainer)', low: 1e-7, high: 1e-3, scale: 'log',
    note: '5e-5 default; 1e-5 – 5e-5 full fine-tuning, 5e-7 – 5e-6 DPO/ORPO, 1e-4 – 3e-4 LoRA',
    source: 'HF TrainingArguments (learning_rate 5e-5); alignment-handbook Zephyr recipes (SFT 2e-5, DPO 5e-7 full / 5e-6 QLoRA, ORPO 5e-6); axolotl Llama-3 QLoRA example (2e-4)',
    when: { frameworks: ['hf', 'axolotl', 'peft', 'trl', 'kohya'], optimizers: ADAM_FAMILY, optimizerOptional: true },
  },
  {
    label: 'Adam/AdamW under DeepSpeed', low: 1e-7, high: 1e-2, scale: 'log',
    note: 'large models: 1e-5 – 5e-5 fine-tuning, 1e-4 – 6e-4 pretraining; 1e-3 in the CIFAR example',
    source: 'DeepSpeedExamples cifar/ds_config.json (Adam 1e-3); HF tests/deepspeed/ds_config_zero3.json (AdamW 3e-5); DeepSpeed config docs (Adam lr 0.001 example)',
    when: { frameworks: ['deepspeed'], optimizers: ADAM_FAMILY, optimizerOptional: true },
  },
  {
    label: 'Adam/AdamW', low: 1e-7, high: 0.05, scale: 'log',
    note: '1e-3 default; 1e-5 – 1e-4 fine-tuning; 3e-4 – 6e-4 LLM pretraining; 2e-4 for DCGAN; up to 3e-2 for small RL and toy networks',
    source: 'torch.optim.Adam/AdamW and keras.optimizers.Adam defaults (1e-3); nanoGPT train.py (6e-4); pytorch/examples dcgan (2e-4), reinforcement_learning/actor_critic.py (3e-2); mmdetection RTMDet (AdamW 4e-3)',
    when: { optimizers: ADAM_FAMILY },
  },
  {
    label: 'SGD', low: 1e-4, high: 20, scale: 'log',
    note: '0.1 per 256 images for ImageNet, 0.02 per 16 images for detection; linear probes of self-supervised models up to 12',
    source: 'Goyal et al. 2017 (linear scaling, 0.1 × B/256); pytorch/examples imagenet (0.1); mmdetection schedule_1x.py and Detectron2 common/optim.py (0.02); mmpretrain mocov3 linear-probe benchmarks (12)',
    when: { optimizers: SGD_FAMILY },
  },
];
