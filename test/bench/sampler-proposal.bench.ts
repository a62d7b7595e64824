/**
 * Cost of ONE proposal in a long study, for every sampler, at 100 / 1,000 / 10,000 / 100,000
 * completed trials (a seeded synthetic history on a 6-parameter mixed space; the grid gets a
 * 10⁶-point discrete space). Per cell:
 *   - cold: a fresh sampler (what `--resume` or a restarted worker pays first), wall and CPU ms;
 *   - warm: the next proposal of the same sampler with one more trial;
 *   - loop: the longest event-loop stall seen while the cold proposal ran (a 5 ms interval timer
 *     stands in for the study heartbeat and the Ctrl-C handler): samplers that propose in time
 *     slices (`proposeNext`) keep it small, synchronous ones block for their whole proposal.
 *   node --expose-gc -r esbuild-register test/bench/sampler-proposal.bench.ts [--samplers gp,tpe] [--sizes 100,1000]
 * Writes test-results/bench/sampler-proposal.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSampler, proposeNext, SAMPLER_NAMES } from '../../src/core/search/index';
import { Rng } from '../../src/core/search/rng';
import { categoricalParam, floatParam, intParam } from '../../src/core/search/space';
import type { FrozenTrial, ParamValue, Sampler, SearchSpace } from '../../src/core/search/types';
import { randomPoint } from '../../src/core/search/samplers/common';

const argv = process.argv.slice(2);
const option = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const SAMPLERS = (option('samplers') ?? SAMPLER_NAMES.join(',')).split(',');
const SIZES = (option('sizes') ?? '100,1000,10000,100000').split(',').map(Number);

const MIXED: SearchSpace = {
  params: [
    floatParam('lr', 1e-5, 1, { log: true }),
    floatParam('weight_decay', 0, 0.1),
    floatParam('dropout', 0, 0.5),
    intParam('layers', 1, 8),
    intParam('hidden', 16, 1024, { log: true }),
    categoricalParam('optimizer', ['adam', 'sgd', 'rmsprop']),
  ],
};
const GRID: SearchSpace = { params: Array.from({ length: 6 }, (_, i) => intParam(`p${i}`, 0, 9)) };

function objective(p: Readonly<Record<string, ParamValue>>, rng: Rng): number {
  let v = 0;
  for (const [k, x] of Object.entries(p)) {
    if (typeof x === 'number') v += k === 'lr' ? (Math.log10(x) + 3) ** 2 : k === 'hidden' ? (Math.log2(x) - 7) ** 2 / 10 : (x - 0.3) ** 2;
    else v += x === 'adam' ? 0 : 0.5;
  }
  return v + 0.05 * rng.next();
}

/** N completed trials at seeded random points (distinct grid points for the grid). */
function history(space: SearchSpace, n: number): FrozenTrial[] {
  const rng = new Rng(12345 + n);
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params = space === GRID ? Object.fromEntries(space.params.map((q, k) => [q.name, Math.floor(i / 10 ** k) % 10])) : randomPoint(space, rng);
    trials.push({ number: i, state: 'complete', params, value: objective(params, rng), intermediate: new Map() });
  }
  return trials;
}

interface Cell {
  sampler: string;
  trials: number;
  cold_ms: number;
  cold_cpu_ms: number;
  warm_ms: number;
  max_loop_stall_ms: number;
}

async function measure(name: string, n: number, trials: FrozenTrial[], space: SearchSpace): Promise<Cell> {
  (globalThis as { gc?: () => void }).gc?.();
  const sampler: Sampler = createSampler(name, 7);
  const view = (t: readonly FrozenTrial[]) => ({ space, direction: 'minimize' as const, trials: t, budget: n * 2 });
  let last = performance.now();
  let stall = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 5);
  await new Promise(r => setTimeout(r, 20));
  stall = 0;
  last = performance.now();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const p = await proposeNext(sampler, view(trials));
  const coldMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  // Let the probe see the end of a blocking proposal.
  await new Promise(r => setTimeout(r, 10));
  clearInterval(probe);
  const next = [...trials, { number: n, state: 'complete' as const, params: p, value: objective(p, new Rng(n)), intermediate: new Map() }];
  const t1 = performance.now();
  await proposeNext(sampler, view(next));
  const warmMs = performance.now() - t1;
  return { sampler: name, trials: n, cold_ms: coldMs, cold_cpu_ms: (cpu.user + cpu.system) / 1000, warm_ms: warmMs, max_loop_stall_ms: stall };
}

async function main(): Promise<void> {
  const rows: Cell[] = [];
  for (const n of SIZES) {
    const mixed = history(MIXED, n);
    const grid = SAMPLERS.includes('grid') ? history(GRID, n) : [];
    for (const name of SAMPLERS) {
      const cell = await measure(name, n, name === 'grid' ? grid : mixed, name === 'grid' ? GRID : MIXED);
      rows.push(cell);
      process.stderr.write(`${name} × ${n}: cold ${cell.cold_ms.toFixed(1)} ms, warm ${cell.warm_ms.toFixed(1)} ms, loop stall ${cell.max_loop_stall_ms.toFixed(0)} ms\n`);
    }
  }
  const header = ['sampler', 'trials', 'cold ms', 'cold CPU ms', 'warm ms', 'max loop stall ms'];
  const body = rows.map(r => [r.sampler, String(r.trials), r.cold_ms.toFixed(1), r.cold_cpu_ms.toFixed(1), r.warm_ms.toFixed(1), r.max_loop_stall_ms.toFixed(0)]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map(b => b[c].length)));
  const line = (cells: string[]) => cells.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  console.log('One proposal after N completed trials (6 mixed parameters; grid: 6 × 10 values)');
  console.log(line(header));
  for (const b of body) console.log(line(b));
  const out = join(__dirname, '..', '..', 'test-results', 'bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'sampler-proposal.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 1) + '\n');
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
