/**
 * Generic spellings (`gamma`, `alpha`, `eps`, `p`, `type`, …) whose meaning depends on where they are:
 * the parent keys, siblings, constructor class, framework, help text and value decide, because the
 * same name means different things in different libraries.
 */
import type { Classification, KeyContext } from './classify';

const GBDT_SIBLINGS = ['booster', 'eta', 'min_child_weight', 'colsample_bytree', 'num_leaves', 'l2_leaf_reg', 'num_round', 'num_boost_round', 'tree_method', 'min_data_in_leaf', 'bagging_fraction', 'feature_fraction', 'grow_policy', 'reg_lambda', 'reg_alpha', 'scale_pos_weight', 'max_bin', 'border_count', 'boosting_type', 'lambda_l1', 'lambda_l2', 'n_estimators'];
const RL_SIBLINGS = ['gae_lambda', 'total_timesteps', 'num_envs', 'learning_starts', 'target_network_frequency', 'q_lr', 'policy_lr', 'ent_coef', 'n_steps', 'clip_range', 'vf_coef', 'n_envs', 'buffer_size', 'learning_starts', 'n_timesteps', 'target_update_interval', 'exploration_fraction', 'train_freq', 'use_sde', 'tau', 'gradient_steps', 'entropy_coeff', 'clip_param', 'vf_loss_coeff', 'rollout_fragment_length', 'num_sgd_iter', 'sgd_minibatch_size', 'lambda_'];
const SVM_SIBLINGS = ['kernel', 'c', 'degree', 'coef0', 'probability', 'shrinking'];
const AUG_SIBLINGS = ['degrees', 'translate', 'shear', 'perspective', 'hsv_h', 'hsv_s', 'hsv_v', 'mosaic', 'fliplr', 'flipud', 'mixup', 'copy_paste'];
const OPTIMIZER_SIBLINGS = ['betas', 'lr', 'weight_decay', 'amsgrad', 'learning_rate', 'beta1', 'beta2', 'momentum'];
const GBDT_FRAMEWORKS = new Set(['xgboost', 'lightgbm', 'catboost', 'gbdt']);
const RL_FRAMEWORKS = new Set(['sb3', 'rllib', 'rl', 'cleanrl']);
const SKLEARN_LINEAR = /^(ridge|lasso|elasticnet|sgdclassifier|sgdregressor|mlpclassifier|mlpregressor|lassocv|ridgeclassifier|perceptron|passiveaggressive)/;
const SKLEARN_SOLVERS = /^(logisticregression|svc|svr|linearsvc|linearsvr|nusvc|nusvr|mlp|kmeans|minibatchkmeans|nmf|gaussianmixture)/;

function hasAny(set: ReadonlySet<string> | undefined, names: readonly string[]): boolean {
  if (!set) return false;
  for (const n of names) if (set.has(n)) return true;
  return false;
}

function contextText(ctx: KeyContext): string {
  return [...(ctx.parents ?? []), ctx.className ?? ''].join(' ');
}

