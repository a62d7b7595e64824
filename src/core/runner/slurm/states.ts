/**
 * What Slurm answers, parsed: squeue rows, `scontrol show job` records, sacct rows (array tasks that
 * never started are reported together as `12_[3-5,7%4]`), and how a job's end maps onto a trial outcome.
 * Pure: no I/O.
 */
import { constants as osConstants } from 'node:os';
import type { StopReason, TrialOutcome } from '../types';

/** Slurm job states that mean the job will not run any more. */
const FINISHED_STATES = new Set([
  'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'REVOKED', 'SPECIAL_EXIT',
]);

export function isFinishedSlurmState(state: string): boolean {
  return FINISHED_STATES.has(state);
}

export interface JobEnd {
  readonly state: string;
  readonly exitCode: number;
  readonly signal: number;
  /** The node(s) it ran on, when known. */
  readonly nodes?: string;
}

/** One array task as squeue lists it (`squeue -r -O` with SQUEUE_FORMAT). */
export interface QueueRow {
  /** `12_3`. */
  readonly task: string;
  readonly state: string;
  /** How often Slurm requeued it (preemption, `scontrol requeue`, a failed node). */
  readonly restarts: number;
  /** The job id Slurm gave the task once it started (12_3 runs as job 57). */
  readonly rawId: string;
  readonly reason: string;
}

/** `squeue -O` fields, `|`-terminated; the reason last because it is free text. */
export const SQUEUE_FORMAT = 'JobArrayID:|,State:|,RestartCnt:|,JobID:|,Reason:|';

export function parseSqueue(text: string): QueueRow[] {
  const rows: QueueRow[] = [];
  for (const line of text.split('\n')) {
    const [task, state, restarts, rawId, ...rest] = line.trim().split('|');
    if (!task || !state || !/^\d+_\d+$/.test(task)) continue;
    rows.push({ task, state, restarts: Number(restarts) || 0, rawId: rawId ?? '', reason: rest.join('|').replace(/\|$/, '') });
  }
  return rows;
}

/** `3-5,7%4` → [3, 4, 5, 7] (a `%K` throttle is dropped); at most `limit` indices. */
export function expandTaskIds(spec: string, limit = 100_000): number[] {
  const out: number[] = [];
  for (const part of spec.replace(/%\d+$/, '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const step = Math.max(1, Number(m[3] ?? 1));
    for (let i = from; i <= to && out.length < limit; i += step) out.push(i);
  }
  return out;
}

function exitOf(text: string | undefined): { exitCode: number; signal: number } {
  const m = /^(\d+):(\d+)$/.exec((text ?? '').trim());
  return m ? { exitCode: Number(m[1]), signal: Number(m[2]) } : { exitCode: 0, signal: 0 };
}

/** `sacct -n -X -P -o JobID,State,ExitCode,NodeList` rows → end per task id (`12_3`); the last row of a task wins. */
export function parseSacctRows(text: string): Map<string, JobEnd> {
  const ends = new Map<string, JobEnd>();
  for (const line of text.split('\n')) {
    const [id, stateText, exitText, nodes] = line.trim().split('|');
    const state = (stateText ?? '').trim().split(/\s+/)[0]; // "CANCELLED by 0"
    if (!id || !state) continue;
    const end: JobEnd = { state, ...exitOf(exitText), nodes: nodes && nodes !== 'None assigned' ? nodes : undefined };
    for (const task of taskIdsOf(id)) ends.set(task, end);
  }
  return ends;
}

/** `12_3` → [12_3]; `12_[3-5%2]` → [12_3, 12_4, 12_5]; a plain id `12` → [12]. */
function taskIdsOf(id: string): string[] {
  const m = /^(\d+)_\[([^\]]+)\]$/.exec(id);
  if (m) return expandTaskIds(m[2]).map((i) => `${m[1]}_${i}`);
  return [id];
}

export interface ScontrolRecord {
  readonly fields: ReadonlyMap<string, string>;
}

/** `scontrol -o show job` → one map of fields per job record. */
export function parseScontrolRecords(text: string): ScontrolRecord[] {
  const records: ScontrolRecord[] = [];
  for (const line of text.split('\n')) {
    if (!/^JobId=/.test(line.trim())) continue;
    const fields = new Map<string, string>();
    for (const m of line.matchAll(/(?:^|\s)([A-Za-z][\w:/]*)=(\S*)/g)) if (!fields.has(m[1])) fields.set(m[1], m[2]);
    records.push({ fields });
  }
  return records;
}

