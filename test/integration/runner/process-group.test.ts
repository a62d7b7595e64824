import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { isGroupAlive, isSignallablePid, signalGroup, terminateGroup } from '../../../src/core/runner/process-group';

/** A detached bash (its own process group) with a background child; optionally ignoring SIGTERM. */
function group(ignoreTerm: boolean): Promise<number> {
  const script = `${ignoreTerm ? "trap '' TERM; " : ''}sleep 1000 & echo ready; wait`;
  const child = spawn('bash', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', () => resolve(child.pid as number));
  });
}

describe('runner/process-group', function () {
  this.timeout(120_000);
  it('terminateGroup ends a cooperative group with SIGTERM only', async () => {
    const pgid = await group(false);
    assert.equal(isGroupAlive(pgid), true);
    // A grace beyond the test's timeout: no SIGKILL can be needed for killed: false.
    assert.deepEqual(await terminateGroup(pgid, { graceMs: 3_600_000 }), { killed: false, survivors: false });
    assert.equal(isGroupAlive(pgid), false);
  });

  it('terminateGroup escalates to SIGKILL for a group that ignores SIGTERM', async () => {
    const pgid = await group(true);
    assert.deepEqual(await terminateGroup(pgid, { graceMs: 200 }), { killed: true, survivors: false });
    assert.equal(isGroupAlive(pgid), false);
  });

  it('does nothing for a group that is already gone or a pid that must never be signalled', async () => {
    const pgid = await group(false);
    await terminateGroup(pgid, { graceMs: 1000 });
    assert.equal(isGroupAlive(pgid), false);
    assert.deepEqual(await terminateGroup(pgid, { graceMs: 0 }), { killed: false, survivors: false });
    for (const pid of [undefined, 0, 1, -1, 1.5]) {
      assert.equal(isSignallablePid(pid), false);
      assert.equal(signalGroup(pid, 'SIGTERM'), false);
      assert.equal(isGroupAlive(pid), false);
      assert.deepEqual(await terminateGroup(pid, { graceMs: 0 }), { killed: false, survivors: false });
    }
    assert.equal(isSignallablePid(2), true);
  });
});
