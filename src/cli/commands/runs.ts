import * as path from 'node:path';
import { parseArgs, UsageError, type CliCommand, type CliIO } from '../args';
import { readRuns, type RunRecord, type RunsRead } from '../../core/metrics/readRuns';

const usage = `Usage: hpstudio runs <path…> [--json]

Prints what the curves panel would read from each path: its runs, their params and every metric
series. A path may be a TensorBoard log folder or event file (CatBoost's catboost_info/ too), a
Lightning metrics.csv, a Hugging Face trainer_state.json, an Optuna journal file or SQLite storage
(study.db or sqlite:///study.db), or an MLflow mlruns/ folder (or one experiment or run in it).

Options:
  --json       one JSON object: {"runs":[{"id","name","source","state","params":{…},
               "metrics":{"<name>":[[step, value], …]}}]}, steps ascending, NaN and ±Infinity as null
  -h, --help   show this help

With several paths, run ids are prefixed with the path they came from ("<path>/<id>").
Exit codes: 0 runs found, 1 a path could not be read or held no run (the reason is printed), 2 bad arguments.
`;

/** NaN and ±Infinity are not JSON: they become null (a diverged loss stays visible as a gap). */
const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

function jsonRun(run: RunRecord, id: string) {
  const metrics: Record<string, Array<[number, number | null]>> = {};
  for (const [name, series] of Object.entries(run.metrics)) metrics[name] = series.map(([s, v]) => [s, finiteOrNull(v)]);
  return { id, name: run.name, source: run.source, state: run.state, params: run.params, metrics };
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Number(v.toPrecision(6)));
}

function describeRun(run: RunRecord, id: string): string[] {
  const params = Object.entries(run.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  const head = `  ${run.name}${run.name !== id ? `  [${id}]` : ''}${run.state ? `  ${run.state}` : ''}${params ? `  ${params}` : ''}`;
  const width = Math.max(0, ...Object.keys(run.metrics).map(n => n.length));
  const lines = Object.entries(run.metrics).map(([name, series]) => {
    const finite = series.map(([, v]) => v).filter(Number.isFinite);
    const odd = series.length - finite.length;
    const [first, last] = [series[0][0], series[series.length - 1][0]];
    const range = first === last ? `step ${first}` : `steps ${first}–${last}`;
    const stats = finite.length ? `  last ${formatNumber(series[series.length - 1][1])}  min ${formatNumber(Math.min(...finite))}  max ${formatNumber(Math.max(...finite))}` : '';
    return `    ${name.padEnd(width)}  ${series.length} point${series.length === 1 ? '' : 's'}  ${range}${stats}${odd ? `  (${odd} not finite)` : ''}`;
  });
  return [head, ...lines];
}

function humanReport(read: RunsRead, shown: string, ids: (run: RunRecord) => string): string {
  const lines = [`${shown} (${read.format}): ${read.runs.length} run${read.runs.length === 1 ? '' : 's'}`];
  for (const run of read.runs) lines.push(...describeRun(run, ids(run)));
  return `${lines.join('\n')}\n`;
}

export const runsCommand: CliCommand = {
  name: 'runs',
  summary: 'print the runs, params and metric series the curves panel would read from a path',
  usage,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { positional, options } = parseArgs(argv, { json: { type: 'flag' } });
    if (positional.length === 0) throw new UsageError('give at least one path (a log folder, a metrics file, an Optuna storage or an mlruns folder)');
    const several = positional.length > 1;
    const out: Array<ReturnType<typeof jsonRun>> = [];
    let failed = false;
    for (const target of positional) {
      const resolved = /^sqlite:\/\/\//.test(target) || path.isAbsolute(target) ? target : path.join(io.cwd, target);
      let read: RunsRead;
      try {
        read = await readRuns(/^sqlite:\/\/\/(?!\/)/.test(target) ? `sqlite:///${path.join(io.cwd, target.slice('sqlite:///'.length))}` : resolved);
      } catch (err) {
        io.stderr.write(`hpstudio runs: ${err instanceof Error ? err.message : String(err)}\n`);
        failed = true;
        continue;
      }
      for (const w of read.warnings) io.stderr.write(`warning: ${w}\n`);
      if (read.empty) {
        io.stderr.write(`hpstudio runs: ${read.empty}\n`);
        failed = true;
      }
      const ids = (run: RunRecord) => (!several ? run.id : run.id === '.' ? target : `${target}/${run.id}`);
      if (options.json) out.push(...read.runs.map(run => jsonRun(run, ids(run))));
      else if (read.runs.length) io.stdout.write(humanReport(read, target, ids));
    }
    if (options.json) io.stdout.write(`${JSON.stringify({ runs: out })}\n`);
    return failed ? 1 : 0;
  },
};
