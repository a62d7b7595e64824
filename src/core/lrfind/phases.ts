/**
 * An lr-find runs in two passes over one journal: the first pass' short runs across the range (the
 * study's own sampler and pruner), then the second pass' longer runs around its suggestion (refine.ts),
 * which start only once every first-pass run has ended. A sampler must always return a point, so the
 * driver (the CLI and the worker alike) runs the study once per pass: these helpers say which pass is
 * next and with what budget, sampler and pruner, from the journal alone, so an lr-find killed in either
 * pass resumes where it stopped.
 */
import type { Pruner, Sampler } from '../search/types';
import { StudyJournal, studyWorkspace } from '../study/journal';
import { openStudyRun, type RunStudyOptions } from '../study/runStudy';
import { readStudySnapshot } from '../study/studyIndex';
import type { StudyRun } from '../study/studyRun';
import { countsAgainstBudget, plannedTrials } from '../study/summary';
import type { StudyConfig, StudySummary } from '../study/types';
import { LrFindPruner } from './pruner';
import { lrTrials, readLrFind } from './read';
import { LrRefineSampler, refineRules } from './refine';
import { sameRate } from './sampler';
import { LR_FIND } from './spec';

export type LrFindPhase =
  | { readonly phase: 'first'; readonly trials: number }
  | { readonly phase: 'refine'; readonly trials: number; readonly sampler: Sampler; readonly pruner: Pruner }
  | { readonly phase: 'done' };

/** Which pass the next run of this lr-find is (from its journal; 'first' before it exists). */
export function lrFindPhase(config: StudyConfig, journalDir: string): LrFindPhase {
  const planned = plannedTrials(config);
  if (!StudyJournal.exists(journalDir)) return { phase: 'first', trials: planned };
  const snapshot = readStudySnapshot(journalDir, studyWorkspace(journalDir));
  const result = readLrFind(snapshot, config);
  const grid = result.facts.grid ?? [];
  const trials = lrTrials(snapshot, result.facts.param);
  const firstPass = trials.filter(t => grid.some(g => sameRate(g, t.lr)));
  const counted = (ts: typeof trials) => ts.filter(t => countsAgainstBudget({ state: t.state, requeued: t.requeued })).length;
  if (counted(firstPass) < planned || firstPass.some(t => t.state === 'waiting' || t.state === 'running')) return { phase: 'first', trials: planned };
  const f = result.refined;
  if (!f || f.state === 'done' || f.state === 'all-diverged') return { phase: 'done' };
  const second = trials.filter(t => !grid.some(g => sameRate(g, t.lr)) && countsAgainstBudget({ state: t.state, requeued: t.requeued }));
  const missing = f.rates.filter(r => !second.some(t => sameRate(t.lr, r))).length;
  const rules = refineRules(result.facts.rules);
  return {
    phase: 'refine',
    trials: counted(trials) + missing,
    sampler: new LrRefineSampler(f.rates),
    pruner: new LrFindPruner({ maxReports: rules.maxReports, minReports: rules.minReports, divergence: rules.divergence, levelled: rules.levelled }),
  };
}

/** What to add to the run options of the study's next run: its pass' budget, sampler and pruner. */
export function lrFindRunOptions(config: StudyConfig, journalDir: string): Partial<RunStudyOptions> {
  if (config.sampler !== LR_FIND) return {};
  const next = lrFindPhase(config, journalDir);
  if (next.phase === 'first') return { trials: next.trials };
  if (next.phase === 'refine') return { trials: next.trials, sampler: next.sampler, pruner: next.pruner, resume: true };
  return {};
}

/**
 * After a run of an lr-find ended: when it finished its first pass and the second is due, opens and runs
 * the second (`open` opens the study with the options given, as the caller opened the first).
 */
export async function continueLrFind(config: StudyConfig, journalDir: string, summary: StudySummary, open: (extra: Partial<RunStudyOptions>) => Promise<StudyRun>): Promise<StudySummary> {
  if (config.sampler !== LR_FIND || summary.status !== 'finished') return summary;
  const extra = lrFindRunOptions(config, journalDir);
  if (!extra.sampler) return summary;
  return (await open(extra)).run();
}

/** Runs an lr-find from where its journal is to its end (or until stopped): the pass due, then the next. */
export async function runLrFind(options: RunStudyOptions): Promise<StudySummary> {
  const first = await openStudyRun({ ...options, ...lrFindRunOptions(options.config, options.journalDir) });
  return continueLrFind(options.config, options.journalDir, await first.run(), extra => openStudyRun({ ...options, ...extra }));
}