function isRl(ctx: KeyContext): boolean {
  return RL_FRAMEWORKS.has(ctx.framework ?? '') || hasAny(ctx.siblings, RL_SIBLINGS) || /ppo|a2c|sac|dqn|td3|ddpg|trpo/.test(ctx.className ?? '');
}
function isGbdt(ctx: KeyContext): boolean {
  return GBDT_FRAMEWORKS.has(ctx.framework ?? '') || hasAny(ctx.siblings, GBDT_SIBLINGS) || /xgb|lgbm|lightgbm|catboost|gradientboosting|histgradient/.test(ctx.className ?? '');
}
function isSvm(ctx: KeyContext): boolean {
  return /^(svc|svr|nusvc|nusvr|kernelridge|oneclasssvm|kernelpca|rbfsampler|spectralclustering)$/.test(ctx.className ?? '') || hasAny(ctx.siblings, SVM_SIBLINGS);
}
function isScheduler(ctx: KeyContext): boolean {
  return /sched|steplr|multisteplr|exponentiallr|plateau|cycliclr|lr_config|lr_policy|cosine|onecycle|warmup/.test(contextText(ctx)) || hasAny(ctx.siblings, ['milestones', 'step_size']);
}
function isOptimizer(ctx: KeyContext): boolean {
  const text = contextText(ctx);
  return /optim|adam|sgd|rmsprop|lamb|lion|adagrad|adafactor|solver/.test(text) || hasAny(ctx.siblings, OPTIMIZER_SIBLINGS);
}
function isLora(ctx: KeyContext): boolean {
  return /lora|peft|adapter/.test(contextText(ctx)) || hasAny(ctx.siblings, ['lora_dropout', 'target_modules', 'lora_alpha', 'r']);
}
function isSklearn(ctx: KeyContext): boolean {
  return ctx.framework === 'sklearn' || SKLEARN_LINEAR.test(ctx.className ?? '') || SKLEARN_SOLVERS.test(ctx.className ?? '');
}
function isPreference(ctx: KeyContext): boolean {
  return /dpo|orpo|kto|cpo|simpo|ipo|preference|pref/.test(`${contextText(ctx)} ${ctx.help ?? ''}`.toLowerCase())
    || hasAny(ctx.siblings, ['loss_type', 'pref_loss', 'max_prompt_length', 'ref_model_sync_steps', 'sync_ref_model', 'precompute_ref_log_probs', 'desirable_weight', 'rpo_alpha'])
    || /reference model|preference/.test((ctx.help ?? '').toLowerCase());
}
function isAugmentation(ctx: KeyContext): boolean {
  return ctx.framework === 'ultralytics' || hasAny(ctx.siblings, AUG_SIBLINGS) || /aug|transform|random|resize|crop|pipeline/.test(contextText(ctx));
}

export const hp = (canonical: string | null): Classification => ({ canonical, kind: 'hyperparameter' });
const sys = (canonical: string | null): Classification => ({ canonical, kind: 'system' });
export const other: Classification = { canonical: null, kind: 'other' };

