/**
 * The study journal and lock against real writer processes (test/unit/study/fixtures/journal-child.ts):
 * killed with SIGKILL mid-stream, and a second one resuming a study a live process runs.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StudyJournal, readJournal } from '../../../src/core/study/journal';
import { findStaleTrials } from '../../../src/core/study/liveness';
import { StudyLockedError } from '../../../src/core/study/lock';

const CHILD = path.resolve(__dirname, '../../unit/study/fixtures/journal-child.ts');

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

describe('study journal with real writer processes', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

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
    const j = await StudyJournal.open(dir, { resume: true });
    const n = j.study.trials.length;
    await j.append({ op: 'trial', number: n, params: { x: 0.1 }, state: 'running', w: j.w, pid: process.pid, host: os.hostname(), time: Date.now() });
    await j.close();
    assert.equal(readJournal(path.join(dir, 'journal.jsonl')).study.trials.length, n + 1);
  });

  it('refuses to resume a study a live writer process runs, naming it, and resumes once it is killed', async () => {
    const { child } = await startChild(['hold', dir], line => line === 'ready');
    try {
      await assert.rejects(
        StudyJournal.open(dir, { resume: true }),
        (err: unknown) => err instanceof StudyLockedError && err.message.includes(`is being run by pid ${child.pid} on host ${os.hostname()}`),
      );
    } finally {
      await killHard(child);
    }
    const j = await StudyJournal.open(dir, { resume: true });
    // The writer's trial is still marked running in the journal; it is stale because its pid is gone.
    const stale = findStaleTrials(j.study, { host: os.hostname(), now: Date.now(), graceMs: 60_000 });
    assert.deepEqual(stale.map(t => t.number), [0]);
    await j.close();
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
});
