/**
 * Parallel search quality: our sampler and Optuna's, each under the same simulated parallel
 * schedule (src/core/bench/parallel.ts) with the same budget, seeds and trial durations, at several
 * `parallel` settings. Shared by `hpstudio bench --parallel` and `npm run bench:optuna -- --only parallel`.
 */
import type { BenchProblem, Params } from '../../core/bench/problems';
import { runParallelStudy } from '../../core/bench/parallel';
import { median } from '../../core/bench/runner';
import { createSampler } from '../../core/search/index';
import type { OptunaAskTell } from './optunaAskTell';

export interface ParallelRecord {
  readonly problem: string;
  /** `ours:<sampler>` or `optuna:<sampler>`. */
  readonly side: string;
  readonly parallel: number;
  readonly seed: number;
  readonly bestValueAfter: Record<string, number>;
  readonly regret: number;
  readonly overheadMs: number;
}

export interface ParallelCompareOptions {
  readonly problem: BenchProblem;
  /** For problems without an in-process objective (svc_cancer). */
  readonly evaluate?: (p: Params) => number | Promise<number>;
  /** Our sampler ('none': Optuna's side only). */
  readonly sampler: string;
  readonly parallels: readonly number[];
  readonly seeds: readonly number[];
  readonly trials: number;
  /** Optuna samplers to run beside ours (each with its own session), none without. */
  readonly optuna?: { readonly session: OptunaAskTell; readonly samplers: readonly string[] };
  readonly signal?: AbortSignal;
  readonly onRecord?: (r: ParallelRecord) => void;
}

/** Lets the Optuna child's answers in between our (CPU-bound, synchronous) proposals. */
const yieldToIo = () => new Promise<void>(resolve => setImmediate(resolve));

/** Optuna's default for parallel workers is constant_liar only when asked: `tpe_cl` is TPE with it, used at parallel > 1. */
export function optunaSamplerAt(name: string, parallel: number): string {
  return parallel > 1 && (name === 'tpe' || name === 'tpe_mv') ? `${name}_cl` : name;
}

export async function compareParallel(o: ParallelCompareOptions): Promise<ParallelRecord[]> {
  const { problem } = o;
  const evaluate = problem.evaluate ?? o.evaluate;
  if (!evaluate) throw new Error(`${problem.name} needs an evaluator`);
  const records: ParallelRecord[] = [];
  const record = (side: string, parallel: number, seed: number, r: { bestValueAfter: Record<string, number>; overheadMsPerTrial: number }) => {
    const best = r.bestValueAfter[String(o.trials)];
    const rec = { problem: problem.name, side, parallel, seed, bestValueAfter: r.bestValueAfter, regret: best - problem.fStar, overheadMs: r.overheadMsPerTrial };
    records.push(rec);
    o.onRecord?.(rec);
  };
  for (const parallel of o.parallels) {
    for (const seed of o.seeds) {
      const opts = { parallel, seed, signal: o.signal };
      const ours = (async () => {
        if (o.sampler === 'none') return;
        const r = await runParallelStudy(problem.space, async p => {
          await yieldToIo();
          return evaluate(p);
        }, createSampler(o.sampler, seed), o.trials, opts);
        record(`ours:${o.sampler}`, parallel, seed, r);
      })();
      const theirs = (o.optuna?.samplers ?? []).reduce(async (prev, name) => {
        await prev;
        const sampler = optunaSamplerAt(name, parallel);
        const proposer = await o.optuna!.session.study(sampler, seed, problem.space);
        const r = await runParallelStudy(problem.space, evaluate, proposer, o.trials, opts);
        record(`optuna:${sampler}`, parallel, seed, r);
      }, Promise.resolve());
      await Promise.all([ours, theirs]);
    }
  }
  return records;
}

/** Median regret at the last checkpoint per (side, parallel). */
export function medianRegrets(records: readonly ParallelRecord[]): Map<string, number> {
  const groups = new Map<string, number[]>();
  for (const r of records) {
    const key = `${r.side.replace(/_cl$/, '')}@${r.parallel}`;
    groups.set(key, [...(groups.get(key) ?? []), r.regret]);
  }
  return new Map([...groups].map(([k, v]) => [k, median(v)]));
}

/** Issue 15's goal: at every `parallel`, our median regret at most this many times our sequential median. */
export const PARALLEL_GOAL_FACTOR = 1.5;

/** Our side at one `parallel` setting against the goal. */
export interface ParallelGoalRow {
  readonly parallel: number;
  readonly median: number;
  /** Seeds whose regret is at most the bar (when more than half are, the median is too). */
  readonly within: number;
  readonly seeds: number;
}

/**
 * The goal for one problem: the bar (PARALLEL_GOAL_FACTOR × our sequential median) and, per setting, the
 * median and how many seeds end at or below the bar. On a two-moded regret (a seed either finds the
 * global basin or not) the median flips with one seed, and the count shows how close to the edge it is.
 */
export function parallelGoal(records: readonly ParallelRecord[], side: string, parallels: readonly number[]): { readonly bar: number; readonly rows: readonly ParallelGoalRow[] } {
  const regrets = (k: number) => records.filter(r => r.side === side && r.parallel === k).map(r => r.regret);
  const bar = PARALLEL_GOAL_FACTOR * median(regrets(1));
  const rows = parallels.map(parallel => {
    const at = regrets(parallel);
    return { parallel, median: median(at), within: at.filter(v => v <= bar).length, seeds: at.length };
  });
  return { bar, rows };
}
