/**
 * Measures the Slurm executor on a throw-away single-node cluster (started and stopped here):
 * submit → first live metric, submit → done, and stop('prune') → done for a cooperative program and
 * for a process tree that ignores SIGTERM. Not part of `npm run bench` (it needs root and Slurm).
 *
 *   node -r esbuild-register test/slurm/measure.ts [runs]      (default 5 runs each)
 *
 * Prints a table and writes test-results/bench/slurm-executor.json.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SlurmExecutor } from '../../src/core/runner/slurm';

const HERE = __dirname;
const PROGRAM = path.join(HERE, 'programs', 'trial.js');
const runs = Number(process.argv[2] ?? 5);
const base = `/tmp/hps-slurm-m${process.pid}`;
const ports = { SLURM_CTLD_PORT: String(20000 + (process.pid % 5000) * 2), SLURM_D_PORT: String(20001 + (process.pid % 5000) * 2) };
const clusterEnv = { ...process.env, SLURM_BASE: base, SLURM_ACCOUNTING: 'none', ...ports };

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, median: Math.round(at(0.5)), p95: Math.round(at(0.95)), min: Math.round(s[0]), max: Math.round(s[s.length - 1]) };
}

async function main() {
  execFileSync('bash', [path.join(HERE, 'start-slurm.sh')], { env: clusterEnv, stdio: 'inherit' });
  const env = { ...clusterEnv, SLURM_CONF: path.join(base, 'etc', 'slurm.conf') };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-slurm-measure-'));
  let n = 0;
  const launch = (mode: string) => {
    const trialDir = path.join(work, String(++n));
    const handle = new SlurmExecutor({ env, pollIntervalMs: 200 }).launch({
      study: 'measure', trialNumber: n, params: {}, trialDir,
      spec: { cwd: HERE, interpreter: process.execPath, program: PROGRAM, env: { MODE: mode } },
    });
    return { handle, trialDir };
  };
  const firstMetric: number[] = [];
  const whole: number[] = [];
  const stopCooperative: number[] = [];
  const stopTree: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const { handle, trialDir } = launch('metrics');
      await new Promise<void>((resolve) => handle.onMetric(() => resolve()));
      firstMetric.push(performance.now() - t0);
      fs.writeFileSync(path.join(trialDir, 'release'), '');
      await handle.done;
      whole.push(performance.now() - t0);
    }
    for (const [mode, samples] of [['sleep', stopCooperative], ['tree', stopTree]] as const) {
      for (let i = 0; i < runs; i++) {
        const { handle, trialDir } = launch(mode);
        const ready = path.join(trialDir, mode === 'tree' ? 'pids' : 'argv.json');
        while (!fs.existsSync(ready) || (mode === 'tree' && fs.readFileSync(ready, 'utf8').trim().split('\n').length < 3)) await new Promise((r) => setTimeout(r, 50));
        const t0 = performance.now();
        await handle.stop('prune');
        samples.push(performance.now() - t0);
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    execFileSync('bash', [path.join(HERE, 'stop-slurm.sh')], { env: { ...clusterEnv, SLURM_CLEAN: '1' }, stdio: 'inherit' });
  }
  const results = {
    'submit → first metric (poll 200 ms)': stats(firstMetric),
    'submit → done (short job)': stats(whole),
    "stop('prune') → done, cooperative": stats(stopCooperative),
    "stop('prune') → done, tree ignoring SIGTERM": stats(stopTree),
  };
  console.log('\nSlurm executor (ms)');
  console.log('measure'.padEnd(46) + 'n'.padStart(4) + 'median'.padStart(9) + 'p95'.padStart(8) + 'min'.padStart(8) + 'max'.padStart(8));
  for (const [name, s] of Object.entries(results)) {
    console.log(name.padEnd(46) + String(s.n).padStart(4) + String(s.median).padStart(9) + String(s.p95).padStart(8) + String(s.min).padStart(8) + String(s.max).padStart(8));
  }
  const out = path.resolve(HERE, '../../test-results/bench/slurm-executor.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ cpus: os.cpus().length, node: process.version, results }, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
