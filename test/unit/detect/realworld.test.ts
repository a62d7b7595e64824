/**
 * Detection on the real-world corpus (test/fixtures/realworld): 158 public files from 45 repositories,
 * labelled by hand. The tuned part must meet the goals; the held-out part is measured the same
 * way (`npm run bench -- detect-quality` prints both) and guarded against regressions.
 */
import * as assert from 'node:assert/strict';
import { loadCorpus, summary } from '../../realworld/corpus';
import { scoreCorpus } from '../../realworld/run';

describe('detection on real public configs (hand-labelled corpus)', () => {
  const { tuned, heldout } = scoreCorpus();

  it('has at least 150 files from at least 40 repositories, with a held-out part', () => {
    const files = loadCorpus();
    assert.ok(files.length >= 150, `${files.length} files`);
    const repos = new Set(files.map(f => f.fixture.split(/[\\/]/)[0]));
    assert.ok(repos.size >= 40, `${repos.size} repositories`);
    assert.ok(files.filter(f => f.split === 'heldout').length >= 40);
  });

  it('tuned part: ≥ 95% of hyperparameters with an acceptable id, ≤ 1% mislabels, no non-ML file flagged', () => {
    const why = `${summary('tuned', tuned)}\n${tuned.misses.slice(0, 20).join('\n')}\n${tuned.mislabels.slice(0, 20).join('\n')}`;
    assert.ok(tuned.foundWithId / tuned.hyperparameters >= 0.95, why);
    assert.ok(tuned.mislabelled / tuned.nonHyperparameters <= 0.01, why);
    assert.equal(tuned.negativeFilesWithHp, 0, why);
    assert.equal(tuned.wrongFormats, 0, tuned.formatErrors.join('\n'));
    assert.equal(tuned.errors, 0);
  });

  it('held-out part: no crash, no non-ML file flagged, no wrong format, and no regression below the goals', () => {
    // Only the figures are looked at here (printed by the bench); the rules were never tuned on these files.
    assert.equal(heldout.errors, 0);
    assert.equal(heldout.negativeFilesWithHp, 0);
    assert.equal(heldout.wrongFormats, 0);
    assert.ok(heldout.foundWithId / heldout.hyperparameters >= 0.95, summary('held-out', heldout));
    assert.ok(heldout.mislabelled / heldout.nonHyperparameters <= 0.01, summary('held-out', heldout));
  });
});
