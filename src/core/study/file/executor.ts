/**
 * How a study file says trials run: the program or command line, its interpreter, argument style and
 * environment (a `LaunchSpec`), the GPUs handed out to trials, and the executor (local or Slurm).
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { LaunchSpec } from '../../runner/types';
import { extraSbatchProblem, stripSbatchPrefix } from '../../runner/slurm/script';
import type { ExecutorConfig } from '../types';
import { ARG_STYLES, COMMAND_MACROS, STUDY_FILE_KEYS } from './keys';
import { pyScalar, pyScalarText } from './pyyaml';
import { describe, entries, int, oneOf, str, type Context, type Entry } from './yaml';

/** `program`, `interpreter`, `command`, `arg_style` and `env`; trials run in the study file's folder. */
export function readLaunch(ctx: Context, get: (key: string) => Entry | undefined, studyFolder: string): LaunchSpec {
  const launch: { -readonly [K in keyof LaunchSpec]: LaunchSpec[K] } = { cwd: studyFolder };
  const programE = get('program');
  if (programE) launch.program = str(ctx, programE, 'program');
  const interpreterE = get('interpreter');
  if (interpreterE) launch.interpreter = str(ctx, interpreterE, 'interpreter');
  // A sweep file runs as `wandb agent` runs it unless it asks for one of our own formats.
  const argStyleE = get('arg_style');
  launch.argStyle = (argStyleE ? oneOf(ctx, argStyleE, 'arg_style', ARG_STYLES) : undefined) ?? 'wandb';
  const commandE = get('command');
  if (commandE) launch.command = readCommand(ctx, commandE, launch.argStyle === 'wandb');
  if (!programE && !commandE) ctx.error(null, 'program (the training script) or command is required');
  const envE = get('env');
  if (envE) launch.env = readEnv(ctx, envE);
  return launch;
}

/**
 * `command:` as wandb reads it: each item is Python's str() of what PyYAML makes of it (`- 1.0` is
 * "1.0", `- yes` is "True"). Macros that wandb would drop or pass literally are pointed out.
 */
function readCommand(ctx: Context, e: Entry, wandb: boolean): string[] | undefined {
  if (!isSeq(e.value)) {
    ctx.error(e.value ?? e.pair, `command must be a list of arguments, e.g. [\${env}, \${interpreter}, \${program}, \${args}], got ${describe(e.value)}`);
    return undefined;
  }
  const out: string[] = [];
  e.value.items.forEach((item, i) => {
    const node = item as Node;
    if (!isScalar(node)) {
      ctx.error(node, `command[${i}] must be a string, got ${describe(node)}`);
      return;
    }
    const arg = pyScalarText(pyScalar(ctx, node));
    if (wandb) checkMacros(ctx, node, i, arg);
    out.push(arg);
  });
  if (out.length === 0) ctx.error(e.value, 'command must not be empty');
  return out;
}

function checkMacros(ctx: Context, node: Node, i: number, arg: string): void {
  const known = (m: string) => (COMMAND_MACROS as readonly string[]).includes(m);
  const whole = arg.startsWith('${') && arg.endsWith('}') ? arg.slice(2, -1) : undefined;
  if (whole !== undefined && !known(whole) && !whole.startsWith('envvar:')) {
    ctx.warn(node, `command[${i}]: \${${whole}} is not a macro wandb knows, so it is dropped (as wandb agent drops it); known: ${COMMAND_MACROS.map(x => `\${${x}}`).join(' ')} and \${envvar:NAME}`);
    return;
  }
  for (const m of arg.matchAll(/\$\{([^}]*)\}/g)) {
    if (whole === undefined && known(m[1])) ctx.warn(node, `command[${i}]: \${${m[1]}} inside ${JSON.stringify(arg)} is passed literally, as wandb agent passes it; a macro is replaced only when it is a whole item`);
  }
}

function readEnv(ctx: Context, e: Entry): Record<string, string> | undefined {
  if (!isMap(e.value)) {
    ctx.error(e.value ?? e.pair, `env must be a mapping of variable names to values, got ${describe(e.value)}`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of entries(ctx, e.value, 'env', undefined)) {
    const problem = envNameProblem(k);
    if (problem) {
      ctx.error(v.pair.key as Node, `env: ${JSON.stringify(k)} cannot be an environment variable name: ${problem}`);
      continue;
    }
    if (isScalar(v.value) && v.value.value !== null && typeof v.value.value !== 'object') {
      const value = String(v.value.value);
      if (value.includes('\0')) ctx.error(v.value, `env.${k} contains a NUL character, which no environment variable can hold`);
      else out[k] = value;
    } else ctx.error(v.value ?? v.pair, `env.${k} must be a string, got ${describe(v.value)}`);
  }
  return out;
}

/** Why a name cannot be passed as an environment variable (execve takes NAME=value strings, ended by NUL). */
function envNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name.includes('=')) return 'it contains "=" (the environment is a list of NAME=value)';
  if (name.includes('\0')) return 'it contains a NUL character';
  // A key of the object the environment is built in, not data.
  if (name === '__proto__') return 'it is reserved';
  return undefined;
}

