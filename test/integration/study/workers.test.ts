/**
 * Many workers, one study (issue #15): eight real `hpstudio tune --worker` processes started at once on
 * one 200-trial study share the trial numbers and the budget through the journal's append lock; two
 * of them are killed with SIGKILL halfway, and their running trials are taken over by the others.
 * The trials are a tiny shell script, so the test measures the journal, not the trainer.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseJournal, readJournal, type JournalTrial } from '../../../src/core/study/journal';
import { processesIn } from '../worker/helpers';
import { journalNow, journalStory, startCli, studyYaml, TRAINER, waitFor, type CliProcess } from './cli';

const WORKERS = 8;
const BUDGET = 200;

function studyFile(retry: string): string {
  return [
    'name: shared',
    'program: train.sh',
    'command: [/bin/sh, "${program}", "${args}"]',
    'method: random',
    'metric: {name: loss, goal: minimize}',
    'parameters:',
    '  x: {min: 0.0, max: 1.0}',
    'parallel: 1',
    retry,
    '',
  ].join('\n');
}

/**
 * The trials the worker with this pid was running when it was fenced: the journal replayed up to its
 * fence record (the first record of a takeover), so nothing a survivor did about it is counted yet.
 */
function runningAtFence(journal: string, pid: number): JournalTrial[] {
  const lines = fs.readFileSync(journal, 'utf8').split('\n');
  const records = lines.map(l => (l.trim() ? (JSON.parse(l) as { op: string; w?: number; pid?: number }) : undefined));
  const w = records.find(r => r?.op === 'worker' && r.pid === pid)?.w;
  const fence = records.findIndex(r => r?.op === 'fence' && r.w === w);
  assert.ok(w !== undefined && fence > 0, `worker pid ${pid} joined and was fenced\n${journalStory(journal, [])}`);
  const before = parseJournal(lines.slice(0, fence).join('\n') + '\n', journal).study;
  return before.trials.filter(t => t.state === 'running' && t.w === w);
}

