/** `hpstudio check <paths…>`: the editor's hyperparameter diagnostics as a CI linter (text, JSON, SARIF). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, UsageError, type CliCommand, type CliIO } from '../args';
import { detectFile, listFiles, DEFAULT_MAX_BYTES } from '../../core/detect';
import { diagnose, RULES, type Finding, type Severity } from '../../core/diagnostics';
import { toSarif, type LocatedFinding } from '../../core/diagnostics/sarif';

declare const HPSTUDIO_VERSION: string; // injected by scripts/build.mjs from package.json
const version = typeof HPSTUDIO_VERSION === 'string' ? HPSTUDIO_VERSION : '0.0.0-dev';

const usage = `Usage: hpstudio check <path|dir>... [--json | --format text|json|sarif] [--rule ID]...
                      [--fail-on error|warning] [--exclude NAME]...

Reports the same hyperparameter diagnostics as the editor's Problems panel, for CI and pre-commit
hooks: values a library rejects or that break training (errors), values outside what published
recipes use (warnings, with the range and its source), deprecated keys and settings another one
overrides (notes). A directory is checked recursively (YAML, JSON, TOML, Python, .conf/.cfg/.ini;
skipping .git, node_modules, virtualenvs, build output).

Options:
  --json              an array of {path, line, character, endLine, endCharacter, severity, rule,
                      message, fix?} with 0-based positions (fix: {title, edits}); same as --format json
  --format FORMAT     text (default), json, or sarif (SARIF 2.1.0 for GitHub code scanning)
  --rule ID           only report this rule (repeatable); rules: ${Object.keys(RULES).join(', ')}
  --fail-on LEVEL     exit 1 on errors (default) or on warnings too
  --exclude NAME      also skip directories with this name (repeatable)

Exit codes: 0 no errors (warnings and notes allowed), 1 errors found (or warnings with
--fail-on warning), 2 bad arguments or a path that could not be read.
`;

/** The editor analyses these documents; the linter checks the same ones. */
const CHECKED_EXT = /\.(ya?ml|jsonc?|toml|py|conf|cfg|ini)$/i;

interface CheckedFile {
  readonly path: string;
  readonly findings: readonly Finding[];
}

/** Path as printed and as the SARIF artifact URI: relative to the working directory, `/`-separated. */
function displayPath(full: string, cwd: string): string {
  const rel = path.relative(cwd, full);
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : full).split(path.sep).join('/');
}

/** One file through the same detection and `diagnose()` the editor runs on an open document. */
function checkFile(full: string, io: CliIO): CheckedFile | string {
  let text: string;
  try {
    const size = fs.statSync(full).size;
    if (size > DEFAULT_MAX_BYTES) {
      io.stderr.write(`hpstudio check: ${displayPath(full, io.cwd)}: skipped, larger than ${DEFAULT_MAX_BYTES / 1024} KB (the editor does not analyse it either)\n`);
      return { path: full, findings: [] };
    }
    text = fs.readFileSync(full, 'utf8');
  } catch (err) {
    return `${displayPath(full, io.cwd)}: cannot read: ${err instanceof Error ? err.message : String(err)}`;
  }
  return { path: full, findings: diagnose(detectFile(full, text), text) };
}

function filesOf(arg: string, io: CliIO, exclude: readonly string[]): string[] | string {
  const full = path.resolve(io.cwd, arg);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch {
    return `${arg}: no such file or directory`;
  }
  if (!stat.isDirectory()) return [full];
  return listFiles(full, { exclude, signal: io.signal }).filter(f => CHECKED_EXT.test(f)).sort();
}

function jsonFinding(file: string, f: Finding): Record<string, unknown> {
  return {
    path: file,
    line: f.range.line,
    character: f.range.character,
    endLine: f.range.endLine,
    endCharacter: f.range.endCharacter,
    severity: f.severity,
    rule: f.code,
    message: f.message,
    ...(f.fix ? { fix: { title: f.fix.title, edits: f.fix.edits.map(e => ({ line: e.range.line, character: e.range.character, endLine: e.range.endLine, endCharacter: e.range.endCharacter, newText: e.newText })) } } : {}),
  };
}

