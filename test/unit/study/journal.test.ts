import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  JournalCorruptError,
  StudyExistsError,
  StudyJournal,
  findStaleTrials,
  parseJournal,
  readJournal,
  studyDirectory,
  type StudyCreatedRecord,
} from '../../../src/core/study/journal';
import { StudyLock, StudyLockedError } from '../../../src/core/study/lock';

const CHILD = path.join(__dirname, 'fixtures', 'journal-child.ts');
const header: Omit<StudyCreatedRecord, 'op' | 'v' | 'time'> = {
  name: 'demo',
  space: { params: [{ name: 'x', distribution: { type: 'float', low: 0, high: 1 } }] },
  direction: 'minimize',
  metric: 'loss',
  sampler: 'random',
  seed: 7,
  studyFile: '/tmp/demo.yaml',
};

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hp-journal-'));
}

/** Starts the writer child and resolves once `ready(line)` is true for a stdout line. */
function startChild(args: string[], ready: (line: string) => boolean): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, ['-r', require.resolve('esbuild-register'), CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', d => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', d => {
      buf += String(d);
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (ready(line)) resolve({ child, lines });
      }
    });
    child.on('exit', code => reject(new Error(`child exited early (${code}): ${stderr}`)));
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('study journal', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lives under <workspace>/.hpstudio/studies/<name>', () => {
    assert.equal(studyDirectory('/ws', 'mnist'), path.join('/ws', '.hpstudio', 'studies', 'mnist'));
  });

  it('replays what was appended, one JSON line per record', () => {
    const j = StudyJournal.open(dir, { create: header });
    j.append({ op: 'trial', number: 0, params: { x: 0.5 }, state: 'running', pid: 1, host: 'h', time: 1 });
    j.append({ op: 'value', number: 0, step: 0, value: 2 });
    j.append({ op: 'value', number: 0, step: 1, value: 1 });
    j.append({ op: 'finish', number: 0, state: 'complete', value: 1, time: 2 });
    j.close();
    const text = fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8');
    assert.equal(text.split('\n').length, 6);
    const { study } = readJournal(path.join(dir, 'journal.jsonl'));
    assert.equal(study.header.name, 'demo');
    assert.equal(study.trials.length, 1);
    assert.equal(study.trials[0].state, 'complete');
    assert.equal(study.trials[0].value, 1);
    assert.deepEqual([...study.trials[0].intermediate], [
      [0, 2],
      [1, 1],
    ]);
  });

  it('refuses records that do not fit the history before writing them', () => {
    const j = StudyJournal.open(dir, { create: header });
    assert.throws(() => j.append({ op: 'trial', number: 3, params: {}, state: 'running', time: 1 }), /out of sequence/);
    assert.throws(() => j.append({ op: 'value', number: 0, step: 0, value: 1 }), /trial 0 does not exist/);
    assert.throws(() => j.append({ op: 'value', number: 0, step: 0, value: Number.NaN }), /bad intermediate value/);
    j.close();
    assert.equal(fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').trim().split('\n').length, 1);
  });

  it('keeps every acknowledged record when a real writer is killed with SIGKILL mid-stream', async () => {
    const { child, lines } = await startChild(['append', dir, 'Infinity'], line => line === 'ack 200');
    await killHard(child);
    const acked = Math.max(...lines.filter(l => l.startsWith('ack ')).map(l => Number(l.slice(4))));
    const { study, validBytes } = readJournal(path.join(dir, 'journal.jsonl'));
    const records = fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').slice(0, validBytes).trim().split('\n').length;
    assert.ok(records >= acked, `${records} records replayed, ${acked} acknowledged`);
    // Every trial before the last one finished; values arrive in order.
    assert.ok(study.trials.length >= 200 / 5);
    for (const t of study.trials.slice(0, -1)) {
      assert.equal(t.state, 'complete');
      assert.deepEqual([...t.intermediate.keys()], [0, 1, 2]);
    }
    // The study is still writable after the crash: resume appends after a clean line.
    const j = StudyJournal.open(dir, { resume: true });
    const n = j.study.trials.length;
    const last = j.study.trials[n - 1];
    if (last.state === 'running') j.append({ op: 'finish', number: n - 1, state: 'fail', error: 'killed', time: 1 });
    j.append({ op: 'trial', number: n, params: { x: 0.1 }, state: 'running', pid: 1, host: 'h', time: 1 });
    j.close();
    assert.equal(readJournal(path.join(dir, 'journal.jsonl')).study.trials.length, n + 1);
  });

  it('tolerates a torn last line cut at any byte, and cuts it away before the next append', () => {
    const j = StudyJournal.open(dir, { create: header });
    j.append({ op: 'trial', number: 0, params: { x: 0.5 }, state: 'running', pid: 1, host: 'h', time: 1 });
    j.append({ op: 'value', number: 0, step: 0, value: 0.75 });
    j.close();
    const file = path.join(dir, 'journal.jsonl');
    const full = fs.readFileSync(file);
    const lastStart = full.lastIndexOf(0x0a, full.length - 2) + 1;
    for (let cut = lastStart + 1; cut < full.length; cut++) {
      fs.writeFileSync(file, full.subarray(0, cut));
      const parsed = readJournal(file);
      assert.equal(parsed.validBytes, lastStart, `cut at ${cut}`);
      assert.equal(parsed.study.trials[0].intermediate.size, 0, `cut at ${cut}`);
      assert.ok(parsed.tornTail);
    }
    // Reopen after the last cut: the torn bytes are removed and the next record starts on its own line.
    const r = StudyJournal.open(dir, { resume: true });
    assert.equal(r.repairedBytes, full.length - 1 - lastStart);
    r.append({ op: 'value', number: 0, step: 0, value: 0.5 });
    r.close();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    assert.deepEqual(JSON.parse(lines[2]), { op: 'value', number: 0, step: 0, value: 0.5 });
  });

  it('raises a clear error naming file and line for garbage in the middle', () => {
    const file = path.join(dir, 'journal.jsonl');
    const j = StudyJournal.open(dir, { create: header });
    j.append({ op: 'trial', number: 0, params: { x: 0.5 }, state: 'running', pid: 1, host: 'h', time: 1 });
    j.append({ op: 'value', number: 0, step: 0, value: 0.75 });
    j.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[1] = '{"op":"trial","number":0,"par';
    fs.writeFileSync(file, lines.join('\n'));
    assert.throws(
      () => readJournal(file),
      (err: unknown) => err instanceof JournalCorruptError && err.line === 2 && err.message.startsWith(`${file}:2: corrupt study journal record`),
    );
    assert.throws(() => StudyJournal.open(dir, { resume: true }), JournalCorruptError);
    // The failed open released the lock: nothing is left behind.
    assert.equal(fs.existsSync(path.join(dir, 'lock')), false);
  });

  it('reports semantically impossible records in the middle (unknown op, finish of a missing trial)', () => {
    const head = JSON.stringify({ op: 'study', v: 1, ...header, time: 0 });
    assert.throws(() => parseJournal(`${head}\n{"op":"teleport"}\n{"op":"heartbeat","pid":1,"host":"h","time":1}\n`, 'j.jsonl'), /j\.jsonl:2: .*unknown op "teleport"/);
    assert.throws(
      () => parseJournal(`${head}\n{"op":"finish","number":4,"state":"complete","time":1}\n{"op":"heartbeat","pid":1,"host":"h","time":1}\n`, 'j.jsonl'),
      /j\.jsonl:2: .*trial 4 does not exist/,
    );
    assert.throws(() => parseJournal('[1,2]\n{}\n', 'j.jsonl'), /j\.jsonl:1: .*not a JSON object/);
    assert.throws(() => parseJournal('', 'j.jsonl'), /no study header/);
  });

  it('starts afresh over a journal whose header itself was torn (crash during creation)', () => {
    const file = path.join(dir, 'journal.jsonl');
    fs.writeFileSync(file, '{"op":"study","v":1,"na');
    assert.equal(StudyJournal.exists(dir), false);
    const j = StudyJournal.open(dir, { create: header });
    assert.equal(StudyJournal.exists(dir), true);
    j.close();
    assert.equal(readJournal(file).study.header.name, 'demo');
    assert.equal(fs.readFileSync(file, 'utf8').split('\n').length, 2);
  });

  it('refuses to create over an existing study unless resuming', () => {
    StudyJournal.open(dir, { create: header }).close();
    assert.throws(() => StudyJournal.open(dir, { create: header }), (e: unknown) => e instanceof StudyExistsError && /--resume/.test(e.message));
    StudyJournal.open(dir, { create: header, resume: true }).close();
  });

  it('finds running trials whose owner died on this host or went silent elsewhere', () => {
    const j = StudyJournal.open(dir, { create: header });
    const host = os.hostname();
    const dead = 2 ** 22 + 12345; // above the default pid_max of small systems
    j.append({ op: 'trial', number: 0, params: { x: 0.1 }, state: 'running', pid: dead, host, time: 1000 });
    j.append({ op: 'trial', number: 1, params: { x: 0.2 }, state: 'running', pid: process.pid, host: 'other', time: 1000 });
    j.append({ op: 'trial', number: 2, params: { x: 0.3 }, state: 'running', pid: 99, host: 'fresh', time: 1000 });
    j.append({ op: 'heartbeat', pid: 99, host: 'fresh', time: 50_000 });
    const stale = findStaleTrials(j.study, { host, now: 60_000, graceMs: 30_000, isAlive: pid => pid !== dead });
    assert.deepEqual(
      stale.map(t => t.number),
      [0, 1],
    );
    j.close();
  });
});

