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
  // `--mem=16G` in the study's options is the executor's `memory` setting, which it owns.
  const mem = e.options.find(o => o.startsWith('--mem='));
  return new SlurmExecutor({
    partition: e.partition,
    time: e.time,
    cpusPerTask: e.cpus,
    gpus: e.gpus,
    memory: mem?.slice('--mem='.length),
    extraSbatchArgs: e.options.filter(o => o !== mem),
  });
}
