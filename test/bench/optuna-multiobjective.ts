/**
 * The multi-objective part of `npm run bench:optuna` (issue #14): our samplers and Optuna's NSGA-II
 * and multi-objective TPE (Debian python3-optuna, test/bench/optuna/mo_side.py) on ZDT1, ZDT2 (30
 * variables) and DTLZ2 (3 objectives, 12 variables), every objective minimised, with the same seeds
 * and budgets. Score: the hypervolume below (11, 11) resp. (2.5, 2.5, 2.5) after 100 and 300 trials;
 * and the sampler's overhead per trial (wall time outside the objective). Optuna runs in a child
 * process next to our side, one core each.
 *
 *   node -r esbuild-register test/bench/optuna-multiobjective.ts [--seeds 10] [--trials 300]
 *     [--problems zdt1,zdt2,dtlz2] [--ours auto,nsga2,motpe] [--optuna nsga2,motpe] [--optuna-cache FILE]
 *
 * Optuna's side runs one seed per child and appends each seed's line to the cache file
 * (test-results/bench/optuna-multiobjective.optuna.jsonl) as it finishes; seeds already there (same
 * problem, sampler, seed and trials) are not run again, so a run that is stopped resumes where it was.
 *
 * Prints the median table and the goal check (ours ≥ each Optuna sampler's median hypervolume at
 * both budgets; overhead ≤ 1/10 of Optuna's) and writes test-results/bench/optuna-multiobjective.json.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MO_PROBLEMS } from '../../src/core/bench/problems';
import { median, runMultiObjectiveStudy } from '../../src/core/bench/runner';
import { createSampler } from '../../src/core/search/index';
import { runBenchPython } from '../../src/cli/bench/pythonLines';

const argv = process.argv.slice(2);
const value = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const SEEDS = Number(value('seeds', '10'));
const TRIALS = Number(value('trials', '300'));
const PROBLEMS = value('problems', 'zdt1,zdt2,dtlz2').split(',') as (keyof typeof MO_PROBLEMS)[];
const OURS = value('ours', 'auto,nsga2,motpe').split(',');
const THEIRS = value('optuna', 'nsga2,motpe').split(',');
const SIDE = join(__dirname, 'optuna', 'mo_side.py');
const ALL = PROBLEMS.length === 3;
const CACHE = value('optuna-cache', join(__dirname, '..', '..', 'test-results', 'bench', 'optuna-multiobjective.optuna.jsonl'));
const OUT = join(__dirname, '..', '..', 'test-results', 'bench', ALL ? 'optuna-multiobjective.json' : `optuna-multiobjective.${PROBLEMS.join('+')}.json`);

for (const p of PROBLEMS) if (!(p in MO_PROBLEMS)) throw new Error(`unknown problem ${p} (zdt1, zdt2, dtlz2)`);
if (!Number.isInteger(SEEDS) || SEEDS < 1 || !Number.isInteger(TRIALS) || TRIALS < 100) throw new Error('--seeds ≥ 1 and --trials ≥ 100, integers');

interface SeedResult {
  readonly seed: number;
  readonly hypervolume_after: Record<string, number>;
  readonly overhead_ms_per_trial: number;
}

/** One line of mo_side.py. */
interface SeedLine extends SeedResult {
  readonly problem: string;
  readonly sampler: string;
  readonly trials: number;
}

/** Optuna's finished seeds, one mo_side.py line each: read at start, appended as each seed ends. */
function readOptunaCache(): SeedLine[] {
  if (!existsSync(CACHE)) return [];
  const lines: SeedLine[] = [];
  for (const l of readFileSync(CACHE, 'utf8').split('\n')) {
    if (!l.trim()) continue;
    try {
      lines.push(JSON.parse(l) as SeedLine);
    } catch {
      // A line cut by a killed run: that seed runs again.
    }
  }
  return lines;
}

/**
 * Optuna's runs for one problem, one sampler after the other and one child per seed, each seed's
 * line appended to the cache as soon as it is printed: a seed that finished in an earlier (killed
 * or timed-out) run is taken from the cache, so 10 seeds of Optuna's slow multi-objective TPE can be
 * collected over several runs and a partial run loses nothing.
 */
