// The sidebar's study card for several metrics: every metric with its goal and the Pareto front's size,
// validated by the sidebar protocol (both ends parse the same checks).
import * as assert from 'node:assert/strict';
import { hostToSidebar } from '../../../src/core/protocol/sidebar';
import { parseMessage } from '../../../src/core/protocol/validate';
import type { StudySnapshot } from '../../../src/core/study/studyIndex';
import { studyRow, trialRows } from '../../../src/core/study/sidebarRows';

function snapshot(extra: Partial<StudySnapshot>): StudySnapshot {
  const base = { name: 'forest', state: 'finished', metric: 'val_accuracy', direction: 'maximize', done: 3, budget: 3, counts: { running: 0, complete: 3, pruned: 0, fail: 0, waiting: 0 }, best: { number: 1, value: 0.95, params: {} }, trials: [], workers: 0 };
  return { ...base, ...extra } as unknown as StudySnapshot;
}

describe('sidebar rows: multi-objective studies', () => {
  const objectives = [
    { name: 'val_accuracy', direction: 'maximize' as const },
    { name: 'model_kb', direction: 'minimize' as const },
  ];

  it('carries every metric and the front size; one metric carries neither', () => {
    const row = studyRow(snapshot({ objectives, pareto: [{ number: 1, values: [0.95, 400], params: {} }, { number: 2, values: [0.9, 50], params: {} }] }));
    assert.deepEqual(row.objectives, objectives);
    assert.equal(row.frontSize, 2);
    const single = studyRow(snapshot({}));
    assert.equal(single.objectives, undefined);
    assert.equal(single.frontSize, undefined);
  });

  it('the sidebar protocol accepts the row and refuses a bad goal or size', () => {
    const row = studyRow(snapshot({ objectives, pareto: [] }));
    const state = { type: 'state', state: { scanning: false, trusted: true, configs: [], problems: [], message: null, studies: [row], selectedStudy: null, trials: [] } };
    const ok = parseMessage(hostToSidebar, state);
    assert.equal(ok.ok, true, ok.ok ? '' : ok.error);
    const bad = (patch: object) => parseMessage(hostToSidebar, { ...state, state: { ...state.state, studies: [{ ...row, ...patch }] } }).ok;
    assert.equal(bad({ objectives: [{ name: 'x', direction: 'up' }] }), false);
    assert.equal(bad({ frontSize: 1.5 }), false);
  });

  it('trial rows carry every metric and front membership, not just the first metric (and follow the front as it moves)', () => {
    const trial = (number: number, values?: number[]) => ({ number, state: values ? 'complete' : 'running', params: { n: number }, value: values?.[0], ...(values ? { values } : {}), intermediate: [], startTime: 0, endTime: values ? 10 : undefined });
    const trials = [trial(0, [0.95, 400]), trial(1, [0.9, 50]), trial(2, [0.8, 300]), trial(3)];
    const pareto = [{ number: 0, values: [0.95, 400], params: {} }, { number: 1, values: [0.9, 50], params: {} }];
    const rows = trialRows(snapshot({ objectives, pareto, trials } as unknown as Partial<StudySnapshot>), 20);
    assert.deepEqual(rows.map(r => r.values), [[0.95, 400], [0.9, 50], [0.8, 300], [null, null]]);
    assert.deepEqual(rows.map(r => !!r.front), [true, true, false, false]);
    // A new trial dominates trial 0: the same (cached) finished row is no longer on the front.
    const later = trialRows(snapshot({ objectives, pareto: [pareto[1], { number: 4, values: [0.97, 100], params: {} }], trials: [...trials, trial(4, [0.97, 100])] } as unknown as Partial<StudySnapshot>), 20);
    assert.deepEqual(later.map(r => !!r.front), [false, true, false, false, true]);
    // One metric: neither field.
    const single = trialRows(snapshot({ trials: [trial(0, [0.95])] } as unknown as Partial<StudySnapshot>), 20);
    assert.equal(single[0].values, undefined);
    assert.equal(single[0].front, undefined);
    // Both ends of the protocol accept the rows.
    const ok = parseMessage(hostToSidebar, { type: 'state', state: { scanning: false, trusted: true, configs: [], problems: [], message: null, studies: [], selectedStudy: 'forest', trials: rows } });
    assert.equal(ok.ok, true, ok.ok ? '' : ok.error);
  });
});
