import { commands } from './commands/index';
import { UsageError, type CliIO } from './args';

declare const HPSTUDIO_VERSION: string; // injected by scripts/build.mjs from package.json

const version = typeof HPSTUDIO_VERSION === 'string' ? HPSTUDIO_VERSION : '0.0.0-dev';

function helpText(): string {
  const width = Math.max(8, ...commands.map(c => c.name.length));
  const lines = [
    `hpstudio ${version} — find, explain and tune hyperparameters (Hyperparameter Studio's CLI)`,
    '',
    'Usage: hpstudio <command> [options]',
    '',
    'Commands:',
    ...commands.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show this help (or `hpstudio <command> --help`)',
    '  -V, --version  print the version',
    '',
  ];
  return lines.join('\n');
}

/** Runs the CLI and resolves to the exit code; never calls process.exit itself (testable). */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    if (first === 'help' && rest[0]) return runCli([rest[0], '--help'], io);
    io.stdout.write(helpText());
    return 0;
  }
  if (first === '-V' || first === '--version') {
    io.stdout.write(`${version}\n`);
    return 0;
  }
  const entry = commands.find(c => c.name === first);
  if (!entry) {
    const hint = first.startsWith('-') ? `unknown option ${first}` : `unknown command "${first}"`;
    io.stderr.write(`hpstudio: ${hint} (see \`hpstudio --help\`)\n`);
    return 2;
  }
  const command = entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`hpstudio ${command.name}: ${err.message} (see \`hpstudio ${command.name} --help\`)\n`);
      return 2;
    }
    io.stderr.write(`hpstudio ${command.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
