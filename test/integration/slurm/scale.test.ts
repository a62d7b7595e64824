/**
 * A study at cluster scale on a real single-node cluster with 32 CPU slots on this small machine
 * (SlurmdParameters=config_overrides): `hpstudio tune` runs two-second trials 32 at a time, with
 * accounting (as most clusters run) and without. Nothing may be lost or run twice, and the scheduler
 * sees batches and polls, not a submission and several queries per trial. Five waves and more of 32:
 * with accounting, jobs of the first waves have left slurmctld (MinJobAge=5) and their ends come from
 * sacct while later waves run. The 500-trial study the issue names, and the figures (run time, calls
 * per trial), are `npm run bench:slurm`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runScaleStudy } from '../../slurm/scaleStudy';
import { slurmctldInstalled, startCluster } from './cluster';

for (const [accounting, trials] of [[true, 160], [false, 96]] as const) {
  describe(`runner / Slurm at scale: ${trials} trials, 32 at once (${accounting ? 'with' : 'without'} accounting)`, function () {
    this.timeout(1_800_000);

    it(`completes all ${trials} trials of a study, none lost or run twice, with batched submissions and shared polls`, async function () {
      if (!slurmctldInstalled()) this.skip();
      const cluster = await startCluster({ accounting, cpus: 32 });
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-slurm-scale-'));
      try {
        const run = await runScaleStudy({ env: cluster.env, workDir: work, trials, parallel: 32 });
        assert.equal(run.code, 0, run.stderr.slice(-4000));
        const summary = run.summary;
        assert.ok(summary, `no JSON summary; stderr:\n${run.stderr.slice(-4000)}`);
        assert.deepEqual([summary.completed, summary.failed, summary.pruned], [trials, 0, 0], run.stderr.slice(-4000));
        assert.deepEqual(summary.trials.map((t) => t.number).sort((a, b) => a - b), [...Array(trials).keys()], 'every trial number once');
        assert.equal(run.trialFolders, trials);
        assert.equal(run.trialsWithOneResult, trials, 'each trial ran exactly once to its end');
        console.log(`    ${trials} trials in ${(run.wallMs / 1000).toFixed(1)} s; Slurm calls ${JSON.stringify(run.calls)} = ${(run.totalCalls / trials).toFixed(3)} per trial`);
        // One submission and several queries per trial would be ≥ 3 calls per trial; batches and shared polls are far below one.
        assert.ok(run.calls.sbatch < trials / 4, `sbatch ran ${run.calls.sbatch} times for ${trials} trials: trials are not batched into arrays`);
        assert.ok(run.totalCalls < trials, `${run.totalCalls} Slurm calls for ${trials} trials: polls are not shared`);
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
        await cluster.stop();
      }
    });
  });
}
