/**
 * Notebook costs, measured on real inputs:
 * - detection of a 20 MB notebook whose plots are embedded images (the keras-imdb fixture with a 15 MB
 *   PNG output added), the part of it spent reading the cells (outputs skipped), next to a bare
 *   JSON.parse of the same text, and the heap its result keeps;
 * - time from trial start to first metric: LocalExecutor.launch() of the example notebook to the first
 *   metric reaching onMetric (kernel start-up + the cells before the training loop);
 * - kernel shutdown after stop: stop('cancel') of a trial whose cell runs forever, until the kernel
 *   process is gone (interrupt, shutdown, runner exit).
 *
 *   node --expose-gc -r esbuild-register test/bench/notebook.bench.ts     (or: npm run bench notebook)
 * Needs Debian's python3-nbclient python3-nbformat python3-ipykernel (scripts/setup-system.sh).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectFile, readNotebook } from '../../src/core/detect';
import { LocalExecutor } from '../../src/core/runner/local';
import { isProcessAlive, isZombie } from '../../src/core/runner/process-group';
import type { TrialLaunch } from '../../src/core/runner/types';

const RUNS = Number(process.env.NOTEBOOK_BENCH_RUNS ?? 5);
const PYTHON = process.env.HPSTUDIO_TEST_PYTHON ?? '/usr/bin/python3';
const FIXTURE = path.resolve(__dirname, '../fixtures/notebooks/keras-imdb.ipynb');
const EXAMPLE = path.resolve(__dirname, '../../examples/notebook/moons.ipynb');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-nb-bench-'));

const now = () => performance.now();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stats = (xs: number[]) => ({ median: round(median(xs)), min: round(Math.min(...xs)), max: round(Math.max(...xs)), runs: xs.length });
const round = (x: number) => Math.round(x * 10) / 10;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

function bigNotebook(): string {
  const nb = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  const png = Buffer.alloc(15 * 1024 * 1024, 7).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < png.length; i += 76) lines.push(`${png.slice(i, i + 76)}\n`);
  nb.cells[33].outputs.push({ data: { 'image/png': lines.join(''), 'text/plain': ['<Figure>'] }, metadata: {}, output_type: 'display_data' });
  return JSON.stringify(nb, null, 1);
}

function detection() {
  const text = bigNotebook();
  const detect: number[] = [];
  const read: number[] = [];
  const parse: number[] = [];
  let settings = 0;
  for (let i = 0; i < RUNS + 1; i++) {
    gc();
    let t = now();
    settings = detectFile('/bench/big.ipynb', text).settings.length;
    if (i > 0) detect.push(now() - t); // the first run warms the JIT up
    t = now();
    readNotebook(text);
    if (i > 0) read.push(now() - t);
    t = now();
    JSON.parse(text);
    if (i > 0) parse.push(now() - t);
  }
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const kept = detectFile('/bench/big.ipynb', text);
  gc();
  const heapKeptMB = (process.memoryUsage().heapUsed - heapBefore) / 1048576;
  return { sizeMB: round(text.length / 1048576), settings, detectMs: stats(detect), readCellsOnlyMs: stats(read), jsonParseMs: stats(parse), heapKeptByResultMB: round(heapKeptMB), resultSettings: kept.settings.length };
}

let count = 0;
function trial(program: string, params = {}): TrialLaunch {
  const n = count++;
  return { study: 'bench', trialNumber: n, params, trialDir: path.join(root, 'trials', String(n)), spec: { cwd: root, program, interpreter: PYTHON } };
}

async function firstMetric(executor: LocalExecutor): Promise<number> {
  const t0 = now();
  const handle = executor.launch(trial('moons.ipynb', { epochs: 3 }));
  const first = new Promise<number>(resolve => handle.onMetric(() => resolve(now() - t0)));
  const ms = await first;
  const outcome = await handle.done;
  if (outcome.exitCode !== 0) throw new Error(`trial failed: ${outcome.stderrTail}`);
  return ms;
}

async function shutdownAfterStop(executor: LocalExecutor): Promise<{ kernelGoneMs: number; stopResolvedMs: number }> {
  // The kernel runs in the notebook's folder and writes its pid there before printing any metric.
  const pidFile = path.join(root, 'kernel.pid');
  fs.rmSync(pidFile, { force: true });
  const handle = executor.launch(trial('forever.ipynb'));
  await new Promise<void>(resolve => handle.onMetric(() => resolve()));
  const kernel = Number(fs.readFileSync(pidFile, 'utf8'));
  const t0 = now();
  let kernelGoneMs = NaN;
  const watch = (async () => {
    while (isProcessAlive(kernel) && !isZombie(kernel)) await new Promise(r => setTimeout(r, 2));
    kernelGoneMs = now() - t0;
  })();
  await handle.stop('cancel');
  const stopResolvedMs = now() - t0;
  await watch;
  return { kernelGoneMs, stopResolvedMs };
}

async function main() {
  const load = os.loadavg().map(x => x.toFixed(2)).join(' ');
  console.log(`notebook bench: ${RUNS} runs, load average ${load}`);
  const det = detection();
  console.log(`detect ${det.sizeMB} MB notebook: median ${det.detectMs.median} ms (min ${det.detectMs.min}, max ${det.detectMs.max}), of which reading the cells ${det.readCellsOnlyMs.median} ms; JSON.parse alone ${det.jsonParseMs.median} ms; ${det.settings} settings`);

  fs.copyFileSync(EXAMPLE, path.join(root, 'moons.ipynb'));
  fs.writeFileSync(path.join(root, 'forever.ipynb'), JSON.stringify({
    nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'python3', language: 'python', display_name: 'Python 3' } },
    cells: [
      { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: 'import os, time\nopen("kernel.pid", "w").write(str(os.getpid()))' },
      { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: 'i = 0\nwhile True:\n    i += 1\n    print(f"step={i} loss={1 / i}", flush=True)\n    time.sleep(0.05)' },
    ],
  }));
  const executor = new LocalExecutor({ graceMs: 5000 });
  const first: number[] = [];
  const gone: number[] = [];
  const resolved: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) first.push(await firstMetric(executor));
    for (let i = 0; i < RUNS; i++) {
      const r = await shutdownAfterStop(executor);
      gone.push(r.kernelGoneMs);
      resolved.push(r.stopResolvedMs);
    }
  } finally {
    await executor.dispose();
  }
  const result = {
    loadAverage: load,
    detection: det,
    trialStartToFirstMetricMs: stats(first),
    kernelGoneAfterStopMs: stats(gone),
    stopResolvedMs: stats(resolved),
  };
  console.log(`trial start → first metric: median ${result.trialStartToFirstMetricMs.median} ms (min ${result.trialStartToFirstMetricMs.min}, max ${result.trialStartToFirstMetricMs.max})`);
  console.log(`stop → kernel gone: median ${result.kernelGoneAfterStopMs.median} ms (min ${result.kernelGoneAfterStopMs.min}, max ${result.kernelGoneAfterStopMs.max}); stop() resolved after ${result.stopResolvedMs.median} ms`);
  const out = path.resolve(__dirname, '../../test-results/bench');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'notebook.json'), `${JSON.stringify(result, null, 2)}\n`);
}

main()
  .catch(err => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(root, { recursive: true, force: true }));