function textReport(files: readonly CheckedFile[], cwd: string): string {
  const out: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const file of files) {
    for (const f of file.findings) {
      counts[f.severity]++;
      out.push(`${displayPath(file.path, cwd)}:${f.range.line + 1}:${f.range.character + 1}  ${f.severity.padEnd(7)}  ${f.message}  [${f.code}]`);
      if (f.fix) out.push(`    quick fix: ${f.fix.title}`);
    }
  }
  const total = counts.error + counts.warning + counts.info;
  const withProblems = files.filter(f => f.findings.length > 0).length;
  out.push(total === 0
    ? `No problems in ${files.length} file${files.length === 1 ? '' : 's'}.`
    : `${total} problem${total === 1 ? '' : 's'} (${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} note${counts.info === 1 ? '' : 's'}) in ${withProblems} of ${files.length} files.`);
  return `${out.join('\n')}\n`;
}

function parse(argv: readonly string[]) {
  const args = parseArgs(argv, {
    json: { type: 'flag' },
    format: { type: 'string' },
    rule: { type: 'string', multiple: true },
    'fail-on': { type: 'string' },
    exclude: { type: 'string', multiple: true },
  });
  if (args.positional.length === 0) throw new UsageError('give at least one file or directory');
  const format = args.options.json ? 'json' : String(args.options.format ?? 'text');
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, got "${format}"`);
  if (args.options.json && args.options.format !== undefined && args.options.format !== 'json') throw new UsageError('--json and --format disagree');
  const failOn = String(args.options['fail-on'] ?? 'error');
  if (failOn !== 'error' && failOn !== 'warning') throw new UsageError(`--fail-on must be error or warning, got "${failOn}"`);
  const rules = (args.options.rule as string[] | undefined) ?? [];
  const unknown = rules.filter(r => !(r in RULES));
  if (unknown.length) throw new UsageError(`unknown rule ${unknown.join(', ')} (rules: ${Object.keys(RULES).join(', ')})`);
  return { paths: args.positional, format, failOn, rules, exclude: (args.options.exclude as string[] | undefined) ?? [] };
}

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const options = parse(argv);
  const checked: CheckedFile[] = [];
  let unreadable = 0;
  for (const arg of options.paths) {
    const files = filesOf(arg, io, options.exclude);
    if (typeof files === 'string') {
      io.stderr.write(`hpstudio check: ${files}\n`);
      unreadable++;
      continue;
    }
    for (const file of files) {
      if (io.signal.aborted) break;
      const result = checkFile(file, io);
      if (typeof result === 'string') {
        io.stderr.write(`hpstudio check: ${result}\n`);
        unreadable++;
      } else {
        checked.push(options.rules.length ? { ...result, findings: result.findings.filter(f => options.rules.includes(f.code)) } : result);
      }
    }
  }
  const located: LocatedFinding[] = checked.flatMap(c => c.findings.map(finding => ({ path: displayPath(c.path, io.cwd), finding })));
  if (options.format === 'json') io.stdout.write(`${JSON.stringify(located.map(l => jsonFinding(l.path, l.finding)), null, 2)}\n`);
  else if (options.format === 'sarif') io.stdout.write(`${JSON.stringify(toSarif(located, { version, rules: RULES }), null, 2)}\n`);
  else io.stdout.write(textReport(checked, io.cwd));
  if (unreadable > 0) return 2;
  const failing = located.some(l => l.finding.severity === 'error' || (options.failOn === 'warning' && l.finding.severity === 'warning'));
  return failing ? 1 : 0;
}

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'lint hyperparameter configs like the editor does (text, JSON or SARIF; exit 1 on errors)',
  usage,
  run,
};
