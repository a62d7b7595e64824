/**
 * `npm run bench:optuna`: our default sampler against Optuna's TPE, side by side in one run (same
 * problems, seeds and budgets). Optuna's side (test/bench/optuna/optuna_side.py, Debian's
 * python3-optuna) runs in a child process concurrently with ours, so the two use one core each. Prints the ratio table and writes test-results/bench/optuna-compare.json.
 *
 *   node -r esbuild-register test/bench/optuna-compare.ts [--full] [--seeds K] [--problems a,b] [--sampler auto]
 *     [--only problems,overhead,pruning]   (a subset is saved as optuna-compare.<parts>.json)
 *     [--only parallel [--parallel 1,4,8] [--optuna tpe,…]]   parallel search quality (optuna-parallel.ts)
 *
 * Default 5 seeds (a few minutes); --full uses 20 seeds (about 10 minutes on 2 cores).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LC_PROBLEMS, PROBLEMS } from '../../src/core/bench/problems';
import { bestWithinEpochs, median, runOverhead, runPruningStudy, runSamplerStudy } from '../../src/core/bench/runner';
import { createPruner, createSampler } from '../../src/core/search/index';
import { PythonEvaluator } from '../../src/cli/bench/pythonEvaluator';
import { runBenchPython } from '../../src/cli/bench/pythonLines';
import { parallelMain } from './optuna-parallel';
import { textTable } from '../../src/cli/bench/textTable';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const value = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const FULL = flag('full') || process.env.HPSTUDIO_BENCH_FULL === '1';
const SEEDS = Number(value('seeds') ?? (FULL ? 20 : 5));
const SAMPLER = value('sampler') ?? 'auto';
/** --only problems,overhead,pruning runs a subset (default: everything). */
const PARTS = new Set((value('only') ?? 'problems,overhead,pruning').split(','));
const PROBLEM_NAMES = PARTS.has('problems') ? (value('problems') ?? 'branin,hartmann6,rosenbrock4,ackley5,hpo_synth,svc_cancer').split(',') : [];
const OUT_NAME = PARTS.size === 3 ? 'optuna-compare.json' : `optuna-compare.${[...PARTS].sort().join('+')}.json`;
const TRIALS = 100;
const OVERHEAD_TRIALS = 1000;
const LC = 'lc_mild' as const;
const PRUNERS = ['median', 'asha', 'hyperband'] as const;
const PRUNING_SEEDS = Math.min(SEEDS, 10);
const PRUNING_SAMPLERS = [SAMPLER, 'random'];
const OPTUNA_SIDE = join(__dirname, 'optuna', 'optuna_side.py');
const OUT = join(__dirname, '..', '..', 'test-results', 'bench', OUT_NAME);

if (!Number.isInteger(SEEDS) || SEEDS < 1) throw new Error(`--seeds must be a positive integer, got ${value('seeds')}`);
for (const p of PROBLEM_NAMES) if (!(p in PROBLEMS)) throw new Error(`unknown problem ${p}`);

type Json = Record<string, unknown>;

