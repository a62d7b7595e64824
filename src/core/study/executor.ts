/** Builds the TrialExecutor a study file asks for (`executor: local` or `{type: slurm, …}`). */
import type { TrialExecutor } from '../runner/types';
import { LocalExecutor } from '../runner/local';
import { SlurmExecutor } from '../runner/slurm';
import type { StudyConfig } from './types';

export function createExecutor(config: StudyConfig): TrialExecutor {
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
