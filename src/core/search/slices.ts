/**
 * Proposals that give the event loop back. A costly proposal is written once, as a generator that
 * `yield`s wherever pausing is cheap (after a likelihood evaluation, a block of candidates…); run
 * to the end it is the plain synchronous proposal, run in slices it lets heartbeats, signals and
 * IPC through between pauses. The result is the same either way: pausing changes no computation.
 * A worker thread would need a second bundle and a copy of the whole study per proposal; a
 * generator keeps samplers pure functions of their history, in the CLI, the worker and the tests.
 */
import type { ParamValue, ProposeOptions, Sampler, StudyView } from './types';

/** A computation that may pause at its `yield`s and ends with a T. */
export type Steps<T> = Generator<void, T, void>;

/** How long a slice may run before the event loop gets a turn. */
export const SLICE_MS = 20;

/** Runs the steps to their end without pausing. */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

const turn = () => new Promise<void>(resolve => setImmediate(resolve));

/**
 * Runs the steps, giving the event loop a turn (timers, I/O, signals) whenever a slice has run for
 * `sliceMs`; rejects with the signal's reason (an AbortError) at the first pause after an abort.
 */
export async function runInSlices<T>(steps: Steps<T>, options: ProposeOptions & { readonly sliceMs?: number } = {}): Promise<T> {
  const sliceMs = options.sliceMs ?? SLICE_MS;
  options.signal?.throwIfAborted();
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await turn();
      if (options.signal?.aborted) {
        steps.return(undefined as never);
        options.signal.throwIfAborted();
      }
      sliceStart = performance.now();
    }
  }
}

/**
 * A sampler whose proposal is a generator: `sample` runs it to the end, `sampleAsync` in slices.
 * Not re-entrant: one proposal at a time per sampler (the study loop asks sequentially).
 */
export abstract class SlicedSampler implements Sampler {
  abstract readonly name: string;
  abstract proposal(study: StudyView): Steps<Record<string, ParamValue>>;

  sample(study: StudyView): Record<string, ParamValue> {
    return runToEnd(this.proposal(study));
  }

  sampleAsync(study: StudyView, options: ProposeOptions = {}): Promise<Record<string, ParamValue>> {
    return runInSlices(this.proposal(study), options);
  }
}