async function optunaRuns(problem: string, samplers: string[]): Promise<Record<string, SeedResult[]>> {
  const out: Record<string, SeedResult[]> = {};
  const cached = readOptunaCache();
  for (const sampler of samplers) {
    out[sampler] = [];
    for (let seed = 0; seed < SEEDS; seed++) {
      const hit = cached.find(c => c.problem === problem && c.sampler === sampler && c.seed === seed && c.trials === TRIALS);
      out[sampler].push(hit ?? (await optunaSeed(problem, sampler, seed)));
    }
    process.stderr.write(`optuna ${sampler} on ${problem}: ${SEEDS} seeds done\n`);
  }
  return out;
}

async function optunaSeed(problem: string, sampler: string, seed: number): Promise<SeedLine> {
  const line = (await runBenchPython([SIDE, '--problem', problem, '--sampler', sampler, '--trials', String(TRIALS), '--seeds', String(seed)])).trim();
  mkdirSync(dirname(CACHE), { recursive: true });
  appendFileSync(CACHE, `${line}\n`);
  process.stderr.write(`optuna ${sampler} on ${problem}, seed ${seed}: ${line}\n`);
  return JSON.parse(line) as SeedLine;
}

/** Our side, yielding to the event loop between seeds so the Optuna child's output is read as it comes. */
async function ourRuns(problem: keyof typeof MO_PROBLEMS): Promise<Record<string, SeedResult[]>> {
  const out: Record<string, SeedResult[]> = {};
  for (const sampler of OURS) {
    out[sampler] = [];
    for (let seed = 0; seed < SEEDS; seed++) {
      const r = runMultiObjectiveStudy(MO_PROBLEMS[problem], createSampler(sampler, seed), TRIALS);
      out[sampler].push({ seed, hypervolume_after: r.hypervolumeAfter, overhead_ms_per_trial: r.overheadMsPerTrial });
      await new Promise(resolve => setImmediate(resolve));
    }
    process.stderr.write(`ours ${sampler} on ${problem}: ${SEEDS} seeds done\n`);
  }
  return out;
}

const med = (runs: SeedResult[], c: string) => median(runs.map(r => r.hypervolume_after[c]));
const medOverhead = (runs: SeedResult[]) => median(runs.map(r => r.overhead_ms_per_trial));

async function main(): Promise<void> {
  const checkpoints = ['100', String(TRIALS)].filter((c, i, a) => a.indexOf(c) === i);
  const report: Record<string, unknown>[] = [];
  const lines: string[] = [];
  const goals: string[] = [];
  for (const problem of PROBLEMS) {
    const [theirs, ours] = await Promise.all([optunaRuns(problem, THEIRS), ourRuns(problem)]);
    const rows: { who: string; runs: SeedResult[] }[] = [...OURS.map(s => ({ who: `ours ${s}`, runs: ours[s] })), ...THEIRS.map(s => ({ who: `optuna ${s}`, runs: theirs[s] }))];
    lines.push(`${problem} (reference ${MO_PROBLEMS[problem].reference.join(', ')}; true front ${MO_PROBLEMS[problem].bestHypervolume.toFixed(4)}), median of ${SEEDS} seeds:`);
    for (const r of rows) lines.push(`  ${r.who.padEnd(14)} ${checkpoints.map(c => `HV@${c} ${med(r.runs, c).toFixed(4)}`).join('  ')}  overhead ${medOverhead(r.runs).toFixed(3)} ms/trial`);
    for (const s of OURS) {
      for (const t of THEIRS) {
        for (const c of checkpoints) {
          const ok = med(ours[s], c) >= med(theirs[t], c);
          goals.push(`${ok ? 'met ' : 'MISS'} ${problem} ours ${s} HV@${c} ${med(ours[s], c).toFixed(4)} ≥ optuna ${t} ${med(theirs[t], c).toFixed(4)}`);
        }
        const ratio = medOverhead(ours[s]) / medOverhead(theirs[t]);
        goals.push(`${ratio <= 0.1 ? 'met ' : 'MISS'} ${problem} ours ${s} overhead ${(ratio * 100).toFixed(1)} % of optuna ${t}'s`);
      }
    }
    process.stderr.write(`${lines.slice(-1 - rows.length).join('\n')}\n`);
    report.push({ problem, reference: MO_PROBLEMS[problem].reference, best_hypervolume: MO_PROBLEMS[problem].bestHypervolume, ours, optuna: theirs });
  }
  const text = `${lines.join('\n')}\n\ngoals (issue #14):\n${goals.map(g => `  ${g}`).join('\n')}\n`;
  process.stdout.write(text);
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify({ seeds: SEEDS, trials: TRIALS, checkpoints, problems: report, summary: text }, null, 1));
  process.stderr.write(`wrote ${OUT}\n`);
}

main().catch(err => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
