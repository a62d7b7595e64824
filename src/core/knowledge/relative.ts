import { parseNumeric } from './numeric';
import { formatNumber, type AssessContext } from './ranges';
import type { KnowledgeEntry, TypicalRange } from './types';

/**
 * Judgements relative to other settings of the same scope: a value that is only right or wrong next
 * to another one (LoRA α next to r, OpenNMT's learning rate next to `decay_method: noam`, warmup next
 * to the training length). They are more specific than the typical range, so they win over it.
 */

/** The verdict shape shared with assess.ts (kept structural so this module needs no import of it). */
export interface RelativeVerdict {
  readonly level: 'ok' | 'unusual' | 'invalid';
  readonly message: string;
  readonly range?: TypicalRange;
  readonly direction?: 'low' | 'high';
  readonly why?: string;
}

/** Judges another value in a context (assessValue, passed in to keep the modules acyclic). */
export type Judge = (id: string, value: unknown, context: AssessContext) => RelativeVerdict;

/** Ids whose judgement depends on a sibling value; callers only need to pass siblings for these. */
export const SIBLING_AWARE_IDS: ReadonlySet<string> = new Set(['lora_alpha', 'max_depth', 'learning_rate', 'init_scale', 'warmup_steps']);

function siblingValue(context: AssessContext, names: readonly string[]): unknown {
  for (const name of names) if (context.siblings && name in context.siblings) return context.siblings[name];
  return undefined;
}

function siblingNumber(context: AssessContext, names: readonly string[]): number | undefined {
  const parsed = parseNumeric(siblingValue(context, names));
  return parsed && Number.isFinite(parsed.value) ? parsed.value : undefined;
}

/** `true`, `True`, `'true'` (OpenNMT-py's own config writes the string), `1`. */
function truthy(value: unknown): boolean {
  if (typeof value === 'string') return /^(true|yes|on|1)$/i.test(value.trim());
  return value === true || value === 1;
}

const keyName = (context: AssessContext): string => (context.key ?? '').replace(/^.*[.]/, '').replace(/^-+/, '').toLowerCase();

function loraAlpha(n: number, shown: string, context: AssessContext): RelativeVerdict | undefined {
  const r = siblingNumber(context, ['lora_rank', 'lora_r', 'r', 'network_dim']);
  if (r === undefined || r <= 0) return undefined;
  const scale = formatNumber(n / r);
  if (n / r > 8) return { level: 'unusual', direction: 'high', message: `α ${shown} with r ${r} scales adapter updates by α/r = ${scale}; published LoRA recipes keep α/r between 0.25 and 2`, why: 'Hu et al. 2021; QLoRA (α 16, r 64); PEFT and axolotl examples (α = r or 2r)' };
  return { level: 'ok', message: `α ${shown} with r ${r} gives a LoRA scale α/r = ${scale} (usual: 0.25 – 2)` };
}

/**
 * With a Noam schedule the configured rate is a scale factor: OpenNMT-py (onmt/utils/optimizers.py,
 * `noam_decay`) multiplies it by d_model^-0.5 · min(step^-0.5, step · warmup^-1.5), so the rate peaks at
 * factor · d_model^-0.5 · warmup^-0.5 when warmup ends. That peak is what the optimizer sees.
 */
const NOAM_FACTOR: TypicalRange = {
  label: 'a Noam schedule’s scale factor', low: 0.1, high: 10, scale: 'log',
  note: '2 in OpenNMT-py’s Transformer recipes; 1 – 2 in the Annotated Transformer',
  source: 'OpenNMT-py config-transformer-base-1GPU.yml and docs examples (learning_rate 2, decay_method noam); Annotated Transformer NoamOpt (factor 1 – 2)',
};

