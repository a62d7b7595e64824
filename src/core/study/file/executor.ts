/**
 * How a study file says trials run: the program or command line, its interpreter, argument style and
 * environment (a `LaunchSpec`), the GPUs handed out to trials, and the executor (local or Slurm).
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { LaunchSpec } from '../../runner/types';
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
    if (isScalar(v.value) && v.value.value !== null && typeof v.value.value !== 'object') out[k] = String(v.value.value);
    else ctx.error(v.value ?? v.pair, `env.${k} must be a string, got ${describe(v.value)}`);
  }
  return out;
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

export function readExecutor(ctx: Context, e: Entry): ExecutorConfig | undefined {
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
