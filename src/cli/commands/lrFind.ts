/** `hpstudio lr-find <study-or-config>`: a learning-rate finder built on the study machinery. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, UsageError, type CliCommand, type CliIO } from '../args';
import type { LrFindResult } from '../../core/lrfind/analysis';
import { LrFindInputError } from '../../core/lrfind/source';
import { prepareLrFind, type PreparedLrFind } from '../../core/lrfind/prepare';
import { readLrFind } from '../../core/lrfind/read';
import { formatRate } from '../../core/lrfind/words';
import { createExecutor } from '../../core/study/executor';
import { JOURNAL_FILE, StudyExistsError, studyDirectory } from '../../core/study/journal';
import type { RunStudyOptions } from '../../core/study/runStudy';
import { runLrFind } from '../../core/lrfind/phases';
import { StudyFileError } from '../../core/study/studyFile';
import { readStudySnapshot } from '../../core/study/studyIndex';
import { formatIssue, type StudyEvent, type StudySummary } from '../../core/study/types';

const usage = `Usage: hpstudio lr-find <study-or-config> [--param NAME] [--range "LOW .. HIGH"] [--points N]
                        [--steps N] [--parallel K] [--metric NAME] [--program FILE] [--fresh] [--json]

Finds a learning rate: short trials at log-spaced rates across the range, each stopped as soon as its
metric has said enough (it diverged, levelled off, or gave --steps reports), then the loss-vs-rate curve
and a first suggestion; a second pass runs it, a rate below it and two above it 3 times longer and suggests
the one that ends lowest (or the lowest rate that ends within the runs' noise of it), with its reason. No change to the program: it runs as the study runs it (any executor,
in parallel), as a study of its own kind written next to the input as <name>.lrfind.study.yaml, so running
the command again resumes it (or just prints the result).

<study-or-config>  a study file (W&B sweep or ours: its learning-rate parameter, program and executor),
                   an lr-find study file, or a config (its detected learning rate, with a range from the
                   knowledge base for the optimizer in context, and the study file that tunes it, the
                   launch configuration or a guessed train.py as the program)

Options:
  --param NAME     the learning-rate parameter or setting (default: the one named like a learning rate)
  --range "A .. B" rates to sweep (default: the study's range, else the knowledge base's)
  --points N       rates to try (default: about three per decade, 8 – 16)
  --steps N        reports of the metric after which a trial has said enough (default 10)
  --parallel K     trials at the same time (default: the study's parallel, else 2)
  --metric NAME    metric of a config's lr-find (default: loss)
  --program FILE   program of a config's lr-find, relative to the config's folder
  --fresh          write the lr-find study file anew (a new study; the old one stays)
  --json           print {"param", "suggested", "points": [[lr, loss-or-null], …], "trials", "steps"}
                   (trials and steps count both passes; steps: metric reports used), plus "study",
                   "verdict", "message", "advice" and "refined" (the second pass: rates, reports,
                   points, chosen)

Exit codes: 0 a suggestion, 1 no suggestion (the message says why and what to try) or failed,
2 bad arguments or input, 130 interrupted (run it again to resume).
`;

const spec = {
  param: { type: 'string' },
  range: { type: 'string' },
  points: { type: 'number' },
  steps: { type: 'number' },
  parallel: { type: 'number' },
  metric: { type: 'string' },
  program: { type: 'string' },
  fresh: { type: 'flag' },
  json: { type: 'flag' },
} as const;

function wholeNumber(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = value as number;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${n}`);
  return n;
}

/** `1e-5 .. 1`, `1e-5..1`, `1e-5 – 1`, `1e-5:1`. */
export function parseRateRange(text: string): { low: number; high: number } {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(?:\.\.|–|—|:|\bto\b)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*$/i.exec(text);
  if (!m) throw new UsageError(`--range must look like "1e-5 .. 1", got "${text}"`);
  const low = Number(m[1]);
  const high = Number(m[2]);
  if (!(low > 0 && high > low)) throw new UsageError(`--range needs 0 < low < high, got ${low} .. ${high}`);
  return { low, high };
}

function progressLine(io: CliIO, param: string, metric: string, e: StudyEvent, params: Map<number, number>): void {
  if (e.type === 'trial-started') {
    const lr = e.params[param];
    if (typeof lr === 'number') params.set(e.number, lr);
  } else if (e.type === 'trial-finished') {
    const lr = params.get(e.number);
    const why = e.state === 'fail' && e.error ? `  ${e.error.split('\n')[0].slice(0, 160)}` : '';
    io.stderr.write(`${param}=${lr !== undefined ? formatRate(lr) : '?'}  ${e.state === 'pruned' ? 'stopped' : e.state}  ${metric}=${e.value !== undefined ? Number(e.value.toPrecision(4)) : '-'}${why}\n`);
  } else if (e.type === 'warning' && !/not a finite number/.test(e.message)) {
    io.stderr.write(`warning: ${e.message}\n`);
  }
}

