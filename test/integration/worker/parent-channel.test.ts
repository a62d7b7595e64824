import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as path from 'node:path';

/**
 * The worker's messages to the extension while the extension goes away: CI saw the worker exit with code 1
 * on disconnect once (session 8, run 41). Cause: a send that fails while the parent closes the channel is
 * an unhandled 'error' event on `process` unless the send has a callback. Measured with a plain
 * `process.send`: 126 of 200 such children exited with code 1.
 */
describe('worker → extension channel', function () {
  this.timeout(120_000);

  it('a child flooding the parent with messages exits cleanly when the parent disconnects (20 children)', async () => {
    const child = path.join(__dirname, 'fixtures', 'flood-child.ts');
    for (let run = 0; run < 20; run++) {
      const proc = fork(child, [], { execArgv: ['-r', 'esbuild-register'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let stderr = '';
      proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      let received = 0;
      // Disconnect in the middle of the flood (after a few messages have arrived).
      proc.on('message', () => {
        if (++received === 5) proc.disconnect();
      });
      const code = await new Promise<number | null>(resolve => proc.on('exit', c => resolve(c)));
      assert.equal(code, 0, `child ${run + 1} of 20 exited with ${code}; its stderr: ${stderr.trim() || '(none)'}`);
    }
  });
});
