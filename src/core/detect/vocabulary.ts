/**
 * The alias vocabulary: how the ML ecosystem spells each concept, mapped to the canonical ids of
 * docs/hyperparameters.md (a contract: never rename an id; every id there is documented). Names are normalised
 * (lower case, `-` → `_`) before lookup. Generic names (`gamma`, `alpha`, `eps`, …) are NOT listed
 * here: they only get an id through the context rules in `classify.ts`.
 */
import type { SettingKind } from './types';

export interface VocabularyEntry {
  readonly canonical: string;
  readonly kind: SettingKind;
  /** How specific the spelling is (1 = unmistakable, 0.3 = common word). Drives file scoring. */
  readonly weight: number;
}

/** canonical id → aliases. Weight 1 unless the alias is prefixed with `~` (weak, 0.4). */
const HYPERPARAMETERS: Record<string, string> = {
  learning_rate: 'lr learning_rate lr0 base_lr eta shrinkage_rate initial_learning_rate learn_rate learning_rate_init init_lr max_lr peak_lr warmup_max_lr base_learning_rate unet_lr text_encoder_lr lr_rate optimizer_lr adam_lr policy_lr q_lr actor_lr critic_lr lr_base',
  lr_scheduler: 'lr_scheduler_type lr_scheduler lr_schedule lr_policy cos_lr scheduler_type lr_decay_style decay_style ~scheduler lr_scheduler_name decay_type warmup_method decay_lr decay_method sched anneal_lr',
  warmup_steps: 'warmup_steps num_warmup_steps warmup_num_steps warmup_iters lr_warmup_steps warmup_t warmup_step warmup_updates t_warmup',
  warmup_ratio: 'warmup_ratio warmup_epochs pct_start warmup_length warmup_proportion warmup_fraction phase_ratio',
  warmup_start_factor: 'warmup_factor start_factor warmup_bias_lr warmup_momentum warmup_min_lr div_factor warmup_init_lr warmup_lr',
  min_lr: 'lrf eta_min min_lr lr_min min_lr_ratio final_div_factor end_lr final_lr min_learning_rate lr_end base_lr_end min_lr_factor cosine_min_lr_ratio alpha_f final_lr_scale min_lr_rate',
  lr_decay_factor: 'lr_decay decay_rate lr_gamma lr_decay_rate lr_factor lr_decay_factor decay_ratio',
  lr_milestones: 'milestones lr_steps step_size decay_steps lr_step lr_milestones decay_epochs lr_drop decay_milestones',
  schedule_length: 't_max t_initial total_num_steps total_steps num_training_steps cycle_length t_0 num_updates first_cycle_steps lr_decay_iters lr_decay_steps step_size_up step_size_down',
  lr_plateau_patience: 'cooldown lr_patience patience_epochs',
  optimizer: 'optimizer optim optimizer_type optimizer_name optimizer_class opt use_adam_mini use_rms_prop',
  momentum: 'momentum nesterov sgd_momentum',
  adam_beta1: 'adam_beta1 beta_1 beta1',
  adam_beta2: 'adam_beta2 beta_2 beta2',
  adam_betas: 'betas adam_betas opt_betas',
  optimizer_eps: 'adam_epsilon adam_eps optimizer_eps opt_eps ~epsilon',
  weight_decay: 'weight_decay wd adam_weight_decay weight_decay_rate l2_weight_decay weight_decay_norm weight_decay_bias',
  grad_clip_norm: 'max_grad_norm gradient_clip_val gradient_clipping max_norm clipnorm clip_grad clip_grad_norm grad_clip clip_norm grad_norm_clip clip_gradient gradient_clip_algorithm clipvalue clip_value clipping_threshold ~clip',
  batch_size: 'batch_size per_device_train_batch_size train_micro_batch_size_per_gpu micro_batch_size batch samples_per_gpu imgs_per_gpu ims_per_batch train_batch_size batchsize per_gpu_train_batch_size total_batch_size global_batch_size bs batch_size_per_gpu base_batch_size train_bs device_train_microbatch_size global_train_batch_size total_bs',
  grad_accumulation: 'gradient_accumulation_steps accumulate_grad_batches update_freq accum_count nbs grad_accum_steps accumulation_steps gradient_accumulation grad_accum',
  epochs: 'num_train_epochs epochs max_epochs num_epochs total_epochs max_train_epochs n_epoch epoch_num train_epochs max_epoch niter nepochs',
  min_epochs: 'min_epochs',
  max_steps: 'max_steps max_iter ~max_iters max_train_steps num_train_steps train_steps total_iters max_iterations num_iters max_update train_iters max_duration',
  total_timesteps: 'n_timesteps total_timesteps timesteps',
  loss_weight: 'box cls dfl obj cls_pw obj_pw kobj loss_weight mel_loss_coeff mrd_loss_coeff router_aux_loss_coef loss_weights pred_masked_weight pred_nomask_weight desirable_weight undesirable_weight',
  ema_decay: 'ema_decay model_ema_decay ema ema_momentum',
  lr_multiplier: 'lr_mult decay_mult norm_decay_mult bias_decay_mult lr_multiplier bias_lr_factor feature_grad_mult layer_decay loraplus_lr_ratio',
  dropout: 'dropout dropout_rate drop_rate hidden_dropout_prob resid_pdrop embd_pdrop hidden_dropout dropout_prob drop_out dropout_p classifier_dropout keep_prob ffn_dropout activation_dropout proj_drop drop dropout_input dropout_features relu_dropout adaptive_softmax_dropout',
  attention_dropout: 'attention_probs_dropout_prob attn_pdrop attention_dropout attn_drop_rate attn_dropout attn_drop',
  drop_path: 'drop_path_rate drop_path stochastic_depth_prob stochastic_depth_rate drop_path_prob drop_connect',
  label_smoothing: 'label_smoothing label_smoothing_factor smoothing label_smooth',
  l2_penalty: 'l2_reg kernel_regularizer l2_reg_lambda l2_regularization l2_lambda l2_weight',
  l1_penalty: 'l1_ratio l1_lambda penalty l1_reg l1_regularization',
  early_stopping_patience: 'early_stopping_patience early_stopping_rounds early_stopping_round od_wait n_iter_no_change early_stop_patience ~patience',
  early_stopping_min_delta: 'min_delta early_stopping_threshold',
  mixup: 'mixup cutmix mixup_alpha cutmix_alpha mixup_prob cutmix_minmax mixup_switch_prob',
  random_erasing: 'erasing reprob random_erasing re_prob recount',
  num_layers: 'num_hidden_layers num_layers n_layer n_layers transformer_layers e_layers d_layers encoder_layers decoder_layers num_encoder_layers num_decoder_layers num_blocks n_blocks num_res_blocks nlayers enc_layers dec_layers hidden_layer ~layers',
  hidden_size: 'hidden_size d_model n_embd hidden_dim hidden_units n_units hidden_layer_sizes net_arch width hidden mlp_head_units fc_dims ~dim ~units nhid fc_layer_size hidden_layer_size',
  ffn_size: 'intermediate_size dim_feedforward d_ff ffn_dim intermediate_dim mlp_ratio mlp_dim ffn_hidden_size ff_dim transformer_units transformer_ff decoder_ffn_embed_dim encoder_ffn_embed_dim expansion_ratio',
  num_heads: 'num_attention_heads nhead num_heads n_head heads n_heads attention_heads decoder_attention_heads encoder_attention_heads num_kv_heads nhead',
  kernel_size: 'kernel_size conv_size filter_size ksize conv_kernel_size cv_kernel_size',
  channels: 'out_channels filters channels width_mult base_channels widen_factor num_filters conv_dims hidden_channels channel_mult ngf ndf nof_initial_filters cv_num_filters',
  embedding_dim: 'embedding_dim embed_dim projection_dim latent_dim emb_dim embedding_size z_dim emsize word_vec_size decoder_embed_dim encoder_embed_dim nz',
  activation: 'activation hidden_act activation_fn act activation_layer act_layer nonlinearity hidden_activation activation_function fc_activation pos_ffn_activation_fn activation_fn',
  normalization: 'norm_cfg layer_norm_eps norm_eval norm_type layer_norm_epsilon rms_norm_eps norm_layer use_batchnorm batch_norm conv_norm ~norm rms_norm_epsilon bn_momentum bn_eps decoder_normalize_before encoder_normalize_before layer_norm',
  patch_size: 'patch_size patch',
  context_length: 'max_position_embeddings n_positions block_size n_ctx max_positions',
  lora_rank: 'lora_r network_dim lora_rank',
  lora_alpha: 'lora_alpha network_alpha',
  lora_dropout: 'lora_dropout network_dropout',
  lora_targets: 'lora_target lora_target_modules lora_target_linear target_modules lora_modules_to_save',
  freezing: 'freeze freeze_at frozen_stages frozen freeze_backbone train_last_n_layers freeze_layers freeze_encoder freeze_finetune_updates',
  init_scale: 'initializer_range init_std param_init log_std_init init_scale init_gain ortho_init param_init param_init_glorot',
  n_estimators: 'n_estimators num_boost_round num_round num_iterations num_iteration num_trees num_tree num_rounds nrounds iterations n_est boost_rounds',
  max_depth: 'max_depth max.depth',
  num_leaves: 'num_leaves num_leaf max_leaves max_leaf max_leaf_nodes',
  min_child_samples: 'min_data_in_leaf min_data_per_leaf min_data min_child_samples min_samples_leaf',
  min_child_weight: 'min_child_weight min_sum_hessian_in_leaf min_sum_hessian min_hessian min_sum_hessian_per_leaf',
  subsample: 'subsample bagging_fraction sub_row bagging',
  subsample_freq: 'bagging_freq subsample_freq',
  colsample: 'colsample_bytree colsample_bylevel colsample_bynode feature_fraction sub_feature rsm feature_fraction_bynode',
  min_split_gain: 'min_split_loss min_gain_to_split min_split_gain',
  reg_lambda: 'reg_lambda lambda_l2 l2_leaf_reg',
  reg_alpha: 'reg_alpha lambda_l1',
  max_bin: 'max_bin border_count max_bins',
  scale_pos_weight: 'scale_pos_weight is_unbalance class_weight auto_class_weights',
  min_samples_split: 'min_samples_split min_split criterion bootstrap',
  random_strength: 'random_strength bagging_temperature bootstrap_type',
  booster: 'booster boosting_type boosting tree_method grow_policy boost',
  dart_dropout: 'rate_drop skip_drop sample_type normalize_type',
  rbf_gamma: '',
  kernel: 'kernel degree coef0',
  n_neighbors: 'n_neighbors',
  n_clusters: 'n_clusters num_clusters',
  n_components: 'n_components perplexity',
  solver: 'solver',
  discount_factor: 'discount discounting discount_factor',
  gae_lambda: 'gae_lambda lam gae_lam',
  clip_range: 'clip_range clip_param clip_coef cliprange appo_clip_policy clip_epsilon ppo_clip',
  value_clip_range: 'clip_range_vf vf_clip_param',
  entropy_coef: 'ent_coef entropy_coeff entropy_beta entropy_cost entropy_coef ent_coeff autotune',
  value_coef: 'vf_coef vf_loss_coeff baseline_cost value_coef value_loss_coef',
  rollout_length: 'n_steps rollout_fragment_length unroll_length bptt_horizon',
  update_epochs: 'update_epochs num_minibatches minibatch_size num_sgd_iter nminibatches noptepochs sgd_minibatch_size ppo_epochs',
  target_update: 'tau target_update_interval polyak target_update_freq target_network_update_freq target_network_frequency',
  replay_buffer: 'buffer_size learning_starts train_freq gradient_steps replay_buffer_size train_frequency',
  exploration: 'exploration_fraction exploration_initial_eps exploration_final_eps epsilon_start epsilon_end eps_start eps_end epsilon_decay start_e end_e',
  n_envs: 'n_envs num_envs num_rollout_workers num_env_runners',
  frame_stack: 'frame_stack n_stack',
  target_kl: 'target_kl',
  action_noise: 'noise_type noise_std action_noise',
  noise_offset: 'noise_offset',
  use_sde: 'use_sde sde_sample_freq use_sde_at_warmup',
  policy_kwargs: 'policy_kwargs',
  image_size: 'imgsz img_size image_size resolution min_size_train max_size_train crop_size img img_scale target_size target_height target_width imagesize',
  seq_length: 'max_seq_length max_length seq_len sequence_len tokenizer_maxlen max_source_length ctxt_seq_len max_target_length sequence_length cutoff_len max_token_length bptt tokens_per_sample src_seq_length tgt_seq_length src_seq_length_trunc tgt_seq_length_trunc max_prompt_length max_seq_len',
  flip: 'fliplr flipud horizontal_flip vertical_flip flip flip_prob hflip vflip',
  color_jitter: 'hsv_h hsv_s hsv_v brightness contrast saturation hue color_jitter color_jitter_prob',
  geometric_augmentation: 'degrees translate shear perspective rotation min_scale max_scale height_factor width_factor ratio_range',
  mosaic: 'mosaic close_mosaic copy_paste copy_paste_mode',
  auto_augment: 'auto_augment randaugment num_ops magnitude albumentations rand_augment ~aa',
  val_split: 'val_set_size test_size validation_split val_split val_size valid_size val_ratio validation_fraction train_val_test_split val_split_fraction',
  text_features: 'ngrams ngram_range min_df max_df',
  packing: 'sample_packing group_by_length packing',
  preference_beta: 'pref_beta dpo_beta orpo_beta kto_beta',
  preference_loss: 'pref_loss dpo_loss preference_loss',
  layer_drop: 'layerdrop encoder_layerdrop decoder_layerdrop layer_drop',
  masking: 'mask_prob mask_channel_prob mask_channel_length mask_time_prob mask_time_length apply_mask',
  architecture: 'arch architecture backbone_name encoder_type decoder_type',
};

