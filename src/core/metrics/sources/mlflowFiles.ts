/**
 * The files of an MLflow file store, read as MLflow's FileStore (mlflow/store/tracking/file_store.py)
 * writes them: `meta.yaml` (PyYAML safe_dump), one file per param and tag holding the value, and one file
 * per metric with a line `<timestamp ms> <value> <step>` per logged point (`<timestamp> <value>` before
 * MLflow 1.0; value as Python's str(float): `nan`, `inf`, `1e-05`). Metric, param and tag names may hold
 * `/`, which become sub-folders.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ParamValue } from '../../search/types';
import { completeLines, FileTail } from '../tail';
import type { MetricPoint } from '../types';
import type { RunState } from './types';

export const META_FILE = 'meta.yaml';

/** `mlflow.entities.RunStatus` as stored in meta.yaml (an int), in Optuna's words. */
const STATUS: Record<string, RunState> = {
  1: 'running', RUNNING: 'running',
  2: 'waiting', SCHEDULED: 'waiting',
  3: 'complete', FINISHED: 'complete',
  4: 'fail', FAILED: 'fail',
  5: 'fail', KILLED: 'fail',
};

export function runState(status: unknown): RunState {
  // MLflow reads a meta.yaml without status as RUNNING.
  return status === undefined || status === null ? 'running' : STATUS[String(status)] ?? 'fail';
}

/** A meta.yaml as a plain object; undefined when missing or not a mapping (MLflow skips such runs too). */
export async function readMeta(dir: string): Promise<Record<string, unknown> | undefined> {
  let text;
  try {
    text = await fs.readFile(path.join(dir, META_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    // Every scalar as text: PyYAML leaves a run id such as 1234e567 unquoted (a string in its YAML 1.1),
    // which a YAML 1.2 reader would turn into a number. The few numbers needed (status) are read as text.
    const meta: unknown = parseYaml(text, { schema: 'failsafe' });
    return typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? (meta as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Every file below `dir`, as `/`-separated names relative to it (MLflow's os.walk of metrics/, params/, tags/). */
export async function filesBelow(dir: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const name = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesBelow(path.join(dir, e.name), name)));
    else if (e.isFile()) out.push(name);
  }
  return out;
}

/** MLflow params are strings; numbers written as numbers become numbers so plots can use them as axes. */
export function paramValue(text: string): ParamValue {
  const trimmed = text.trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return Number(trimmed);
  return text;
}

/** Python's float(): also `nan`, `inf`, `-inf`, `infinity` in any case. */
function pythonFloat(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'nan' || lower === '+nan' || lower === '-nan') return NaN;
  if (/^[-+]?inf(inity)?$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** One metric file, followed as MLflow appends to it. */
export class MetricFile {
  private readonly tail: FileTail;
  private line = 0;

  constructor(readonly file: string, readonly name: string) {
    this.tail = new FileTail(file);
  }

  async poll(points: MetricPoint[], warnings: string[]): Promise<void> {
    for (let round = 0; round < 64; round++) {
      const read = await this.tail.read().catch(() => undefined);
      if (!read || read.data.length === 0) return;
      if (read.restarted) this.line = 0;
      const { lines, bytes } = completeLines(read.data);
      if (bytes === 0) return;
      for (const text of lines) this.take(text, points, warnings);
      this.tail.consume(bytes);
      if (!read.more) return;
    }
  }

  private take(text: string, points: MetricPoint[], warnings: string[]): void {
    this.line++;
    const parts = text.trim().split(' ');
    if (parts.length === 1 && parts[0] === '') return;
    const value = parts.length === 2 || parts.length === 3 ? pythonFloat(parts[1]) : undefined;
    const timestamp = Number(parts[0]);
    const step = parts.length === 3 ? Number(parts[2]) : 0;
    if (value === undefined || !Number.isInteger(timestamp) || !Number.isInteger(step)) {
      warnings.push(`${this.file} line ${this.line}: expected "<timestamp> <value> <step>", got ${JSON.stringify(text.slice(0, 80))}; skipped`);
      return;
    }
    points.push({ name: this.name, step, value, wallTime: timestamp / 1000, source: 'mlflow' });
  }
}
