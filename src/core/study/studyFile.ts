/**
 * Reads a study file: a superset of the W&B sweep configuration (YAML or JSON), so an existing
 * `sweep.yaml` runs unchanged and offline. Every problem is reported with its line and column;
 * unknown keys are warnings (a typo must not silently change what is searched, but must not block
 * either). W&B distributions the engine cannot represent exactly are mapped to the closest bounded
 * form, with a warning that says what was done.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { Distribution, ParamSpec, ParamValue } from '../search/types';
import type { LaunchSpec } from '../runner/types';
import { validateParamName } from '../runner/argv';
import type { ExecutorConfig, FlappingConfig, PrunerConfig, StudyConfig, StudyFileIssue } from './types';
import { formatIssue } from './types';

/** Study files larger than this are refused before parsing (a study file is a few KB). */
export const MAX_STUDY_FILE_BYTES = 1024 * 1024;

export const SAMPLER_METHODS = ['grid', 'random', 'bayes', 'tpe', 'gp', 'sobol', 'cmaes', 'auto'] as const;
export const PRUNER_TYPES = ['none', 'median', 'asha', 'hyperband'] as const;
export const ARG_STYLES = ['flags', 'hydra', 'override-file'] as const;
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
] as const;
export const COMMAND_MACROS = ['env', 'interpreter', 'program', 'args', 'args_no_hyphens', 'args_json', 'args_json_file', 'args_no_boolean_flags'] as const;

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
  ],
  metric: ['name', 'goal', 'target'],
  parameter: ['value', 'values', 'min', 'max', 'distribution', 'q', 'mu', 'sigma', 'parameters', 'probabilities', 'description'],
  early_terminate: ['type', 'min_iter', 'max_iter', 'eta', 's', 'strict'],
  pruner: ['type', 'n_startup_trials', 'n_warmup_steps', 'interval_steps', 'n_min_trials', 'percentile', 'min_resource', 'max_resource', 'reduction_factor', 'min_early_stopping_rate', 'min_iter', 'max_iter', 'eta', 's'],
  executor: ['type', 'partition', 'time', 'cpus', 'gpus', 'options'],
  flapping: ['max_failures', 'window_s'],
} as const;

export class StudyFileError extends Error {
  constructor(
    readonly issues: readonly StudyFileIssue[],
    readonly warnings: readonly StudyFileIssue[],
  ) {
    super(issues.map(formatIssue).join('\n'));
  }
}

export interface ParsedStudyFile {
  readonly config: StudyConfig;
  readonly warnings: readonly StudyFileIssue[];
}

export interface StudyFileOptions {
  /** Study name when the file has none (default: the file name without its extensions). */
  readonly defaultName?: string;
}

const STUDY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Reads and parses a study file from disk (size-checked first). */
export function loadStudyFile(file: string, options: StudyFileOptions = {}): ParsedStudyFile {
  const abs = path.resolve(file);
  let size: number;
  try {
    size = fs.statSync(abs).size;
  } catch {
    throw new StudyFileError([{ file, line: 1, col: 1, message: 'study file not found' }], []);
  }
  if (size > MAX_STUDY_FILE_BYTES) {
    throw new StudyFileError([{ file, line: 1, col: 1, message: `study file is ${size} bytes; more than the ${MAX_STUDY_FILE_BYTES} a study file may have` }], []);
  }
  return parseStudyFile(fs.readFileSync(abs, 'utf8'), abs, { ...options, displayName: file });
}

