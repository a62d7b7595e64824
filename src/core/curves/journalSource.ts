/**
 * The curves of a study, read from its journal while it runs (the worker or a CLI process writes it;
 * we only read, without the lock). The journal is followed incrementally (core/study/follower.ts):
 * each poll reads only what was appended, then sends what changed — trials whose state or value
 * moved, and the intermediate values not sent yet — looking only at the trials that changed. In the
 * editor the study store's follower is shared (`shared`), so the panel adds no journal reads at all.
 */
import * as path from 'node:path';
import { JournalFollower } from '../study/follower';
import type { JournalTrial, ReplayedStudy } from '../study/journal';
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
    ...(t.values ? { values: [...t.values] } : {}),
  };
}

const trialSignature = (t: CurvesTrial) => `${t.state}|${t.value}|${t.durationMs}|${t.startMs}`;

export class JournalCurvesSource implements CurvesSource {
  readonly key: string;
  private follower: JournalFollower;
  /** The follower's change number this source has caught up with. */
  private seq = 0;
  /** What the listeners already have: per trial, the steps sent and the trial's signature. */
  private readonly sentSteps = new Map<number, number>();
  private readonly sentTrials = new Map<number, string>();
  private readonly poller: DeltaPoller;
  /** Trials' other metrics (loss, val_acc…) read from their logs, per trial and metric. */
  private readonly logSeries = new Map<number, Map<string, { steps: number[]; values: number[] }>>();
  private readonly followers = new Map<number, TrialLogFollower>();
  /** Trials whose logs may still grow (not yet read to the end after they finished). */
  private readonly undrained = new Set<number>();
  private readonly logMetrics = new Set<string>();

  /**
   * `shared`: the follower of this journal another part already polls (the editor's study store); the
   * source then only looks at what changed. Without it the source follows the journal itself.
   */
  constructor(private readonly journalFile: string, intervalMs = 250, private readonly shared?: () => JournalFollower | undefined) {
    this.key = `journal:${journalFile}`;
    this.follower = shared?.() ?? new JournalFollower(journalFile);
    if (this.follower.study === undefined) this.follower.poll();
    if (!this.follower.study) throw this.follower.error ?? new Error(`${journalFile} has no study header yet`);
    this.seq = this.follower.seq;
    for (const t of this.study.trials) this.undrained.add(t.number);
    this.poller = new DeltaPoller(() => this.poll(), intervalMs);
  }

  private get study(): ReplayedStudy {
    return this.follower.study!;
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
    const { objectives } = this.study.header;
    return { title: this.title, direction: this.study.header.direction, ...(objectives ? { objectives: [...objectives] } : {}), metrics: [this.metric, ...this.logMetrics], metric: this.metric, trials, series };
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
    for (const n of this.undrained) {
      const t = this.study.trials[n];
      if (!t) continue;
      let follower = this.followers.get(t.number);
      if (!follower) this.followers.set(t.number, (follower = new TrialLogFollower(path.join(path.dirname(this.journalFile), 'trials', String(t.number)))));
      const points = await follower.poll().catch(() => []);
      // A finished trial's logs were just read to their end: leave it alone from now on.
      if (t.state !== 'running' && t.state !== 'waiting') {
        this.undrained.delete(t.number);
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
    // The store's follower may have been replaced (the study was deleted and created again): start over.
    const current = this.shared?.();
    if (current && current !== this.follower && current.study) {
      this.follower = current;
      this.seq = -1;
    }
    if (!current) this.follower.poll();
    const change = this.follower.changesSince(this.seq);
    this.seq = change.seq;
    if (!this.follower.study) return logSeries.length ? { series: logSeries } : undefined; // journal gone: keep what we have
    if (change.reset) {
      this.sentSteps.clear();
      this.sentTrials.clear();
      for (const t of this.study.trials) this.undrained.add(t.number);
      return { reset: true };
    }
    if (change.trials.size === 0) return logSeries.length ? { series: logSeries } : undefined;
    const trials: CurvesTrial[] = [];
    const series: CurvesSeries[] = [];
    for (const n of [...change.trials].sort((a, b) => a - b)) {
      const t = this.study.trials[n];
      if (!t) continue;
      if (!this.sentTrials.has(n)) this.undrained.add(n);
      const ct = toCurvesTrial(t);
      const signature = trialSignature(ct);
      if (this.sentTrials.get(n) !== signature) {
        trials.push(ct);
        this.sentTrials.set(n, signature);
      }
      const sent = this.sentSteps.get(n) ?? 0;
      if (t.intermediate.size > sent) {
        series.push(this.series(t, sent));
        this.sentSteps.set(n, t.intermediate.size);
      }
    }
    return { trials, series: [...series, ...logSeries] };
  }
}