/** Runs Optuna jobs one after another (one core), collecting their JSON lines. */
async function runOptunaJobs(jobs: string[][]): Promise<Json[][]> {
  const results: Json[][] = [];
  for (const job of jobs) {
    const started = Date.now();
    const out = await runBenchPython([OPTUNA_SIDE, ...job]);
    results.push(out.split('\n').filter(l => l.trim()).map(l => JSON.parse(l) as Json));
    process.stderr.write(`  [optuna] ${job.join(' ')} — ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  return results;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
}


async function main(): Promise<void> {
  const t0 = Date.now();
  process.stderr.write(`optuna-compare: ${SEEDS} seeds, ${TRIALS} trials, sampler ${SAMPLER}, problems ${PROBLEM_NAMES.join(', ')}${FULL ? ' (full)' : ''}\n`);
  const refJobs = [
    ...(PARTS.has('overhead') ? [['overhead', '--trials', String(OVERHEAD_TRIALS), '--sampler', 'tpe']] : []),
    ...PROBLEM_NAMES.map(p => ['study', '--problem', p, '--sampler', 'tpe', '--trials', String(TRIALS), '--seeds', `0..${SEEDS - 1}`]),
    ...(PARTS.has('pruning')
      ? ['none', 'hyperband'].map(pruner => ['pruning', '--problem', LC, '--pruner', pruner, '--sampler', 'tpe', '--trials', String(TRIALS), '--seeds', `0..${PRUNING_SEEDS - 1}`])
      : []),
  ];
  const refPromise = runOptunaJobs(refJobs);
  refPromise.catch(() => undefined);

  // Our side, in this process, while Optuna works on the other core.
  const ovRuns = [];
  for (const s of PARTS.has('overhead') ? [0, 1, 2] : []) {
    ovRuns.push(runOverhead(createSampler(SAMPLER, s), OVERHEAD_TRIALS));
    await new Promise(r => setImmediate(r));
  }
  const oursOverhead = median(ovRuns.map(r => r.meanMsPerTrial));
  process.stderr.write(`  [ours] overhead ${OVERHEAD_TRIALS} trials: ${oursOverhead.toFixed(3)} ms/trial\n`);
  const ours: Record<string, { values50: number[]; values100: number[]; overhead: number[] }> = {};
  for (const name of PROBLEM_NAMES) {
    const problem = PROBLEMS[name];
    const started = Date.now();
    const evaluator = problem.evaluate ? undefined : new PythonEvaluator(name);
    // Our loop is CPU-bound: yield to the event loop every few trials so Optuna's jobs are
    // started and reaped on time (otherwise the two sides would run one after the other).
    let calls = 0;
    const base = problem.evaluate;
    const evaluate = base
      ? async (p: Record<string, unknown>) => {
          if (++calls % 5 === 0) await new Promise(r => setImmediate(r));
          return base(p as never);
        }
      : (p: Record<string, unknown>) => evaluator!.evaluate(p as never);
    const entry = { values50: [] as number[], values100: [] as number[], overhead: [] as number[] };
    try {
      for (let s = 0; s < SEEDS; s++) {
        const r = await runSamplerStudy(problem.space, evaluate, createSampler(SAMPLER, s), TRIALS);
        entry.values50.push(r.bestValueAfter['50']);
        entry.values100.push(r.bestValueAfter['100']);
        entry.overhead.push(r.overheadMsPerTrial);
      }
    } finally {
      evaluator?.close();
    }
    ours[name] = entry;
    process.stderr.write(`  [ours] ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  // Pruning on lc_mild: no pruning vs each pruner, 100 trials, and within 25% of the epochs.
  const lc = LC_PROBLEMS[LC];
  const fullEpochs = TRIALS * lc.maxEpoch;
  const quarter = Math.floor(fullEpochs / 4);
  // Our default sampler, and random search (where pruning has the most to save), each without
  // pruning for the full 100 trials and with every pruner until 25% of those epochs are spent.
  const pruning: Record<string, { regret: number[]; epochs: number[]; trials: number[] }> = {};
  for (const sampler of PARTS.has('pruning') ? PRUNING_SAMPLERS : []) {
    for (const pr of ['none', ...PRUNERS]) {
      const e = { regret: [] as number[], epochs: [] as number[], trials: [] as number[] };
      for (let s = 0; s < PRUNING_SEEDS; s++) {
        await new Promise(r => setImmediate(r));
        const r = runPruningStudy(lc, createSampler(sampler, s), createPruner({ type: pr }), pr === 'none' ? { nTrials: TRIALS } : { nTrials: TRIALS, epochBudget: quarter });
        if (pr === 'none') {
          e.regret.push(r.bestValue - lc.fStar);
          e.epochs.push(r.totalEpochs);
          e.trials.push(r.nTrials);
        } else {
          // Strictly within the budget: the best trial completed by epoch `quarter` (the run's last
          // trial may overshoot it by < 81 epochs, and does not count).
          const within = r.curve.filter(([ep]) => ep <= quarter);
          e.regret.push(bestWithinEpochs(r.curve, quarter) - lc.fStar);
          e.epochs.push(within.length ? within[within.length - 1][0] : 0);
          e.trials.push(within.length);
        }
      }
      pruning[`${sampler}+${pr}`] = e;
    }
  }
  process.stderr.write(`  [ours] pruning ${LC} done\n`);
  process.stderr.write('  waiting for Optuna…\n');
  const refList = await refPromise;
  // Results by job: 'overhead', each problem name, 'lc:none', 'lc:hyperband'.
  const ref = (key: string): Json[] => {
    const i = refJobs.findIndex(j => (key === 'overhead' ? j[0] === 'overhead' : key.startsWith('lc:') ? j[0] === 'pruning' && j[4] === key.slice(3) : j[0] === 'study' && j[2] === key));
    return i >= 0 ? refList[i] : [];
  };

  // ---- assemble ----
  const refOverhead = PARTS.has('overhead') ? Number(ref('overhead')[0].ms_per_trial) : NaN;
  const rows: string[][] = [['problem', 'ours@50', 'optuna@50', 'ratio@50', 'ours@100', 'optuna@100', 'ratio@100', 'verdict']];
  const problems: Json = {};
  let halfCount = 0;
  let allBeat = true;
  PROBLEM_NAMES.forEach(name => {
    const recs = ref(name);
    const refAt = (b: number) => recs.map(r => (r.best_at as Record<string, number>)[String(b)]);
    const all = [...ours[name].values100, ...refAt(100)];
    // Unknown optimum (svc_cancer): the best value seen anywhere in this run.
    const fStar = Math.min(PROBLEMS[name].fStar, ...all);
    const reg = (xs: number[]) => median(xs.map(v => v - fStar));
    const o50 = reg(ours[name].values50);
    const o100 = reg(ours[name].values100);
    const r50 = reg(refAt(50));
    const r100 = reg(refAt(100));
    const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? 1 : Infinity) : a / b);
    const q50 = ratio(o50, r50);
    const q100 = ratio(o100, r100);
    const beat = q50 <= 1 && q100 <= 1;
    const half = q50 <= 0.5 && q100 <= 0.5;
    if (!beat) allBeat = false;
    if (half) halfCount++;
    rows.push([name, fmt(o50), fmt(r50), fmt(q50), fmt(o100), fmt(r100), fmt(q100), half ? '≤ ½ both' : beat ? '≤ 1 both' : 'WORSE']);
    problems[name] = { f_star: fStar, seeds: SEEDS, ours_median_regret: { 50: o50, 100: o100 }, optuna_tpe_median_regret: { 50: r50, 100: r100 }, ratio: { 50: q50, 100: q100 }, ours_overhead_ms_per_trial: median(ours[name].overhead), optuna_overhead_ms_per_trial: median(recs.map(r => Number(r.overhead_ms))) };
  });
  const ovRatio = oursOverhead / refOverhead;

  const refNone = ref('lc:none').map(r => Number(r.regret));
  const refHb = ref('lc:hyperband');
  const prRows: string[][] = [['sampler+pruner', 'median trials', 'median epochs', '% of 8100', 'median regret', 'reaches its no-pruning regret with ≤ 25% epochs', 'beats Optuna TPE no-pruning']];
  const pruningJson: Json = {};
  const refNoneRegret = median(refNone);
  for (const sampler of PARTS.has('pruning') ? PRUNING_SAMPLERS : []) {
    const noneRegret = median(pruning[`${sampler}+none`].regret);
    for (const pr of ['none', ...PRUNERS]) {
      const key = `${sampler}+${pr}`;
      const e = pruning[key];
      const ep = median(e.epochs);
      const r = median(e.regret);
      const reaches = pr !== 'none' && ep <= quarter && r <= noneRegret;
      const beatsRef = pr !== 'none' && ep <= quarter && r <= refNoneRegret;
      prRows.push([key, String(median(e.trials)), String(ep), `${((100 * ep) / fullEpochs).toFixed(1)}%`, fmt(r), pr === 'none' ? '—' : reaches ? 'yes' : 'no', pr === 'none' ? '—' : beatsRef ? 'yes' : 'no']);
      pruningJson[key] = { seeds: e.regret.length, median_trials: median(e.trials), median_epochs: ep, median_regret: r, reaches_own_no_pruning_regret: reaches, beats_optuna_tpe_no_pruning: beatsRef };
    }
  }
  const hbEpochs = median(refHb.map(r => Number(r.epochs)));
  prRows.push(['optuna tpe+none', String(TRIALS), String(fullEpochs), '100.0%', fmt(refNoneRegret), '—', '—']);
  prRows.push(['optuna tpe+hyperband', String(TRIALS), String(hbEpochs), `${((100 * hbEpochs) / fullEpochs).toFixed(1)}%`, fmt(median(refHb.map(r => Number(r.regret)))), '', '']);

  const lines: string[] = [];
  if (PROBLEM_NAMES.length) {
    lines.push(
      '',
      `Median simple regret, ${SAMPLER} vs Optuna TPE (defaults), ${SEEDS} seeds × ${TRIALS} trials, same seeds and budgets, one run:`,
      textTable(rows),
      `Target: ≤ 1 on every problem at 50 and 100 → ${allBeat ? 'MET' : 'NOT MET'}; ≤ ½ on ≥ 4 of ${PROBLEM_NAMES.length} → ${halfCount} (${halfCount >= 4 ? 'MET' : 'NOT MET'})`,
    );
  }
  if (PARTS.has('overhead')) {
    lines.push('', `Overhead at ${OVERHEAD_TRIALS} trials (x²+y², mean ms/trial): ours ${oursOverhead.toFixed(3)} · Optuna TPE ${refOverhead.toFixed(3)} · ratio ${ovRatio.toFixed(3)} (target ≤ 0.1 → ${ovRatio <= 0.1 ? 'MET' : 'NOT MET'})`);
  }
  if (PARTS.has('pruning')) {
    lines.push('', `Pruning on ${LC} (f* = ${lc.fStar}), ${PRUNING_SEEDS} seeds: no pruning = ${TRIALS} trials × ${lc.maxEpoch} epochs; pruners run until ${quarter} epochs (25%):`, textTable(prRows));
  }
  lines.push('', `wall ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.stdout.write(lines.join('\n') + '\n');
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(
    OUT,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        sampler: SAMPLER,
        seeds: SEEDS,
        trials: TRIALS,
        problems,
        targets: { all_ratios_at_most_1: allBeat, problems_at_most_half: halfCount },
        overhead: { trials: OVERHEAD_TRIALS, ours_mean_ms_per_trial: oursOverhead, optuna_tpe_mean_ms_per_trial: refOverhead, ratio: ovRatio },
        pruning: { problem: LC, seeds: PRUNING_SEEDS, quarter_epochs: quarter, ours: pruningJson, optuna_tpe_none_median_regret: refNoneRegret },
      },
      null,
      1,
    ) + '\n',
  );
  process.stderr.write(`saved ${OUT}\n`);
}

(PARTS.has('parallel') ? () => parallelMain(argv) : main)().catch(err => {
  process.stderr.write(`optuna-compare: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
