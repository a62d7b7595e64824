/**
 * Messages between the extension (or a test) and the background worker process that runs studies.
 * IPC delivers whatever the other side sent, so both directions are validated with these checks
 * before anyone acts on a message; unknown or malformed messages are dropped and logged.
 */
import type { ParamValue, TrialState } from '../search/types';
import { isStudyName } from '../study/file/keys';
import { arr, bool, int, lit, num, numOrNaN, obj, oneOf, optional, params as paramsCheck, ProtocolError, record, str, union, type Check } from './validate';

/** Longest path we accept over IPC (PATH_MAX on Linux is 4096; Windows long paths go beyond). */
const MAX_PATH = 32_768;
const MAX_NAME = 200;
const MAX_TEXT = 100_000;
/** Events per batch; the worker flushes at ~10 Hz, so even 1 000 metrics/s fits with room to spare. */
export const MAX_EVENTS_PER_BATCH = 10_000;

export interface StartRequest {
  readonly type: 'start';
  /** Chosen by the sender so the answer (`started` / `start-failed`) can be matched to the request. */
  readonly id: number;
  /** Absolute path of the study file. */
  readonly studyFile: string;
  /** Workspace folder: the journal goes to `<workspace>/.hpstudio/studies/<name>`. */
  readonly workspace: string;
  readonly resume: boolean;
  /** Join the study as one more worker, even while another process runs it. */
  readonly join?: boolean;
  readonly trials?: number;
  readonly parallel?: number;
  /** Interpreter for `${interpreter}` when the study file names none (a trusted setting or the Python extension's choice). */
  readonly interpreter?: string;
  /** Variables the interpreter's environment needs (a conda env's activation); the study file's `env` wins. */
  readonly interpreterEnv?: Record<string, string>;
  /** Run under this study name instead of the file's ("Run again" next to an existing study). */
  readonly name?: string;
}

export type ToWorker =
  | { type: 'hello' }
  | StartRequest
  | { type: 'stop'; study: string }
  | { type: 'status' }
  | { type: 'shutdown' };

export interface TrialSummaryMessage {
  readonly number: number;
  readonly state: TrialState;
  readonly value?: number;
  readonly params: Record<string, ParamValue>;
  readonly error?: string;
}

export interface StudySummaryMessage {
  readonly study: string;
  readonly status: 'finished' | 'paused' | 'interrupted';
  readonly completed: number;
  readonly pruned: number;
  readonly failed: number;
  readonly best?: { readonly number: number; readonly value: number; readonly params: Record<string, ParamValue> };
  /** Several objectives: the Pareto set. */
  readonly pareto?: readonly { readonly number: number; readonly values: readonly number[]; readonly params: Record<string, ParamValue> }[];
  readonly trials: readonly TrialSummaryMessage[];
}

/** `StudyEvent` (src/core/study/types.ts) as it crosses the process boundary. */
export type StudyEventMessage =
  | { type: 'trial-started'; study: string; number: number; params: Record<string, ParamValue>; retryOf?: number }
  | { type: 'metric'; study: string; number: number; name: string; step: number; value: number }
  | { type: 'trial-finished'; study: string; number: number; state: TrialState; value?: number; error?: string; durationMs: number }
  | { type: 'study-paused'; study: string; reason: string; stderr: string }
  | { type: 'study-finished'; study: string; summary: StudySummaryMessage }
  | { type: 'warning'; study: string; message: string };

export interface RunningStudyStatus {
  readonly study: string;
  readonly studyFile: string;
  readonly journalDir: string;
  readonly running: number;
  readonly stopping: boolean;
}

export type FromWorker =
  | { type: 'hello'; version: string; pid: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'started'; id: number; study: string; studyFile: string; journalDir: string; budget: number; warnings: string[] }
  | { type: 'start-failed'; id: number; studyFile: string; error: string }
  | { type: 'events'; events: StudyEventMessage[] }
  /** The study's run ended (finished, paused, interrupted or failed) and its journal is closed. */
  | { type: 'ended'; study: string; status: 'finished' | 'paused' | 'interrupted' | 'error'; error?: string }
  /** `pruneLatencyMs`: the latest prune decisions, metric reaching the worker → stop issued (ms). */
  | { type: 'status'; studies: RunningStudyStatus[]; pruneLatencyMs: number[] };

