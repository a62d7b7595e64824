// Measurements for the worker (a benchmark, not a test: mocha only runs *.test.ts). Follows the bench
// conventions so it can move to test/bench/worker.bench.ts as is:
//   node --expose-gc -r esbuild-register test/integration/worker/measure-worker.ts
// Prints a table and writes test-results/bench/worker.json. Measures on the quickstart study:
//   - trials per minute through `hpstudio tune` (the CLI, source via esbuild-register) and through the worker;
//   - cancel-to-gone: `stop` sent → every trial process gone (and the worker's `ended`);
//   - metric-to-prune-decision latency inside the worker (metric handed to the study loop → stop('prune')).
// HPSTUDIO_BENCH_FULL=1 repeats each run 3 times.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { killAll, processesIn, quickstartWorkspace, ROOT, sourceWorker, waitFor } from './helpers';

const repeats = process.env.HPSTUDIO_BENCH_FULL === '1' ? 3 : 1;

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}

async function cliTrialsPerMinute(): Promise<number> {
  const ws = quickstartWorkspace();
  try {
    const t0 = performance.now();
    const code = await new Promise<number | null>(resolve => {
      // The built CLI when there is one (what users run); the source otherwise (adds compile time).
      const built = path.join(ROOT, 'dist/cli.js');
      const entry = fs.existsSync(built) ? [built] : ['-r', require.resolve('esbuild-register'), path.join(ROOT, 'src/cli/bin.ts')];
      const child = spawn(process.execPath, [...entry, 'tune', ws.studyFile, '--json'], { cwd: ws.dir, stdio: ['ignore', 'pipe', 'ignore'] });
      child.on('exit', resolve);
    });
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`hpstudio tune exited with ${code}`);
    return (16 / seconds) * 60;
  } finally {
    killAll(processesIn(ws.dir));
    fs.rmSync(ws.dir, { recursive: true, force: true });
  }
}

async function workerTrialsPerMinute(): Promise<number> {
  const ws = quickstartWorkspace();
  const w = sourceWorker();
  try {
    w.client.send({ type: 'hello' });
    await waitFor('hello', () => w.messages.find(m => m.type === 'hello'));
    const t0 = performance.now();
    const started = await w.client.start({ studyFile: ws.studyFile, workspace: ws.dir, resume: false });
    if (!started.ok) throw new Error(started.error);
    await waitFor('end', () => w.messages.find(m => m.type === 'ended'), 300_000);
    return (started.message.budget / ((performance.now() - t0) / 1000)) * 60;
  } finally {
    await w.client.dispose();
    fs.rmSync(ws.dir, { recursive: true, force: true });
  }
}

async function cancelToGone(): Promise<{ endedMs: number; goneMs: number }> {
  const ws = quickstartWorkspace(y => y.replace('delay_ms:\n    value: 40', 'delay_ms:\n    value: 300'));
  const w = sourceWorker();
  try {
    const started = await w.client.start({ studyFile: ws.studyFile, workspace: ws.dir, resume: false, parallel: 2 });
    if (!started.ok) throw new Error(started.error);
    await waitFor('two running trials', () => w.events.filter(e => e.type === 'metric').length >= 4 && processesIn(ws.dir).length >= 2);
    const t0 = performance.now();
    w.client.stop('quickstart');
    let goneMs = NaN;
    await waitFor('gone', () => {
      if (Number.isNaN(goneMs) && processesIn(ws.dir).length === 0) goneMs = performance.now() - t0;
      return !Number.isNaN(goneMs) || undefined;
    });
    await waitFor('ended', () => w.messages.find(m => m.type === 'ended'));
    return { endedMs: performance.now() - t0, goneMs };
  } finally {
    await w.client.dispose();
    killAll(processesIn(ws.dir));
    fs.rmSync(ws.dir, { recursive: true, force: true });
  }
}

async function pruneLatency(): Promise<number[]> {
  const ws = quickstartWorkspace(y => y.replace('pruner:\n  type: median', 'pruner:\n  type: median\n  n_startup_trials: 3').replace('delay_ms:\n    value: 40', 'delay_ms:\n    value: 5'));
  const w = sourceWorker();
  try {
    const started = await w.client.start({ studyFile: ws.studyFile, workspace: ws.dir, resume: false, trials: 30, parallel: 2 });
    if (!started.ok) throw new Error(started.error);
    await waitFor('end', () => w.messages.find(m => m.type === 'ended'), 300_000);
    w.client.send({ type: 'status' });
    const status = await waitFor('status', () => w.messages.find(m => m.type === 'status'));
    return status.type === 'status' ? status.pruneLatencyMs : [];
  } finally {
    await w.client.dispose();
    fs.rmSync(ws.dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows: Array<{ measure: string; value: number; unit: string }> = [];
  for (let i = 0; i < repeats; i++) {
    rows.push({ measure: 'quickstart via hpstudio tune (16 trials, parallel 2)', value: await cliTrialsPerMinute(), unit: 'trials/min' });
    rows.push({ measure: 'quickstart via the worker (16 trials, parallel 2)', value: await workerTrialsPerMinute(), unit: 'trials/min' });
    const c = await cancelToGone();
    rows.push({ measure: 'stop → every trial process gone', value: c.goneMs, unit: 'ms' });
    rows.push({ measure: 'stop → worker says ended (journal closed)', value: c.endedMs, unit: 'ms' });
    const lat = await pruneLatency();
    rows.push({ measure: `prune decisions (n=${lat.length}) metric → stop, p50`, value: percentile(lat, 50), unit: 'ms' });
    rows.push({ measure: `prune decisions (n=${lat.length}) metric → stop, max`, value: Math.max(...lat), unit: 'ms' });
  }
  const width = Math.max(...rows.map(r => r.measure.length));
  console.log(`${'measure'.padEnd(width)}  value`);
  for (const r of rows) console.log(`${r.measure.padEnd(width)}  ${r.value < 1 ? r.value.toFixed(3) : r.value.toFixed(1)} ${r.unit}`);
  const out = path.join(ROOT, 'test-results/bench');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'worker.json'), JSON.stringify({ date: new Date().toISOString(), cpus: (await import('node:os')).cpus().length, rows }, null, 2));
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
