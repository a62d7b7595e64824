import { strict as assert } from 'node:assert';
import { CurvesDeltaBuffer, hostToCurves, parseCurvesMessage, snapshotMessages, type CurvesSnapshot, type CurvesTrial, type HostToCurves } from '../../../src/core/protocol/curves';

const trial = (number: number, state: CurvesTrial['state'], value: number | null = null): CurvesTrial => ({ number, state, params: { lr: 0.01 * (number + 1) }, value, durationMs: null });
const pointsOf = (messages: HostToCurves[]) => messages.flatMap(m => (m.type === 'points' ? m.series : []));

describe('protocol: curves host side (snapshot replay, delta coalescing)', () => {
  const snapshot: CurvesSnapshot = {
    title: 'study',
    direction: 'maximize',
    metrics: ['loss', 'acc'],
    metric: 'loss',
    trials: [trial(0, 'complete', 0.9), trial(1, 'running')],
    series: [
      { trial: 0, metric: 'loss', steps: Array.from({ length: 30 }, (_, i) => i), values: Array.from({ length: 30 }, (_, i) => 1 / (i + 1)) },
      { trial: 1, metric: 'acc', steps: [0, 1], values: [0.1, 0.2] },
    ],
  };

  it('replays a snapshot as reset + points batches that validate, with Float64Array columns', () => {
    const messages = snapshotMessages(snapshot, 'journal:a', null, 10);
    assert.equal(messages[0].type, 'reset');
    assert.ok(messages[0].type === 'reset' && messages[0].key === 'journal:a' && messages[0].metric === 'loss' && messages[0].trials.length === 2);
    assert.equal(messages.length, 1 + 4); // 32 points in batches of 10
    for (const m of messages) assert.ok(parseCurvesMessage(hostToCurves, m).ok);
    const series = pointsOf(messages);
    assert.ok(series.every(s => s.steps instanceof Float64Array && s.values instanceof Float64Array));
    assert.equal(series.reduce((n, s) => n + s.steps.length, 0), 32);
  });

  it("keeps the user's metric on replay while it still exists", () => {
    const chosen = snapshotMessages(snapshot, 'k', 'acc')[0];
    assert.ok(chosen.type === 'reset' && chosen.metric === 'acc');
    const gone = snapshotMessages(snapshot, 'k', 'val_f1')[0];
    assert.ok(gone.type === 'reset' && gone.metric === 'loss');
  });

  it('coalesces deltas: latest trial record wins, points concatenate in order, trials come first', () => {
    const buffer = new CurvesDeltaBuffer();
    assert.equal(buffer.empty, true);
    buffer.add({ series: [{ trial: 2, metric: 'loss', steps: [0], values: [1] }] });
    buffer.add({ trials: [trial(2, 'running')] });
    buffer.add({ series: [{ trial: 2, metric: 'loss', steps: new Float64Array([1, 2]), values: new Float64Array([0.5, NaN]) }, { trial: 3, metric: 'loss', steps: [0], values: [2] }] });
    buffer.add({ trials: [trial(2, 'pruned', 0.5)] });
    assert.equal(buffer.empty, false);
    const messages = buffer.take();
    assert.deepEqual(messages.map(m => m.type), ['trials', 'points']);
    assert.ok(messages[0].type === 'trials');
    assert.deepEqual(messages[0].trials.map(t => [t.number, t.state]), [[2, 'pruned']]);
    const series = pointsOf(messages);
    assert.deepEqual(Array.from(series[0].steps), [0, 1, 2]);
    assert.ok(Number.isNaN(series[0].values[2]));
    assert.equal(series[1].trial, 3);
    for (const m of messages) assert.ok(parseCurvesMessage(hostToCurves, m).ok);
    assert.equal(buffer.empty, true);
    assert.deepEqual(buffer.take(), []);
  });

  it('splits a burst bigger than one message into valid batches', () => {
    const buffer = new CurvesDeltaBuffer();
    for (let t = 0; t < 50; t++) buffer.add({ series: [{ trial: t, metric: 'loss', steps: Array.from({ length: 10_000 }, (_, i) => i), values: new Array(10_000).fill(0.5) }] });
    const messages = buffer.take();
    assert.equal(messages.length, 2);
    for (const m of messages) assert.ok(parseCurvesMessage(hostToCurves, m).ok);
    assert.equal(pointsOf(messages).reduce((n, s) => n + s.steps.length, 0), 500_000);
  });
});
