/**
 * "Tune Hyperparameters in This File…" without the UI: which detected settings can be tuned, over
 * which range (the search domain written in the file, else the knowledge base's typical range around
 * the current value), how trials are launched, and the study file text. Free of `vscode` so the whole
 * draft is unit-tested; the command only adds the QuickPicks.
 */
import { implicitMetricRegex, suggestedMetricLine } from '../metrics/suggest';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { DetectedFile, Setting } from '../detect/types';
import { findEntry, getEntry, selectRange, type KnowledgeEntry } from '../knowledge';

export type ParamRange =
  | { readonly type: 'float'; readonly low: number; readonly high: number; readonly log: boolean }
  | { readonly type: 'int'; readonly low: number; readonly high: number; readonly log: boolean }
  | { readonly type: 'categorical'; readonly choices: readonly (string | number | boolean)[] };

export interface TuneCandidate {
  /** The setting's dotted key in the file (`model.lr`). */
  readonly key: string;
  /** Parameter name in the study file: what the program is given (`model.lr` for Hydra, `batch-size` for `--batch-size`). */
  readonly param: string;
  readonly canonical: string | null;
  readonly value: unknown;
  readonly range: ParamRange;
  /** Where the range came from, for the QuickPick detail. */
  readonly rangeSource: 'file' | 'knowledge' | 'value';
  /** 0 = most impactful; used to order the list and pre-select the first few. */
  readonly rank: number;
  readonly preselected: boolean;
  /** 0-based line of the setting (for the CodeLens / reveal). */
  readonly line: number;
}

/**
 * Tuning priority by canonical id: learning rate first, then batch size, regularisation, then
 * architecture. Ids not listed rank after these, in file order.
 */
const IMPACT_ORDER = [
  'learning_rate',
  'batch_size',
  'weight_decay',
  'dropout',
  'momentum',
  'warmup_steps',
  'warmup_ratio',
  'label_smoothing',
  'max_depth',
  'num_leaves',
  'n_estimators',
  'min_child_weight',
  'subsample',
  'colsample_bytree',
  'hidden_size',
  'num_layers',
  'adam_beta1',
  'adam_beta2',
  'gradient_clip',
  'max_grad_norm',
];
/** How many of the most impactful settings the QuickPick selects for the user. */
export const PRESELECT_COUNT = 4;
/** Settings that are rarely worth a search even though they are hyperparameters (the budget, the seed). */
const NOT_PRESELECTED = new Set(['epochs', 'max_epochs', 'max_steps', 'num_train_epochs', 'seed']);

/** Parameter names the runner accepts (see argv.ts `validateParamName`): identifiers, dotted paths, inner `-`. */
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*(?:\.[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)*$/;

function tidy(n: number): number {
  return Number(n.toPrecision(3));
}

function entryFor(setting: Setting): KnowledgeEntry | undefined {
  if (setting.canonical) {
    const byId = getEntry(setting.canonical);
    if (byId) return byId;
  }
  const found = findEntry(setting.name, { framework: setting.framework, optimizer: setting.optimizer, key: setting.key });
  return found.status === 'found' ? found.entry : undefined;
}

/** Powers of two from `low` to `high` (inclusive where they are powers of two). */
function powersOfTwo(low: number, high: number): number[] {
  const out: number[] = [];
  for (let p = 2 ** Math.ceil(Math.log2(Math.max(1, low))); p <= high; p *= 2) out.push(p);
  return out;
}

function fromSearchDomain(setting: Setting): ParamRange | undefined {
  const s = setting.search;
  if (!s) return undefined;
  if (s.type === 'categorical') {
    const choices = (s.choices ?? []).filter((c): c is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof c));
    return choices.length >= 2 ? { type: 'categorical', choices } : undefined;
  }
  if (s.low === undefined || s.high === undefined || !(s.low < s.high)) return undefined;
  return { type: s.type, low: s.low, high: s.high, log: s.log === true && s.low > 0 };
}

