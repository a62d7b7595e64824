/**
 * Every sampler on the synthetic reference problems (no Optuna needed): median simple regret at 50
 * and 100 trials and the median overhead per trial. Quick by default (3 seeds × 100 trials, a few
 * minutes on 2 cores); --full or HPSTUDIO_BENCH_FULL=1 for 20 seeds. For the side-by-side
 * comparison with Optuna run `npm run bench:optuna`.
 *   node --expose-gc -r esbuild-register test/bench/sampler-quality.bench.ts [--full]
 * Writes test-results/bench/sampler-quality.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBLEMS } from '../../src/core/bench/problems';
import { median, runSamplerStudy } from '../../src/core/bench/runner';
import { createSampler } from '../../src/core/search/index';

const FULL = process.argv.includes('--full') || process.env.HPSTUDIO_BENCH_FULL === '1';
const SEEDS = FULL ? 20 : 3;
const TRIALS = 100;
const SAMPLERS = ['random', 'sobol', 'tpe', 'tpe-mv', 'cmaes', 'gp', 'auto'];
const NAMES = ['branin', 'hartmann6', 'rosenbrock4', 'ackley5', 'hpo_synth'];

function fmt(v: number): string {
  if (v === 0) return '0';
  return Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
}

async function main(): Promise<void> {
  const rows: { problem: string; sampler: string; regret50: number; regret100: number; overhead_ms: number }[] = [];
  for (const name of NAMES) {
    const p = PROBLEMS[name];
    for (const sampler of SAMPLERS) {
      if (sampler === 'cmaes' && p.space.params.some(q => q.distribution.type === 'categorical')) continue;
      const r50: number[] = [];
      const r100: number[] = [];
      const ov: number[] = [];
      for (let s = 0; s < SEEDS; s++) {
        const r = await runSamplerStudy(p.space, p.evaluate!, createSampler(sampler, s), TRIALS);
        r50.push(r.bestValueAfter['50'] - p.fStar);
        r100.push(r.bestValueAfter['100'] - p.fStar);
        ov.push(r.overheadMsPerTrial);
      }
      rows.push({ problem: name, sampler, regret50: median(r50), regret100: median(r100), overhead_ms: median(ov) });
      process.stderr.write(`${name} ${sampler} done\n`);
    }
  }
  const header = ['problem', 'sampler', 'regret@50', 'regret@100', 'overhead ms/trial'];
  const body = rows.map(r => [r.problem, r.sampler, fmt(r.regret50), fmt(r.regret100), r.overhead_ms.toFixed(2)]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map(b => b[c].length)));
  const line = (cells: string[]) => cells.map((v, c) => (c < 2 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  console.log(`Median simple regret over ${SEEDS} seeds × ${TRIALS} trials`);
  console.log(line(header));
  for (const b of body) console.log(line(b));
  const out = join(__dirname, '..', '..', 'test-results', 'bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'sampler-quality.json'), JSON.stringify({ date: new Date().toISOString(), seeds: SEEDS, trials: TRIALS, rows }, null, 1) + '\n');
}

main().catch(err => {
  console.error(err);
  process.exitCode = 1;
});
