/** `hpstudio status`: the studies of this folder as the editor's sidebar shows them, read from their journals. */
import { parseArgs, UsageError, type CliCommand, type CliIO } from '../args';
import { StudyLibrary } from '../../core/study/library';
import { formatParams, formatValue, formatValues } from '../../core/study/summary';
import type { StudySnapshot } from '../../core/study/studyIndex';

const usage = `Usage: hpstudio status [<study>] [--json]

Lists the studies in .hpstudio/studies/ of the current folder: their state (running, with how many
workers; crashed, paused, stopped, finished, idle), trials done of the budget the run recorded, and
the best trial. A study's runner may be this terminal, another one, an editor or another host.

Options:
  --json   one JSON object per study, one per line:
           {"study","state","done","budget","running","workers","best":{"number","value","params"}|null,"reason","issues"}
           A study with several metrics gives "best" as its Pareto set, [{"number","values","params"}],
           and "objectives": [{"name","direction"}].
`;

const spec = { json: { type: 'flag' } } as const;

function line(s: StudySnapshot): string {
  const workers = s.state === 'running' ? ` (${s.workers} worker${s.workers === 1 ? '' : 's'}${s.owner ? `, pid ${s.owner.pid} on ${s.owner.host}` : ''})` : '';
  const best = s.objectives ? frontText(s) : s.best ? `  best ${s.metric}=${formatValue(s.best.value)} (#${s.best.number}: ${formatParams(s.best.params)})` : '';
  const why = s.error ?? s.reason;
  return `${s.name}  ${s.state}${workers}  ${s.done}/${s.budget} trials${s.counts.running ? `, ${s.counts.running} running` : ''}${best}${why ? `\n  ${why}` : ''}${s.issues ? `\n  ${s.issues}` : ''}`;
}

/** `  Pareto front of 3 trials:` and one line per trial (several metrics). */
function frontText(s: StudySnapshot): string {
  const front = s.pareto ?? [];
  if (front.length === 0) return '';
  const rows = front.map(t => `\n    #${t.number}  ${formatValues(t.values, s.objectives!)}  ${formatParams(t.params)}`);
  return `  Pareto front of ${front.length} trial${front.length === 1 ? '' : 's'}:${rows.join('')}`;
}

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'the studies of this folder: state, trials done of the budget, best',
  usage,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const args = parseArgs(argv, spec);
    if (args.positional.length > 1) throw new UsageError(`takes at most one study name, got ${args.positional.length}`);
    const library = new StudyLibrary();
    library.scan([io.cwd]);
    const wanted = args.positional[0];
    const studies = library.list().filter(s => wanted === undefined || s.name === wanted);
    if (wanted !== undefined && studies.length === 0) {
      io.stderr.write(`hpstudio status: no study named "${wanted}" in ${io.cwd}/.hpstudio/studies\n`);
      return 1;
    }
    for (const s of studies) {
      if (args.options.json === true) {
        const best = s.objectives ? (s.pareto ?? []).map(t => ({ number: t.number, values: t.values, params: t.params })) : s.best ? { number: s.best.number, value: s.best.value, params: s.best.params } : null;
        const objectives = s.objectives ? { objectives: s.objectives } : {};
        io.stdout.write(`${JSON.stringify({ study: s.name, state: s.state, done: s.done, budget: s.budget, running: s.counts.running, workers: s.workers, ...objectives, best, reason: s.error ?? s.reason ?? null, issues: s.issues ?? null })}\n`);
      } else {
        io.stdout.write(`${line(s)}\n`);
      }
    }
    if (studies.length === 0 && args.options.json !== true) io.stdout.write('no study in .hpstudio/studies of this folder\n');
    return 0;
  },
};
