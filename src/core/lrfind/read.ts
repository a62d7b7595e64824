/**
 * An lr-find's result from what is on disk: its journal (through the study snapshot every view already
 * reads), the divergence markers in its trial folders and its study file (range, report budget). What
 * the CLI prints, the panel draws and the sidebar summarises.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createPruner } from '../search/pruners';
import type { StudySnapshot } from '../study/studyIndex';
import { loadStudyFile } from '../study/studyFile';
import type { StudyConfig } from '../study/types';
import { analyzeLrFind, type LrFindResult, type LrTrial } from './analysis';
import { readDivergedMarker } from './guard';
import { LrFindPruner } from './pruner';
import { firstPassRates, judgeRefinement, refineRules, refinementRates, withRefinement } from './refine';
import { sameRate } from './sampler';
import { plannedTrials } from '../study/summary';
import { lrParameter, LR_FIND } from './spec';
import { streamRules, type StreamRules } from './stream';
import { readLrHeader } from './studyText';

/** True for the snapshot of an lr-find study. */
export function isLrFindStudy(study: Pick<StudySnapshot, 'sampler'>): boolean {
  return study.sampler === LR_FIND;
}

export interface LrFindFacts {
  readonly param: string;
  readonly rules: StreamRules;
  readonly low?: number;
  readonly high?: number;
  readonly planned?: number;
  /** The first pass' rates (its grid), when the study file is known. */
  readonly grid?: readonly number[];
  /** The config Apply writes into and the study file Narrow edits (absolute), when the header names them. */
  readonly source?: string;
  readonly study?: string;
}

/** What the lr-find's study file says (or, when it is gone, what the trials show). */
export function lrFindFacts(snapshot: StudySnapshot, config?: StudyConfig): LrFindFacts {
  let c = config;
  if (!c && snapshot.studyFile) {
    try {
      c = loadStudyFile(snapshot.studyFile).config;
    } catch {
      c = undefined;
    }
  }
  if (c) {
    const { name, low, high } = lrParameter(c.space);
    const pruner = safePruner(c);
    const header = readHeader(c.file);
    const dir = path.dirname(c.file);
    return {
      param: name,
      rules: pruner?.rules ?? streamRules(),
      low,
      high,
      planned: c.limits.trials,
      grid: firstPassRates(c.space, plannedTrials(c)),
      source: header.source ? path.resolve(dir, header.source) : undefined,
      study: header.study ? path.resolve(dir, header.study) : undefined,
    };
  }
  const names = new Set(snapshot.trials.flatMap(t => Object.keys(t.params)));
  return { param: names.size === 1 ? [...names][0] : 'lr', rules: streamRules() };
}

function safePruner(config: StudyConfig): LrFindPruner | undefined {
  try {
    const p = createPruner(config.pruner);
    return p instanceof LrFindPruner ? p : undefined;
  } catch {
    return undefined;
  }
}

function readHeader(file: string): { source?: string; study?: string } {
  try {
    return readLrHeader(fs.readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

/** The trials of the snapshot as the analysis reads them (the divergence markers from their folders). */
export function lrTrials(snapshot: StudySnapshot, param: string): LrTrial[] {
  const out: LrTrial[] = [];
  for (const t of snapshot.trials) {
    const lr = t.params[param];
    if (typeof lr !== 'number' || !(lr > 0)) continue;
    const nonFinite = t.state === 'waiting' ? undefined : readDivergedMarker(path.join(snapshot.journalDir, 'trials', String(t.number)));
    // A trial stopped with its study (Ctrl-C, a closed window) runs again on resume: its retry stands for it.
    const requeued = t.state === 'fail' && /^interrupted/.test(t.error ?? '');
    out.push({ number: t.number, lr, state: t.state, values: t.intermediate, nonFinite, error: t.error, requeued });
  }
  return out;
}

/**
 * The lr-find's result from its snapshot: the first pass' curve and suggestion, then its second pass
 * (refine.ts) once the first has a suggestion. The passes are told apart by rate: the first pass' are its
 * grid. Without its study file (no grid known) every trial is read as the first pass.
 */
export function readLrFind(snapshot: StudySnapshot, config?: StudyConfig): LrFindResult & { readonly facts: LrFindFacts } {
  const facts = lrFindFacts(snapshot, config);
  const all = lrTrials(snapshot, facts.param);
  const grid = facts.grid;
  const onGrid = (t: LrTrial) => !grid || grid.some(g => sameRate(g, t.lr));
  const input = {
    param: facts.param,
    metric: snapshot.metric,
    direction: snapshot.direction,
    rules: facts.rules,
    trials: all.filter(onGrid),
    low: facts.low,
    high: facts.high,
    planned: facts.planned,
  };
  const first = analyzeLrFind(input);
  if (first.verdict !== 'ok' || first.suggested === null || !grid || facts.low === undefined || facts.high === undefined) return { ...first, facts };
  const rates = refinementRates(first.suggested, grid, facts.low, facts.high);
  const refinement = judgeRefinement(all.filter(t => !onGrid(t)), rates, first.suggested, snapshot.direction, refineRules(facts.rules));
  return { ...withRefinement(first, refinement, input, snapshot.state === 'running'), facts };
}
