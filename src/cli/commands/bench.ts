/**
 * `hpstudio bench`: runs a sampler (and optionally a pruner) on the benchmark problems — the same
 * problems, seeds and checkpoints as the Optuna side of `npm run bench:optuna` — and prints one JSON
 * line per seed or a table. svc_cancer trains a real model in Python (test/bench/optuna/problems.py).
 */
import { getProblem, LC_PROBLEMS, MO_PROBLEMS, PROBLEMS, type Params } from '../../core/bench/problems';
import { median, runOverhead, runPruningStudy, runSamplerStudy } from '../../core/bench/runner';
import { createPruner, createSampler, SAMPLER_NAMES } from '../../core/search/index';
import { parseArgs, UsageError, type CliCommand, type CliIO } from '../args';
import { OPTUNA_SAMPLERS } from '../bench/optunaAskTell';
import { parseOptunaList, parseParallelList, runParallelBench } from '../bench/parallelBench';
import { EVALUATOR_ENV, EVALUATOR_IN_REPO, PythonEvaluator, repoEvaluatorScript } from '../bench/pythonEvaluator';
import { multiObjectiveProblem, runMultiObjectiveBench } from '../bench/multiObjectiveBench';
import { textTable } from '../bench/textTable';

const OPTIONS = {
  problem: { type: 'string', short: 'p' },
  sampler: { type: 'string', short: 's' },
  trials: { type: 'number', short: 'n' },
  seeds: { type: 'number' },
  seed0: { type: 'number' },
  pruner: { type: 'string' },
  'epoch-budget': { type: 'number' },
  overhead: { type: 'number' },
  evaluator: { type: 'string' },
  parallel: { type: 'string' },
  optuna: { type: 'string' },
  json: { type: 'flag' },
} as const;

const SAMPLER_CHOICES = [...SAMPLER_NAMES, 'bayes', 'qmc', 'tpe_mv'];
const PRUNER_CHOICES = ['none', 'median', 'asha', 'hyperband'];

