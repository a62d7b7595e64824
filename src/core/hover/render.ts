import type { DetectedFile, SearchDomain, Setting } from '../detect/types';
import { assessContextFor, entryForSetting } from '../diagnostics/context';
import { deprecationFor } from '../diagnostics/deprecation';
import { isPyyamlConsumer, pyyamlFloatText, pyyamlReadsAsString } from '../diagnostics/pyyaml';
import { settingByKey } from '../diagnostics/scope';
import { assessValue, lowerTitle, type Assessment } from '../knowledge/assess';
import { variantFor } from '../knowledge/lookup';
import { boundsText, defaultFor, formatNumber, isKnownFramework, type AssessContext } from '../knowledge/ranges';
import { FRAMEWORK_LABELS, type FrameworkId, type KnowledgeEntry } from '../knowledge/types';
import { computeFacts } from './facts';

export { entryForSetting };

/** What a finished or running study knows about this key (from the study store). */
export interface HoverStudy {
  readonly name: string;
  /** Best objective value of the study. */
  readonly bestValue: number;
  /** This key's value in the best trial. */
  readonly bestParamValue: unknown;
  /** The range the study searched, as text ("1e-5 … 1e-1") or [low, high]. */
  readonly rangeTried: string | readonly [number, number];
  /** 1 = most important parameter of the study. */
  readonly importanceRank?: number;
  readonly parameterCount?: number;
  readonly curvesCommandUri?: string;
  /**
   * Multi-objective studies have no single best: the values this key takes on the Pareto front
   * (trials no other trial beats on every metric), as [low, high] or a list of choices.
   */
  readonly front?: { readonly trials: number; readonly metrics: readonly string[]; readonly values: string | readonly [number, number] };
}

export interface HoverExtras {
  readonly study?: HoverStudy;
  /** `lrFind`: "Find learning rate…", offered on a learning rate (not boosting shrinkage). */
  readonly commandUris?: { readonly tune: string; readonly explain: string; readonly lrFind?: string };
}

/** How a verdict reads in a hover: nothing for values inside published practice. */
const VERDICT: Record<Assessment['level'], string> = { ok: '', unusual: '⚠ **unusual**: ', invalid: '✖ **invalid**: ' };
const LEVEL_ICON: Record<Assessment['level'], string> = { ok: '✓', unusual: '⚠', invalid: '✖' };

function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ');
  const short = clean.length > 60 ? `${clean.slice(0, 57)}…` : clean;
  return short.includes('`') ? `\`\` ${short} \`\`` : `\`${short}\``;
}

/**
 * Escapes characters that would turn text from a config (values, names, messages quoting them) into
 * markdown or links. Knowledge-base text is our own markdown and is inserted as written.
 */
