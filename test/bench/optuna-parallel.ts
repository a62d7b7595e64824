/**
 * `npm run bench:optuna -- --only parallel`: search quality with trials in parallel. Every problem
 * runs at each `parallel` setting under the same simulated schedule (seeded durations, results told
 * in completion order) for our sampler and for Optuna's (TPE with constant_liar at k > 1, Debian's
 * python3-optuna through test/bench/optuna/ask_tell.py), same budget and seeds. Checks the goal of
 * issue 15: at every k, our median regret ≤ Optuna's sequential TPE and ≤ 1.5 × our sequential one.
 *
 *   [--parallel 1,4,8] [--seeds 20] [--seed0 0] [--problems branin,...] [--sampler auto|none] [--optuna tpe,tpe_mv,cmaes,qmc]
 *
 * Writes test-results/bench/optuna-parallel.json (optuna-parallel.<problems>.json for --problems). svc_cancer runs
 * through the repository's Python evaluator (test/bench/optuna/problems.py, or $HPSTUDIO_BENCH_EVALUATOR).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBLEMS, type Params } from '../../src/core/bench/problems';
import { PythonEvaluator } from '../../src/cli/bench/pythonEvaluator';
import { OptunaAskTell } from '../../src/cli/bench/optunaAskTell';
import { compareParallel, medianRegrets, PARALLEL_GOAL_FACTOR, parallelGoal, type ParallelRecord } from '../../src/cli/bench/parallelCompare';
import { parseOptunaList, parseParallelList } from '../../src/cli/bench/parallelBench';
import { textTable } from '../../src/cli/bench/textTable';

function fmt(v: number | undefined): string {
  if (v === undefined) return '—';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
}

export async function parallelMain(argv: readonly string[]): Promise<void> {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const parallels = parseParallelList(value('parallel') ?? '1,4,8');
  const seeds = Number(value('seeds') ?? (argv.includes('--full') ? 20 : 5));
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds must be a positive integer, got ${value('seeds')}`);
  const seed0 = Number(value('seed0') ?? 0);
  if (!Number.isInteger(seed0) || seed0 < 0) throw new Error(`--seed0 must be a non-negative integer, got ${value('seed0')}`);
  const sampler = value('sampler') ?? 'auto';
  const optunaSamplers = parseOptunaList(value('optuna') ?? 'tpe');
  const names = (value('problems') ?? 'branin,hartmann6,rosenbrock4,ackley5,hpo_synth,svc_cancer').split(',');
  const trials = 100;
  // A subset of problems (e.g. one per process) is saved on its own.
  const out = join(__dirname, '..', '..', 'test-results', 'bench', value('problems') || sampler === 'none' || seed0 ? `optuna-parallel.${[sampler === 'none' ? 'optuna-only' : '', value('problems') ? names.join('+') : '', seed0 ? `seed${seed0}` : ''].filter(Boolean).join('.')}.json` : 'optuna-parallel.json');
  const session = new OptunaAskTell();
  const records: ParallelRecord[] = [];
  const t0 = Date.now();
  try {
    for (const name of names) {
      const problem = (PROBLEMS as Record<string, (typeof PROBLEMS)['branin'] | undefined>)[name];
      if (!problem) throw new Error(`unknown problem ${name}`);
      // svc_cancer is real scikit-learn: the repository's Python evaluator (or $HPSTUDIO_BENCH_EVALUATOR), as in
      // the sequential part and `hpstudio bench`.
      const evaluator = problem.evaluate ? undefined : new PythonEvaluator(name);
      const started = Date.now();
      try {
        const evaluate = evaluator && ((p: Params) => evaluator.evaluate(p));
        records.push(...(await compareParallel({ problem, evaluate, sampler, parallels, seeds: Array.from({ length: seeds }, (_, i) => seed0 + i), trials, optuna: { session, samplers: optunaSamplers } })));
      } finally {
        evaluator?.close();
      }
      process.stderr.write(`  ${name}: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
  } finally {
    session.close();
  }
  const ours = `ours:${sampler}`;
  const head = ['problem', ...parallels.map(k => `ours p=${k}`), ...optunaSamplers.flatMap(s => parallels.map(k => `optuna ${s} p=${k}`)), 'goal'];
  const rows = [head];
  const summary: Record<string, Record<string, number>> = {};
  const goals: Record<string, ReturnType<typeof parallelGoal>> = {};
  const within: string[][] = [['problem', 'bar', ...parallels.map(k => `ours p=${k}`)]];
  for (const name of names.filter(n => records.some(r => r.problem === n))) {
    const med = medianRegrets(records.filter(r => r.problem === name));
    summary[name] = Object.fromEntries(med);
    const optunaSeq = med.get('optuna:tpe@1');
    const goal = parallelGoal(records.filter(r => r.problem === name), ours, parallels);
    const ok = sampler !== 'none' && goal.rows.every(g => (optunaSeq === undefined || g.median <= optunaSeq) && g.median <= goal.bar);
    if (sampler !== 'none') {
      within.push([name, fmt(goal.bar), ...goal.rows.map(g => `${g.within}/${g.seeds}`)]);
      goals[name] = goal;
    }
    rows.push([name, ...parallels.map(k => fmt(med.get(`${ours}@${k}`))), ...optunaSamplers.flatMap(s => parallels.map(k => fmt(med.get(`optuna:${s}@${k}`)))), sampler === 'none' ? '—' : ok ? 'met' : 'missed']);
  }
  process.stdout.write(`\nMedian regret after ${trials} trials over ${seeds} seeds (goal: ours at every k ≤ Optuna's sequential TPE and ≤ ${PARALLEL_GOAL_FACTOR} × ours at k=1)\n${textTable(rows)}\n`);
  if (within.length > 1) process.stdout.write(`\nSeeds at or below the bar (${PARALLEL_GOAL_FACTOR} × our median at k=1): the median meets it when more than half do\n${textTable(within)}\n`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, JSON.stringify({ trials, seeds, seed0, parallels, sampler, optuna: optunaSamplers, seconds: Math.round((Date.now() - t0) / 1000), median_regret: summary, goal: goals, records }, null, 1));
  process.stdout.write(`wrote ${out}\n`);
}
