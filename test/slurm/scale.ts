/**
 * Benchmark: a study at cluster scale on a real single-node cluster with 32 CPU slots, started and stopped
 * here, once with accounting (slurmdbd + MariaDB) and once without. Measures how long the cluster takes to
 * start, how long `hpstudio tune` takes for N two-second trials 32 at a time, how many trials are lost,
 * and every Slurm command the study ran (calls per trial). Needs root and Slurm (npm test's system setup
 * installs it). Not part of `npm run bench`: it owns the machine's Slurm ports for minutes.
 *
 *   npm run bench:slurm [-- trials]      (default 500)
 *   npm run bench:slurm -- --dry-run     checks Slurm is installed and says what it would run (no cluster)
 *
 * Prints a table and writes test-results/bench/slurm-scale.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { slurmctldInstalled, startCluster } from '../integration/slurm/cluster';
import { runScaleStudy, SLURM_COMMANDS } from './scaleStudy';

const dryRun = process.argv.includes('--dry-run');
const trials = Number(process.argv.slice(2).find((a) => a !== '--dry-run') ?? 500);
const parallel = 32;

async function measure(accounting: boolean) {
  const cluster = await startCluster({ accounting, cpus: parallel });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-slurm-bench-'));
  try {
    const load = os.loadavg()[0];
    const run = await runScaleStudy({ env: cluster.env, workDir: work, trials, parallel });
    if (run.code !== 0 || !run.summary) throw new Error(`the study failed (exit ${run.code}):\n${run.stderr.slice(-3000)}`);
    const completed = run.summary.completed;
    return {
      accounting,
      clusterStartS: cluster.startMs / 1000,
      trials,
      parallel,
      wallS: run.wallMs / 1000,
      idealS: Math.ceil(trials / parallel) * 2,
      completed,
      failed: run.summary.failed,
      lost: trials - completed - run.summary.failed - run.summary.pruned,
      ranTwice: completed - run.trialsWithOneResult,
      calls: run.calls,
      callsPerTrial: run.totalCalls / trials,
      trialsPerSbatch: trials / Math.max(1, run.calls.sbatch),
      loadAverageAtStart: load,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    await cluster.stop();
  }
}

async function main() {
  if (!slurmctldInstalled()) throw new Error('slurmctld is not installed (run scripts/setup-system.sh as root)');
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`the number of trials must be a positive integer, got ${process.argv[2]}`);
  if (dryRun) {
    console.log(`dry run: would start a ${parallel}-slot cluster twice (with and without accounting) and run ${trials} trials on each`);
    return;
  }
  const results = [await measure(true), await measure(false)];
  console.log(`\nSlurm at scale: ${trials} trials of a 2 s program, ${parallel} CPU slots on ${os.cpus().length} cores`);
  const rows: Array<[string, (r: (typeof results)[number]) => string]> = [
    ['cluster start (s)', (r) => r.clusterStartS.toFixed(1)],
    ['study run time (s)', (r) => r.wallS.toFixed(1)],
    ['  ideal: waves × 2 s', (r) => String(r.idealS)],
    ['completed / failed', (r) => `${r.completed} / ${r.failed}`],
    ['lost / run twice', (r) => `${r.lost} / ${r.ranTwice}`],
    ...SLURM_COMMANDS.map((c) => [`${c} calls`, (r: (typeof results)[number]) => String(r.calls[c])] as [string, (r: (typeof results)[number]) => string]),
    ['Slurm calls per trial', (r) => r.callsPerTrial.toFixed(3)],
    ['trials per sbatch', (r) => r.trialsPerSbatch.toFixed(1)],
    ['load average at start', (r) => r.loadAverageAtStart.toFixed(1)],
  ];
  console.log(`${''.padEnd(24)}${'accounting'.padStart(14)}${'none'.padStart(14)}`);
  for (const [name, get] of rows) console.log(`${name.padEnd(24)}${get(results[0]).padStart(14)}${get(results[1]).padStart(14)}`);
  const out = path.resolve(__dirname, '../../test-results/bench');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'slurm-scale.json'), `${JSON.stringify({ machine: { cores: os.cpus().length }, results }, null, 2)}\n`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
