// The study list the editor shows, read from real journals written by the real StudyJournal.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StudyJournal, studyDirectory } from '../../../src/core/study/journal';
import { listStudyDirs, readStudySnapshot } from '../../../src/core/study/studyIndex';

const space = { params: [{ name: 'lr', distribution: { type: 'float' as const, low: 1e-4, high: 0.1, log: true } }] };

describe('study index: state from the journal and the lock', () => {
  let ws: string;
  let studyFile: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-index-'));
    studyFile = path.join(ws, 'q.study.yaml');
    fs.writeFileSync(studyFile, '# source: train.yaml\nname: q\nprogram: train.py\nmetric: {name: loss, goal: minimize}\nparameters:\n  lr: {min: 0.0001, max: 0.1, distribution: log_uniform_values}\ntrials: 3\n');
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  function journal(name = 'q'): StudyJournal {
    return StudyJournal.open(studyDirectory(ws, name), { create: { name, space, direction: 'minimize', metric: 'loss', sampler: 'random', seed: 1, studyFile } });
  }
  function finishTrial(j: StudyJournal, n: number, value: number, state: 'complete' | 'pruned' | 'fail' = 'complete'): void {
    j.append({ op: 'trial', number: n, params: { lr: 0.001 * (n + 1) }, state: 'running', pid: process.pid, host: os.hostname(), time: Date.now() });
    j.append({ op: 'value', number: n, step: 2, value: value + 1 });
    j.append({ op: 'value', number: n, step: 1, value: value + 2 });
    j.append({ op: 'finish', number: n, state, value: state === 'fail' ? undefined : value, time: Date.now() });
  }

  it('reports a study run by this worker as running here, with counts, best and sorted curves', () => {
    const j = journal();
    finishTrial(j, 0, 0.5);
    finishTrial(j, 1, 0.2);
    const s = readStudySnapshot(j.dir, ws, { workerPid: process.pid });
    assert.equal(s.state, 'running');
    assert.equal(s.runner, 'here');
    assert.equal(s.budget, 3, 'the budget comes from the study file');
    assert.equal(s.source, path.join(ws, 'train.yaml'));
    assert.deepEqual(s.counts, { complete: 2, pruned: 0, fail: 0, running: 0, waiting: 0 });
    assert.deepEqual(s.best, { number: 1, value: 0.2, params: { lr: 0.002 } });
    assert.deepEqual(s.trials[0].intermediate, [[1, 2.5], [2, 1.5]]);
    assert.equal(readStudySnapshot(j.dir, ws, { workerPid: 1 }).runner, 'elsewhere', 'another live process holds the lock');
    j.close();
  });

  it('says finished when the budget is used and idle when it is not (lock released)', () => {
    const j = journal();
    finishTrial(j, 0, 0.5);
    finishTrial(j, 1, 0.4);
    j.close();
    assert.equal(readStudySnapshot(j.dir, ws).state, 'idle');
    const again = StudyJournal.open(j.dir, { resume: true });
    finishTrial(again, 2, 0.3, 'pruned');
    again.close();
    const s = readStudySnapshot(j.dir, ws);
    assert.equal(s.state, 'finished');
    assert.equal(s.done, 3);
  });

  it('says paused / stopped as the journal records them', () => {
    const j = journal();
    finishTrial(j, 0, 0.5, 'fail');
    j.append({ op: 'state', state: 'paused', reason: '3 fast failures', time: Date.now() });
    j.close();
    assert.deepEqual([readStudySnapshot(j.dir, ws).state, readStudySnapshot(j.dir, ws).reason], ['paused', '3 fast failures']);
    const again = StudyJournal.open(j.dir, { resume: true });
    again.append({ op: 'state', state: 'stopped', reason: 'interrupted', time: Date.now() });
    again.close();
    assert.equal(readStudySnapshot(j.dir, ws).state, 'stopped');
  });

  it('recognises a crashed runner: the lock of a dead process and its running trial', async () => {
    // A real process that owns the study and then dies without releasing anything.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const pid = child.pid as number;
    const j = StudyJournal.open(studyDirectory(ws, 'q'), { pid, create: { name: 'q', space, direction: 'minimize', metric: 'loss', sampler: 'random', seed: 1, studyFile } });
    j.append({ op: 'trial', number: 0, params: { lr: 0.01 }, state: 'running', pid, host: os.hostname(), time: Date.now() });
    // Leave the lock file behind, as a SIGKILLed runner does.
    (j as unknown as { lock: { release(): void } }).lock.release = () => {};
    j.close();
    assert.equal(readStudySnapshot(j.dir, ws).state, 'running', 'alive owner: running elsewhere');
    child.kill('SIGKILL');
    await new Promise(r => child.on('exit', r));
    const s = readStudySnapshot(j.dir, ws);
    assert.equal(s.state, 'crashed');
    assert.match(s.reason ?? '', new RegExp(`pid ${pid} on .* is gone`));
    assert.equal(s.counts.running, 1);
  });

  it('lists only folders with a journal, and reports a corrupt journal instead of throwing', () => {
    journal('a').close();
    fs.mkdirSync(path.join(ws, '.hpstudio/studies/empty'), { recursive: true });
    const b = journal('b');
    b.close();
    fs.appendFileSync(path.join(b.dir, 'journal.jsonl'), 'garbage\n{"op":"heartbeat","pid":1,"host":"h","time":1}\n');
    const dirs = listStudyDirs(ws);
    assert.deepEqual(dirs.map(d => path.basename(d)), ['a', 'b']);
    const broken = readStudySnapshot(dirs[1], ws);
    assert.equal(broken.name, 'b');
    assert.match(broken.error ?? '', /journal\.jsonl:2: corrupt study journal record/);
    assert.deepEqual(listStudyDirs(path.join(ws, 'nowhere')), []);
  });
});
