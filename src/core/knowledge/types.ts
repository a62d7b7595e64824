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

const FRAMEWORK_ALIASES: Readonly<Record<string, FrameworkId>> = {
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
 * A typical range. Numeric scales carry `low < high`; `categorical`/`list`/`bool` carry `choices`
 * instead. `when` narrows a range to a framework or optimizer family, `label` names that context in
 * messages ("AdamW fine-tuning").
 */
export interface TypicalRange {
  readonly low?: number;
  readonly high?: number;
  readonly scale: RangeScale;
  readonly text: string;
  readonly choices?: readonly string[];
  readonly label?: string;
  /** Validity limits of this key group when they differ from the entry's (`zero_optimization.stage`). */
  readonly valid?: ValidLimits;
  readonly when?: {
    readonly frameworks?: readonly string[];
    readonly optimizers?: readonly string[];
    /** The framework's default optimizer is in `optimizers`, so an unknown optimizer still matches. */
    readonly optimizerOptional?: boolean;
    /** Key names that select this range whatever the framework (`eta` → boosting, `warmup_epochs`). */
    readonly keys?: readonly string[];
  };
}

/** Values outside these are wrong, not just unusual (dropout 1.2, a negative batch size). */
export interface ValidLimits {
  readonly min?: number;
  readonly max?: number;
  /** Default true for both ends. */
  readonly minInclusive?: boolean;
  readonly maxInclusive?: boolean;
  readonly integer?: boolean;
  /** Sentinels with a special meaning that pass validation (LightGBM max_depth -1, YOLO batch -1). */
  readonly sentinels?: ReadonlyArray<{
    readonly value: number;
    readonly meaning: string;
    /** Where the special value is understood; elsewhere (with a known framework) it is invalid. */
    readonly frameworks?: readonly string[];
  }>;
}

/** How an entry reads in another framework (e.g. `learning_rate` as boosting shrinkage). */
export interface EntryVariant {
  readonly frameworks: readonly string[];
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
