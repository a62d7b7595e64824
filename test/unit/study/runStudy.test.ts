/** The study loop against a fake executor; recovering from a real SIGKILLed run is in test/integration/study. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrialExecutor, TrialHandle } from '../../../src/core/runner/types';
import type { Pruner, Sampler } from '../../../src/core/search/types';
import { FencedError, StudyExistsError, StudyJournal, readJournal } from '../../../src/core/study/journal';
import { runStudy, systemClock, type StudyClock } from '../../../src/core/study/runStudy';
import type { StudyEvent } from '../../../src/core/study/types';
import { curveOf, FakeExecutor, makeConfig, testSampler } from './fakeStudy';

describe('runStudy (fake executor)', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-study-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the budget with at most K trials at once and journals every metric and outcome', async () => {
    const executor = new FakeExecutor(l => ({ curve: curveOf(l) }));
    const events: StudyEvent[] = [];
    const summary = await runStudy({ config: makeConfig(), journalDir: dir, executor, sampler: testSampler(1), parallel: 3, onEvent: e => events.push(e) });
    assert.equal(executor.maxRunning, 3);
    assert.equal(executor.launches.length, 6);
    assert.equal(summary.status, 'finished');
    assert.equal(summary.completed, 6);
    // Final value = last reported value of the study's metric; best is the smallest.
    for (const t of summary.trials) assert.equal(t.value, t.params.x);
    const best = Math.min(...summary.trials.map(t => t.value!));
    assert.equal(summary.best?.value, best);
    // Constants reach the program; each trial has its own directory under the study.
    assert.equal(executor.launches[0].params.epochs, 5);
    assert.equal(executor.launches[2].trialDir, path.join(dir, 'trials', '2'));
    const { study } = readJournal(path.join(dir, 'journal.jsonl'));
    assert.equal(study.trials.length, 6);
    for (const t of study.trials) assert.deepEqual([...t.intermediate.keys()], [0, 1, 2, 3, 4]);
    assert.equal(events.filter(e => e.type === 'trial-started').length, 6);
    assert.equal(events.filter(e => e.type === 'trial-finished').length, 6);
    assert.ok(events.some(e => e.type === 'metric' && e.name === 'acc'), 'every metric is forwarded to the UI');
    assert.equal(events[events.length - 1].type, 'study-finished');
    assert.equal(fs.existsSync(path.join(dir, 'journal.lock')), false, 'the append lock is released');
  });

  it('shows running trials to the sampler', async () => {
    const seen: number[] = [];
    const base = testSampler(2);
    const sampler: Sampler = {
      name: 'spy',
      sample(view) {
        seen.push(view.trials.filter(t => t.state === 'running').length);
        return base.sample(view);
      },
    };
    await runStudy({ config: makeConfig(), journalDir: dir, executor: new FakeExecutor(l => ({ curve: curveOf(l) })), sampler, parallel: 2 });
    assert.deepEqual(seen.slice(0, 2), [0, 1]);
  });

  it('asks the pruner on each new step and stops pruned trials', async () => {
    const asked: Array<[number, number]> = [];
    const stale: string[] = [];
    const pruner: Pruner = {
      name: 'threshold',
      shouldPrune(view, trial, step) {
        asked.push([trial.number, step]);
        // The study view is current: it holds this step for this trial, and every other trial's curve.
        // (Collected, not asserted here: runStudy turns a throwing pruner off with a warning.)
        if (!trial.intermediate.has(step)) stale.push(`trial ${trial.number} lacks step ${step}`);
        if (JSON.stringify([...view.trials[trial.number].intermediate]) !== JSON.stringify([...trial.intermediate])) stale.push(`view of ${trial.number} is behind`);
        for (const t of view.trials.filter(x => x.state === 'complete')) if (t.intermediate.size !== 5) stale.push(`complete trial ${t.number} has ${t.intermediate.size} steps`);
        return step >= 2 && (trial.intermediate.get(step) ?? 0) > 1.5;
      },
    };
    const executor = new FakeExecutor(l => ({ curve: curveOf(l) }));
    const summary = await runStudy({ config: makeConfig({ limits: { trials: 8, parallel: 2, flapping: { maxFailures: 3, windowMs: 60_000 } } }), journalDir: dir, executor, sampler: testSampler(4), pruner });
    assert.deepEqual(stale, []);
    const pruned = summary.trials.filter(t => t.state === 'pruned');
    assert.ok(pruned.length > 0 && summary.completed > 0, JSON.stringify(summary.trials));
    for (const t of pruned) {
      assert.ok((t.params.x as number) > 0.5);
      assert.equal(t.value, 1 + (t.params.x as number), 'a pruned trial keeps its last reported value');
      assert.ok(executor.stops.some(s => s.trial === t.number && s.reason === 'prune'));
    }
    for (const t of summary.trials.filter(x => x.state === 'complete')) assert.ok((t.params.x as number) <= 0.5);
    // Steps are asked once each, in order.
    const t0 = asked.filter(([n]) => n === 0).map(([, s]) => s);
    assert.deepEqual(t0, [...new Set(t0)].sort((a, b) => a - b));
  });

  it('journals one value per step when a progress bar re-reports the running step, and keeps the latest', async () => {
    const points = [
      [0, 3],
      [0, 2.5],
      [0, 2],
      [1, 1.5],
      [1, 1.5],
      [1, 1.2],
    ] as const;
    const executor = new FakeExecutor(() => ({ curve: [], points }));
    const summary = await runStudy({ config: makeConfig({ limits: { trials: 1, parallel: 1, flapping: { maxFailures: 3, windowMs: 60_000 } } }), journalDir: dir, executor, sampler: testSampler(17) });
    assert.equal(summary.trials[0].value, 1.2);
    const values = fs
      .readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l))
      .filter(r => r.op === 'value')
      .map(r => [r.step, r.value]);
    assert.deepEqual(values, [
      [0, 3],
      [0, 2],
      [1, 1.5],
      [1, 1.2],
    ]);
    assert.deepEqual([...readJournal(path.join(dir, 'journal.jsonl')).study.trials[0].intermediate], [
      [0, 2],
      [1, 1.2],
    ]);
  });

  it('stops a trial that passes trial_timeout and records it as failed', async () => {
    const executor = new FakeExecutor(l => ({ curve: [1, 0.5], hang: l.trialNumber === 1 }));
    // The trial timers are held and only the hanging trial's fires: on a loaded machine the quick trials
    // may well take longer than 100 ms of wall-clock time, which is not what this test is about.
    const timers: Array<() => void> = [];
    const clock: StudyClock = {
      ...systemClock,
      setTimeout: (fn, ms) => (ms === 100 ? timers.push(fn) : systemClock.setTimeout(fn, ms)),
      clearTimeout: h => (typeof h === 'number' ? undefined : systemClock.clearTimeout(h)),
    };
    const run = runStudy({
      config: makeConfig({ limits: { trials: 3, parallel: 1, trialTimeoutMs: 100, flapping: { maxFailures: 3, windowMs: 60_000 } } }),
      journalDir: dir,
      executor,
      sampler: testSampler(5),
      clock,
    });
    while (timers.length < 2) await new Promise(r => setTimeout(r, 5));
    timers[1]();
    const summary = await run;
    assert.deepEqual(
      summary.trials.map(t => t.state),
      ['complete', 'fail', 'complete'],
    );
    assert.match(summary.trials[1].error ?? '', /^timed out after 100 ms/);
    assert.deepEqual(executor.stops, [{ trial: 1, reason: 'timeout' }]);
    assert.equal(executor.launches[1].timeoutMs, 100, 'the executor gets the limit too');
  });

  it('leaves trial_timeout to a queued executor (Slurm): time waiting in the queue does not count', async () => {
    const inner = new FakeExecutor(l => ({ curve: [1, 0.5], hang: l.trialNumber === 1 }));
    const handles: TrialHandle[] = [];
    const executor: TrialExecutor = {
      name: 'queued-fake',
      queued: true,
      launch: l => {
        const h = inner.launch(l);
        handles.push(h);
        return h;
      },
      dispose: () => inner.dispose(),
    };
    const run = runStudy({
      config: makeConfig({ limits: { trials: 2, parallel: 2, trialTimeoutMs: 50, flapping: { maxFailures: 3, windowMs: 60_000 } } }),
      journalDir: dir,
      executor,
      sampler: testSampler(5),
    });
    // Long past the limit, the hanging trial is still the executor's to stop: the study sent no stop.
    while (inner.launches.length < 2) await new Promise(r => setTimeout(r, 5));
    await new Promise(r => setTimeout(r, 300));
    assert.deepEqual(inner.stops, []);
    assert.equal(inner.launches[1].timeoutMs, 50, 'the executor has the limit');
    // The executor's own timer (started when the job runs) stops it.
    await handles.find(x => x.trialNumber === 1)?.stop('timeout');
    const summary = await run;
    assert.match(summary.trials[1].error ?? '', /^timed out after 50 ms/);
  });

  it('records a clean exit without the metric, an exit code and a launch error as failures with stderr', async () => {
    const executor = new FakeExecutor(l =>
      l.trialNumber === 0 ? { curve: [] } : l.trialNumber === 1 ? { curve: [1], exitCode: 3, stderr: 'Traceback…\nValueError: bad lr' } : { curve: [], error: 'python3 not found on PATH' },
    );
    const summary = await runStudy({ config: makeConfig({ limits: { trials: 3, parallel: 1, flapping: { maxFailures: 99, windowMs: 60_000 } } }), journalDir: dir, executor, sampler: testSampler(6) });
    assert.match(summary.trials[0].error ?? '', /finished without reporting the metric "loss"/);
    assert.match(summary.trials[1].error ?? '', /^exited with code 3\nTraceback…\nValueError: bad lr$/);
    assert.equal(summary.trials[2].error, 'python3 not found on PATH');
    assert.equal(summary.failed, 3);
  });

  it('pauses the study after N fast failures and shows their stderr', async () => {
    const executor = new FakeExecutor(() => ({ curve: [], exitCode: 1, stderr: "ModuleNotFoundError: No module named 'torch'" }));
    const events: StudyEvent[] = [];
    const summary = await runStudy({ config: makeConfig({ limits: { trials: 10, parallel: 1, flapping: { maxFailures: 3, windowMs: 60_000 } } }), journalDir: dir, executor, sampler: testSampler(7), onEvent: e => events.push(e) });
    assert.equal(summary.status, 'paused');
    assert.equal(executor.launches.length, 3);
    const paused = events.find(e => e.type === 'study-paused');
    assert.ok(paused && paused.type === 'study-paused');
    assert.match(paused.stderr, /No module named 'torch'/);
    assert.equal(readJournal(path.join(dir, 'journal.jsonl')).study.status.state, 'paused');
    // After the fix, resume continues the study where it stopped.
    const fixed = new FakeExecutor(l => ({ curve: curveOf(l) }));
    const again = await runStudy({ config: makeConfig({ limits: { trials: 5, parallel: 1, flapping: { maxFailures: 3, windowMs: 60_000 } } }), journalDir: dir, executor: fixed, sampler: testSampler(8), resume: true });
    assert.equal(again.status, 'finished');
    assert.deepEqual(
      fixed.launches.map(l => l.trialNumber),
      [3, 4],
    );
  });

  it('stops when a completed trial reaches metric.target', async () => {
    const executor = new FakeExecutor(() => ({ curve: [1, 0.01] }));
    const summary = await runStudy({ config: makeConfig({ target: 0.05, limits: { trials: 10, parallel: 1, flapping: { maxFailures: 3, windowMs: 60_000 } } }), journalDir: dir, executor, sampler: testSampler(9) });
    assert.equal(summary.completed, 1);
    assert.equal(executor.launches.length, 1);
  });

  it('on abort stops every running trial and leaves a journal that resume finishes without rerunning completed trials', async () => {
    const controller = new AbortController();
    // Trials 0 and 1 finish; 2 and 3 hang until stopped.
    const executor = new FakeExecutor(l => ({ curve: curveOf(l), hang: l.trialNumber >= 2 }));
    const events: StudyEvent[] = [];
    const first = await runStudy({
      config: makeConfig({ limits: { trials: 6, parallel: 2, flapping: { maxFailures: 3, windowMs: 60_000 } } }),
      journalDir: dir,
      executor,
      sampler: testSampler(10),
      signal: controller.signal,
      onEvent: e => {
        events.push(e);
        if (e.type === 'metric' && e.number === 3 && e.step === 4 && e.name === 'loss') controller.abort();
      },
    });
    assert.equal(first.status, 'interrupted');
    assert.deepEqual(
      executor.stops.map(s => s.reason),
      ['cancel', 'cancel'],
    );
    const journal = readJournal(path.join(dir, 'journal.jsonl')).study;
    assert.deepEqual(
      journal.trials.map(t => t.state),
      ['complete', 'complete', 'fail', 'fail', 'waiting', 'waiting'],
    );
    assert.deepEqual(journal.trials[4].params, journal.trials[2].params);
    assert.deepEqual(journal.trials[5].params, journal.trials[3].params);
    assert.equal(journal.status.state, 'stopped');
    assert.equal(fs.existsSync(path.join(dir, 'journal.lock')), false);

    const second = new FakeExecutor(l => ({ curve: curveOf(l) }));
    const resumed = await runStudy({ config: makeConfig({ limits: { trials: 6, parallel: 2, flapping: { maxFailures: 3, windowMs: 60_000 } } }), journalDir: dir, executor: second, sampler: testSampler(11), resume: true });
    // The interrupted points run first (as trials 4 and 5), numbering continues, nothing finished reruns.
    assert.deepEqual(
      second.launches.map(l => l.trialNumber),
      [4, 5, 6, 7],
    );
    assert.deepEqual(second.launches[0].params.x, journal.trials[2].params.x);
    assert.equal(resumed.status, 'finished');
    assert.equal(resumed.completed, 6);
  });

  it('stops its trials, writes nothing more and fails when another worker fenced it (took its trials over)', async () => {
    const executor = new FakeExecutor(l => ({ curve: curveOf(l), hang: true }));
    let fenceLine = -1;
    await assert.rejects(
      runStudy({
        config: makeConfig({ limits: { trials: 4, parallel: 2, flapping: { maxFailures: 3, windowMs: 60_000 } } }),
        journalDir: dir,
        executor,
        sampler: testSampler(15),
        heartbeatMs: 20,
        onEvent: e => {
          if (e.type !== 'trial-started' || e.number !== 1) return;
          // Another worker decides this one is gone and takes its trials over, under the lock.
          void StudyJournal.open(dir, { join: true, pid: 999, host: 'elsewhere' }).then(async other => {
            await other.transact(study => [
              { op: 'fence', w: 1, by: other.w, reason: 'it sent no heartbeat for 31 s', time: 1 },
              ...study.trials.filter(t => t.state === 'running').map(t => ({ op: 'finish' as const, number: t.number, w: other.w, state: 'fail' as const, error: 'interrupted', time: 1 })),
            ]);
            fenceLine = fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').trim().split('\n').length;
          });
        },
      }),
      (e: unknown) => e instanceof FencedError && /^study fake-study: this run \(worker 1\) was taken over by worker 2 \(pid 999 on host elsewhere\) because it sent no heartbeat for 31 s; it stopped its trials and wrote nothing more/.test((e as Error).message),
    );
    assert.deepEqual(
      executor.stops.map(s => s.reason),
      ['cancel', 'cancel'],
    );
    const text = fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').trim().split('\n');
    assert.equal(text.length, fenceLine, `nothing written after the fence:\n${text.slice(fenceLine).join('\n')}`);
    assert.equal(readJournal(path.join(dir, 'journal.jsonl')).issueCount, 0);
  });

  it('writes heartbeats while trials run', async () => {
    const executor = new FakeExecutor(l => ({ curve: curveOf(l), hang: true }));
    const controller = new AbortController();
    let beats = 0;
    const timer = setInterval(() => {
      beats = fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').split('\n').filter(l => l.includes('"heartbeat"')).length;
      if (beats >= 2) controller.abort();
    }, 10);
    try {
      await runStudy({ config: makeConfig(), journalDir: dir, executor, sampler: testSampler(16), heartbeatMs: 15, signal: controller.signal });
    } finally {
      clearInterval(timer);
    }
    assert.ok(beats >= 2);
    assert.equal(readJournal(path.join(dir, 'journal.jsonl')).study.lastSeen.has(`${process.pid}@${os.hostname()}`), true);
  });

  it('with the real grid sampler and no trial count, runs every grid point once', async () => {
    const executor = new FakeExecutor(() => ({ curve: [1, 0.5] }));
    const config = makeConfig({
      sampler: 'grid',
      space: {
        params: [
          { name: 'opt', distribution: { type: 'categorical', choices: ['adam', 'sgd', 'rmsprop'] } },
          { name: 'layers', distribution: { type: 'int', low: 1, high: 2 } },
        ],
      },
      limits: { parallel: 2, flapping: { maxFailures: 3, windowMs: 60_000 } },
    });
    const summary = await runStudy({ config, journalDir: dir, executor });
    assert.equal(summary.completed, 6);
    const points = new Set(summary.trials.map(t => `${t.params.opt}/${t.params.layers}`));
    assert.equal(points.size, 6);
  });

  it('refuses to start over an existing study without resume', async () => {
    await runStudy({ config: makeConfig({ limits: { trials: 1, parallel: 1, flapping: { maxFailures: 3, windowMs: 60_000 } } }), journalDir: dir, executor: new FakeExecutor(l => ({ curve: curveOf(l) })), sampler: testSampler(12) });
    await assert.rejects(
      runStudy({ config: makeConfig(), journalDir: dir, executor: new FakeExecutor(l => ({ curve: curveOf(l) })), sampler: testSampler(12) }),
      (e: unknown) => e instanceof StudyExistsError && /--resume/.test(e.message),
    );
  });

  it('hands out GPUs round-robin among running trials', async () => {
    const executor = new FakeExecutor(l => ({ curve: curveOf(l) }));
    await runStudy({ config: makeConfig({ gpus: ['0', '1'], limits: { trials: 4, parallel: 2, flapping: { maxFailures: 3, windowMs: 60_000 } } }), journalDir: dir, executor, sampler: testSampler(13) });
    assert.deepEqual(executor.launches.slice(0, 2).map(l => l.gpu), ['0', '1']);
    assert.ok(executor.launches.every(l => l.gpu === '0' || l.gpu === '1'));
  });
});
