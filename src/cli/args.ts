/** A small, strict argv parser shared by every `hpstudio` sub-command. */

export class UsageError extends Error {}

export interface OptionSpec {
  /** `flag` takes no value; `string`/`number` take one (`--x v` or `--x=v`). */
  readonly type: 'flag' | 'string' | 'number';
  readonly short?: string;
  /** May be given several times; the values are collected in order. */
  readonly multiple?: boolean;
}

export interface ParsedArgs {
  readonly positional: string[];
  readonly options: Record<string, string | number | boolean | Array<string | number>>;
}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, OptionSpec>>): ParsedArgs {
  const positional: string[] = [];
  const options: ParsedArgs['options'] = {};
  const byShort = new Map(Object.entries(spec).filter(([, s]) => s.short).map(([name, s]) => [s.short as string, name]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const rawName = arg.startsWith('--') ? arg.slice(2, eq > 0 ? eq : undefined) : byShort.get(arg.slice(1, eq > 0 ? eq : undefined)) ?? '';
    const name = rawName;
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option ${eq > 0 ? arg.slice(0, eq) : arg}`);
    let value: string | number | boolean;
    if (s.type === 'flag') {
      if (eq > 0) throw new UsageError(`option --${name} takes no value`);
      value = true;
    } else {
      const text = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (text === undefined) throw new UsageError(`option --${name} needs a value`);
      if (s.type === 'number') {
        const n = Number(text);
        if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`option --${name} needs a number, got "${text}"`);
        value = n;
      } else {
        value = text;
      }
    }
    if (s.multiple) {
      const list = (options[name] as Array<string | number> | undefined) ?? [];
      list.push(value as string | number);
      options[name] = list;
    } else {
      options[name] = value;
    }
  }
  return { positional, options };
}

/** Where a command writes; injected so tests can capture output without spawning a process. */
export interface CliIO {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly cwd: string;
  /** Aborted on Ctrl-C (SIGINT/SIGTERM): long-running commands stop their work and flush. */
  readonly signal: AbortSignal;
  /** Aborted on a second Ctrl-C: stop child processes without a grace period (still wait until they are gone). */
  readonly killSignal?: AbortSignal;
}

export interface CliCommand {
  readonly name: string;
  /** One line for `hpstudio --help`. */
  readonly summary: string;
  /** Full usage text for `hpstudio <name> --help`. */
  readonly usage: string;
  /** Resolves to the process exit code. Throw `UsageError` for bad arguments (exit 2). */
  run(argv: readonly string[], io: CliIO): Promise<number>;
}
