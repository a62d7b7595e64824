/**
 * Every metric a study's trials print, not only the objective: the journal records the objective's
 * intermediate values, while `loss`, `val_acc`… stay in each trial's stdout.log/stderr.log and the files
 * it writes (TensorBoard, metrics.csv). This follows a trial directory incrementally with the same
 * collector the runner uses, so the curves panel's metric selector offers all of them.
 */
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createMetricCollector } from '../metrics/collector';
import { FileTail } from '../metrics/tail';
import type { MetricCollector, MetricPoint } from '../metrics/types';

/** Bytes read from one log per poll: a huge log is caught up over several polls, never in one gulp. */
const READ_LIMIT = 1024 * 1024;

export class TrialLogFollower {
  private readonly collector: MetricCollector;
  private readonly streams: Array<{ stream: 'stdout' | 'stderr'; tail: FileTail; decoder: StringDecoder }>;

  constructor(readonly trialDir: string) {
    // Files are only looked for when there is something to follow; the collector's own discovery is lazy.
    this.collector = createMetricCollector({ trialDir });
    this.streams = (['stdout', 'stderr'] as const).map(stream => ({ stream, tail: new FileTail(path.join(trialDir, `${stream}.log`)), decoder: new StringDecoder('utf8') }));
  }

  /** What the trial printed or wrote since the last poll. */
  async poll(): Promise<MetricPoint[]> {
    const points: MetricPoint[] = [];
    for (const s of this.streams) {
      const read = await s.tail.read(READ_LIMIT).catch(() => undefined);
      if (!read || read.data.length === 0) continue;
      s.tail.offset = read.start + read.data.length;
      points.push(...this.collector.pushText(s.stream, s.decoder.write(read.data)));
    }
    points.push(...(await this.collector.pollFiles()));
    return points;
  }
}
