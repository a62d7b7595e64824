/** `hpstudio detect <path|dir>... [--json]`: what the extension's sidebar shows, on the terminal. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, UsageError, type CliCommand, type CliIO } from '../args';
import { detectDocument, detectWorkspace, diskReader, findVocabularyFile, isNotebookPath, MAX_NOTEBOOK_BYTES, parseVocabulary, type DetectedFile, type Setting, type UserVocabulary } from '../../core/detect';

const usage = `Usage: hpstudio detect <path|dir>... [--json] [--max-size-kb N] [--exclude NAME]... [--vocabulary FILE]

Finds the hyperparameters in ML config files and training scripts (Hydra, Lightning CLI,
HF TrainingArguments, DeepSpeed, Ultralytics, mmengine, Detectron2, argparse, Optuna, Ray Tune,
W&B sweeps, NNI, Katib, XGBoost/LightGBM, TOML, axolotl, RL Zoo, DVC, …).

A directory is scanned recursively (skipping .git, node_modules, virtualenvs, __pycache__,
dist, build, .hpstudio); only files with settings are listed. A file named explicitly is
always listed.

Options:
  --json            machine-readable output: {"files":[{"path","format","settings":[…]}]}
                    with 0-based LSP positions of each key; in a notebook (.ipynb)
                    each setting has "cell" (0-based) and positions inside that cell
  --max-size-kb N   skip files larger than N KB (default 1024); for a notebook the
                    limit applies to its code cells (outputs are never read)
  --exclude NAME    also skip directories with this name (repeatable)
  --vocabulary FILE your own names (default: the nearest .hpstudio/vocabulary.yaml above
                    the first path): key → canonical id, or not a hyperparameter

Exit codes: 0 all paths read, 1 a path does not exist, 2 usage error.
`;

function jsonSetting(s: Setting): Record<string, unknown> {
  return {
    key: s.key,
    name: s.name,
    canonical: s.canonical,
    kind: s.kind,
    value: s.value === undefined ? null : s.value,
    raw: s.raw,
    line: s.range.line,
    character: s.range.character,
    endLine: s.range.endLine,
    endCharacter: s.range.endCharacter,
    ...(s.search ? { search: s.search } : {}),
    ...(s.framework ? { framework: s.framework } : {}),
    ...(s.optimizer ? { optimizer: s.optimizer } : {}),
    ...(s.origin ? { origin: s.origin } : {}),
    ...(s.aliases ? { aliases: s.aliases } : {}),
    ...(s.cell !== undefined ? { cell: s.cell } : {}),
    ...(s.alsoAt ? { alsoAt: s.alsoAt } : {}),
    ...(s.taught ? { taught: s.taught } : {}),
  };
}

function shown(value: unknown, s: Setting): string {
  if (s.search) {
    const d = s.search;
    if (d.type === 'categorical') return `choice of ${d.choices?.length ?? 0}: ${JSON.stringify(d.choices ?? []).slice(0, 40)}`;
    return `${d.log ? 'log ' : ''}${d.type} [${d.low ?? '?'}, ${d.high ?? '?'}]${d.step !== undefined ? ` step ${d.step}` : ''}`;
  }
  if (s.origin?.kind === 'auto') return 'auto';
  if (s.origin?.kind === 'mandatory') return '??? (required)';
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? 'null';
  const ref = s.origin?.kind === 'reference' ? ` ← ${s.origin.text}` : s.origin?.kind === 'schedule' ? ` (${s.raw})` : '';
  const full = `${text}${ref}`;
  return full.length > 48 ? `${full.slice(0, 45)}...` : full;
}

function table(files: readonly DetectedFile[], cwd: string): string {
  const out: string[] = [];
  for (const f of files) {
    const rel = path.relative(cwd, f.path) || f.path;
    out.push(`${rel}  [${f.format ?? 'not an ML config'}]${f.error ? `  error: ${f.error}` : ''}${f.warning ? `  warning: ${f.warning}` : ''}`);
    if (f.settings.length === 0) continue;
    const at = (s: Setting) => `${s.cell !== undefined ? `cell ${s.cell} ` : ''}${s.range.line + 1}:${s.range.character + 1}`;
    const rows = f.settings.map(s => [s.key, s.canonical ?? '-', s.kind, shown(s.value, s), at(s)]);
    const widths = [0, 1, 2, 3].map(i => Math.min(48, Math.max(...rows.map(r => r[i].length), ['key', 'canonical', 'kind', 'value'][i].length)));
    const line = (r: string[]) => `  ${r.slice(0, 4).map((c, i) => c.padEnd(widths[i])).join('  ')}  ${r[4] ?? ''}`.trimEnd();
    out.push(line(['key', 'canonical', 'kind', 'value', 'at']));
    for (const r of rows) out.push(line(r));
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** The vocabulary file to apply: --vocabulary, else the nearest one above the first path. Problems go to stderr. */
function loadVocabulary(explicit: string | undefined, firstPath: string, io: CliIO): { vocabulary?: UserVocabulary; root?: string } {
  const file = explicit ? path.resolve(io.cwd, explicit) : findVocabularyFile(fs.existsSync(firstPath) && fs.statSync(firstPath).isDirectory() ? firstPath : path.dirname(firstPath));
  if (!file) return {};
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    io.stderr.write(`hpstudio detect: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    return {};
  }
  const vocabulary = parseVocabulary(text);
  const shown = path.relative(io.cwd, file) || file;
  for (const p of vocabulary.problems) io.stderr.write(`hpstudio detect: ${shown}:${p.line + 1}: ${p.message}\n`);
  // The folder holding `.hpstudio/` is the workspace root that `files:` globs are relative to.
  return { vocabulary, root: path.dirname(path.dirname(file)) };
}

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, { json: { type: 'flag' }, 'max-size-kb': { type: 'number' }, exclude: { type: 'string', multiple: true }, vocabulary: { type: 'string' } });
  if (args.positional.length === 0) throw new UsageError('give at least one file or directory');
  const maxKb = args.options['max-size-kb'];
  if (maxKb !== undefined && (typeof maxKb !== 'number' || maxKb <= 0)) throw new UsageError('--max-size-kb needs a positive number');
  const maxBytes = typeof maxKb === 'number' ? Math.floor(maxKb * 1024) : undefined;
  const exclude = (args.options.exclude as string[] | undefined) ?? [];
  const { vocabulary, root } = loadVocabulary(args.options.vocabulary as string | undefined, path.resolve(io.cwd, args.positional[0]), io);
  const read = diskReader(maxBytes ?? 1024 * 1024);
  const files: DetectedFile[] = [];
  let missing = 0;
  for (const p of args.positional) {
    if (io.signal.aborted) break;
    const full = path.resolve(io.cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      io.stderr.write(`hpstudio detect: ${p}: no such file or directory\n`);
      missing++;
      continue;
    }
    if (stat.isDirectory()) {
      files.push(...detectWorkspace(full, { maxBytes, exclude, signal: io.signal, vocabulary }));
    } else if (isNotebookPath(full) && stat.size > MAX_NOTEBOOK_BYTES) {
      files.push({ path: full, format: null, settings: [], error: `notebook is ${(stat.size / 1024 / 1024).toFixed(0)} MB, above the ${MAX_NOTEBOOK_BYTES / 1024 / 1024} MB limit; not read` });
    } else if (!isNotebookPath(full) && maxBytes !== undefined && stat.size > maxBytes) {
      files.push({ path: full, format: null, settings: [], error: `file is larger than ${maxKb} KB; not parsed` });
    } else if (!isNotebookPath(full) && stat.size > (maxBytes ?? 1024 * 1024)) {
      // Never read a huge file just to decline it.
      files.push({ path: full, format: null, settings: [], error: `file is ${(stat.size / 1024 / 1024).toFixed(1)} MB, above the detection limit (--max-size-kb); not parsed` });
    } else {
      let text: string;
      try {
        text = fs.readFileSync(full, 'utf8');
      } catch (err) {
        files.push({ path: full, format: null, settings: [], error: `cannot read: ${err instanceof Error ? err.message : String(err)}` });
        continue;
      }
      // The editor's detection: mmengine `_base_` files and LazyConfig imports, and the vocabulary.
      files.push(detectDocument(full, text, { maxBytes, force: true, read, vocabulary, relativePath: path.relative(root ?? io.cwd, full) }));
    }
  }
  if (args.options.json) {
    const payload = { files: files.map(f => ({ path: f.path, format: f.format, settings: f.settings.map(jsonSetting), ...(f.error ? { error: f.error } : {}), ...(f.warning ? { warning: f.warning } : {}), ...(f.notebook ? { notebook: f.notebook } : {}) })) };
    io.stdout.write(`${JSON.stringify(payload)}\n`);
  } else {
    io.stdout.write(files.length > 0 ? table(files, io.cwd) : 'No ML configuration found.\n');
  }
  return missing > 0 ? 1 : 0;
}

export const detectCommand: CliCommand = {
  name: 'detect',
  summary: 'find the hyperparameters in config files and training scripts',
  usage,
  run,
};
