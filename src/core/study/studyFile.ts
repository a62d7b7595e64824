/**
 * Reads a study file: a superset of the W&B sweep configuration (YAML or JSON), so an existing
 * `sweep.yaml` runs unchanged and offline. Every problem is reported with its line and column;
 * unknown keys are warnings (a typo must not silently change what is searched, but must not block
 * either). W&B distributions the engine cannot represent exactly are mapped to the closest bounded
 * form, with a warning that says what was done.
 *
 * This file reads the top level (name, method, metric, pruning, limits); the sections live in
 * file/: YAML reading (yaml.ts), parameters and distributions (parameters.ts), how trials run
 * (executor.ts) and the key vocabulary (keys.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { ExecutorConfig, FlappingConfig, PrunerConfig, SourcePosition, StudyConfig, StudyFileIssue } from './types';
import { createPruner } from '../search/pruners';
import { MetricRegex } from '../metrics/lines';
import { implicitMetricRegex } from '../metrics/suggest';
import { gridProblems } from './gridCheck';
import { readExecutor, readGpus, readLaunch } from './file/executor';
import { isStudyName, MAX_STUDY_FILE_BYTES, MULTI_OBJECTIVE_METHODS, PRUNER_TYPES, STUDY_FILE_KEYS, STUDY_FILE_METHODS } from './file/keys';
import { readMetric } from './file/metric';
import { readParameters, type ReadParameters } from './file/parameters';
import { bool, checkDurationMs, describe, duration, entries, int, num, oneOf, readYamlDocument, str, StudyFileError, type Context, type Entry } from './file/yaml';

export { isStudyName, MAX_STUDY_FILE_BYTES, STUDY_FILE_METHODS, MULTI_OBJECTIVE_METHODS, PRUNER_TYPES, ARG_STYLES, DISTRIBUTIONS, COMMAND_MACROS, STUDY_FILE_KEYS } from './file/keys';
export { StudyFileError, quoteFlowMacros, parseDuration } from './file/yaml';

export interface ParsedStudyFile {
  readonly config: StudyConfig;
  readonly warnings: readonly StudyFileIssue[];
  /** Where the keys checked after loading are written (for their messages): `program`, `method`. */
  readonly positions: { readonly program?: SourcePosition; readonly method?: SourcePosition };
}

export interface StudyFileOptions {
  /** Study name when the file has none (default: the file name without its extensions). */
  readonly defaultName?: string;
}


/**
 * The folder a study is stored under (`.hpstudio/studies/<folder>`) for a sweep name: the name itself
 * when it is a plain folder name, else its letters and digits joined by `-` (`First Sweep` →
 * `First-Sweep`), or undefined when nothing usable is left (the file name is used then).
 */
export function studyFolderName(name: string): string | undefined {
  if (isStudyName(name)) return name;
  const folder = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 100)
    .replace(/[-.]+$/, '');
  return isStudyName(folder) ? folder : undefined;
}

/** Reads and parses a study file from disk (size-checked first). */
export function loadStudyFile(file: string, options: StudyFileOptions = {}): ParsedStudyFile {
  const abs = path.resolve(file);
  const refuse = (message: string) => new StudyFileError([{ file, line: 1, col: 1, message }], []);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch (err) {
    throw refuse(fileProblem(err, abs) ?? 'study file not found');
  }
  if (stat.isDirectory()) throw refuse(`${abs} is a folder, not a study file: give the path of a .yaml or .json study file in it`);
  if (!stat.isFile()) throw refuse(`${abs} is not a regular file (a device, pipe or socket): give the path of a .yaml or .json study file`);
  if (stat.size > MAX_STUDY_FILE_BYTES) {
    throw refuse(`study file is ${stat.size} bytes; more than the ${MAX_STUDY_FILE_BYTES} a study file may have`);
  }
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    throw refuse(fileProblem(err, abs) ?? `${abs} could not be read: ${(err as Error).message}`);
  }
  return parseStudyFile(text, abs, { ...options, displayName: file });
}

