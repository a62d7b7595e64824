import * as assert from 'node:assert/strict';
import { isStudyName, nextStudyName } from '../../../src/core/study/file/keys';

describe('nextStudyName', () => {
  it('numbers another run of a study, skipping names already taken', () => {
    assert.equal(nextStudyName('quickstart', () => false), 'quickstart-2');
    assert.equal(nextStudyName('quickstart-2', () => false), 'quickstart-3');
    const taken = new Set(['quickstart-2', 'quickstart-3']);
    assert.equal(nextStudyName('quickstart', n => taken.has(n)), 'quickstart-4');
  });

  it('always gives a valid study name, even from a long one', () => {
    const long = 'a'.repeat(100);
    assert.ok(isStudyName(long));
    const next = nextStudyName(long, () => false);
    assert.ok(isStudyName(next), next);
  });
});
