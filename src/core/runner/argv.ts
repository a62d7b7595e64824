/**
 * Builds the argv of a trial from its LaunchSpec and sampled parameters. argv only: nothing here
 * ever goes through a shell, so a value like `; rm -rf ~` or `$(touch x)` is just text inside one
 * token (CVE-2020-16881 was a shell string built from workspace data).
 *
 * argStyle `wandb` (every study file unless it says otherwise) builds exactly what `wandb agent`
 * builds: see wandb.ts. What follows is this project's own format (argStyle flags, hydra, override-file).
 *
 * Macros (W&B sweep `command` vocabulary):
 * - `${env}`            expands to nothing. W&B puts `/usr/bin/env` there so PATH is searched by
 *                       env; we pass the environment through spawn and resolve the executable to
 *                       an absolute path ourselves (resolve.ts), which `/usr/bin/env` would undo.
 * - `${interpreter}`    the spec's interpreter, else `python3` (`python` on Windows).
 * - `${program}`        the spec's program as an absolute path (resolved against `cwd`), so a
 *                       program named `-c` can never be read as an interpreter option.
 * - `${args}`           one `--name=value` token per parameter.
 * - `${args_no_equals}` `--name` `value`, two tokens per parameter.
 * - `${args_no_boolean_flags}` like `${args}`, but `--name` for true and nothing for false.
 * - `${args_no_hyphens}` one `name=value` token per parameter (Hydra-escaped when argStyle is 'hydra').
 * - `${args_json}`      one token: the parameters as JSON.
 * - `${args_json_file}` path of `params.json` in the trial dir (always written).
 * The list macros (`${env}`, `${args}`, `${args_no_hyphens}`, …) must be whole tokens; the others may
 * sit inside a token (`--config=${args_json_file}`). Any other `${…}` is left alone (Hydra
 * interpolations such as `hydra.run.dir=${now:…}` are the program's business).
 *
 * Value formatting (lossless, one convention everywhere):
 * - numbers: JavaScript's shortest round-trip text (`0.1`, `1e-5`, `-0`). An integral number prints
 *   without a decimal point (`1`, never `1.0`): a sampled float that happens to be integral is
 *   indistinguishable from an int in JS, and Python's `float("1")` and argparse both accept it.
 *   NaN and ±Infinity are refused (JSON cannot carry them and no sampler should produce them).
 * - booleans: `true` / `false` (JSON/YAML/Hydra spelling, not Python's `True`).
 * - null: `null`.
 * - strings: verbatim (Hydra style quotes them when needed, see hydraValue).
 */
import * as path from 'node:path';
import type { ParamValue } from '../search/types';
import { ArgvError } from './argvError';
import type { LaunchSpec } from './types';
import { argsJson, expandSweepCommand, receivedParams, sweepCommandArgs, WANDB_DEFAULT_COMMAND } from './wandb';

export { ArgvError };

/** The command used when the spec has none; parameters follow according to `argStyle`. */
export const DEFAULT_COMMAND: readonly string[] = ['${env}', '${interpreter}', '${program}', '${args}'];

/** Name of the JSON file with the trial's parameters, always written into the trial dir. */
export const PARAMS_FILE = 'params.json';

/** A file the argv refers to; write it (writeTrialFiles) before spawning. */
export interface TrialFile {
  readonly path: string;
  readonly content: string;
}

export interface TrialArgv {
  /** argv[0] is the executable as written; resolve it with `resolveExecutable` before spawning. */
  readonly argv: readonly string[];
  readonly files: readonly TrialFile[];
  /** Absolute path `${program}` expanded to, when used, so the caller can check it exists. */
  readonly programPath?: string;
}

