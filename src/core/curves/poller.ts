import type { CurvesDelta, CurvesDisposable } from '../protocol/curves';

/**
 * Listener bookkeeping shared by the curves sources: polling runs only while someone listens, on an
 * unref'd timer (it must never keep a CLI or test process alive), one poll at a time.
 */
export class DeltaPoller {
  private readonly listeners = new Set<(delta: CurvesDelta) => void>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly poll: () => Promise<CurvesDelta | undefined>, private readonly intervalMs: number) {}

  subscribe(listener: (delta: CurvesDelta) => void): CurvesDisposable {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.intervalMs);
      this.timer.unref?.();
    }
    return {
      dispose: () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0 && this.timer) {
          clearInterval(this.timer);
          this.timer = undefined;
        }
      },
    };
  }

  /** Polls once now (also used by tests to avoid waiting for the timer). */
  async tick(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const delta = await this.poll();
      if (delta && (delta.reset || (delta.trials?.length ?? 0) > 0 || (delta.series?.length ?? 0) > 0)) for (const l of [...this.listeners]) l(delta);
    } finally {
      this.polling = false;
    }
  }
}
