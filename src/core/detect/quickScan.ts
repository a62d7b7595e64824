/**
 * The cheap first pass of workspace indexing: decides from the path and a key scan of the first
 * 64 KB whether a file can hold ML configuration, without building any tree. It is deliberately
 * liberal (a false candidate only costs one full parse later); the full detector has the last word.
 */
import { VOCABULARY, normaliseName } from './vocabulary';

export interface QuickScanResult {
  readonly candidate: boolean;
  /** A cheap guess of the format when a fingerprint is unmistakable. */
  readonly format?: string;
}

const SCAN_BYTES = 64 * 1024;
const EXTENSIONS = /\.(ya?ml|json|jsonc|toml|py|conf|cfg|ini)$/i;
const NEVER = /(^|\/)(package(-lock)?\.json|tsconfig[^/]*\.json|\.eslintrc[^/]*|\.pre-commit-config\.ya?ml|(docker-)?compose[^/]*\.ya?ml|pnpm-lock\.yaml|yarn\.lock|composer\.json|setup\.cfg|tox\.ini|\.flake8|mypy\.ini|pytest\.ini|\.coveragerc|cargo\.toml|poetry\.lock|pipfile\.lock|\.babelrc|renovate\.json|\.prettierrc[^/]*|launch\.json|settings\.json|extensions\.json|tasks\.json)$/i;
const KEY = /["']?([A-Za-z_][\w-]{0,40})["']?[ \t]*[:=](?!=)/g;

const FINGERPRINTS: Array<[RegExp, string]> = [
  [/"zero_optimization"|"train_micro_batch_size_per_gpu"/, 'deepspeed'],
  [/"log_history"\s*:/, 'hf-trainer-state'],
  [/"_type"\s*:\s*"(choice|uniform|loguniform|randint|quniform|normal)"/, 'nni'],
  [/^\s*kind:\s*Experiment\b[\s\S]*feasibleSpace/m, 'katib'],
  [/^method:\s*(grid|random|bayes)\b/m, 'wandb-sweep'],
  [/\.suggest_(float|int|categorical|uniform|loguniform|discrete_uniform)\s*\(/, 'optuna'],
  [/\btune\.(loguniform|uniform|choice|randint|grid_search|sample_from|quniform|qloguniform)\s*\(/, 'ray-tune'],
  [/^_base_\s*=|^optim_wrapper\s*=|^param_scheduler\s*=/m, 'mmengine'],
  [/^(SOLVER|_BASE_):/m, 'detectron2'],
  [/^\s*lr0:[\s\S]*^\s*lrf:/m, 'ultralytics'],
  [/^\s*class_path:/m, 'lightning-cli'],
  [/^defaults:\s*$|^#\s*@package\b|^\s*_target_:/m, 'hydra'],
];

/** Python that imports an ML library is worth a look whatever its names. */
const ML_IMPORT = /^[ \t]*(?:import|from)[ \t]+(?:torch|tensorflow|keras|sklearn|xgboost|lightgbm|catboost|jax|flax|optuna|ray|transformers|peft|trl|mmengine|mmdet|mmcv|mmpretrain|detectron2|stable_baselines3|ultralytics|nni|hyperopt|lightning|pytorch_lightning|accelerate|deepspeed|timm|paddle|mxnet|keras_tuner)\b/m;
/** Paths where configs live: one specific hyperparameter name is then enough. */
const CONFIG_PATH = /(^|\/)(conf|configs?|hparams?|hyperparams?|sweeps?|experiments?|train_configs?)\/|(^|\/)(hyp[^/]*|[^/]*sweep[^/]*|params|search_space|ds_config[^/]*|training_args|trainer_state|config)\.(ya?ml|json|toml)$/i;

/** Is this file worth a full parse? Costs one regex pass over at most 64 KB. */
export function quickScan(path: string, text: string): QuickScanResult {
  const p = path.replace(/\\/g, '/');
  if (!EXTENSIONS.test(p) || NEVER.test(p) || /(^|\/)\.github\/workflows\//.test(p)) return { candidate: false };
  if (text.startsWith('version https://git-lfs')) return { candidate: false };
  const head = text.length > SCAN_BYTES ? text.slice(0, SCAN_BYTES) : text;
  for (const [re, format] of FINGERPRINTS) if (re.test(head)) return { candidate: true, format };
  if (/\.py$/i.test(p) && ML_IMPORT.test(head)) return { candidate: true };
  const threshold = CONFIG_PATH.test(p) ? 1 : 2;
  let score = 0;
  const seen = new Set<string>();
  KEY.lastIndex = 0;
  for (let m = KEY.exec(head); m; m = KEY.exec(head)) {
    const name = m[1];
    if (seen.has(name)) continue;
    seen.add(name);
    const norm = normaliseName(name);
    const entry = VOCABULARY.get(norm.includes('__') ? norm.slice(norm.lastIndexOf('__') + 2) : norm);
    if (entry && entry.kind === 'hyperparameter') {
      score += entry.weight;
      if (score >= threshold) return { candidate: true };
    }
  }
  // argparse options are written `'--lr'`, not `lr:`; one specific option is enough to look closer.
  if (/add_argument\(\s*['"]--?(lr|learning[-_]rate|batch[-_]size|epochs|momentum|weight[-_]decay|dropout)/.test(head)) return { candidate: true };
  return { candidate: false };
}