export interface BuildArgvOptions {
  /** Absolute, or relative to `spec.cwd`. */
  readonly trialDir: string;
  /** Decides the default interpreter; `process.platform` by default. */
  readonly platform?: NodeJS.Platform;
  /** The trial's environment, for W&B's `${envvar:NAME}` (process.env merged with the spec's env by default). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

// Linux refuses a single argv string longer than MAX_ARG_STRLEN (32 pages = 128 KiB) with E2BIG,
// and the whole argv + environment must fit in ARG_MAX (often 2 MiB): fail early with a hint instead.
const MAX_TOKEN_BYTES = 128 * 1024 - 1;
const MAX_ARGV_BYTES = 1024 * 1024;

// The names the W&B sweep schema allows (`propertyNames` of `parameters`): a letter or _ first, then
// letters, digits, _, . and -, so dotted paths with numeric parts (`enc.layers.0.lr`) and argparse
// names (`batch-size`) pass. Anything else (a leading `-`, `=`, spaces, `+`/`~` Hydra prefixes) could
// change how the program parses the token, so it is refused rather than escaped.
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const MAX_NAME_LENGTH = 200;

const LIST_MACROS = ['${env}', '${args}', '${args_no_hyphens}', '${args_no_equals}', '${args_no_boolean_flags}'] as const;
const ARGS_MACROS = ['${args}', '${args_no_hyphens}', '${args_no_equals}', '${args_no_boolean_flags}', '${args_json}', '${args_json_file}'];
const SCALAR_MACRO = /\$\{(interpreter|program|args_json|args_json_file)\}/g;

export function defaultInterpreter(platform: NodeJS.Platform = process.platform): string {
  // Windows installs `python.exe` (and the `py` launcher); `python3` there is usually the Store alias.
  return platform === 'win32' ? 'python' : 'python3';
}

/** Throws ArgvError unless `name` is a plain identifier or dotted path (option-injection hygiene). */
export function validateParamName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new ArgvError('a parameter has an empty name');
  if (name.length > MAX_NAME_LENGTH) throw new ArgvError(`parameter name "${name.slice(0, 40)}…" is longer than ${MAX_NAME_LENGTH} characters`);
  if (!PARAM_NAME.test(name)) {
    throw new ArgvError(`parameter name ${JSON.stringify(name)} must start with a letter or _ and hold only letters, digits, _, . and - (as in W&B sweeps); refusing to put it on a command line`);
  }
}

function checkValue(name: string, value: unknown): asserts value is ParamValue {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ArgvError(`parameter ${name} is ${value}; only finite numbers can be passed to a trial`);
    return;
  }
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new ArgvError(`parameter ${name} contains a NUL character, which cannot be passed on a command line`);
    return;
  }
  throw new ArgvError(`parameter ${name} has a value of type ${Array.isArray(value) ? 'array' : typeof value}; only numbers, strings, booleans and null can be passed`);
}

/** The text of a value in `--name=value` / `name=value` tokens (see the conventions above). */
export function formatParamValue(value: ParamValue): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return value;
}

// Hydra's override lexer reads these unquoted words as bool/null/float; a string equal to one must be quoted.
const HYDRA_KEYWORD = /^(true|false|null|inf|nan)$/i;
const HYDRA_PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A value in Hydra's override grammar that Hydra reads back as exactly this value and type.
 * Strings that are not a plain identifier (or that look like true/null/inf/a number) are single-quoted:
 * inside quotes only backslashes directly before a quote (or the closing quote) are special, so those
 * runs are doubled and the quote escaped. `${` is escaped as `\${` so OmegaConf does not interpolate it.
 */
