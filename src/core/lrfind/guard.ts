/**
 * Stops an lr-find trial the moment its metric turns NaN or infinite. The study loop ignores non-finite
 * values (they cannot be journaled), so without this a diverged run would train on to its end; here the
 * trial is stopped at once and a small marker in its folder records that, and where, it diverged — the
 * analysis reads it back, also after a resume or from another process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrialExecutor, TrialHandle, TrialLaunch } from '../runner/types';

/** Written into a trial's folder when its metric became NaN or infinite. */
export const DIVERGED_MARKER = 'lrfind-diverged.json';

export interface DivergedMarker {
  readonly step: number;
  /** `NaN`, `Infinity` or `-Infinity`, as text (JSON has no such numbers). */
  readonly value: string;
}

export function readDivergedMarker(trialDir: string): DivergedMarker | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(trialDir, DIVERGED_MARKER), 'utf8')) as Partial<DivergedMarker>;
    return typeof v.step === 'number' && typeof v.value === 'string' ? { step: v.step, value: v.value } : undefined;
  } catch {
    return undefined;
  }
}

/** Wraps an executor so that a non-finite value of `metric` stops its trial (as a prune) and leaves the marker. */
export function guardDivergence(executor: TrialExecutor, metric: string): TrialExecutor {
  return {
    name: executor.name,
    cancelLeftJobs: executor.cancelLeftJobs ? (study, jobs) => executor.cancelLeftJobs!(study, jobs) : undefined,
    dispose: () => executor.dispose(),
    launch(trial: TrialLaunch): TrialHandle {
      const handle = executor.launch(trial);
      let stopped = false;
      // Registered before the study loop's own listener: the stop is on its way before the loop warns.
      handle.onMetric(point => {
        if (stopped || point.name !== metric || Number.isFinite(point.value)) return;
        stopped = true;
        try {
          fs.mkdirSync(trial.trialDir, { recursive: true });
          fs.writeFileSync(path.join(trial.trialDir, DIVERGED_MARKER), JSON.stringify({ step: point.step, value: String(point.value) }));
        } catch {
          /* the stop matters more than the marker; the analysis still sees a short trial */
        }
        void handle.stop('prune').catch(() => {});
      });
      return handle;
    },
  };
}
