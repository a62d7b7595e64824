import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  FencedError,
  JournalCorruptError,
  StudyExistsError,
  StudyJournal,
  findStaleTrials,
  parseJournal,
  readJournal,
  studyDirectory,
  type JournalRecord,
  type StudyCreatedRecord,
} from '../../../src/core/study/journal';
import { AppendLock, StudyLockedError, type LockStall } from '../../../src/core/study/lock';
import { memberAlive, whyGone, type LivenessPolicy } from '../../../src/core/study/liveness';
import type { JournalMember } from '../../../src/core/study/records';

const header: Omit<StudyCreatedRecord, 'op' | 'v' | 'time'> = {
  name: 'demo',
  space: { params: [{ name: 'x', distribution: { type: 'float', low: 0, high: 1 } }] },
  direction: 'minimize',
  metric: 'loss',
  sampler: 'random',
  seed: 7,
  studyFile: 'demo.yaml',
};
const host = os.hostname();

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hp-journal-'));
}
const lines = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n');
const headLine = JSON.stringify({ op: 'study', v: 1, ...header, time: 0 });

describe('study journal', function () {
  this.timeout(30_000);
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, 'journal.jsonl');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lives under <workspace>/.hpstudio/studies/<name>', () => {
    assert.equal(studyDirectory('/ws', 'mnist'), path.join('/ws', '.hpstudio', 'studies', 'mnist'));
  });

  it('replays what was appended, one JSON line per record, after the header and the worker that joined', async () => {
    const j = await StudyJournal.open(dir, { create: header });
    assert.equal(j.w, 1);
    void j.append({ op: 'trial', number: 0, params: { x: 0.5 }, state: 'running', w: 1, pid: 1, host: 'h', time: 1 });
    void j.append({ op: 'value', number: 0, w: 1, step: 0, value: 2 });
    void j.append({ op: 'value', number: 0, w: 1, step: 1, value: 1 });
    await j.append({ op: 'finish', number: 0, w: 1, state: 'complete', value: 1, time: 2 });
    await j.close();
    assert.equal(lines(file).length, 7);
    assert.equal(JSON.parse(lines(file)[6]).op, 'leave');
    assert.deepEqual(JSON.parse(lines(file)[1]), { op: 'worker', w: 1, pid: process.pid, host, time: JSON.parse(lines(file)[1]).time });
    const { study } = readJournal(file);
    assert.equal(study.header.name, 'demo');
    assert.equal(study.trials[0].state, 'complete');
    assert.equal(study.trials[0].value, 1);
    assert.deepEqual([...study.trials[0].intermediate], [[0, 2], [1, 1]]);
    assert.equal(fs.existsSync(path.join(dir, 'journal.lock')), false, 'the append lock is only held while writing');
  });

  it('refuses records that do not fit the history before writing them', async () => {
    const j = await StudyJournal.open(dir, { create: header });
    assert.throws(() => j.append({ op: 'trial', number: 3, params: {}, state: 'running', time: 1 }), /out of sequence/);
    assert.throws(() => j.append({ op: 'value', number: 0, step: 0, value: 1 }), /trial 0 does not exist/);
    assert.throws(() => j.append({ op: 'heartbeat', w: 5, pid: 1, host: 'h', time: 1 }), /worker 5, which never joined/);
    await j.close();
    assert.equal(lines(file).length, 3, 'the header, the worker joining and leaving');
  });

  it('tolerates a torn last line cut at any byte, and cuts it away before the next append', async () => {
    const j = await StudyJournal.open(dir, { create: header });
    void j.append({ op: 'trial', number: 0, params: { x: 0.5 }, state: 'running', w: 1, pid: 1, host: 'h', time: 1 });
    await j.append({ op: 'value', number: 0, w: 1, step: 0, value: 0.75 });
    await j.close();
    // As if the writer was killed before it left: the value is the last record.
    const all = fs.readFileSync(file);
    const full = all.subarray(0, all.lastIndexOf(0x0a, all.length - 2) + 1);
    const lastStart = full.lastIndexOf(0x0a, full.length - 2) + 1;
    for (let cut = lastStart + 1; cut < full.length; cut++) {
      fs.writeFileSync(file, full.subarray(0, cut));
      const parsed = readJournal(file);
      assert.equal(parsed.validBytes, lastStart, `cut at ${cut}`);
      assert.equal(parsed.study.trials[0].intermediate.size, 0, `cut at ${cut}`);
      assert.ok(parsed.tornTail);
    }
    // Resume after the last cut (the writer counts as dead): the torn bytes go, the next record starts on its own line.
    const r = await StudyJournal.open(dir, { resume: true, isAlive: pid => pid !== process.pid });
    assert.equal(r.repairedBytes, full.length - 1 - lastStart);
    const trial = r.study.trials[0];
    assert.equal(trial.state, 'running');
    await r.close();
    const text = lines(file);
    assert.equal(text.length, 5, text.join('\n'));
    assert.deepEqual(text.slice(3).map(l => JSON.parse(l).op), ['worker', 'leave']);
  });

  it('raises a clear error naming file and line for garbage in the middle', async () => {
    const j = await StudyJournal.open(dir, { create: header });
    void j.append({ op: 'trial', number: 0, params: { x: 0.5 }, state: 'running', w: 1, pid: 1, host: 'h', time: 1 });
    await j.append({ op: 'value', number: 0, w: 1, step: 0, value: 0.75 });
    await j.close();
    const text = fs.readFileSync(file, 'utf8').split('\n');
    text[2] = '{"op":"trial","number":0,"par';
    fs.writeFileSync(file, text.join('\n'));
    assert.throws(
      () => readJournal(file),
      (err: unknown) => err instanceof JournalCorruptError && err.line === 3 && err.message.startsWith(`${file}:3: corrupt study journal record`),
    );
    await assert.rejects(StudyJournal.open(dir, { resume: true }), JournalCorruptError);
    assert.equal(fs.existsSync(path.join(dir, 'journal.lock')), false, 'the failed open released the lock');
  });

  it('refuses lines that are not records, but skips and reports valid records that do not fit', () => {
    assert.throws(() => parseJournal(`${headLine}\n{"op":"teleport"}\n{"op":"heartbeat","pid":1,"host":"h","time":1}\n`, 'j.jsonl'), /j\.jsonl:2: .*unknown op "teleport"/);
    assert.throws(() => parseJournal('[1,2]\n{}\n', 'j.jsonl'), /j\.jsonl:1: .*not a JSON object/);
    assert.throws(() => parseJournal('', 'j.jsonl'), /no study header/);
    const parsed = parseJournal(`${headLine}\n{"op":"finish","number":4,"state":"complete","time":1}\n{"op":"heartbeat","pid":1,"host":"h","time":1}\n`, 'j.jsonl');
    assert.equal(parsed.issueCount, 1);
    assert.deepEqual(parsed.issues, [{ line: 2, detail: 'trial 4 does not exist' }]);
  });

  it('reads a journal a stale owner interleaved with the new one: keeps the first valid record, reports the rest', async () => {
    // What versions before fencing left when a suspended run woke up after a --resume took over:
    // both appended, so trial 1 finished twice and trial numbers came twice.
    const rec = (r: object) => JSON.stringify(r);
    const stale = { pid: 100, host: 'laptop' };
    const fresh = { pid: 200, host: 'laptop' };
    const text = [
      headLine,
      rec({ op: 'trial', number: 0, params: { x: 0.1 }, state: 'running', ...stale, time: 1 }),
      rec({ op: 'finish', number: 0, state: 'complete', value: 0.5, time: 2 }),
      rec({ op: 'trial', number: 1, params: { x: 0.2 }, state: 'running', ...stale, time: 3 }),
      // --resume takes over: trial 1 failed and queued again as 2, which the new owner starts.
      rec({ op: 'finish', number: 1, state: 'fail', error: 'interrupted', requeued: true, time: 40 }),
      rec({ op: 'trial', number: 2, params: { x: 0.2 }, state: 'waiting', time: 40, retryOf: 1 }),
      rec({ op: 'start', number: 2, ...fresh, time: 41 }),
      // The stale owner wakes up and writes what it believes.
      rec({ op: 'value', number: 1, step: 3, value: 0.4 }),
      rec({ op: 'finish', number: 1, state: 'complete', value: 0.4, time: 42 }),
      rec({ op: 'trial', number: 2, params: { x: 0.9 }, state: 'running', ...stale, time: 43 }),
      rec({ op: 'finish', number: 2, state: 'complete', value: 0.3, time: 50 }),
      rec({ op: 'trial', number: 3, params: { x: 0.7 }, state: 'running', ...fresh, time: 51 }),
      '',
    ].join('\n');
    fs.writeFileSync(file, text);
    const parsed = readJournal(file);
    assert.deepEqual(parsed.study.trials.map(t => [t.number, t.state, t.params.x]), [[0, 'complete', 0.1], [1, 'fail', 0.2], [2, 'complete', 0.2], [3, 'running', 0.7]]);
    assert.deepEqual(
      parsed.issues.map(i => i.line),
      [8, 9, 10],
    );
    assert.match(parsed.issues.map(i => i.detail).join('; '), /value of trial 1, which is not running; trial 1 finished twice; trial number 2 out of sequence \(expected 3\)/);
    // A resume reads it, says so, and goes on.
    const j = await StudyJournal.open(dir, { resume: true });
    assert.equal(j.replay.issueCount, 3);
    assert.match(j.replay.describeIssues() ?? '', /^3 records of .* did not fit the study's history and were skipped \(line 8: value of trial 1/);
    await j.append({ op: 'finish', number: 3, w: j.w, state: 'complete', value: 0.1, time: 60 });
    await j.close();
    assert.equal(readJournal(file).study.trials[3].state, 'complete');
  });

  it('starts afresh over a journal whose header itself was torn (crash during creation)', async () => {
    fs.writeFileSync(file, '{"op":"study","v":1,"na');
    assert.equal(StudyJournal.exists(dir), false);
    const j = await StudyJournal.open(dir, { create: header });
    assert.equal(StudyJournal.exists(dir), true);
    await j.close();
    assert.equal(readJournal(file).study.header.name, 'demo');
    assert.equal(lines(file).length, 3);
  });

  it('refuses to create over an existing study unless resuming or joining', async () => {
    await (await StudyJournal.open(dir, { create: header })).close();
    await assert.rejects(StudyJournal.open(dir, { create: header }), (e: unknown) => e instanceof StudyExistsError && /--resume/.test(e.message));
    await (await StudyJournal.open(dir, { create: header, resume: true })).close();
    await (await StudyJournal.open(dir, { create: header, join: true })).close();
  });

  it('refuses to resume a study a live worker runs (naming it), but lets a worker join', async () => {
    const first = await StudyJournal.open(dir, { create: header, pid: 4242, host: 'gpu-7' });
    await assert.rejects(StudyJournal.open(dir, { resume: true }), (e: unknown) => e instanceof StudyLockedError && /^study demo is being run by pid 4242 on host gpu-7 \(since .*join it as another worker/.test(e.message));
    const second = await StudyJournal.open(dir, { join: true });
    assert.equal(second.w, 2);
    await second.close();
    await first.close();
  });

  it('finds running trials whose owner died on this host or went silent elsewhere', async () => {
    const dead = 2 ** 22 + 12345; // above the default pid_max of small systems
    const text = [
      headLine,
      JSON.stringify({ op: 'trial', number: 0, params: { x: 0.1 }, state: 'running', pid: dead, host, time: 1000 }),
      JSON.stringify({ op: 'trial', number: 1, params: { x: 0.2 }, state: 'running', pid: process.pid, host: 'other', time: 1000 }),
      JSON.stringify({ op: 'trial', number: 2, params: { x: 0.3 }, state: 'running', pid: 99, host: 'fresh', time: 1000 }),
      JSON.stringify({ op: 'heartbeat', pid: 99, host: 'fresh', time: 50_000 }),
      JSON.stringify({ op: 'worker', w: 1, pid: 77, host: 'far', time: 1000 }),
      JSON.stringify({ op: 'trial', number: 3, params: { x: 0.4 }, state: 'running', w: 1, pid: 77, host: 'far', time: 1000 }),
      '',
    ].join('\n');
    const study = parseJournal(text, 'j').study;
    const stale = findStaleTrials(study, { host, now: 60_000, graceMs: 30_000, isAlive: pid => pid !== dead });
    assert.deepEqual(
      stale.map(t => t.number),
      [0, 1, 3],
    );
  });
});

