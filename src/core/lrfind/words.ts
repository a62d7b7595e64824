/**
 * The lr-find's result in words: the sentence that defends the suggestion ("the loss falls fastest
 * around 0.3; it diverges above 2.5; suggested 0.6"), or why there is none and what to try. One
 * wording for the CLI, the panel and the sidebar.
 */
import type { LrFindInput, LrFindResult } from './analysis';
import type { Refinement } from './refine';

/** A rate as people write it: 0.0032, 0.25, 1.5, 3.2e-5. */
export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  if (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4) return String(Number(x.toPrecision(2)));
  const [m, e] = x.toExponential(1).split('e');
  return `${m.replace(/\.0$/, '')}e${e.replace('+', '')}`;
}

/** A loss value: 4 significant digits. */
function formatLoss(x: number): string {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5 ? String(Number(x.toPrecision(4))) : x.toExponential(3);
}

export function describeResult(r: LrFindResult, input: LrFindInput): { message: string; advice?: string } {
  const loss = r.direction === 'minimize' ? 'the loss' : r.metric;
  const falls = r.direction === 'minimize' ? 'falls' : 'improves';
  const tried = r.points.map(p => p.lr);
  const lo = input.low ?? Math.min(...tried);
  const hi = input.high ?? Math.max(...tried);
  const okCount = r.points.filter(p => p.status === 'ok').length;
  switch (r.verdict) {
    case 'running':
      if (r.refined) return { message: `Refining around ${formatRate(r.refined.around)}: ${r.refined.points.filter(p => p.status !== 'running').length} of ${r.refined.rates.length} longer runs done.` };
      return { message: `Running: ${r.points.filter(p => p.status !== 'running').length} of ${input.planned ?? r.points.length} rates done.` };
    case 'no-data':
      return { message: `No trial has reported ${r.metric} yet.` };
    case 'too-few':
      return { message: `Only ${okCount} rate${okCount === 1 ? '' : 's'} gave a loss; a suggestion needs at least 3.`, advice: 'Try more rates (trials) or a wider range.' };
    case 'all-diverged':
      return {
        message: `Every trial diverged, even at the lowest rate (${formatRate(lo)}).`,
        advice: `Lower the range, e.g. ${formatRate(lo / 1000)} … ${formatRate(lo)}; if the loss is NaN from the first report at any rate, check the program.`,
      };
    case 'all-failed': {
      const why = r.points.find(p => p.why)?.why ?? 'no reason given';
      return { message: `Every trial failed (${why}).`, advice: "Fix the program first (each trial's stderr.log is in its folder under .hpstudio/studies); the lr-find resumes where it stopped." };
    }
    case 'ignored': {
      const values = r.points.filter(p => p.loss !== null).map(p => p.loss as number);
      return {
        message: `${capital(loss)} is the same at every rate from ${formatRate(lo)} to ${formatRate(hi)} (${formatLoss(Math.min(...values))} – ${formatLoss(Math.max(...values))}): the program seems to ignore ${r.param}.`,
        advice: `Check that the program reads ${r.param} and trains with it (each trial passes it as an argument, e.g. --${r.param}=${formatRate(lo)}).`,
      };
    }
    case 'flat':
      return {
        message: `${capital(loss)} barely changes across ${formatRate(lo)} – ${formatRate(hi)}: the range is too narrow to decide.`,
        advice: `Widen it to two decades or more, e.g. ${formatRate(lo / 10)} … ${formatRate(hi * 10)}.`,
      };
    case 'still-falling':
      return {
        message: `${capital(loss)} still ${falls} at the highest rate tried (${formatRate(hi)}): the range is too narrow to decide.${landmarks(r, loss, falls)}`,
        advice: `Raise the upper end, e.g. up to ${formatRate(hi * 30)}.`,
      };
    case 'lowest-at-bottom':
      return {
        message: `${capital(loss)} is lowest at the lowest rate tried (${formatRate(lo)}) and gets worse above it: the range is too narrow to decide.`,
        advice: `Lower the lower end, e.g. from ${formatRate(lo / 30)}.`,
      };
    case 'refine-diverged':
      return describeRefined(r);
    case 'ok': {
      if (r.refined) return describeRefined(r);
      const s = r.suggested as number;
      const why = s > (r.points.find(p => p.status === 'ok')?.lr ?? 0)
        ? 'half a step below where the floor begins, since short runs favour rates a little too high for a full run'
        : 'the lowest rate tried, where the floor already begins';
      return { message: `${capital(landmarks(r, loss, falls).trim())} Suggested ${r.param} = ${formatRate(s)}: ${why}.` };
    }
  }
}

