/**
 * A trial's command exactly as `wandb agent` builds it (wandb/sdk/launch/sweeps/utils.py
 * `create_sweep_command` + `create_sweep_command_args`, and the agent's `_command_run` in
 * wandb/wandb_agent.py):
 * - `${envvar:NAME}` anywhere in a token becomes the variable's value (its name when unset);
 * - then a token that starts with `${` and ends with `}` is replaced by a list: `${args}` one
 *   `--name=value` per parameter, `${args_no_equals}` `--name value`, `${args_no_hyphens}` `name=value`,
 *   `${args_no_boolean_flags}` `--name` for true and nothing for false, `${args_json}` one JSON token,
 *   `${args_json_file}` the path of a file with that JSON, `${interpreter}`, `${program}`, `${env}`;
 *   an unknown macro is dropped (`sweep_vars.get(…) or []`), `${args_dict}` gives the parameter names
 *   (Python's `list += dict`). Every other token is passed literally, macros inside it included;
 * - values are Python's `str()` of what the agent receives, parameters in sorted-name order, nested
 *   parameters as one dict-valued parameter;
 * - no `command` (or an empty one) means `${env} ${interpreter} ${program} ${args}`; a command without
 *   an args macro gets no parameters at all.
 */
import { ArgvError } from './argvError';
import { compareCodePoints, isJsonObject, pythonJsonDumps, pythonStr, type JsonValue } from './python';
import type { ParamValue } from '../search/types';
import type { ParamLayout } from './types';

export const WANDB_DEFAULT_COMMAND: readonly string[] = ['${env}', '${interpreter}', '${program}', '${args}'];

/** The macros `wandb agent` replaces when they are a whole token. */
export const WANDB_MACROS = ['env', 'interpreter', 'program', 'args', 'args_no_equals', 'args_no_hyphens', 'args_no_boolean_flags', 'args_json', 'args_json_file', 'args_dict'] as const;

/** The macros that pass parameters; a command with none of them passes none. */
export const WANDB_ARGS_MACROS = ['args', 'args_no_equals', 'args_no_hyphens', 'args_no_boolean_flags', 'args_json', 'args_json_file', 'args_dict'] as const;

/** `create_sweep_command_args`: the parameter lists of every args macro, for parameters in the agent's order. */
export function sweepCommandArgs(args: ReadonlyArray<readonly [string, JsonValue]>): Record<string, string[]> {
  const flags: string[] = [];
  const noHyphens: string[] = [];
  const noBooleans: string[] = [];
  const noEquals: string[] = [];
  const dict: Record<string, JsonValue> = Object.create(null);
  for (const [param, value] of args) {
    const flag = `${param}=${pythonStr(value)}`;
    flags.push(`--${flag}`);
    noHyphens.push(flag);
    noEquals.push(`--${param}`, pythonStr(value));
    if (typeof value === 'boolean') {
      if (value) noBooleans.push(`--${param}`);
    } else noBooleans.push(`--${flag}`);
    dict[param] = value;
  }
  return {
    args: flags,
    args_no_equals: noEquals,
    args_no_hyphens: noHyphens,
    args_no_boolean_flags: noBooleans,
    args_json: [argsJson(args)],
    args_dict: args.map(([name]) => name),
  };
}

/** `json.dumps(flags_dict)`: the parameters in the agent's order (not re-sorted: the order is the agent's). */
export function argsJson(args: ReadonlyArray<readonly [string, JsonValue]>): string {
  const body = args.map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`).join(', ');
  return `{${body}}`;
}

const ENV_VAR_MACRO = /\$\{envvar:([A-Z0-9_]*)\}/g;

/** `create_sweep_command`'s `${envvar:NAME}` replacement (value of NAME, or NAME itself when unset). */
export function expandEnvVarMacros(token: string, env: Readonly<Record<string, string | undefined>>): string {
  return token.replace(ENV_VAR_MACRO, (_m, name: string) => env[name] ?? name);
}

/** The `_command_run` loop: whole-token macros become their lists, every other token stays as it is. */
export function expandSweepCommand(command: readonly string[] | undefined, vars: Readonly<Record<string, readonly string[]>>, env: Readonly<Record<string, string | undefined>>): string[] {
  const template = command && command.length > 0 ? command : WANDB_DEFAULT_COMMAND;
  const out: string[] = [];
  for (const raw of template) {
    const token = expandEnvVarMacros(raw, env);
    if (token.startsWith('${') && token.endsWith('}')) {
      const name = token.slice(2, -1);
      out.push(...(Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : []));
    } else out.push(token);
  }
  return out;
}

/** True when `wandb agent` would pass parameters to this command (no command: the default passes `${args}`). */
export function commandPassesParams(command: readonly string[] | undefined): boolean {
  if (!command || command.length === 0) return true;
  return command.some(t => t.startsWith('${') && t.endsWith('}') && (WANDB_ARGS_MACROS as readonly string[]).includes(t.slice(2, -1)));
}

type Tree = { [key: string]: JsonValue | Tree };

/**
 * The parameters as the agent receives them: each sampled value decoded (a list or mapping choice is
 * carried through the engine as a token, see ParamLayout), nested parameters gathered under their
 * top-level name, and the top-level names sorted.
 */
export function receivedParams(params: Readonly<Record<string, ParamValue>>, layout: Readonly<Record<string, ParamLayout>> | undefined): Array<[string, JsonValue]> {
  const root: Tree = Object.create(null);
  for (const [name, raw] of Object.entries(params)) {
    const spec = layout?.[name];
    const value = decodeValue(name, raw, spec);
    const path = spec?.path && spec.path.length > 0 ? spec.path : [name];
    let node = root;
    for (let i = 0; i < path.length - 1; i++) {
      const existing = node[path[i]];
      if (existing === undefined) {
        const child: Tree = Object.create(null);
        node[path[i]] = child;
        node = child;
      } else if (isJsonObject(existing as JsonValue)) node = existing as Tree;
      else throw new ArgvError(`parameters conflict at ${path.slice(0, i + 1).join(' → ')}: it is both a value and a group of nested parameters`);
    }
    const leaf = path[path.length - 1];
    if (node[leaf] !== undefined) throw new ArgvError(`two parameters are both passed as ${path.join(' → ')}`);
    node[leaf] = value;
  }
  return Object.keys(root)
    .sort(compareCodePoints)
    .map(k => [k, root[k] as JsonValue]);
}

function decodeValue(name: string, raw: ParamValue, spec: ParamLayout | undefined): JsonValue {
  if (typeof raw === 'string' && spec?.values && Object.prototype.hasOwnProperty.call(spec.values, raw)) return spec.values[raw];
  if (typeof raw === 'number' && !Number.isFinite(raw)) throw new ArgvError(`parameter ${name} is ${raw}; only finite numbers can be passed to a trial`);
  return raw;
}
