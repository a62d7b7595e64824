// The study list the editor shows, read from real journals written by the real StudyJournal.
// Workers whose process dies holding the study: test/integration/study/studyIndex-crash.test.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StudyJournal, studyDirectory } from '../../../src/core/study/journal';
import { StudyLibrary } from '../../../src/core/study/library';
import { listStudyDirs, readStudySnapshot, StudyReader } from '../../../src/core/study/studyIndex';
import { tallyTrials } from '../../../src/core/study/summary';

const space = { params: [{ name: 'lr', distribution: { type: 'float' as const, low: 1e-4, high: 0.1, log: true } }] };

describe('study index: state, budget and workers from the journal', () => {
  let ws: string;
  let studyFile: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-index-'));
    studyFile = path.join(ws, 'q.study.yaml');
    fs.writeFileSync(studyFile, '# source: train.yaml\nname: q\nprogram: train.py\nmetric: {name: loss, goal: minimize}\nparameters:\n  lr: {min: 0.0001, max: 0.1, distribution: log_uniform_values}\ntrials: 3\n');
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  const header = (name: string) => ({ name, space, direction: 'minimize' as const, metric: 'loss', sampler: 'random', seed: 1, studyFile: 'q.study.yaml' });
  function journal(name = 'q', extra: Partial<Parameters<typeof StudyJournal.open>[1]> = {}): Promise<StudyJournal> {
    return StudyJournal.open(studyDirectory(ws, name), { create: header(name), ...extra });
  }
  async function finishTrial(j: StudyJournal, n: number, value: number, state: 'complete' | 'pruned' | 'fail' = 'complete'): Promise<void> {
    void j.append({ op: 'trial', number: n, params: { lr: 0.001 * (n + 1) }, state: 'running', w: j.w, pid: process.pid, host: os.hostname(), time: Date.now() });
    void j.append({ op: 'value', number: n, w: j.w, step: 2, value: value + 1 });
    void j.append({ op: 'value', number: n, w: j.w, step: 1, value: value + 2 });
    await j.append({ op: 'finish', number: n, w: j.w, state, value: state === 'fail' ? undefined : value, time: Date.now() });
  }

  it('reports a study run by this worker as running here, with counts, best and sorted curves', async () => {
    const j = await journal();
    await finishTrial(j, 0, 0.5);
    await finishTrial(j, 1, 0.2);
    const s = readStudySnapshot(j.dir, ws, { workerPid: process.pid });
    assert.equal(s.state, 'running');
    assert.equal(s.runner, 'here');
    assert.equal(s.workers, 1);
    assert.equal(s.studyFile, studyFile, 'the relative study file resolves under the workspace');
    assert.equal(s.budget, 3, 'no budget recorded: the study file says');
    assert.equal(s.source, path.join(ws, 'train.yaml'));
    assert.deepEqual(s.counts, { complete: 2, pruned: 0, fail: 0, running: 0, waiting: 0 });
    assert.deepEqual(s.best, { number: 1, value: 0.2, params: { lr: 0.002 } });
    assert.deepEqual(s.trials[0].intermediate, [[1, 2.5], [2, 1.5]]);
    assert.equal(readStudySnapshot(j.dir, ws, { workerPid: 1 }).runner, 'elsewhere', 'another live process runs it');
    await j.close();
  });

  it('shows the budget and the end the run recorded (a CLI --trials 50), not the study file’s', async () => {
    const j = await journal('q', { onJoin: (_s, w) => [{ op: 'state', state: 'running', budget: 2, explicit: true, w, time: Date.now() }] });
    await finishTrial(j, 0, 0.5);
    assert.equal(readStudySnapshot(j.dir, ws).budget, 2);
    await finishTrial(j, 1, 0.4);
    await j.transact(() => [{ op: 'state', state: 'finished', w: j.w, time: Date.now() }]);
    await j.close();
    fs.rmSync(studyFile);
    const s = readStudySnapshot(j.dir, ws);
    assert.deepEqual([s.state, s.done, s.budget], ['finished', 2, 2]);
  });

  it('says finished when the budget is used and idle when it is not (nobody runs it)', async () => {
    const j = await journal();
    await finishTrial(j, 0, 0.5);
    await finishTrial(j, 1, 0.4);
    await j.close();
    assert.equal(readStudySnapshot(j.dir, ws).state, 'idle');
    const again = await StudyJournal.open(j.dir, { resume: true });
    await finishTrial(again, 2, 0.3, 'pruned');
    await again.close();
    const s = readStudySnapshot(j.dir, ws);
    assert.equal(s.state, 'finished');
    assert.equal(s.done, 3);
  });

  it('says paused / stopped as the journal records them', async () => {
    const j = await journal();
    await finishTrial(j, 0, 0.5, 'fail');
    await j.append({ op: 'state', state: 'paused', reason: '3 fast failures', w: j.w, time: Date.now() });
    await j.close();
    assert.deepEqual([readStudySnapshot(j.dir, ws).state, readStudySnapshot(j.dir, ws).reason], ['paused', '3 fast failures']);
    const again = await StudyJournal.open(j.dir, { resume: true });
    await again.append({ op: 'state', state: 'stopped', reason: 'interrupted', w: again.w, time: Date.now() });
    await again.close();
    assert.equal(readStudySnapshot(j.dir, ws).state, 'stopped');
  });

  it('rebuilds only the trials whose records changed (a long study costs what it appended)', async () => {
    const j = await journal();
    for (let n = 0; n < 5; n++) await finishTrial(j, n, n);
    const reader = new StudyReader(j.dir, ws);
    const first = [...reader.refresh().snapshot.trials];
    await finishTrial(j, 5, 0.1);
    const { snapshot, change } = reader.refresh();
    assert.deepEqual([...(change?.trials ?? [])], [5]);
    assert.equal(snapshot.trials.length, 6);
    for (let n = 0; n < 5; n++) assert.equal(snapshot.trials[n], first[n], `trial ${n} kept, not rebuilt`);
    assert.equal(reader.refresh().change, undefined, 'nothing appended: nothing read');
    await j.close();
  });

  it('keeps counts, trials done and the best trial equal to a full tally while trials change (seeded)', async () => {
    const seed = 20261206;
    let state = seed;
    const rand = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const j = await journal();
    const reader = new StudyReader(j.dir, ws);
    const running: number[] = [];
    for (let round = 0; round < 40; round++) {
      for (let k = 0; k < 3; k++) {
        if (running.length > 0 && rand() < 0.6) {
          const n = running.splice(Math.floor(rand() * running.length), 1)[0];
          const r = rand();
          const st = r < 0.5 ? 'complete' : r < 0.7 ? 'pruned' : 'fail';
          void j.append({ op: 'finish', number: n, w: j.w, state: st, value: st === 'fail' ? undefined : Math.round(rand() * 4) / 4, requeued: st === 'fail' && rand() < 0.5 ? true : undefined, time: round });
        } else {
          const n = j.study.trials.length;
          void j.append({ op: 'trial', number: n, params: { lr: 0.01 }, state: 'running', w: j.w, pid: process.pid, host: os.hostname(), time: round });
          running.push(n);
        }
      }
      await j.flush();
      const snap = reader.refresh().snapshot;
      const full = tallyTrials(j.study.trials, 'minimize');
      assert.deepEqual([snap.counts, snap.done, snap.best], [full.counts, full.done, full.best], `seed ${seed}, round ${round}`);
    }
    await j.close();
  });

  it('finds a version-1 journal’s absolute study file again after the study was moved', async () => {
    const j = await journal();
    await j.close();
    const text = fs.readFileSync(path.join(j.dir, 'journal.jsonl'), 'utf8').replace('"studyFile":"q.study.yaml"', `"studyFile":${JSON.stringify('/home/someone/old-clone/q.study.yaml')}`);
    fs.writeFileSync(path.join(j.dir, 'journal.jsonl'), text);
    assert.equal(readStudySnapshot(j.dir, ws).studyFile, studyFile);
  });

  it('lists only folders with a journal, and reports a corrupt journal instead of throwing', async () => {
    await (await journal('a')).close();
    fs.mkdirSync(path.join(ws, '.hpstudio/studies/empty'), { recursive: true });
    const b = await journal('b');
    await b.close();
    fs.appendFileSync(path.join(b.dir, 'journal.jsonl'), 'garbage\n{"op":"heartbeat","pid":1,"host":"h","time":1}\n');
    const dirs = listStudyDirs(ws);
    assert.deepEqual(dirs.map(d => path.basename(d)), ['a', 'b']);
    const broken = readStudySnapshot(dirs[1], ws);
    assert.equal(broken.name, 'b');
    assert.match(broken.error ?? '', /journal\.jsonl:4: corrupt study journal record/);
    assert.deepEqual(listStudyDirs(path.join(ws, 'nowhere')), []);
  });

  it('a library scan reports changed studies only, and forgets a deleted one', async () => {
    const a = await journal('a');
    await a.close();
    const lib = new StudyLibrary();
    assert.deepEqual(lib.scan([ws]).map(s => s.name), ['a']);
    assert.deepEqual(lib.scan([ws]), [], 'nothing changed');
    fs.rmSync(a.dir, { recursive: true });
    lib.scan([ws]);
    assert.equal(lib.get('a'), undefined);
  });
});