/** Parses study file text. `file` is its absolute path (the working directory of trials is its folder). */
export function parseStudyFile(text: string, file: string, options: StudyFileOptions & { displayName?: string } = {}): ParsedStudyFile {
  const shown = options.displayName ?? file;
  if (text.length > MAX_STUDY_FILE_BYTES) {
    throw new StudyFileError([{ file: shown, line: 1, col: 1, message: `study file is larger than ${MAX_STUDY_FILE_BYTES} bytes` }], []);
  }
  let lineCounter = new LineCounter();
  // uniqueKeys makes duplicate keys errors. The document is walked as nodes and never turned into
  // JS, so aliases are never expanded (no billion laughs); the walker rejects them.
  let doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  let ctx = new Context(shown, text, lineCounter);
  if (doc.errors.length) {
    // `command: [node, ${program}, ${args}]` is common in hand-written sweeps but is not YAML (`{`
    // opens a mapping inside a flow list). Read such macros as quoted strings, and say so.
    const patched = quoteFlowMacros(text);
    if (patched.text !== text) {
      const lc = new LineCounter();
      const retry = parseDocument(patched.text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
      if (retry.errors.length === 0) {
        doc = retry;
        lineCounter = lc;
        ctx = new Context(shown, patched.text, lc);
        for (const p of patched.positions) {
          ctx.warnings.push({ file: shown, line: p.line, col: p.col, message: 'a ${…} macro inside [ ] is not valid YAML (W&B and YAML editors reject it); read as a quoted string — write it as "${…}" or use a block list' });
        }
      }
    }
  }
  for (const e of doc.errors) {
    const p = lineCounter.linePos(e.pos[0]);
    const line = text.split('\n')[Math.max(0, p.line - 1)] ?? '';
    // `[${env}, ${program}]` is not valid YAML (`{` opens a mapping inside a flow list): say how to write it.
    const hint = /\[[^\]]*\$\{/.test(line) ? ' (write ${…} command macros as a block list "- ${env}" or quote them)' : '';
    ctx.issues.push({ file: shown, line: p.line || 1, col: p.col || 1, message: `${e.message.split('\n')[0]}${hint}` });
  }
  if (ctx.issues.length) throw new StudyFileError(ctx.issues, ctx.warnings);
  const root = doc.contents;
  if (!isMap(root)) {
    ctx.error(root, `a study file must be a mapping of keys (program, method, metric, parameters…), got ${describe(root)}`);
    throw new StudyFileError(ctx.issues, ctx.warnings);
  }
  const config = readStudy(ctx, root, file, options);
  // In file order, like a compiler, whatever order the sections were checked in.
  const byPosition = (a: StudyFileIssue, b: StudyFileIssue) => a.line - b.line || a.col - b.col;
  ctx.issues.sort(byPosition);
  ctx.warnings.sort(byPosition);
  if (ctx.issues.length || !config) throw new StudyFileError(ctx.issues, ctx.warnings);
  return { config, warnings: ctx.warnings };
}

/** Quotes bare `${name}` items of one-line flow lists; returns the offsets (in the new text) it quoted. */
export function quoteFlowMacros(text: string): { text: string; positions: Array<{ line: number; col: number }> } {
  const positions: Array<{ line: number; col: number }> = [];
  const lines = text.split('\n').map((line, i) => {
    if (!/\[[^\]#]*\$\{/.test(line)) return line;
    return line.replace(/([[,]\s*)(\$\{[A-Za-z_][A-Za-z0-9_]*\})(?=\s*[,\]])/g, (_m, before: string, macro: string, offset: number) => {
      // Positions in the file as the user wrote it (quoting only shifts columns on this line).
      positions.push({ line: i + 1, col: offset + before.length + 1 });
      return `${before}"${macro}"`;
    });
  });
  return { text: lines.join('\n'), positions };
}

// ---------------------------------------------------------------------------------------------

class Context {
  readonly issues: StudyFileIssue[] = [];
  readonly warnings: StudyFileIssue[] = [];
  constructor(
    readonly file: string,
    readonly text: string,
    private readonly lines: LineCounter,
  ) {}

  private at(node: Node | Pair | null | undefined, message: string): StudyFileIssue {
    const offset = node && 'range' in node && node.range ? node.range[0] : node && 'key' in node ? rangeStart(node.key) : 0;
    const p = this.lines.linePos(offset ?? 0);
    return { file: this.file, line: p.line || 1, col: p.col || 1, message };
  }
  error(node: Node | Pair | null | undefined, message: string): void {
    this.issues.push(this.at(node, message));
  }
  warn(node: Node | Pair | null | undefined, message: string): void {
    this.warnings.push(this.at(node, message));
  }
  /** The source text of a scalar, to tell `1` from `1.0` (both parse to the number 1). */
  source(node: Scalar): string {
    return node.range ? this.text.slice(node.range[0], node.range[1]).trim() : String(node.value);
  }
}

function rangeStart(node: unknown): number {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? r[0] : 0;
}

function describe(node: unknown): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return describeValue(node.value);
  if (isAlias(node)) return `an alias (*${node.source}); aliases are not supported in study files`;
  return 'an unsupported value';
}
function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** Key → value node of a mapping, warning about keys outside `known` and erroring on non-string keys. */
function entries(ctx: Context, map: YAMLMap, where: string, known: readonly string[] | undefined): Map<string, { pair: Pair; value: Node | null }> {
  const out = new Map<string, { pair: Pair; value: Node | null }>();
  for (const item of map.items) {
    const pair = item as Pair<unknown, unknown>;
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? keyNode.value : keyNode;
    if (typeof key !== 'string' && typeof key !== 'number') {
      ctx.error(keyNode as Node, `${where}: keys must be names, got ${describe(keyNode)}`);
      continue;
    }
    const name = String(key);
    if (known && !known.includes(name)) {
      ctx.warn(keyNode as Node, `unknown key ${join(where, name)} (ignored); known keys: ${known.join(', ')}`);
      continue;
    }
    out.set(name, { pair: pair as Pair, value: (pair.value as Node | null) ?? null });
  }
  return out;
}

function join(where: string, key: string): string {
  return where ? `${where}.${key}` : key;
}

type Entry = { pair: Pair; value: Node | null };

/** A number: YAML numbers, or a quoted numeric string (PyYAML reads `1e-5` as a string, so people quote). */
function num(ctx: Context, e: Entry, where: string): number | undefined {
  const v = e.value;
  if (isScalar(v)) {
    if (typeof v.value === 'number' && Number.isFinite(v.value)) return v.value;
    if (typeof v.value === 'string' && v.value.trim() !== '' && Number.isFinite(Number(v.value))) {
      ctx.warn(v, `${where} is the string ${JSON.stringify(v.value)}; read as the number ${Number(v.value)}`);
      return Number(v.value);
    }
  }
  ctx.error(v ?? e.pair, `${where} must be a number, got ${describe(v)}`);
  return undefined;
}

/** True when the scalar was written as an integer literal (`3`, not `3.0`, `3e0` or `!!float 3`). */
function writtenAsInt(ctx: Context, e: Entry): boolean {
  const v = e.value;
  if (!isScalar(v) || typeof v.value !== 'number' || !Number.isInteger(v.value)) return false;
  if (v.tag === 'tag:yaml.org,2002:float') return false;
  return /^[-+]?(0|[1-9][0-9_]*)$/.test(ctx.source(v).replace(/^!!int\s+/, ''));
}

function int(ctx: Context, e: Entry, where: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const n = num(ctx, e, where);
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < min || n > max) {
    ctx.error(e.value, `${where} must be a whole number${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` ≥ ${min}`}, got ${n}`);
    return undefined;
  }
  return n;
}

function str(ctx: Context, e: Entry, where: string): string | undefined {
  const v = e.value;
  if (isScalar(v) && typeof v.value === 'string') return v.value;
  ctx.error(v ?? e.pair, `${where} must be a string, got ${describe(v)}`);
  return undefined;
}

function bool(ctx: Context, e: Entry, where: string): boolean | undefined {
  const v = e.value;
  if (isScalar(v) && typeof v.value === 'boolean') return v.value;
  ctx.error(v ?? e.pair, `${where} must be true or false, got ${describe(v)}`);
  return undefined;
}

function oneOf<T extends string>(ctx: Context, e: Entry, where: string, allowed: readonly T[]): T | undefined {
  const s = str(ctx, e, where);
  if (s === undefined) return undefined;
  if ((allowed as readonly string[]).includes(s)) return s as T;
  ctx.error(e.value, `${where} must be one of ${allowed.join(', ')}, got ${JSON.stringify(s)}`);
  return undefined;
}

function paramValue(ctx: Context, node: Node | null, where: string): ParamValue | undefined {
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  ctx.error(node, `${where} must be a number, string, boolean or null, got ${describe(node)}`);
  return undefined;
}

/** `30`, `90s`, `30m`, `1h30m`, `2d` → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gy;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * unit[m[2]];
    matched = re.lastIndex;
  }
  return matched === t.length && matched > 0 ? total : undefined;
}

function duration(ctx: Context, e: Entry, where: string): number | undefined {
  const v = e.value;
  if (isScalar(v) && typeof v.value === 'number' && Number.isFinite(v.value) && v.value > 0) return v.value * 1000;
  if (isScalar(v) && typeof v.value === 'string') {
    const ms = parseDuration(v.value);
    if (ms !== undefined && ms > 0) return ms;
  }
  ctx.error(v ?? e.pair, `${where} must be a positive duration in seconds or like "30m", "1h30m", got ${describe(v)}`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------

function readStudy(ctx: Context, root: YAMLMap, file: string, options: StudyFileOptions): StudyConfig | undefined {
  const top = entries(ctx, root, '', STUDY_FILE_KEYS.top);
  const get = (k: string) => top.get(k);

  let name = options.defaultName ?? path.basename(file).replace(/(\.study)?\.(ya?ml|json)$/i, '');
  const nameE = get('name');
  if (nameE) name = str(ctx, nameE, 'name') ?? name;
  if (!STUDY_NAME.test(name)) {
    ctx.error(nameE?.value ?? null, `name ${JSON.stringify(name)} must be a simple folder name (letters, digits, . _ -, at most 100), since the study is stored under .hpstudio/studies/<name>`);
  }
  const description = get('description') ? str(ctx, get('description')!, 'description') : undefined;

  // method / sampler
  let sampler = 'auto';
  const methodE = get('method');
  if (methodE) sampler = oneOf(ctx, methodE, 'method', SAMPLER_METHODS) ?? sampler;

  // metric
  let metric = 'loss';
  let direction: 'minimize' | 'maximize' = 'minimize';
  let target: number | undefined;
  const metricE = get('metric');
  if (!metricE) {
    ctx.warn(null, 'no metric: trials are scored by "loss", minimized (add metric: {name, goal})');
  } else if (!isMap(metricE.value)) {
    ctx.error(metricE.value ?? metricE.pair, `metric must be a mapping {name, goal}, got ${describe(metricE.value)}`);
  } else {
    const m = entries(ctx, metricE.value, 'metric', STUDY_FILE_KEYS.metric);
    const n = m.get('name');
    if (!n) ctx.error(metricE.value, 'metric.name is required (the name the program prints or logs, e.g. val_loss)');
    else metric = str(ctx, n, 'metric.name') ?? metric;
    const g = m.get('goal');
    if (g) direction = oneOf(ctx, g, 'metric.goal', ['minimize', 'maximize'] as const) ?? direction;
    const t = m.get('target');
    if (t) target = num(ctx, t, 'metric.target');
  }

  // parameters
  const params: ParamSpec[] = [];
  const constants: Record<string, ParamValue> = {};
  const paramsE = get('parameters');
  if (!paramsE) ctx.error(null, 'parameters is required: the hyperparameters to search, e.g. parameters: {lr: {min: 0.0001, max: 0.1}}');
  else readParameters(ctx, paramsE, '', params, constants);
  if (paramsE && params.length === 0 && ctx.issues.length === 0) ctx.warn(paramsE.value, 'parameters has nothing to search (only constants): every trial is the same');

  // launch
  const launch: { -readonly [K in keyof LaunchSpec]: LaunchSpec[K] } = { cwd: path.dirname(file) };
  const programE = get('program');
  if (programE) launch.program = str(ctx, programE, 'program');
  const interpreterE = get('interpreter');
  if (interpreterE) launch.interpreter = str(ctx, interpreterE, 'interpreter');
  const commandE = get('command');
  if (commandE) launch.command = readCommand(ctx, commandE);
  if (!programE && !commandE) ctx.error(null, 'program (the training script) or command is required');
  const argStyleE = get('arg_style');
  if (argStyleE) launch.argStyle = oneOf(ctx, argStyleE, 'arg_style', ARG_STYLES);
  const envE = get('env');
  if (envE) launch.env = readEnv(ctx, envE);

  // pruner: ours wins over W&B early_terminate when both are given
  let pruner: PrunerConfig = { type: 'none' };
  const etE = get('early_terminate');
  if (etE) pruner = readEarlyTerminate(ctx, etE) ?? pruner;
  const prunerE = get('pruner');
  if (prunerE) {
    if (etE) ctx.warn(prunerE.pair, 'both pruner and early_terminate are given; pruner is used');
    pruner = readPruner(ctx, prunerE) ?? pruner;
  }

  // limits
  let trials: number | undefined;
  const runCapE = get('run_cap');
  const trialsE = get('trials');
  if (runCapE) trials = int(ctx, runCapE, 'run_cap', 1);
  if (trialsE) {
    const t = int(ctx, trialsE, 'trials', 1);
    if (runCapE && t !== undefined && trials !== undefined && t !== trials) ctx.error(trialsE.value, `trials (${t}) and run_cap (${trials}) disagree; give one of them`);
    trials = t ?? trials;
  }
  const parallel = get('parallel') ? (int(ctx, get('parallel')!, 'parallel', 1, 1024) ?? 1) : 1;
  const trialTimeoutMs = get('trial_timeout') ? duration(ctx, get('trial_timeout')!, 'trial_timeout') : undefined;
  let flapping: FlappingConfig = { maxFailures: 3, windowMs: 60_000 };
  if (get('flapping')) flapping = readFlapping(ctx, get('flapping')!) ?? flapping;

  const seed = get('seed') ? int(ctx, get('seed')!, 'seed', 0, 2 ** 32 - 1) : undefined;
  let metricRegex: string | undefined;
  const regexE = get('metric_regex');
  if (regexE) {
    metricRegex = str(ctx, regexE, 'metric_regex');
    if (metricRegex !== undefined) {
      try {
        new RegExp(metricRegex);
      } catch (err) {
        ctx.error(regexE.value, `metric_regex is not a valid regular expression: ${(err as Error).message}`);
      }
    }
  }
  const gpus = get('gpus') ? readGpus(ctx, get('gpus')!) : [];
  const retryFailed = get('retry_failed') ? (bool(ctx, get('retry_failed')!, 'retry_failed') ?? false) : false;
  let executor: ExecutorConfig = { type: 'local' };
  if (get('executor')) executor = readExecutor(ctx, get('executor')!) ?? executor;

  if (ctx.issues.length) return undefined;
  return {
    name,
    description,
    file,
    space: { params },
    constants,
    direction,
    metric,
    target,
    sampler,
    seed,
    pruner,
    launch,
    executor,
    limits: { trials, parallel, trialTimeoutMs, flapping },
    metricRegex,
    gpus,
    retryFailed,
  };
}

function readCommand(ctx: Context, e: Entry): string[] | undefined {
  if (!isSeq(e.value)) {
    ctx.error(e.value ?? e.pair, `command must be a list of arguments, e.g. [\${env}, \${interpreter}, \${program}, \${args}], got ${describe(e.value)}`);
    return undefined;
  }
  const out: string[] = [];
  e.value.items.forEach((item, i) => {
    const node = item as Node;
    if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
      ctx.error(node, `command[${i}] must be a string, got ${describe(node)}`);
      return;
    }
    const arg = String(node.value);
    for (const m of arg.matchAll(/\$\{([^}]*)\}/g)) {
      if (!(COMMAND_MACROS as readonly string[]).includes(m[1])) ctx.warn(node, `command[${i}]: unknown macro \${${m[1]}} is passed literally; known: ${COMMAND_MACROS.map(x => `\${${x}}`).join(' ')}`);
    }
    out.push(arg);
  });
  if (out.length === 0) ctx.error(e.value, 'command must not be empty');
  return out;
}

function readEnv(ctx: Context, e: Entry): Record<string, string> | undefined {
  if (!isMap(e.value)) {
    ctx.error(e.value ?? e.pair, `env must be a mapping of variable names to values, got ${describe(e.value)}`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of entries(ctx, e.value, 'env', undefined)) {
    if (isScalar(v.value) && v.value.value !== null && typeof v.value.value !== 'object') out[k] = String(v.value.value);
    else ctx.error(v.value ?? v.pair, `env.${k} must be a string, got ${describe(v.value)}`);
  }
  return out;
}

function readGpus(ctx: Context, e: Entry): string[] {
  if (!isSeq(e.value)) {
    ctx.error(e.value ?? e.pair, `gpus must be a list of GPU ids, e.g. [0, 1], got ${describe(e.value)}`);
    return [];
  }
  const out: string[] = [];
  e.value.items.forEach((item, i) => {
    const node = item as Node;
    if (isScalar(node) && (typeof node.value === 'string' || (typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= 0))) out.push(String(node.value));
    else ctx.error(node, `gpus[${i}] must be a GPU id (a whole number or a string like "0,1"), got ${describe(node)}`);
  });
  return out;
}

function readFlapping(ctx: Context, e: Entry): FlappingConfig | undefined {
  if (isScalar(e.value) && e.value.value === false) return { maxFailures: Number.POSITIVE_INFINITY, windowMs: 0 };
  if (!isMap(e.value)) {
    ctx.error(e.value ?? e.pair, `flapping must be a mapping {max_failures, window_s} or false, got ${describe(e.value)}`);
    return undefined;
  }
  const m = entries(ctx, e.value, 'flapping', STUDY_FILE_KEYS.flapping);
  const maxE = m.get('max_failures');
  const winE = m.get('window_s');
  const maxFailures = maxE ? int(ctx, maxE, 'flapping.max_failures', 1) : 3;
  let windowS = winE ? num(ctx, winE, 'flapping.window_s') : 60;
  if (windowS !== undefined && windowS <= 0) {
    ctx.error(winE!.value, `flapping.window_s must be positive, got ${windowS}`);
    windowS = undefined;
  }
  if (maxFailures === undefined || windowS === undefined) return undefined;
  return { maxFailures, windowMs: windowS * 1000 };
}

function readExecutor(ctx: Context, e: Entry): ExecutorConfig | undefined {
  if (isScalar(e.value) && typeof e.value.value === 'string') {
    if (e.value.value === 'local') return { type: 'local' };
    if (e.value.value === 'slurm') return { type: 'slurm', options: [] };
    ctx.error(e.value, `executor must be local, slurm or {type: slurm, partition, time, cpus, gpus, options}, got ${describe(e.value)}`);
    return undefined;
  }
  if (!isMap(e.value)) {
    ctx.error(e.value ?? e.pair, `executor must be local or a mapping {type: slurm, …}, got ${describe(e.value)}`);
    return undefined;
  }
  const m = entries(ctx, e.value, 'executor', STUDY_FILE_KEYS.executor);
  const typeE = m.get('type');
  if (!typeE) {
    ctx.error(e.value, 'executor.type is required (local or slurm)');
    return undefined;
  }
  const type = oneOf(ctx, typeE, 'executor.type', ['local', 'slurm'] as const);
  if (type === 'local') {
    for (const k of m.keys()) if (k !== 'type') ctx.warn(m.get(k)!.pair, `executor.${k} only applies to the slurm executor (ignored)`);
    return { type: 'local' };
  }
  if (type !== 'slurm') return undefined;
  const partition = m.get('partition') ? str(ctx, m.get('partition')!, 'executor.partition') : undefined;
  let time: string | undefined;
  const timeE = m.get('time');
  if (timeE) {
    if (isScalar(timeE.value) && typeof timeE.value.value === 'number') time = String(timeE.value.value);
    else time = str(ctx, timeE, 'executor.time');
  }
  const cpus = m.get('cpus') ? int(ctx, m.get('cpus')!, 'executor.cpus', 1) : undefined;
  const gpus = m.get('gpus') ? int(ctx, m.get('gpus')!, 'executor.gpus', 0) : undefined;
  const options: string[] = [];
  const optE = m.get('options');
  if (optE) {
    if (!isSeq(optE.value)) ctx.error(optE.value ?? optE.pair, `executor.options must be a list of sbatch options, got ${describe(optE.value)}`);
    else
      optE.value.items.forEach((item, i) => {
        const node = item as Node;
        if (isScalar(node) && typeof node.value === 'string') options.push(node.value);
        else ctx.error(node, `executor.options[${i}] must be a string like "--mem=8G", got ${describe(node)}`);
      });
  }
  return { type: 'slurm', partition, time, cpus, gpus, options };
}

function readEarlyTerminate(ctx: Context, e: Entry): PrunerConfig | undefined {
  if (!isMap(e.value)) {
    ctx.error(e.value ?? e.pair, `early_terminate must be a mapping {type: hyperband, min_iter, …}, got ${describe(e.value)}`);
    return undefined;
  }
  const m = entries(ctx, e.value, 'early_terminate', STUDY_FILE_KEYS.early_terminate);
  const typeE = m.get('type');
  if (!typeE) {
    ctx.error(e.value, 'early_terminate.type is required (hyperband)');
    return undefined;
  }
  const type = oneOf(ctx, typeE, 'early_terminate.type', ['hyperband'] as const);
  if (!type) return undefined;
  const out: Record<string, number | string> = {};
  for (const k of ['min_iter', 'max_iter', 's'] as const) {
    const v = m.get(k);
    if (v) {
      const n = int(ctx, v, `early_terminate.${k}`, 1);
      if (n !== undefined) out[k] = n;
    }
  }
  const etaE = m.get('eta');
  if (etaE) {
    const eta = num(ctx, etaE, 'early_terminate.eta');
    if (eta !== undefined && eta <= 1) ctx.error(etaE.value, `early_terminate.eta must be greater than 1, got ${eta}`);
    else if (eta !== undefined) out.eta = eta;
  }
  if (m.get('strict')) {
    const strict = bool(ctx, m.get('strict')!, 'early_terminate.strict');
    if (strict !== undefined) out.strict = String(strict);
  }
  if (out.min_iter === undefined && out.max_iter === undefined) ctx.error(e.value, 'early_terminate (hyperband) needs min_iter or max_iter');
  return { type: 'hyperband', ...out };
}

function readPruner(ctx: Context, e: Entry): PrunerConfig | undefined {
  if (isScalar(e.value) && typeof e.value.value === 'string') {
    const type = oneOf(ctx, e, 'pruner', PRUNER_TYPES);
    return type ? { type } : undefined;
  }
  if (!isMap(e.value)) {
    ctx.error(e.value ?? e.pair, `pruner must be a name (${PRUNER_TYPES.join(', ')}) or a mapping {type, …}, got ${describe(e.value)}`);
    return undefined;
  }
  const m = entries(ctx, e.value, 'pruner', STUDY_FILE_KEYS.pruner);
  const typeE = m.get('type');
  if (!typeE) {
    ctx.error(e.value, `pruner.type is required (${PRUNER_TYPES.join(', ')})`);
    return undefined;
  }
  const type = oneOf(ctx, typeE, 'pruner.type', PRUNER_TYPES);
  if (!type) return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of m) {
    if (k === 'type') continue;
    const n = num(ctx, v, `pruner.${k}`);
    if (n === undefined) continue;
    if (n < 0) ctx.error(v.value, `pruner.${k} must not be negative, got ${n}`);
    else if ((k === 'reduction_factor' || k === 'eta') && n <= 1) ctx.error(v.value, `pruner.${k} must be greater than 1, got ${n}`);
    else out[k] = n;
  }
  return { type, ...out };
}

// ---------------------------------------------------------------------------------------------
// Parameters and W&B distributions

function readParameters(ctx: Context, e: Entry, prefix: string, params: ParamSpec[], constants: Record<string, ParamValue>): void {
  const where = prefix ? `parameters.${prefix}parameters` : 'parameters';
  if (!isMap(e.value)) {
    ctx.error(e.value ?? e.pair, `${where} must be a mapping of parameter names to their ranges, got ${describe(e.value)}`);
    return;
  }
  for (const [key, entry] of entries(ctx, e.value, where, undefined)) {
    const name = `${prefix}${key}`;
    try {
      // Checked here, with a position, rather than as a launch failure of every trial.
      validateParamName(name);
    } catch (err) {
      ctx.error(entry.pair.key as Node, `parameters: ${(err as Error).message}`);
      continue;
    }
    readParameter(ctx, entry, name, params, constants);
  }
}

function readParameter(ctx: Context, e: Entry, name: string, params: ParamSpec[], constants: Record<string, ParamValue>): void {
  const where = `parameters.${name}`;
  if (!isMap(e.value)) {
    ctx.error(e.value ?? e.pair, `${where} must be a mapping like {values: [...]} or {min: …, max: …}, got ${describe(e.value)}`);
    return;
  }
  const m = entries(ctx, e.value, where, STUDY_FILE_KEYS.parameter);
  if (m.has('parameters')) {
    // W&B nested parameters: `optimizer: {parameters: {lr: …}}` searches `optimizer.lr`.
    for (const k of m.keys()) if (k !== 'parameters' && k !== 'description') ctx.error(m.get(k)!.pair, `${where}.${k} cannot be combined with nested ${where}.parameters`);
    readParameters(ctx, m.get('parameters')!, `${name}.`, params, constants);
    return;
  }
  if (m.has('probabilities')) ctx.warn(m.get('probabilities')!.pair, `${where}.probabilities is not supported; values are sampled by the search strategy`);

  const distE = m.get('distribution');
  let dist: (typeof DISTRIBUTIONS)[number] | undefined;
  if (distE) {
    dist = oneOf(ctx, distE, `${where}.distribution`, DISTRIBUTIONS);
    if (!dist) return;
  } else if (m.has('value')) dist = 'constant';
  else if (m.has('values')) dist = 'categorical';
  else if (m.has('min') || m.has('max')) {
    const minE = m.get('min');
    const maxE = m.get('max');
    // W&B: int_uniform when both bounds are integers, uniform otherwise.
    dist = minE && maxE && writtenAsInt(ctx, minE) && writtenAsInt(ctx, maxE) ? 'int_uniform' : 'uniform';
  } else {
    ctx.error(e.value, `${where} needs value, values, min/max, distribution or nested parameters`);
    return;
  }

  const pushFloat = (low: number, high: number, extra: { log?: boolean; step?: number } = {}): void => {
    params.push({ name, distribution: { type: 'float', low: tidy(low), high: tidy(high), ...extra } });
  };
  const spec = (d: Distribution): void => {
    params.push({ name, distribution: d });
  };

  if (dist === 'constant') {
    const v = m.get('value');
    if (!v) return ctx.error(e.value, `${where} (constant) needs value`);
    const pv = paramValue(ctx, v.value, `${where}.value`);
    if (pv !== undefined) constants[name] = pv;
    return;
  }
  if (dist === 'categorical') {
    const v = m.get('values');
    if (!v) return ctx.error(e.value, `${where} (categorical) needs values: [...]`);
    if (!isSeq(v.value)) return ctx.error(v.value ?? v.pair, `${where}.values must be a list, got ${describe(v.value)}`);
    if (v.value.items.length === 0) return ctx.error(v.value, `${where}.values must not be empty`);
    const choices: ParamValue[] = [];
    v.value.items.forEach((item, i) => {
      const pv = paramValue(ctx, item as Node, `${where}.values[${i}]`);
      if (pv !== undefined) choices.push(pv);
    });
    const seen = new Set(choices.map(c => JSON.stringify(c)));
    if (seen.size !== choices.length) ctx.warn(v.value, `${where}.values lists the same value twice`);
    spec({ type: 'categorical', choices });
    return;
  }

  if (dist === 'normal' || dist === 'q_normal' || dist === 'log_normal' || dist === 'q_log_normal') {
    const mu = m.get('mu') ? num(ctx, m.get('mu')!, `${where}.mu`) : 0;
    const sigma = m.get('sigma') ? num(ctx, m.get('sigma')!, `${where}.sigma`) : 1;
    if (mu === undefined || sigma === undefined) return;
    if (sigma <= 0) return ctx.error(m.get('sigma')!.value, `${where}.sigma must be positive, got ${sigma}`);
    const q = readQ(ctx, m, where, dist.startsWith('q_'));
    if (q === null) return;
    const where0 = distE!.value;
    if (dist === 'normal' || dist === 'q_normal') {
      const low = mu - 3 * sigma;
      const high = mu + 3 * sigma;
      if (q !== undefined) {
        const g = snapToGrid(low, high, q);
        if (!g) return ctx.error(where0, `${where}: q=${q} leaves no value in mu ± 3 sigma`);
        pushFloat(g.low, g.high, { step: q });
      } else pushFloat(low, high);
      ctx.warn(where0, `${where}: ${dist}(mu=${mu}, sigma=${sigma}) is unbounded; searched uniformly over mu ± 3 sigma = [${fmt(tidy(low))}, ${fmt(tidy(high))}]`);
    } else {
      const low = Math.exp(mu - 3 * sigma);
      const high = Math.exp(mu + 3 * sigma);
      pushFloat(low, high, { log: true });
      ctx.warn(
        where0,
        `${where}: ${dist}(mu=${mu}, sigma=${sigma}) is unbounded; searched log-uniformly over exp(mu ± 3 sigma) = [${fmt(tidy(low))}, ${fmt(tidy(high))}]${q !== undefined ? `, without the quantization q=${q}` : ''}`,
      );
    }
    return;
  }

  // Everything left is bounded by min and max.
  const minE = m.get('min');
  const maxE = m.get('max');
  if (!minE || !maxE) {
    ctx.error(e.value, `${where} (${dist}) needs both min and max`);
    return;
  }
  const min = num(ctx, minE, `${where}.min`);
  const max = num(ctx, maxE, `${where}.max`);
  if (min === undefined || max === undefined) return;
  if (!(min < max)) return ctx.error(maxE.value, `${where}.max (${max}) must be greater than min (${min})`);
  for (const k of ['mu', 'sigma'] as const) if (m.has(k)) ctx.warn(m.get(k)!.pair, `${where}.${k} only applies to normal distributions (ignored)`);
  const distNode = distE?.value ?? e.value;

  switch (dist) {
    case 'int_uniform':
      if (!Number.isInteger(min)) return ctx.error(minE.value, `${where}.min must be a whole number for int_uniform, got ${min}`);
      if (!Number.isInteger(max)) return ctx.error(maxE.value, `${where}.max must be a whole number for int_uniform, got ${max}`);
      if (m.has('q')) ctx.warn(m.get('q')!.pair, `${where}.q only applies to q_* distributions (ignored)`);
      return spec({ type: 'int', low: min, high: max });
    case 'uniform':
      if (m.has('q')) ctx.warn(m.get('q')!.pair, `${where}.q only applies to q_* distributions (ignored; use q_uniform)`);
      return pushFloat(min, max);
    case 'q_uniform': {
      const q = readQ(ctx, m, where, true);
      if (q === null || q === undefined) return;
      const g = snapToGrid(min, max, q);
      if (!g) return ctx.error(maxE.value, `${where}: no multiple of q=${q} lies between min ${min} and max ${max}`);
      if (g.low !== min || g.high !== max) ctx.warn(distNode, `${where}: q_uniform values are multiples of q=${q}; searching [${fmt(g.low)}, ${fmt(g.high)}] in steps of ${q}`);
      if (Number.isInteger(q) && Number.isInteger(g.low) && Number.isInteger(g.high)) return spec({ type: 'int', low: g.low, high: g.high, step: q });
      return pushFloat(g.low, g.high, { step: q });
    }
    case 'log_uniform':
    case 'inv_log_uniform':
    case 'q_log_uniform': {
      // W&B: these take natural-log EXPONENT bounds: log_uniform {min: -9.2, max: -2.3} is e^-9.2 … e^-2.3.
      if (min > 0 && max <= 1) {
        ctx.warn(distNode, `${where}: ${dist} takes natural-log exponent bounds, so min ${min} / max ${max} mean e^${min} … e^${max} (≈ ${fmt(Math.exp(min))} … ${fmt(Math.exp(max))}); for real values use ${dist}_values`);
      }
      const low = dist === 'inv_log_uniform' ? Math.exp(-max) : Math.exp(min);
      const high = dist === 'inv_log_uniform' ? Math.exp(-min) : Math.exp(max);
      if (!(low > 0) || !Number.isFinite(high)) return ctx.error(distNode, `${where}: ${dist} bounds e^${min} … e^${max} are out of the floating-point range`);
      if (dist === 'q_log_uniform') return pushQLog(ctx, m, where, distNode, low, high, params, name);
      return pushFloat(low, high, { log: true });
    }
    case 'log_uniform_values':
    case 'inv_log_uniform_values':
    case 'q_log_uniform_values':
      if (min <= 0) return ctx.error(minE.value, `${where}.min must be positive for ${dist}, got ${min}`);
      if (dist === 'q_log_uniform_values') return pushQLog(ctx, m, where, distNode, min, max, params, name);
      return pushFloat(min, max, { log: true });
  }
}

/** Quantized log-uniform: exact as an integer log scale when q = 1, otherwise log-uniform without the rounding. */
function pushQLog(ctx: Context, m: Map<string, Entry>, where: string, node: Node | null, low: number, high: number, params: ParamSpec[], name: string): void {
  const q = readQ(ctx, m, where, false) ?? 1;
  if (q === null) return;
  if (q === 1) {
    const lo = Math.max(1, Math.round(low));
    const hi = Math.round(high);
    if (hi <= lo) return ctx.error(node, `${where}: the range [${fmt(low)}, ${fmt(high)}] holds no two whole numbers to search between`);
    params.push({ name, distribution: { type: 'int', low: lo, high: hi, log: true } });
    return;
  }
  ctx.warn(node, `${where}: log scale with quantization q=${q} cannot be represented exactly; searched log-uniformly over [${fmt(tidy(low))}, ${fmt(tidy(high))}] without rounding to multiples of q`);
  params.push({ name, distribution: { type: 'float', low: tidy(low), high: tidy(high), log: true } });
}

/** q: undefined when absent (and not required), null after an error. */
function readQ(ctx: Context, m: Map<string, Entry>, where: string, defaultOne: boolean): number | undefined | null {
  const qE = m.get('q');
  if (!qE) return defaultOne ? 1 : undefined;
  const q = num(ctx, qE, `${where}.q`);
  if (q === undefined) return null;
  if (q <= 0) {
    ctx.error(qE.value, `${where}.q must be positive, got ${q}`);
    return null;
  }
  return q;
}

/** The multiples of q inside [min, max], as a stepped range. */
function snapToGrid(min: number, max: number, q: number): { low: number; high: number } | undefined {
  const low = tidy(Math.ceil(min / q - 1e-9) * q);
  const high = tidy(Math.floor(max / q + 1e-9) * q);
  return low <= high ? { low, high } : undefined;
}

/** Drops float noise (0.30000000000000004 → 0.3) so bounds print and compare as written. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}
function fmt(x: number): string {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? String(Number(x.toPrecision(6))) : x.toExponential(3);
}
