/**
 * The local executor's costs, with real processes (the fixtures of test/fixtures/programs):
 * - cancel-to-gone: from `stop('cancel')` to every process of the trial's group gone, for a tree that
 *   ignores SIGTERM (graceMs 500, so ≈ grace + polling) and for a cooperative tree (SIGTERM suffices);
 *   each run also checks that every recorded pid of the tree is really gone;
 * - spawn overhead: launch → done of `true` through the executor (argv, PATH lookup, trial dir, logs,
 *   collector, group clean-up) next to a bare `child_process.spawn('true')`;
 * - metric latency: a fixture prints JSON lines stamped with the wall clock; the time until the point
 *   reaches `onMetric`. Both processes read the same system clock (performance.timeOrigin + now()).
 * - output flood: a trial printing FLOOD_MB of `key=value` log lines as fast as it can; throughput
 *   through the executor (log files + metric parsing + onMetric) and this process's peak RSS growth.
 *
 *   node --expose-gc -r esbuild-register test/bench/runner.bench.ts
 *   RUNNER_BENCH_FULL=1 node --expose-gc -r esbuild-register test/bench/runner.bench.ts   (3× the runs)
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalExecutor } from '../../src/core/runner/local';
import type { MetricCollector } from '../../src/core/metrics/types';
import type { TrialLaunch, LaunchSpec } from '../../src/core/runner/types';
import type { ParamValue } from '../../src/core/search/types';
import { isProcessAlive, isZombie } from '../../src/core/runner/process-group';

const FULL = process.env.RUNNER_BENCH_FULL === '1';
const CANCEL_RUNS = FULL ? 30 : 10;
const SPAWN_RUNS = FULL ? 150 : 50;
const METRIC_LINES = FULL ? 1500 : 500;
const STUBBORN_GRACE_MS = 500;
const FLOOD_MB = FULL ? 200 : 50;

const FIXTURES = path.resolve(__dirname, '../fixtures/programs');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-runner-bench-'));
let trialNumber = 0;

function trial(spec: Partial<LaunchSpec>, params: Record<string, ParamValue> = {}): TrialLaunch {
  const n = trialNumber++;
  return { study: 'bench', trialNumber: n, params, trialDir: path.join(root, String(n)), spec: { cwd: FIXTURES, ...spec } };
}

interface Stats {
  readonly n: number;
  readonly median: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (x: number) => Math.round(x * 100) / 100;
  return { n: values.length, median: round(at(0.5)), p95: round(at(0.95)), max: round(sorted[sorted.length - 1]), mean: round(values.reduce((a, b) => a + b, 0) / values.length) };
}

const isGone = (pid: number): boolean => !isProcessAlive(pid) || isZombie(pid);

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function treePids(dir: string): Promise<number[]> {
  for (let i = 0; i < 500; i++) {
    const file = path.join(dir, 'pids');
    const pids = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
    if (pids.length >= 6) return pids;
    await sleep(20);
  }
  throw new Error(`process tree in ${dir} did not start`);
}

async function cancelToGone(mode: 'stubborn' | 'cooperative', graceMs: number): Promise<{ stats: Stats; leftovers: number }> {
  const executor = new LocalExecutor({ graceMs });
  const times: number[] = [];
  let leftovers = 0;
  for (let i = 0; i < CANCEL_RUNS; i++) {
    const t = trial({ command: ['bash', '${program}', mode], program: 'tree.sh' });
    const handle = executor.launch(t);
    const pids = await treePids(t.trialDir);
    await sleep(100); // every process has set up its signal handling
    const start = performance.now();
    await handle.stop('cancel');
    times.push(performance.now() - start);
    leftovers += pids.filter(pid => !isGone(pid)).length;
  }
  await executor.dispose();
  return { stats: stats(times), leftovers };
}

async function spawnOverhead(): Promise<{ executor: Stats; bare: Stats }> {
  const executor = new LocalExecutor();
  const viaExecutor: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < SPAWN_RUNS; i++) {
    let start = performance.now();
    const outcome = await executor.launch(trial({ command: ['true'] })).done;
    viaExecutor.push(performance.now() - start);
    if (outcome.exitCode !== 0) throw new Error(`true failed: ${JSON.stringify(outcome)}`);
    start = performance.now();
    await new Promise<void>((resolve, reject) => spawn('true', [], { stdio: 'ignore' }).once('exit', () => resolve()).once('error', reject));
    bare.push(performance.now() - start);
  }
  await executor.dispose();
  return { executor: stats(viaExecutor), bare: stats(bare) };
}

async function metricLatency(): Promise<Stats> {
  const executor = new LocalExecutor();
  const handle = executor.launch(trial({ interpreter: process.execPath, program: 'metrics.js' }, { steps: METRIC_LINES, interval: 2 }));
  const latencies: number[] = [];
  handle.onMetric(point => {
    if (point.name === 'sent_ms') latencies.push(performance.timeOrigin + performance.now() - point.value);
  });
  const outcome = await handle.done;
  await executor.dispose();
  if (outcome.exitCode !== 0 || latencies.length !== METRIC_LINES) throw new Error(`metric fixture: ${latencies.length}/${METRIC_LINES} points, ${JSON.stringify(outcome)}`);
  return stats(latencies);
}

/** A collector that parses nothing: separates the executor's own cost (pipes, log files) from line parsing. */
const silentCollector = (): MetricCollector => ({ pushText: () => [], pollFiles: async () => [], end: async () => [] });