function printResult(io: CliIO, r: LrFindResult, prepared: PreparedLrFind, cwd: string): void {
  io.stdout.write(`lr-find ${prepared.config.name} (${path.relative(cwd, prepared.studyFile) || prepared.studyFile}): ${r.trials} trials, ${r.reports} reports of ${r.metric}\n`);
  io.stdout.write(`  ${r.param.padStart(10)}  ${r.metric.padStart(12)}  reports\n`);
  for (const p of r.points) {
    const loss = p.loss !== null ? String(Number(p.loss.toPrecision(4))) : p.status;
    const mark = r.suggested !== null && p.smoothed !== null && p.lr === r.minimum?.lr ? '  ← lowest' : '';
    io.stdout.write(`  ${formatRate(p.lr).padStart(10)}  ${loss.padStart(12)}  ${String(p.reports).padStart(7)}${p.why ? `  ${p.why}` : ''}${mark}\n`);
  }
  if (r.refined && r.refined.points.length > 0) {
    io.stdout.write(`  second pass, ${r.refined.reports} reports each:\n`);
    for (const p of r.refined.points) {
      const loss = p.loss !== null ? String(Number(p.loss.toPrecision(4))) : p.status;
      io.stdout.write(`  ${formatRate(p.lr).padStart(10)}  ${loss.padStart(12)}  ${String(p.reports).padStart(7)}${p.why ? `  ${p.why}` : ''}${secondPassMark(p.lr, r.refined)}\n`);
    }
  }
  io.stdout.write(`${r.message}\n`);
  if (r.advice) io.stdout.write(`${r.advice}\n`);
  const facts = (r as LrFindResult & { facts?: { source?: string } }).facts;
  if (r.suggested !== null && facts?.source) io.stdout.write(`To apply it, set ${r.param} to ${formatRate(r.suggested)} in ${path.relative(cwd, facts.source)} (the editor's "Find Learning Rate…" panel does it for you).\n`);
}

export const lrFindCommand: CliCommand = {
  name: 'lr-find',
  summary: 'find a learning rate: short trials at log-spaced rates, a loss-vs-rate curve and a suggestion',
  usage,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const args = parseArgs(argv, spec);
    if (args.positional.length !== 1) throw new UsageError(args.positional.length === 0 ? 'needs a study file or a config' : `takes one study file or config, got ${args.positional.length}`);
    const input = path.resolve(io.cwd, args.positional[0]);
    if (!fs.existsSync(input)) throw new UsageError(`${args.positional[0]} does not exist`);
    const cwd = io.cwd;
    const workspace = input.startsWith(cwd + path.sep) ? cwd : path.dirname(input);
    let prepared: PreparedLrFind;
    try {
      prepared = prepareLrFind({
        input,
        workspace,
        param: args.options.param as string | undefined,
        range: args.options.range !== undefined ? parseRateRange(String(args.options.range)) : undefined,
        points: wholeNumber(args.options.points, 'points', 3, 200),
        maxReports: wholeNumber(args.options.steps, 'steps', 2, 100_000),
        parallel: wholeNumber(args.options.parallel, 'parallel', 1, 1024),
        metric: args.options.metric as string | undefined,
        program: args.options.program as string | undefined,
        fresh: args.options.fresh === true,
        acceptGuess: true,
        studyExists: name => fs.existsSync(path.join(studyDirectory(cwd, name), JOURNAL_FILE)),
      });
    } catch (err) {
      if (err instanceof StudyFileError) {
        for (const issue of err.issues) io.stderr.write(`${formatIssue(issue)}\n`);
        return 2;
      }
      if (err instanceof LrFindInputError) {
        io.stderr.write(`hpstudio lr-find: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    for (const note of prepared.notes) io.stderr.write(`note: ${note}\n`);
    if (prepared.created) io.stderr.write(`wrote ${path.relative(cwd, prepared.studyFile)}: the lr-find as a study (edit it and run again to resume)\n`);

    const { config } = prepared;
    const journalDir = studyDirectory(cwd, config.name);
    const resume = fs.existsSync(path.join(journalDir, JOURNAL_FILE));
    const executor = createExecutor(config);
    const lrs = new Map<number, number>();
    const param = config.space.params[0]?.name ?? 'lr';
    let summary: StudySummary;
    try {
      const options: RunStudyOptions = {
        config,
        journalDir,
        executor,
        parallel: wholeNumber(args.options.parallel, 'parallel', 1, 1024),
        resume,
        signal: io.signal,
        onEvent: e => progressLine(io, param, config.metric, e, lrs),
      };
      // Two passes (src/core/lrfind/phases.ts): the one the journal is at, then the refinement when it is due.
      summary = await runLrFind(options);
    } catch (err) {
      if (err instanceof StudyExistsError) {
        io.stderr.write(`hpstudio lr-find: ${err.message}\n`);
        return 1;
      }
      throw err;
    } finally {
      await executor.dispose();
    }
    const result = readLrFind(readStudySnapshot(journalDir, cwd), config);
    if (args.options.json === true) {
      const points = result.points.filter(p => p.status !== 'running').map(p => [p.lr, p.loss]);
      // The second pass' points apart from the curve's: their losses come from runs REFINE_LENGTH times longer.
      const refined = result.refined ? { rates: result.refined.rates, reports: result.refined.reports, points: result.refined.points.filter(p => p.status !== 'running').map(p => [p.lr, p.loss]), chosen: result.refined.chosen ?? null } : null;
      io.stdout.write(`${JSON.stringify({ param: result.param, suggested: result.suggested, points, trials: result.trials, steps: result.reports, study: config.name, verdict: result.verdict, message: result.message, advice: result.advice ?? null, refined })}\n`);
    } else {
      printResult(io, result, prepared, cwd);
    }
    if (summary.status === 'interrupted') {
      io.stderr.write(`interrupted: run the same command again to resume\n`);
      return 130;
    }
    return result.verdict === 'ok' ? 0 : 1;
  },
};

/** The second pass' table marks the suggestion and, when the noise rule took a lower rate, the one that ended lowest. */
function secondPassMark(lr: number, refined: { chosen?: number; lowest?: number }): string {
  if (lr === refined.chosen) return '  ← suggested';
  return lr === refined.lowest ? '  ← ended lowest' : '';
}