/** Canonical ids for system settings (section 2.8): they get an id but kind `system`. */
const SYSTEM_IDS: Record<string, string> = {
  num_workers: 'num_workers workers dataloader_num_workers max_data_loader_n_workers persistent_workers prefetch_factor num_proc preprocessing_num_workers',
  num_threads: 'nthread num_threads thread_count nthreads num_thread',
  precision: 'precision fp16 bf16 amp mixed_precision loss_scale initial_scale_power half tf32 fp16_opt_level full_fp16 full_bf16 use_amp save_precision loss_scale_window min_loss_scale hysteresis dtype torch_dtype',
  seed: 'seed seed_everything random_state random_seed data_seed init_seed manual_seed',
  grad_checkpointing: 'gradient_checkpointing activation_checkpoint grad_checkpoint use_gradient_checkpointing selective_ac_option',
  sharding: 'zero_optimization offload_optimizer offload_param fsdp fsdp_config data_parallel_shard_degree zero_stage cpu_offload tensor_parallel_degree pipeline_parallel_degree context_parallel_degree data_parallel_replicate_degree allgather_partitions allgather_bucket_size overlap_comm reduce_scatter reduce_bucket_size contiguous_gradients',
  compile: 'compile deterministic benchmark cache pin_memory torch_compile cudnn_benchmark flash_attention sdpa xformers cache_latents cache_latents_to_disk',
  eval_batch_size: 'device_eval_batch_size valid_batch_size validation_batch_size testbatchsize precompute_ref_batch_size per_device_eval_batch_size eval_batch_size val_batch_size test_batch_size per_gpu_eval_batch_size',
};

