/**
 * The rows the sidebar shows for studies and their trials, built from study snapshots. Pure, so the
 * extension's sidebar model and the benchmark of the editor's study path share them.
 */
import type { StudyRow, TrialRow } from '../protocol/sidebar';
import type { StudySnapshot, TrialSnapshot } from './studyIndex';
import { bestValue } from './summary';
import { isLrFindStudy, readLrFind } from '../lrfind/read';

/** Rows beyond this stay out of the webview; a 10,000-trial study shows its most recent ones. */
export const MAX_TRIAL_ROWS = 2_000;

/**
 * `notebook`: the study runs a notebook, so the row links to the trial's executed copy. `objectives`:
 * how many metrics a multi-objective study has (the row then carries each one's value).
 */
export function trialRow(t: TrialSnapshot, direction: 'minimize' | 'maximize', now = Date.now(), notebook = false, objectives = 0): TrialRow {
  const best = bestValue(t.intermediate.map(([, v]) => v), direction) ?? null;
  const latest = t.intermediate.length ? t.intermediate[t.intermediate.length - 1][1] : null;
  const end = t.endTime ?? (t.state === 'running' ? now : undefined);
  return {
    number: t.number,
    state: t.state,
    params: t.params,
    value: t.value ?? null,
    latest,
    best,
    durationMs: t.startTime !== undefined && end !== undefined ? end - t.startTime : null,
    ...(notebook && t.state !== 'waiting' ? { notebook: true } : {}),
    ...(objectives ? { values: Array.from({ length: objectives }, (_, k) => t.values?.[k] ?? null) } : {}),
  };
}

export function studyRow(s: StudySnapshot): StudyRow {
  return {
    name: s.name,
    state: s.state,
    metric: s.metric,
    direction: s.direction,
    done: s.done,
    budget: s.budget,
    running: s.counts.running,
    pruned: s.counts.pruned,
    failed: s.counts.fail,
    best: s.best ? { number: s.best.number, value: s.best.value } : null,
    reason: s.error ?? s.reason ?? s.issues ?? null,
    hasSource: !!s.source,
    ...(isLrFindStudy(s) && !s.error ? { lrFind: lrFindRow(s) } : {}),
    ...(s.objectives ? { objectives: s.objectives.map(o => ({ name: o.name, direction: o.direction })), frontSize: s.pareto?.length ?? 0 } : {}),
  };
}

/** An lr-find's card shows its suggestion (or why there is none) instead of a best trial. */
function lrFindRow(s: StudySnapshot): NonNullable<StudyRow['lrFind']> {
  try {
    const r = readLrFind(s);
    return { param: r.param, suggested: r.suggested, verdict: r.verdict };
  } catch {
    return { param: '?', suggested: null, verdict: 'no-data' };
  }
}

/**
 * Rows of finished trials, by trial snapshot: a study reader keeps the snapshot of a trial that did
 * not change, so a refresh rebuilds only the rows of trials that did (and of running ones, whose
 * duration grows).
 */
const finishedRows = [new WeakMap<TrialSnapshot, TrialRow>(), new WeakMap<TrialSnapshot, TrialRow>()];

/**
 * The trial rows of a study: its most recent MAX_TRIAL_ROWS trials. With several metrics each row
 * says whether its trial is on the Pareto front — set per refresh, since a later trial can push a
 * finished one off it (the cached row stays as it was).
 */
export function trialRows(s: StudySnapshot, now = Date.now(), notebook = false): TrialRow[] {
  const cache = finishedRows[notebook ? 1 : 0];
  const objectives = s.objectives?.length ?? 0;
  const front = new Set(s.pareto?.map(p => p.number));
  const onFront = (row: TrialRow): TrialRow => (front.has(row.number) ? { ...row, front: true } : row);
  return s.trials.slice(-MAX_TRIAL_ROWS).map(t => {
    if (t.state === 'running' || t.state === 'waiting') return trialRow(t, s.direction, now, notebook, objectives);
    let row = cache.get(t);
    if (!row) cache.set(t, (row = trialRow(t, s.direction, now, notebook, objectives)));
    return objectives ? onFront(row) : row;
  });
}
