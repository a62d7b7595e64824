import type { DetectedFile, Setting } from '../detect/types';
import { leafName, nearestByCanonical, nearestByName, nearestSetting, numericValue as numeric } from '../diagnostics/scope';
import { formatNumber } from '../knowledge/assess';

/**
 * Facts computed from sibling settings of the same file: effective batch size, rollout size, LoRA
 * scale, YOLO final LR. They answer the question a hover reader really has ("what batch does the
 * optimizer see?") without them doing the arithmetic.
 */

export { nearestSetting };

export interface ComputedFact {
  readonly label: string;
  /** Markdown-free text, e.g. "2 (micro) × 4 (accumulation) × 8 (devices) = 64". */
  readonly text: string;
  readonly value?: number;
}

const MICRO_NAMES = ['per_device_train_batch_size', 'micro_batch_size', 'train_micro_batch_size_per_gpu', 'per_gpu_train_batch_size', 'samples_per_gpu'];
const ACCUM_NAMES = ['gradient_accumulation_steps', 'accumulate_grad_batches', 'grad_accum_steps', 'accumulation_steps', 'update_freq'];
const DEVICE_NAMES = ['devices', 'gpus', 'num_gpus', 'n_gpu', 'n_gpus', 'world_size', 'num_processes'];
const BATCH_RELATED = new Set(['batch_size', 'grad_accumulation']);

/** `near` itself when its name is one of `names`, else the nearest setting so named. */
function selfOrNearest(file: DetectedFile, near: Setting, names: readonly string[]): Setting | undefined {
  return names.includes(leafName(near)) ? near : nearestByName(file, near, names);
}

/** Device count from `devices: 4`, `devices: [0, 1]` or `gpus: "0,1"`; undefined for "auto"/-1. */
function deviceCount(setting: Setting | undefined): number | undefined {
  if (!setting) return undefined;
  if (Array.isArray(setting.value)) return setting.value.length > 0 ? setting.value.length : undefined;
  if (typeof setting.value === 'string' && /^\s*\d+(\s*,\s*\d+)+\s*,?\s*$/.test(setting.value)) return setting.value.split(',').filter(x => x.trim()).length;
  const n = numeric(setting);
  return n !== undefined && n > 0 && Number.isInteger(n) ? n : undefined;
}

function effectiveBatch(setting: Setting, file: DetectedFile): ComputedFact | undefined {
  const leaf = leafName(setting);
  if (!BATCH_RELATED.has(setting.canonical ?? '') && !DEVICE_NAMES.includes(leaf)) return undefined;
  const isDeepSpeed = file.format === 'deepspeed';
  let micro = selfOrNearest(file, setting, MICRO_NAMES);
  // Outside DeepSpeed a plain `batch_size` is the per-device batch (Lightning, axolotl-style keys).
  if (!micro && !isDeepSpeed) micro = selfOrNearest(file, setting, ['batch_size']);
  const accum = selfOrNearest(file, setting, ACCUM_NAMES);
  const devices = selfOrNearest(file, setting, DEVICE_NAMES);
  const m = numeric(micro);
  const a = numeric(accum);
  const d = deviceCount(devices);
  const n = numeric(nearestByName(file, setting, ['num_nodes']));
  if (isDeepSpeed) {
    const global = numeric(selfOrNearest(file, setting, ['train_batch_size']));
    if (global !== undefined && m !== undefined && a !== undefined && m * a > 0) {
      const gpus = global / (m * a);
      const gpuText = Number.isInteger(gpus) ? `${gpus} GPU${gpus === 1 ? '' : 's'}` : 'a non-integer number of GPUs — the three values disagree';
      return { label: 'Effective batch', text: `train_batch_size ${global} = ${m} (micro) × ${a} (accumulation) × GPUs → ${gpuText}`, value: global };
    }
    if (global !== undefined) return { label: 'Effective batch', text: `train_batch_size ${global} is global: micro batch × accumulation × GPUs`, value: global };
  }
  if (m === undefined || (a === undefined && d === undefined)) return undefined;
  const parts = [`${m} (micro)`];
  let product = m;
  if (a !== undefined) {
    parts.push(`${a} (accumulation)`);
    product *= a;
  }
  if (d !== undefined && d > 0) {
    parts.push(`${d} (devices)`);
    product *= d;
    if (n !== undefined && n > 1) {
      parts.push(`${n} (nodes)`);
      product *= n;
    }
    return { label: 'Effective batch', text: `${parts.join(' × ')} = ${product}`, value: product };
  }
  return { label: 'Effective batch', text: `${parts.join(' × ')} = ${product} × number of devices`, value: product };
}

