/** Builds the TrialExecutor a study file asks for (`executor: local` or `{type: slurm, …}`). */
import type { TrialExecutor } from '../runner/types';
import { LocalExecutor } from '../runner/local';
import { SlurmExecutor } from '../runner/slurm';
import { guardDivergence } from '../lrfind/guard';
import { LR_FIND } from '../lrfind/spec';
import type { StudyConfig } from './types';

export function createExecutor(config: StudyConfig): TrialExecutor {
  const executor = createPlainExecutor(config);
  // An lr-find stops a trial the moment its loss turns NaN (the study loop cannot journal NaN).
  return config.sampler === LR_FIND ? guardDivergence(executor, config.metric) : executor;
}

function createPlainExecutor(config: StudyConfig): TrialExecutor {
  const e = config.executor;
  if (e.type === 'local') {
    // GPUs are handed out by the study loop (TrialLaunch.gpu), not by the executor's own pool.
    return new LocalExecutor();
  }
  return new SlurmExecutor({
    partition: e.partition,
    account: e.account,
    time: e.time,
    cpusPerTask: e.cpusPerTask,
    gpus: e.gpus,
    memory: e.mem,
    arrayThrottle: e.arrayThrottle,
    extraSbatchArgs: e.sbatch,
  });
}
