import * as assert from 'node:assert/strict';
import { GpuPool } from '../../../src/core/runner/gpu-pool';

describe('runner/gpu-pool: GpuPool', () => {
  it('rotates over the GPUs for sequential trials', () => {
    const pool = new GpuPool(['0', '1']);
    const got: string[] = [];
    for (let i = 0; i < 5; i++) {
      const gpu = pool.acquire();
      got.push(gpu);
      pool.release(gpu);
    }
    assert.deepEqual(got, ['0', '1', '0', '1', '0']);
  });

  it('spreads parallel trials before doubling up, and reuses the freed GPU first', () => {
    const pool = new GpuPool(['0', '1', '2']);
    assert.deepEqual([pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()], ['0', '1', '2', '0']);
    pool.release('1');
    assert.equal(pool.acquire(), '1');
    assert.deepEqual(pool.load(), [{ id: '0', trials: 2 }, { id: '1', trials: 1 }, { id: '2', trials: 1 }]);
  });

  it('ignores releases of unknown or idle GPUs', () => {
    const pool = new GpuPool(['0']);
    pool.release('7');
    pool.release('0');
    assert.deepEqual(pool.load(), [{ id: '0', trials: 0 }]);
  });

  it('accepts multi-GPU and UUID ids, rejects bad ones', () => {
    assert.equal(new GpuPool(['0,1', 'GPU-8a3f-11']).size, 2);
    assert.throws(() => new GpuPool([]), /at least one GPU/);
    assert.throws(() => new GpuPool(['0; rm -rf ~']), /is not a GPU id/);
    assert.throws(() => new GpuPool(['']), /is not a GPU id/);
    assert.throws(() => new GpuPool(['0', '0']), /duplicate/);
  });
});