/** A range around the current value when nothing better is known: ×/÷ 10 for floats, ×/÷ 2 for ints. */
function fromValue(value: unknown): ParamRange | undefined {
  if (typeof value === 'boolean') return { type: 'categorical', choices: [true, false] };
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined;
  if (Number.isInteger(value)) return value >= 2 ? { type: 'int', low: Math.max(1, Math.floor(value / 2)), high: value * 2, log: true } : undefined;
  return { type: 'float', low: tidy(value / 10), high: tidy(value * 10), log: true };
}

function fromKnowledge(entry: KnowledgeEntry, setting: Setting): ParamRange | undefined {
  const range = selectRange(entry, { framework: setting.framework, optimizer: setting.optimizer });
  const value = typeof setting.value === 'number' && Number.isFinite(setting.value) ? setting.value : undefined;
  if (range.scale === 'bool') return { type: 'categorical', choices: [true, false] };
  if (range.scale === 'categorical' || range.scale === 'list') {
    return range.choices && range.choices.length >= 2 ? { type: 'categorical', choices: range.choices } : undefined;
  }
  if (range.low === undefined || range.high === undefined || !(range.low < range.high)) return undefined;
  let { low, high } = range;
  const integer = entry.valid?.integer === true || range.scale === 'int' || range.scale === 'log2' || (value !== undefined && Number.isInteger(value) && Number.isInteger(low) && Number.isInteger(high));
  if (range.scale === 'log2') {
    // Powers of two near the current value: a batch size search over 1…4096 wastes most trials.
    if (value !== undefined && value > 0) {
      low = Math.max(low, value / 8);
      high = Math.min(high, value * 4);
    }
    const choices = powersOfTwo(low, high);
    return choices.length >= 2 ? { type: 'categorical', choices } : { type: 'int', low: range.low, high: range.high, log: true };
  }
  const log = range.scale === 'log' && low > 0;
  // Typical ranges span every use of a setting (lr 1e-6 – 1); around a value the user chose, a
  // narrower window is a better first search. It stays inside the typical range.
  if (log && value !== undefined && value > 0 && high / low > 1e4) {
    low = Math.max(low, value / 30);
    high = Math.min(high, value * 30);
  }
  if (integer) {
    low = Math.ceil(low);
    high = Math.floor(high);
    if (!(low < high)) return undefined;
    return { type: 'int', low, high, log: log && low >= 1 };
  }
  return { type: 'float', low: tidy(low), high: tidy(high), log };
}

/** The parameter name a program understands: the flag for scripts, the dotted key for configs. */
function paramName(setting: Setting, style: 'flags' | 'hydra' | 'override-file'): string {
  if (style === 'flags' && setting.name.startsWith('-')) return setting.name.replace(/^-+/, '');
  return setting.key;
}

/** The tunable settings of a detected file, most impactful first; the first few are pre-selected. */
export function tuneCandidates(file: DetectedFile, style: 'flags' | 'hydra' | 'override-file'): TuneCandidate[] {
  const out: Array<Omit<TuneCandidate, 'rank' | 'preselected'> & { order: number; impact: number }> = [];
  file.settings.forEach((setting, order) => {
    if (setting.kind !== 'hyperparameter') return;
    const param = paramName(setting, style);
    if (!PARAM_NAME.test(param)) return;
    const entry = entryFor(setting);
    let range = fromSearchDomain(setting);
    let rangeSource: TuneCandidate['rangeSource'] = 'file';
    if (!range && entry) {
      range = fromKnowledge(entry, setting);
      rangeSource = 'knowledge';
    }
    if (!range) {
      range = fromValue(setting.value);
      rangeSource = 'value';
    }
    if (!range) return;
    const id = setting.canonical ?? entry?.id ?? '';
    const known = IMPACT_ORDER.indexOf(id);
    const impact = NOT_PRESELECTED.has(id) ? 1000 : known >= 0 ? known : 100;
    out.push({ key: setting.key, param, canonical: setting.canonical, value: setting.value, range, rangeSource, line: setting.range.line, order, impact });
  });
  out.sort((a, b) => a.impact - b.impact || a.order - b.order);
  // The same parameter twice (argparse aliases, repeated keys) would be a duplicate key in the study file.
  const seen = new Set<string>();
  const unique = out.filter(c => !seen.has(c.param) && seen.add(c.param));
  return unique.map(({ order: _order, impact, ...c }, rank) => ({ ...c, rank, preselected: rank < PRESELECT_COUNT && impact < 1000 }));
}

