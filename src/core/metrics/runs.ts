/**
 * Opening finished or still-running runs for the curves panel and `hpstudio runs`: a TensorBoard log
 * directory (one run per directory holding event files; Lightning `metrics.csv` files found there count
 * too), a single event file, a Lightning `metrics.csv`, a Hugging Face `trainer_state.json`, an Optuna
 * storage (JournalStorage file or SQLite `.db`, one run per trial) or an MLflow file store (`mlruns/`).
 * Every source is read incrementally: call `poll()` on a timer and apply what it returns.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CsvFollower, metricFileKind, TfEventsFollower, TrainerStateFollower } from './followers';
import { explainFolder } from './sources/explain';
import { LogDirSource, SingleFileSource } from './sources/files';
import { mlflowLayout, MlflowSource } from './sources/mlflow';
import { OptunaJournalSource } from './sources/optunaJournal';
import { isSqliteFile, OptunaRdbSource } from './sources/optunaRdb';
import type { RunFormat, RunSource } from './sources/types';

export * from './sources/types';

const WHAT_WE_READ =
  'a TensorBoard log directory or event file, a Lightning metrics.csv, a Hugging Face trainer_state.json, an Optuna journal file or SQLite database (.db), or an MLflow mlruns folder';

/** The file behind an SQLAlchemy SQLite URL (`sqlite:///study.db`, `sqlite:////abs/study.db`); other targets unchanged. */
export function storagePath(target: string): string {
  const url = /^sqlite:\/\/\/(.*)$/.exec(target);
  return url ? url[1] : target;
}

/** Decides what `target` is; throws an Error with a message for the user when it is none of them. */
export async function detectRunFormat(target: string): Promise<RunFormat> {
  target = storagePath(target);
  let stat;
  try {
    stat = await fs.stat(target);
  } catch {
    throw new Error(`${target} does not exist`);
  }
  if (stat.isDirectory()) return (await mlflowLayout(target)) ? 'mlflow' : 'tensorboard';
  const base = path.basename(target);
  const kind = metricFileKind(base);
  if (kind === 'tfevents') return 'tensorboard';
  if (kind === 'csv' || base.endsWith('.csv')) return 'lightning-csv';
  if (kind === 'trainer_state') return 'trainer-state';
  if (await isSqliteFile(target)) return 'optuna-rdb';
  // Journal files have no fixed name: look at the first line.
  const handle = await fs.open(target, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('utf8');
    if (/^\{.*"op_code"\s*:/.test(text.split('\n')[0].trim())) return 'optuna-journal';
    if (base.endsWith('.json') && /"log_history"/.test(text)) return 'trainer-state';
  } finally {
    await handle.close();
  }
  throw new Error(`${target} is not a run this panel can open: expected ${WHAT_WE_READ}`);
}

export async function openRun(target: string): Promise<RunSource> {
  const absolute = path.resolve(storagePath(target));
  const format = await detectRunFormat(absolute);
  switch (format) {
    case 'tensorboard':
      return (await fs.stat(absolute)).isDirectory() ? new LogDirSource(absolute) : new SingleFileSource(absolute, format, new TfEventsFollower(absolute));
    case 'lightning-csv':
      return new SingleFileSource(absolute, format, new CsvFollower(absolute));
    case 'trainer-state':
      return new SingleFileSource(absolute, format, new TrainerStateFollower(absolute));
    case 'optuna-journal':
      return new OptunaJournalSource(absolute);
    case 'optuna-rdb':
      return OptunaRdbSource.open(absolute);
    case 'mlflow':
      return new MlflowSource(absolute, (await mlflowLayout(absolute)) ?? 'root');
  }
}

/** A folder that was opened but gave no run: the message says what it held and what was expected. */
export class NoRunsError extends Error {}

/** Why `source` (just polled, with no run) has nothing to show, in words for the user. */
export async function explainNoRuns(source: RunSource): Promise<string> {
  if (source instanceof MlflowSource) return source.explainEmpty();
  if (source instanceof LogDirSource) return explainFolder(source.path, WHAT_WE_READ);
  return `${source.path} holds no run yet (${source.format})`;
}
