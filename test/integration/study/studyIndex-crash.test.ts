// The study list counts live workers and recognises a crashed one: a real process that dies without leaving.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StudyJournal, studyDirectory } from '../../../src/core/study/journal';
import { readStudySnapshot } from '../../../src/core/study/studyIndex';

const space = { params: [{ name: 'lr', distribution: { type: 'float' as const, low: 1e-4, high: 0.1, log: true } }] };

describe('study index: workers of real processes', () => {
  let ws: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-index-'));
    fs.writeFileSync(path.join(ws, 'q.study.yaml'), '# source: train.yaml\nname: q\nprogram: train.py\nmetric: {name: loss, goal: minimize}\nparameters:\n  lr: {min: 0.0001, max: 0.1, distribution: log_uniform_values}\ntrials: 3\n');
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  const header = (name: string) => ({ name, space, direction: 'minimize' as const, metric: 'loss', sampler: 'random', seed: 1, studyFile: 'q.study.yaml' });
  function journal(name = 'q', extra: Partial<Parameters<typeof StudyJournal.open>[1]> = {}): Promise<StudyJournal> {
    return StudyJournal.open(studyDirectory(ws, name), { create: header(name), ...extra });
  }

  it('counts every live worker and recognises a crashed one: a dead process that never left, with its running trial', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const pid = child.pid as number;
    const j = await journal('q', { pid });
    await j.append({ op: 'trial', number: 0, params: { lr: 0.01 }, state: 'running', w: j.w, pid, host: os.hostname(), time: Date.now() });
    const other = await StudyJournal.open(j.dir, { join: true });
    assert.deepEqual([readStudySnapshot(j.dir, ws).state, readStudySnapshot(j.dir, ws).workers], ['running', 2]);
    await other.close();
    // The first worker never leaves (as a SIGKILLed runner), then its process dies.
    assert.equal(readStudySnapshot(j.dir, ws).state, 'running', 'alive worker: running elsewhere');
    child.kill('SIGKILL');
    await new Promise(r => child.on('exit', r));
    const s = readStudySnapshot(j.dir, ws);
    assert.equal(s.state, 'crashed');
    assert.match(s.reason ?? '', new RegExp(`pid ${pid} on .* is gone`));
    assert.equal(s.counts.running, 1);
  });
});