describe('fencing: a worker that stopped responding writes nothing after another took it over', function () {
  this.timeout(30_000);
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, 'journal.jsonl');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('checks the fence before every append: the fenced worker’s next append is refused and nothing of it reaches the file', async () => {
    const a = await StudyJournal.open(dir, { create: header });
    await a.append({ op: 'trial', number: 0, params: { x: 0.5 }, state: 'running', w: a.w, pid: process.pid, host, time: 1 });
    // Another worker finds `a` silent and takes its trial over (under the lock).
    const b = await StudyJournal.open(dir, { join: true });
    await b.transact(study => {
      assert.equal(study.trials[0].state, 'running');
      return [
        { op: 'fence', w: a.w, by: b.w, reason: 'it sent no heartbeat for 31 s', time: 2 },
        { op: 'finish', number: 0, w: b.w, state: 'fail', error: 'interrupted: its run stopped', requeued: true, time: 2 },
        { op: 'trial', number: 1, params: { x: 0.5 }, state: 'waiting', w: b.w, time: 2, retryOf: 0 },
      ];
    });
    const before = fs.readFileSync(file, 'utf8');
    // `a` wakes up: its value looks fine to its stale view, but the write is refused under the lock.
    await assert.rejects(a.append({ op: 'value', number: 0, w: a.w, step: 1, value: 0.3 }), (e: unknown) => e instanceof FencedError && /taken over by worker 2 \(pid \d+ on host .*\) because it sent no heartbeat for 31 s/.test((e as Error).message));
    assert.throws(() => a.append({ op: 'heartbeat', w: a.w, pid: 1, host, time: 3 }), FencedError);
    assert.equal(fs.readFileSync(file, 'utf8'), before, 'nothing of the fenced worker reached the file');
    await b.append({ op: 'start', number: 1, w: b.w, pid: process.pid, host, time: 4 });
    await b.close();
    await a.close();
    assert.equal(readJournal(file).issueCount, 0);
  });

  it('a worker that left writes nothing more: a heartbeat or take-over queued behind its leave is dropped, so every replay fits', async () => {
    const a = await StudyJournal.open(dir, { create: header });
    const b = await StudyJournal.open(dir, { join: true });
    // `a` leaves while its heartbeat timer and a take-over check fire before the leave reached the file (one batch).
    const leaving = a.transact(() => [{ op: 'leave', w: a.w, reason: 'finished', time: 5 }]);
    const beat = a.append({ op: 'heartbeat', w: a.w, pid: process.pid, host, time: 6 });
    const takeOver = a.transact(() => [{ op: 'fence', w: b.w, by: a.w, reason: 'it sent no heartbeat for 31 s', time: 6 }]);
    await Promise.all([leaving, beat, takeOver]);
    await a.close();
    const ops = lines(file).map(l => JSON.parse(l) as JournalRecord).filter(r => 'w' in r && r.w === a.w || r.op === 'fence');
    assert.deepEqual(ops.map(r => r.op).slice(-1), ['leave'], 'the leave is the last record of worker 1');
    await b.append({ op: 'heartbeat', w: b.w, pid: process.pid, host, time: 7 });
    await b.close();
    const parsed = readJournal(file);
    assert.equal(parsed.issueCount, 0, parsed.issues.map(i => i.detail).join('; '));
  });

  it('a fenced worker learns of its fence from a catch-up too: its late value is refused as fenced, not as a trial that is not running', async () => {
    const a = await StudyJournal.open(dir, { create: header });
    await a.append({ op: 'trial', number: 0, params: { x: 0.5 }, state: 'running', w: a.w, pid: process.pid, host, time: 1 });
    const b = await StudyJournal.open(dir, { join: true });
    await b.transact(() => [
      { op: 'fence', w: a.w, by: b.w, reason: 'it sent no heartbeat for 31 s', time: 2 },
      { op: 'finish', number: 0, w: b.w, state: 'fail', error: 'interrupted: its run stopped', requeued: true, time: 2 },
    ]);
    const before = fs.readFileSync(file, 'utf8');
    // `a` wakes up and its heartbeat reads the journal first (no lock): the takeover is now in its view.
    assert.throws(() => a.catchUp(), (e: unknown) => e instanceof FencedError && /taken over by worker 2/.test((e as Error).message));
    assert.equal(a.study.trials[0].state, 'fail');
    // Then its trial's buffered output arrives: the value is refused because of the fence.
    assert.throws(() => a.append({ op: 'value', number: 0, w: a.w, step: 1, value: 0.3 }), FencedError);
    assert.throws(() => a.catchUp(), FencedError);
    await a.close();
    assert.equal(fs.readFileSync(file, 'utf8'), before, 'nothing of the fenced worker reached the file');
    await b.close();
  });

  it('skips what a fenced worker wrote anyway (suspended between its check and its write)', () => {
    const rec = (r: JournalRecord) => JSON.stringify(r);
    const text = [
      headLine,
      rec({ op: 'worker', w: 1, pid: 10, host: 'a', time: 1 }),
      rec({ op: 'trial', number: 0, params: { x: 0.1 }, state: 'running', w: 1, pid: 10, host: 'a', time: 1 }),
      rec({ op: 'worker', w: 2, pid: 20, host: 'b', time: 40 }),
      rec({ op: 'fence', w: 1, by: 2, reason: 'silent', time: 40 }),
      rec({ op: 'finish', number: 0, w: 2, state: 'fail', error: 'interrupted', requeued: true, time: 40 }),
      rec({ op: 'trial', number: 1, params: { x: 0.1 }, state: 'waiting', w: 2, time: 40, retryOf: 0 }),
      rec({ op: 'trial', number: 2, params: { x: 0.9 }, state: 'running', w: 1, pid: 10, host: 'a', time: 41 }),
      rec({ op: 'start', number: 1, w: 2, pid: 20, host: 'b', time: 42 }),
      rec({ op: 'value', number: 1, w: 1, step: 0, value: 9 }),
      rec({ op: 'value', number: 1, w: 2, step: 0, value: 0.2 }),
      '',
    ].join('\n');
    const parsed = parseJournal(text, 'j');
    assert.deepEqual(parsed.study.trials.map(t => t.number), [0, 1]);
    assert.deepEqual([...parsed.study.trials[1].intermediate], [[0, 0.2]]);
    assert.deepEqual(
      parsed.issues.map(i => i.line),
      [8, 10],
    );
    assert.match(parsed.issues[0].detail, /written by worker 1 after it was fenced by worker 2/);
  });
});

