/**
 * Shape of one knowledge-base entry. Every canonical id of the reference has exactly one entry; the
 * text is written for a practitioner reading a hover, so each field is short and specific.
 */

/** Frameworks whose defaults we quote. Keys match `Setting.framework` from detection. */
export type FrameworkId =
  | 'pytorch'
  | 'hf'
  | 'keras'
  | 'lightning'
  | 'xgboost'
  | 'lightgbm'
  | 'catboost'
  | 'sklearn'
  | 'sb3'
  | 'ultralytics'
  | 'deepspeed'
  | 'peft'
  | 'mmengine'
  | 'detectron2'
  | 'timm'
  | 'torchvision'
  | 'axolotl'
  | 'other';

export const FRAMEWORK_LABELS: Readonly<Record<FrameworkId, string>> = {
  pytorch: 'PyTorch',
  hf: 'HF Transformers',
  keras: 'Keras',
  lightning: 'Lightning',
  xgboost: 'XGBoost',
  lightgbm: 'LightGBM',
  catboost: 'CatBoost',
  sklearn: 'scikit-learn',
  sb3: 'Stable-Baselines3',
  ultralytics: 'Ultralytics',
  deepspeed: 'DeepSpeed',
  peft: 'PEFT',
  mmengine: 'MMEngine/MMDetection',
  detectron2: 'Detectron2',
  timm: 'timm',
  torchvision: 'torchvision',
  axolotl: 'axolotl',
  other: 'Other',
};

export const FRAMEWORK_ALIASES: Readonly<Record<string, FrameworkId>> = {
  torch: 'pytorch',
  transformers: 'hf',
  huggingface: 'hf',
  'hf-transformers': 'hf',
  'pytorch-lightning': 'lightning',
  pl: 'lightning',
  'lightning-cli': 'lightning',
  tensorflow: 'keras',
  tf: 'keras',
  xgb: 'xgboost',
  lgbm: 'lightgbm',
  lgb: 'lightgbm',
  'scikit-learn': 'sklearn',
  'stable-baselines3': 'sb3',
  'stable-baselines': 'sb3',
  'rl-zoo': 'sb3',
  yolo: 'ultralytics',
  yolov5: 'ultralytics',
  yolov8: 'ultralytics',
  ds: 'deepspeed',
  mmdet: 'mmengine',
  mmdetection: 'mmengine',
  d2: 'detectron2',
};

/** A framework name as people type it (`transformers`, `YOLO`, `scikit-learn`) → the id used here. */
export function normalizeFramework(name: string): string {
  const key = name.trim().toLowerCase();
  return FRAMEWORK_ALIASES[key] ?? key;
}

export type RangeScale = 'log' | 'linear' | 'log2' | 'int' | 'probability' | 'categorical' | 'list' | 'bool';

/**
 * When a context-specific range applies. Every condition given must hold; `keys` alone settles the
 * meaning whatever the framework (`eta` is boosting shrinkage, `warmup_epochs` counts epochs).
 */
export interface RangeCondition {
  readonly frameworks?: readonly string[];
  readonly optimizers?: readonly string[];
  /** The framework's default optimizer is in `optimizers`, so an unknown optimizer still matches. */
  readonly optimizerOptional?: boolean;
  /** Key names that select this range whatever the framework. */
  readonly keys?: readonly string[];
  /**
   * The model in context, lower-case substrings: a scikit-learn estimator (`mlpclassifier`), an RL
   * algorithm (`dqn`, from RL Zoo's `dqn.yml` or `DQN(...)`), an mmengine `type` (`emahook`).
   */
  readonly models?: readonly string[];
  /** Lower-case substrings of the block the key sits in (`pipeline` for mmdet `train_pipeline[3].scale`). */
  readonly parents?: readonly string[];
  /**
   * What the value counts (see `ValueUnit`): LitGPT's `max_tokens` is a step budget in tokens, fairseq's
   * `freeze_finetune_updates` a freezing length in updates, not a number of frozen layers.
   */
  readonly units?: readonly ValueUnit[];
}

