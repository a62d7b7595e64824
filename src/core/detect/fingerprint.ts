/**
 * Which format a parsed data file is in (Hydra, DeepSpeed, W&B sweep, Lightning CLI, RL Zoo, …), from
 * its path and top-level keys; null for a file known not to be an ML config (package.json, CI
 * workflows, Kubernetes objects, …).
 */
import type { StructuredInput } from './structured';
import { isSpecMap, toPlain, type ConfigEntry, type ConfigNode } from './tree';

const HYDRA_NEGATIVE_GROUPS = new Set(['hydra', 'logger', 'paths', 'local', 'log', 'logging', 'extras']);

const ENV_ID = /^([A-Z][A-Za-z0-9_]*(NoFrameskip)?-v\d+|atari|[A-Za-z]+[A-Za-z0-9]*Env-v\d+)$/;
/** OpenNMT-py options (flat YAML); several of them share names with HF TrainingArguments. */
const OPENNMT_KEYS = ['encoder_type', 'decoder_type', 'word_vec_size', 'transformer_ff', 'src_vocab', 'tgt_vocab', 'save_model', 'train_steps', 'accum_count', 'decay_method', 'src_seq_length', 'model_task', 'enc_layers', 'dec_layers', 'param_init_glorot', 'save_data', 'share_vocab'];
/** fairseq Hydra configs: one section per component, each selecting its implementation with `_name`. */
const FAIRSEQ_SECTIONS = ['common', 'task', 'criterion', 'optimization', 'dataset', 'checkpoint', 'distributed_training', 'lr_scheduler', 'bpe', 'tokenizer'];
const TRAINING_ARGS_KEYS = ['per_device_train_batch_size', 'num_train_epochs', 'learning_rate', 'warmup_ratio', 'lr_scheduler_type', 'output_dir', 'evaluation_strategy', 'eval_strategy', 'save_strategy', 'gradient_accumulation_steps', 'logging_steps', 'per_device_eval_batch_size', 'weight_decay', 'warmup_steps', 'max_steps', 'fp16', 'bf16', 'seed'];

function entry(map: ConfigNode | undefined, key: string): ConfigEntry | undefined {
  return map?.type === 'map' ? map.entries.find(e => e.key === key) : undefined;
}

function keysOf(map: ConfigNode | undefined): Set<string> {
  return new Set(map?.type === 'map' ? map.entries.map(e => e.key) : []);
}

function pathSegments(path: string): string[] {
  return path.replace(/\\/g, '/').split('/').filter(Boolean);
}

function basename(path: string): string {
  const s = pathSegments(path);
  return (s[s.length - 1] ?? '').toLowerCase();
}

/** Hydra group of a config file: `configs/model/mnist.yaml` → ['model']. */
export function hydraGroup(path: string): string[] | undefined {
  const segs = pathSegments(path);
  for (let i = segs.length - 2; i >= 0; i--) {
    if (/^(conf|configs?|hydra_configs?)$/i.test(segs[i])) return segs.slice(i + 1, -1);
  }
  return undefined;
}

function count(keys: Set<string>, names: readonly string[]): number {
  let n = 0;
  for (const k of names) if (keys.has(k)) n++;
  return n;
}

function anyDeep(node: ConfigNode | undefined, test: (e: ConfigEntry) => boolean, depth = 0): boolean {
  if (!node || depth > 12) return false;
  if (node.type === 'map') return node.entries.some(e => test(e) || anyDeep(e.value, test, depth + 1));
  if (node.type === 'list') return node.items.some(i => anyDeep(i, test, depth + 1));
  return false;
}

