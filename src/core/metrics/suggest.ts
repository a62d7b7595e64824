/**
 * Which printed line reports a metric: what the error for a trial without its metric suggests, and a
 * regex for metric names the built-in line formats cannot read (a name with a space, `val mAP`).
 * Each suggestion is checked against the very reader the trial's output goes through.
 */
import { MetricRegex, parseMetricLine } from './lines';

const SAMPLE = 0.42;

function reads(line: string, name: string, regex: string | undefined): boolean {
  const found = regex ? new MetricRegex(regex).parse(line) : [];
  const all = found.length > 0 ? found : parseMetricLine(line);
  return all.some(m => m.name === name && m.value === SAMPLE);
}

/** True when a line `name: 0.42` reads as that metric with the built-in formats. */
export function readableByDefault(name: string): boolean {
  return reads(`${name}: ${SAMPLE}`, name, undefined);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * For names the built-in formats cannot read: `(?<name>val mAP)\s*[=:]\s*(?<value>…)`, so `val mAP: 0.5`
 * and `val mAP=0.5` are read (JSON lines `{"val mAP": 0.5}` are read anyway); several such names (the
 * objectives of a multi-objective study) are alternatives of one group. Undefined when every name reads.
 */
export function implicitMetricRegex(names: string | readonly string[]): string | undefined {
  const unreadable = (typeof names === 'string' ? [names] : names).filter(name => name !== '' && !readableByDefault(name));
  if (unreadable.length === 0) return undefined;
  const number = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf(?:inity)?)`;
  // Longer names first, so `val mAP 50` is not read as `val mAP`.
  const alternatives = [...unreadable].sort((a, b) => b.length - a.length).map(escapeRegex).join('|');
  return String.raw`(?<![\w])(?<name>${alternatives})\s*[=:]\s*(?<value>${number})(?![\w.])`;
}

/** A line that the trial's reader takes as `name` = 0.42: `name: 0.42` when it reads so, else a JSON line. */
export function suggestedMetricLine(name: string, regex: string | undefined): string {
  const candidates = [`${name}: ${SAMPLE}`, `{${JSON.stringify(name)}: ${SAMPLE}}`];
  return candidates.find(line => reads(line, name, regex)) ?? candidates[1];
}
