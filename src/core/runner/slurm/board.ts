/**
 * The executor's one view of its jobs. Trials that are ready wait a moment in a queue, then go to Slurm
 * together as one `sbatch --array` (with a `%K` throttle when asked), within the user's submit limits.
 * One poll reads every job of the study at once: one `squeue` for all arrays, then one `sacct` (or
 * `scontrol`, without accounting) for the tasks that ended. Stops are sent as one `scancel`. So the load
 * on the scheduler grows with polls and batches, not with trials.
 *
 * A task's output files are the trial's own: each array's `--output=<dir>/%a.out` is a symlink to the
 * trial's stdout.log, so slurmstepd's own lines (why a run was cut) land there as well.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { failureText, type SlurmCommandRunner } from './commands';
import { isSubmitLimitRefusal, readClusterFacts, refusalReason, SubmitRoom, type ClusterFacts } from './cluster';
import { studyJobName } from './leftovers';
import { buildArrayScript, escapeSlurmFilename } from './script';
import {
  interruptionOfState,
  isFinishedSlurmState,
  parseSacctAttempts,
  parseSacctRows,
  parseSqueue,
  scontrolEnds,
  SQUEUE_FORMAT,
  type Interruption,
  type JobEnd,
  type QueueRow,
} from './states';

/** What the board needs from a trial, and tells it. */
export interface BoardTrial {
  readonly trialNumber: number;
  readonly study: string;
  readonly trialDir: string;
  /** The trial's own batch script. */
  readonly script: string;
  /** sbatch options the trials of one array share (time, partition…); trials with other ones go in another array. */
  readonly sharedArgs: readonly string[];
  submitted(task: string): void;
  refused(message: string): void;
  /** The task is pending or running (after every poll). */
  observe(row: QueueRow): void;
  /** Slurm requeued the task (preemption, `scontrol requeue`, a failed node): it runs again later. */
  restarted(info: RestartInfo): void;
  ended(end: JobEnd, nodeReason: string | undefined): void;
  lost(message: string): void;
  readOutputs(): Promise<void>;
  /** The last interruption slurmstepd wrote into the trial's error file, if any. */
  lastStepdInterruption(): { kind: Interruption; node: string } | undefined;
}

export interface RestartInfo {
  readonly kind: Interruption;
  readonly restarts: number;
  readonly node?: string;
  /** Where the kind comes from: sacct's record of the cut attempt, or slurmstepd's line in the error file. */
  readonly source: 'sacct' | 'slurmstepd' | 'unknown';
}

export interface BoardSettings {
  readonly run: SlurmCommandRunner;
  readonly pollMs: number;
  /** How long trials that arrive together wait for each other before one submission. */
  readonly batchDelayMs: number;
  /** `%K` of `--array`: at most K tasks of one submission run at once. */
  readonly arrayThrottle?: number;
  /** Extra `#SBATCH` lines. */
  readonly sbatchLines: readonly string[];
  readonly user: string;
  readonly account?: string;
  readonly warn: (message: string) => void;
}

interface Batch {
  readonly dir: string;
  open: number;
}

interface Tracked {
  readonly trial: BoardTrial;
  readonly task: string;
  readonly array: string;
  readonly batch: Batch;
  restarts: number;
  rawId?: string;
  /** Polls in a row that found neither the task in squeue nor its end. */
  misses: number;
  cancelRequested: boolean;
}

/** Polls in a row without an answer from squeue before every trial is given up. */
const MAX_QUERY_FAILURES = 60;
/** Polls in a row a task may be missing from squeue without a known end before its trial is given up. */
const MAX_MISSES = 30;
/** Waits between retries when Slurm refuses every submission and none of ours runs. */
const RETRY_MS = [5_000, 15_000, 30_000, 60_000];

