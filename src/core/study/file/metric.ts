/**
 * The `metric:` section: W&B's one mapping `{name, goal, target}`, or a list of `{name, goal}` for a
 * multi-objective study (accuracy vs. latency, loss vs. model size). With a list every trial reports
 * each metric and the study keeps the trials no other trial beats on every metric (the Pareto set).
 */
import { isMap, isSeq, type Node } from 'yaml';
import type { Direction } from '../../search/types';
import type { Objective } from '../types';
import { STUDY_FILE_KEYS } from './keys';
import { describe, entries, num, oneOf, str, type Context, type Entry } from './yaml';

export interface ReadMetric {
  readonly metric: string;
  readonly direction: Direction;
  readonly target?: number;
  /** Two or more objectives; undefined for one. */
  readonly objectives?: readonly Objective[];
}

const GOALS = ['minimize', 'maximize'] as const;

/** `metric: {name, goal, target}` or `metric: [{name, goal}, …]`; without it trials are scored by `loss`, minimized. */
export function readMetric(ctx: Context, metricE: Entry | undefined): ReadMetric {
  if (!metricE) {
    ctx.warn(null, 'no metric: trials are scored by "loss", minimized (add metric: {name, goal})');
    return { metric: 'loss', direction: 'minimize' };
  }
  if (isSeq(metricE.value)) return readMetricList(ctx, metricE.value.items as (Node | null)[], metricE);
  if (!isMap(metricE.value)) {
    ctx.error(metricE.value ?? metricE.pair, `metric must be a mapping {name, goal} or a list of them, got ${describe(metricE.value)}`);
    return { metric: 'loss', direction: 'minimize' };
  }
  const m = entries(ctx, metricE.value, 'metric', STUDY_FILE_KEYS.metric);
  let metric = 'loss';
  let direction: Direction = 'minimize';
  let target: number | undefined;
  const n = m.get('name');
  if (!n) ctx.error(metricE.value, 'metric.name is required (the name the program prints or logs, e.g. val_loss)');
  else metric = str(ctx, n, 'metric.name') ?? metric;
  const g = m.get('goal');
  if (g) direction = oneOf(ctx, g, 'metric.goal', GOALS) ?? direction;
  const t = m.get('target');
  if (t) target = num(ctx, t, 'metric.target');
  return { metric, direction, target };
}

/** A list of `{name, goal}`: one objective each, names unique; one item is a plain single-metric study. */
function readMetricList(ctx: Context, items: (Node | null)[], metricE: Entry): ReadMetric {
  const objectives: Objective[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const where = `metric[${i}]`;
    if (!isMap(item)) {
      ctx.error(item ?? metricE.pair, `${where} must be a mapping {name, goal}, got ${describe(item)}`);
      return;
    }
    const m = entries(ctx, item, where, STUDY_FILE_KEYS.objective);
    const nameE = m.get('name');
    if (!nameE) {
      ctx.error(item, `${where}.name is required (the name the program prints or logs, e.g. val_accuracy)`);
      return;
    }
    const targetE = m.get('target');
    if (targetE) ctx.error(targetE.pair, `${where}.target: a study with several metrics has no single target (it runs its whole budget); remove it`);
    const name = str(ctx, nameE, `${where}.name`);
    const goalE = m.get('goal');
    const direction = goalE ? oneOf(ctx, goalE, `${where}.goal`, GOALS) : 'minimize';
    if (name === undefined || direction === undefined) return;
    if (name.trim() === '') {
      ctx.error(nameE.value, `${where}.name is empty`);
      return;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      ctx.error(nameE.value, `${where}.name "${name}" is already metric[${first}]: each objective needs its own metric`);
      return;
    }
    seen.set(name, i);
    objectives.push({ name, direction });
  });
  if (items.length === 0) ctx.error(metricE.value, 'metric is an empty list: give at least one {name, goal}');
  if (objectives.length === 0) return { metric: 'loss', direction: 'minimize' };
  const [first] = objectives;
  return objectives.length === 1 ? { metric: first.name, direction: first.direction } : { metric: first.name, direction: first.direction, objectives };
}
