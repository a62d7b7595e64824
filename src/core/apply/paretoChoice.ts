/**
 * "Apply best" on a multi-objective study has no single best trial: the user picks one of the Pareto
 * set, seeing each trial's values. These are the choices, as the quick pick lists them.
 */
import { formatParams, formatValue } from '../study/summary';
import type { StudySnapshot } from '../study/studyIndex';
import type { ParamValue } from '../search/types';

export interface TrialChoice {
  readonly number: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** `#12  accuracy 0.953 ↑ · model_mb 1.21 ↓` */
  readonly label: string;
  /** The trial's parameters. */
  readonly detail: string;
  /** What the confirmation names: `accuracy 0.953, model_mb 1.21`. */
  readonly summary: string;
}

/**
 * The trials "Apply best" may write: the Pareto set of a multi-objective study (by the first
 * objective, best first), else the best trial alone; empty when nothing completed.
 */
export function applyChoices(study: Pick<StudySnapshot, 'objectives' | 'pareto' | 'best' | 'metric'>): TrialChoice[] {
  const { objectives, pareto } = study;
  if (objectives && pareto) {
    const first = objectives[0];
    const sign = first.direction === 'maximize' ? -1 : 1;
    return [...pareto]
      .sort((a, b) => sign * (a.values[0] - b.values[0]) || a.number - b.number)
      .map(t => ({
        number: t.number,
        params: t.params,
        label: `#${t.number}  ${objectives.map((o, k) => `${o.name} ${formatValue(t.values[k])} ${o.direction === 'maximize' ? '↑' : '↓'}`).join(' · ')}`,
        detail: formatParams(t.params),
        summary: objectives.map((o, k) => `${o.name} ${formatValue(t.values[k])}`).join(', '),
      }));
  }
  const b = study.best;
  return b ? [{ number: b.number, params: b.params, label: `#${b.number}  ${study.metric} ${formatValue(b.value)}`, detail: formatParams(b.params), summary: `${study.metric} ${b.value}` }] : [];
}