/** Recognises the format of a parsed data file, or null for a known non-ML file. Undefined: no fingerprint (decide by vocabulary). */
export function recogniseFormat(input: StructuredInput): string | null | undefined {
  const { root, path, language } = input;
  const name = basename(path);
  const segs = pathSegments(path).map(s => s.toLowerCase());
  const keys = keysOf(root);
  // Negative fingerprints first: they veto unless an ML signal also hits.
  if (name === 'package.json' || name === 'package-lock.json' || /^tsconfig.*\.json$/.test(name) || /^\.eslintrc/.test(name) || name === '.pre-commit-config.yaml' || /^(docker-)?compose(\..+)?\.ya?ml$/.test(name) || name === 'pnpm-lock.yaml' || name === 'composer.json' || name === '.babelrc' || name === 'renovate.json') return null;
  if (segs.includes('.github') && segs.includes('workflows')) return null;
  if (language === 'json' && keys.has('compilerOptions')) return null;
  if (keys.has('rules') && (keys.has('parserOptions') || keys.has('extends') || keys.has('env') || keys.has('plugins'))) return null;
  if (keys.has('channels') && keys.has('dependencies')) return null;
  if (keys.has('repos') && anyDeep(root, e => e.key === 'hooks')) return null;
  if (keys.has('name') && keys.has('version') && (keys.has('dependencies') || keys.has('devDependencies') || keys.has('scripts'))) return null;
  if (keys.has('on') && keys.has('jobs')) return null;
  if (keys.has('services') && anyDeep(entry(root, 'services')?.value, e => ['image', 'build', 'ports', 'volumes'].includes(e.key))) return null;
  const apiVersion = entry(root, 'apiVersion')?.value;
  const kind = entry(root, 'kind')?.value;
  if (apiVersion && kind) {
    const api = apiVersion.type === 'scalar' ? String(apiVersion.value) : '';
    const k = kind.type === 'scalar' ? String(kind.value) : '';
    if (api.startsWith('kubeflow.org') && k === 'Experiment') return 'katib';
    return null;
  }
  if (language === 'toml') {
    if (name === 'pyproject.toml') return 'pyproject';
    if (name === 'cargo.toml' || name === 'poetry.lock' || name === 'netlify.toml' || name === 'rustfmt.toml') return null;
    const tables = keys;
    if (count(tables, ['optimizer', 'training', 'lr_scheduler', 'parallelism', 'job', 'model', 'checkpoint']) >= 3) return 'torchtitan';
    if (count(tables, ['network_dim', 'network_module', 'pretrained_model_name_or_path', 'train_batch_size', 'max_train_steps', 'mixed_precision', 'network_alpha', 'resolution']) >= 3) return 'kohya';
    return undefined;
  }
  if (language === 'ini') {
    if (count(keys, ['booster', 'eta', 'num_round', 'min_child_weight', 'max_depth', 'gamma']) >= 2 || /binary:|reg:|multi:|rank:/.test(String(toPlain(entry(root, 'objective')?.value) ?? ''))) return 'xgboost-conf';
    if (count(keys, ['boosting_type', 'boosting', 'num_leaves', 'num_trees', 'min_data_in_leaf', 'tree_learner', 'bagging_fraction', 'feature_fraction', 'num_iterations']) >= 2) return 'lightgbm-conf';
    return undefined;
  }
  // JSON and YAML.
  if (keys.has('log_history') && (keys.has('global_step') || keys.has('best_model_checkpoint') || keys.has('best_metric'))) return 'hf-trainer-state';
  if (keys.has('zero_optimization') || keys.has('train_micro_batch_size_per_gpu') || (keys.has('train_batch_size') && (keys.has('fp16') || keys.has('bf16')) && keys.has('optimizer')) || /^ds_config|zero\d?.*\.json$/.test(name)) {
    if (keys.has('zero_optimization') || keys.has('train_micro_batch_size_per_gpu') || keys.has('fp16') || keys.has('bf16')) return 'deepspeed';
  }
  if (root?.type === 'map' && root.entries.length > 0 && root.entries.every(e => isSpecMap(toPlain(e.value), ['_type']))) return 'nni';
  if (keys.has('searchSpace') || keys.has('searchSpaceFile') || (keys.has('trialCommand') && keys.has('tuner'))) return 'nni';
  const method = entry(root, 'method')?.value;
  if (keys.has('parameters') && (method?.type === 'scalar' && /^(grid|random|bayes)$/.test(String(method.value)))) return 'wandb-sweep';
  if (keys.has('parameters') && keys.has('metric') && (keys.has('program') || keys.has('command'))) return 'wandb-sweep';
  if (language === 'json') {
    if (keys.has('model_type') || keys.has('architectures') || count(keys, ['hidden_size', 'num_attention_heads', 'num_hidden_layers', 'intermediate_size', 'hidden_dropout_prob', 'vocab_size']) >= 3) return 'hf-model-config';
    if (count(keys, TRAINING_ARGS_KEYS) >= 3) return 'hf-training-args';
    return undefined;
  }
  // YAML from here on.
  const group = hydraGroup(path);
  if (group && group.length > 0 && HYDRA_NEGATIVE_GROUPS.has(group[0].toLowerCase())) return null;
  if (name === 'params.yaml') return 'dvc-params';
  if (count(keys, ['lr0', 'lrf', 'warmup_epochs', 'hsv_h', 'hsv_s', 'mosaic', 'fliplr', 'warmup_bias_lr']) >= 3 || /^hyp[^/]*\.ya?ml$/.test(name)) return 'ultralytics';
  if (count(keys, ['SOLVER', 'MODEL', 'INPUT', 'DATASETS', '_BASE_', 'DATALOADER', 'TEST', 'OUTPUT_DIR']) >= 2) return 'detectron2';
  if (keys.has('base_model') && count(keys, ['micro_batch_size', 'adapter', 'lora_r', 'sequence_len', 'datasets', 'gradient_accumulation_steps']) >= 2) return 'axolotl';
  const envKeys = [...keys].filter(k => ENV_ID.test(k));
  if (envKeys.length > 0 && envKeys.length >= keys.size / 2) return 'rl-zoo';
  const header = input.headerComments ?? '';
  const lightningTop = count(keys, ['seed_everything', 'trainer', 'model', 'data', 'optimizer', 'lr_scheduler', 'ckpt_path']);
  if (/#\s*(lightning\.pytorch|pytorch_lightning|lightning)==/.test(header) || (lightningTop >= 2 && [...keys].every(k => ['seed_everything', 'trainer', 'model', 'data', 'optimizer', 'lr_scheduler', 'ckpt_path', 'fit', 'validate', 'test', 'predict', 'config'].includes(k)) && anyDeep(root, e => e.key === 'class_path' || e.key === 'init_args'))) return 'lightning-cli';
  if (count(keys, FAIRSEQ_SECTIONS) >= 3 && anyDeep(root, e => e.key === '_name')) return 'fairseq';
  if (count(keys, OPENNMT_KEYS) >= 3) return 'opennmt';
  if (keys.has('defaults') || keys.has('hydra') || /#\s*@package/.test(header) || anyDeep(root, e => e.key === '_target_' || (e.value.type === 'scalar' && typeof e.value.value === 'string' && (/\$\{[^}]+\}/.test(e.value.value) || e.value.value === '???')))) return 'hydra';
  if (count(keys, OPENNMT_KEYS) >= 3) return 'opennmt';
  if (count(keys, FAIRSEQ_SECTIONS) >= 3) return 'fairseq';
  if (count(keys, TRAINING_ARGS_KEYS) >= 3) return 'hf-training-args';
  return undefined;
}