export function describeRange(range: ParamRange): string {
  if (range.type === 'categorical') return `one of ${range.choices.map(c => JSON.stringify(c)).join(', ')}`;
  return `${range.type} ${range.low} – ${range.high}${range.log ? ' (log scale)' : ''}`;
}

/**
 * Parses a range the user typed in the follow-up input box: `1e-5 .. 1e-2 log`, `16-256`,
 * `8, 16, 32`. Returns the range or an error message for the input box.
 */
export function parseRangeInput(text: string, previous: ParamRange): ParamRange | string {
  const t = text.trim();
  if (t.length === 0) return 'enter a range such as "1e-5 .. 1e-2 log" or a list such as "8, 16, 32"';
  if (t.length > 2000) return 'that is too long for a range';
  const numeric = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(?:\.\.|–|—|\bto\b)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(log|linear)?$/i.exec(t);
  if (numeric) {
    const low = Number(numeric[1]);
    const high = Number(numeric[2]);
    if (!(low < high)) return `the low end (${low}) must be below the high end (${high})`;
    const log = numeric[3] ? numeric[3].toLowerCase() === 'log' : previous.type !== 'categorical' && previous.log;
    if (log && low <= 0) return 'a log-scale range needs a positive low end';
    const integer = previous.type === 'int' && Number.isInteger(low) && Number.isInteger(high);
    return integer ? { type: 'int', low, high, log } : { type: 'float', low, high, log };
  }
  const parts = t.split(',').map(s => s.trim()).filter(Boolean);
  if (parts.length < 2) return 'give a range "low .. high" (add "log" for a log scale) or at least two comma-separated choices';
  if (parts.length > 1000) return 'at most 1000 choices';
  const choices = parts.map(p => (/^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(p) ? Number(p) : p === 'true' ? true : p === 'false' ? false : p.replace(/^["']|["']$/g, '')));
  if (new Set(choices.map(c => JSON.stringify(c))).size !== choices.length) return 'the choices must be different from each other';
  return { type: 'categorical', choices };
}

export interface LaunchGuess {
  /** `program:` of the study file, relative to the study file's folder. */
  readonly program: string;
  /** `command:` when the default (`${env} ${interpreter} ${program} ${args}`) does not fit. */
  readonly command?: readonly string[];
  readonly argStyle: 'flags' | 'hydra' | 'override-file';
  /** What the guess is based on, shown to the user. */
  readonly basis: string;
  /** A guess the user should confirm before trials run (a Hydra/YAML config's training script). */
  readonly needsConfirmation: boolean;
}

/** A debug configuration from `.vscode/launch.json`, as far as the guess needs it. */
export interface LaunchConfiguration {
  readonly name?: string;
  readonly type?: string;
  readonly request?: string;
  readonly program?: string;
  readonly args?: unknown;
  readonly module?: string;
}

const SCRIPT_INTERPRETERS: Readonly<Record<string, string>> = { '.py': '${interpreter}', '.js': 'node', '.mjs': 'node', '.cjs': 'node' };

/** The program as the study file writes it: relative to the study file's folder, with `/`. */
function relativeProgram(studyDir: string, program: string): string {
  return path.relative(studyDir, program).split(path.sep).join('/');
}

function commandFor(programFile: string, fixedArgs: readonly string[] = []): readonly string[] | undefined {
  const ext = path.extname(programFile).toLowerCase();
  const interpreter = SCRIPT_INTERPRETERS[ext];
  if (interpreter === '${interpreter}' && fixedArgs.length === 0) return undefined; // the default command
  return ['${env}', interpreter ?? '${interpreter}', '${program}', ...fixedArgs, '${args}'];
}

/** Replaces the launch.json variables a program path uses most: `${workspaceFolder}`, `${file}`. */
function expandLaunchVariables(text: string, workspace: string, configFile: string): string | undefined {
  const expanded = text
    .replace(/\$\{workspaceFolder\}/g, workspace)
    .replace(/\$\{workspaceRoot\}/g, workspace)
    .replace(/\$\{file\}/g, configFile)
    .replace(/\$\{fileDirname\}/g, path.dirname(configFile));
  if (/\$\{[^}]*\}/.test(expanded)) return undefined; // a variable we cannot know here
  return path.resolve(workspace, expanded);
}

export interface GuessLaunchInput {
  readonly configFile: string;
  readonly workspace: string;
  readonly detected: DetectedFile;
  readonly launchConfigurations: readonly LaunchConfiguration[];
  /** Probes the disk; injected for tests. */
  readonly exists: (file: string) => boolean;
}

/**
 * How trials of a study for this file start. A script (argparse, or any .py/.js) runs itself with
 * flags; otherwise a python/node launch configuration's program; otherwise, for a Hydra/YAML config,
 * the nearest `train.py` with Hydra overrides — a guess the user confirms.
 */
export function guessLaunch(input: GuessLaunchInput): LaunchGuess | undefined {
  const { configFile, workspace } = input;
  const studyDir = path.dirname(configFile);
  const ext = path.extname(configFile).toLowerCase();
  if (ext in SCRIPT_INTERPRETERS) {
    return { program: path.basename(configFile), command: commandFor(configFile), argStyle: 'flags', basis: `${path.basename(configFile)} itself, with --name=value flags`, needsConfirmation: false };
  }
  for (const conf of input.launchConfigurations) {
    if (!conf.program || !['python', 'debugpy', 'node', 'pwa-node'].includes(conf.type ?? '')) continue;
    const program = expandLaunchVariables(conf.program, workspace, configFile);
    if (!program || program === configFile) continue;
    const fixedArgs = Array.isArray(conf.args) ? conf.args.filter((a): a is string => typeof a === 'string' && !/\$\{/.test(a)) : [];
    const hydra = input.detected.format === 'hydra' || ['.yaml', '.yml'].includes(ext);
    return {
      program: relativeProgram(studyDir, program),
      command: commandFor(program, fixedArgs) ?? (fixedArgs.length ? ['${env}', '${interpreter}', '${program}', ...fixedArgs, '${args}'] : undefined),
      argStyle: hydra && path.extname(program) === '.py' ? 'hydra' : 'flags',
      basis: `the launch configuration "${conf.name ?? conf.program}" in .vscode/launch.json`,
      needsConfirmation: false,
    };
  }
  // Walk up from the config towards the workspace root looking for the usual training entry points.
  for (let dir = studyDir; ; dir = path.dirname(dir)) {
    for (const name of ['train.py', 'main.py', 'run.py']) {
      const candidate = path.join(dir, name);
      if (input.exists(candidate)) {
        const hydra = input.detected.format === 'hydra' || ['.yaml', '.yml'].includes(ext);
        return {
          program: relativeProgram(studyDir, candidate),
          argStyle: hydra ? 'hydra' : 'override-file',
          basis: `a guess: ${path.relative(workspace, candidate) || name} with ${hydra ? 'Hydra overrides (key=value)' : 'an override file'}`,
          needsConfirmation: true,
        };
      }
    }
    if (dir === workspace || path.dirname(dir) === dir || !dir.startsWith(workspace)) break;
  }
  return undefined;
}

export interface StudyDraftInput {
  readonly name: string;
  /** The config file, relative to the study file (recorded in the header so the CodeLens finds the study). */
  readonly source: string;
  readonly launch: LaunchGuess;
  readonly params: readonly { readonly param: string; readonly range: ParamRange }[];
  readonly metric: string;
  readonly goal: 'minimize' | 'maximize';
  readonly trials: number;
  readonly parallel: number;
  /** GPU ids handed out round-robin to trials (the `hpstudio.tuning.gpus` setting); none: no `gpus:` key. */
  readonly gpus?: readonly string[];
  /** ISO date for the header (injected so output is reproducible). */
  readonly date: string;
}

/** Header line the CodeLens reads to tie a study file to the config it tunes. */
export const SOURCE_COMMENT = '# source: ';

function distribution(range: ParamRange): Record<string, unknown> {
  if (range.type === 'categorical') return { values: [...range.choices] };
  if (range.type === 'int') return range.log ? { distribution: 'q_log_uniform_values', min: range.low, max: range.high, q: 1 } : { distribution: 'int_uniform', min: range.low, max: range.high };
  return range.log ? { distribution: 'log_uniform_values', min: range.low, max: range.high } : { distribution: 'uniform', min: range.low, max: range.high };
}

/** The study file text: W&B-sweep compatible, with a comment header saying where it came from. */
export function renderStudyFile(input: StudyDraftInput): string {
  if (input.params.length === 0) throw new Error('select at least one hyperparameter to tune');
  const doc: Record<string, unknown> = {
    name: input.name,
    description: `Tunes ${input.source}`,
    program: input.launch.program,
  };
  if (input.launch.command) doc.command = [...input.launch.command];
  doc.arg_style = input.launch.argStyle;
  doc.method = 'auto';
  doc.metric = { name: input.metric, goal: input.goal };
  doc.parameters = Object.fromEntries(input.params.map(p => [p.param, distribution(p.range)]));
  doc.trials = input.trials;
  doc.parallel = input.parallel;
  if (input.gpus && input.gpus.length > 0) doc.gpus = [...input.gpus];
  doc.pruner = { type: 'median' };
  const header = [
    `# Study generated by Hyperparameter Studio on ${input.date}.`,
    `${SOURCE_COMMENT}${input.source}`,
    `# Launch: ${input.launch.basis}.`,
    `# Trials must print the metric "${input.metric}" (e.g. ${suggestedMetricLine(input.metric, implicitMetricRegex(input.metric))}); edit the ranges, then Start.`,
    '',
  ];
  return header.join('\n') + stringify(doc, { lineWidth: 0, flowCollectionPadding: false });
}

/** Reads the `# source:` header of a study file (the config it was generated for), if any. */
export function studySource(text: string): string | undefined {
  for (const line of text.split(/\r?\n/, 10)) {
    if (line.startsWith(SOURCE_COMMENT)) return line.slice(SOURCE_COMMENT.length).trim() || undefined;
  }
  return undefined;
}

/** A study name from a file name: `configs/train.yaml` → `train` (only characters the study file allows). */
export function studyNameFor(configFile: string): string {
  const base = path.basename(configFile).replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return (base || 'study').slice(0, 90);
}

/** Where the study file goes: `<config dir>/<name>.study.yaml`, numbered if taken. */
export function studyFilePath(configFile: string, exists: (file: string) => boolean): string {
  const dir = path.dirname(configFile);
  const name = studyNameFor(configFile);
  for (let i = 1; ; i++) {
    const candidate = path.join(dir, i === 1 ? `${name}.study.yaml` : `${name}-${i}.study.yaml`);
    if (!exists(candidate)) return candidate;
  }
}

/** True for text that looks like a study file: `*.study.yaml`, or a sweep with `program` and `parameters`. */
export function isStudyFileName(file: string): boolean {
  const base = path.basename(file).toLowerCase();
  return /\.study\.ya?ml$/.test(base) || /^sweep.*\.ya?ml$/.test(base);
}

export function looksLikeStudy(file: string, text: string): boolean {
  if (/\.study\.ya?ml$/i.test(file)) return true;
  if (!isStudyFileName(file)) return false;
  return /^program\s*:/m.test(text) && /^parameters\s*:/m.test(text);
}
