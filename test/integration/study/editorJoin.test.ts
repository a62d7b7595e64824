/**
 * An editor joins a study a terminal runs (Resume on a study "running elsewhere"): the editor's
 * background worker and a `hpstudio tune --worker` process share one journal, one budget and unique
 * trial numbers.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readJournal } from '../../../src/core/study/journal';
import { processesIn, sourceWorker } from '../worker/helpers';
import { journalNow, startCli, studyYaml, TRAINER, waitFor, type CliProcess } from './cli';

describe('an editor worker joins a study a terminal runs (real processes)', function () {
  this.timeout(180_000);
  let ws: string;
  let cli: CliProcess | undefined;
  let worker: ReturnType<typeof sourceWorker> | undefined;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-join-'));
    fs.writeFileSync(path.join(ws, 'train.js'), TRAINER);
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), studyYaml('demo', '  epochs: {value: 8}\n  delay: {value: 50}\n'));
  });
  afterEach(async () => {
    await worker?.client.dispose();
    if (cli) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('both run trials of the one study until the shared budget is used', async () => {
    const journal = path.join(ws, '.hpstudio', 'studies', 'demo', 'journal.jsonl');
    // The terminal's trials train slowly until the editor has claimed one, so the terminal cannot use
    // the whole budget while the editor's worker is still starting (however slow the machine is).
    const slow = path.join(ws, 'slow');
    fs.writeFileSync(slow, '');
    cli = startCli(['tune', 'sweep.yaml', '--worker', '--trials', '12', '--json'], ws);
    await waitFor('the terminal run to start a trial', () => journalNow(journal)?.study.trials.length);
    worker = sourceWorker();
    const start = await worker.client.start({ studyFile: path.join(ws, 'sweep.yaml'), workspace: ws, resume: false, join: true });
    assert.equal(start.ok, true, JSON.stringify(start));
    await waitFor('the editor to claim a trial', () => journalNow(journal)?.study.trials.some(t => t.pid === worker!.client.pid));
    fs.rmSync(slow);
    const ended = await waitFor('the editor worker to end', () => worker!.messages.find(m => m.type === 'ended'));
    assert.equal(ended.type === 'ended' && ended.status, 'finished', JSON.stringify(ended));
    assert.equal(await cli.exited, 0, cli.stderr());
    const study = readJournal(journal).study;
    assert.equal(study.trials.length, 12);
    assert.deepEqual(study.trials.map(t => t.state), study.trials.map(() => 'complete'));
    const pids = new Set(study.trials.map(t => t.pid));
    assert.deepEqual([...pids].sort(), [cli.pid, worker.client.pid].sort(), 'trials came from both');
    assert.equal(study.status.state, 'finished');
    assert.deepEqual(processesIn(ws, { trialsOnly: true }), [], 'no trial process left');
  });
});
