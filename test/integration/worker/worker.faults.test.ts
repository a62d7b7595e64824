// Issue #16 item 10 the way the editor sees it: the real worker process, forked as the extension forks
// it, runs a trial whose metric is lost to the 64 KB line limit and one that writes more than the log
// cap. The notes reach the client as `warning` events (the Trials channel prints them as
// `warning: …`), and the failed trial's error names the cut line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrialExecutor, TrialHandle } from '../../../src/core/runner/types';
import { measurePruneLatency } from '../../../src/worker/studyHost';
import { sourceWorker, waitFor } from './helpers';

const CHATTY = path.resolve(__dirname, '../../fixtures/programs/chatty.js');

describe('worker process: trial output faults (issue #16)', function () {
  this.timeout(120_000);
  let dir: string;
  const cleanups: Array<() => void> = [];
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-worker-faults-'))));
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function studyFile(name: string, params: string): string {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, `name: ${name}\nprogram: ${CHATTY}\ncommand: [${process.execPath}, \${program}, \${args}]\nmethod: random\nmetric: {name: loss, goal: minimize}\nparameters:\n  x: {min: 0, max: 1}\n${params}`);
    return file;
  }

  it('sends a cut metric line and a capped log as warnings, and fails the trial with the cut line as its reason', async () => {
    const w = sourceWorker();
    cleanups.push(() => void w.client.dispose());
    const cut = await w.client.start({ studyFile: studyFile('cut', '  long: {value: 100}\n  no-final: {value: 1}\n'), workspace: dir, resume: false, trials: 1, parallel: 1 });
    assert.ok(cut.ok, cut.ok ? '' : cut.error);
    await waitFor('the first study to end', () => w.messages.find(m => m.type === 'ended' && m.study === 'cut'));
    const chatty = await w.client.start({ studyFile: studyFile('chatty', '  mb: {value: 17}\n'), workspace: dir, resume: false, trials: 1, parallel: 1 });
    assert.ok(chatty.ok, chatty.ok ? '' : chatty.error);
    await waitFor('the second study to end', () => w.messages.find(m => m.type === 'ended' && m.study === 'chatty'));

    const warnings = w.events.filter(e => e.type === 'warning').map(e => (e.type === 'warning' ? `${e.study}: ${e.message}` : ''));
    assert.ok(warnings.includes('cut: trial 0: stdout: a line of 100 KB was cut at 64 KB; metrics after the cut are not read'), warnings.join('\n'));
    assert.ok(warnings.includes('chatty: trial 0: stdout.log reached 16 MB; keeping its first 16 MB and the last 8 MB–16 MB of the output (stdout.tail.log)'), warnings.join('\n'));
    const finished = w.events.filter(e => e.type === 'trial-finished');
    const failed = finished.find(e => e.type === 'trial-finished' && e.study === 'cut');
    assert.ok(failed && failed.type === 'trial-finished');
    assert.equal(failed.state, 'fail');
    assert.match(failed.error ?? '', /^the metric "loss" was not read: stdout: a line of 100 KB was cut at 64 KB/);
    const completed = finished.find(e => e.type === 'trial-finished' && e.study === 'chatty');
    assert.ok(completed && completed.type === 'trial-finished');
    assert.deepEqual([completed.state, completed.value], ['complete', 0.25]);
  });

  it('the worker\'s executor wrapper passes notes, warnings and queued timing through', () => {
    const heard: string[] = [];
    const handle = { trialNumber: 0, done: new Promise<never>(() => {}), onMetric: () => {}, stop: () => Promise.resolve(), onNote: (l: (m: string) => void) => l('a note') } as TrialHandle;
    const inner: TrialExecutor = { name: 'slurm', queued: true, onWarning: l => l('a warning'), launch: () => handle, dispose: () => Promise.resolve() };
    const wrapped = measurePruneLatency(inner, () => {});
    assert.equal(wrapped.queued, true);
    wrapped.onWarning?.(m => heard.push(m));
    wrapped.launch({} as Parameters<TrialExecutor['launch']>[0]).onNote?.(m => heard.push(m));
    assert.deepEqual(heard, ['a warning', 'a note']);
  });
});
