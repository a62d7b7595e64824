/**
 * Why a folder gave no run: what it holds (a few names of each kind, counted), what was expected, and
 * the files in it that could be opened on their own (an Optuna .db, a journal, an mlruns/ folder).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SKIPPED_LOGDIR_DIRS } from './files';

const MAX_DEPTH = 3;
const MAX_ENTRIES = 5000;
const SHOWN_NAMES = 8;

interface Seen {
  files: string[];
  dirs: number;
  entries: number;
  hints: string[];
}

export async function explainFolder(dir: string, expected: string): Promise<string> {
  const seen: Seen = { files: [], dirs: 0, entries: 0, hints: [] };
  await walk(dir, dir, 0, seen);
  const where = path.basename(dir) || dir;
  let text: string;
  if (seen.entries === 0) text = `${where} is empty`;
  else {
    const names = seen.files.slice(0, SHOWN_NAMES).join(', ') + (seen.files.length > SHOWN_NAMES ? `, … (${seen.files.length - SHOWN_NAMES} more)` : '');
    const files = seen.files.length ? `${seen.files.length} file${seen.files.length === 1 ? '' : 's'} (${names})` : 'no files';
    text = `no runs in ${where}: looked at ${files} in ${seen.dirs + 1} folder${seen.dirs ? 's' : ''}${seen.entries >= MAX_ENTRIES ? ` (stopped after ${MAX_ENTRIES} entries)` : ''}, none of them metrics this panel reads`;
  }
  text += `. Expected ${expected}`;
  if (seen.hints.length) text += `. Open directly: ${seen.hints.slice(0, SHOWN_NAMES).join(', ')}`;
  return text;
}

async function walk(root: string, dir: string, depth: number, seen: Seen): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  for (const entry of entries) {
    if (++seen.entries > MAX_ENTRIES) return;
    const full = path.join(dir, entry.name);
    const rel = path.relative(root, full);
    if (entry.isDirectory()) {
      if (entry.name === 'mlruns') seen.hints.push(`${rel}/ (an MLflow store)`);
      if (depth < MAX_DEPTH && !SKIPPED_LOGDIR_DIRS.has(entry.name) && entry.name !== 'mlruns') {
        seen.dirs++;
        await walk(root, full, depth + 1, seen);
      }
      continue;
    }
    seen.files.push(rel);
    const hint = await fileHint(full);
    if (hint) seen.hints.push(`${rel} (${hint})`);
  }
}

/** What a file that a folder walk does not read could be, from its first bytes. */
async function fileHint(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await fs.open(file, 'r');
    const head = Buffer.alloc(256);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('latin1');
    if (text.startsWith('SQLite format 3\u0000')) return 'an SQLite database, maybe an Optuna storage';
    if (/^\{[^\n]*"op_code"\s*:/.test(text)) return 'an Optuna journal';
  } catch {
    // unreadable: nothing to suggest
  } finally {
    await handle?.close();
  }
  return undefined;
}
