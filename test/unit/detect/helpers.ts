import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DetectedFile, Setting } from '../../../src/core/detect';

/** The shared corpus sits beside the clone (`../shared/corpus`); HPSTUDIO_SHARED overrides it. */
export const SHARED = process.env.HPSTUDIO_SHARED ?? path.resolve(__dirname, '../../../../shared');
export const CORPUS = path.join(SHARED, 'corpus');
export const FIXTURES = path.resolve(__dirname, '../../fixtures/detect');

/** Saved corpus file name → its path in the original repository (from SOURCES.md). */
export function corpusPaths(): Map<string, string> {
  const map = new Map<string, string>();
  const text = fs.readFileSync(path.join(CORPUS, 'SOURCES.md'), 'utf8');
  for (const line of text.split('\n')) {
    const cells = line.split('|').map(c => c.trim());
    const saved = /^`(.+)`$/.exec(cells[1] ?? '');
    const original = /^`(.+)`$/.exec(cells[3] ?? '');
    if (saved && original) map.set(saved[1], original[1]);
  }
  return map;
}

export function find(file: DetectedFile, key: string): Setting {
  const s = file.settings.find(x => x.key === key);
  assert.ok(s, `${path.basename(file.path)}: no setting "${key}" among ${file.settings.map(x => x.key).slice(0, 40).join(', ')}`);
  return s;
}

/** [key, canonical, kind, value?] — value omitted when it does not matter. */
export type Expect = [string, string | null, Setting['kind'], unknown?];

export function expectSettings(file: DetectedFile, rows: readonly Expect[]): void {
  for (const [key, canonical, kind, ...rest] of rows) {
    const s = find(file, key);
    assert.equal(s.canonical, canonical, `${key}: canonical`);
    assert.equal(s.kind, kind, `${key}: kind`);
    if (rest.length > 0) assert.deepEqual(s.value, rest[0], `${key}: value`);
  }
}

export function range(s: Setting): [number, number, number, number] {
  return [s.range.line, s.range.character, s.range.endLine, s.range.endCharacter];
}
