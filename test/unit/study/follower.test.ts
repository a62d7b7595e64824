import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JournalCurvesSource } from '../../../src/core/curves/journalSource';
import type { CurvesDelta } from '../../../src/core/protocol/curves';
import { JournalFollower } from '../../../src/core/study/follower';

const header = { op: 'study', v: 2, name: 'demo', space: { params: [{ name: 'x', distribution: { type: 'float', low: 0, high: 1 } }] }, direction: 'minimize', metric: 'loss', sampler: 'random', seed: 1, studyFile: 'sweep.yaml', time: 1 };
const line = (o: object) => `${JSON.stringify(o)}\n`;
const trial = (n: number) => line({ op: 'trial', number: n, params: { x: n / 10 }, state: 'running', pid: 1, host: 'h', time: n }) + line({ op: 'value', number: n, step: 0, value: n }) + line({ op: 'finish', number: n, state: 'complete', value: n, time: n });

describe('journal follower: reads only what was appended', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-follow-'));
    file = path.join(dir, 'journal.jsonl');
    fs.writeFileSync(file, line(header) + trial(0) + trial(1));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts with the whole journal, then each poll applies only the appended bytes', () => {
    const f = new JournalFollower(file);
    const first = f.poll();
    assert.equal(first?.reset, true);
    assert.equal(f.study?.trials.length, 2);
    assert.equal(f.offset, fs.statSync(file).size);
    assert.equal(f.poll(), undefined, 'nothing new: nothing read');
    const before = f.offset;
    fs.appendFileSync(file, trial(2));
    const next = f.poll();
    assert.deepEqual([next?.reset, [...(next?.trials ?? [])]], [false, [2]]);
    assert.equal(f.offset - before, Buffer.byteLength(trial(2)), 'exactly the appended bytes were read');
  });

  it('waits for a cut line to be completed, and reads it once it is', () => {
    const f = new JournalFollower(file);
    f.poll();
    const text = trial(2);
    fs.appendFileSync(file, text.slice(0, 30));
    assert.equal(f.poll(), undefined);
    assert.equal(f.study?.trials.length, 2);
    fs.appendFileSync(file, text.slice(30));
    assert.deepEqual([...(f.poll()?.trials ?? [])], [2]);
    assert.equal(f.study?.trials[2].state, 'complete');
  });

  it('reads a truncated or replaced journal from the start', () => {
    const f = new JournalFollower(file);
    f.poll();
    fs.writeFileSync(file, line(header) + trial(0));
    assert.equal(f.poll()?.reset, true, 'truncated below what was read');
    assert.equal(f.study?.trials.length, 1);
    // Replaced in place with another study of the same size or more (same inode, other header).
    fs.writeFileSync(file, line({ ...header, name: 'other' }) + trial(0) + trial(1) + trial(2));
    assert.equal(f.poll()?.reset, true);
    assert.equal(f.study?.header.name, 'other');
    // Replaced by a new file (git checkout, mv): another inode.
    fs.writeFileSync(path.join(dir, 'next'), line(header) + trial(0) + trial(1) + trial(2) + trial(3));
    fs.renameSync(path.join(dir, 'next'), file);
    assert.equal(f.poll()?.reset, true);
    assert.equal(f.study?.trials.length, 4);
  });

  it('stops at a corrupt line in the middle with its line number, and reads again once it is fixed', () => {
    const f = new JournalFollower(file);
    f.poll();
    fs.appendFileSync(file, 'garbage\n' + trial(2));
    f.poll();
    assert.match(f.error?.message ?? '', /journal\.jsonl:8: corrupt study journal record/);
    assert.equal(f.study?.trials.length, 2, 'what came before the bad line is kept');
    assert.equal(f.poll(), undefined, 'an unchanged file is not read again');
    fs.writeFileSync(file, line(header) + trial(0) + trial(1) + trial(2));
    assert.equal(f.poll()?.reset, true);
    assert.equal(f.error, undefined);
    assert.equal(f.study?.trials.length, 3);
  });

  it('lets other readers share it: changesSince gives what they missed, or a reset', () => {
    const f = new JournalFollower(file);
    assert.deepEqual(f.changesSince(0), { reset: false, trials: new Set(), seq: 0 });
    f.poll();
    assert.equal(f.changesSince(0).reset, true);
    const seq = f.seq;
    fs.appendFileSync(file, trial(2));
    f.poll();
    fs.appendFileSync(file, trial(3));
    f.poll();
    const c = f.changesSince(seq);
    assert.deepEqual([c.reset, [...c.trials].sort(), c.seq], [false, [2, 3], f.seq]);
    assert.equal(f.changesSince(f.seq).trials.size, 0);
  });

  it('the curves panel reads through the store’s follower: no journal read of its own', async () => {
    const shared = new JournalFollower(file);
    shared.poll();
    const source = new JournalCurvesSource(file, 10_000, () => shared);
    source.snapshot();
    const deltas: CurvesDelta[] = [];
    const sub = source.onDidChange(d => deltas.push(d));
    fs.appendFileSync(file, trial(2));
    await source.refresh();
    assert.equal(deltas.length, 0, 'the store has not read the journal yet, so neither has the panel');
    shared.poll();
    await source.refresh();
    sub.dispose();
    assert.deepEqual(deltas.map(d => d.trials?.map(t => t.number)), [[2]]);
    assert.deepEqual(deltas[0].series?.map(s => [s.trial, s.steps]), [[2, [0]]]);
  });
});
