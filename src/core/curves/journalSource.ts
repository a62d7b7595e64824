/**
 * The curves of a study, read from its journal while it runs (the worker or a CLI process writes it;
 * we only read, without the lock). Each poll re-reads the journal only when it grew, then sends what
 * changed: trials whose state or value moved, and the intermediate values not sent yet.
 */
import * as fs from 'node:fs';
import { readJournal, type JournalTrial, type ReplayedStudy } from '../study/journal';
import type { CurvesDelta, CurvesDisposable, CurvesSeries, CurvesSnapshot, CurvesSource, CurvesTrial } from '../protocol/curves';
import { DeltaPoller } from './poller';

function toCurvesTrial(t: JournalTrial): CurvesTrial {
  return {
    number: t.number,
    state: t.state,
    params: t.params,
    value: t.value ?? null,
    durationMs: t.startTime !== undefined && t.endTime !== undefined ? t.endTime - t.startTime : null,
  };
}

const trialSignature = (t: CurvesTrial) => `${t.state}|${t.value}|${t.durationMs}`;

export class JournalCurvesSource implements CurvesSource {
  readonly key: string;
  private study: ReplayedStudy;
  private size: number;
  private mtime: number;
  /** What the listeners already have: per trial, the steps sent and the trial's signature. */
  private readonly sentSteps = new Map<number, number>();
  private readonly sentTrials = new Map<number, string>();
  private readonly poller: DeltaPoller;

  constructor(private readonly journalFile: string, intervalMs = 250) {
    this.key = `journal:${journalFile}`;
    const stat = fs.statSync(journalFile);
    this.study = readJournal(journalFile).study;
    this.size = stat.size;
    this.mtime = stat.mtimeMs;
    this.poller = new DeltaPoller(() => this.poll(), intervalMs);
  }

  get title(): string {
    return `Study ${this.study.header.name}`;
  }

  get metric(): string {
    return this.study.header.metric;
  }

  snapshot(): CurvesSnapshot {
    const trials = this.study.trials.map(toCurvesTrial);
    const series = this.study.trials.filter(t => t.intermediate.size > 0).map(t => this.series(t, 0));
    for (const t of trials) this.sentTrials.set(t.number, trialSignature(t));
    for (const t of this.study.trials) this.sentSteps.set(t.number, t.intermediate.size);
    return { title: this.title, direction: this.study.header.direction, metrics: [this.metric], metric: this.metric, trials, series };
  }

  onDidChange(listener: (delta: CurvesDelta) => void): CurvesDisposable {
    return this.poller.subscribe(listener);
  }

  /** Polls once now; exposed for tests and for callers that know the journal just changed. */
  refresh(): Promise<void> {
    return this.poller.tick();
  }

  private series(t: JournalTrial, from: number): CurvesSeries {
    const points = [...t.intermediate.entries()].slice(from);
    return { trial: t.number, metric: this.metric, steps: points.map(p => p[0]), values: points.map(p => p[1]) };
  }

  private async poll(): Promise<CurvesDelta | undefined> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(this.journalFile);
    } catch {
      return undefined; // deleted or moved: keep showing what we have
    }
    if (stat.size === this.size && stat.mtimeMs === this.mtime) return undefined;
    this.study = readJournal(this.journalFile).study;
    this.size = stat.size;
    this.mtime = stat.mtimeMs;
    const trials: CurvesTrial[] = [];
    const series: CurvesSeries[] = [];
    for (const t of this.study.trials) {
      const ct = toCurvesTrial(t);
      const signature = trialSignature(ct);
      if (this.sentTrials.get(t.number) !== signature) {
        trials.push(ct);
        this.sentTrials.set(t.number, signature);
      }
      const sent = this.sentSteps.get(t.number) ?? 0;
      if (t.intermediate.size > sent) {
        series.push(this.series(t, sent));
        this.sentSteps.set(t.number, t.intermediate.size);
      }
    }
    return { trials, series };
  }
}
