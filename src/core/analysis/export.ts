/**
 * CSV export of curves. The host writes the file from its source's full snapshot (every point, not the
 * webview's thinned copy); the webview's own CSV is the fallback when the source cannot be read.
 */
import type { CurvesSnapshot } from '../protocol/curves';

export const CURVES_CSV_HEADER = 'trial,state,metric,step,value';

/** Quotes a text cell and defuses spreadsheet formulas (a metric named `=HYPERLINK(…)` stays text). */
export function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Every point of the snapshot, by metric then trial then step order as stored. */
export function snapshotCsv(snapshot: CurvesSnapshot): string {
  const states = new Map(snapshot.trials.map(t => [t.number, t.state]));
  const series = [...snapshot.series].sort((a, b) => a.metric.localeCompare(b.metric) || a.trial - b.trial);
  const lines = [CURVES_CSV_HEADER];
  for (const s of series) {
    const prefix = `${s.trial},${states.get(s.trial) ?? ''},${csvCell(s.metric)},`;
    for (let i = 0; i < s.steps.length; i++) lines.push(`${prefix}${s.steps[i]},${s.values[i]}`);
  }
  return lines.join('\n') + '\n';
}