/** What a count is measured in, from the key (`*_tokens`, `*_updates`) or a Composer duration (`100tok`). */
export type ValueUnit = 'tokens' | 'steps' | 'epochs' | 'samples' | 'fraction';

/**
 * The span of values published practice uses, in a context. Numeric scales carry `low < high` (the
 * bounds are what messages show, so text and numbers cannot disagree) and an optional `note`;
 * `categorical`/`list`/`bool` carry `text` and `choices`. `source` says where the bounds come from.
 */
export interface TypicalRange {
  readonly low?: number;
  readonly high?: number;
  readonly scale: RangeScale;
  /** Categorical/list/bool ranges: the choices in words. */
  readonly text?: string;
  /** Numeric ranges: what sits inside the bounds ("5e-5 default; 1e-4 – 3e-4 for LoRA"). */
  readonly note?: string;
  readonly choices?: readonly string[];
  /** Categorical ranges whose `choices` are the library's complete list: anything else is rejected. */
  readonly closed?: boolean;
  readonly label?: string;
  /** Provenance: library defaults, papers, official recipes the bounds are taken from. */
  readonly source: string;
  /** Validity limits of this key group when they differ from the entry's (`zero_optimization.stage`). */
  readonly valid?: ValidLimits;
  /** One condition, or alternatives of which any may hold. */
  readonly when?: RangeCondition | readonly RangeCondition[];
}

/** Values outside these are wrong, not just unusual (dropout 1.2, a negative batch size). */
export interface ValidLimits {
  readonly min?: number;
  readonly max?: number;
  /** Default true for both ends. */
  readonly minInclusive?: boolean;
  readonly maxInclusive?: boolean;
  readonly integer?: boolean;
  /** Why a value below `min` is rejected or breaks training, with the library that says so. */
  readonly minWhy?: string;
  /** Why a value above `max` is rejected or breaks training. */
  readonly maxWhy?: string;
  /** Sentinels with a special meaning that pass validation (LightGBM max_depth -1, YOLO batch -1). */
  readonly sentinels?: ReadonlyArray<{
    readonly value: number;
    readonly meaning: string;
    /** Where the special value is understood; elsewhere (with a known framework) it is invalid. */
    readonly frameworks?: readonly string[];
  }>;
}

/** A word a library accepts in place of a number (`gamma: "scale"`, `max_features: "sqrt"`, `None`). */
export interface ValueKeyword {
  readonly value: string;
  readonly meaning: string;
  /** Where the word is understood; with another known framework it is not a keyword. */
  readonly frameworks?: readonly string[];
  /** Keys the word belongs to (`learning_rate: "optimal"` in SGDClassifier), when not all of them. */
  readonly keys?: readonly string[];
  /** Only with these optimizers (Adafactor's unset lr means relative-step mode). */
  readonly optimizers?: readonly string[];
}

/** What exactly 0 does where it differs by framework (SB3 clips every gradient to zero at 0). */
export interface ZeroRule {
  /** Frameworks the rule applies to; empty means every framework. */
  readonly frameworks: readonly string[];
  /** Only for these keys of the entry (`gradient_steps` in the replay-buffer group). */
  readonly keys?: readonly string[];
  readonly level: 'ok' | 'unusual' | 'invalid';
  readonly meaning: string;
}

/** A setting a library renamed or removed: shown in hovers and reported by `hp/deprecated`. */
export interface Deprecation {
  /** Key names (as written) the deprecation applies to. */
  readonly keys: readonly string[];
  readonly frameworks: readonly string[];
  /** Only when the value is one of these (LightGBM `boosting: goss`). */
  readonly values?: readonly string[];
  /** Only for these models in context (LogisticRegression `penalty`, not SGDClassifier's). */
  readonly models?: readonly string[];
  /** Detection formats that keep their own meaning of the key (axolotl's `warmup_ratio`). */
  readonly excludeFormats?: readonly string[];
  /** "transformers 5.0", "scikit-learn 1.8". */
  readonly since: string;
  readonly message: string;
  /** The replacement key, when it takes the same value (`warmup_ratio: 0.1` → `warmup_steps: 0.1`). */
  readonly replaceKey?: string;
}

