/**
 * What the learning-rate finder panel shows, built from the study snapshot and the analysis: pure data
 * for the webview (checked by src/core/protocol/lrfind.ts on arrival).
 */
import type { LrCurveView, LrFindView, LrPointView } from '../protocol/lrfind';
import type { StudySnapshot } from '../study/studyIndex';
import type { LrFindResult, LrPoint } from './analysis';
import type { LrFindFacts } from './read';

/** Reports per short run sent to the panel (a run longer than this is thinned evenly). */
const MAX_REPORTS_PER_CURVE = 2_000;

function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const stride = xs.length / max;
  return Array.from({ length: max }, (_, i) => xs[Math.min(xs.length - 1, Math.floor(i * stride))]);
}

export interface ViewExtras {
  readonly applyTarget: string | null;
  readonly narrowTarget: string | null;
  readonly note: string | null;
  readonly trusted: boolean;
}

function pointView(p: LrPoint): LrPointView {
  return { lr: p.lr, trial: p.trial, status: p.status, loss: p.loss, smoothed: p.smoothed, reports: p.reports, ...(p.why ? { why: p.why } : {}) };
}

export function lrFindView(snapshot: StudySnapshot, result: LrFindResult & { facts: LrFindFacts }, extras: ViewExtras): LrFindView {
  const param = result.param;
  const curves: LrCurveView[] = [];
  for (const t of snapshot.trials) {
    const lr = t.params[param];
    if (typeof lr !== 'number' || t.intermediate.length === 0) continue;
    const pts = thin(t.intermediate, MAX_REPORTS_PER_CURVE);
    curves.push({ trial: t.number, lr, steps: pts.map(([s]) => s), values: pts.map(([, v]) => v) });
  }
  return {
    study: snapshot.name,
    param,
    metric: result.metric,
    direction: result.direction,
    state: snapshot.state,
    done: snapshot.done,
    budget: snapshot.budget,
    verdict: result.verdict,
    message: result.message,
    advice: result.advice ?? null,
    suggested: result.suggested,
    points: result.points.map(pointView),
    curves,
    steepest: result.steepest ?? null,
    minimum: result.minimum ?? null,
    floor: result.floor ?? null,
    rise: result.rise ?? null,
    divergedAbove: result.divergedAbove ?? null,
    range: result.range ?? null,
    refined: result.refined
      ? { rates: [...result.refined.rates], reports: result.refined.reports, state: result.refined.state, chosen: result.refined.chosen ?? null, lowest: result.refined.lowest ?? null, points: result.refined.points.map(pointView) }
      : null,
    ...extras,
  };
}
