/**
 * Messages between the extension and the sidebar webview (`hpstudio.sidebar`). Both ends import
 * this file: the types keep them in step at compile time, the checks at run time.
 */
import { arr, bool, int, lit, nullable, num, numOrNaN, obj, oneOf, optional, params as paramsCheck, str, union, type Check } from './validate';
import type { ParamValue } from '../search/types';
import { STUDY_RUN_STATES, type StudyRunState } from '../study/summary';

export type { StudyRunState } from '../study/summary';

export interface DetectedConfigSummary {
  /** Workspace-relative path, for display. */
  readonly path: string;
  /** URI string the extension can open. */
  readonly uri: string;
  readonly format: string | null;
  readonly hyperparameters: number;
  /** First hyperparameter's location, so a click opens the file at the setting. */
  readonly line: number;
  readonly character: number;
  /** A study file (W&B sweep superset) that can be started from the sidebar. */
  readonly isStudyFile: boolean;
  /** The detected learning rate's key, when the file has one ("Find LR…" is offered). */
  readonly learningRate?: string;
}

/** One study as the sidebar lists it. */
export interface StudyRow {
  readonly name: string;
  readonly state: StudyRunState;
  readonly metric: string;
  readonly direction: 'minimize' | 'maximize';
  readonly done: number;
  readonly budget: number;
  readonly running: number;
  readonly pruned: number;
  readonly failed: number;
  readonly best: { readonly number: number; readonly value: number } | null;
  /** Why it is paused/stopped/crashed, or the journal's error. */
  readonly reason: string | null;
  /** The config the study tunes, when known: "Apply best" writes there. */
  readonly hasSource: boolean;
  /** An lr-find (a study of its own kind): its suggestion instead of a best trial. */
  readonly lrFind?: { readonly param: string; readonly suggested: number | null; readonly verdict: string };
  /** Several metrics: each one, and the Pareto front's size (shown instead of the first metric's best). */
  readonly objectives?: readonly { readonly name: string; readonly direction: 'minimize' | 'maximize' }[];
  readonly frontSize?: number;
}

/** One row of the trial table of the selected study. */
export interface TrialRow {
  readonly number: number;
  readonly state: 'waiting' | 'running' | 'complete' | 'pruned' | 'fail';
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Objective value (complete), or the last reported value. */
  readonly value: number | null;
  /** Latest and best intermediate value of the objective metric. */
  readonly latest: number | null;
  readonly best: number | null;
  readonly durationMs: number | null;
  /**
   * Several metrics: the trial's value of each, in the study's order (null where it has none yet), and
   * whether it is on the Pareto front. The table shows these instead of the first metric's value/best.
   */
  readonly values?: readonly (number | null)[];
  readonly front?: boolean;
  /** A notebook study's trial: its executed copy of the notebook can be opened. */
  readonly notebook?: boolean;
}

export type StudyAction = 'start' | 'stop' | 'resume' | 'openStudyFile' | 'showCurves' | 'applyBest' | 'showLrFind';

export interface SidebarState {
  readonly scanning: boolean;
  readonly trusted: boolean;
  readonly configs: readonly DetectedConfigSummary[];
  /** Files skipped or unreadable, with the reason (too large, parse error…). */
  readonly problems: readonly { readonly path: string; readonly message: string }[];
  readonly message: string | null;
  readonly studies: readonly StudyRow[];
  readonly selectedStudy: string | null;
  /** Trials of the selected study (the most recent ones when there are very many). */
  readonly trials: readonly TrialRow[];
}

export type HostToSidebar = { type: 'state'; state: SidebarState };

export type SidebarToHost =
  | { type: 'ready' }
  | { type: 'scan' }
  | { type: 'openConfig'; uri: string; line: number; character: number }
  | { type: 'command'; command: 'tuneFile' | 'showCurves' | 'stopStudy' | 'startStudy' | 'findLearningRate'; uri?: string }
  | { type: 'selectStudy'; name: string }
  | { type: 'studyAction'; action: StudyAction; study: string }
  | { type: 'openTrialNotebook'; study: string; trial: number };

const configSummary = obj({ path: str(4096), uri: str(8192), format: nullable(str(100)), hyperparameters: int, line: int, character: int, isStudyFile: bool, learningRate: optional(str(500)) });
const sidebarState = obj({
  scanning: bool,
  trusted: bool,
  configs: arr(configSummary, 50_000),
  problems: arr(obj({ path: str(4096), message: str(2000) }), 50_000),
  message: nullable(str(2000)),
  studies: arr(obj({
    name: str(500),
    state: oneOf<StudyRunState>(...STUDY_RUN_STATES),
    metric: str(500),
    direction: oneOf('minimize', 'maximize'),
    done: int,
    budget: int,
    running: int,
    pruned: int,
    failed: int,
    best: nullable(obj({ number: int, value: numOrNaN })),
    reason: nullable(str(5000)),
    hasSource: bool,
    lrFind: optional(obj({ param: str(500), suggested: nullable(num), verdict: str(100) })),
    objectives: optional(arr(obj({ name: str(500), direction: oneOf('minimize', 'maximize') }), 32)),
    frontSize: optional(int),
  }), 10_000),
  selectedStudy: nullable(str(500)),
  trials: arr(obj({
    number: int,
    state: oneOf('waiting', 'running', 'complete', 'pruned', 'fail'),
    params: paramsCheck({ maxKeys: 200, maxString: 1000, nonFinite: true }),
    value: nullable(numOrNaN),
    latest: nullable(numOrNaN),
    best: nullable(numOrNaN),
    durationMs: nullable(num),
    values: optional(arr(nullable(numOrNaN), 32)),
    front: optional(bool),
    notebook: optional(bool),
  }), 5_000),
});

export const hostToSidebar: Check<HostToSidebar> = union<HostToSidebar>({ state: obj({ type: lit('state'), state: sidebarState }) as Check<HostToSidebar> });

export const sidebarToHost: Check<SidebarToHost> = union<SidebarToHost>({
  ready: obj({ type: lit('ready') }),
  scan: obj({ type: lit('scan') }),
  openConfig: obj({ type: lit('openConfig'), uri: str(8192), line: int, character: int }),
  command: obj({ type: lit('command'), command: oneOf('tuneFile', 'showCurves', 'stopStudy', 'startStudy', 'findLearningRate'), uri: optional(str(8192)) }),
  selectStudy: obj({ type: lit('selectStudy'), name: str(500) }),
  studyAction: obj({ type: lit('studyAction'), action: oneOf<StudyAction>('start', 'stop', 'resume', 'openStudyFile', 'showCurves', 'applyBest', 'showLrFind'), study: str(500) }),
  openTrialNotebook: obj({ type: lit('openTrialNotebook'), study: str(500), trial: int }),
});
