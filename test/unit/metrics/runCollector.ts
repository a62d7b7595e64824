/** Test helper: merges a run source's updates the way the curves panel does (a reset starts over). */
import type { RunInfo, RunPoint, RunSource, RunUpdate } from '../../../src/core/metrics/runs';

export class RunCollector {
  runs = new Map<string, RunInfo>();
  points: RunPoint[] = [];
  readonly warnings: string[] = [];
  resets = 0;
  polls = 0;

  apply(update: RunUpdate): void {
    this.polls++;
    if (update.reset) {
      this.resets++;
      this.runs = new Map();
      this.points = [];
    }
    for (const r of update.runs) this.runs.set(r.id, r);
    this.points.push(...update.points);
    this.warnings.push(...update.warnings);
  }

  /**
   * Polls until one brings nothing new (and at least `minPolls` times: an MLflow store looks at finished
   * runs' meta.yaml only every tenth poll); waits, bounded, while the source says changes are unread.
   */
  async drain(source: RunSource, minPolls = 1): Promise<this> {
    for (let i = 0; i < 500; i++) {
      const update = await source.poll();
      this.apply(update);
      if (update.pending) await new Promise(r => setTimeout(r, 20));
      else if (i + 1 >= minPolls && !update.reset && update.runs.length === 0 && update.points.length === 0) break;
    }
    return this;
  }
}

export const drain = (source: RunSource) => new RunCollector().drain(source);
