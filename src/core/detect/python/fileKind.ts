/**
 * What kind of Python file this is, from its imports and what was found in it: the framework its
 * imports name, whether it is an ML file at all, and the format it is reported as (Optuna, argparse,
 * sklearn grid, …). Also the last touches on the found settings that need all of them at once.
 */
import { classifyKey } from '../classify';
import type { Setting, SourceRange } from '../types';
import { normaliseName } from '../vocabulary';

export const ML_IMPORT = /^(torch|tensorflow|keras|tf_keras|sklearn|xgboost|lightgbm|catboost|jax|flax|optax|optuna|ray|transformers|peft|trl|mmengine|mmdet|mmcv|mmpretrain|mmseg|detectron2|fvcore|stable_baselines3|sb3_contrib|ultralytics|nni|hyperopt|wandb|lightning|pytorch_lightning|accelerate|deepspeed|timm|paddle|mxnet|datasets|gymnasium|gym|skorch|fastai|diffusers|torchvision|torchaudio|keras_tuner|hydra|omegaconf|sentence_transformers)\b/;

/**
 * A Python config module without an ML import (nanoGPT `config/*.py` loaded by `exec`, LazyConfig
 * building blocks, dataclass argument holders): classified by content. Either it names at least
 * three distinct hyperparameter concepts, or it sits in a config folder and holds nothing but
 * imports and assignments with at least one hyperparameter.
 */
export function configByContent(path: string, onlyAssignments: boolean, settings: readonly Setting[]): boolean {
  const ids = new Set(settings.filter(s => s.kind === 'hyperparameter' && s.canonical && !s.name.startsWith('-')).map(s => s.canonical));
  if (ids.size >= 3) return true;
  if (ids.size === 0 || !/(^|[\\/])(conf|configs?|hparams?|hyperparams?)[\\/]/i.test(path)) return false;
  return onlyAssignments;
}

export const CONFIG_STATEMENT = /^(ImportStatement|ImportFromStatement|AssignStatement|UpdateStatement|ExpressionStatement|Comment)$/;

/** Is this reference-valued setting just the same setting passed on (`lr=args.lr`, `r=lora_r`)? */
export function passesOn(s: Setting): boolean {
  const raw = s.raw.trim().replace(/^(int|float|str|bool)\((.*)\)$/, '$2');
  if (!/^[A-Za-z_][\w.]*(\[["'][^"']+["']\])*$/.test(raw)) return false;
  const last = raw.replace(/\[["']([^"']+)["']\]/g, '.$1').split('.').pop() ?? raw;
  if (normaliseName(last) === normaliseName(s.name)) return true;
  return s.canonical !== null && classifyKey(last).canonical === s.canonical;
}

/** Gives each suggest/hp setting the ranges of the dict keys and keywords that name it too. */
export function attachAlsoAt(settings: Setting[], also: ReadonlyArray<{ at: SourceRange; range: SourceRange }>): Setting[] {
  if (also.length === 0) return settings;
  const byStart = new Map<string, SourceRange[]>();
  for (const a of also) {
    const k = `${a.at.line}:${a.at.character}`;
    byStart.set(k, [...(byStart.get(k) ?? []), a.range]);
  }
  return settings.map(s => {
    const extra = s.valueRange ? byStart.get(`${s.valueRange.line}:${s.valueRange.character}`) : undefined;
    return extra && s.search ? { ...s, alsoAt: [...(s.alsoAt ?? []), ...extra] } : s;
  });
}

export function frameworkOf(imports: string): string | undefined {
  const order: Array<[RegExp, string]> = [
    [/\bxgboost\b/, 'xgboost'], [/\blightgbm\b/, 'lightgbm'], [/\bcatboost\b/, 'catboost'], [/\bstable_baselines3|sb3_contrib\b/, 'sb3'], [/\bray\.rllib\b/, 'rllib'],
    [/\bultralytics\b/, 'ultralytics'], [/\bdetectron2\b/, 'detectron2'], [/\bmm(engine|det|cv|pretrain)\b/, 'mmengine'], [/\b(transformers|peft|trl)\b/, 'hf'],
    [/\b(keras|tensorflow)\b/, 'keras'], [/\b(lightning|pytorch_lightning)\b/, 'lightning'], [/\btorch\b/, 'pytorch'], [/\bsklearn\b/, 'sklearn'],
  ];
  for (const [re, fw] of order) if (re.test(imports)) return fw;
  return undefined;
}

/** Pre-scan of imports so classification knows the framework before any setting is read. */
export function importsOf(text: string): string {
  return (text.match(/^[ \t]*(?:from\s+[\w.]+\s+import\b[^\n]*|import\s+[\w., ]+[^\n]*)/gm) ?? []).join('\n');
}

export function pythonFormat(settings: readonly Setting[], imports: string, text: string): string {
  if (settings.some(s => s.search?.source?.startsWith('suggest_'))) return 'optuna';
  if (settings.some(s => /^hp\.[A-Z]/.test(s.search?.source ?? ''))) return 'keras-tuner';
  if (settings.some(s => /^hp\.[a-z]/.test(s.search?.source ?? ''))) return 'hyperopt';
  if (settings.some(s => s.search?.source?.startsWith('tune.'))) return 'ray-tune';
  if (/GridSearchCV|RandomizedSearchCV|HalvingGridSearchCV|HalvingRandomSearchCV/.test(text)) return 'sklearn-grid';
  if (/\bnni\b/.test(imports) && settings.some(s => s.search)) return 'nni';
  if (/\bwandb\b/.test(imports) && /["']method["']\s*:\s*["'](grid|random|bayes)["']/.test(text)) return 'wandb-sweep';
  if (settings.some(s => /^(TrainingArguments|Seq2SeqTrainingArguments|SFTConfig|DPOConfig|GRPOConfig|LoraConfig)\./.test(s.key))) return 'hf-training-args';
  if (settings.some(s => s.name.startsWith('-'))) return 'argparse';
  if (/HfArgumentParser/.test(text)) return 'hf-training-args';
  if (/\b(xgboost|lightgbm|catboost)\b/.test(imports)) return 'gbdt-params';
  if (/\b(keras|tensorflow)\b/.test(imports)) return 'keras';
  return 'python';
}
