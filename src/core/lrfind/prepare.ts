/**
 * The lr-find's study file for what the user points at: an lr-find study file runs as it is; a study
 * file (W&B sweep or ours) gets `<base>.lrfind.study.yaml` beside it, derived from it; a config gets
 * the lr-find of the study file that tunes it (one in its folder whose `# source:` names it), else one
 * for the program that trains with it (given, from .vscode/launch.json, or guessed). The file is written
 * once and reused: running the lr-find again resumes it. Shared by `hpstudio lr-find` and the editor.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { matchSetting } from '../apply/applyBest';
import { detectFile } from '../detect';
import type { DetectedFile } from '../detect/types';
import type { ParamValue } from '../search/types';
import { guessLaunch, looksLikeStudy, studySource, type LaunchConfiguration, type LaunchGuess } from '../study/studyDraft';
import { loadStudyFile } from '../study/studyFile';
import type { StudyConfig } from '../study/types';
import { configLearningRate, configRange, LrFindInputError, studyLearningRate, type LrRange } from './source';
import { DEFAULT_MAX_REPORTS, defaultPoints, LR_FIND, LRFIND_FILE_SUFFIX } from './spec';
import { deriveLrStudy, renderLrStudy, type LrStudyOptions } from './studyText';

export interface PrepareLrFindOptions {
  /** The study file, lr-find study file or config (absolute). */
  readonly input: string;
  /** The workspace folder (a guessed training script is looked for up to here). */
  readonly workspace: string;
  readonly param?: string;
  readonly range?: { readonly low: number; readonly high: number };
  readonly points?: number;
  readonly maxReports?: number;
  readonly parallel?: number;
  /** Metric of a new study file for a config (default `loss`). */
  readonly metric?: string;
  /** Program of a new study file for a config, relative to the config's folder. */
  readonly program?: string;
  /** Write the study file anew (under a new name when the old one's study exists). */
  readonly fresh?: boolean;
  /** Run a guessed training script without asking (the CLI says so in a note; the editor asks first). */
  readonly acceptGuess?: boolean;
  readonly launchConfigurations?: readonly LaunchConfiguration[];
  /** Whether a study of this name already has a journal (to pick a fresh name). */
  readonly studyExists?: (name: string) => boolean;
  readonly date?: string;
}

export interface PreparedLrFind {
  readonly studyFile: string;
  /** The file was written now (else an earlier one is reused, and its study resumes). */
  readonly created: boolean;
  readonly config: StudyConfig;
  /** What was decided on the user's behalf (guessed program, where the range came from…). */
  readonly notes: readonly string[];
}

/** The training script was only guessed; the editor asks before running it. */
export class LaunchGuessError extends LrFindInputError {
  constructor(readonly guess: LaunchGuess | undefined, message: string) {
    super(message);
  }
}

const explicit = (o: PrepareLrFindOptions) => o.param !== undefined || o.range !== undefined || o.points !== undefined || o.maxReports !== undefined || o.metric !== undefined || o.program !== undefined;

/** `<dir>/<base>.lrfind.study.yaml` for a study file or config. */
export function lrFindFileFor(file: string): string {
  const base = path.basename(file).replace(/(\.study)?\.(ya?ml|json|toml|py|jsonc|cfg|ini|conf)$/i, '');
  return path.join(path.dirname(file), `${base}${LRFIND_FILE_SUFFIX}`);
}

/**
 * What an input is to the lr-find, before anything is written: an lr-find study file, a study file, a
 * config whose study file will be used, a config that needs a new study file (its program and metric
 * to be chosen), or one whose lr-find file exists already.
 */
export function lrFindInputKind(input: string, param?: string): 'lrfind' | 'study' | 'config-study' | 'config' | 'existing' {
  const text = fs.readFileSync(input, 'utf8');
  if (looksLikeStudy(input, text)) return loadStudyFile(input).config.sampler === LR_FIND ? 'lrfind' : 'study';
  const detected = detectFile(input, text);
  if (!detected.error) {
    try {
      const setting = configLearningRate(detected, param);
      const flag = setting.name.startsWith('-') ? [setting.name.replace(/^-+/, '')] : [];
      if (studyTuning(input, [setting.key, setting.name, ...flag])) return 'config-study';
    } catch {
      /* prepareLrFind says what is wrong */
    }
  }
  return fs.existsSync(lrFindFileFor(input)) ? 'existing' : 'config';
}