/** Keys that are never hyperparameters (section 0 of the reference), by kind. */
const SYSTEM_KEYS = [
  // paths and IO
  'data_dir log_dir output_dir ckpt_path resume resume_from_checkpoint cache_dir filelist_path train_file validation_file test_file dataset_prepared_path tokenizer_path dump_folder save_dir dirpath load_from work_dir logging_dir root data_root data_path dataset_path model_name_or_path model_dir checkpoint_dir pretrained_model_name_or_path train_data_dir output_name output_model input_model data valid valid_data train_data test_data lora_model_dir init_checkpoint save_traces_folder save_tb_folder folder filename weights',
  // logging, checkpointing, reporting
  'logging_steps log_every_n_steps log_freq log_interval steps_per_print wall_clock_breakdown save_steps save_period save_total_limit save_top_k save_last verbose verbosity report_to wandb_project wandb_entity wandb_name wandb_watch wandb_log_model wandb_run_id logger plots project exist_ok print_freq metric_freq is_training_metric save_every_n_steps save_every_n_epochs sample_every_n_steps save_model_as save_state save_strategy logging_strategy logging_first_step enable_profiling profile_freq enable_tensorboard enable_checkpoint model_weights_only export_dtype async_mode evals_per_epoch saves_per_epoch job_type group entity tags callbacks',
  // devices and infrastructure
  'device devices gpus gpu accelerator strategy num_nodes world_size local_rank rank dist_url dist_backend n_jobs local_listen_port machine_list_file num_machines resources_per_trial trialconcurrency trainingservice multiprocessing_distributed tree_learner is_enable_sparse use_two_round_loading is_save_binary_file ddp_backend sync_bn',
  // framework switches with no effect on what is learned
  'use_cpu no_cuda half_precision_backend run_name disable_tqdm deepspeed dataloader_pin_memory ddp_find_unused_parameters dataloader_drop_last remove_unused_columns ignore_data_skip include_inputs_for_metrics torch_compile_backend enable_checkpointing enable_progress_bar enable_model_summary use_distributed_sampler sync_batchnorm detect_anomaly inference_mode barebones plugins reload_dataloaders_every_n_epochs every_n_train_steps every_n_epochs train_time_interval auto_insert_metric_name save_on_train_epoch_end dataset_processes optimize_memory_usage reference_world_size checkpoint_period min_size_test max_size_test launcher log_level',
  // run control
  'eval task mode do_train do_eval do_predict push_to_hub hub_model_id overwrite_output_dir task_name evaluate start_epoch eval_train fast_dev_run',
  // evaluation bookkeeping
  'eval_strategy evaluation_strategy eval_steps val_check_interval check_val_every_n_epoch metric_for_best_model monitor limit_val_batches limit_train_batches limit_test_batches load_best_model_at_end greater_is_better val_interval eval_interval num_sanity_val_steps eval_sample_packing',
].join(' ');

