/** A fake executor, a tiny seeded sampler and a study config for the study-loop tests (no processes). */
import type { MetricPoint } from '../../../src/core/metrics/types';
import type { StopReason, TrialExecutor, TrialHandle, TrialLaunch, TrialOutcome } from '../../../src/core/runner/types';
import type { ParamValue, Sampler, StudyView } from '../../../src/core/search/types';
import type { StudyConfig } from '../../../src/core/study/types';

/** A tiny seeded sampler (mulberry32) so these tests do not depend on the search module. */
export function testSampler(seed: number): Sampler {
  let t = seed >>> 0;
  const rand = () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  return {
    name: 'test-random',
    sample(view: StudyView) {
      const out: Record<string, ParamValue> = {};
      for (const p of view.space.params) {
        const d = p.distribution;
        out[p.name] = d.type === 'categorical' ? d.choices[Math.floor(rand() * d.choices.length)] : d.type === 'int' ? d.low + Math.floor(rand() * (d.high - d.low + 1)) : d.low + rand() * (d.high - d.low);
      }
      return out;
    },
  };
}

/** What a fake trial does, decided from its params: a deterministic loss curve, then an exit. */
export interface Behaviour {
  readonly curve: readonly number[];
  /** Explicit (step, value) points of the objective instead of one per curve entry. */
  readonly points?: ReadonlyArray<readonly [number, number]>;
  readonly exitCode?: number;
  readonly stderr?: string;
  /** Keep running after the curve until stopped. */
  readonly hang?: boolean;
  readonly error?: string;
}

export class FakeExecutor implements TrialExecutor {
  readonly name = 'fake';
  running = 0;
  maxRunning = 0;
  readonly launches: TrialLaunch[] = [];
  readonly stops: Array<{ trial: number; reason: StopReason }> = [];

  constructor(private readonly behave: (launch: TrialLaunch) => Behaviour) {}

  launch(launch: TrialLaunch): TrialHandle {
    this.launches.push(launch);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    const b = this.behave(launch);
    const listeners: Array<(p: MetricPoint) => void> = [];
    let finished = false;
    let resolveDone!: (o: TrialOutcome) => void;
    const done = new Promise<TrialOutcome>(r => (resolveDone = r));
    const end = (o: TrialOutcome) => {
      if (finished) return;
      finished = true;
      this.running--;
      resolveDone(o);
    };
    let step = 0;
    const tick = () => {
      if (finished) return;
      if (b.error) return end({ exitCode: null, signal: null, error: b.error, durationMs: 1, stderrTail: '' });
      if (b.points && step < b.points.length) {
        for (const l of listeners) l({ name: 'loss', step: b.points[step][0], value: b.points[step][1] });
        step++;
        setTimeout(tick, 1);
      } else if (!b.points && step < b.curve.length) {
        for (const l of listeners) l({ name: 'loss', step, value: b.curve[step] });
        for (const l of listeners) l({ name: 'acc', step, value: 1 - b.curve[step] });
        step++;
        setTimeout(tick, 1);
      } else if (!b.hang) {
        end({ exitCode: b.exitCode ?? 0, signal: null, durationMs: step, stderrTail: b.stderr ?? '' });
      }
    };
    setTimeout(tick, 1);
    return {
      trialNumber: launch.trialNumber,
      onMetric: l => listeners.push(l),
      done,
      stop: async (reason: StopReason) => {
        this.stops.push({ trial: launch.trialNumber, reason });
        end({ exitCode: null, signal: 'SIGTERM', stopReason: reason, durationMs: step, stderrTail: '' });
      },
    };
  }

  async dispose(): Promise<void> {}
}

export function makeConfig(overrides: Partial<StudyConfig> = {}): StudyConfig {
  return {
    name: 'fake-study',
    file: '',
    space: {
      params: [
        { name: 'x', distribution: { type: 'float', low: 0, high: 1 } },
        { name: 'layers', distribution: { type: 'int', low: 1, high: 4 } },
      ],
    },
    constants: { epochs: 5 },
    direction: 'minimize',
    metric: 'loss',
    sampler: 'random',
    seed: 3,
    pruner: { type: 'none' },
    launch: { cwd: '/tmp', program: 'train.py' },
    executor: { type: 'local' },
    limits: { trials: 6, parallel: 1, flapping: { maxFailures: 3, windowMs: 60_000 } },
    gpus: [],
    retryFailed: false,
    ...overrides,
  };
}

/** loss curve decreasing towards x: trials with small x are best. */
export const curveOf = (launch: TrialLaunch) => {
  const x = launch.params.x as number;
  return [2, 1.5, 1 + x, 0.5 + x, x];
};
