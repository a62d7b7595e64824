/**
 * The cheap first pass of workspace indexing: decides from the path and a key scan of the first
 * 64 KB whether a file can hold ML configuration, without building any tree. It is deliberately
 * liberal (a false candidate only costs one full parse later); the full detector has the last word.
 */
import { CONFIG_FILE } from './files';
import { VOCABULARY, normaliseName } from './vocabulary';

export interface QuickScanResult {
  readonly candidate: boolean;
  /** A cheap guess of the format when a fingerprint is unmistakable. */
  readonly format?: string;
}

const SCAN_BYTES = 64 * 1024;
const NEVER = /(^|\/)(package(-lock)?\.json|tsconfig[^/]*\.json|\.eslintrc[^/]*|\.pre-commit-config\.ya?ml|(docker-)?compose[^/]*\.ya?ml|pnpm-lock\.yaml|yarn\.lock|composer\.json|setup\.cfg|tox\.ini|\.flake8|mypy\.ini|pytest\.ini|\.coveragerc|cargo\.toml|poetry\.lock|pipfile\.lock|\.babelrc|renovate\.json|\.prettierrc[^/]*|launch\.json|settings\.json|extensions\.json|tasks\.json)$/i;
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

/** Unmistakable fingerprints; the literal is a cheap `includes` pre-check before the regex runs. */
const FINGERPRINTS: Array<[string, RegExp, string]> = [
  ['zero_optimization', /"zero_optimization"/, 'deepspeed'],
  ['train_micro_batch_size_per_gpu', /"train_micro_batch_size_per_gpu"/, 'deepspeed'],
  ['log_history', /"log_history"\s*:/, 'hf-trainer-state'],
  ['_type', /"_type"\s*:\s*"(choice|uniform|loguniform|randint|quniform|normal)"/, 'nni'],
  ['feasibleSpace', /^\s*kind:\s*Experiment\b/m, 'katib'],
  ['method:', /^method:\s*(grid|random|bayes)\b/m, 'wandb-sweep'],
  ['.suggest_', /\.suggest_(float|int|categorical|uniform|loguniform|discrete_uniform)\s*\(/, 'optuna'],
  ['tune.', /\btune\.(loguniform|uniform|choice|randint|grid_search|sample_from|quniform|qloguniform)\s*\(/, 'ray-tune'],
  ['_base_', /^_base_\s*=/m, 'mmengine'],
  ['optim_wrapper', /^optim_wrapper\s*=/m, 'mmengine'],
  ['param_scheduler', /^param_scheduler\s*=/m, 'mmengine'],
  ['SOLVER:', /^SOLVER:/m, 'detectron2'],
  ['_BASE_:', /^_BASE_:/m, 'detectron2'],
  ['lrf:', /^\s*lr0:[^\n]*\n(?:[^\n]*\n)*?\s*lrf:/m, 'ultralytics'],
  ['class_path:', /^\s*class_path:/m, 'lightning-cli'],
  ['defaults:', /^defaults:\s*$/m, 'hydra'],
  ['@package', /^#\s*@package\b/m, 'hydra'],
  ['_target_:', /^\s*_target_:/m, 'hydra'],
];

/** Python that imports an ML library is worth a look whatever its names. */
const ML_IMPORT = /^[ \t]*(?:import|from)[ \t]+(?:torch|tensorflow|keras|sklearn|xgboost|lightgbm|catboost|jax|flax|optuna|ray|transformers|peft|trl|mmengine|mmdet|mmcv|mmpretrain|detectron2|stable_baselines3|ultralytics|nni|hyperopt|lightning|pytorch_lightning|accelerate|deepspeed|timm|paddle|mxnet|keras_tuner)\b/m;
/** Paths where configs live: one specific hyperparameter name is then enough. */
const CONFIG_PATH = /(^|\/)(conf|configs?|hparams?|hyperparams?|sweeps?|experiments?|train_configs?|_base_)\/|(^|\/)(hyp[^/]*|[^/]*sweep[^/]*|params|search_space|ds_config[^/]*|training_args|trainer_state|config)\.(ya?ml|json|toml)$/i;

/** Is this file worth a full parse? Costs one regex pass over at most 64 KB. */
export function quickScan(path: string, text: string): QuickScanResult {
  const p = path.replace(/\\/g, '/');
  // A notebook's code is found only by reading its cells (past any outputs): let the detector do it.
  if (/\.ipynb$/i.test(p)) return { candidate: text.includes('"cells"') && !/(^|\/)\.ipynb_checkpoints\//.test(p) };
  if (!CONFIG_FILE.test(p) || NEVER.test(p) || /(^|\/)\.github\/workflows\//.test(p)) return { candidate: false };
  if (text.startsWith('version https://git-lfs')) return { candidate: false };
  const head = text.length > SCAN_BYTES ? text.slice(0, SCAN_BYTES) : text;
  for (const [needle, re, format] of FINGERPRINTS) if (head.includes(needle) && re.test(head)) return { candidate: true, format };
  if (/\.py$/i.test(p) && ML_IMPORT.test(head)) return { candidate: true };
  const threshold = CONFIG_PATH.test(p) ? 1 : 2;
  let score = 0;
  let counted: Set<string> | undefined;
  // Keys are the words right before a `:` or `=`: find those characters, then read backwards.
  // (A single regex over every word backtracks quadratically on prose and comments.)
  for (let at = 0; at < head.length; at++) {
    const c = head.charCodeAt(at);
    if (c !== 58 && c !== 61) continue;
    const next = head.charCodeAt(at + 1);
    if (next === 61 || next === 47) continue; // `==`, `://`
    let j = at - 1;
    while (j >= 0 && (head.charCodeAt(j) === 32 || head.charCodeAt(j) === 9)) j--;
    if (j >= 0 && (head.charCodeAt(j) === 34 || head.charCodeAt(j) === 39)) j--;
    const end = j + 1;
    while (j >= 0 && end - j <= 48 && isWordChar(head.charCodeAt(j))) j--;
    if (end - j - 1 < 2 || end - j > 48) continue;
    let name = head.slice(j + 1, end);
    if (/[A-Z-]/.test(name)) name = normaliseName(name);
    const sep = name.lastIndexOf('__');
    if (sep >= 0) name = name.slice(sep + 2);
    const entry = VOCABULARY.get(name);
    if (entry && entry.kind === 'hyperparameter') {
      counted ??= new Set();
      if (counted.has(name)) continue;
      counted.add(name);
      score += entry.weight;
      if (score >= threshold) return { candidate: true };
    }
  }
  // argparse options are written `'--lr'`, not `lr:`; one specific option is enough to look closer.
  if (/add_argument\(\s*['"]--?(lr|learning[-_]rate|batch[-_]size|epochs|momentum|weight[-_]decay|dropout)/.test(head)) return { candidate: true };
  return { candidate: false };
}