export class JobBoard {
  private readonly queue: BoardTrial[] = [];
  private readonly tracked = new Map<string, Tracked>();
  private readonly byTrial = new Map<BoardTrial, Tracked>();
  private facts: Promise<ClusterFacts> | undefined;
  private room: SubmitRoom | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retries = 0;
  private flushing = false;
  private flushAgain = false;
  /** Trials launched but still writing their scripts; the batch waits for them (a slow disk must not split it). */
  private preparing = 0;
  private flushWaits = false;
  private polling = false;
  private failures = 0;
  private readonly cancels = new Set<string>();
  private cancelScheduled = false;
  private blockedNotice = false;
  private batchSeq = 0;

  constructor(private readonly s: BoardSettings) {}

  /** A trial was launched and writes its script: the batch it joins waits for it. */
  preparingStarted(): void {
    this.preparing++;
  }

  /** The trial was enqueued, or settled without a job: a batch that waited for it goes now. */
  preparingEnded(): void {
    if (--this.preparing > 0 || !this.flushWaits) return;
    this.flushWaits = false;
    this.scheduleFlush(0);
  }

  enqueue(trial: BoardTrial): void {
    this.queue.push(trial);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      if (this.preparing > 0) this.flushWaits = true;
      else void this.flush();
    }, this.s.batchDelayMs);
  }

  /** Takes a trial out of the queue before it was submitted; false when it is no longer there. */
  withdraw(trial: BoardTrial): boolean {
    const i = this.queue.indexOf(trial);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    return true;
  }

  /** scancel for the trial's task, sent together with the others asked for in the same turn. */
  cancel(trial: BoardTrial): void {
    const t = this.byTrial.get(trial);
    if (!t || t.cancelRequested) return;
    t.cancelRequested = true;
    this.cancels.add(t.task);
    if (this.cancelScheduled) return;
    this.cancelScheduled = true;
    setImmediate(() => void this.sendCancels());
  }

  /** The trial settled: forget its task (and the submission's links once all its tasks settled). */
  release(trial: BoardTrial): void {
    const t = this.byTrial.get(trial);
    this.withdraw(trial);
    if (!t) return;
    this.byTrial.delete(trial);
    this.tracked.delete(t.task);
    this.room?.freed();
    if (--t.batch.open === 0) fs.rm(t.batch.dir, { recursive: true, force: true }, () => undefined);
    if (this.queue.length > 0) this.scheduleFlush(0);
  }

  /** Tasks of ours submitted and not yet ended. */
  private inFlight(): number {
    return this.tracked.size;
  }

  private cluster(): Promise<ClusterFacts> {
    this.facts ??= readClusterFacts(this.s.run, this.s.user, this.s.account).then((facts) => {
      this.room = new SubmitRoom(facts);
      return facts;
    });
    return this.facts;
  }

  private scheduleFlush(ms: number): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, ms);
  }

  private async flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushing = true;
    try {
      await this.cluster();
      const room = this.room as SubmitRoom;
      while (this.queue.length > 0) {
        const size = room.next(this.inFlight());
        if (size <= 0) {
          this.blocked(room.limit?.limit === 0 ? undefined : `${room.blockedBy ?? room.limit?.source ?? 'a submit limit'}`);
          break;
        }
        const key = this.queue[0].sharedArgs.join('\0');
        const batch: BoardTrial[] = [];
        for (const t of this.queue) if (batch.length < size && t.sharedArgs.join('\0') === key) batch.push(t);
        for (const t of batch) this.withdraw(t);
        batch.sort((a, b) => a.trialNumber - b.trialNumber);
        // A refusal for a limit puts the batch back and shrinks the room: the next turn says why trials wait.
        await this.submit(batch);
      }
      if (this.queue.length === 0) this.blockedNotice = false;
    } finally {
      this.flushing = false;
      if (this.flushAgain) {
        this.flushAgain = false;
        this.scheduleFlush(0);
      }
      this.ensurePolling();
    }
  }

  /** Says once why trials wait; fails them when Slurm lets this user submit nothing at all. */
  private blocked(why: string | undefined): void {
    if (why === undefined) {
      const limit = this.room?.limit?.source ?? 'a submit limit of 0';
      for (const t of this.queue.splice(0)) t.refused(`Slurm lets user ${this.s.user} submit no jobs (${limit}); ask the cluster's administrators, or run the study locally`);
      return;
    }
    if (!this.blockedNotice) {
      this.blockedNotice = true;
      this.s.warn(`Slurm accepts no more jobs from user ${this.s.user} for now (${why}): ${this.queue.length} trial(s) wait and are submitted as earlier jobs end`);
    }
    if (this.inFlight() === 0 && !this.retryTimer) {
      // Nothing of ours will end and make room: the user's other jobs hold the limit. Try again later.
      const ms = RETRY_MS[Math.min(this.retries++, RETRY_MS.length - 1)];
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.room?.freed();
        void this.flush();
      }, ms);
    }
  }

  /** One sbatch for these trials; when Slurm refuses for a limit they go back to the queue. */
  private async submit(trials: BoardTrial[]): Promise<void> {
    const first = trials[0];
    const dir = path.join(path.dirname(first.trialDir), '.slurm', `${Date.now().toString(36)}-${process.pid}-${++this.batchSeq}`);
    let scriptPath: string;
    try {
      scriptPath = await this.writeBatch(dir, trials);
    } catch (err) {
      for (const t of trials) t.refused(`could not write the submission in ${dir}: ${(err as Error).message}`);
      return;
    }
    const n = trials.length;
    const throttle = this.s.arrayThrottle !== undefined && this.s.arrayThrottle < n ? `%${this.s.arrayThrottle}` : '';
    const name = studyJobName(first.study);
    const args = [
      '--parsable',
      `--job-name=${name}`,
      `--array=${n === 1 ? '0' : `0-${n - 1}`}${throttle}`,
      `--output=${escapeSlurmFilename(dir)}/%a.out`,
      `--error=${escapeSlurmFilename(dir)}/%a.err`,
      '--open-mode=append',
      '--requeue',
      ...first.sharedArgs,
      scriptPath,
    ];
    const r = await this.s.run('sbatch', args);
    const id = /^(\d+)(?:;\S*)?\s*$/.exec(r.stdout.trim())?.[1];
    if (r.code === 0 && id) {
      this.room?.accepted();
      this.retries = 0;
      if (this.blockedNotice && this.queue.length === 0) this.blockedNotice = false;
      const batch: Batch = { dir, open: n };
      trials.forEach((trial, i) => {
        const t: Tracked = { trial, task: `${id}_${i}`, array: id, batch, restarts: 0, misses: 0, cancelRequested: false };
        this.tracked.set(t.task, t);
        this.byTrial.set(trial, t);
        trial.submitted(t.task);
      });
      return;
    }
    fs.rm(dir, { recursive: true, force: true }, () => undefined);
    if (r.code !== null && isSubmitLimitRefusal(r.stderr)) {
      this.room?.refused(n, refusalReason(r.stderr));
      this.queue.unshift(...trials);
      return;
    }
    for (const t of trials) t.refused(`sbatch refused the job: ${failureText(r)}`);
  }

  /** The array script and, for each task, links from `<i>.out`/`<i>.err` to the trial's logs. */
  private async writeBatch(dir: string, trials: readonly BoardTrial[]): Promise<string> {
    await fs.promises.mkdir(dir, { recursive: true });
    await Promise.all(
      trials.flatMap((t, i) => [
        fs.promises.symlink(path.join(t.trialDir, 'stdout.log'), path.join(dir, `${i}.out`)),
        fs.promises.symlink(path.join(t.trialDir, 'stderr.log'), path.join(dir, `${i}.err`)),
      ]),
    );
    const numbers = trials.map((t) => t.trialNumber);
    const script = buildArrayScript({
      scripts: trials.map((t) => t.script),
      sbatchLines: this.s.sbatchLines,
      comment: `Hyperparameter Studio: study ${trials[0].study}, trials ${numbers.join(', ')} (array task i runs the i-th); each trial's own script is in its folder`,
    });
    const file = path.join(dir, 'array.sh');
    await fs.promises.writeFile(file, script, { mode: 0o700 });
    return file;
  }

  private async sendCancels(): Promise<void> {
    this.cancelScheduled = false;
    const ids = [...this.cancels].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    this.cancels.clear();
    if (ids.length === 0) return;
    const r = await this.s.run('scancel', ids);
    // scancel of a job that already ended says so: fine. Anything else is tried again next poll.
    if (r.code !== 0 && !/already complet|Invalid job id/i.test(r.stderr)) for (const id of ids) if (this.tracked.has(id)) this.cancels.add(id);
    this.ensurePolling(Math.min(this.s.pollMs, 250));
  }

  private ensurePolling(delay = this.s.pollMs): void {
    if (this.polling || this.tracked.size === 0) return;
    if (this.pollTimer) {
      if (delay >= this.s.pollMs) return;
      clearTimeout(this.pollTimer);
    }
    this.pollTimer = setTimeout(() => void this.poll(), delay);
  }

  private async poll(): Promise<void> {
    this.pollTimer = undefined;
    if (this.tracked.size === 0) return;
    this.polling = true;
    try {
      if (this.cancels.size > 0) await this.sendCancels();
      const rows = await this.queryQueue();
      // Outputs first: the line slurmstepd wrote about a cut run is read by the time a restart is seen.
      await Promise.all([...this.tracked.values()].map((t) => t.trial.readOutputs()));
      if (rows) await this.dispatch(rows);
    } finally {
      this.polling = false;
      const stopping = [...this.tracked.values()].some((t) => t.cancelRequested);
      this.ensurePolling(stopping ? Math.min(this.s.pollMs, 250) : this.s.pollMs);
    }
  }

  /** One squeue for every array of ours; undefined when it failed (then nothing is decided). */
  private async queryQueue(): Promise<Map<string, QueueRow> | undefined> {
    const arrays = [...new Set([...this.tracked.values()].map((t) => t.array))];
    const q = await this.s.run('squeue', ['-h', '-t', 'all', '-r', '-j', arrays.join(','), '-O', SQUEUE_FORMAT]);
    if (q.code === 0 || (q.code !== null && /Invalid job id/i.test(q.stderr))) {
      this.failures = 0;
      return new Map(parseSqueue(q.code === 0 ? q.stdout : '').map((r) => [r.task, r]));
    }
    if (++this.failures >= MAX_QUERY_FAILURES) {
      for (const t of [...this.tracked.values()]) t.trial.lost(`lost track of Slurm job ${t.task}: squeue failed ${this.failures} times in a row (${failureText(q)})`);
    }
    return undefined;
  }

  private async dispatch(rows: Map<string, QueueRow>): Promise<void> {
    const needEnd: Tracked[] = [];
    const restarted: Tracked[] = [];
    for (const t of this.tracked.values()) {
      const row = rows.get(t.task);
      if (row && /^\d+$/.test(row.rawId) && row.rawId !== t.array) t.rawId = row.rawId;
      if (row && !isFinishedSlurmState(row.state)) {
        t.misses = 0;
        if (row.restarts > t.restarts) {
          t.restarts = row.restarts;
          restarted.push(t);
        }
        t.trial.observe(row);
      } else needEnd.push(t);
    }
    for (const t of restarted) if (this.tracked.has(t.task)) t.trial.restarted(await this.explainRestart(t));
    if (needEnd.length > 0) await this.collectEnds(needEnd, rows);
  }

  /** Why Slurm requeued a task: sacct's record of the cut attempt, else slurmstepd's line in the error file. */
  private async explainRestart(t: Tracked): Promise<RestartInfo> {
    const facts = await this.cluster();
    if (facts.accounting) {
      const r = await this.s.run('sacct', ['-D', '-n', '-X', '-P', '-j', t.task, '-o', 'JobID,State,ExitCode,NodeList']);
      const cut = r.code === 0 ? parseSacctAttempts(r.stdout).filter((a) => interruptionOfState(a.state)).pop() : undefined;
      if (cut) return { kind: interruptionOfState(cut.state) as Interruption, restarts: t.restarts, node: cut.nodes, source: 'sacct' };
    }
    const stepd = t.trial.lastStepdInterruption();
    if (stepd) return { kind: stepd.kind, restarts: t.restarts, node: stepd.node, source: 'slurmstepd' };
    return { kind: 'requeue', restarts: t.restarts, source: 'unknown' };
  }

  /** The end of tasks squeue reports ended (or no longer knows): sacct with accounting, else scontrol, else the completion log. */
  private async collectEnds(list: Tracked[], rows: Map<string, QueueRow>): Promise<void> {
    const facts = await this.cluster();
    const ends = new Map<string, JobEnd>();
    const missing = () => list.filter((t) => !ends.has(t.task));
    const arraysOf = (ts: Tracked[]) => [...new Set(ts.map((t) => t.array))];
    const merge = (found: Map<string, JobEnd>) => {
      for (const [task, end] of found) if (isFinishedSlurmState(end.state)) ends.set(task, end);
    };
    if (facts.accounting) {
      const r = await this.s.run('sacct', ['-n', '-X', '-P', '-j', arraysOf(list).join(','), '-o', 'JobID,State,ExitCode,NodeList']);
      if (r.code === 0) merge(parseSacctRows(r.stdout));
    }
    for (const array of arraysOf(missing())) {
      const r = await this.s.run('scontrol', ['-o', 'show', 'job', array]);
      if (r.code === 0) merge(scontrolEnds(r.stdout));
    }
    const raw = missing().filter((t) => t.rawId);
    if (!facts.accounting && raw.length > 0) {
      // The job-completion log knows tasks by the job id they ran as.
      const r = await this.s.run('sacct', ['-c', '-n', '-P', '-j', raw.map((t) => t.rawId).join(','), '-o', 'JobID,State,ExitCode,NodeList']);
      const byRaw = parseSacctRows(r.stdout);
      for (const t of raw) {
        const end = byRaw.get(t.rawId as string);
        if (end && isFinishedSlurmState(end.state)) ends.set(t.task, end);
      }
    }
    for (const t of list) {
      if (!this.tracked.has(t.task)) continue;
      const end = ends.get(t.task);
      if (end) {
        t.trial.ended(end, end.state === 'NODE_FAIL' ? await this.nodeReason(end.nodes) : undefined);
      } else if (++t.misses >= (t.cancelRequested && !rows.has(t.task) ? 2 : MAX_MISSES)) {
        // A pending task cancelled on its own leaves no record anywhere: gone after our scancel is cancelled.
        if (t.cancelRequested) t.trial.ended({ state: 'CANCELLED', exitCode: 0, signal: 15 }, undefined);
        else t.trial.lost(`lost track of Slurm job ${t.task}: neither squeue, scontrol nor sacct know how it ended`);
      }
    }
  }

  /** Why a node failed, as Slurm recorded it: the node's event in the accounting database, else its current reason. */
  async nodeReason(nodes: string | undefined): Promise<string | undefined> {
    const node = nodes?.split(',')[0];
    if (!node || !/^[\w.[\]-]+$/.test(node)) return undefined;
    const facts = await this.cluster();
    if (facts.accounting) {
      const r = await this.s.run('sacctmgr', ['-n', '-P', 'show', 'event', `nodes=${node}`, 'format=NodeName,TimeStart,State,Reason']);
      const events = r.code === 0 ? r.stdout.split('\n').map((l) => l.trim().split('|')).filter((f) => f.length >= 4 && f[3]) : [];
      events.sort((a, b) => a[1].localeCompare(b[1]));
      const last = events.pop();
      if (last) return `${last[3]} (node ${last[2]} since ${last[1]}, from sacctmgr)`;
    }
    const r = await this.s.run('scontrol', ['-o', 'show', 'node', node]);
    const reason = /(?:^|\s)Reason=(.*?)(?:\s+\[[^\]]*\])?\s*$/.exec(r.stdout.trim())?.[1];
    return reason && reason !== '(null)' ? reason : undefined;
  }

  /** Stops polling and retrying (the executor was disposed and every trial settled). */
  close(): void {
    for (const timer of [this.flushTimer, this.pollTimer, this.retryTimer]) if (timer) clearTimeout(timer);
  }
}