export function hydraValue(value: ParamValue): string {
  if (typeof value !== 'string') return formatParamValue(value);
  if (HYDRA_PLAIN.test(value) && !HYDRA_KEYWORD.test(value)) return value;
  let body = value.replace(/(\\*)\$\{/g, (_m, slashes: string) => `${slashes}${slashes}\\\${`);
  body = body.replace(/(\\*)'/g, (_m, slashes: string) => `${slashes}${slashes}\\'`);
  body = body.replace(/(\\+)$/, (_m, slashes: string) => slashes + slashes);
  return `'${body}'`;
}

function checkedParams(params: Readonly<Record<string, ParamValue>>): Array<[string, ParamValue]> {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new ArgvError('trial parameters must be an object of name → value');
  const entries = Object.entries(params);
  for (const [name, value] of entries) {
    validateParamName(name);
    checkValue(name, value);
  }
  return entries;
}

type NestedValue = ParamValue | { [key: string]: NestedValue };

/** `{ 'model.lr': 0.1 }` → `{ model: { lr: 0.1 } }`, with null-prototype objects so `__proto__` stays data. */
function nest(entries: ReadonlyArray<[string, ParamValue]>): Record<string, NestedValue> {
  const root: Record<string, NestedValue> = Object.create(null);
  for (const [name, value] of entries) {
    const parts = name.split('.');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const existing = node[parts[i]];
      if (existing === undefined) {
        const child: Record<string, NestedValue> = Object.create(null);
        node[parts[i]] = child;
        node = child;
      } else if (existing !== null && typeof existing === 'object') {
        node = existing;
      } else {
        throw new ArgvError(`parameters ${parts.slice(0, i + 1).join('.')} and ${name} conflict: one is a value, the other a section`);
      }
    }
    const leaf = parts[parts.length - 1];
    if (node[leaf] !== undefined) throw new ArgvError(`parameters conflict at ${name}: it is both a value and a section`);
    node[leaf] = value;
  }
  return root;
}

// PyYAML (YAML 1.1, what most Python programs load configs with) reads `1e-7` as a *string*: its
// float pattern needs a dot. Write `1.0e-7` instead; `yes`/`no`/`on`/`off` keys are quoted for the same reason.
function yamlNumber(value: number): string {
  const text = formatParamValue(value);
  return /e/.test(text) && !text.includes('.') ? text.replace('e', '.0e') : text;
}

function yamlScalar(value: ParamValue): string {
  // JSON strings are valid YAML double-quoted scalars and keep "true"/"1"/"null" strings as strings.
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'number' ? yamlNumber(value) : formatParamValue(value);
}

const YAML_PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const YAML_KEYWORD = /^(true|false|null|yes|no|on|off|y|n)$/i;

function yamlKey(key: string): string {
  return YAML_PLAIN_KEY.test(key) && !YAML_KEYWORD.test(key) ? key : JSON.stringify(key);
}

function toYaml(tree: Record<string, NestedValue>, indent = ''): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(tree)) {
    if (value !== null && typeof value === 'object') {
      lines.push(`${indent}${yamlKey(key)}:`, ...toYaml(value, `${indent}  `));
    } else {
      lines.push(`${indent}${yamlKey(key)}: ${yamlScalar(value)}`);
    }
  }
  return lines;
}

/**
 * The argv for one trial. Pure (no I/O): the files it refers to are returned for the caller to write,
 * the executable is not resolved (see resolve.ts). Throws ArgvError on a bad spec or bad params.
 */
export function buildTrialArgv(spec: LaunchSpec, params: Readonly<Record<string, ParamValue>>, options: BuildArgvOptions): TrialArgv {
  if (!spec || typeof spec.cwd !== 'string' || !path.isAbsolute(spec.cwd)) {
    throw new ArgvError(`the study's working directory must be an absolute path, got ${JSON.stringify(spec?.cwd)}`);
  }
  const trialDir = path.resolve(spec.cwd, options.trialDir);
  const argStyle = spec.argStyle ?? 'flags';
  if (argStyle === 'wandb') return checkedArgv(buildWandbArgv(spec, params, trialDir, options));
  const entries = checkedParams(params);
  if (argStyle !== 'flags' && argStyle !== 'hydra' && argStyle !== 'override-file') {
    throw new ArgvError(`unknown argStyle ${JSON.stringify(argStyle)}; use wandb, flags, hydra or override-file`);
  }
  const files: TrialFile[] = [];
  const paramsFile = path.join(trialDir, PARAMS_FILE);
  files.push({ path: paramsFile, content: `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n` });

  const flagTokens = () => entries.map(([name, value]) => `--${name}=${formatParamValue(value)}`);
  const plainTokens = () => entries.map(([name, value]) => `${name}=${argStyle === 'hydra' ? hydraValue(value) : formatParamValue(value)}`);
  const styleTokens = (): string[] => {
    if (argStyle === 'flags') return flagTokens();
    if (argStyle === 'hydra') return entries.map(([name, value]) => `${name}=${hydraValue(value)}`);
    const format = spec.overrideFormat ?? 'yaml';
    const file = path.join(trialDir, format === 'json' ? 'override.json' : 'override.yaml');
    const tree = nest(entries);
    const content = format === 'json' ? `${JSON.stringify(tree, null, 2)}\n` : entries.length ? `${toYaml(tree).join('\n')}\n` : '{}\n';
    files.push({ path: file, content });
    return [file];
  };

  let template: readonly string[];
  let appendStyle = false;
  if (spec.command === undefined) {
    template = DEFAULT_COMMAND.slice(0, 3);
    appendStyle = true;
  } else {
    if (!Array.isArray(spec.command) || spec.command.some(t => typeof t !== 'string')) throw new ArgvError('the study command must be a list of strings');
    if (spec.command.length === 0) throw new ArgvError('the study command is empty');
    template = spec.command;
    appendStyle = !spec.command.some(t => ARGS_MACROS.some(m => t.includes(m)));
  }

  let programPath: string | undefined;
  const interpreter = spec.interpreter ?? defaultInterpreter(options.platform);
  const scalar = (macro: string): string => {
    switch (macro) {
      case 'interpreter':
        if (typeof interpreter !== 'string' || interpreter.trim() === '') throw new ArgvError('the interpreter is empty');
        return interpreter;
      case 'program':
        if (typeof spec.program !== 'string' || spec.program.trim() === '') throw new ArgvError('the command uses ${program} but the study names no program');
        if (spec.program.includes('\0')) throw new ArgvError('the program path contains a NUL character');
        programPath = path.resolve(spec.cwd, spec.program);
        return programPath;
      case 'args_json':
        return JSON.stringify(Object.fromEntries(entries));
      default:
        return paramsFile;
    }
  };

  const argv: string[] = [];
  for (const token of template) {
    if (token === '${env}') continue;
    if (token === '${args}') {
      argv.push(...flagTokens());
      continue;
    }
    if (token === '${args_no_hyphens}') {
      argv.push(...plainTokens());
      continue;
    }
    if (token === '${args_no_equals}') {
      for (const [name, value] of entries) argv.push(`--${name}`, formatParamValue(value));
      continue;
    }
    if (token === '${args_no_boolean_flags}') {
      for (const [name, value] of entries) if (value !== false) argv.push(value === true ? `--${name}` : `--${name}=${formatParamValue(value)}`);
      continue;
    }
    const misplaced = LIST_MACROS.find(m => token.includes(m));
    if (misplaced) throw new ArgvError(`${misplaced} must be a whole command element, found inside ${JSON.stringify(token)}`);
    argv.push(token.replace(SCALAR_MACRO, (_m, name: string) => scalar(name)));
  }
  if (appendStyle) argv.push(...styleTokens());
  return checkedArgv({ argv, files, programPath });
}

/** Refuses an argv that cannot run or cannot be passed to exec (empty, an over-long token, too long in all). */
function checkedArgv(built: TrialArgv): TrialArgv {
  const { argv } = built;
  if (argv.length === 0 || argv[0] === '') throw new ArgvError('the study command expands to no program to run');
  let total = 0;
  for (const token of argv) {
    const bytes = Buffer.byteLength(token);
    total += bytes + 1;
    if (bytes > MAX_TOKEN_BYTES) {
      throw new ArgvError(`a command-line argument is ${bytes} bytes (starts ${JSON.stringify(token.slice(0, 40))}); the limit is ${MAX_TOKEN_BYTES}. Pass big values with \${args_json_file} or argStyle: override-file`);
    }
  }
  if (total > MAX_ARGV_BYTES) throw new ArgvError(`the command line is ${total} bytes, more than ${MAX_ARGV_BYTES}; pass the parameters with \${args_json_file} or argStyle: override-file`);
  return built;
}

/**
 * argStyle `wandb`: the argv `wandb agent` would run (wandb.ts), with two differences that change
 * nothing the program sees: `${interpreter}` is the study's interpreter (the agent's is `python`),
 * and a leading `/usr/bin/env` is dropped because the executable is looked up in the trial's PATH
 * here (resolve.ts), which is what env does. `${args_json_file}` is params.json in the trial folder,
 * holding exactly `${args_json}`.
 */
function buildWandbArgv(spec: LaunchSpec, params: Readonly<Record<string, ParamValue>>, trialDir: string, options: BuildArgvOptions): TrialArgv {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new ArgvError('trial parameters must be an object of name → value');
  for (const name of Object.keys(params)) validateParamName(name);
  const received = receivedParams(params, spec.paramLayout);
  for (const [name] of received) validateParamName(name);
  if (spec.command !== undefined && (!Array.isArray(spec.command) || spec.command.some(t => typeof t !== 'string'))) throw new ArgvError('the study command must be a list of strings');
  const platform = options.platform ?? process.platform;
  const interpreter = spec.interpreter ?? defaultInterpreter(platform);
  const paramsFile = path.join(trialDir, PARAMS_FILE);
  const vars: Record<string, string[]> = { ...sweepCommandArgs(received), interpreter: [interpreter], args_json_file: [paramsFile] };
  if (platform !== 'win32') vars.env = ['/usr/bin/env'];
  let programPath: string | undefined;
  const usesProgram = (spec.command && spec.command.length > 0 ? spec.command : WANDB_DEFAULT_COMMAND).includes('${program}');
  if (typeof spec.program === 'string' && spec.program.trim() !== '') {
    if (spec.program.includes('\0')) throw new ArgvError('the program path contains a NUL character');
    // As written (the agent passes it so), but never as something an interpreter reads as an option.
    vars.program = [spec.program.startsWith('-') ? `./${spec.program}` : spec.program];
    if (usesProgram) programPath = path.resolve(spec.cwd, spec.program);
  } else if (usesProgram) {
    throw new ArgvError('the command uses ${program} but the study names no program');
  }
  const env = options.env ?? { ...process.env, ...spec.env };
  const argv = expandSweepCommand(spec.command, vars, env);
  if (argv[0] === '/usr/bin/env' && argv.length > 1 && !argv[1].includes('=')) argv.shift();
  if (typeof interpreter !== 'string' || interpreter.trim() === '') throw new ArgvError('the interpreter is empty');
  return { argv, files: [{ path: paramsFile, content: argsJson(received) }], programPath };
}
