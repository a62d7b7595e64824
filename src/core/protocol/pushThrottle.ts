/**
 * Pushes of a whole view state to a webview (the sidebar's `state` message): at most one per
 * interval, and the latest state always goes out (a trailing push). A running 10,000-trial study
 * changes many times a second; serializing its table that often would cost the extension host more
 * than everything else the study does there.
 */
export class PushThrottle {
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly push: () => void,
    private readonly intervalMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Pushes now, or once the interval since the last push has passed. */
  request(): void {
    if (this.timer !== undefined) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) return this.fire();
    this.timer = setTimeout(() => this.fire(), wait);
  }

  /** Pushes now (the view just became visible or ready), dropping a pending push. */
  flush(): void {
    this.fire();
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.last = this.now();
    this.push();
  }
}
