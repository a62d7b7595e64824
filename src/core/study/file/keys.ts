/**
 * The vocabulary of a study file: the sections and keys the reader understands and the values a few
 * of them accept. The JSON Schema test checks that schemas/study.schema.json lists the same.
 */

/** A study name is a folder name: the study lives in .hpstudio/studies/<name>. */
export const STUDY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function isStudyName(name: string): boolean {
  return STUDY_NAME_PATTERN.test(name);
}

/** The name for another run of a study: `quickstart` → `quickstart-2`, `quickstart-2` → `quickstart-3`, skipping taken ones. */
export function nextStudyName(name: string, taken: (candidate: string) => boolean): string {
  const m = /^(.*?)-(\d+)$/.exec(name);
  const base = (m ? m[1] : name).slice(0, 90) || 'study';
  for (let n = m ? Number(m[2]) + 1 : 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken(candidate)) return candidate;
  }
}

/** Study files larger than this are refused before parsing (a study file is a few KB). */
export const MAX_STUDY_FILE_BYTES = 1024 * 1024;

/** Values of `method:` (W&B's names plus ours); the engine's sampler names are `SAMPLER_NAMES` in core/search. */
export const STUDY_FILE_METHODS = ['grid', 'random', 'bayes', 'tpe', 'gp', 'sobol', 'cmaes', 'nsga2', 'motpe', 'auto', 'lr-find'] as const;
/** Methods that can search several objectives at once (`metric:` as a list); gp, cmaes and lr-find model one. */
export const MULTI_OBJECTIVE_METHODS = ['grid', 'random', 'sobol', 'tpe', 'motpe', 'nsga2', 'auto', 'bayes'] as const;
export const PRUNER_TYPES = ['none', 'median', 'asha', 'hyperband', 'lr-find'] as const;
/** `wandb` (the default): exactly what `wandb agent` passes; the others are this project's own formats. */
export const ARG_STYLES = ['wandb', 'flags', 'hydra', 'override-file'] as const;
export const DISTRIBUTIONS = [
  'constant',
  'categorical',
  'int_uniform',
  'uniform',
  'q_uniform',
  'log_uniform',
  'log_uniform_values',
  'q_log_uniform',
  'q_log_uniform_values',
  'inv_log_uniform',
  'inv_log_uniform_values',
  'normal',
  'q_normal',
  'log_normal',
  'q_log_normal',
  'beta',
  'q_beta',
  'categorical_w_probabilities',
] as const;
/** Whole-token macros of `command:` (and `${envvar:NAME}`, which may sit anywhere in a token). */
export const COMMAND_MACROS = ['env', 'interpreter', 'program', 'args', 'args_no_equals', 'args_no_hyphens', 'args_no_boolean_flags', 'args_json', 'args_json_file', 'args_dict'] as const;

/** Every key the parser understands, per section; the JSON Schema test checks it lists the same. */
export const STUDY_FILE_KEYS = {
  top: [
    'program',
    'command',
    'method',
    'metric',
    'parameters',
    'early_terminate',
    'run_cap',
    'name',
    'description',
    'entity',
    'project',
    'parallel',
    'trial_timeout',
    'executor',
    'pruner',
    'seed',
    'trials',
    'arg_style',
    'metric_regex',
    'gpus',
    'retry_failed',
    'flapping',
    'interpreter',
    'env',
    'controller',
  ],
  metric: ['name', 'goal', 'target', 'impute', 'impute_while_running'],
  /** One item of `metric:` as a list (a multi-objective study); `target` is read only to refuse it. */
  objective: ['name', 'goal', 'target'],
  parameter: ['value', 'values', 'min', 'max', 'distribution', 'q', 'mu', 'sigma', 'a', 'b', 'parameters', 'probabilities', 'description'],
  early_terminate: ['type', 'min_iter', 'max_iter', 'eta', 's', 'strict'],
  pruner: ['type', 'n_startup_trials', 'n_warmup_steps', 'interval_steps', 'n_min_trials', 'percentile', 'min_resource', 'max_resource', 'reduction_factor', 'min_early_stopping_rate', 'min_iter', 'max_iter', 'eta', 's', 'max_reports', 'min_reports', 'divergence', 'levelled'],
  executor: ['type', 'partition', 'account', 'time', 'cpus_per_task', 'gpus', 'mem', 'array_throttle', 'sbatch', 'cpus', 'options'],
  flapping: ['max_failures', 'window_s'],
} as const;
