import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { JournalCorruptError, parseJournal } from '../../../src/core/study/journal';
import { StudyFileError, parseStudyFile } from '../../../src/core/study/studyFile';

const FIXTURES = path.join(__dirname, 'fixtures', 'studies');

/** Parsing either succeeds or fails with a StudyFileError that has positions: never anything else. */
function parsesOrExplains(text: string): void {
  try {
    parseStudyFile(text, '/w/s.yaml');
  } catch (err) {
    if (!(err instanceof StudyFileError)) throw err;
    assert.ok(err.issues.length > 0);
    for (const i of err.issues) assert.ok(i.line >= 1 && i.col >= 1 && i.message.length > 0, JSON.stringify(i));
  }
}

describe('study file parser under fuzzing', function () {
  this.timeout(60_000);
  it('never throws anything but a StudyFileError on random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), parsesOrExplains), { numRuns: 300 });
  });

  it('never throws anything but a StudyFileError on random YAML documents', () => {
    const doc = fc.dictionary(
      fc.constantFrom('program', 'method', 'metric', 'parameters', 'parallel', 'trial_timeout', 'executor', 'pruner', 'flapping', 'gpus', 'command', 'seed', 'x'),
      fc.anything({ maxDepth: 3, withNullPrototype: false }),
    );
    fc.assert(
      fc.property(doc, d => parsesOrExplains(stringify(d))),
      { numRuns: 300 },
    );
  });

  it('handles every truncation of real study files', () => {
    for (const f of fs.readdirSync(FIXTURES)) {
      const text = fs.readFileSync(path.join(FIXTURES, f), 'utf8');
      for (let cut = 0; cut <= text.length; cut++) parsesOrExplains(text.slice(0, cut));
    }
  });

  it('rejects alias bombs without expanding them', () => {
    const lines = ['program: t.py', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    lines.push('parameters:', '  p: {values: *a11}');
    assert.throws(() => parseStudyFile(lines.join('\n'), '/w/s.yaml'), (e: unknown) => e instanceof StudyFileError && /alias/.test(e.message));
  });

  it('rejects 10k-deep nesting with an error, not a crash', () => {
    parsesOrExplains(`program: t.py\nparameters:\n  p: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`);
    parsesOrExplains(`program: t.py\nparameters:\n  p: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
  });
});

describe('journal parser under fuzzing', () => {
  const header = JSON.stringify({ op: 'study', v: 1, name: 's', space: { params: [] }, direction: 'minimize', metric: 'loss', sampler: 'random', seed: 1, studyFile: '', time: 0 });
  it('either replays or reports the corrupt line: never another error', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.record({ op: fc.constantFrom('trial', 'value', 'finish', 'start', 'heartbeat', 'state'), number: fc.nat(3), step: fc.integer(), value: fc.double(), state: fc.constantFrom('running', 'waiting', 'complete', 'fail', 'paused'), params: fc.constant({}), time: fc.nat(), pid: fc.nat(), host: fc.constant('h') }).map(r => JSON.stringify(r)),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), lines => {
        const text = `${header}\n${lines.join('\n')}\n`;
        try {
          const r = parseJournal(text, 'j.jsonl');
          assert.ok(r.validBytes <= Buffer.byteLength(text));
        } catch (err) {
          if (!(err instanceof JournalCorruptError)) throw err;
          assert.ok(err.line >= 2 && err.line <= lines.length + 1, `line ${err.line}`);
        }
      }),
      { numRuns: 500 },
    );
  });
});
