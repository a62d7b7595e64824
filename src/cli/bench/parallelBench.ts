/**
 * `hpstudio bench --parallel 1,4,8 [--optuna tpe]`: search quality when trials run in parallel. Each
 * setting runs the study under a simulated schedule (k trials in flight, seeded durations, results
 * told in completion order) — ours, and Optuna's samplers through ask/tell under the very same
 * schedule when --optuna is given — and prints the median best value and regret per setting.
 */
import type { BenchProblem, Params } from '../../core/bench/problems';
import { median } from '../../core/bench/runner';
import { UsageError, type CliIO } from '../args';
import { compareParallel, PARALLEL_GOAL_FACTOR, parallelGoal, type ParallelRecord } from './parallelCompare';
import { OPTUNA_SAMPLERS, OptunaAskTell } from './optunaAskTell';
import { textTable } from './textTable';

/** "1,4,8" → [1, 4, 8]; each an integer in 1…256. */
export function parseParallelList(text: string): number[] {
  const list = text.split(',').map(s => s.trim()).filter(Boolean).map(Number);
  if (list.length === 0 || list.some(k => !Number.isInteger(k) || k < 1 || k > 256)) throw new UsageError(`--parallel takes integers between 1 and 256, separated by commas (e.g. 1,4,8), got "${text}"`);
  return [...new Set(list)];
}

export function parseOptunaList(text: string): string[] {
  const list = text.split(',').map(s => s.trim()).filter(Boolean);
  for (const s of list) if (!(OPTUNA_SAMPLERS as readonly string[]).includes(s)) throw new UsageError(`unknown Optuna sampler "${s}" (known: ${OPTUNA_SAMPLERS.join(', ')})`);
  return list;
}

export interface ParallelBenchArgs {
  readonly problem: BenchProblem;
  readonly evaluate?: (p: Params) => number | Promise<number>;
  readonly sampler: string;
  readonly parallels: readonly number[];
  readonly optuna: readonly string[];
  readonly seeds: readonly number[];
  readonly trials: number;
  readonly json: boolean;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(3) : v.toPrecision(4);
}

/** One row per side, one column per setting: median best value, then median regret. */
export function parallelTable(records: readonly ParallelRecord[], parallels: readonly number[], trials: number): string {
  const sides = [...new Set(records.map(r => r.side.replace(/_cl$/, '')))];
  const head = ['side', ...parallels.map(k => `best@${trials} p=${k}`), ...parallels.map(k => `regret p=${k}`)];
  const rows = sides.map(side => {
    const at = (k: number) => records.filter(r => r.side.replace(/_cl$/, '') === side && r.parallel === k);
    return [side, ...parallels.map(k => fmt(median(at(k).map(r => r.bestValueAfter[String(trials)])))), ...parallels.map(k => fmt(median(at(k).map(r => r.regret))))];
  });
  return textTable([head, ...rows]) + '\n';
}

/** Issue 15's goal for our side: the bar and, per parallel setting, the median and the seeds within it. */
export function goalLine(records: readonly ParallelRecord[], side: string, parallels: readonly number[]): string {
  const goal = parallelGoal(records, side, parallels);
  const rows = goal.rows.filter(g => g.parallel !== 1).map(g => `p=${g.parallel} ${g.median <= goal.bar ? 'met' : 'missed'} (${g.within}/${g.seeds} seeds within)`);
  return `goal: median ≤ ${PARALLEL_GOAL_FACTOR} × ours at p=1 = ${fmt(goal.bar)}: ${rows.join(', ')}\n`;
}

export async function runParallelBench(a: ParallelBenchArgs, io: CliIO): Promise<number> {
  const session = a.optuna.length ? new OptunaAskTell() : undefined;
  try {
    const records = await compareParallel({
      problem: a.problem,
      evaluate: a.evaluate,
      sampler: a.sampler,
      parallels: a.parallels,
      seeds: a.seeds,
      trials: a.trials,
      optuna: session && { session, samplers: a.optuna },
      signal: io.signal,
      onRecord: r => {
        if (a.json) io.stdout.write(JSON.stringify({ problem: r.problem, side: r.side, parallel: r.parallel, seed: r.seed, best_value_after: r.bestValueAfter, f_star: a.problem.fStar, regret: r.regret, overhead_ms_per_trial: Math.round(r.overheadMs * 1e4) / 1e4 }) + '\n');
        io.stderr.write(`bench ${r.problem} ${r.side} parallel ${r.parallel}: seed ${r.seed} done\n`);
      },
    });
    if (!a.json) {
      io.stdout.write(`${a.problem.name} · ${a.trials} trials · ${a.seeds.length} seed(s) · median over seeds · f* = ${a.problem.fStar}\n`);
      io.stdout.write(parallelTable(records, a.parallels, a.trials));
      if (a.parallels.includes(1) && a.parallels.length > 1) io.stdout.write(goalLine(records, `ours:${a.sampler}`, a.parallels));
    }
    return 0;
  } finally {
    session?.close();
  }
}