describe('many workers, one study (real processes)', function () {
  this.timeout(300_000);
  let ws: string;
  const workers: CliProcess[] = [];
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-workers-'));
    // Reads --x=…, trains a little (0.05 s… 0.25 s) and prints the loss.
    fs.writeFileSync(path.join(ws, 'train.sh'), 'x="${1#--x=}"\nsleep 0.$(( $$ % 3 ))5\necho "loss: $x"\n');
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      w.child.kill('SIGKILL');
      await w.exited;
    }
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('a worker with nothing left to claim stays until the trials running elsewhere end, then reports the whole study', async () => {
    fs.writeFileSync(path.join(ws, 'train.js'), TRAINER);
    fs.writeFileSync(path.join(ws, 'study.yaml'), studyYaml('shared', '  epochs: {value: 30}\n  delay: {value: 100}\n'));
    const journal = path.join(ws, '.hpstudio', 'studies', 'shared', 'journal.jsonl');
    const a = startCli(['tune', 'study.yaml', '--worker', '--trials', '1'], ws);
    workers.push(a);
    await waitFor('the first worker’s trial to run', () => journalNow(journal)?.study.trials.some(t => t.state === 'running' && t.intermediate.size > 0));
    const b = startCli(['tune', 'study.yaml', '--worker', '--trials', '1', '--json'], ws);
    workers.push(b);
    assert.equal(await b.exited, 0, b.stderr());
    // It left only once the trial it waited for was complete (it had no trial of its own to keep it alive).
    const summary = JSON.parse(b.stdout());
    assert.deepEqual([summary.status, summary.trials.map((t: { state: string }) => t.state)], ['finished', ['complete']]);
    assert.equal(await a.exited, 0, a.stderr());
  });

  for (const retry of ['', 'retry_failed: false']) {
    it(`8 workers started at once share a 200-trial study; kill -9 of two loses no completed trial and their running trials are ${retry ? 'failed' : 'run again'}`, async () => {
      fs.writeFileSync(path.join(ws, 'study.yaml'), studyFile(retry));
      const journal = path.join(ws, '.hpstudio', 'studies', 'shared', 'journal.jsonl');
      // Frequent heartbeats, so survivors look for gone workers often; the killed ones are found by their
      // dead pids at once. The stale period stays the default 30 s: a shorter one fenced a live worker
      // whose heartbeat a loaded machine delayed by 5 s (it then exited 1 and the test failed).
      const env = { HPSTUDIO_HEARTBEAT_MS: '300' };
      for (let i = 0; i < WORKERS; i++) workers.push(startCli(['tune', 'study.yaml', '--worker', '--trials', String(BUDGET), '--json'], ws, env));

      // Halfway, kill two workers that are running a trial right now.
      const victims = await waitFor('60 completed trials and two workers each running one', () => {
        const study = journalNow(journal)?.study;
        if (!study || study.trials.filter(t => t.state === 'complete').length < 60) return undefined;
        const busy = workers.filter(w => study.trials.some(t => t.state === 'running' && t.pid === w.pid));
        return busy.length >= 2 ? busy.slice(0, 2) : undefined;
      });
      for (const v of victims) v.child.kill('SIGKILL');
      await Promise.all(victims.map(v => v.exited));
      const completedAtKill = readJournal(journal).study.trials.filter(t => t.state === 'complete');

      const survivors = workers.filter(w => !victims.includes(w));
      const codes = await Promise.all(survivors.map(w => w.exited));
      assert.deepEqual(codes, survivors.map(() => 0), survivors.map(w => w.stderr()).join('\n---\n'));

      // What the victims were running when they died. Not a read of the journal after the kill: a
      // survivor may fence a victim (and fail its trials) before this process even sees the victim exit.
      // The journal itself tells it: everything a victim wrote precedes its fence.
      const orphaned = victims.flatMap(v => runningAtFence(journal, v.pid));
      assert.ok(orphaned.length >= 1, `the victims ran no trial at their death\n${journalStory(journal, [])}`);

      const parsed = readJournal(journal);
      const trials = parsed.study.trials;
      assert.equal(parsed.issueCount, 0, `every record fits: no lost or duplicated append (${parsed.issues.map(i => `line ${i.line}: ${i.detail}`).join('; ')})`);
      const counting = trials.filter(t => !(t.state === 'fail' && t.requeued));
      assert.equal(counting.length, BUDGET, 'exactly the budget, shared by every worker');
      assert.deepEqual(trials.map(t => t.number), trials.map((_, i) => i), 'unique, gapless trial numbers');
      // No trial ran twice: every sampled point is distinct, except a retry of an orphaned trial.
      const fresh = trials.filter(t => t.retryOf === undefined);
      assert.equal(new Set(fresh.map(t => t.params.x)).size, fresh.length, 'no point proposed twice (workers sample from their own seeds)');
      for (const t of completedAtKill) assert.deepEqual([trials[t.number].state, trials[t.number].value], ['complete', t.value], `completed trial ${t.number} kept`);
      const unexpected = trials.filter(x => !orphaned.some(o => o.number === x.number) && x.state !== 'complete');
      const why = () =>
        `victims: pids ${victims.map(v => v.pid).join(', ')}; running at their fence: trials ${orphaned.map(o => o.number).join(', ')}\n` +
        journalStory(journal, [...unexpected, ...orphaned].map(t => t.number));
      assert.deepEqual(unexpected.map(t => `trial ${t.number}: ${t.state} ${t.error}`), [], why());
      // The survivors' workers took the victims over: their trials failed, and ran again unless retry_failed: false.
      for (const t of orphaned) {
        const after = trials[t.number];
        assert.equal(after.state, 'fail', why());
        assert.ok(victims.some(v => v.pid === t.pid), why());
        assert.match(after.error ?? '', new RegExp(`^interrupted: its run \\(pid ${t.pid} on host .*\\) is gone`), why());
        const rerun = trials.find(r => r.retryOf === t.number);
        if (retry) assert.equal(rerun, undefined, `trial ${t.number} not queued again (retry_failed: false)`);
        else assert.equal(rerun?.state, 'complete', `trial ${t.number} ran again`);
      }
      assert.equal(parsed.study.status.state, 'finished');
      const fenced = [...parsed.study.members.values()].filter(m => m.fenced).map(m => m.pid).sort();
      assert.deepEqual(fenced, victims.map(v => v.pid).sort(), 'the two killed workers were fenced');
      // Every worker's summary is the whole study's.
      for (const w of survivors) assert.equal(JSON.parse(w.stdout()).trials.length, trials.length);
      assert.deepEqual(processesIn(ws, { trialsOnly: true }), [], 'no trial process left');
    });
  }
});
