import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DetectedFile, Setting } from '../../../src/core/detect';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/detect');
/** Real public configs with hand labels (test/fixtures/realworld/SOURCES.md). */
export const REALWORLD = path.resolve(__dirname, '../../fixtures/realworld');

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