/** Generic names settled mostly by the library, class or neighbours around them (`gamma`, `eps`, `p`, `tol`). */
function byLibrary(name: string, ctx: KeyContext): Classification | undefined {
  const cls = ctx.className ?? '';
  const parent = ctx.parents?.[ctx.parents.length - 1] ?? '';
  const help = (ctx.help ?? '').toLowerCase();
  switch (name) {
    case 'gamma':
      if (/focal/.test(contextText(ctx)) || ctx.siblings?.has('fl_gamma')) return hp('focal_gamma');
      if (isScheduler(ctx) || /decay/.test(help)) return hp('lr_decay_factor');
      if (isSvm(ctx)) return hp('rbf_gamma');
      if (isGbdt(ctx)) return hp('min_split_gain');
      if (isRl(ctx) || /discount/.test(help)) return hp('discount_factor');
      if (ctx.framework === 'sklearn') return hp('rbf_gamma');
      return hp(null);
    case 'fl_gamma':
      return hp('focal_gamma');
    case 'alpha':
      if (isLora(ctx)) return hp('lora_alpha');
      if (isRl(ctx) && hasAny(ctx.siblings, ['tau', 'q_lr', 'policy_lr', 'autotune', 'target_entropy', 'buffer_size'])) return hp('entropy_coef');
      if (/focal/.test(contextText(ctx))) return hp('focal_alpha');
      if (isGbdt(ctx)) return hp('reg_alpha');
      if (isSklearn(ctx) || hasAny(ctx.siblings, ['l1_ratio'])) return hp('regularization_alpha');
      return hp(null);
    case 'lambda':
    case 'lambda_':
      if (isRl(ctx) && !isGbdt(ctx)) return hp('gae_lambda');
      if (isGbdt(ctx) || name === 'lambda') return hp('reg_lambda');
      return hp(null);
    case 'depth':
      if (/resnet|backbone|regnet|resnext|vit|swin|convnext/.test(contextText(ctx))) return hp('num_layers');
      if (isGbdt(ctx) || hasAny(ctx.siblings, ['iterations', 'learning_rate'])) return hp('max_depth');
      return hp('num_layers');
    case 'eps':
    case 'epsilon':
      if (/dbscan|optics/.test(cls) || (ctx.siblings?.has('min_samples') && !isOptimizer(ctx))) return hp('dbscan_eps');
      if (/norm|bn|batchnorm|layernorm/.test(contextText(ctx))) return hp('normalization');
      // ReduceLROnPlateau's `eps` is the smallest LR change it applies, not the optimizer's ε.
      if (/plateau/.test(contextText(ctx))) return hp('lr_plateau_patience');
      if (isRl(ctx) && !isOptimizer(ctx)) return hp('exploration');
      if (name === 'epsilon' && /huber|svr/.test(cls)) return hp(null);
      return hp('optimizer_eps');
    case 'decay':
      if (/ema/.test(contextText(ctx))) return hp('ema_decay');
      if (hasAny(ctx.siblings, ['decay_steps', 'lr_decay_steps', 'decay_epochs', 'staircase'])) return hp('lr_decay_factor');
      if (ctx.framework === 'keras' || /keras/.test(cls)) return hp('lr_decay_factor');
      return hp('weight_decay');
    case 'n_epochs':
    case 'epochs':
      if (isRl(ctx) && name === 'n_epochs') return hp('update_epochs');
      return hp('epochs');
    case 'scale':
      // mmcv `RandomResizedCrop(scale=224)` / `Resize(scale=(1333, 800))` give the output size in pixels.
      if (/resize|crop/.test(cls) && (typeof ctx.value === 'number' ? ctx.value > 8 : Array.isArray(ctx.value) && ctx.value.every(v => typeof v === 'number' && v > 8))) return hp('image_size');
      if (isAugmentation(ctx)) return hp('geometric_augmentation');
      if (/init/.test(contextText(ctx))) return hp('init_scale');
      return hp(null);
    case 'p':
      if (/dropout/.test(cls)) return hp('dropout');
      if (/erasing/.test(cls)) return hp('random_erasing');
      if (/flip/.test(cls)) return hp('flip');
      if (/neighbors|knn/.test(cls)) return hp('n_neighbors');
      if (/random|aug/.test(cls)) return hp('auto_augment');
      return undefined;
    case 'k':
      if (/neighbors|knn/.test(cls)) return hp('n_neighbors');
      if (/kmeans|cluster/.test(cls)) return hp('n_clusters');
      if (/conv/.test(cls)) return hp('kernel_size');
      return undefined;
    case 'c':
      if (isSklearn(ctx) || isSvm(ctx) || hasAny(ctx.siblings, ['penalty', 'solver', 'gamma'])) return hp('svm_c');
      return undefined;
    case 'batch_size':
      // PPO's batch_size is the minibatch of each update epoch, not a dataset batch.
      if (isRl(ctx) && (ctx.siblings?.has('n_steps') || ctx.siblings?.has('n_epochs')) && !/dqn|sac|td3|ddpg/.test(cls)) return hp('update_epochs');
      return hp('batch_size');
    case 'momentum':
      if (/norm|bn|batchnorm/.test(contextText(ctx))) return hp('normalization');
      if (/ema/.test(contextText(ctx))) return hp('ema_decay');
      return hp('momentum');
    case 'steps':
      if (isScheduler(ctx) || parent === 'solver' || Array.isArray(ctx.value) || /^\s*[([]/.test(ctx.raw ?? '')) return hp('lr_milestones');
      return hp('max_steps');
    case 'step':
      if (isScheduler(ctx) || parent === 'lr_config') return hp('lr_milestones');
      return undefined;
    case 'factor':
      if (/rotation|zoom/.test(cls)) return hp('geometric_augmentation');
      if (isScheduler(ctx)) return hp('lr_decay_factor');
      return undefined;
    case 'patience':
      if (isScheduler(ctx) || /lr/.test(parent)) return hp('lr_plateau_patience');
      return hp('early_stopping_patience');
    case 'threshold':
      if (isScheduler(ctx)) return hp('lr_plateau_patience');
      return undefined;
    case 'tol':
      if (isSklearn(ctx) || isSvm(ctx)) return hp('solver');
      if (/early/.test(contextText(ctx))) return hp('early_stopping_min_delta');
      return undefined;
    case 'max_iter':
      if (/lgbm|lightgbm|histgradient/.test(cls) || ctx.framework === 'lightgbm') return hp('n_estimators');
      if (isSklearn(ctx) || isSvm(ctx)) return hp('solver');
      return hp('max_steps');
    case 'dim':
    case 'units':
      return hp('hidden_size');
    case 'r':
      if (isLora(ctx)) return hp('lora_rank');
      return undefined;
    case 'rank':
      if (isLora(ctx)) return hp('lora_rank');
      return sys(null);
    case 'weights':
      if (/neighbors|knn/.test(cls)) return hp('n_neighbors');
      return undefined;
    case 'max_features':
      if (/vectorizer|tfidf|count/.test(cls) || /featur/.test(parent) || hasAny(ctx.siblings, ['ngrams', 'ngram_range', 'min_df'])) return hp('text_features');
      return hp('colsample');
    case 'penalty':
      if (ctx.framework === 'ultralytics') return undefined;
      return hp('l1_penalty');
    case 'split':
      // `split: train` names a split; only a number is a split ratio.
      if (typeof ctx.value === 'number' && (ctx.value < 1 || /prepare|data|split/.test(parent))) return hp('val_split');
      if (typeof ctx.value === 'string' || typeof ctx.value === 'number') return other;
      return undefined;
    case 'num_steps':
      if (isRl(ctx)) return hp('rollout_length');
      return hp('max_steps');
    case 'min_samples':
      if (/dbscan|optics/.test(cls) || ctx.siblings?.has('eps')) return hp('dbscan_eps');
      return undefined;
    case 'n_components':
      if (/gaussianmixture|gmm/.test(cls)) return hp('n_clusters');
      return hp('n_components');
    default:
      return undefined;
  }
}

/** Generic names settled mostly by their section or by the shape of their value (`type`, `enabled`, `split`, `warmup`). */
function bySectionOrValue(name: string, ctx: KeyContext): Classification | undefined {
  const cls = ctx.className ?? '';
  const parent = ctx.parents?.[ctx.parents.length - 1] ?? '';
  const help = (ctx.help ?? '').toLowerCase();
  switch (name) {
    case 'type':
    case 'name':
    case 'class_path':
    case 'policy': {
      if (name === 'policy' && parent !== 'lr_config') return undefined;
      // `optimizer.type: Adam` (DeepSpeed, mmengine), `[optimizer] name = "AdamW"` (torchtitan).
      if (/^(optimizer|optim|opt)$/.test(parent) || parent.endsWith('optimizer')) return hp('optimizer');
      if (/sched|lr_config/.test(parent)) return hp('lr_scheduler');
      return undefined;
    }
    case 'end':
      if (/linearlr|warmup/.test(cls)) return hp('warmup_steps');
      if (/lr$|sched/.test(cls)) return hp('schedule_length');
      return undefined;
    case 'enabled':
      if (/fp16|bf16|amp|precision/.test(parent)) return sys('precision');
      if (/checkpoint/.test(parent)) return sys('grad_checkpointing');
      return undefined;
    case 'stage':
      if (/zero/.test(parent)) return sys('sharding');
      return undefined;
    case 'mode':
      if (/activation_checkpoint/.test(parent)) return sys('grad_checkpointing');
      return undefined;
    case 'interval':
      if (/checkpoint|log/.test(parent)) return sys(null);
      return undefined;
    case 'l1':
    case 'l2':
      // Ray's CIFAR example names its layer widths l1/l2; a penalty is a small float.
      if ((typeof ctx.value === 'number' && Number.isInteger(ctx.value) && ctx.value >= 2) || /\*\*|randint/.test(ctx.raw ?? '')) return hp('hidden_size');
      return hp(name === 'l1' ? 'l1_penalty' : 'l2_penalty');
    case 'norm':
      return hp('normalization');
    case 'horizontal':
      if (/flip/.test(cls)) return hp('flip');
      return undefined;
    case 'values':
      if (/sched/.test(cls)) return hp('lr_decay_factor');
      return undefined;
    case 'input_size':
      // timm `--input-size 3 224 224`: an image's shape, said by the context or the help text.
      if (/image|img/.test(contextText(ctx)) || /\b(image|height|width|pixels?)\b/.test(help)) return hp('image_size');
      return { canonical: null, kind: 'other' };
    case 'n_jobs':
      if (/sweeper|tune|search/.test(contextText(ctx))) return { canonical: null, kind: 'search-setting' };
      return sys('num_threads');
    case 'num_workers':
      if (/sweeper/.test(contextText(ctx))) return { canonical: null, kind: 'search-setting' };
      return sys('num_workers');
    case 'rate':
      if (/dropout/.test(cls)) return hp('dropout');
      return undefined;
    case 'prob':
    case 'probability':
      if (/flip/.test(cls)) return hp('flip');
      if (/erasing/.test(cls)) return hp('random_erasing');
      if (/mixup|cutmix/.test(cls)) return hp('mixup');
      if (/mosaic/.test(cls)) return hp('mosaic');
      if (/random|aug|jitter|blur|crop|resize/.test(cls)) return hp('auto_augment');
      return undefined;
    case 'norm_type':
      if (/clip/.test(contextText(ctx))) return hp('grad_clip_norm');
      return hp('normalization');
    case 'features':
      if (ctx.framework === 'nni' || typeof ctx.value === 'number') return hp('hidden_size');
      return undefined;
    case 'project':
    case 'group':
      return sys(null);
    case 'size':
      if (/crop|resize/.test(cls)) return hp('image_size');
      return undefined;
    case 'layers':
      // `ResNet(layers=[3, 4, 6, 3])` counts blocks per stage; a plain number counts layers.
      if (typeof ctx.value === 'number' || (Array.isArray(ctx.value) && ctx.value.every(v => typeof v === 'number'))) return hp('num_layers');
      return undefined;
    case 'beta':
      if (isPreference(ctx)) return hp('preference_beta');
      return undefined;
    case 'loss_type':
      if (isPreference(ctx) || hasAny(ctx.siblings, ['beta', 'pref_beta'])) return hp('preference_loss');
      return undefined;
    case 'warmup':
      // GPT-NeoX `warmup: 0.01` is a fraction of training; an integer counts steps.
      if (typeof ctx.value === 'number') return hp(ctx.value < 1 ? 'warmup_ratio' : 'warmup_steps');
      return undefined;
    case 'max_tokens':
      // fairseq sizes batches in tokens; LitGPT's `train.max_tokens` is the training budget.
      if (/^(dataset|data)$/.test(parent) || hasAny(ctx.siblings, ['max_sentences', 'required_batch_size_multiple', 'num_workers'])) return hp('batch_size');
      if (/^(train|training)$/.test(parent) || hasAny(ctx.siblings, ['max_steps', 'epochs', 'global_batch_size', 'micro_batch_size'])) return hp('max_steps');
      return undefined;
    case '_name':
      if (/^(optimizer|optim)$/.test(parent)) return hp('optimizer');
      if (/sched/.test(parent)) return hp('lr_scheduler');
      return other;
    case 'max_duration':
      // Composer durations carry their unit: `1ep` is epochs, `3195ba` batches, `1000tok` tokens.
      return hp(typeof ctx.value === 'string' && /ep$/i.test(ctx.value.trim()) ? 'epochs' : 'max_steps');
    case 't_warmup':
      return hp(typeof ctx.value === 'string' && /dur$/i.test(ctx.value.trim()) ? 'warmup_ratio' : 'warmup_steps');
    case 'test_size':
    case 'val_set_size':
    case 'validation_split':
    case 'valid_size':
    case 'val_size':
      // A fraction is a split ratio; a whole number counts rows (`test_size=550000`); a word names a split.
      if (typeof ctx.value === 'number' && ctx.value > 0 && ctx.value < 1) return hp('val_split');
      if (typeof ctx.value === 'number' || typeof ctx.value === 'string') return other;
      return hp('val_split');
    case 'max_samples':
      if (/forest|bagging|extratrees|isolation/.test(cls)) return hp('subsample');
      return other;
    case 'criterion':
      if (/tree|forest|boosting/.test(cls) || ctx.framework === 'sklearn') return hp('min_samples_split');
      return other;
    default:
      return undefined;
  }
}

/** Rules for spellings whose meaning depends on where they are. Undefined: not a generic name. */
export function disambiguate(name: string, ctx: KeyContext): Classification | undefined {
  // Each name has its rule in one of the two (no name is in both).
  return byLibrary(name, ctx) ?? bySectionOrValue(name, ctx);
}