export function readGpus(ctx: Context, e: Entry): string[] {
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

const EXECUTOR_FORMS = 'local, slurm or {type: slurm, partition, account, time, cpus_per_task, gpus, mem, array_throttle, sbatch}';

export function readExecutor(ctx: Context, e: Entry): ExecutorConfig | undefined {
  if (isScalar(e.value) && typeof e.value.value === 'string') {
    if (e.value.value === 'local') return { type: 'local' };
    if (e.value.value === 'slurm') return { type: 'slurm', sbatch: [] };
    ctx.error(e.value, `executor must be ${EXECUTOR_FORMS}, got ${describe(e.value)}`);
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
  return readSlurm(ctx, m);
}

/** Slurm's names: partitions (comma-separated for several), accounts. */
const SLURM_NAME = /^[\w.-]+$/;
/** sbatch --time: minutes, M:S, H:M:S, D-H, D-H:M, D-H:M:S, or no limit. */
const SLURM_TIME = /^(?:UNLIMITED|INFINITE|\d+(?::\d{1,2}){0,2}|\d+-\d{1,2}(?::\d{1,2}){0,2})$/i;
/** sbatch --mem: a size with an optional K/M/G/T unit (megabytes without). */
const SLURM_MEM = /^\d+[KMGT]?$/i;
/** sbatch --gpus: a count, or type:count. */
const SLURM_GPUS = /^(?:[\w.-]+:)?\d+$/;

/** The resource requests and submission settings of `executor: {type: slurm, …}`, each checked where it is written. */
function readSlurm(ctx: Context, m: Map<string, Entry>): ExecutorConfig {
  const name = (key: string, what: string, pattern: RegExp) => {
    const entry = m.get(key);
    const v = entry ? str(ctx, entry, `executor.${key}`) : undefined;
    if (v !== undefined && !pattern.test(v)) {
      ctx.error(entry!.value, `executor.${key} must be ${what}, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  };
  const partition = name('partition', 'a partition name (several: comma-separated, no spaces)', /^[\w.-]+(?:,[\w.-]+)*$/);
  const account = name('account', 'an account name (letters, digits, . _ -)', SLURM_NAME);
  const time = scalarText(ctx, m.get('time'), 'time', SLURM_TIME, 'a Slurm time limit: minutes (90), "H:MM:SS" ("01:30:00") or "D-HH:MM:SS" ("2-00:00:00")');
  const mem = scalarText(ctx, m.get('mem'), 'mem', SLURM_MEM, 'a memory size such as 16G, 512M or 16000 (megabytes)');
  let gpus: number | string | undefined;
  const gpusE = m.get('gpus');
  if (gpusE && isScalar(gpusE.value) && typeof gpusE.value.value === 'number') gpus = int(ctx, gpusE, 'executor.gpus', 0) || undefined;
  else if (gpusE) gpus = scalarText(ctx, gpusE, 'gpus', SLURM_GPUS, 'a GPU count (2) or type:count ("a100:2")');
  const cpusE = m.get('cpus_per_task') ?? m.get('cpus');
  if (m.has('cpus')) ctx.warn(m.get('cpus')!.pair, m.has('cpus_per_task') ? 'executor.cpus is ignored: cpus_per_task is set' : 'executor.cpus is now called cpus_per_task (read as cpus_per_task)');
  const cpusPerTask = cpusE ? int(ctx, cpusE, m.has('cpus_per_task') ? 'executor.cpus_per_task' : 'executor.cpus', 1) : undefined;
  const throttleE = m.get('array_throttle');
  const arrayThrottle = throttleE ? int(ctx, throttleE, 'executor.array_throttle', 1) : undefined;
  if (m.has('options')) ctx.warn(m.get('options')!.pair, m.has('sbatch') ? 'executor.options is ignored: sbatch is set' : 'executor.options is now called sbatch (read as sbatch)');
  const sbatchE = m.get('sbatch') ?? m.get('options');
  const sbatch = sbatchE ? readSbatchLines(ctx, sbatchE, m.has('sbatch') ? 'sbatch' : 'options') : [];
  return { type: 'slurm', partition, account, time, cpusPerTask, gpus, mem, arrayThrottle, sbatch };
}

/** A scalar written as a number or a string, checked against a Slurm syntax. */
function scalarText(ctx: Context, e: Entry | undefined, key: string, pattern: RegExp, what: string): string | undefined {
  if (!e) return undefined;
  const v = e.value;
  const text = isScalar(v) && (typeof v.value === 'string' || (typeof v.value === 'number' && Number.isInteger(v.value) && v.value >= 0)) ? String(v.value) : undefined;
  if (text === undefined || !pattern.test(text)) {
    ctx.error(v ?? e.pair, `executor.${key} must be ${what}, got ${describe(v)}`);
    return undefined;
  }
  return text;
}

/** `sbatch:` — more sbatch options, one per item (`--qos=high`, `#SBATCH --constraint=a100`). */
function readSbatchLines(ctx: Context, e: Entry, key: string): string[] {
  if (!isSeq(e.value)) {
    ctx.error(e.value ?? e.pair, `executor.${key} must be a list of sbatch options such as ["--qos=high"], got ${describe(e.value)}`);
    return [];
  }
  const out: string[] = [];
  e.value.items.forEach((item, i) => {
    const node = item as Node;
    if (!isScalar(node) || typeof node.value !== 'string') {
      ctx.error(node, `executor.${key}[${i}] must be a string such as "--qos=high", got ${describe(node)}`);
      return;
    }
    const problem = extraSbatchProblem(node.value);
    if (problem) ctx.error(node, `executor.${key}[${i}]: ${problem}`);
    else out.push(stripSbatchPrefix(node.value));
  });
  return out;
}