describe('append lock', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is exclusive: a second holder waits until the first releases it', async () => {
    const a = new AppendLock(dir);
    const b = new AppendLock(dir);
    await a.acquire();
    let bHas = false;
    const waiting = b.acquire().then(() => (bHas = true));
    await new Promise(r => setTimeout(r, 50));
    assert.equal(bHas, false);
    assert.ok(a.holds());
    a.release();
    await waiting;
    assert.ok(b.holds());
    assert.equal(a.holds(), false);
    b.release();
    assert.equal(fs.existsSync(b.file), false);
  });

  it('takes over a lock whose holder died on this host at once, and one from another host only once it is stale', async () => {
    const dead = 2 ** 22 + 999;
    fs.writeFileSync(path.join(dir, 'journal.lock'), JSON.stringify({ pid: dead, host, time: 1, token: 'x' }));
    const mine = new AppendLock(dir, { isAlive: pid => pid !== dead });
    await mine.acquire();
    assert.equal(mine.takenOver[0].pid, dead);
    mine.release();

    fs.writeFileSync(path.join(dir, 'journal.lock'), JSON.stringify({ pid: 10, host: 'far-away', time: 1, token: 'y' }));
    const waiter = new AppendLock(dir, { staleMs: 60_000 });
    let got = false;
    const waiting = waiter.acquire().then(() => (got = true));
    await new Promise(r => setTimeout(r, 100));
    assert.equal(got, false, 'a fresh lock of another host is respected');
    // Age it as if its holder stopped a minute ago.
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(path.join(dir, 'journal.lock'), old, old);
    await waiting;
    assert.equal(waiter.takenOver[0].host, 'far-away');
    waiter.release();
  });

  it('treats a half-written lock as being created, not as stale, until it is old', async () => {
    fs.writeFileSync(path.join(dir, 'journal.lock'), '{"pid":');
    const lock = new AppendLock(dir, { staleMs: 150 });
    const started = Date.now();
    await lock.acquire();
    assert.ok(Date.now() - started >= 100, 'waited for the half-written lock to age');
    lock.release();
  });

  it('a holder whose lock was taken over does not remove the new holder’s lock', async () => {
    const a = new AppendLock(dir, { staleMs: 100 });
    await a.acquire();
    const old = new Date(Date.now() - 10_000);
    fs.utimesSync(a.file, old, old);
    const b = new AppendLock(dir, { staleMs: 100 });
    await b.acquire();
    assert.equal(a.holds(), false, 'the stalled holder sees the lock is no longer its own');
    a.release();
    assert.ok(b.holds());
    b.release();
  });

  it('a waiter never finds the lock empty or half-written, and no draft is left behind', async () => {
    const a = new AppendLock(dir);
    const b = new AppendLock(dir);
    await a.acquire();
    const waiting = b.acquire();
    for (let i = 0; i < 20; i++) {
      // Whenever the lock exists, it names its holder: a writer killed while creating it leaves nothing to age out.
      const text = fs.readFileSync(a.file, 'utf8');
      assert.equal(JSON.parse(text).pid, process.pid);
      await new Promise(r => setImmediate(r));
    }
    a.release();
    await waiting;
    b.release();
    assert.deepEqual(fs.readdirSync(dir), [], 'no lock and no draft left');
  });

  it('records a wait past a heartbeat as a stall, naming the stale holder that caused it', async () => {
    const holder = { pid: process.ppid, host, time: 1, token: 'z' };
    fs.writeFileSync(path.join(dir, 'journal.lock'), JSON.stringify(holder));
    const lock = new AppendLock(dir, { staleMs: 200, stallMs: 50 });
    await lock.acquire();
    const stall = lock.lastStall();
    assert.ok(stall, 'the wait for the live holder’s lock to go stale is a stall');
    assert.ok(stall.to - stall.from >= 150, `stall ${stall.to - stall.from} ms`);
    assert.deepEqual(stall.holders.map(h => h.pid), [process.ppid]);
    lock.release();
    const quick = new AppendLock(dir, { staleMs: 200, stallMs: 50 });
    await quick.acquire();
    assert.equal(quick.lastStall(), undefined, 'a free lock is no stall');
    quick.release();
  });
});

