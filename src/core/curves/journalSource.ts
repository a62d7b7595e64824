/**
 * The curves of a study, read from its journal while it runs (the worker or a CLI process writes it;
 * we only read, without the lock). Each poll re-reads the journal only when it grew, then sends what
 * changed: trials whose state or value moved, and the intermediate values not sent yet.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJournal, type JournalTrial, type ReplayedStudy } from '../study/journal';
import type { CurvesDelta, CurvesDisposable, CurvesSeries, CurvesSnapshot, CurvesSource, CurvesTrial } from '../protocol/curves';
import { DeltaPoller } from './poller';
import { TrialLogFollower } from './trialLogs';

/** Points kept per trial and metric from the logs; enough for any curve, bounded for huge studies. */
const MAX_LOG_POINTS = 5_000;

function toCurvesTrial(t: JournalTrial): CurvesTrial {
  return {
    number: t.number,
    state: t.state,
    params: t.params,
    value: t.value ?? null,
    durationMs: t.startTime !== undefined && t.endTime !== undefined ? t.endTime - t.startTime : null,
    ...(t.startTime !== undefined ? { startMs: t.startTime } : {}),
  };
}

const trialSignature = (t: CurvesTrial) => `${t.state}|${t.value}|${t.durationMs}|${t.startMs}`;

export class JournalCurvesSource implements CurvesSource {
  readonly key: string;
  private study: ReplayedStudy;
  private size: number;
  private mtime: number;
  /** What the listeners already have: per trial, the steps sent and the trial's signature. */
  private readonly sentSteps = new Map<number, number>();
  private readonly sentTrials = new Map<number, string>();
  private readonly poller: DeltaPoller;
  /** Trials' other metrics (loss, val_acc…) read from their logs, per trial and metric. */
  private readonly logSeries = new Map<number, Map<string, { steps: number[]; values: number[] }>>();
  private readonly followers = new Map<number, TrialLogFollower>();
  /** Finished trials whose logs were read to the end after they finished: nothing more will come. */
  private readonly drained = new Set<number>();
  private readonly logMetrics = new Set<string>();

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
    for (const [trial, byMetric] of this.logSeries) {
      for (const [metric, s] of byMetric) series.push({ trial, metric, steps: [...s.steps], values: [...s.values] });
    }
    for (const t of trials) this.sentTrials.set(t.number, trialSignature(t));
    for (const t of this.study.trials) this.sentSteps.set(t.number, t.intermediate.size);
    return { title: this.title, direction: this.study.header.direction, metrics: [this.metric, ...this.logMetrics], metric: this.metric, trials, series };
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

  /** New points of the trials' other metrics; the objective itself comes from the journal. */
  private async pollLogs(): Promise<CurvesSeries[]> {
    const fresh: CurvesSeries[] = [];
    for (const t of this.study.trials) {
      if (this.drained.has(t.number)) continue;
      let follower = this.followers.get(t.number);
      if (!follower) this.followers.set(t.number, (follower = new TrialLogFollower(path.join(path.dirname(this.journalFile), 'trials', String(t.number)))));
      const points = await follower.poll().catch(() => []);
      // A finished trial's logs were just read to their end: leave it alone from now on.
      if (t.state !== 'running' && t.state !== 'waiting') {
        this.drained.add(t.number);
        this.followers.delete(t.number);
      }
      const byMetric = new Map<string, { steps: number[]; values: number[] }>();
      for (const p of points) {
        if (p.name === this.metric) continue;
        let kept = this.logSeries.get(t.number);
        if (!kept) this.logSeries.set(t.number, (kept = new Map()));
        let all = kept.get(p.name);
        if (!all) kept.set(p.name, (all = { steps: [], values: [] }));
        if (all.steps.length >= MAX_LOG_POINTS) continue;
        all.steps.push(p.step);
        all.values.push(p.value);
        this.logMetrics.add(p.name);
        let part = byMetric.get(p.name);
        if (!part) byMetric.set(p.name, (part = { steps: [], values: [] }));
        part.steps.push(p.step);
        part.values.push(p.value);
      }
      for (const [metric, s] of byMetric) fresh.push({ trial: t.number, metric, ...s });
    }
    return fresh;
  }

  private async poll(): Promise<CurvesDelta | undefined> {
    const logSeries = await this.pollLogs();
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(this.journalFile);
    } catch {
      return logSeries.length ? { series: logSeries } : undefined; // journal gone: keep showing what we have
    }
    if (stat.size === this.size && stat.mtimeMs === this.mtime) return logSeries.length ? { series: logSeries } : undefined;
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
    return { trials, series: [...series, ...logSeries] };
  }
}
