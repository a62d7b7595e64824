/**
 * An Optuna JournalStorage file: one run per trial of every live study; curves from intermediate
 * values, final values as a last point. Deleted studies are hidden as Optuna hides them, and a study
 * re-created under a deleted one's name gets run ids of its own (see `studyKey`).
 */
import * as path from 'node:path';
import { JournalError, JournalReplay, type JournalStudy, type JournalTrial } from '../optuna-journal';
import { parsePythonJson } from '../pyjson';
import { completeLines, DEFAULT_MAX_READ_BYTES, FileTail } from '../tail';
import { finalValuePoints, INTERMEDIATE_METRIC, optunaTrialRun, studyKey, type RunInfo, type RunPoint, type RunSource, type RunUpdate } from './types';

export class OptunaJournalSource implements RunSource {
  readonly format = 'optuna-journal' as const;
  private readonly tail: FileTail;
  private replay = new JournalReplay();
  private lineNumber = 0;

  constructor(readonly path: string) {
    this.tail = new FileTail(path);
  }

  async poll(): Promise<RunUpdate> {
    const warnings: string[] = [];
    const changed = new Set<number>();
    const points: RunPoint[] = [];
    let reset = false;
    for (let round = 0; round < 64; round++) {
      const read = await this.tail.read();
      if (!read) {
        warnings.push(`${this.path} no longer exists`);
        break;
      }
      if (read.restarted) {
        // Journals only grow; a shrunk or replaced one is a different study history.
        this.replay = new JournalReplay();
        this.lineNumber = 0;
        reset = true;
        warnings.push(`${this.path} was truncated or replaced; reading it again from the start`);
      }
      const { lines, bytes } = completeLines(read.data);
      if (bytes === 0) {
        if (read.data.length >= DEFAULT_MAX_READ_BYTES) {
          warnings.push(`${this.path}: line ${this.lineNumber + 1} is longer than ${DEFAULT_MAX_READ_BYTES} bytes; skipped`);
          this.tail.consume(read.data.length);
          continue;
        }
        break;
      }
      for (const line of lines) if (this.applyLine(line, changed, points, warnings)) reset = true;
      this.tail.consume(bytes);
      if (read.data.length < DEFAULT_MAX_READ_BYTES) break;
    }
    // A deleted study (or a rewritten journal) takes runs away: send everything that is left, afresh.
    if (reset) return { reset, ...this.everything(), warnings };
    const runs = [...changed].map((id) => this.runInfo(id)).filter((r): r is RunInfo => r !== undefined);
    return { reset, runs, points, warnings };
  }

  /** Applies one line; true when it deleted a study. */
  private applyLine(line: string, changed: Set<number>, points: RunPoint[], warnings: string[]): boolean {
    this.lineNumber++;
    if (line.trim() === '') return false;
    let entry: unknown;
    try {
      entry = parsePythonJson(line);
    } catch (e) {
      warnings.push(`${path.basename(this.path)} line ${this.lineNumber}: not JSON (${(e as Error).message}); skipped`);
      return false;
    }
    let effects;
    try {
      effects = this.replay.apply(entry);
    } catch (e) {
      if (!(e instanceof JournalError)) throw e;
      warnings.push(`${path.basename(this.path)} line ${this.lineNumber}: ${e.message}; skipped`);
      return false;
    }
    let deleted = false;
    for (const effect of effects) {
      if (effect.kind === 'study') {
        if (this.replay.studies.get(effect.studyId)?.deleted) deleted = true;
        continue;
      }
      const found = this.live(effect.trialId);
      if (!found) continue;
      changed.add(effect.trialId);
      const run = this.runId(found.study, found.trial);
      if (effect.kind === 'intermediate') {
        points.push({ run, name: INTERMEDIATE_METRIC, step: effect.step, value: effect.value, wallTime: Date.now() / 1000, source: 'journal' });
      } else if (effect.kind === 'finished' && found.trial.values) {
        points.push(...finalValuePoints(run, found.trial.values, lastStep(found.trial), 'journal'));
      }
    }
    return deleted;
  }

  /** The trial and its study, unless the study was deleted. */
  private live(trialId: number): { trial: JournalTrial; study: JournalStudy } | undefined {
    const trial = this.replay.trials.get(trialId);
    const study = trial && this.replay.studies.get(trial.studyId);
    return trial && study && !study.deleted ? { trial, study } : undefined;
  }

  private runId(study: JournalStudy, trial: JournalTrial): string {
    return `${this.studyName(study)}/${trial.number}`;
  }

  private studyName(study: JournalStudy): string {
    let earlier = 0;
    for (const s of this.replay.studies.values()) if (s.name === study.name && s.studyId < study.studyId) earlier++;
    return studyKey(study.name, earlier);
  }

  /** Every run of the live studies and all their points. */
  private everything(): { runs: RunInfo[]; points: RunPoint[] } {
    const runs: RunInfo[] = [];
    const points: RunPoint[] = [];
    const wallTime = Date.now() / 1000;
    for (const trialId of this.replay.trials.keys()) {
      const found = this.live(trialId);
      const info = found && this.runInfo(trialId);
      if (!found || !info) continue;
      runs.push(info);
      for (const [step, value] of found.trial.intermediate) points.push({ run: info.id, name: INTERMEDIATE_METRIC, step, value, wallTime, source: 'journal' });
      if (found.trial.values && found.trial.state !== 'running' && found.trial.state !== 'waiting') points.push(...finalValuePoints(info.id, found.trial.values, lastStep(found.trial), 'journal'));
    }
    return { runs, points };
  }

  private runInfo(trialId: number): RunInfo | undefined {
    const found = this.live(trialId);
    return found && optunaTrialRun('optuna-journal', this.path, { name: this.studyName(found.study), directions: found.study.directions }, found.trial);
  }
}

function lastStep(trial: JournalTrial): number {
  return trial.intermediate.size > 0 ? Math.max(...trial.intermediate.keys()) : 0;
}