/** How an entry reads in another framework (e.g. `learning_rate` as boosting shrinkage). */
export interface EntryVariant {
  readonly frameworks: readonly string[];
  /** Models in context that select this variant whatever the framework (`gradientboosting`). */
  readonly models?: readonly string[];
  /** Names that only ever mean this variant (`eta`), whatever the framework. */
  readonly aliases?: readonly string[];
  readonly title: string;
  readonly summary: string;
  readonly explanation?: string;
  readonly effects?: { readonly raise: string; readonly lower: string };
  readonly pitfalls?: readonly string[];
}

export type Section = 'optimisation' | 'regularisation' | 'architecture' | 'trees' | 'classical' | 'rl' | 'data' | 'systems';

export interface KnowledgeEntry {
  readonly id: string;
  readonly title: string;
  /** One line. */
  readonly summary: string;
  /** Two to four sentences. */
  readonly explanation: string;
  readonly kind: 'hyperparameter' | 'system';
  readonly section: Section;
  /** Names seen in real configs; matched case-, `-`/`_`-insensitively. */
  readonly aliases: readonly string[];
  /** The general typical range; `ranges` adds context-specific ones checked first. */
  readonly range: TypicalRange;
  readonly ranges?: readonly TypicalRange[];
  readonly valid?: ValidLimits;
  /** What a value of exactly 0 means when it switches the setting off ("no weight decay"). */
  readonly zeroMeans?: string;
  /** Frameworks where 0 means something else than `zeroMeans` (or breaks training). */
  readonly zeroRules?: readonly ZeroRule[];
  /** Words the libraries accept as values of this setting; never judged as errors. */
  readonly keywords?: readonly ValueKeyword[];
  /** Boolean companion keys grouped here (`nesterov`): true/false is their whole range. */
  readonly flags?: readonly string[];
  /**
   * Where a value of a shared name really is this setting (`eps` next to an optimizer, `lam` in an RL
   * algorithm): elsewhere (a backbone's `epsilon`, a classification head's `lam`) it is not judged.
   */
  readonly judgedWhen?: readonly RangeCondition[];
  /** Defaults per model or algorithm (lower-case name: `ppo`, `mlpclassifier`), more precise than `defaults`. */
  readonly modelDefaults?: Readonly<Record<string, string>>;
  /** Values at or above `above` mean "no limit" (10**8 epochs with the run bounded by max_iter). */
  readonly largeMeans?: { readonly above: number; readonly meaning: string };
  /** A whole number ≥ 1 is a count rather than a fraction (scikit-learn `test_size=1000`); says what it counts. */
  readonly integerMeansCount?: string;
  /** Renamed or removed keys, with the version that changed them. */
  readonly deprecations?: readonly Deprecation[];
  readonly effects: { readonly raise: string; readonly lower: string };
  readonly pitfalls: readonly string[];
  /** Default per framework, as text ("1e-3", "None (off)"). */
  readonly defaults: Readonly<Partial<Record<FrameworkId, string>>>;
  /** Where this meaning applies when a name is shared (`gamma`, `alpha`, `eps`). */
  readonly appliesWhen?: string;
  /** Framework-specific meanings and other notes worth a line. */
  readonly notes?: readonly string[];
  readonly variants?: readonly EntryVariant[];
  /** Sibling keys whose presence points at this meaning of a shared alias. */
  readonly siblingHints?: readonly string[];
  /** Frameworks where this meaning is the natural one (for alias disambiguation). */
  readonly frameworks?: readonly string[];
  readonly docs: readonly string[];
}