const SEARCH_KEYS = 'method goal early_terminate n_trials study_name storage direction maxtrialcount paralleltrialcount maxfailedtrialcount budget search_alg objectivemetricname additionalmetricnames algorithmname algorithm objective_metric_name optimized_metric n_startup_trials max_concurrent_trials trial_concurrency max_trial_number max_trial_duration tuner assessor program command';

const OTHER_KEYS = 'accum_steps dropout_steps _target_ _partial_ _recursive_ _convert_ defaults class_path init_args dict_kwargs _base_ _delete_ type num_classes nc num_labels vocab_size type_vocab_size in_channels in_chans input_channels input_size output_size objective loss loss_function eval_metric metric label_column sampling_rate sample_rate input_shape output_shape classes policy env_wrapper normalize base_model model_type tokenizer_type datasets special_tokens description flavor dataset name by_epoch convert_to_iter_based begin use_turn_embeddings tokenizer_name label';

export const VOCABULARY: ReadonlyMap<string, VocabularyEntry> = buildVocabulary();

function buildVocabulary(): Map<string, VocabularyEntry> {
  const map = new Map<string, VocabularyEntry>();
  const add = (alias: string, entry: VocabularyEntry) => {
    if (!map.has(alias)) map.set(alias, entry);
  };
  for (const [canonical, list] of Object.entries(HYPERPARAMETERS)) {
    for (const word of list.split(/\s+/).filter(Boolean)) {
      const weak = word.startsWith('~');
      add(weak ? word.slice(1) : word, { canonical, kind: 'hyperparameter', weight: weak ? 0.4 : 1 });
    }
  }
  for (const [canonical, list] of Object.entries(SYSTEM_IDS)) {
    for (const word of list.split(/\s+/).filter(Boolean)) add(word, { canonical, kind: 'system', weight: 0.5 });
  }
  return map;
}

