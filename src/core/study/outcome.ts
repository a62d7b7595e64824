/** What a trial's end means for the study: complete, pruned or failed (and why), and whether the study interrupted it. */
import { suggestedMetricLine } from '../metrics/suggest';
import type { StopReason, TrialHandle, TrialOutcome } from '../runner/types';
import type { StudyConfig } from './types';

export interface Judgement {
  readonly state: 'complete' | 'pruned' | 'fail';
  readonly value?: number;
  /** Multi-objective studies: every objective's value of a complete trial, in the study's order. */
  readonly values?: number[];
  readonly error?: string;
  /** Stopped by the study (Ctrl-C, a fence): its params are queued again. */
  readonly interrupted: boolean;
}

/**
 * `lastValue`: the objective's last finite value; `stopping`: why the study asked the trial to stop, if it did;
 * `diverged`: "diverged: loss=nan at step N" when the objective ended on NaN/±Infinity (the trial fails);
 * `notes`: what the executor noted about its output (a line cut at 64 KB…);
 * `lastValues`: each objective's last value (multi-objective studies).
 */
export function judgeOutcome(
  config: StudyConfig,
  lastValue: number | undefined,
  stopping: StopReason | undefined,
  outcome: TrialOutcome,
  diverged?: string | false,
  notes: readonly string[] = [],
  lastValues?: ReadonlyMap<string, number>,
): Judgement {
  // The executor's reason wins; ours only explains a non-zero end (a trial that exited 0
  // right as we asked it to stop did finish).
  const reason = outcome.stopReason ?? (outcome.exitCode !== 0 || outcome.signal ? stopping : undefined);
  const fail = (error: string): Judgement => {
    const tail = outcome.stderrTail.trim();
    return { state: 'fail', error: tail ? `${error}\n${lastLines(tail, 20)}` : error, interrupted: false };
  };
  if (reason === 'cancel') return { state: 'fail', error: 'interrupted: the study was stopped while this trial ran', interrupted: true };
  if (reason === 'prune') return { state: 'pruned', value: lastValue, interrupted: false };
  if (reason === 'timeout') return fail(`timed out after ${formatMs(config.limits.trialTimeoutMs ?? outcome.durationMs)}`);
  if (outcome.error !== undefined) return fail(outcome.error);
  if (outcome.exitCode !== 0) {
    const exit = outcome.signal ? `killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
    return fail(diverged ? `${diverged}, then ${exit}` : exit);
  }
  if (diverged) return fail(diverged);
  // A metric printed on a line longer than the limit was cut off, not forgotten: say so.
  const cut = notes.find(n => / was cut at /.test(n));
  if (lastValue === undefined && cut) return fail(`the metric "${config.metric}" was not read: ${cut} (print it on a shorter line, or set metric_regex)`);
  if (config.objectives) return judgeObjectives(config, lastValue, lastValues, fail);
  if (lastValue === undefined) return fail(`finished without reporting the metric "${config.metric}" (print e.g. ${suggestedMetricLine(config.metric, config.metricRegex)} or set metric_regex)`);
  return { state: 'complete', value: lastValue, interrupted: false };
}

/**
 * Several objectives: keeps the last finite value of an objective other than the first (the first is
 * the study's metric, followed like any objective); true when `name` is such an objective.
 */
export function keepOtherObjective(config: StudyConfig, values: Map<string, number>, name: string, value: number): boolean {
  if (!config.objectives || name === config.metric || !config.objectives.some(o => o.name === name)) return false;
  if (Number.isFinite(value)) values.set(name, value);
  return true;
}

/** Whether a journal's objectives are the study file's (both absent for one metric). */
export function sameObjectives(a: readonly { name: string; direction: string }[] | undefined, b: readonly { name: string; direction: string }[] | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** A trial of a multi-objective study completes only with every objective reported (the last value of each). */
function judgeObjectives(config: StudyConfig, lastValue: number | undefined, lastValues: ReadonlyMap<string, number> | undefined, fail: (error: string) => Judgement): Judgement {
  const objectives = config.objectives!;
  const valueOf = (name: string) => (name === config.metric ? lastValue : lastValues?.get(name));
  const missing = objectives.filter(o => valueOf(o.name) === undefined).map(o => o.name);
  if (missing.length) {
    const lines = missing.map(m => suggestedMetricLine(m, config.metricRegex)).join(' and ');
    return fail(`finished without reporting the metric${missing.length > 1 ? 's' : ''} ${missing.map(m => `"${m}"`).join(', ')} (a study with several metrics needs each one; print e.g. ${lines} or set metric_regex)`);
  }
  const values = objectives.map(o => valueOf(o.name)!);
  return { state: 'complete', value: values[0], values, interrupted: false };
}

/** A trial whose launch threw: it ends at once with the message (a failed trial, not a crashed study). */
export function failedHandle(trialNumber: number, message: string): TrialHandle {
  return {
    trialNumber,
    onMetric: () => {},
    done: Promise.resolve({ exitCode: null, signal: null, error: message, durationMs: 0, stderrTail: '' }),
    stop: () => Promise.resolve(),
  };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function lastLines(text: string, n: number): string {
  const lines = text.split(/\r?\n/);
  return lines.slice(-n).join('\n');
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return s < 120 ? `${Number(s.toFixed(1))} s` : `${Number((s / 60).toFixed(1))} min`;
}
