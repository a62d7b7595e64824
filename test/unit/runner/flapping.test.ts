import * as assert from 'node:assert/strict';
import { FlappingGuard, isProgramFailure } from '../../../src/core/runner/flapping';
import type { TrialOutcome } from '../../../src/core/runner/types';

const fail = (durationMs: number, stderrTail = 'ModuleNotFoundError: No module named torch'): TrialOutcome => ({ exitCode: 1, signal: null, durationMs, stderrTail });
const ok = (durationMs = 1000): TrialOutcome => ({ exitCode: 0, signal: null, durationMs, stderrTail: '' });

describe('runner/flapping: FlappingGuard', () => {
  it('pauses after maxFailures fast failures and carries the last stderr tail', () => {
    const guard = new FlappingGuard({ maxFailures: 3, fastFailMs: 60_000 });
    assert.deepEqual(guard.record(fail(500, 'first'), 1_000), { pause: false, recentFailures: 1 });
    assert.deepEqual(guard.record(fail(500, 'second'), 2_000), { pause: false, recentFailures: 2 });
    const verdict = guard.record(fail(500, 'Traceback…\nSyntaxError: invalid syntax'), 3_000);
    assert.equal(verdict.pause, true);
    if (!verdict.pause) return;
    assert.equal(verdict.recentFailures, 3);
    assert.equal(verdict.stderrTail, 'Traceback…\nSyntaxError: invalid syntax');
    assert.match(verdict.message, /3 trials failed within 60 s of starting.*SyntaxError: invalid syntax/);
  });

  it('ignores slow failures and trials the executor stopped', () => {
    const guard = new FlappingGuard({ maxFailures: 2, fastFailMs: 10_000 });
    assert.equal(guard.record(fail(20_000), 1).pause, false);
    assert.equal(guard.record({ exitCode: null, signal: 'SIGTERM', stopReason: 'prune', durationMs: 10, stderrTail: '' }, 2).pause, false);
    assert.equal(guard.record({ exitCode: null, signal: 'SIGKILL', stopReason: 'timeout', durationMs: 10, stderrTail: '' }, 3).pause, false);
    assert.equal(guard.recentFailures, 0);
  });

  it('counts spawn errors and external kills as failures', () => {
    const guard = new FlappingGuard({ maxFailures: 2 });
    guard.record({ exitCode: null, signal: null, error: 'python3 not found on PATH', durationMs: 0, stderrTail: '' }, 1);
    const verdict = guard.record({ exitCode: null, signal: 'SIGKILL', durationMs: 5, stderrTail: 'Killed' }, 2);
    assert.equal(verdict.pause, true);
    assert.equal(isProgramFailure({ exitCode: null, signal: 'SIGKILL', durationMs: 5, stderrTail: '' }), true);
    const spawnOnly = new FlappingGuard({ maxFailures: 1 }).record({ exitCode: null, signal: null, error: 'python3 not found on PATH', durationMs: 0, stderrTail: '' }, 1);
    assert.ok(spawnOnly.pause && spawnOnly.message.includes('python3 not found on PATH'));
  });

  it('a success clears the history', () => {
    const guard = new FlappingGuard({ maxFailures: 3 });
    guard.record(fail(10), 1);
    guard.record(fail(10), 2);
    assert.deepEqual(guard.record(ok(), 3), { pause: false, recentFailures: 0 });
    assert.equal(guard.record(fail(10), 4).pause, false);
  });

  it('forgets failures that fall out of the window', () => {
    const guard = new FlappingGuard({ maxFailures: 3, windowMs: 10_000 });
    guard.record(fail(10), 0);
    guard.record(fail(10), 5_000);
    assert.deepEqual(guard.record(fail(10), 20_000), { pause: false, recentFailures: 1 });
  });

  it('reset() forgets everything (the user resumed)', () => {
    const guard = new FlappingGuard({ maxFailures: 2 });
    guard.record(fail(10), 1);
    guard.reset();
    assert.equal(guard.record(fail(10), 2).pause, false);
  });

  it('rejects bad options and times with clear messages', () => {
    assert.throws(() => new FlappingGuard({ maxFailures: 0 }), /maxFailures must be a positive integer, got 0/);
    assert.throws(() => new FlappingGuard({ maxFailures: 2.5 }), /maxFailures/);
    assert.throws(() => new FlappingGuard({ fastFailMs: -1 }), /fastFailMs must be a positive number/);
    assert.throws(() => new FlappingGuard({ windowMs: NaN }), /windowMs/);
    assert.throws(() => new FlappingGuard().record(fail(1), NaN), /endedAt must be a finite number/);
  });
});