describe('liveness after a stall of the journal', () => {
  const now = 1_000_000;
  const member = (pid: number, lastSeen: number): JournalMember => ({ w: pid, pid, host: 'far', joined: 0, lastSeen });
  const policy = (stall?: LockStall): LivenessPolicy => ({ host, now, graceMs: 30_000, stall });

  it('forgives the silence of workers that could not append while the lock was stuck', () => {
    const waiter = member(11, now - 40_000);
    const stuck = member(12, now - 40_000);
    const stall: LockStall = { from: now - 35_000, to: now - 100, holders: [{ pid: 12, host: 'far', time: 0 }] };
    assert.equal(memberAlive(waiter, policy()), false, 'without a stall, 40 s of silence is gone');
    assert.equal(memberAlive(waiter, policy(stall)), true, 'a worker waiting on the stuck lock is not fenced');
    assert.equal(memberAlive(stuck, policy(stall)), false, 'the holder whose stale lock stalled the journal is');
    assert.match(whyGone(stuck, policy(stall)), /no heartbeat for 40 s/);
  });

  it('counts silence again from the end of the stall', () => {
    const stall: LockStall = { from: now - 80_000, to: now - 31_000, holders: [] };
    assert.equal(memberAlive(member(11, now - 90_000), policy(stall)), false);
  });
});
