/**
 * CLI cold start: CPU time (user + system) of `hpstudio detect <one file>` against `node -e 0`, both
 * measured inside the process at exit (µs), runs interleaved so machine load hits both alike. The goal
 * is ≤ 60 ms of extra CPU. Also: the workspace-index rate is in detect.bench.ts.
 *
 *   npm run build && npm run bench -- cli-startup
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const HOOK = path.join(__dirname, 'cpu-at-exit.js');
const RUNS = Number(process.env.CLI_STARTUP_RUNS ?? 21);
const GOAL_EXTRA_MS = 60;
const FILES: Record<string, string> = {
  yaml: 'test/fixtures/host-workspace/wandb_sweep.yaml',
  json: 'test/fixtures/host-workspace/ds_config.json',
  python: 'test/fixtures/host-workspace/train.py',
};

function cpuMs(args: string[]): number {
  const r = spawnSync(process.execPath, ['-r', HOOK, ...args], { cwd: ROOT, encoding: 'utf8' });
  const m = /cpu-us (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`run failed (${r.status}): ${r.stderr.slice(0, 300)}`);
  return Number(m[1]) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run npm run build first');
const samples: Record<string, number[]> = { node: [], ...Object.fromEntries(Object.keys(FILES).map(k => [k, [] as number[]])) };
for (let i = 0; i < RUNS; i++) {
  samples.node.push(cpuMs(['-e', '0']));
  for (const [kind, file] of Object.entries(FILES)) samples[kind].push(cpuMs([CLI, 'detect', file]));
}
const base = median(samples.node);
const result: Record<string, unknown> = { runs: RUNS, loadAverage1m: os.loadavg()[0], nodeMs: base, goalExtraMs: GOAL_EXTRA_MS, cliBytes: fs.statSync(CLI).size };
console.log(`node -e 0: ${base.toFixed(1)} ms CPU (median of ${RUNS}; load average ${os.loadavg()[0].toFixed(1)})`);
for (const kind of Object.keys(FILES)) {
  const m = median(samples[kind]);
  result[kind] = { ms: m, extraMs: m - base, meetsGoal: m - base <= GOAL_EXTRA_MS };
  console.log(`hpstudio detect <${kind}>: ${m.toFixed(1)} ms CPU → ${(m - base).toFixed(1)} ms over node (goal ≤ ${GOAL_EXTRA_MS}: ${m - base <= GOAL_EXTRA_MS ? 'met' : 'NOT met'})`);
}
const out = path.join(ROOT, 'test-results', 'bench');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'cli-startup.json'), `${JSON.stringify(result, null, 2)}\n`);