const systemKeys = new Set(SYSTEM_KEYS.split(/\s+/));
const searchKeys = new Set(SEARCH_KEYS.split(/\s+/));
const otherKeys = new Set(OTHER_KEYS.split(/\s+/));

/** Kind of a key known to be no hyperparameter, or undefined. */
export function nonHyperparameterKind(name: string): SettingKind | undefined {
  if (systemKeys.has(name)) return 'system';
  if (searchKeys.has(name)) return 'search-setting';
  if (otherKeys.has(name)) return 'other';
  if (/(^|_)(dir|path|file|folder|filename|url|uri)$/.test(name)) return 'system';
  if (/^(log|logging|save|wandb|tensorboard|mlflow|hub|push|report|checkpoint|ckpt|profil)/.test(name)) return 'system';
  // Data handed over (`validation_data=(x_val, y_val)`, `eval_dataset=…`) is neither a setting nor run plumbing.
  if (/^(eval|val|valid|validation|test|train)_(data|dataset|loader|dataloader)$/.test(name)) return 'other';
  if (/^(eval|val|valid|validation|test)_/.test(name) && !/(size|split|ratio)$/.test(name)) return 'system';
  if (/^(enable|disable|use)_(progress|checkpoint|model_summary|tqdm|tensorboard|wandb|mlflow|cpu|cuda)/.test(name)) return 'system';
  return undefined;
}