function intOption(options: Record<string, unknown>, name: string, fallback: number, max: number): number {
  const v = options[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new UsageError(`--${name} must be an integer between 1 and ${max}, got ${String(v)}`);
  return v;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(3) : v.toPrecision(4);
}

function usageText(): string {
  return [
    'Usage: hpstudio bench --problem P --sampler S [--trials N] [--seeds K] [--seed0 X] [--pruner R] [--json]',
    '       hpstudio bench --problem P --parallel 1,4,8 [--optuna tpe,cmaes] [--sampler S] [--trials N] [--seeds K] [--json]',
    '       hpstudio bench --overhead N [--sampler S] [--json]',
    '',
    `Problems: ${[...Object.keys(PROBLEMS), ...Object.keys(LC_PROBLEMS)].join(', ')}`,
    `          ${Object.keys(MO_PROBLEMS).join(', ')} (several objectives, scored by hypervolume)`,
    `Samplers: ${SAMPLER_NAMES.join(', ')} (bayes = auto)`,
    `Pruners:  ${PRUNER_CHOICES.join(', ')} (learning-curve problems lc_synth / lc_mild only)`,
    '',
    'Prints one JSON line per seed with --json:',
    '  {"problem","sampler","seed","best_value_after":{"10":…,"20":…,"50":…,"100":…},"overhead_ms_per_trial":…}',
    'plus "epochs" (and "pruned") for learning-curve problems, whose trials report every epoch to the pruner;',
    'for zdt1/zdt2/dtlz2: {"problem","sampler","seed","hypervolume_after":{"100":…,"300":…},"overhead_ms_per_trial":…}.',
    '',
    'Options:',
    '  -p, --problem P       benchmark problem',
    '  -s, --sampler S       sampler (default auto)',
    '  -n, --trials N        trials per seed (default 100)',
    '      --seeds K         number of seeds (default 1); seeds are seed0 … seed0+K−1',
    '      --seed0 X         first seed (default 0)',
    '      --pruner R        pruner for lc_synth / lc_mild (default none)',
    '      --epoch-budget E  learning curves: run trials until E epochs were spent (instead of N trials)',
    '      --overhead N      time the sampler alone over N trials of x²+y² and print ms/trial',
    '      --evaluator PATH  Python script that evaluates svc_cancer (`PATH serve svc_cancer`, JSON lines)',
    `                        (default $${EVALUATOR_ENV}, else ${repoEvaluatorScript() ?? `${EVALUATOR_IN_REPO} of the source repository`})`,
    '      --parallel LIST   run each study with k trials in flight for each k in LIST (simulated',
    '                        schedule: seeded durations, results told in completion order)',
    '      --optuna LIST     with --parallel: also run these Optuna samplers under the same schedule',
    `                        (${OPTUNA_SAMPLERS.join(', ')}; tpe uses constant_liar when k > 1)`,
    '      --json            JSON lines instead of a table',
    '',
    'Progress goes to stderr.',
  ].join('\n');
}

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'benchmark a sampler/pruner on the benchmark problems (compare with Optuna)',
  // A getter: finding the repository's evaluator touches the disk, which only --help needs.
  get usage() {
    return usageText();
  },

  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { positional, options } = parseArgs(argv, OPTIONS);
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
    const samplerName = String(options.sampler ?? 'auto');
    if (!SAMPLER_CHOICES.includes(samplerName.toLowerCase())) throw new UsageError(`unknown sampler "${samplerName}" (known: ${SAMPLER_NAMES.join(', ')})`);
    const json = options.json === true;
    const seed0 = options.seed0 ?? 0;
    if (typeof seed0 !== 'number' || !Number.isInteger(seed0) || seed0 < 0) throw new UsageError(`--seed0 must be a non-negative integer, got ${String(seed0)}`);
    const seeds = intOption(options, 'seeds', 1, 100_000);

    if (options.overhead !== undefined) {
      const n = intOption(options, 'overhead', 1000, 1_000_000);
      const rows: string[][] = [['seed', 'trials', 'mean ms/trial', 'last 10% ms/trial']];
      for (let s = seed0; s < seed0 + seeds; s++) {
        if (io.signal.aborted) return 130;
        const r = runOverhead(createSampler(samplerName, s), n);
        if (json) io.stdout.write(JSON.stringify({ kind: 'overhead', sampler: samplerName, seed: s, n_trials: n, wall_ms: round(r.wallMs), mean_ms_per_trial: round(r.meanMsPerTrial), last10pct_ms_per_trial: round(r.last10pctMsPerTrial) }) + '\n');
        rows.push([String(s), String(n), fmt(r.meanMsPerTrial), fmt(r.last10pctMsPerTrial)]);
      }
      if (!json) io.stdout.write(`sampler ${samplerName}, objective x²+y²\n` + textTable(rows) + '\n');
      return 0;
    }

    if (typeof options.problem !== 'string') throw new UsageError('--problem is required (or --overhead N)');
    const problemName = options.problem;
    const trials = intOption(options, 'trials', 100, 100_000);
    const prunerName = String(options.pruner ?? 'none');
    if (!PRUNER_CHOICES.includes(prunerName)) throw new UsageError(`unknown pruner "${prunerName}" (known: ${PRUNER_CHOICES.join(', ')})`);
    const mo = multiObjectiveProblem(problemName);
    if (mo) return runMultiObjectiveBench({ problem: mo, sampler: samplerName, trials, seed0, seeds, json }, io);
    const lc = (LC_PROBLEMS as Record<string, (typeof LC_PROBLEMS)['lc_mild'] | undefined>)[problemName];
    if (!lc && options.pruner !== undefined && prunerName !== 'none') throw new UsageError(`--pruner needs a learning-curve problem (lc_synth or lc_mild), not "${problemName}"`);
    if (!lc && !(problemName in PROBLEMS)) throw new UsageError(`unknown problem "${problemName}" (known: ${[...Object.keys(PROBLEMS), ...Object.keys(LC_PROBLEMS)].join(', ')})`);
    if (options.optuna !== undefined && options.parallel === undefined) throw new UsageError('--optuna needs --parallel (e.g. --parallel 1,4,8)');
    if (options.parallel !== undefined) {
      if (lc) throw new UsageError('--parallel takes the benchmark functions, not the learning-curve problems');
      const parallels = parseParallelList(String(options.parallel));
      const optuna = parseOptunaList(String(options.optuna ?? ''));
      const problem = getProblem(problemName);
      const evaluator = problem.evaluate ? undefined : new PythonEvaluator(problemName, typeof options.evaluator === 'string' ? options.evaluator : undefined);
      try {
        const seedList = Array.from({ length: seeds }, (_, i) => seed0 + i);
        return await runParallelBench({ problem, evaluate: evaluator && (p => evaluator.evaluate(p)), sampler: samplerName, parallels, optuna, seeds: seedList, trials, json }, io);
      } finally {
        evaluator?.close();
      }
    }
    const epochBudget = options['epoch-budget'] === undefined ? undefined : intOption(options, 'epoch-budget', 1, 100_000_000);

    const header = lc ? ['seed', 'trials', 'pruned', 'epochs'] : ['seed'];
    const rows: string[][] = [];
    const perCheckpoint = new Map<string, number[]>();
    const overheads: number[] = [];
    let checkpoints: string[] = [];
    let evaluator: PythonEvaluator | undefined;
    try {
      for (let s = seed0; s < seed0 + seeds; s++) {
        if (io.signal.aborted) return 130;
        const started = Date.now();
        const sampler = createSampler(samplerName, s);
        let record: Record<string, unknown>;
        let bestAfter: Record<string, number>;
        let overhead: number;
        if (lc) {
          const r = runPruningStudy(lc, sampler, createPruner({ type: prunerName }), { nTrials: trials, epochBudget });
          bestAfter = r.bestValueAfter;
          overhead = r.overheadMsPerTrial;
          record = { problem: problemName, sampler: samplerName, pruner: prunerName, seed: s, best_value_after: bestAfter, epochs: r.totalEpochs, trials: r.nTrials, pruned: r.nPruned, best_value: r.bestValue, best_regret: r.bestValue - lc.fStar, overhead_ms_per_trial: round(overhead) };
          rows.push([String(s), String(r.nTrials), String(r.nPruned), String(r.totalEpochs)]);
        } else {
          const problem = getProblem(problemName);
          let evaluate: ((p: Params) => number | Promise<number>) | undefined = problem.evaluate;
          if (!evaluate) {
            const ev = (evaluator ??= new PythonEvaluator(problemName, typeof options.evaluator === 'string' ? options.evaluator : undefined));
            evaluate = p => ev.evaluate(p);
          }
          const r = await runSamplerStudy(problem.space, evaluate!, sampler, trials, { signal: io.signal });
          bestAfter = r.bestValueAfter;
          overhead = r.overheadMsPerTrial;
          record = { problem: problemName, sampler: samplerName, seed: s, best_value_after: bestAfter, f_star: problem.fStar, overhead_ms_per_trial: round(overhead) };
          rows.push([String(s)]);
        }
        checkpoints = Object.keys(bestAfter);
        for (const c of checkpoints) {
          const list = perCheckpoint.get(c) ?? [];
          list.push(bestAfter[c]);
          perCheckpoint.set(c, list);
          rows[rows.length - 1].push(fmt(bestAfter[c]));
        }
        rows[rows.length - 1].push(fmt(overhead));
        overheads.push(overhead);
        if (json) io.stdout.write(JSON.stringify(record) + '\n');
        io.stderr.write(`bench ${problemName} ${samplerName}${lc ? `/${prunerName}` : ''}: seed ${s} done in ${((Date.now() - started) / 1000).toFixed(1)} s (${s - seed0 + 1}/${seeds})\n`);
      }
    } finally {
      evaluator?.close();
    }
    if (!json) {
      const fStar = lc ? lc.fStar : getProblem(problemName).fStar;
      const head = [...header, ...checkpoints.map(c => `best@${c}`), 'overhead ms'];
      const med = ['median', ...header.slice(1).map(() => ''), ...checkpoints.map(c => fmt(median(perCheckpoint.get(c) ?? []))), fmt(median(overheads))];
      const reg = ['regret', ...header.slice(1).map(() => ''), ...checkpoints.map(c => fmt(median(perCheckpoint.get(c) ?? []) - fStar)), ''];
      io.stdout.write(`${problemName} · ${samplerName}${lc ? ` · pruner ${prunerName}` : ''} · ${trials} trials · f* = ${fStar}\n` + textTable([head, ...rows, med, reg]) + '\n');
    }
    return 0;
  },
};

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
