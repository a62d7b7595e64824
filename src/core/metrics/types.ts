/** One scalar a trial reported: `loss` at epoch 3 is { name: 'loss', step: 3, value: … }. */
export interface MetricPoint {
  readonly name: string;
  readonly step: number;
  readonly value: number;
  /** Seconds since the epoch when the source says (TensorBoard wall_time), else when it was read. */
  readonly wallTime?: number;
  /** Where the point came from: 'stdout', 'stderr', 'tfevents', 'csv', 'trainer_state', 'journal'. */
  readonly source?: string;
}

/**
 * Collects a running trial's metrics with no change to the user's code: lines on stdout/stderr
 * (`key: value`, `key=value`, JSON lines, a configurable regex) and files the trial writes into its
 * directory (TensorBoard event files, Lightning metrics.csv, HF trainer_state.json), read incrementally.
 */
export interface MetricCollector {
  /** Feeds a chunk of output (any split, even mid-line); returns the points completed by it. */
  pushText(stream: 'stdout' | 'stderr', chunk: string): MetricPoint[];
  /** Reads what the files in the trial directory gained since the last poll. */
  pollFiles(): Promise<MetricPoint[]>;
  /** Flushes a trailing partial line and the files one last time. */
  end(): Promise<MetricPoint[]>;
}

export interface MetricCollectorOptions {
  /** Directory whose tfevents / metrics.csv / trainer_state.json files are followed (recursively, shallow). */
  readonly trialDir?: string;
  /**
   * Extra regex with named groups `name` and `value` (optionally `step`), or one group per metric name.
   * Tried first on every line; lines it does not match go through the built-in formats.
   * An invalid regex makes `createMetricCollector` throw an Error with a readable message.
   */
  readonly regex?: string;
  /** Told about what was skipped (corrupt tfevents record, overlong line, unreadable file…). */
  readonly onWarning?: (message: string) => void;
  /** How deep below `trialDir` metric files are looked for (default 4: `lightning_logs/version_0/…`). */
  readonly maxDepth?: number;
}
