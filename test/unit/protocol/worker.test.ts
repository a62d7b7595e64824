// The worker protocol's runtime checks: what crosses the IPC channel is trusted only after these.
import * as assert from 'node:assert/strict';
import { parseMessage } from '../../../src/core/protocol/validate';
import { fromWorker, studyEvent, toWorker, MAX_EVENTS_PER_BATCH } from '../../../src/core/protocol/worker';

const ok = <T>(r: { ok: true; message: T } | { ok: false; error: string }): T => {
  if (!r.ok) assert.fail(r.error);
  return r.message;
};
const error = (r: { ok: boolean; error?: string }): string => {
  assert.equal(r.ok, false, 'the message is refused');
  return r.error ?? '';
};

describe('worker protocol: to the worker', () => {
  it('accepts every request type', () => {
    const start = { type: 'start', id: 1, studyFile: '/w/sweep.yaml', workspace: '/w', resume: false, trials: 4, parallel: 2, interpreter: '/usr/bin/python3' };
    assert.deepEqual(ok(parseMessage(toWorker, start)), start);
    assert.deepEqual(ok(parseMessage(toWorker, { type: 'start', id: 2, studyFile: '/w/s.yaml', workspace: '/w', resume: true })), { type: 'start', id: 2, studyFile: '/w/s.yaml', workspace: '/w', resume: true });
    for (const m of [{ type: 'hello' }, { type: 'stop', study: 'quickstart' }, { type: 'status' }, { type: 'shutdown' }]) assert.deepEqual(ok(parseMessage(toWorker, m)), m);
  });

  it('refuses unknown types, missing or extra fields and odd values with a message naming the field', () => {
    assert.match(error(parseMessage(toWorker, { type: 'exec', command: 'rm -rf ~' })), /unknown message type "exec"/);
    assert.match(error(parseMessage(toWorker, null)), /unknown message type undefined/);
    assert.match(error(parseMessage(toWorker, { type: 'start', id: 1, studyFile: '/w/s.yaml', workspace: '/w' })), /resume: expected boolean, got undefined/);
    assert.match(error(parseMessage(toWorker, { type: 'stop', study: 'a', signal: 'SIGKILL' })), /signal: unexpected field/);
    assert.match(error(parseMessage(toWorker, { type: 'start', id: 1.5, studyFile: '/w', workspace: '/w', resume: false })), /id: expected integer/);
    assert.match(error(parseMessage(toWorker, { type: 'start', id: 1, studyFile: '/w', workspace: '/w', resume: false, trials: 0 })), /trials: expected an integer from 1 to 1000000, got 0/);
    assert.match(error(parseMessage(toWorker, { type: 'start', id: 1, studyFile: '/w', workspace: '/w', resume: false, parallel: -3 })), /parallel: expected an integer from 1/);
    // A new study name becomes a folder: nothing that could leave .hpstudio/studies.
    assert.equal(ok(parseMessage(toWorker, { type: 'start', id: 1, studyFile: '/w', workspace: '/w', resume: false, name: 'quickstart-2' })).type, 'start');
    for (const bad of ['../x', 'a/b', '', '.hidden', 'x'.repeat(101)]) {
      assert.match(error(parseMessage(toWorker, { type: 'start', id: 1, studyFile: '/w', workspace: '/w', resume: false, name: bad })), /name: expected a study name/);
    }
    assert.match(error(parseMessage(toWorker, { type: 'stop', study: 'x'.repeat(201) })), /study: expected string of at most 200 chars/);
  });

  it('refuses a huge message before validating it', () => {
    const huge = { type: 'start', id: 1, studyFile: 'x'.repeat(5 * 1024 * 1024), workspace: '/w', resume: false };
    assert.match(error(parseMessage(toWorker, huge)), /exceeds the 4194304-byte limit/);
  });
});

