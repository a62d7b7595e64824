/**
 * The study loop with `parallel > 1` hands the sampler every trial still running, with its params,
 * at every proposal — for a local executor and for a queued one (Slurm: submitted jobs wait in the
 * scheduler's queue), and the real default sampler spreads the batch it proposes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MetricPoint } from '../../../src/core/metrics/types';
import type { StopReason, TrialExecutor, TrialHandle, TrialLaunch, TrialOutcome } from '../../../src/core/runner/types';
import { createSampler } from '../../../src/core/search/index';
import type { ParamValue, Sampler, StudyView } from '../../../src/core/search/types';
import { runStudy } from '../../../src/core/study/runStudy';
import type { StudyConfig } from '../../../src/core/study/types';

/** Trials end only when the test says so, in the order it chooses (loss = x + y). */
class GatedExecutor implements TrialExecutor {
  readonly name: string;
  readonly launches: TrialLaunch[] = [];
  private readonly ends = new Map<number, () => void>();
  constructor(readonly queued: boolean) {
    this.name = queued ? 'gated-queued' : 'gated';
  }
  launch(launch: TrialLaunch): TrialHandle {
    this.launches.push(launch);
    const listeners: Array<(p: MetricPoint) => void> = [];
    let resolve!: (o: TrialOutcome) => void;
    const done = new Promise<TrialOutcome>(r => (resolve = r));
    this.ends.set(launch.trialNumber, () => {
      for (const l of listeners) l({ name: 'loss', step: 0, value: (launch.params.x as number) + (launch.params.y as number) });
      resolve({ exitCode: 0, signal: null, durationMs: 1, stderrTail: '' });
    });
    return {
      trialNumber: launch.trialNumber,
      onMetric: l => listeners.push(l),
      done,
      stop: async (reason: StopReason) => resolve({ exitCode: null, signal: 'SIGTERM', stopReason: reason, durationMs: 1, stderrTail: '' }),
    };
  }
  /** Ends trial `n` (launched, still running). */
  finish(n: number): void {
    const end = this.ends.get(n);
    assert.ok(end, `trial ${n} is not running`);
    this.ends.delete(n);
    end();
  }
  running(): number[] {
    return [...this.ends.keys()];
  }
  async dispose(): Promise<void> {}
}

function config(trials: number, parallel: number): StudyConfig {
  return {
    name: 'parallel-study',
    file: '',
    space: { params: [{ name: 'x', distribution: { type: 'float', low: 0, high: 1 } }, { name: 'y', distribution: { type: 'float', low: 0, high: 1 } }] },
    constants: {},
    direction: 'minimize',
    metric: 'loss',
    sampler: 'auto',
    seed: 5,
    pruner: { type: 'none' },
    launch: { cwd: '/tmp', program: 'train.py' },
    executor: { type: 'local' },
    limits: { trials, parallel, flapping: { maxFailures: 3, windowMs: 60_000 } },
    gpus: [],
    retryFailed: false,
  };
}

/** What the sampler was shown at one proposal: running trials (number → params) and finished ones. */
interface Seen {
  readonly running: Map<number, Readonly<Record<string, ParamValue>>>;
  readonly complete: number[];
}

function spy(base: Sampler, seen: Seen[]): Sampler {
  return {
    name: 'spy',
    sample(view: StudyView) {
      seen.push({
        running: new Map(view.trials.filter(t => t.state === 'running').map(t => [t.number, t.params])),
        complete: view.trials.filter(t => t.state === 'complete').map(t => t.number),
      });
      return base.sample(view);
    },
  };
}

const waitFor = async (cond: () => boolean) => {
  while (!cond()) await new Promise(r => setTimeout(r, 2));
};

describe('study loop with parallel trials', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-parallel-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const queued of [false, true]) {
    it(`shows every running trial with its params to the sampler at every proposal (${queued ? 'queued executor, as Slurm' : 'local executor'})`, async () => {
      const executor = new GatedExecutor(queued);
      const seen: Seen[] = [];
      const run = runStudy({ config: config(14, 4), journalDir: dir, executor, sampler: spy(createSampler('auto', 5), seen) });
      await waitFor(() => executor.launches.length === 4);
      // A fixed completion order that differs from the launch order.
      const order = [2, 0, 3, 1, 5, 4, 7, 6, 9, 8, 10, 11, 12, 13];
      for (const [i, n] of order.entries()) {
        await waitFor(() => executor.running().includes(n));
        executor.finish(n);
        // Each completion starts the next trial (none after the 14th launch).
        await waitFor(() => executor.launches.length === Math.min(14, 5 + i));
      }
      const summary = await run;
      assert.equal(summary.trials.filter(t => t.state === 'complete').length, 14);
      assert.deepEqual(seen.slice(0, 4).map(s => [...s.running.keys()]), [[], [0], [0, 1], [0, 1, 2]]);
      for (let i = 4; i < 14; i++) {
        // Proposal i comes after the (i − 3)th completion: 3 trials still running.
        const finished = order.slice(0, i - 3);
        const running = Array.from({ length: i }, (_, n) => n).filter(n => !finished.includes(n));
        assert.deepEqual([...seen[i].running.keys()].sort((a, b) => a - b), running, `proposal ${i}`);
        assert.deepEqual(seen[i].complete, [...finished].sort((a, b) => a - b), `proposal ${i}`);
        for (const n of running) assert.deepEqual(seen[i].running.get(n), executor.launches[n].params, `params of running trial ${n}`);
      }
      const keys = new Set(executor.launches.map(l => JSON.stringify(l.params)));
      assert.equal(keys.size, 14, 'no point proposed twice');
    });
  }
});
