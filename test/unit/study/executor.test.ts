import * as assert from 'node:assert/strict';
import { createExecutor } from '../../../src/core/study/executor';
import { parseStudyFile } from '../../../src/core/study/studyFile';

const base = 'program: t.py\nmetric: {name: loss}\nparameters: {x: {values: [1, 2]}}\n';

describe('createExecutor', () => {
  it('builds the local executor by default and the Slurm one when asked', async () => {
    const local = createExecutor(parseStudyFile(base, '/w/s.yaml').config);
    assert.equal(local.name, 'local');
    await local.dispose();
    const slurm = createExecutor(parseStudyFile(`${base}executor: {type: slurm, partition: gpu, time: "01:00:00", cpus: 2, options: ["--mem=8G", "--qos=high"]}\n`, '/w/s.yaml').config);
    assert.equal(slurm.name, 'slurm');
    await slurm.dispose();
  });

  it('refuses sbatch options the Slurm executor sets itself, with its message', () => {
    const config = parseStudyFile(`${base}executor: {type: slurm, options: ["--output=/tmp/x"]}\n`, '/w/s.yaml').config;
    assert.throws(() => createExecutor(config), /--output is set by the executor/);
  });
});