function escapeMd(text: string): string {
  return text.replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

function showValue(value: unknown, scale?: string): string {
  if (typeof value === 'number') return formatNumber(value, scale);
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'unset';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}

/** Plain text: "log-uniform 1e-5 … 1e-1 (suggest_float)", "choice of 4: 16, 32, 64, 128", "int 1 … 3". */
export function describeSearch(domain: SearchDomain): string {
  if (domain.type === 'categorical') {
    const choices = domain.choices ?? [];
    const listed = choices.slice(0, 6).map(c => showValue(c)).join(', ');
    return `choice of ${choices.length}${choices.length ? `: ${listed}${choices.length > 6 ? ', …' : ''}` : ''}`;
  }
  const low = domain.low !== undefined ? formatNumber(domain.low, domain.log ? 'log' : undefined) : '?';
  const high = domain.high !== undefined ? formatNumber(domain.high, domain.log ? 'log' : undefined) : '?';
  const shape = domain.type === 'int' ? (domain.log ? 'log-scaled int' : 'int') : domain.log ? 'log-uniform' : 'uniform';
  const step = domain.step !== undefined ? ` (step ${formatNumber(domain.step)})` : '';
  const source = domain.source ? ` (${domain.source})` : '';
  return `${shape} ${low} … ${high}${step}${source}`;
}

/** Which side of its range a value fell on (also when the range has no context to name a direction). */
function directionOf(a: Assessment, value: number | undefined): 'low' | 'high' | undefined {
  if (a.direction) return a.direction;
  if (value === undefined || a.range?.low === undefined) return undefined;
  return value < a.range.low ? 'low' : 'high';
}

/**
 * A short verdict on a search domain: bounds or choices outside the typical range, a log scale
 * starting at 0, or the assessment of a value fixed by a one-choice domain. Undefined when all is well.
 */
export function judgeSearch(entry: KnowledgeEntry, domain: SearchDomain, context: AssessContext): string | undefined {
  if (domain.type === 'categorical') {
    const choices = domain.choices ?? [];
    if (choices.length === 1) {
      const a = assessValue(entry, choices[0], context);
      return `fixed at ${showValue(choices[0], entry.range.scale)}: ${LEVEL_ICON[a.level]} ${a.message}`;
    }
    for (const choice of choices) {
      const a = assessValue(entry, choice, context);
      if (a.level !== 'ok') return `${LEVEL_ICON[a.level]} choice ${showValue(choice, entry.range.scale)}: ${a.message}`;
    }
    return undefined;
  }
  if (domain.log && domain.low !== undefined && domain.low <= 0) return `${LEVEL_ICON.invalid} a log-scale search needs a lower bound above 0, got ${formatNumber(domain.low)}`;
  if (domain.low !== undefined && domain.high !== undefined && domain.low > domain.high) {
    return `${LEVEL_ICON.invalid} the lower bound ${formatNumber(domain.low)} is above the upper bound ${formatNumber(domain.high)}`;
  }
  const low = domain.low !== undefined ? assessValue(entry, domain.low, context) : undefined;
  const high = domain.high !== undefined ? assessValue(entry, domain.high, context) : undefined;
  if (low?.level === 'invalid') return `${LEVEL_ICON.invalid} lower bound ${low.message}`;
  if (high?.level === 'invalid') return `${LEVEL_ICON.invalid} upper bound ${high.message}`;
  // Searching wider than the typical range is normal exploration; a range that misses it
  // entirely is worth a word.
  const typical = (low ?? high)?.range;
  const where = typical?.label ?? lowerTitle(entry.title);
  const lowDir = low?.level === 'unusual' ? directionOf(low, domain.low) : undefined;
  const highDir = high?.level === 'unusual' ? directionOf(high, domain.high) : undefined;
  if (lowDir === 'high' && typical) return `${LEVEL_ICON.unusual} the whole range lies above the ${boundsText(typical)} published recipes use for ${where}`;
  if (highDir === 'low' && typical) return `${LEVEL_ICON.unusual} the whole range lies below the ${boundsText(typical)} published recipes use for ${where}`;
  return undefined;
}

/** DeepSpeed keys that HF fills in when they say "auto", and the TrainingArguments they come from. */
const DEEPSPEED_AUTO_SOURCE: Readonly<Record<string, string>> = {
  train_micro_batch_size_per_gpu: 'per_device_train_batch_size',
  gradient_accumulation_steps: 'gradient_accumulation_steps',
  train_batch_size: 'per_device_train_batch_size × gradient_accumulation_steps × world size',
  gradient_clipping: 'max_grad_norm',
  lr: 'learning_rate',
  betas: 'adam_beta1 and adam_beta2',
  eps: 'adam_epsilon',
  weight_decay: 'weight_decay',
  warmup_num_steps: 'warmup_steps (or warmup_ratio × total steps)',
  warmup_max_lr: 'learning_rate',
  total_num_steps: 'the number of training steps',
  enabled: 'fp16 / bf16',
};

function originLine(setting: Setting, entry: KnowledgeEntry | undefined, file: DetectedFile, context: AssessContext): string | undefined {
  const origin = setting.origin;
  if (!origin) return undefined;
  const last = setting.key.split('.').pop() ?? setting.name;
  switch (origin.kind) {
    case 'reference': {
      const resolved = setting.value !== null && setting.value !== undefined && setting.value !== setting.raw;
      return resolved
        ? `**Value:** **${escapeMd(showValue(setting.value, entry?.range.scale))}**, taken from the reference ${code(origin.text)}`
        : `**Value:** ${code(setting.raw)}: unresolved reference; the real value is set where ${code(origin.text)} points`;
    }
    case 'auto': {
      const source = DEEPSPEED_AUTO_SOURCE[last];
      return file.format === 'deepspeed' || setting.framework === 'deepspeed'
        ? `**Value:** ${code(setting.raw)}: filled in at launch from the HF TrainingArguments${source ? ` (\`${source}\`)` : ''}`
        : `**Value:** ${code(setting.raw)}: chosen by the framework at run time${origin.text && origin.text !== setting.raw ? ` (${escapeMd(origin.text)})` : ''}`;
    }
    case 'mandatory':
      return `**Value:** ${code('???')}: mandatory and missing here; it must come from another config or an override such as \`${setting.key}=…\``;
    case 'schedule': {
      // A schedule still has a start value worth judging (RL Zoo `lin_2.5e-4`).
      const start = entry ? assessValue(entry, setting.value, context) : undefined;
      const judged = start ? ` · ${VERDICT[start.level]}start value ${escapeMd(start.message)}` : '';
      return `**Value:** ${code(setting.raw)}: ${escapeMd(origin.text)}${judged}`;
    }
    case 'inherited':
      return `**Value:** **${escapeMd(showValue(setting.value, entry?.range.scale))}**, inherited from ${escapeMd(origin.text)}`;
    default:
      return undefined;
  }
}

function kindBadge(setting: Setting, entry: KnowledgeEntry | undefined): string {
  switch (setting.kind) {
    case 'search-setting':
      return '*Search setting*';
    case 'logged': {
      const index = /\[(\d+)\]/.exec(setting.key)?.[1];
      return `*Logged value*: ${index !== undefined ? `entry ${index} of the run log` : 'written by a run'}, read-only`;
    }
    case 'system':
      return '*System setting*: not a model hyperparameter';
    case 'hyperparameter':
      return '*Hyperparameter*';
    case 'use':
      return `*Use of a setting*${setting.origin?.kind === 'reference' ? ` defined as ${code(setting.origin.text)}` : ''}`;
    default:
      return entry?.kind === 'system' ? '*System setting*: not a model hyperparameter' : entry ? '*Hyperparameter*' : '*Setting*';
  }
}

/** For `log_history[i].learning_rate`: the step that entry was logged at, from its sibling `step`. */
function loggedStep(setting: Setting, file: DetectedFile): number | undefined {
  const m = /^(.*\[\d+\])\.[^.]+$/.exec(setting.key);
  if (!m) return undefined;
  const step = settingByKey(file, `${m[1]}.step`);
  return typeof step?.value === 'number' ? step.value : undefined;
}

/** The default that applies here (the model's, else the framework's), or a few frameworks' defaults. */
function defaultLine(entry: KnowledgeEntry, context: AssessContext): string {
  const found = defaultFor(entry, context.framework, context.model);
  if (found) return `**Default (${found.label}):** ${found.text}`;
  const defaults = Object.entries(entry.defaults as Partial<Record<string, string>>);
  if (isKnownFramework(context.framework)) {
    const label = FRAMEWORK_LABELS[context.framework as FrameworkId] ?? context.framework;
    return `**Default (${label}):** none known · others: ${defaults.slice(0, 2).map(([fw, text]) => `${FRAMEWORK_LABELS[fw as FrameworkId] ?? fw} ${text ?? ''}`).join(' · ')}`;
  }
  return `**Defaults:** ${defaults.slice(0, 3).map(([fw, text]) => `${FRAMEWORK_LABELS[fw as FrameworkId] ?? fw} ${text ?? ''}`).join(' · ')}`;
}

/** The verdict line: nothing alarming inside published practice, tier and reason outside it. */
function valueLine(setting: Setting, a: Assessment): string[] {
  const lines = [`**Value:** ${code(setting.raw || showValue(setting.value))}: ${VERDICT[a.level]}${escapeMd(a.message)}`];
  if (a.why) lines.push(`**Why:** ${a.level === 'ok' ? 'range' : 'published range'} from ${escapeMd(a.why)}`);
  return lines;
}

function studyLine(study: HoverStudy, entry: KnowledgeEntry | undefined): string {
  const range = typeof study.rangeTried === 'string' ? study.rangeTried : `${formatNumber(study.rangeTried[0], entry?.range.scale)} … ${formatNumber(study.rangeTried[1], entry?.range.scale)}`;
  const front = study.front;
  const frontRange = front && (typeof front.values === 'string' ? front.values : front.values[0] === front.values[1] ? formatNumber(front.values[0], entry?.range.scale) : `${formatNumber(front.values[0], entry?.range.scale)} … ${formatNumber(front.values[1], entry?.range.scale)}`);
  const head = front
    ? `**Study ${escapeMd(study.name)}:** ${escapeMd(frontRange!)} on the Pareto front (${front.trials} trial${front.trials === 1 ? '' : 's'} trading off ${escapeMd(front.metrics.join(' vs '))})`
    : `**Study ${escapeMd(study.name)}:** best ${escapeMd(showValue(study.bestParamValue, entry?.range.scale))} (objective ${formatNumber(study.bestValue)})`;
  const parts = [head, `tried ${escapeMd(range)}`];
  if (study.importanceRank !== undefined) parts.push(`importance #${study.importanceRank}${study.parameterCount ? ` of ${study.parameterCount}` : ''}`);
  if (study.curvesCommandUri) parts.push(`[Show curves](${study.curvesCommandUri})`);
  return parts.join(' · ');
}

/** What the hover says about the value: logged, searched, placeholder/origin, or the verdict. */
function valueLines(setting: Setting, file: DetectedFile, entry: KnowledgeEntry | undefined, context: AssessContext): string[] {
  if (setting.kind === 'logged') {
    const step = loggedStep(setting, file);
    const what = entry?.id === 'learning_rate' ? 'logged LR' : 'logged value';
    return [`**${what}${step !== undefined ? ` at step ${step}` : ''}:** ${escapeMd(showValue(setting.value, entry?.range.scale))}: produced by the run (e.g. the scheduler), not a configured value; read-only`];
  }
  if (setting.search) {
    const verdict = entry ? judgeSearch(entry, setting.search, context) : undefined;
    return [`**Searched:** ${escapeMd(describeSearch(setting.search))}${verdict ? ` · ${escapeMd(verdict)}` : ''}`];
  }
  const origin = originLine(setting, entry, file, context);
  if (origin) return [origin];
  if (entry) return valueLine(setting, assessValue(entry, setting.value, context));
  return [`**Value:** ${code(setting.raw || showValue(setting.value))}`];
}

/**
 * Hover markdown for one detected setting: what it is and whether its value looks right first
 * (with the provenance of the range it was judged against), then effects, default, version notes,
 * main pitfall, study results and links. Aims at 8–12 short lines.
 */
export function renderHover(setting: Setting, file: DetectedFile, extras: HoverExtras = {}): string {
  const entry = entryForSetting(setting, file);
  const context: AssessContext = entry ? assessContextFor(setting, file, entry) : { framework: setting.framework, key: setting.name };
  const variant = entry ? variantFor(entry, context.framework, setting.name, context.model) : undefined;
  const title = variant?.title ?? entry?.title ?? setting.name;
  const lines: string[] = [];

  lines.push(`**${escapeMd(title)}** · ${kindBadge(setting, entry)} · ${code(setting.key)}`);
  if (entry) lines.push(variant?.summary ?? entry.summary);
  else if (setting.kind === 'search-setting') lines.push('Controls how the search runs (method, metric, budget); it does not change the model.');
  else if (setting.kind === 'system') lines.push('Affects how the run executes (paths, devices, logging), not what the model learns.');
  else lines.push(`No knowledge-base entry for ${code(setting.name)}; it was detected from its name and position.`);

  lines.push(...valueLines(setting, file, entry, context));
  if (setting.kind !== 'logged' && isPyyamlConsumer(file.format, file.path) && pyyamlReadsAsString(setting.raw)) {
    lines.push(`⚠ PyYAML reads ${code(setting.raw)} as a string, not a number: write ${code(pyyamlFloatText(setting.raw))}`);
  }
  for (const fact of computeFacts(setting, file)) lines.push(`**${fact.label}:** ${escapeMd(fact.text)}`);

  if (entry) {
    const effects = variant?.effects ?? entry.effects;
    lines.push(`↑ ${effects.raise} · ↓ ${effects.lower}`);
    // A logged value was never configured, so a configuration default would only distract.
    if (setting.kind !== 'logged') lines.push(defaultLine(entry, context));
    const drift = setting.kind !== 'logged' ? deprecationFor(setting, file, entry, context) : undefined;
    if (drift) lines.push(`**Version note (${escapeMd(drift.since)}):** ${drift.message}`);
    lines.push(`⚠ ${(variant?.pitfalls ?? entry.pitfalls)[0]}`);
  }
  if (extras.study) lines.push(studyLine(extras.study, entry));

  const links: string[] = [];
  if (extras.commandUris && setting.kind !== 'logged') links.push(`[Tune this…](${extras.commandUris.tune})`);
  if (extras.commandUris?.lrFind && entry?.id === 'learning_rate' && !variant && setting.kind === 'hyperparameter') links.push(`[Find learning rate…](${extras.commandUris.lrFind})`);
  if (extras.commandUris && entry) links.push(`[Explain more](${extras.commandUris.explain})`);
  if (entry) links.push(`[Docs](${entry.docs[0]})`);
  if (links.length) lines.push(links.join(' · '));
  return lines.join('\n\n');
}
