/**
 * The user's vocabulary (`.hpstudio/vocabulary.yaml`): names a lab uses that no rule set knows,
 * mapped to canonical ids or marked as no hyperparameter, optionally only in some files or formats.
 * Editor and CLI both apply it after detection. A bad entry becomes a problem with its line; the
 * good entries still apply, and nothing here throws.
 *
 *   vocabulary:
 *     - key: nhid            # key, keyword or flag; case, `-` and `_` do not matter; `*` `?` wildcards
 *       id: hidden_size      # a canonical id of docs/hyperparameters.md
 *     - key: dropout_sched
 *       hyperparameter: false
 *       files: "models/**"   # optional glob, relative to the workspace folder
 *       format: argparse     # optional: only files detected in this format
 */
import type { Node as YamlNode } from 'yaml';
import type { DetectedFile, Setting } from './types';
import { canonicalKind, knownCanonicalIds, normaliseName } from './vocabulary';

export const VOCABULARY_FILE = '.hpstudio/vocabulary.yaml';
const MAX_BYTES = 256 * 1024;
const MAX_ENTRIES = 5000;
const FIELDS = new Set(['key', 'id', 'hyperparameter', 'files', 'format']);

export interface VocabularyEntry {
  /** 0-based line of the entry in the vocabulary file. */
  readonly line: number;
  readonly key: string;
  /** Canonical id, or null for "not a hyperparameter". */
  readonly id: string | null;
  readonly files?: string;
  readonly format?: string;
  readonly matchesKey: (name: string) => boolean;
  readonly matchesFile?: (path: string) => boolean;
}

export interface VocabularyProblem {
  readonly line: number;
  readonly message: string;
}

export interface UserVocabulary {
  readonly entries: readonly VocabularyEntry[];
  readonly problems: readonly VocabularyProblem[];
}

export const EMPTY_VOCABULARY: UserVocabulary = { entries: [], problems: [] };

const norm = (name: string) => normaliseName(name).replace(/^-+/, '');

function globToRegExp(glob: string, anchoredPath: boolean): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += anchoredPath ? '[^/]*' : '.*';
    else if (c === '?') re += anchoredPath ? '[^/]' : '.';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(anchoredPath ? `(^|/)${re}$` : `^${re}$`, 'i');
}

/** Parses the vocabulary file's text. Never throws; problems carry their 0-based line. */
export function parseVocabulary(text: string): UserVocabulary {
  if (text.length > MAX_BYTES) return { entries: [], problems: [{ line: 0, message: `the vocabulary file is larger than ${MAX_BYTES / 1024} KB; it is ignored` }] };
  // Loaded here, not at start-up: most runs have no vocabulary file.
  const { isMap, isSeq, LineCounter, parseDocument } = require('yaml') as typeof import('yaml');
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 0 : counter.linePos(offset).line - 1);
  const problems: VocabularyProblem[] = doc.errors.map(e => ({ line: lineOf(e.pos?.[0]), message: `YAML: ${e.message.split('\n')[0]}` }));
  if (problems.length > 0) return { entries: [], problems };
  const root = doc.contents;
  if (root === null || root === undefined) return EMPTY_VOCABULARY;
  const list = isMap(root) ? root.get('vocabulary', true) : undefined;
  if (!isSeq(list)) return { entries: [], problems: [{ line: lineOf((root as YamlNode).range?.[0]), message: 'expected a top-level `vocabulary:` list of entries' }] };
  const known = knownCanonicalIds();
  const entries: VocabularyEntry[] = [];
  for (const item of list.items.slice(0, MAX_ENTRIES)) {
    const line = lineOf((item as YamlNode | null)?.range?.[0]);
    const entry = isMap(item) ? readEntry(item.toJSON() as Record<string, unknown>, line, known, problems) : undefined;
    if (!isMap(item)) problems.push({ line, message: 'an entry must be a mapping with `key:` and `id:` (or `hyperparameter: false`)' });
    if (entry) entries.push(entry);
  }
  if (list.items.length > MAX_ENTRIES) problems.push({ line: lineOf(list.range?.[0]), message: `only the first ${MAX_ENTRIES} entries are used` });
  return { entries, problems };
}

function readEntry(raw: Record<string, unknown>, line: number, known: ReadonlySet<string>, problems: VocabularyProblem[]): VocabularyEntry | undefined {
  const before = problems.length;
  for (const field of Object.keys(raw)) if (!FIELDS.has(field)) problems.push({ line, message: `unknown field \`${field}\` (use key, id, hyperparameter, files, format)` });
  const key = raw.key;
  if (typeof key !== 'string' || !key.trim()) problems.push({ line, message: '`key` must be a non-empty name or pattern' });
  const id = raw.id;
  const notHp = raw.hyperparameter === false;
  if (id !== undefined && (typeof id !== 'string' || !known.has(id))) {
    problems.push({ line, message: `unknown canonical id ${JSON.stringify(id)}; the ids are listed in docs/hyperparameters.md` });
  }
  if (id === undefined && !notHp) problems.push({ line, message: 'give `id:` (a canonical id) or `hyperparameter: false`' });
  if (id !== undefined && notHp) problems.push({ line, message: '`id` and `hyperparameter: false` contradict each other' });
  if (raw.hyperparameter !== undefined && typeof raw.hyperparameter !== 'boolean') problems.push({ line, message: '`hyperparameter` must be true or false' });
  for (const f of ['files', 'format'] as const) if (raw[f] !== undefined && typeof raw[f] !== 'string') problems.push({ line, message: `\`${f}\` must be a string` });
  if (problems.length > before) return undefined;
  const pattern = globToRegExp(norm(key as string), false);
  const files = raw.files as string | undefined;
  const filePattern = files ? globToRegExp(files.replace(/\\/g, '/').replace(/^\.\//, ''), true) : undefined;
  return {
    line, key: key as string, id: notHp ? null : (id as string),
    ...(files ? { files } : {}), ...(typeof raw.format === 'string' ? { format: raw.format } : {}),
    matchesKey: name => pattern.test(norm(name)),
    ...(filePattern ? { matchesFile: (p: string) => filePattern.test(p.replace(/\\/g, '/')) } : {}),
  };
}

/** Names a setting answers to: as written, and the last segment of its key path. */
function namesOf(s: Setting): string[] {
  const last = s.key.split(/[.[\]]/).filter(Boolean).pop() ?? s.key;
  return [s.name, last];
}

/** The first entry that applies to this setting of this file, if any. */
export function vocabularyEntryFor(vocabulary: UserVocabulary, setting: Setting, file: DetectedFile, relativePath: string): VocabularyEntry | undefined {
  return vocabulary.entries.find(e =>
    (!e.format || e.format === file.format) && (!e.matchesFile || e.matchesFile(relativePath)) && namesOf(setting).some(n => e.matchesKey(n)));
}

/** Applies the vocabulary to one detected file: the first matching entry decides id and kind. */
export function applyVocabulary(file: DetectedFile, vocabulary: UserVocabulary, relativePath: string): DetectedFile {
  if (vocabulary.entries.length === 0 || file.settings.length === 0) return file;
  let changed = false;
  const settings = file.settings.map(s => {
    if (s.kind === 'logged') return s;
    const entry = vocabularyEntryFor(vocabulary, s, file, relativePath);
    if (!entry) return s;
    changed = true;
    const kind = entry.id === null ? 'other' : s.kind === 'use' ? 'use' : canonicalKind(entry.id);
    return { ...s, canonical: entry.id, kind, taught: { line: entry.line } };
  });
  return changed ? { ...file, settings } : file;
}
