/**
 * What detection reports for each file. This is the contract of `hpstudio detect --json` and of
 * everything built on detection (sidebar, hovers, diagnostics, "Tune this file").
 */

/** hyperparameter: set before training, steers learning. system: run/infra setting. search-setting:
 * about a search (method, metric, n_trials). logged: a value a run wrote (trainer_state.json).
 * use: a place that passes an existing setting on (`lr=args.lr`, `batch_size=batch_size`); its
 * `origin` names where the value comes from, and it is never a second hyperparameter. */
export type SettingKind = 'hyperparameter' | 'system' | 'search-setting' | 'logged' | 'use' | 'other';

/** 0-based, LSP convention; `end*` is exclusive. */
export interface SourceRange {
  readonly line: number;
  readonly character: number;
  readonly endLine: number;
  readonly endCharacter: number;
}

/** The search domain of a swept setting (W&B sweep, Optuna suggest_*, Hydra sweeper, NNI, Ray, Katib, grids). */
export interface SearchDomain {
  readonly type: 'float' | 'int' | 'categorical';
  readonly low?: number;
  readonly high?: number;
  readonly log?: boolean;
  readonly step?: number;
  readonly choices?: readonly unknown[];
  /** The distribution as written, e.g. "log_uniform_values", "tune.loguniform", "interval". */
  readonly source?: string;
}

/** A record built field by field before it is handed out read-only. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };

export interface Setting {
  /** Dotted display path with framework wrappers stripped: `model.optimizer.lr`. */
  readonly key: string;
  /** The key as written: `lr`, or for Optuna the first string argument of suggest_*. */
  readonly name: string;
  /** Canonical id from the reference (`learning_rate`), a new snake_case id, or null when unknown. */
  readonly canonical: string | null;
  readonly kind: SettingKind;
  /** Typed value: numbers folded, references resolved where possible; null when unset. */
  readonly value: unknown;
  /** The value's source text. */
  readonly raw: string;
  /** Range of the key (for a Python call: the keyword or the name string). */
  readonly range: SourceRange;
  readonly valueRange?: SourceRange;
  readonly search?: SearchDomain;
  /** Framework whose meaning applies: 'pytorch', 'hf', 'keras', 'lightning', 'xgboost', 'lightgbm',
   * 'catboost', 'sklearn', 'sb3', 'ultralytics', 'deepspeed', 'mmengine', 'detectron2', 'optuna', … */
  readonly framework?: string;
  /** Optimizer in effect around this setting when known ('adamw', 'sgd', …): drives range assessment. */
  readonly optimizer?: string;
  /** Where the value really comes from: `${model.lr}` → 0.001, DeepSpeed "auto", `???` mandatory. */
  readonly origin?: { readonly kind: 'reference' | 'auto' | 'mandatory' | 'schedule' | 'inherited'; readonly text: string };
  /** Other places that name this same setting: the dict key or keyword around `trial.suggest_*("x", …)`. */
  readonly alsoAt?: readonly SourceRange[];
  /** Set when the user's vocabulary file decided id and kind: the 0-based line of that entry. */
  readonly taught?: { readonly line: number };
  /** Other spellings of the same option where the file declares them (argparse `'--lr', '--learning-rate'`). */
  readonly aliases?: readonly string[];
  /** Notebooks: index of the cell holding the setting; `range`/`valueRange` are then relative to that cell. */
  readonly cell?: number;
}

/** What detection saw of a Jupyter notebook. */
export interface NotebookInfo {
  /** Cells in the notebook (all kinds) and how many of them are code. */
  readonly cells: number;
  readonly codeCells: number;
  /** Index of the papermill `parameters` cell: its assignments are the notebook's parameters. */
  readonly parametersCell?: number;
  /** `metadata.kernelspec.name`, e.g. `python3`. */
  readonly kernel?: string;
}

export interface DetectedFile {
  readonly path: string;
  /** Format id ('hydra', 'lightning-cli', 'deepspeed', 'wandb-sweep', …) or null for a non-ML file. */
  readonly format: string | null;
  readonly settings: readonly Setting[];
  /** Set when the file could not be parsed; detection of other files goes on. */
  readonly error?: string;
  /** Set when only part of the file was analysed (the work budget ran out): the settings listed are that part's. */
  readonly warning?: string;
  /** With `warning`: the 0-based line where the analysis stopped (settings listed lie above it). */
  readonly analysedLines?: number;
  /** Set for `.ipynb` files and open notebooks: every setting then carries its `cell`. */
  readonly notebook?: NotebookInfo;
}