export function prepareLrFind(options: PrepareLrFindOptions): PreparedLrFind {
  const input = path.resolve(options.input);
  let text: string;
  try {
    text = fs.readFileSync(input, 'utf8');
  } catch {
    throw new LrFindInputError(`cannot read ${input}`);
  }
  if (looksLikeStudy(input, text)) {
    const config = loadStudyFile(input).config;
    if (config.sampler === LR_FIND) {
      if (explicit(options) || options.fresh) throw new LrFindInputError(`${path.basename(input)} is an lr-find already: edit it (range, trials, pruner.max_reports) and run it again`);
      return { studyFile: input, created: false, config, notes: [] };
    }
    return fromStudy(input, text, config, options);
  }
  if (/\.ipynb$/i.test(input)) throw new LrFindInputError('an lr-find of a notebook runs through its study file: create one with "Tune Hyperparameters in This Notebook…", then find the learning rate of that study file');
  return fromConfig(input, text, options);
}

/** Reuses an existing lr-find file, or says how to replace it. */
function existing(out: string, options: PrepareLrFindOptions, notes: string[]): PreparedLrFind | undefined {
  if (options.fresh || !fs.existsSync(out)) return undefined;
  if (explicit(options)) throw new LrFindInputError(`${path.basename(out)} exists already (an earlier lr-find); edit it, or pass --fresh to write it anew with these options`);
  notes.push(`using ${path.basename(out)}, written earlier (its study resumes; --fresh writes it anew)`);
  return { studyFile: out, created: false, config: loadStudyFile(out).config, notes };
}

function freshName(base: string, options: PrepareLrFindOptions): string {
  if (!options.fresh || !options.studyExists) return base;
  for (let i = 2; ; i++) {
    const name = i === 2 && !options.studyExists(base) ? base : `${base}-${i}`;
    if (!options.studyExists(name)) return name;
  }
}

function write(out: string, text: string, options: PrepareLrFindOptions, notes: string[]): PreparedLrFind {
  fs.writeFileSync(out, text, { flag: options.fresh ? 'w' : 'wx' });
  // The file must load as written; if not, that is our bug, with the parser's message.
  const config = loadStudyFile(out).config;
  return { studyFile: out, created: true, config, notes };
}

function common(options: PrepareLrFindOptions, param: string, range: LrRange, name: string, metric: string): LrStudyOptions {
  const { low, high } = options.range ?? range;
  if (!(low > 0 && high > low)) throw new LrFindInputError(`the range must be 0 < low < high, got ${low} … ${high}`);
  return {
    name,
    param,
    low,
    high,
    points: options.points ?? defaultPoints(low, high),
    maxReports: options.maxReports ?? DEFAULT_MAX_REPORTS,
    parallel: options.parallel,
    rangeSource: options.range ? 'as given' : range.source,
    date: options.date ?? new Date().toISOString().slice(0, 10),
    metric,
  };
}

function fromStudy(input: string, text: string, config: StudyConfig, options: PrepareLrFindOptions, via?: { note: string; param: string }): PreparedLrFind {
  const fromConfigNote = via?.note;
  const notes: string[] = fromConfigNote ? [fromConfigNote] : [];
  const out = lrFindFileFor(input);
  const reused = existing(out, options, notes);
  if (reused) return reused;
  const found = studyLearningRate(config.space, path.basename(input), via?.param ?? options.param);
  const range = found.range ?? (options.range ? { ...options.range, source: 'as given' } : undefined);
  if (!range) throw new LrFindInputError(`${found.name} in ${path.basename(input)} has no positive range; give one with --range "1e-5 .. 1"`);
  const source = studySource(text);
  const fixed = fixedFromSource(config, found.name, source ? path.resolve(path.dirname(input), source) : undefined, notes);
  const o: LrStudyOptions = { ...common(options, found.name, range, freshName(`${config.name}-lrfind`, options), config.metric), source, study: path.basename(input), fixed };
  return write(out, deriveLrStudy(text, o), options, notes);
}