/**
 * The result after the second pass: the first pass' landmarks and suggestion, then what the longer runs
 * found ("refined: of 0.2, 0.35, 0.6, 1 run for 30 reports, 0.35 ended lowest"), and when the lowest
 * won by the noise alone, that the lower of it and the first suggestion was taken.
 */
function describeRefined(r: LrFindResult): { message: string; advice?: string } {
  const f = r.refined as Refinement;
  const loss = r.direction === 'minimize' ? 'the loss' : r.metric;
  const first = `${capital(landmarks(r, loss, r.direction === 'minimize' ? 'falls' : 'improves').trim())} The first pass pointed at ${formatRate(f.around)} (half a step below where the floor begins)`;
  const rates = f.rates.map(formatRate).join(', ');
  if (f.state === 'all-diverged') {
    const lowest = Math.min(...f.rates);
    return {
      message: `${first}, but every longer run diverged or failed (${rates}, ${f.reports} reports each): the short runs did not see the trouble.`,
      advice: `Lower the range's upper end to ${formatRate(lowest)} and run again, or check the program's stability at ${formatRate(lowest)}.`,
    };
  }
  const chosen = f.points.find(p => p.lr === f.chosen);
  const value = chosen?.loss !== null && chosen?.loss !== undefined ? ` (${formatLoss(chosen.loss)})` : '';
  const lowest = f.points.find(p => p.lr === f.lowest);
  const lowestValue = lowest?.loss !== null && lowest?.loss !== undefined ? ` (${formatLoss(lowest.loss)})` : '';
  const noise = f.noise !== undefined ? formatLoss(f.noise) : '?';
  const stays = Math.abs(Math.log((f.chosen as number) / f.around)) < 0.05;
  const found =
    f.lowest === f.chosen
      ? `${formatRate(f.chosen as number)} ended lowest${value}${stays ? ', confirming it' : ''}`
      : `${formatRate(f.lowest as number)} ended lowest${lowestValue} but ${formatRate(f.chosen as number)}${value} ended within twice the runs' noise (${noise}) of it: ${stays ? 'the first suggestion, the lowest such rate, stays' : 'the lowest such rate is taken'} (a higher rate's noise floor shows late in training)`;
  return { message: `${first}; refined: of ${rates} run for ${f.reports} reports, ${found}. Suggested ${r.param} = ${formatRate(r.suggested as number)}.` };
}

/** "the loss falls fastest around 0.003 (0.001 – 0.01); it is lowest at 0.02, rises above 0.05; it diverges above 0.2." */
function landmarks(r: LrFindResult, loss: string, falls: string): string {
  const parts: string[] = [];
  if (r.steepest) {
    const region = r.steepest.low !== r.steepest.high ? ` (${formatRate(r.steepest.low)} – ${formatRate(r.steepest.high)})` : '';
    parts.push(`${loss} ${falls} fastest around ${formatRate(r.steepest.lr)}${region}`);
  }
  if (r.minimum) {
    const floor = r.floor !== undefined && r.floor < r.minimum.lr ? `it reaches its floor from ${formatRate(r.floor)}, lowest at ${formatRate(r.minimum.lr)}` : `it is lowest at ${formatRate(r.minimum.lr)}`;
    parts.push(r.rise !== undefined ? `${floor}, and rises above ${formatRate(r.rise)}` : floor);
  }
  if (r.divergedAbove !== undefined) {
    const how = r.points.find(p => p.lr === r.divergedAbove)?.status === 'failed' ? 'trials fail' : 'it diverges';
    parts.push(`${how} from ${formatRate(r.divergedAbove)}`);
  }
  return parts.length ? ` ${parts.join('; ')}.` : '';
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
