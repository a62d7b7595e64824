/**
 * Sampler cost per trial on a trivial objective (x²+y², the Optuna reference's overhead problem),
 * for every sampler at 100 and 1,000 trials, plus `auto` at the budgets where it switches strategy.
 *   node --expose-gc -r esbuild-register test/bench/sampler-overhead.bench.ts [--full]
 * Default: one run per cell (≈ 1 min); --full (or HPSTUDIO_BENCH_FULL=1): median of 3 and 5,000 trials too.
 * Writes test-results/bench/sampler-overhead.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, runOverhead } from '../../src/core/bench/runner';
import { createSampler } from '../../src/core/search/index';

const FULL = process.argv.includes('--full') || process.env.HPSTUDIO_BENCH_FULL === '1';
const REPEATS = FULL ? 3 : 1;
const cells: [string, number][] = [
  ['random', 1000],
  ['sobol', 1000],
  ['tpe', 100],
  ['tpe', 1000],
  ['tpe-mv', 1000],
  ['cmaes', 1000],
  ['gp', 100],
  ['auto', 100],
  ['auto', 1000],
  ...(FULL ? ([['gp', 200], ['auto', 5000], ['tpe', 5000]] as [string, number][]) : []),
];

const rows: { sampler: string; trials: number; mean_ms_per_trial: number; last10pct_ms_per_trial: number; heap_mb: number }[] = [];
for (const [sampler, trials] of cells) {
  const runs = [];
  for (let r = 0; r < REPEATS; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    runs.push(runOverhead(createSampler(sampler, r), trials));
  }
  const heap = process.memoryUsage().heapUsed / 1048576;
  rows.push({ sampler, trials, mean_ms_per_trial: median(runs.map(r => r.meanMsPerTrial)), last10pct_ms_per_trial: median(runs.map(r => r.last10pctMsPerTrial)), heap_mb: Math.round(heap) });
  process.stderr.write(`${sampler} × ${trials} done\n`);
}

const header = ['sampler', 'trials', 'mean ms/trial', 'last 10% ms/trial', 'heap MB'];
const body = rows.map(r => [r.sampler, String(r.trials), r.mean_ms_per_trial.toFixed(3), r.last10pct_ms_per_trial.toFixed(3), String(r.heap_mb)]);
const widths = header.map((h, c) => Math.max(h.length, ...body.map(b => b[c].length)));
const line = (cells: string[]) => cells.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
console.log(`Sampler overhead on x²+y² (${REPEATS === 1 ? 'one run' : `median of ${REPEATS}`} per cell; Optuna TPE in memory ≈ 13 ms/trial at 1,000)`);
console.log(line(header));
for (const b of body) console.log(line(b));
const out = join(__dirname, '..', '..', 'test-results', 'bench');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'sampler-overhead.json'), JSON.stringify({ date: new Date().toISOString(), full: FULL, rows }, null, 1) + '\n');
