/** The study loop's next point from its sampler: computed in slices, checked, and what its failure means. */
import { proposeNext } from '../search/index';
import type { ParamValue, Sampler, StudyView } from '../search/types';
import { errorText } from './outcome';

export type NextPoint =
  | { readonly kind: 'point'; readonly params: Record<string, ParamValue> }
  /** The sampler has no further point (the search ends), with why. */
  | { readonly kind: 'none'; readonly message: string }
  /** The study stopped while the sampler was computing. */
  | { readonly kind: 'aborted' };

/**
 * Asks the sampler in time slices (`proposeNext`), so heartbeats and a stop are served meanwhile; a
 * stop (`signal`) ends the proposal at its next slice. Before the study's first trial a sampler that
 * cannot propose is a configuration error (grid over a continuous range…), thrown, not the end of a search.
 */
export async function nextPoint(sampler: Sampler, view: StudyView, signal: AbortSignal): Promise<NextPoint> {
  try {
    const params = await proposeNext(sampler, view, { signal });
    for (const [k, v] of Object.entries(params)) {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`it proposed ${k}=${v}`);
    }
    return { kind: 'point', params };
  } catch (err) {
    if (signal.aborted) return { kind: 'aborted' };
    if (view.trials.length === 0) throw new Error(`sampler ${sampler.name} cannot start this study: ${errorText(err)}`);
    return { kind: 'none', message: `sampler ${sampler.name} has no further point: ${errorText(err)}` };
  }
}
