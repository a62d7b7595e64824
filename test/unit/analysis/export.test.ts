import { strict as assert } from 'node:assert';
import { csvCell, snapshotCsv } from '../../../src/core/analysis/export';

describe('analysis: CSV export', () => {
  it('quotes cells with commas, quotes and newlines, and defuses formulas', () => {
    assert.equal(csvCell('loss'), 'loss');
    assert.equal(csvCell('val,loss'), '"val,loss"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
    assert.equal(csvCell('-1'), "'-1");
    assert.equal(csvCell('a\nb'), '"a\nb"');
  });

  it('writes every point of a snapshot with the trial state, metrics in order', () => {
    const csv = snapshotCsv({
      title: 't',
      direction: 'minimize',
      metrics: ['loss', 'acc'],
      metric: 'loss',
      trials: [{ number: 0, state: 'complete', params: {}, value: 1, durationMs: null }, { number: 1, state: 'pruned', params: {}, value: 2, durationMs: null }],
      series: [
        { trial: 1, metric: 'loss', steps: new Float64Array([0, 1]), values: new Float64Array([2, NaN]) },
        { trial: 0, metric: 'loss', steps: [0], values: [1] },
        { trial: 0, metric: 'acc', steps: [0], values: [0.5] },
      ],
    });
    assert.equal(csv, 'trial,state,metric,step,value\n0,complete,acc,0,0.5\n0,complete,loss,0,1\n1,pruned,loss,0,2\n1,pruned,loss,1,NaN\n');
  });
});