function selfOrNearestId(file: DetectedFile, near: Setting, id: string): Setting | undefined {
  return near.canonical === id ? near : nearestByCanonical(file, near, [id]);
}

function rolloutSize(setting: Setting, file: DetectedFile): ComputedFact | undefined {
  if (setting.canonical !== 'rollout_length' && setting.canonical !== 'n_envs') return undefined;
  const s = numeric(selfOrNearestId(file, setting, 'rollout_length'));
  const e = numeric(selfOrNearestId(file, setting, 'n_envs'));
  if (s === undefined) return undefined;
  if (e === undefined) return { label: 'Rollout size', text: `${s} (n_steps) × 1 environment = ${s} transitions per update`, value: s };
  return { label: 'Rollout size', text: `${s} (n_steps) × ${e} (n_envs) = ${s * e} transitions per update`, value: s * e };
}

function loraScale(setting: Setting, file: DetectedFile): ComputedFact | undefined {
  if (setting.canonical !== 'lora_rank' && setting.canonical !== 'lora_alpha') return undefined;
  const r = numeric(selfOrNearestId(file, setting, 'lora_rank'));
  const a = numeric(selfOrNearestId(file, setting, 'lora_alpha'));
  if (r === undefined || a === undefined || r === 0) return undefined;
  return { label: 'LoRA scale', text: `α / r = ${a} / ${r} = ${formatNumber(a / r)}`, value: a / r };
}

function yoloFinalLr(setting: Setting, file: DetectedFile): ComputedFact | undefined {
  const leaf = leafName(setting);
  if (leaf !== 'lr0' && leaf !== 'lrf') return undefined;
  const lr0 = numeric(selfOrNearest(file, setting, ['lr0']));
  const lrf = numeric(selfOrNearest(file, setting, ['lrf']));
  if (lr0 === undefined || lrf === undefined) return undefined;
  return { label: 'Final LR', text: `lr0 × lrf = ${formatNumber(lr0)} × ${formatNumber(lrf)} = ${formatNumber(lr0 * lrf)}`, value: lr0 * lrf };
}

/** Ultralytics ignores lr0 and momentum when `optimizer: auto` lets the trainer choose. */
function yoloAutoOptimizer(setting: Setting, file: DetectedFile): ComputedFact | undefined {
  const leaf = leafName(setting);
  if (leaf !== 'lr0' && leaf !== 'momentum') return undefined;
  const optimizer = nearestByName(file, setting, ['optimizer']);
  if (typeof optimizer?.value !== 'string' || optimizer.value.trim().toLowerCase() !== 'auto') return undefined;
  return { label: 'Ignored', text: `optimizer: auto makes Ultralytics choose the optimizer, LR and momentum itself, so this ${leaf} is not used; set an explicit optimizer (SGD, AdamW…) to make it count` };
}

export function computeFacts(setting: Setting, file: DetectedFile): ComputedFact[] {
  if (setting.kind === 'logged') return [];
  return [effectiveBatch, rolloutSize, loraScale, yoloFinalLr, yoloAutoOptimizer]
    .map(f => f(setting, file))
    .filter((f): f is ComputedFact => f !== undefined);
}
