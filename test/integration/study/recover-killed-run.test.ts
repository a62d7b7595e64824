/**
 * The study loop recovering from a real process that held the study and was killed with SIGKILL
 * (test/unit/study/fixtures/journal-child.ts), with the fake executor of the unit tests.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runStudy } from '../../../src/core/study/runStudy';
import type { StudyEvent } from '../../../src/core/study/types';
import { curveOf, FakeExecutor, makeConfig, testSampler } from '../../unit/study/fakeStudy';

const CHILD = path.resolve(__dirname, '../../unit/study/fixtures/journal-child.ts');

describe('runStudy after a SIGKILLed run (real process)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-study-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const retry of [true, undefined, false]) {
    const requeues = retry !== false;
    it(`fails a trial left RUNNING by a SIGKILLed process${requeues ? ` and re-queues its params (retry_failed: ${retry})` : ' (retry_failed: false)'}`, async () => {
      const child = spawn(process.execPath, ['-r', require.resolve('esbuild-register'), CHILD, 'hold', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', d => String(d).includes('ready') && resolve());
        child.on('exit', c => reject(new Error(`child exited ${c}`)));
      });
      child.removeAllListeners('exit');
      await new Promise(r => {
        child.on('exit', r);
        child.kill('SIGKILL');
      });
      const executor = new FakeExecutor(l => ({ curve: curveOf(l) }));
      const events: StudyEvent[] = [];
      const config = makeConfig({
        name: 'child',
        space: { params: [{ name: 'x', distribution: { type: 'float', low: 0, high: 1 } }] },
        retryFailed: retry,
        limits: { trials: 2, parallel: 1, flapping: { maxFailures: 3, windowMs: 60_000 } },
      });
      const summary = await runStudy({ config, journalDir: dir, executor, sampler: testSampler(14), resume: true, onEvent: e => events.push(e) });
      assert.equal(summary.trials[0].state, 'fail');
      assert.match(summary.trials[0].error ?? '', /^interrupted: its run \(pid \d+ on host .*\) is gone/);
      assert.ok(events.some(e => e.type === 'warning' && /took over study child from pid \d+ on host .* \(worker 1\): its process \(pid \d+ on host .*\) is gone/.test(e.message)), JSON.stringify(events));
      if (requeues) {
        assert.deepEqual(executor.launches[0].params.x, 0.25, 'the dead trial reruns first with its params');
        assert.equal(executor.launches[0].trialNumber, 1);
        assert.equal(summary.trials.length, 3);
      } else {
        assert.notEqual(executor.launches[0].params.x, 0.25);
        assert.equal(summary.trials.length, 2);
      }
    });
  }
});
