/**
 * `hpstudio bench --problem zdt1|zdt2|dtlz2`: a multi-objective sampler on the ZDT/DTLZ problems,
 * scored by the hypervolume its trials dominate below the problem's reference point (issue #14: after
 * 100 and 300 trials). One JSON line per seed with --json, else a table with the medians.
 */
import { MO_PROBLEMS, type MultiObjectiveProblem } from '../../core/bench/problems';
import { median, runMultiObjectiveStudy } from '../../core/bench/runner';
import { createSampler } from '../../core/search/index';
import { MULTI_OBJECTIVE_METHODS } from '../../core/study/file/keys';
import { UsageError, type CliIO } from '../args';
import { textTable } from './textTable';

export function multiObjectiveProblem(name: string): MultiObjectiveProblem | undefined {
  return (MO_PROBLEMS as Record<string, MultiObjectiveProblem | undefined>)[name];
}

export interface MultiObjectiveBenchOptions {
  readonly problem: MultiObjectiveProblem;
  readonly sampler: string;
  readonly trials: number;
  readonly seed0: number;
  readonly seeds: number;
  readonly json: boolean;
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(6) : String(v));

export function runMultiObjectiveBench(o: MultiObjectiveBenchOptions, io: CliIO): number {
  const samplerName = o.sampler.toLowerCase();
  if (!(MULTI_OBJECTIVE_METHODS as readonly string[]).includes(samplerName)) {
    throw new UsageError(`--sampler ${o.sampler} models one objective; ${o.problem.name} has ${o.problem.reference.length} (use ${MULTI_OBJECTIVE_METHODS.filter(m => m !== 'bayes').join(', ')})`);
  }
  const perCheckpoint = new Map<string, number[]>();
  const overheads: number[] = [];
  const rows: string[][] = [];
  for (let s = o.seed0; s < o.seed0 + o.seeds; s++) {
    if (io.signal.aborted) return 130;
    const started = Date.now();
    const r = runMultiObjectiveStudy(o.problem, createSampler(samplerName, s), o.trials);
    const overhead = Math.round(r.overheadMsPerTrial * 1e4) / 1e4;
    if (o.json) {
      io.stdout.write(`${JSON.stringify({ problem: o.problem.name, sampler: o.sampler, seed: s, trials: o.trials, reference: o.problem.reference, hypervolume_after: r.hypervolumeAfter, best_hypervolume: o.problem.bestHypervolume, overhead_ms_per_trial: overhead })}\n`);
    }
    for (const [c, hv] of Object.entries(r.hypervolumeAfter)) perCheckpoint.set(c, [...(perCheckpoint.get(c) ?? []), hv]);
    overheads.push(overhead);
    rows.push([String(s), ...Object.values(r.hypervolumeAfter).map(fmt), fmt(overhead)]);
    io.stderr.write(`bench ${o.problem.name} ${o.sampler}: seed ${s} done in ${((Date.now() - started) / 1000).toFixed(1)} s (${s - o.seed0 + 1}/${o.seeds})\n`);
  }
  if (!o.json) {
    const checkpoints = [...perCheckpoint.keys()];
    const all = [['seed', ...checkpoints.map(c => `HV@${c}`), 'overhead ms'], ...rows, ['median', ...checkpoints.map(c => fmt(median(perCheckpoint.get(c)!))), fmt(median(overheads))]];
    const table = textTable(all);
    io.stdout.write(`${o.problem.name} · ${o.sampler} · ${o.trials} trials · reference (${o.problem.reference.join(', ')}) · true front HV ${fmt(o.problem.bestHypervolume)}\n${table}\n`);
  }
  return 0;
}