const path = str(MAX_PATH);
const name = str(MAX_NAME);
const trialState = oneOf<TrialState>('running', 'waiting', 'complete', 'pruned', 'fail');

/** Sampled parameters: finite numbers only, since JSON over IPC has no NaN. */
const params = paramsCheck({ maxKeys: 1_000, maxString: MAX_TEXT, nonFinite: false });
const positiveInt: Check<number> = (v, p) => {
  const n = int(v, p);
  if (n < 1 || n > 1_000_000) throw new ProtocolError(`${p}: expected an integer from 1 to 1000000, got ${n}`);
  return n;
};

/** A new study name: a folder name, since the study is stored under .hpstudio/studies/<name>. */
const studyName: Check<string> = (v, p) => {
  const s = str(MAX_NAME)(v, p);
  if (!isStudyName(s)) throw new ProtocolError(`${p}: expected a study name (letters, digits, . _ -, at most 100), got ${JSON.stringify(s.slice(0, 120))}`);
  return s;
};

export const toWorker: Check<ToWorker> = union<ToWorker>({
  hello: obj({ type: lit('hello') }),
  start: obj({
    type: lit('start'),
    id: int,
    studyFile: path,
    workspace: path,
    resume: bool,
    join: optional(bool),
    trials: optional(positiveInt),
    parallel: optional(positiveInt),
    interpreter: optional(path),
    interpreterEnv: optional(record(str(MAX_TEXT), 1_000)),
    name: optional(studyName),
  }),
  stop: obj({ type: lit('stop'), study: name }),
  status: obj({ type: lit('status') }),
  shutdown: obj({ type: lit('shutdown') }),
});

const trialSummary = obj({ number: int, state: trialState, value: optional(numOrNaN), params, error: optional(str(MAX_TEXT)) });
const summary = obj({
  study: name,
  status: oneOf('finished', 'paused', 'interrupted'),
  completed: int,
  pruned: int,
  failed: int,
  best: optional(obj({ number: int, value: num, params })),
  pareto: optional(arr(obj({ number: int, values: arr(num, 64), params }), 100_000)),
  trials: arr(trialSummary, 100_000),
});

export const studyEvent: Check<StudyEventMessage> = union<StudyEventMessage>({
  'trial-started': obj({ type: lit('trial-started'), study: name, number: int, params, retryOf: optional(int) }),
  // NaN is a real outcome (a diverged loss); JSON over IPC turns it into null, which is refused here,
  // so the worker sends only finite metrics (runStudy warns about the rest).
  metric: obj({ type: lit('metric'), study: name, number: int, name: str(MAX_NAME), step: num, value: num }),
  'trial-finished': obj({
    type: lit('trial-finished'),
    study: name,
    number: int,
    state: trialState,
    value: optional(num),
    error: optional(str(MAX_TEXT)),
    durationMs: num,
  }),
  'study-paused': obj({ type: lit('study-paused'), study: name, reason: str(MAX_TEXT), stderr: str(MAX_TEXT) }),
  'study-finished': obj({ type: lit('study-finished'), study: name, summary }),
  warning: obj({ type: lit('warning'), study: name, message: str(MAX_TEXT) }),
});

export const fromWorker: Check<FromWorker> = union<FromWorker>({
  hello: obj({ type: lit('hello'), version: str(100), pid: int }),
  log: obj({ type: lit('log'), level: oneOf('info', 'warn', 'error'), message: str(MAX_TEXT) }),
  started: obj({ type: lit('started'), id: int, study: name, studyFile: path, journalDir: path, budget: int, warnings: arr(str(MAX_TEXT), 1_000) }),
  'start-failed': obj({ type: lit('start-failed'), id: int, studyFile: path, error: str(MAX_TEXT) }),
  events: obj({ type: lit('events'), events: arr(studyEvent, MAX_EVENTS_PER_BATCH) }),
  ended: obj({ type: lit('ended'), study: name, status: oneOf('finished', 'paused', 'interrupted', 'error'), error: optional(str(MAX_TEXT)) }),
  status: obj({
    type: lit('status'),
    studies: arr(obj({ study: name, studyFile: path, journalDir: path, running: int, stopping: bool }), 1_000),
    pruneLatencyMs: arr(num, 10_000),
  }),
});
