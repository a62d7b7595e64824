/**
 * The lr-find's sampler: the study's budget of log-spaced rates across the parameter's range, handed
 * out so that any prefix covers the range evenly (middle, ends, then the gaps): the curve fills in from
 * coarse to fine, and a stopped lr-find already spans the range. Deterministic from the history alone,
 * so a resumed lr-find proposes exactly the rates still missing.
 */
import type { ParamValue, Sampler, StudyView } from '../search/types';
import { logSpacedRates, lrParameter, LR_FIND } from './spec';

/** Visit order of n grid indices: ends, middle, then the midpoints of the widest gaps first. */
export function coarseToFine(n: number): number[] {
  if (n <= 0) return [];
  if (n === 1) return [0];
  const order = [Math.floor((n - 1) / 2), 0, n - 1].filter((v, i, a) => a.indexOf(v) === i);
  const taken = new Set(order);
  while (order.length < n) {
    const sorted = [...taken].sort((a, b) => a - b);
    let best = -1;
    let bestGap = 0;
    for (let i = 0; i + 1 < sorted.length; i++) {
      const gap = sorted[i + 1] - sorted[i];
      if (gap > bestGap) {
        bestGap = gap;
        best = i;
      }
    }
    const mid = Math.floor((sorted[best] + sorted[best + 1]) / 2);
    order.push(mid);
    taken.add(mid);
  }
  return order;
}

export function sameRate(a: ParamValue, b: number): boolean {
  return typeof a === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

export class LrFindSampler implements Sampler {
  readonly name = LR_FIND;

  /** The rates of this study, in the order they are tried. */
  static rates(study: Pick<StudyView, 'space' | 'budget'>): number[] {
    const { low, high } = lrParameter(study.space);
    const rates = logSpacedRates(low, high, study.budget ?? 12);
    return coarseToFine(rates.length).map(i => rates[i]);
  }

  sample(study: StudyView): Record<string, ParamValue> {
    const { name } = lrParameter(study.space);
    for (const rate of LrFindSampler.rates(study)) {
      if (!study.trials.some(t => sameRate(t.params[name], rate))) return { [name]: rate };
    }
    throw new Error(`every rate of the lr-find has been tried`);
  }
}