/** A readable message for why the study file cannot be opened, naming it and what to do. */
function fileProblem(err: unknown, abs: string): string | undefined {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'study file not found';
    case 'EACCES':
    case 'EPERM':
      return `${abs} cannot be read (permission denied): make it readable (chmod u+r) or run as its owner`;
    case 'ENOTDIR':
      return `${abs} is not a path to a file: a part of it is a file, not a folder`;
    case 'ELOOP':
      return `${abs} is a symbolic link that points to itself (a loop)`;
    case 'EISDIR':
      return `${abs} is a folder, not a study file: give the path of a .yaml or .json study file in it`;
    default:
      return undefined;
  }
}


/** Parses study file text. `file` is its absolute path (the working directory of trials is its folder). */
export function parseStudyFile(text: string, file: string, options: StudyFileOptions & { displayName?: string } = {}): ParsedStudyFile {
  const { ctx, root } = readYamlDocument(text, options.displayName ?? file);
  const config = readStudyConfig(ctx, root, file, options);
  // In file order, like a compiler, whatever order the sections were checked in.
  const byPosition = (a: StudyFileIssue, b: StudyFileIssue) => a.line - b.line || a.col - b.col;
  ctx.issues.sort(byPosition);
  ctx.warnings.sort(byPosition);
  if (ctx.issues.length || !config) throw new StudyFileError(ctx.issues, ctx.warnings);
  const at = (key: string) => (root.has(key) ? ctx.position(root.get(key, true) as Node) : undefined);
  return { config, warnings: ctx.warnings, positions: { program: at('program') ?? at('command'), method: at('method') } };
}

function readStudyConfig(ctx: Context, root: YAMLMap, file: string, options: StudyFileOptions): StudyConfig | undefined {
  const top = entries(ctx, root, '', STUDY_FILE_KEYS.top);
  const get = (k: string) => top.get(k);

  const fileName = options.defaultName ?? path.basename(file).replace(/(\.study)?\.(ya?ml|json)$/i, '');
  let name = fileName;
  let displayName: string | undefined;
  const nameE = get('name');
  const written = nameE ? str(ctx, nameE, 'name') : undefined;
  if (written !== undefined && written.trim() !== '') {
    const folder = studyFolderName(written);
    if (folder !== written) displayName = written;
    name = folder ?? studyFolderName(fileName) ?? 'study';
  } else if (!isStudyName(name)) {
    name = studyFolderName(name) ?? 'study';
  }
  const description = get('description') ? str(ctx, get('description')!, 'description') : undefined;

  let sampler = 'auto';
  const methodE = get('method');
  if (methodE) sampler = oneOf(ctx, methodE, 'method', STUDY_FILE_METHODS) ?? sampler;

  const { metric, direction, target, objectives } = readMetric(ctx, get('metric'));
  if (objectives && methodE && !(MULTI_OBJECTIVE_METHODS as readonly string[]).includes(sampler)) {
    ctx.error(methodE.value, `method ${sampler} models one metric; with several (metric: [...]) use ${MULTI_OBJECTIVE_METHODS.filter(m => m !== 'bayes').join(', ')}`);
  }

  const found: ReadParameters = { params: [], constants: {}, layout: {}, keys: new Map() };
  const paramsE = get('parameters');
  if (!paramsE) ctx.error(null, 'parameters is required: the hyperparameters to search, e.g. parameters: {lr: {min: 0.0001, max: 0.1}}');
  else readParameters(ctx, paramsE, [], found);
  if (paramsE && found.params.length === 0 && ctx.issues.length === 0) {
    // Every sampler refuses an empty search space; say so here rather than once the study exists.
    ctx.error(paramsE.value, `parameters has nothing to search: ${Object.keys(found.constants).join(', ')} ${Object.keys(found.constants).length === 1 ? 'is a constant' : 'are constants'} (value:); give at least one parameter values: [...] or min/max`);
  }
  if (sampler === 'grid' && found.params.length > 0) {
    for (const p of gridProblems({ params: found.params })) ctx.error(p.param !== undefined ? found.keys.get(p.param) : methodE!.value, p.param !== undefined ? `parameters.${p.param}: ${p.message}` : `method grid: ${p.message}`);
  }

  let launch = readLaunch(ctx, get, path.dirname(file));
  if (Object.keys(found.layout).length > 0) launch = { ...launch, paramLayout: found.layout };
  let pruner = readPruning(ctx, get('early_terminate'), get('pruner'));
  if (objectives && pruner.type !== 'none') {
    const at = get('pruner') ?? get('early_terminate');
    ctx.warn(at?.pair ?? null, `${get('pruner') ? 'pruner' : 'early_terminate'} is ignored: pruning is off in a study with several metrics (a trial's metrics cannot be ranked step by step)`);
    pruner = { type: 'none' };
  }
  const limits = readLimits(ctx, get);

  const seed = get('seed') ? int(ctx, get('seed')!, 'seed', 0, 2 ** 32 - 1) : undefined;
  // A metric name the built-in line formats cannot read (`val mAP`) is read by a regex for that name.
  const metricRegex = get('metric_regex') ? readMetricRegex(ctx, get('metric_regex')!, metric) : implicitMetricRegex(objectives ? objectives.map(o => o.name) : [metric]);
  const gpus = get('gpus') ? readGpus(ctx, get('gpus')!) : [];
  const retryFailed = get('retry_failed') ? bool(ctx, get('retry_failed')!, 'retry_failed') : undefined;
  let executor: ExecutorConfig = { type: 'local' };
  if (get('executor')) executor = readExecutor(ctx, get('executor')!) ?? executor;

  if (ctx.issues.length) return undefined;
  return {
    name,
    ...(displayName !== undefined ? { displayName } : {}),
    description,
    file,
    space: { params: found.params },
    constants: found.constants,
    direction,
    metric,
    ...(objectives ? { objectives } : {}),
    target,
    sampler,
    seed,
    pruner,
    launch,
    executor,
    limits,
    metricRegex,
    gpus,
    retryFailed,
  };
}

