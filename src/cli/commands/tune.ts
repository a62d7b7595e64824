/** `hpstudio tune <study.yaml>`: runs a study (a W&B sweep file or our superset) from the terminal. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, UsageError, type CliCommand, type CliIO } from '../args';
import { SAMPLER_NAMES } from '../../core/search/index';
import { createExecutor } from '../../core/study/executor';
import { FencedError, JOURNAL_FILE, StudyExistsError, studyDirectory } from '../../core/study/journal';
import { StudyLockedError } from '../../core/study/lock';
import { openStudyRun } from '../../core/study/runStudy';
import type { StudyRun } from '../../core/study/studyRun';
import { bestTrial, type TrialOutcomeLike, formatParams, formatValue, formatValues, frontSizeText, isBetter, isDone, paretoTrials } from '../../core/study/summary';
import { MULTI_OBJECTIVE_METHODS } from '../../core/study/file/keys';
import { preflightIssues } from '../../core/study/preflight';
import { storageProblem } from '../../core/study/storageProblem';
import { StudyFileError, loadStudyFile, type ParsedStudyFile } from '../../core/study/studyFile';
import { formatIssue, type StudyConfig, type StudyEvent, type StudySummary } from '../../core/study/types';

const SAMPLERS = [...SAMPLER_NAMES, 'bayes'];

const usage = `Usage: hpstudio tune <study.yaml> [--trials N] [--parallel K] [--sampler S] [--seed X] [--resume | --worker] [--json]

Runs a study: samples hyperparameters, starts the program of the study file once per trial
(K at a time), reads the metric from its output, stops unpromising trials early and records
everything in .hpstudio/studies/<name>/journal.jsonl (crash-safe; Ctrl-C stops the trials, a
second Ctrl-C kills them at once; --resume continues where the study stopped, after a crash
too). The study file is a W&B sweep file (program, command, method, metric, parameters,
early_terminate, run_cap) plus: parallel, trial_timeout, executor, pruner, seed, trials,
arg_style, metric_regex, gpus, retry_failed, flapping.

Options:
  --trials N     total trials of the study (overrides trials / run_cap and what the study recorded)
  --parallel K   trials at the same time in this process (overrides parallel)
  --sampler S    ${SAMPLERS.join(', ')} (overrides method)
  --seed X       sampler seed (overrides seed)
  --resume       continue the existing study of that name
  --worker       join the study as one more worker (start it if it does not exist yet): run this
                 next to other \`--worker\` processes, terminals or editors on a shared file system;
                 they share the trial numbers, the budget and the sampler's history
  --json         print one JSON object on stdout at the end:
                 {"study","status","completed","pruned","failed","best":{"number","value","params"},
                  "trials":[{"number","state","value","params"}]}
                 With several metrics (metric: a list of {name, goal}) "best" is the Pareto set,
                 [{"number","values","params"}], and each trial also has "values".

Progress goes to stderr. Exit codes: 0 finished, 1 failed or paused (fast failures),
2 bad arguments or study file, 130 interrupted (resumable).
`;

const spec = {
  trials: { type: 'number' },
  parallel: { type: 'number' },
  sampler: { type: 'string' },
  seed: { type: 'number' },
  resume: { type: 'flag' },
  worker: { type: 'flag' },
  json: { type: 'flag' },
} as const;

function positiveInt(value: unknown, name: string, max = 1_000_000): number | undefined {
  if (value === undefined) return undefined;
  const n = value as number;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got ${n}`);
  return n;
}

/** First line of an error, plus its last line (usually the program's own message) when there are more. */
function briefError(error: string): string {
  const lines = error.split('\n').map(l => l.trim()).filter(Boolean);
  const text = lines.length > 1 ? `${lines[0]}: ${lines[lines.length - 1]}` : (lines[0] ?? '');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** Progress on stderr: a redrawn bar on a terminal, one line per finished trial otherwise. */
class Progress {
  private finished = 0;
  private running = 0;
  private best: { number: number; value: number } | undefined;
  /** Several objectives: trials on the Pareto front so far (every worker's). */
  private frontSize = 0;
  private barShown = false;
  private total = 0;
  /** The study as every worker wrote it (once the journal is open): the bar counts all of them. */
  private study: (() => readonly TrialOutcomeLike[]) | undefined;

  constructor(
    private readonly io: CliIO,
    private readonly config: StudyConfig,
    private readonly tty: boolean,
  ) {}

  /** The run joined the study: its budget, and what earlier runs and other workers already finished. */
  attach(total: number, trials: () => readonly TrialOutcomeLike[]): void {
    this.total = total;
    this.study = trials;
    this.recount();
  }

  private recount(): void {
    const trials = this.study?.() ?? [];
    this.finished = trials.filter(isDone).length;
    if (this.config.objectives) this.frontSize = paretoTrials(trials, this.config.objectives).length;
    const best = bestTrial(trials, this.config.direction);
    if (best) this.best = { number: best.number, value: best.value };
  }

  onEvent(e: StudyEvent): void {
    switch (e.type) {
      case 'trial-started':
        this.running++;
        break;
      case 'trial-finished': {
        this.running--;
        this.recount();
        if (e.state === 'complete' && e.value !== undefined && (!this.best || isBetter(this.config.direction, e.value, this.best.value))) {
          this.best = { number: e.number, value: e.value };
        }
        if (!this.tty) {
          const error = e.error ? `  ${briefError(e.error)}` : '';
          const { objectives } = this.config;
          const best = this.best ? `  best ${formatValue(this.best.value)} (#${this.best.number})` : '';
          const shown = objectives ? `${formatValues(e.values, objectives)}  ${this.frontText()}` : `${this.config.metric}=${formatValue(e.value)}${best}`;
          this.line(`trial ${e.number} ${e.state}  ${shown}${error}`);
        }
        break;
      }
      case 'warning':
        this.line(`warning: ${e.message}`);
        break;
      case 'study-paused':
        this.line(`${e.reason}${e.stderr ? `\n--- stderr of the last failed trial ---\n${e.stderr}\n---` : ''}`);
        break;
      default:
        return;
    }
    if (this.tty) this.drawBar();
  }

  private line(text: string): void {
    if (this.barShown) this.io.stderr.write('\r\x1b[K');
    this.io.stderr.write(`${text}\n`);
    this.barShown = false;
    if (this.tty) this.drawBar();
  }

  private drawBar(): void {
    const width = 24;
    const done = Math.min(width, Math.round((this.finished / Math.max(1, this.total)) * width));
    const best = this.config.objectives ? `  ${this.frontText()}` : this.best ? `  best ${this.config.metric}=${formatValue(this.best.value)} (#${this.best.number})` : '';
    this.io.stderr.write(`\r\x1b[K[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${this.finished}/${this.total}  running ${this.running}${best}`);
    this.barShown = true;
  }

  /** `Pareto front: 4 trials` (several objectives). */
  private frontText(): string {
    return frontSizeText(this.frontSize);
  }

  end(): void {
    if (this.barShown) this.io.stderr.write('\n');
    this.barShown = false;
  }
}

function jsonSummary(s: StudySummary): Record<string, unknown> {
  // Several objectives: `best` is the Pareto set (Optuna's study.best_trials), each trial with its values.
  const best = s.pareto ? s.pareto.map(t => ({ number: t.number, values: t.values, params: t.params })) : s.best ? { number: s.best.number, value: s.best.value, params: s.best.params } : null;
  return {
    study: s.study,
    status: s.status,
    completed: s.completed,
    pruned: s.pruned,
    failed: s.failed,
    best,
    trials: s.trials.map(t => ({ number: t.number, state: t.state, value: t.value ?? null, ...(s.pareto ? { values: t.values ?? null } : {}), params: t.params, ...(t.error ? { error: t.error } : {}) })),
  };
}

/** What the run found, for people: the best trial, or the Pareto set of a multi-objective study. */
function textSummary(s: StudySummary, config: StudyConfig): string {
  const { objectives } = config;
  if (objectives && s.pareto) {
    if (s.pareto.length === 0) return 'no completed trial';
    const rows = s.pareto.map(t => `  #${t.number}  ${formatValues(t.values, objectives)}  ${formatParams(t.params)}`);
    const goals = objectives.map(o => `${o.name} ${o.direction === 'maximize' ? '↑' : '↓'}`).join(', ');
    return `Pareto front (${s.pareto.length} trial${s.pareto.length === 1 ? '' : 's'}; ${goals}):\n${rows.join('\n')}`;
  }
  return s.best ? `best ${config.metric}=${formatValue(s.best.value)} in trial ${s.best.number}: ${formatParams(s.best.params)}` : 'no completed trial';
}

/** Joins the study (or says why not, returning the exit code). */
async function openRun(
  config: StudyConfig,
  journalDir: string,
  executor: ReturnType<typeof createExecutor>,
  o: { trials?: number; parallel?: number; resume: boolean; worker: boolean },
  io: CliIO,
  progress: Progress,
): Promise<StudyRun | number> {
  try {
    return await openStudyRun({
      config,
      journalDir,
      executor,
      trials: o.trials,
      parallel: o.parallel,
      resume: o.resume,
      join: o.worker,
      signal: io.signal,
      killSignal: io.killSignal,
      onEvent: e => progress.onEvent(e),
    });
  } catch (err) {
    progress.end();
    if (err instanceof StudyExistsError) {
      io.stderr.write(`hpstudio tune: ${err.message}${o.worker ? '' : ' (or join a running one with --worker)'}\n`);
      return 1;
    }
    if (err instanceof StudyLockedError) {
      io.stderr.write(`hpstudio tune: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

export const tuneCommand: CliCommand = {
  name: 'tune',
  summary: 'run a study (W&B sweep file or superset): sample, run trials, prune, resume',
  usage,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const args = parseArgs(argv, spec);
    if (args.positional.length !== 1) throw new UsageError(args.positional.length === 0 ? 'needs a study file' : `takes one study file, got ${args.positional.length}`);
    const trials = positiveInt(args.options.trials, 'trials');
    const parallel = positiveInt(args.options.parallel, 'parallel', 1024);
    const sampler = args.options.sampler as string | undefined;
    if (sampler !== undefined && !SAMPLERS.includes(sampler)) throw new UsageError(`--sampler must be one of ${SAMPLERS.join(', ')}, got "${sampler}"`);
    if (args.options.resume === true && args.options.worker === true) throw new UsageError('--resume and --worker do not go together: --worker joins (and resumes) a study on its own');
    const seed = args.options.seed as number | undefined;
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)) throw new UsageError(`--seed must be a whole number from 0 to ${2 ** 32 - 1}, got ${seed}`);

    const file = args.positional[0];
    let parsed: ParsedStudyFile;
    try {
      parsed = loadStudyFile(path.resolve(io.cwd, file));
      for (const w of parsed.warnings) io.stderr.write(`${formatIssue({ ...w, file, message: `warning: ${w.message}` })}\n`);
    } catch (err) {
      if (!(err instanceof StudyFileError)) throw err;
      for (const w of err.warnings) io.stderr.write(`${formatIssue({ ...w, file, message: `warning: ${w.message}` })}\n`);
      for (const issue of err.issues) io.stderr.write(`${formatIssue({ ...issue, file })}\n`);
      return 2;
    }
    if (sampler !== undefined && parsed.config.objectives && !(MULTI_OBJECTIVE_METHODS as readonly string[]).includes(sampler)) {
      throw new UsageError(`--sampler ${sampler} models one metric; ${file} has ${parsed.config.objectives.length} (use ${MULTI_OBJECTIVE_METHODS.filter(m => m !== 'bayes').join(', ')})`);
    }
    const config: StudyConfig = { ...parsed.config, sampler: sampler ?? parsed.config.sampler, seed: seed ?? parsed.config.seed };
    // What only the overrides or the disk make wrong is still the study file's problem: exit 2, no journal.
    const issues = preflightIssues(parsed, config, file);
    for (const issue of issues) io.stderr.write(`${formatIssue(issue)}\n`);
    if (issues.length > 0) return 2;

    const journalDir = studyDirectory(io.cwd, config.name);
    const progress = new Progress(io, config, io.stderr.isTTY === true);
    const executor = createExecutor(config);
    let summary: StudySummary;
    try {
      const run = await openRun(config, journalDir, executor, { trials, parallel, resume: args.options.resume === true, worker: args.options.worker === true }, io, progress);
      if (typeof run === 'number') return run;
      progress.attach(run.budget, () => run.trials());
      summary = await run.run();
    } catch (err) {
      progress.end();
      if (err instanceof FencedError) {
        io.stderr.write(`hpstudio tune: ${err.message}\n`);
        return 1;
      }
      const disk = storageProblem(err, journalDir);
      if (disk !== undefined) {
        io.stderr.write(`hpstudio tune: ${disk}${fs.existsSync(path.join(journalDir, JOURNAL_FILE)) ? `; then continue with: hpstudio tune ${file} --resume` : ''}\n`);
        return 1;
      }
      throw err;
    } finally {
      await executor.dispose();
    }
    progress.end();

    if (args.options.json === true) {
      io.stdout.write(`${JSON.stringify(jsonSummary(summary))}\n`);
    } else {
      const best = textSummary(summary, config);
      io.stdout.write(`study ${summary.study} ${summary.status}: ${summary.completed} completed, ${summary.pruned} pruned, ${summary.failed} failed\n${best}\n`);
      if (summary.status === 'interrupted' || summary.status === 'paused') io.stdout.write(`continue with: hpstudio tune ${file} --resume\n`);
    }
    if (summary.status === 'interrupted') return 130;
    if (summary.status === 'paused') return 1;
    return summary.completed > 0 || summary.trials.length === 0 ? 0 : 1;
  },
};
