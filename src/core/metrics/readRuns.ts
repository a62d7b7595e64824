/**
 * Everything a run source holds right now, read to the end: what `hpstudio runs` prints and what the
 * curves panel would show for the same path. Updates are merged as the panel merges them (a reset
 * starts over); each run's metric series are sorted by step.
 */
import type { ParamValue } from '../search/types';
import { explainNoRuns, openRun, type RunFormat, type RunInfo, type RunState } from './runs';

export interface RunRecord {
  readonly id: string;
  readonly name: string;
  readonly source: RunFormat;
  /** Null when the source does not say (a TensorBoard directory, a metrics.csv). */
  readonly state: RunState | null;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Per metric, `[step, value]` pairs with steps ascending (equal steps keep their order). */
  readonly metrics: Readonly<Record<string, Array<[number, number]>>>;
}

export interface RunsRead {
  readonly path: string;
  readonly format: RunFormat;
  readonly runs: RunRecord[];
  readonly warnings: string[];
  /** Set when there is no run: why, in words for the user. */
  readonly empty?: string;
}

/** Polls are repeated until one brings nothing new (large files come in slices); bounded. */
const MAX_POLLS = 1000;
/** Wait between polls while a source has unread changes (a database being written). */
const PENDING_WAIT_MS = 50;

export async function readRuns(target: string): Promise<RunsRead> {
  const source = await openRun(target);
  try {
    let infos = new Map<string, RunInfo>();
    let points = new Map<string, Map<string, Array<[number, number]>>>();
    const warnings: string[] = [];
    for (let i = 0; i < MAX_POLLS; i++) {
      const update = await source.poll();
      warnings.push(...update.warnings);
      if (update.reset) {
        infos = new Map();
        points = new Map();
      }
      for (const run of update.runs) infos.set(run.id, run);
      for (const p of update.points) {
        let byMetric = points.get(p.run);
        if (!byMetric) points.set(p.run, (byMetric = new Map()));
        let series = byMetric.get(p.name);
        if (!series) byMetric.set(p.name, (series = []));
        series.push([p.step, p.value]);
      }
      if (update.pending) await new Promise(resolve => setTimeout(resolve, PENDING_WAIT_MS));
      else if (!update.reset && update.runs.length === 0 && update.points.length === 0) break;
    }
    const runs = [...infos.values()].map((info): RunRecord => {
      const metrics: Record<string, Array<[number, number]>> = {};
      for (const [name, series] of points.get(info.id) ?? []) metrics[name] = series.map((pair, order) => ({ pair, order })).sort((a, b) => a.pair[0] - b.pair[0] || a.order - b.order).map(x => x.pair);
      return { id: info.id, name: info.label, source: info.format, state: info.state ?? null, params: info.params ?? {}, metrics };
    });
    return { path: source.path, format: source.format, runs, warnings, empty: runs.length === 0 ? await explainNoRuns(source) : undefined };
  } finally {
    source.close?.();
  }
}
