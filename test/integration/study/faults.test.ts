/**
 * Issue #16 items 1–3 against real `hpstudio tune` processes and real trial process trees:
 * a run suspended (SIGSTOP) past the grace period while a --resume takes over, a run killed with
 * SIGKILL, and two Ctrl-C in a row. Each waits for conditions (a line printed, a record written, a
 * process gone); the grace period is shortened through HPSTUDIO_STALE_MS so takeovers take seconds.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isGroupAlive } from '../../../src/core/runner/process-group';
import { readJournal } from '../../../src/core/study/journal';
import { processesIn } from '../worker/helpers';
import { journalNow, rawRecords, startCli, studyYaml, TRAINER, waitFor } from './cli';

describe('faults: nothing lost when a run is suspended, killed or interrupted twice (real processes)', function () {
  this.timeout(180_000);
  let ws: string;
  let journal: string;
  const started: Array<{ child: { kill(s: NodeJS.Signals): boolean }; exited: Promise<unknown> }> = [];
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-faults-'));
    fs.writeFileSync(path.join(ws, 'train.js'), TRAINER);
    journal = path.join(ws, '.hpstudio', 'studies', 'demo', 'journal.jsonl');
  });
  afterEach(async () => {
    for (const p of started.splice(0)) {
      p.child.kill('SIGCONT');
      p.child.kill('SIGKILL');
      await p.exited;
    }
    // Trials left behind by a failing test must not outlive it.
    if (fs.existsSync(journal)) for (const t of readJournal(journal).study.trials) if (t.pgid && isGroupAlive(t.pgid)) process.kill(-t.pgid, 'SIGKILL');
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('a run suspended past the grace period is taken over by --resume; when it wakes it stops its trials, exits with a clear message and writes nothing more', async () => {
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), studyYaml('demo', '  epochs: {value: 40}\n  delay: {value: 50}\n'));
    const env = { HPSTUDIO_STALE_MS: '2000', HPSTUDIO_HEARTBEAT_MS: '200' };
    const a = startCli(['tune', 'sweep.yaml', '--trials', '6', '--parallel', '2'], ws, env);
    started.push(a);
    await waitFor('a completed trial and two running ones with values', () => {
      const t = journalNow(journal)?.study.trials ?? [];
      return t.some(x => x.state === 'complete') && t.filter(x => x.state === 'running' && x.intermediate.size > 0).length === 2;
    });
    a.child.kill('SIGSTOP');
    // The condition a takeover needs: the suspended run's last heartbeat is older than the grace period.
    const lastBeat = () => Math.max(...rawRecords(journal).filter(r => r.pid === a.pid && typeof r.time === 'number').map(r => r.time as number));
    await waitFor('the suspended run to go stale', () => Date.now() - lastBeat() > 2500);
    const aMember = { w: rawRecords(journal).find(r => r.op === 'worker' && r.pid === a.pid)?.w as number };
    const aTrials = readJournal(journal).study.trials.filter(t => t.state === 'running' && t.pid === a.pid);

    const b = startCli(['tune', 'sweep.yaml', '--trials', '6', '--parallel', '2', '--resume', '--json'], ws, env);
    started.push(b);
    await waitFor('the takeover', () => b.stderr().includes(`took over study demo from pid ${a.pid}`));
    await waitFor('the suspended run’s trials to be stopped', () => aTrials.every(t => !isGroupAlive(t.pgid)));
    const fenceAt = rawRecords(journal).findIndex(r => r.op === 'fence' && r.w === aMember.w);
    assert.ok(fenceAt > 0, 'the takeover is recorded as a fence');

    a.child.kill('SIGCONT');
    assert.equal(await a.exited, 1, a.stderr());
    assert.match(a.stderr(), new RegExp(`hpstudio tune: study demo: this run \\(worker ${aMember.w}\\) was taken over by worker \\d+ \\(pid ${b.pid} on host .*\\) because its process \\(pid ${a.pid} on host .*\\) sent no heartbeat for \\d+ s \\(suspended, stopped or unreachable\\); it stopped its trials and wrote nothing more`));

    assert.equal(await b.exited, 0, b.stderr());
    const result = JSON.parse(b.stdout());
    assert.equal(result.status, 'finished');
    assert.equal(result.completed, 6);
    // Nothing the stale run believed after its fence reached the journal, and the journal replays cleanly.
    const after = rawRecords(journal).slice(fenceAt + 1);
    assert.deepEqual(after.filter(r => r.w === aMember.w), []);
    for (const t of aTrials) {
      const about = after.filter(r => r.number === t.number);
      assert.ok(about.every(r => r.w !== aMember.w), `trial ${t.number}: only the new owner wrote about it`);
    }
    const final = readJournal(journal);
    assert.equal(final.issueCount, 0);
    for (const t of aTrials) {
      assert.equal(final.study.trials[t.number].state, 'fail');
      assert.ok(final.study.trials.some(r => r.retryOf === t.number && r.state === 'complete'), `trial ${t.number} ran again`);
    }
    assert.equal(final.study.status.state, 'finished');
    assert.deepEqual(processesIn(ws, { trialsOnly: true }), [], 'no trial process left');
  });

  it('kill -9 of the CLI: --resume stops the trials it left running and runs them again, so the study reaches its budget', async () => {
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), studyYaml('demo', '  epochs: {value: 20}\n  delay: {value: 20}\n'));
    // The first run's trials train slowly (a second per epoch): they would go on long after their runner died.
    fs.writeFileSync(path.join(ws, 'slow'), '');
    const a = startCli(['tune', 'sweep.yaml', '--trials', '5', '--parallel', '2'], ws);
    started.push(a);
    const running = await waitFor('two running trials', () => {
      const r = (journalNow(journal)?.study.trials ?? []).filter(x => x.state === 'running' && x.intermediate.size > 0);
      return r.length === 2 ? r : undefined;
    });
    a.child.kill('SIGKILL');
    await a.exited;
    // The dead run's trials live on in their own process groups: one process each, nothing else.
    const survivors = processesIn(ws, { trialsOnly: true });
    assert.deepEqual(survivors.sort(), running.map(t => t.pgid).sort(), 'the trials outlived their runner');
    const completedBefore = readJournal(journal).study.trials.filter(t => t.state === 'complete');
    fs.rmSync(path.join(ws, 'slow'));

    const b = startCli(['tune', 'sweep.yaml', '--trials', '5', '--parallel', '2', '--resume', '--json'], ws);
    started.push(b);
    assert.equal(await b.exited, 0, b.stderr());
    assert.deepEqual(processesIn(ws, { trialsOnly: true }), [], 'no process of the dead run is left');
    for (const t of running) assert.match(b.stderr(), new RegExp(`stopped the processes trial ${t.number} left running \\(process group \\d+\\)`));
    const result = JSON.parse(b.stdout());
    assert.equal(result.completed, 5, 'the budget is reached');
    for (const t of completedBefore) assert.equal(result.trials[t.number].value, t.value, 'finished trials are kept');
    for (const t of running) {
      assert.match(result.trials[t.number].error, /^interrupted: its run \(pid \d+ on host .*\) is gone/);
      const rerun = result.trials.find((r: { number: number; params: { x: number }; state: string }) => r.number > t.number && r.params.x === t.params.x && r.state === 'complete');
      assert.ok(rerun, `trial ${t.number} ran again`);
    }
  });

  it('two Ctrl-C in a row skip the grace period but never the kill: no trial left running, the journal says stopped', async () => {
    // The trials ignore SIGTERM, so only the kill ends them; the grace period is the executor's 5 s.
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), studyYaml('demo', '  epochs: {value: 100000}\n  delay: {value: 50}\n  stubborn: {value: 1}\n'));
    const a = startCli(['tune', 'sweep.yaml', '--trials', '4', '--parallel', '2', '--json'], ws);
    started.push(a);
    const running = await waitFor('two running trials', () => {
      const r = (journalNow(journal)?.study.trials ?? []).filter(x => x.state === 'running' && x.intermediate.size > 0);
      return r.length === 2 ? r : undefined;
    });
    a.child.kill('SIGINT');
    await waitFor('the first Ctrl-C to be taken', () => /received, stopping/.test(a.stderr()));
    a.child.kill('SIGINT');
    const code = await a.exited;
    // Checked the moment the CLI is gone: every trial tree went before it.
    assert.deepEqual(processesIn(ws, { trialsOnly: true }), [], 'no trial process outlives the CLI');
    assert.equal(code, 130, a.stderr());
    assert.match(a.stderr(), /killing every trial now \(SIGKILL\)/);
    const study = readJournal(journal).study;
    assert.equal(study.status.state, 'stopped');
    assert.deepEqual(study.trials.filter(t => t.state === 'running'), []);
    for (const t of running) assert.match(study.trials[t.number].error ?? '', /^interrupted: the study was stopped/);
    assert.equal(JSON.parse(a.stdout()).status, 'interrupted');
  });
});