/** The kind a canonical id stands for: system settings (precision, seed, …) or hyperparameters. */
export function canonicalKind(id: string): SettingKind {
  return Object.prototype.hasOwnProperty.call(SYSTEM_IDS, id) ? 'system' : 'hyperparameter';
}

/** All canonical ids this vocabulary can produce (reference ids plus the ones added here). */
export function knownCanonicalIds(): Set<string> {
  return new Set([...Object.keys(HYPERPARAMETERS), ...Object.keys(SYSTEM_IDS), 'svm_c', 'rbf_gamma', 'regularization_alpha', 'dbscan_eps', 'lr_decay_factor', 'focal_gamma', 'focal_alpha']);
}

/** Normalise a key for lookup: `--weight-decay` → `weight_decay`, `SOLVER.BASE_LR` leaf → `base_lr`. */
const normalised = new Map<string, string>();

/** Names already in normal form (most keys): returned as they are, without a memo entry. */
const NORMAL = /^[a-z0-9_]*$/;

export function normaliseName(name: string): string {
  if (NORMAL.test(name)) return name;
  let n = normalised.get(name);
  if (n === undefined) {
    n = name.trim().replace(/^-+/, '').replace(/-/g, '_').toLowerCase();
    // Bounded memo: key names repeat a lot within and across files.
    if (normalised.size > 50_000) normalised.clear();
    normalised.set(name, n);
  }
  return n;
}