/** The trial's metric reader takes the regex as it is checked here, so every trial would refuse what this refuses. */
function readMetricRegex(ctx: Context, e: Entry, metric: string): string | undefined {
  const metricRegex = str(ctx, e, 'metric_regex');
  if (metricRegex === undefined) return undefined;
  try {
    new RegExp(metricRegex);
  } catch (err) {
    ctx.error(e.value, `metric_regex is not a valid regular expression: ${(err as Error).message}`);
    return metricRegex;
  }
  let reader: MetricRegex;
  try {
    reader = new MetricRegex(metricRegex);
  } catch (err) {
    const group = /^[A-Za-z_$][\w$]*$/.test(metric) ? `; for the objective write (?<${metric}>…)` : '';
    ctx.error(e.value, `metric_regex: ${(err as Error).message}${group}`);
    return metricRegex;
  }
  if (!reader.canRead(metric)) {
    ctx.warn(e.value, `metric_regex has no (?<${metric}>…) group and no (?<name>…)(?<value>…) pair, so it never reads the objective ${metric}; it is read from the usual line formats only`);
  }
  return metricRegex;
}

/**
 * Our `pruner` wins over W&B `early_terminate` when both are given. The pruner is built here once,
 * so whatever the run would refuse is reported now, at the section's position.
 */
function readPruning(ctx: Context, etE: Entry | undefined, prunerE: Entry | undefined): PrunerConfig {
  let pruner: PrunerConfig = { type: 'none' };
  let at: Entry | undefined;
  if (etE) {
    pruner = readEarlyTerminate(ctx, etE) ?? pruner;
    at = etE;
  }
  if (prunerE) {
    if (etE) ctx.warn(prunerE.pair, 'both pruner and early_terminate are given; pruner is used');
    pruner = readPruner(ctx, prunerE) ?? pruner;
    at = prunerE;
  }
  if (at && pruner.type !== 'none' && ctx.issues.length === 0) {
    try {
      createPruner(pruner);
    } catch (err) {
      ctx.error(at.value ?? at.pair, `${at === etE ? 'early_terminate' : 'pruner'}: ${(err as Error).message}`);
    }
  }
  return pruner;
}

/** `trials` / `run_cap`, `parallel`, `trial_timeout` and `flapping`. */
function readLimits(ctx: Context, get: (key: string) => Entry | undefined): StudyConfig['limits'] {
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
  return { trials, parallel, trialTimeoutMs, flapping };
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
  let windowMs: number | undefined = 60_000;
  if (winE) {
    const windowS = num(ctx, winE, 'flapping.window_s');
    windowMs = windowS === undefined ? undefined : checkDurationMs(ctx, winE.value as Scalar, 'flapping.window_s', windowS * 1000);
  }
  if (maxFailures === undefined || windowMs === undefined) return undefined;
  return { maxFailures, windowMs };
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
