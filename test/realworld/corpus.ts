/**
 * The real-world detection corpus (test/fixtures/realworld): public config files with hand-written
 * labels, and the scoring used by the unit test and by `npm run bench` (recall with the right
 * canonical id, share of non-hyperparameter lines labelled `hyperparameter`, non-ML files with any
 * hyperparameter, wrong formats, crashes). Split into a tuned part and a held-out part.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DetectedFile, Setting } from '../../src/core/detect';

export const REALWORLD = path.resolve(__dirname, '../fixtures/realworld');

/** Formats that never claim an ecosystem: always acceptable. */
const GENERIC_FORMATS = new Set(['ml-yaml', 'ml-json', 'ml-toml', 'ml-ini', 'python', 'argparse', 'dataclass']);

export interface LabelRow {
  readonly line: number;
  readonly name: string;
  /** Acceptable canonical ids; empty for "not a hyperparameter". */
  readonly ids: readonly string[];
  readonly ambiguous: boolean;
}

export interface LabelledFile {
  /** Path relative to the corpus root (`owner__repo/path`). */
  readonly fixture: string;
  readonly file: string;
  readonly split: 'tuned' | 'heldout';
  readonly negative: boolean;
  /** Acceptable formats, or undefined for any. */
  readonly formats?: ReadonlySet<string>;
  readonly rows: readonly LabelRow[];
}

function walk(dir: string, out: string[]): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if (e.name.endsWith('.labels')) out.push(full);
  }
  return out;
}

export function parseLabels(labelsPath: string): LabelledFile {
  const file = labelsPath.slice(0, -'.labels'.length);
  const rows: LabelRow[] = [];
  let split: LabelledFile['split'] = 'tuned';
  let negative = false;
  let formats: Set<string> | undefined;
  for (const raw of fs.readFileSync(labelsPath, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^(split|negative|formats):\s*(.*)$/.exec(line);
    if (header) {
      if (header[1] === 'split') split = header[2] === 'heldout' ? 'heldout' : 'tuned';
      else if (header[1] === 'negative') negative = header[2] === 'true';
      else if (header[2] !== 'any') formats = new Set(header[2].split(/\s+/));
      continue;
    }
    const [n, name, label] = line.split(/\s+/);
    rows.push({ line: Number(n), name, ids: label === '-' || label === '?' ? [] : label.split('|'), ambiguous: label === '?' });
  }
  return { fixture: path.relative(REALWORLD, file), file, split, negative, formats, rows };
}

export function loadCorpus(): LabelledFile[] {
  return walk(REALWORLD, []).sort().map(parseLabels);
}

const norm = (s: string) => s.replace(/^-+/, '').replace(/[-\s]/g, '_').replace(/\{[^}]*\}/g, '').toLowerCase();

function namesOf(s: Setting): string[] {
  const last = s.key.split(/[.[\]]/).filter(Boolean).pop() ?? s.key;
  return [s.name, last, ...(s.aliases ?? [])].map(norm);
}

export interface Score {
  files: number;
  hyperparameters: number;
  foundWithId: number;
  foundAny: number;
  nonHyperparameters: number;
  mislabelled: number;
  negativeFiles: number;
  negativeFilesWithHp: number;
  wrongFormats: number;
  errors: number;
  /** Hyperparameter reports on lines nobody labelled (label gaps). */
  unlabelled: number;
  misses: string[];
  mislabels: string[];
  formatErrors: string[];
}

export function emptyScore(): Score {
  return { files: 0, hyperparameters: 0, foundWithId: 0, foundAny: 0, nonHyperparameters: 0, mislabelled: 0, negativeFiles: 0, negativeFilesWithHp: 0, wrongFormats: 0, errors: 0, unlabelled: 0, misses: [], mislabels: [], formatErrors: [] };
}

/** Scores one detected file against its labels, adding to `score`. */
export function scoreFile(labels: LabelledFile, detected: DetectedFile, score: Score): void {
  score.files++;
  if (detected.error) score.errors++;
  const own = detected.settings.filter(s => s.origin?.kind !== 'inherited');
  const hps = own.filter(s => s.kind === 'hyperparameter');
  if (labels.negative) {
    score.negativeFiles++;
    if (hps.length > 0) {
      score.negativeFilesWithHp++;
      score.mislabels.push(`${labels.fixture}: non-ML file has ${hps.length} hyperparameters (${hps.slice(0, 3).map(s => s.key).join(', ')})`);
    }
    return;
  }
  if (labels.formats && detected.format && !labels.formats.has(detected.format) && !GENERIC_FORMATS.has(detected.format)) {
    score.wrongFormats++;
    score.formatErrors.push(`${labels.fixture}: format ${detected.format}, expected ${[...labels.formats].join(' or ')}`);
  }
  const byLine = new Map<number, Setting[]>();
  for (const s of own) {
    // A setting answers on every place that names it (pattern 8: the dict key around a suggest call).
    for (const line of new Set([s.range.line, ...(s.alsoAt ?? []).map(r => r.line)])) {
      const list = byLine.get(line + 1) ?? [];
      list.push(s);
      byLine.set(line + 1, list);
    }
  }
  const rowsPerLine = new Map<number, number>();
  for (const r of labels.rows) rowsPerLine.set(r.line, (rowsPerLine.get(r.line) ?? 0) + 1);
  const labelledLines = new Set(labels.rows.map(r => r.line));
  for (const r of labels.rows) {
    if (r.ambiguous) continue;
    const onLine = byLine.get(r.line) ?? [];
    let matched = onLine.filter(s => namesOf(s).includes(norm(r.name)));
    if (matched.length === 0 && rowsPerLine.get(r.line) === 1 && r.name !== '<<') matched = onLine;
    const where = `${labels.fixture}:${r.line} ${r.name}`;
    if (r.ids.length > 0) {
      score.hyperparameters++;
      const hp = matched.filter(s => s.kind === 'hyperparameter');
      if (hp.length > 0) score.foundAny++;
      if (hp.some(s => s.canonical !== null && r.ids.includes(s.canonical))) score.foundWithId++;
      else score.misses.push(`${where}: want ${r.ids.join('|')}, got ${matched.map(s => `${s.canonical ?? 'null'}/${s.kind}`).join(', ') || 'nothing'}`);
    } else {
      score.nonHyperparameters++;
      const bad = matched.filter(s => s.kind === 'hyperparameter');
      if (bad.length > 0) {
        score.mislabelled++;
        score.mislabels.push(`${where}: not a hyperparameter, got ${bad.map(s => s.canonical ?? 'null').join(', ')}`);
      }
    }
  }
  for (const s of hps) if (!labelledLines.has(s.range.line + 1)) score.unlabelled++;
}

export function percent(n: number, d: number): string {
  return d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`;
}

export function summary(name: string, s: Score): string {
  return [
    `${name}: ${s.files} files (${s.negativeFiles} non-ML)`,
    `  hyperparameters found with an acceptable id: ${percent(s.foundWithId, s.hyperparameters)} (${s.foundWithId}/${s.hyperparameters}; ${percent(s.foundAny, s.hyperparameters)} with any id)`,
    `  non-hyperparameter lines labelled hyperparameter: ${percent(s.mislabelled, s.nonHyperparameters)} (${s.mislabelled}/${s.nonHyperparameters})`,
    `  non-ML files with any hyperparameter: ${s.negativeFilesWithHp}/${s.negativeFiles}`,
    `  wrong formats: ${s.wrongFormats}; crashes/parse errors: ${s.errors}; hyperparameters on unlabelled lines: ${s.unlabelled}`,
  ].join('\n');
}
