import * as assert from 'node:assert/strict';
import { createExecutor } from '../../../src/core/study/executor';
import { parseStudyFile } from '../../../src/core/study/studyFile';

const base = 'program: t.py\nmetric: {name: loss}\nparameters: {x: {values: [1, 2]}}\n';

describe('createExecutor', () => {
  it('builds the local executor by default and the Slurm one when asked', async () => {
    const local = createExecutor(parseStudyFile(base, '/w/s.yaml').config);
    assert.equal(local.name, 'local');
    await local.dispose();
    const slurm = createExecutor(parseStudyFile(`${base}executor: {type: slurm, partition: gpu, account: ml, time: "01:00:00", cpus_per_task: 2, gpus: 1, mem: 8G, array_throttle: 4, sbatch: ["--qos=high"]}\n`, '/w/s.yaml').config);
    assert.equal(slurm.name, 'slurm');
    assert.equal(typeof slurm.onWarning, 'function', 'the study hears about limits and requeues');
    await slurm.dispose();
  });

  it('reads the first release\'s cpus and options keys, saying what they are called now', () => {
    const r = parseStudyFile(`${base}executor: {type: slurm, cpus: 2, options: ["--qos=high"]}\n`, '/w/s.yaml');
    assert.deepEqual(r.config.executor, { type: 'slurm', partition: undefined, account: undefined, time: undefined, cpusPerTask: 2, gpus: undefined, mem: undefined, arrayThrottle: undefined, sbatch: ['--qos=high'] });
    assert.deepEqual(r.warnings.map(w => `${w.line}:${w.col} ${w.message}`), [
      '4:25 executor.cpus is now called cpus_per_task (read as cpus_per_task)',
      '4:34 executor.options is now called sbatch (read as sbatch)',
    ]);
  });

  it('refuses sbatch lines the Slurm executor sets itself, at their line and column', () => {
    assert.throws(() => parseStudyFile(`${base}executor: {type: slurm, sbatch: ["--output=/tmp/x"]}\n`, '/w/s.yaml'), /s\.yaml:4:34: executor\.sbatch\[0\]: --output is set by Hyperparameter Studio/);
  });
});