/** Values the config gives the study's other searched parameters; the ones it does not set keep the program's defaults. */
function fixedFromSource(config: StudyConfig, lr: string, sourceFile: string | undefined, notes: string[]): Record<string, ParamValue> {
  const others = config.space.params.map(p => p.name).filter(n => n !== lr);
  if (others.length === 0) return {};
  const detected = sourceFile ? readDetected(sourceFile) : undefined;
  const fixed: Record<string, ParamValue> = {};
  const defaults: string[] = [];
  for (const name of others) {
    const setting = detected ? matchSetting(detected.settings, name) : undefined;
    const v = setting?.value;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') fixed[name] = v;
    else defaults.push(name);
  }
  if (Object.keys(fixed).length) notes.push(`the study's other parameters are fixed at the config's values: ${Object.entries(fixed).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
  if (defaults.length) notes.push(`not passed, so the program's defaults apply: ${defaults.join(', ')}`);
  return fixed;
}

function readDetected(file: string): DetectedFile | undefined {
  try {
    const detected = detectFile(file, fs.readFileSync(file, 'utf8'));
    return detected.error ? undefined : detected;
  } catch {
    return undefined;
  }
}

/** A study file in the config's folder whose `# source:` is this config and which searches this setting. */
function studyTuning(configFile: string, keys: readonly string[]): { file: string; text: string; config: StudyConfig; param: string } | undefined {
  const dir = path.dirname(configFile);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter(n => /(\.study\.ya?ml|^sweep.*\.ya?ml)$/i.test(n) && !n.endsWith(LRFIND_FILE_SUFFIX)).sort();
  } catch {
    return undefined;
  }
  for (const n of names) {
    const file = path.join(dir, n);
    try {
      const text = fs.readFileSync(file, 'utf8');
      const source = studySource(text);
      if (!source || path.resolve(dir, source) !== configFile) continue;
      const config = loadStudyFile(file).config;
      const param = config.space.params.find(p => keys.includes(p.name))?.name;
      if (param && config.sampler !== LR_FIND) return { file, text, config, param };
    } catch {
      /* an unreadable study file is not the one */
    }
  }
  return undefined;
}

function fromConfig(input: string, text: string, options: PrepareLrFindOptions): PreparedLrFind {
  const detected = detectFile(input, text);
  if (detected.error) throw new LrFindInputError(`cannot read ${path.basename(input)}: ${detected.error}`);
  const setting = configLearningRate(detected, options.param);
  const flagName = setting.name.startsWith('-') ? setting.name.replace(/^-+/, '') : undefined;
  const keys = [setting.key, setting.name, ...(flagName ? [flagName] : [])];
  if (options.program === undefined) {
    const study = studyTuning(input, keys);
    // The config's setting is the study's parameter: found, not asked for, so an earlier lr-find is reused.
    if (study) return fromStudy(study.file, study.text, study.config, { ...options, param: undefined }, { param: study.param, note: `trials run as ${path.basename(study.file)} runs them (it tunes ${path.basename(input)})` });
  }
  const notes: string[] = [];
  const out = lrFindFileFor(input);
  const reused = existing(out, options, notes);
  if (reused) return reused;
  const launch = options.program !== undefined ? programLaunch(options.program, input, detected) : guessLaunch({ configFile: input, workspace: options.workspace, detected, launchConfigurations: options.launchConfigurations ?? [], exists: f => fs.existsSync(f) });
  if (!launch) throw new LaunchGuessError(undefined, `cannot tell which program trains with ${path.basename(input)}; pass --program FILE (relative to its folder)`);
  if (launch.needsConfirmation && !options.acceptGuess) throw new LaunchGuessError(launch, `trials would run ${launch.program} (${launch.basis}); confirm it or pass --program FILE`);
  if (launch.needsConfirmation) notes.push(`trials run ${launch.program}: ${launch.basis} (pass --program to choose another)`);
  const param = launch.argStyle === 'flags' && flagName ? flagName : setting.key;
  const range = configRange(setting, detected);
  notes.push(`range of ${param}: ${options.range ? 'as given' : range.source}`);
  const name = freshName(`${path.basename(out, LRFIND_FILE_SUFFIX).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'config'}-lrfind`, options);
  const o: LrStudyOptions = { ...common(options, param, range, name, options.metric ?? 'loss'), source: path.basename(input) };
  return write(out, renderLrStudy(launch, o), options, notes);
}

function programLaunch(program: string, configFile: string, detected: DetectedFile): LaunchGuess {
  const ext = path.extname(program).toLowerCase();
  const script = /\.(py|js|mjs|cjs)$/i.test(configFile);
  const hydra = detected.format === 'hydra' || /\.ya?ml$/i.test(configFile);
  return {
    program,
    command: ['.js', '.mjs', '.cjs'].includes(ext) ? ['${env}', 'node', '${program}', '${args}'] : undefined,
    argStyle: script ? 'flags' : hydra ? 'hydra' : 'override-file',
    basis: `${program}, as given`,
    needsConfirmation: false,
  };
}
