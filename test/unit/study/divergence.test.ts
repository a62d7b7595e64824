import * as assert from 'node:assert/strict';
import { DivergenceTracker, divergedMessage } from '../../../src/core/study/divergence';

const track = (reports: ReadonlyArray<readonly [number, number]>) => {
  const t = new DivergenceTracker();
  for (const [step, value] of reports) t.report(step, value);
  return t.diverged;
};

describe('study / divergence of the objective', () => {
  it('ends diverged on a trailing NaN or ±Infinity, at the first step of the trailing run', () => {
    assert.deepEqual(track([[1, 0.5], [2, NaN], [3, NaN]]), { step: 2, value: NaN });
    assert.deepEqual(track([[1, 0.5], [2, -Infinity]]), { step: 2, value: -Infinity });
    assert.deepEqual(track([[1, NaN]]), { step: 1, value: NaN });
    assert.equal(track([[1, 0.5], [2, 0.4]]), undefined);
  });

  it('recovers when a finite value follows at the same or a later step', () => {
    assert.equal(track([[1, NaN], [2, 0.3]]), undefined);
    // A progress bar re-reporting the running step: its latest value counts.
    assert.equal(track([[4, NaN], [4, 0.3]]), undefined);
    assert.deepEqual(track([[1, NaN], [2, 0.3], [3, Infinity]]), { step: 3, value: Infinity });
  });

  it('orders by step, not by arrival: a file read late neither starts nor ends a divergence', () => {
    // stdout reached step 10 (finite); the event file, polled at the end, brings an old NaN at step 3.
    assert.equal(track([[9, 0.4], [10, 0.3], [3, NaN]]), undefined);
    // stdout ended on NaN at step 10; the file then brings finite values of earlier steps.
    assert.deepEqual(track([[9, 0.4], [10, NaN], [8, 0.5], [9, 0.4]]), { step: 10, value: NaN });
  });

  it('says what diverged in Python spellings', () => {
    assert.equal(divergedMessage('loss', { step: 12, value: NaN }), 'diverged: loss=nan at step 12');
    assert.equal(divergedMessage('val/acc', { step: 3, value: Infinity }), 'diverged: val/acc=inf at step 3');
    assert.equal(divergedMessage('loss', { step: 0, value: -Infinity }), 'diverged: loss=-inf at step 0');
  });
});