async function flood(parse: boolean): Promise<{ seconds: number; mbPerSecond: number; points: number; peakRssGrowthMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const executor = new LocalExecutor(parse ? {} : { createCollector: silentCollector });
  const start = performance.now();
  const handle = executor.launch(trial({ interpreter: process.execPath, program: 'flood.js' }, { mb: FLOOD_MB }));
  let points = 0;
  handle.onMetric(() => points++);
  const outcome = await handle.done;
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  await executor.dispose();
  if (outcome.exitCode !== 0) throw new Error(`flood fixture: ${JSON.stringify(outcome)}`);
  const round = (x: number) => Math.round(x * 100) / 100;
  return { seconds: round(seconds), mbPerSecond: round(FLOOD_MB / seconds), points, peakRssGrowthMb: round((peakRss - baseRss) / 1024 / 1024) };
}

async function main(): Promise<void> {
  const stubborn = await cancelToGone('stubborn', STUBBORN_GRACE_MS);
  const cooperative = await cancelToGone('cooperative', 5000);
  const spawnCost = await spawnOverhead();
  const latency = await metricLatency();
  const flooded = await flood(true);
  const floodedRaw = await flood(false);
  fs.rmSync(root, { recursive: true, force: true });

  const rows: Array<[string, Stats, string]> = [
    [`cancel→gone, SIGTERM-ignoring tree (grace ${STUBBORN_GRACE_MS} ms)`, stubborn.stats, `${stubborn.leftovers} pids left`],
    ['cancel→gone, cooperative tree (grace 5000 ms)', cooperative.stats, `${cooperative.leftovers} pids left`],
    ['launch→done of `true` via LocalExecutor', spawnCost.executor, ''],
    ['spawn→exit of `true`, bare child_process', spawnCost.bare, ''],
    ['metric line printed → onMetric', latency, ''],
  ];
  const width = Math.max(...rows.map(r => r[0].length));
  console.log(`\nrunner benchmark (${FULL ? 'full' : 'quick'}; ${os.cpus().length} cores, node ${process.version}) — milliseconds`);
  console.log(`${'measure'.padEnd(width)}  ${'n'.padStart(5)}  ${'median'.padStart(8)}  ${'p95'.padStart(8)}  ${'max'.padStart(8)}  note`);
  for (const [name, s, note] of rows) {
    console.log(`${name.padEnd(width)}  ${String(s.n).padStart(5)}  ${s.median.toFixed(2).padStart(8)}  ${s.p95.toFixed(2).padStart(8)}  ${s.max.toFixed(2).padStart(8)}  ${note}`);
  }
  const overhead = Math.round((spawnCost.executor.median - spawnCost.bare.median) * 100) / 100;
  console.log(`executor overhead per trial (median difference): ${overhead} ms`);
  console.log(`output flood, with metric parsing: ${FLOOD_MB} MB in ${flooded.seconds} s = ${flooded.mbPerSecond} MB/s, ${flooded.points} points, peak RSS growth ${flooded.peakRssGrowthMb} MB`);
  console.log(`output flood, logs only:           ${FLOOD_MB} MB in ${floodedRaw.seconds} s = ${floodedRaw.mbPerSecond} MB/s, peak RSS growth ${floodedRaw.peakRssGrowthMb} MB`);

  const out = path.resolve(__dirname, '../../test-results/bench');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, 'runner.json'),
    `${JSON.stringify(
      {
        mode: FULL ? 'full' : 'quick',
        cores: os.cpus().length,
        node: process.version,
        unit: 'ms',
        cancelToGone: { stubborn: { graceMs: STUBBORN_GRACE_MS, ...stubborn }, cooperative: { graceMs: 5000, ...cooperative } },
        spawn: { viaExecutor: spawnCost.executor, bare: spawnCost.bare, overheadMedianMs: overhead },
        metricLatency: latency,
        flood: { mb: FLOOD_MB, withMetricParsing: flooded, logsOnly: floodedRaw },
      },
      null,
      2,
    )}\n`,
  );
  if (stubborn.leftovers + cooperative.leftovers > 0) {
    console.error('processes survived a stop: see the "pids left" column');
    process.exitCode = 1;
  }
}

main().catch(err => {
  console.error(err);
  process.exitCode = 1;
});
