/**
 * Hands out GPU ids (values for CUDA_VISIBLE_DEVICES) to trials. The least busy GPU wins and ties
 * go round-robin, so sequential trials rotate over the GPUs (0, 1, 0, 1…) and parallel ones spread
 * before doubling up. An id may name several devices ("0,1") for multi-GPU trials.
 */
export class GpuPool {
  private readonly ids: readonly string[];
  private readonly busy: number[];
  private next = 0;

  constructor(ids: readonly string[]) {
    if (!Array.isArray(ids) || ids.length === 0) throw new RangeError('GpuPool needs at least one GPU id');
    for (const id of ids) {
      if (typeof id !== 'string' || !/^[A-Za-z0-9:_,-]+$/.test(id)) {
        throw new RangeError(`GpuPool: ${JSON.stringify(id)} is not a GPU id (digits, a UUID like GPU-…/MIG-…, or a comma list)`);
      }
    }
    if (new Set(ids).size !== ids.length) throw new RangeError(`GpuPool: duplicate GPU id in ${JSON.stringify(ids)}`);
    this.ids = [...ids];
    this.busy = ids.map(() => 0);
  }

  get size(): number {
    return this.ids.length;
  }

  /** The GPU for the next trial; pair every acquire with one release. */
  acquire(): string {
    let best = -1;
    for (let k = 0; k < this.ids.length; k++) {
      const i = (this.next + k) % this.ids.length;
      if (best < 0 || this.busy[i] < this.busy[best]) best = i;
    }
    this.busy[best]++;
    this.next = (best + 1) % this.ids.length;
    return this.ids[best];
  }

  release(id: string): void {
    const i = this.ids.indexOf(id);
    if (i >= 0 && this.busy[i] > 0) this.busy[i]--;
  }

  /** Trials currently holding each GPU, in id order (for status displays). */
  load(): ReadonlyArray<{ readonly id: string; readonly trials: number }> {
    return this.ids.map((id, i) => ({ id, trials: this.busy[i] }));
  }
}