describe('worker protocol: from the worker', () => {
  const finished = {
    type: 'study-finished',
    study: 'q',
    summary: { study: 'q', status: 'finished', completed: 1, pruned: 0, failed: 1, best: { number: 0, value: 0.1, params: { lr: 0.01 } }, trials: [{ number: 0, state: 'complete', value: 0.1, params: { lr: 0.01, act: 'relu', bn: true, x: null } }, { number: 1, state: 'fail', params: { lr: 0.5 }, error: 'exited with code 3' }] },
  };

  it('accepts every study event and batches of them', () => {
    const events = [
      { type: 'trial-started', study: 'q', number: 0, params: { lr: 0.01 } },
      { type: 'trial-started', study: 'q', number: 3, params: { lr: 0.01 }, retryOf: 1 },
      { type: 'metric', study: 'q', number: 0, name: 'val_loss', step: 1, value: 0.5 },
      { type: 'trial-finished', study: 'q', number: 0, state: 'pruned', value: 0.4, durationMs: 1200 },
      { type: 'study-paused', study: 'q', reason: '3 fast failures', stderr: 'Traceback…' },
      finished,
      { type: 'warning', study: 'q', message: 'careful' },
    ];
    for (const e of events) assert.deepEqual(ok(parseMessage(studyEvent, e)), e);
    assert.equal(ok(parseMessage(fromWorker, { type: 'events', events })).type, 'events');
  });

  it('refuses non-finite numbers, unknown trial states and nested objects as params', () => {
    assert.match(error(parseMessage(studyEvent, { type: 'metric', study: 'q', number: 0, name: 'loss', step: 1, value: null })), /value: expected number, got null/);
    assert.match(error(parseMessage(studyEvent, { type: 'trial-finished', study: 'q', number: 0, state: 'exploded', durationMs: 1 })), /state: expected "running" \| "waiting"/);
    assert.match(error(parseMessage(studyEvent, { type: 'trial-started', study: 'q', number: 0, params: { lr: { nested: 1 } } })), /params\.lr: expected a parameter value/);
    assert.match(error(parseMessage(studyEvent, { type: 'trial-started', study: 'q', number: 0, params: { lr: Infinity } })), /params\.lr: expected a parameter value/);
  });

  it('carries the Pareto set of a study with several metrics, checked', () => {
    const pareto = [{ number: 3, values: [0.97, 120.5], params: { n: 40 } }, { number: 5, values: [0.94, 60], params: { n: 12 } }];
    const e = { ...finished, summary: { ...finished.summary, best: undefined, pareto } };
    assert.deepEqual((ok(parseMessage(studyEvent, e)) as typeof e).summary.pareto, pareto);
    const bad = { ...finished, summary: { ...finished.summary, pareto: [{ number: 3, values: ['0.97'], params: {} }] } };
    assert.match(error(parseMessage(studyEvent, bad)), /pareto\[0\]\.values\[0\]: expected number/);
  });

  it('caps a batch at MAX_EVENTS_PER_BATCH events', () => {
    const metric = { type: 'metric', study: 'q', number: 0, name: 'l', step: 1, value: 1 };
    assert.equal(ok(parseMessage(fromWorker, { type: 'events', events: Array(MAX_EVENTS_PER_BATCH).fill(metric) })).type, 'events');
    assert.match(error(parseMessage(fromWorker, { type: 'events', events: Array(MAX_EVENTS_PER_BATCH + 1).fill(metric) })), /events: expected array of at most 10000 items/);
  });

  it('accepts start answers, end notices and status', () => {
    for (const m of [
      { type: 'started', id: 1, study: 'q', studyFile: '/w/s.yaml', journalDir: '/w/.hpstudio/studies/q', budget: 16, warnings: ['s.yaml:3:1: unknown key x'] },
      { type: 'start-failed', id: 1, studyFile: '/w/s.yaml', error: 'nope' },
      { type: 'ended', study: 'q', status: 'error', error: 'disk full' },
      { type: 'status', studies: [{ study: 'q', studyFile: '/w/s.yaml', journalDir: '/j', running: 2, stopping: false }], pruneLatencyMs: [0.05] },
    ]) {
      assert.deepEqual(ok(parseMessage(fromWorker, m)), m);
    }
    assert.match(error(parseMessage(fromWorker, { type: 'ended', study: 'q', status: 'exploded' })), /status: expected "finished"/);
  });
});