/** Ended array tasks in `scontrol -o show job ARRAY` records (pending tasks cancelled together share one record). */
export function scontrolEnds(text: string): Map<string, JobEnd> {
  const ends = new Map<string, JobEnd>();
  for (const { fields } of parseScontrolRecords(text)) {
    const state = fields.get('JobState') ?? '';
    if (!isFinishedSlurmState(state)) continue;
    const nodes = fields.get('NodeList');
    const end: JobEnd = { state, ...exitOf(fields.get('ExitCode')), nodes: nodes && nodes !== '(null)' ? nodes : undefined };
    const array = fields.get('ArrayJobId');
    const tasks = fields.get('ArrayTaskId');
    if (array && tasks) for (const i of expandTaskIds(tasks)) ends.set(`${array}_${i}`, end);
    else ends.set(fields.get('JobId') ?? '', end);
  }
  return ends;
}

/** `scontrol show config` → the settings by name. */
export function parseConfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^(\w+)\s*=\s*(.*?)\s*$/gm)) out.set(m[1], m[2]);
  return out;
}

/** Why slurmstepd ended a run, from the line it writes into the job's error file. */
export type Interruption = 'node failure' | 'preemption' | 'requeue' | 'time limit' | 'cancelled';

const STEPD_LINE = /\*\*\* JOB (\d+) ON (\S+) CANCELLED AT (\S+) DUE TO (NODE FAILURE|PREEMPTION|JOB REQUEUE|TIME LIMIT)/;
const STEPD_KIND: Readonly<Record<string, Interruption>> = { 'NODE FAILURE': 'node failure', PREEMPTION: 'preemption', 'JOB REQUEUE': 'requeue', 'TIME LIMIT': 'time limit' };

export function parseStepdLine(line: string): { job: string; node: string; at: string; kind: Interruption } | undefined {
  const m = STEPD_LINE.exec(line);
  return m ? { job: m[1], node: m[2], at: m[3], kind: STEPD_KIND[m[4]] } : undefined;
}

/** What ended an attempt that Slurm requeued, from `sacct -D` states. */
export function interruptionOfState(state: string): Interruption | undefined {
  if (state === 'NODE_FAIL') return 'node failure';
  if (state === 'PREEMPTED') return 'preemption';
  if (state === 'REQUEUED') return 'requeue';
  return undefined;
}

export function signalName(signal: number): string | null {
  if (!signal) return null;
  const entry = Object.entries(osConstants.signals).find(([, n]) => n === signal);
  return entry ? entry[0] : `signal ${signal}`;
}

/** `--time` minutes for a trial timeout: Slurm's own backstop, one minute after ours. */
export function slurmMinutes(timeoutMs: number): string {
  return String(Math.ceil(timeoutMs / 60_000) + 1);
}

/** How a job's end maps onto a TrialOutcome (stopReason is the one we asked for, if any). */
export function outcomeFromJobEnd(
  jobId: string,
  end: JobEnd,
  stopReason: StopReason | undefined,
  durationMs: number,
  stderrTail: string,
  nodeReason?: string,
): TrialOutcome {
  const signal = signalName(end.signal);
  const base = { durationMs, stderrTail };
  switch (end.state) {
    case 'COMPLETED':
      return { ...base, exitCode: end.exitCode, signal, stopReason };
    case 'FAILED':
      return { ...base, exitCode: end.signal ? null : end.exitCode, signal, stopReason };
    case 'CANCELLED':
      return stopReason
        ? { ...base, exitCode: null, signal: signal ?? 'SIGTERM', stopReason }
        : { ...base, exitCode: null, signal, error: `Slurm job ${jobId} was cancelled outside Hyperparameter Studio (scancel or an administrator)` };
    case 'TIMEOUT':
      return { ...base, exitCode: null, signal, stopReason: stopReason ?? 'timeout' };
    case 'OUT_OF_MEMORY':
      return { ...base, exitCode: null, signal: null, stopReason, error: `Slurm job ${jobId} ran out of memory (OUT_OF_MEMORY); ask for more with mem` };
    case 'NODE_FAIL':
      return { ...base, exitCode: null, signal, stopReason, error: nodeFailureMessage(jobId, end.nodes, nodeReason) };
    default:
      return { ...base, exitCode: null, signal, stopReason, error: `Slurm job ${jobId} ended in state ${end.state}` };
  }
}

export function nodeFailureMessage(jobId: string, nodes: string | undefined, reason: string | undefined): string {
  return `Slurm job ${jobId} failed with its node${nodes ? ` ${nodes}` : ''} (NODE_FAIL)${reason ? `: ${reason}` : ''}`;
}

/** `sacct -D -n -X -P -o JobID,State,ExitCode,NodeList` → every attempt of the job, oldest first. */
export function parseSacctAttempts(text: string): JobEnd[] {
  const out: JobEnd[] = [];
  for (const line of text.split('\n')) {
    const [id, stateText, exitText, nodes] = line.trim().split('|');
    const state = (stateText ?? '').trim().split(/\s+/)[0];
    if (!id || !state) continue;
    out.push({ state, ...exitOf(exitText), nodes: nodes && nodes !== 'None assigned' ? nodes : undefined });
  }
  return out;
}