function noamFactor(n: number, shown: string, context: AssessContext, judge: Judge): RelativeVerdict | undefined {
  const schedule = siblingValue(context, ['lr_scheduler', 'decay_method', 'lr_schedule', 'scheduler']);
  if (typeof schedule !== 'string' || !/^noam/i.test(schedule.trim())) return undefined;
  const width = siblingNumber(context, ['hidden_size', 'd_model', 'model_size', 'rnn_size']);
  const warmup = siblingNumber(context, ['warmup_steps', 'warmup']);
  if (width && width > 0 && warmup && warmup >= 1) {
    const peak = Number((n * width ** -0.5 * warmup ** -0.5).toPrecision(4));
    const inner = judge('learning_rate', peak, { ...context, siblings: undefined, key: 'learning_rate' });
    if (inner.level === 'invalid') return undefined;
    const formula = `${shown} × ${width}^-0.5 × ${warmup}^-0.5 = ${formatNumber(peak, 'log')}`;
    return { ...inner, message: `${shown} is a scale factor, not the rate: the Noam schedule peaks at ${formula} when warmup ends; ${inner.message}` };
  }
  if (n >= (NOAM_FACTOR.low as number) && n <= (NOAM_FACTOR.high as number)) {
    return { level: 'ok', message: `${shown} is a scale factor, not the rate: the Noam schedule multiplies it by d_model^-0.5 and the warmup term; published recipes use 0.1 – 10`, range: NOAM_FACTOR, why: NOAM_FACTOR.source };
  }
  return { level: 'unusual', message: `${shown} is unusual for ${NOAM_FACTOR.label}: published recipes use 0.1 – 10`, range: NOAM_FACTOR, why: NOAM_FACTOR.source };
}

/**
 * OpenNMT-py `param_init: 0` turns the uniform initialisation off (onmt/model_builder.py): Glorot takes
 * over when `param_init_glorot` is set; with neither (and no checkpoint to start from) it raises
 * "You need either param_init != 0 OR init_glorot True".
 */
function openNmtParamInit(n: number, context: AssessContext): RelativeVerdict | undefined {
  if (n !== 0 || (keyName(context) !== 'param_init' && context.framework !== 'opennmt')) return undefined;
  if (truthy(siblingValue(context, ['param_init_glorot']))) {
    return { level: 'ok', message: '0 switches the uniform initialisation off; param_init_glorot initialises the weights with Xavier/Glorot instead (OpenNMT-py)' };
  }
  if (siblingValue(context, ['train_from']) !== undefined) return { level: 'ok', message: '0 switches the uniform initialisation off; the weights come from train_from' };
  // Without the neighbouring keys nobody can tell whether Glorot is on: say what 0 means, claim nothing.
  if (context.siblings === undefined) return { level: 'ok', message: '0 switches the uniform initialisation off (OpenNMT-py then needs param_init_glorot, or a checkpoint to start from)' };
  return { level: 'invalid', message: '0 is invalid here: with param_init 0 and no param_init_glorot, OpenNMT-py refuses to build the model (“You need either param_init != 0 OR init_glorot True”)' };
}

/** Warmup in updates next to the run's length in updates: judged as the fraction of training it is. */
function warmupFraction(n: number, shown: string, context: AssessContext, judge: Judge): RelativeVerdict | undefined {
  if (n > 0 && n < 1 && (context.framework === 'hf' || context.framework === 'trl')) {
    return { level: 'ok', message: `${shown} is a fraction of training: transformers ≥ 5 reads a warmup_steps float below 1 as a ratio (on 4.x it must be a whole number)` };
  }
  const total = siblingNumber(context, ['max_steps']);
  // Warmup as long as training is the `hp/warmup-length` rule's job (one definition).
  if (total === undefined || n < 1 || total <= n) return undefined;
  const share = judge('warmup_ratio', n / total, { framework: context.framework, key: 'warmup_ratio' });
  const percent = `${formatNumber(Math.round((1000 * n) / total) / 10)}%`;
  return { ...share, message: `${shown} of ${formatNumber(total)} updates is ${percent} of training; ${share.message}` };
}

/** The relative judgement that applies to this entry and context, if any. */
export function relativeCheck(entry: KnowledgeEntry, n: number, shown: string, context: AssessContext, judge: Judge): RelativeVerdict | undefined {
  switch (entry.id) {
    case 'lora_alpha':
      return loraAlpha(n, shown, context);
    case 'learning_rate':
      return noamFactor(n, shown, context, judge);
    case 'init_scale':
      return openNmtParamInit(n, context);
    case 'warmup_steps':
      return warmupFraction(n, shown, context, judge);
    case 'max_depth':
      if (n === 0 && context.framework === 'xgboost') {
        const method = siblingValue(context, ['tree_method']);
        if (typeof method === 'string' && method.toLowerCase() === 'exact') {
          return { level: 'invalid', message: '0 is invalid here: XGBoost’s exact tree method requires a depth limit (“exact tree method doesn’t support unlimited depth”)' };
        }
      }
      return undefined;
    default:
      return undefined;
  }
}