describe('study lock', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a second writer process, then takes over once the owner is killed', async () => {
    const { child } = await startChild(['hold', dir], line => line === 'ready');
    try {
      assert.throws(
        () => StudyJournal.open(dir, { resume: true }),
        (err: unknown) =>
          err instanceof StudyLockedError && err.owner.pid === child.pid && err.message.includes(`is being run by pid ${child.pid} on host ${os.hostname()}`),
      );
    } finally {
      await killHard(child);
    }
    const j = StudyJournal.open(dir, { resume: true });
    assert.equal(j.lock.takenOverFrom?.pid, child.pid);
    // The writer's trial is still marked running in the journal; it is stale because its pid is gone.
    const stale = findStaleTrials(j.study, { host: os.hostname(), now: Date.now(), graceMs: 60_000 });
    assert.deepEqual(
      stale.map(t => t.number),
      [0],
    );
    j.close();
    assert.equal(fs.existsSync(path.join(dir, 'lock')), false, 'close releases the lock');
  });

  it('two writer processes: the second is refused with the owner named, and takes over once the first is SIGKILLed', async () => {
    const first = await startChild(['hold', dir], line => line === 'ready');
    const second = spawn(process.execPath, ['-r', require.resolve('esbuild-register'), CHILD, 'hold', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    second.stderr!.on('data', d => (stderr += String(d)));
    const code = await new Promise<number | null>(resolve => second.on('exit', c => resolve(c)));
    assert.notEqual(code, 0);
    assert.match(stderr, new RegExp(`is being run by pid ${first.child.pid} on host ${os.hostname()}`));
    await killHard(first.child);
    const third = await startChild(['hold', dir], line => line === 'ready');
    await killHard(third.child);
    // Both writers' records are whole lines, in order: the first writer's trial, then the third's.
    const { study } = readJournal(path.join(dir, 'journal.jsonl'));
    assert.deepEqual(
      study.trials.map(t => t.pid),
      [first.child.pid, third.child.pid],
    );
  });

  it('names the study, the pid and the host when the lock is held', () => {
    const lock = StudyLock.acquire(dir, 'mnist', { pid: 4242, host: 'gpu-7' });
    try {
      // Same host as the owner and its pid alive (our own pid stands in for a live process).
      assert.throws(() => StudyLock.acquire(dir, 'mnist', { host: 'gpu-7', isAlive: () => true }), /^Error: study mnist is being run by pid 4242 on host gpu-7 \(since /);
    } finally {
      lock.release();
    }
  });

  it('takes over a lock from another host only after the grace period without heartbeat', () => {
    const lock = StudyLock.acquire(dir, 's', { pid: 10, host: 'far-away' });
    assert.throws(() => StudyLock.acquire(dir, 's', { graceMs: 30_000 }), StudyLockedError);
    // Age the lock file as if its owner stopped touching it a minute ago.
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock.file, old, old);
    const mine = StudyLock.acquire(dir, 's', { graceMs: 30_000 });
    assert.equal(mine.takenOverFrom?.host, 'far-away');
    // The stale owner's release must not remove the new owner's lock.
    lock.release();
    assert.ok(fs.existsSync(mine.file));
    mine.release();
    assert.equal(fs.existsSync(mine.file), false);
  });

  it('treats an unreadable (half-written) lock file as stale', () => {
    fs.writeFileSync(path.join(dir, 'lock'), '{"pid":');
    const lock = StudyLock.acquire(dir, 's');
    assert.ok(lock.takenOverFrom);
    lock.release();
  });
});
