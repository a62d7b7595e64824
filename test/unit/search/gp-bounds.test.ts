/**
 * Issue #16 item 4, at the sampler level, with the real GP: a proposal stays bounded at any study
 * size (it used to build an n×n kernel: a RangeError at 100,000 trials, minutes at 1,000) and,
 * asked through `proposeNext`, it gives the event loop back while it computes (heartbeats and
 * Ctrl-C used to wait for the whole proposal). Conditions only — no wall-clock thresholds: a timer
 * that is due while the proposal runs must fire before the proposal ends.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalExecutor } from '../../../src/core/runner/local';
import { JOURNAL_FILE, JOURNAL_VERSION, type JournalRecord } from '../../../src/core/study/journal';
import { runStudy, systemClock, type StudyClock } from '../../../src/core/study/runStudy';
import { loadStudyFile } from '../../../src/core/study/studyFile';
import { proposeNext } from '../../../src/core/search/index';
import { Rng } from '../../../src/core/search/rng';
import { GpSampler } from '../../../src/core/search/samplers/gp';
import { GP_MAX_OBSERVATIONS, GP_MAX_PENDING, trainingSet } from '../../../src/core/search/samplers/gpData';
import { runToEnd } from '../../../src/core/search/slices';
import { randomPoint } from '../../../src/core/search/samplers/common';
import { checkParams, categoricalParam, defineSpace, floatParam, intParam } from '../../../src/core/search/space';
import type { FrozenTrial, StudyView } from '../../../src/core/search/types';

const SEED = 1606;
const space = defineSpace([floatParam('lr', 1e-5, 1, { log: true }), floatParam('dropout', 0, 0.5), intParam('layers', 1, 8), categoricalParam('opt', ['adam', 'sgd'])]);

/** `n` finished trials at seeded random points, plus `running` trials still in flight. */
function history(n: number, running = 0): StudyView {
  const rng = new Rng(SEED + n);
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n + running; i++) {
    const params = randomPoint(space, rng);
    const value = (Math.log10(params.lr as number) + 3) ** 2 + (params.dropout as number) + (params.opt === 'adam' ? 0 : 0.3) + 0.01 * rng.next();
    trials.push(i < n ? { number: i, state: 'complete', params, value, intermediate: new Map() } : { number: i, state: 'running', params, intermediate: new Map() });
  }
  return { space, direction: 'minimize', trials };
}

describe('GP sampler: bounded proposals (issue #16)', function () {
  this.timeout(120_000);

  it(`fits at most ${GP_MAX_OBSERVATIONS} points and proposes a valid point after 100,000 trials`, () => {
    const gp = new GpSampler(SEED);
    const study = history(100_000, 40);
    const p = gp.sample(study);
    checkParams(space, p);
    assert.deepEqual(gp.lastModel, { observations: 100_000, pending: 40, fittedOn: GP_MAX_OBSERVATIONS });
    assert.ok(GP_MAX_PENDING < 40, 'the newest running trials are kept as liars, not all of them');
  });

  it('is exact (every observation) up to its cap', () => {
    const gp = new GpSampler(SEED, { maxObservations: 40 });
    gp.sample(history(37, 3));
    assert.deepEqual(gp.lastModel, { observations: 37, pending: 3, fittedOn: 40 });
    gp.sample(history(45, 3));
    assert.deepEqual(gp.lastModel, { observations: 45, pending: 3, fittedOn: 40 });
  });

  it('fits the 100 best, the 50 newest and 50 spread over the rest once past the cap', () => {
    const done = Array.from({ length: 1_000 }, (_, i) => ({ x: Float64Array.of(i), y: (i * 7919) % 1000 }));
    const fitted = runToEnd(trainingSet({ done, pending: [] }));
    assert.equal(fitted.done.length, GP_MAX_OBSERVATIONS);
    const ids = new Set(fitted.done.map(d => d.x[0]));
    const byValue = [...done].sort((a, b) => a.y - b.y).slice(0, 100).map(d => d.x[0]);
    assert.ok(byValue.every(i => ids.has(i)), 'the best 100');
    assert.ok([950, 975, 999].every(i => ids.has(i)), 'the newest');
    const early = [...ids].filter(i => i < 500 && !byValue.includes(i));
    assert.ok(early.length >= 20, `${early.length} of the older trials spread in`);
  });

  it('proposes no point a trial already used, including trials left out of the fit', () => {
    // A small discrete space, fully covered but for one point: the GP must find that one.
    const tiny = defineSpace([intParam('a', 0, 24), intParam('b', 0, 19)]);
    const trials: FrozenTrial[] = [];
    for (let a = 0; a <= 24; a++) {
      for (let b = 0; b <= 19; b++) {
        if (a !== 7 || b !== 11) trials.push({ number: trials.length, state: 'complete', params: { a, b }, value: (a - 7) ** 2 + (b - 11) ** 2 + 1, intermediate: new Map() });
      }
    }
    const gp = new GpSampler(SEED);
    const p = gp.sample({ space: tiny, direction: 'minimize', trials });
    assert.ok(gp.lastModel!.fittedOn < trials.length);
    assert.deepEqual(p, { a: 7, b: 11 });
  });

  it('lets a due timer fire while it proposes, and proposes what the synchronous call does', async () => {
    const study = history(1_000);
    let beats = 0;
    const heartbeat = setInterval(() => beats++, 1);
    let beatsWhenDone = -1;
    try {
      const sliced = await proposeNext(new GpSampler(SEED), study);
      beatsWhenDone = beats;
      assert.deepEqual(sliced, new GpSampler(SEED).sample(study));
    } finally {
      clearInterval(heartbeat);
    }
    // A synchronous proposal leaves this at 0: the interval cannot run until it returns.
    assert.ok(beatsWhenDone >= 3, `the heartbeat fired ${beatsWhenDone} times during the proposal`);
  });

  it('stops at the next slice when its signal aborts (Ctrl-C during a proposal)', async () => {
    const ac = new AbortController();
    const gp = new GpSampler(SEED);
    let aborted = false;
    const timer = setTimeout(() => {
      aborted = true;
      ac.abort();
    }, 1);
    try {
      await assert.rejects(proposeNext(gp, history(2_000), { signal: ac.signal }), (e: Error) => e.name === 'AbortError');
    } finally {
      clearTimeout(timer);
    }
    assert.ok(aborted);
    // The sampler is still usable afterwards.
    checkParams(space, await proposeNext(gp, history(50)));
  });
});

describe('GP study: heartbeats during a proposal (issue #16)', function () {
  this.timeout(120_000);
  let ws: string;
  beforeEach(() => (ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-gp-beat-'))));
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  /** A study of 1,000 finished GP trials on disk, ready to resume. */
  function longStudy() {
    fs.writeFileSync(path.join(ws, 'train.js'), "console.log('loss: ' + process.argv.slice(2).join(' ').length)\n");
    const file = path.join(ws, 'beat.yaml');
    fs.writeFileSync(file, `name: beat\nprogram: train.js\ncommand: [${process.execPath}, \${program}, \${args}]\nmethod: gp\nmetric: {name: loss, goal: minimize}\nparameters:\n  lr: {min: 0.00001, max: 1, distribution: log_uniform_values}\n  layers: {min: 1, max: 8}\n`);
    const { config } = loadStudyFile(file);
    const journalDir = path.join(ws, '.hpstudio', 'studies', 'beat');
    fs.mkdirSync(journalDir, { recursive: true });
    const study = history(1_000);
    const records: JournalRecord[] = [{ op: 'study', v: JOURNAL_VERSION, name: 'beat', space: config.space, direction: 'minimize', metric: 'loss', sampler: 'gp', seed: SEED, studyFile: file, time: 1 }];
    study.trials.forEach((t, i) => {
      const params = { lr: t.params.lr as number, layers: t.params.layers as number };
      records.push({ op: 'trial', number: i, params, state: 'running', pid: 1, host: 'elsewhere', time: 2 }, { op: 'finish', number: i, state: 'complete', value: t.value, time: 3 });
    });
    fs.writeFileSync(path.join(journalDir, JOURNAL_FILE), records.map(r => JSON.stringify(r)).join('\n') + '\n');
    return { config, journalDir };
  }

  it('keeps beating while the GP proposes the next trial of a 1,000-trial study, then runs it', async () => {
    const { config, journalDir } = longStudy();
    // The study's own timers, counted: the heartbeat is the one scheduled every heartbeatMs.
    const heartbeatMs = 5;
    let beats = 0;
    const clock: StudyClock = { ...systemClock, setTimeout: (fn, ms) => systemClock.setTimeout(ms === heartbeatMs ? () => (beats++, fn()) : fn, ms) };
    let beatsBeforeFirstTrial = -1;
    const executor = new LocalExecutor();
    const summary = await runStudy({
      config,
      journalDir,
      executor,
      resume: true,
      trials: 1_001,
      heartbeatMs,
      clock,
      onEvent: e => {
        if (e.type === 'trial-started' && beatsBeforeFirstTrial < 0) beatsBeforeFirstTrial = beats;
      },
    });
    await executor.dispose();
    assert.equal(summary.completed, 1_001);
    // A proposal that blocks the event loop leaves this at 0: the first trial starts before any beat.
    assert.ok(beatsBeforeFirstTrial >= 3, `${beatsBeforeFirstTrial} heartbeats while the GP proposed`);
  });

  it('stops during a GP proposal (Ctrl-C at the first heartbeat) without launching a trial', async () => {
    const { config, journalDir } = longStudy();
    const heartbeatMs = 5;
    const ctrlC = new AbortController();
    // The first heartbeat falls inside the first proposal, unless the proposal blocks the event loop:
    // then it comes after, and the proposed trial is launched before the stop is seen.
    const clock: StudyClock = { ...systemClock, setTimeout: (fn, ms) => systemClock.setTimeout(ms === heartbeatMs ? () => (ctrlC.abort(), fn()) : fn, ms) };
    const started: number[] = [];
    const executor = new LocalExecutor();
    const summary = await runStudy({ config, journalDir, executor, resume: true, trials: 1_001, heartbeatMs, clock, signal: ctrlC.signal, onEvent: e => e.type === 'trial-started' && started.push(e.number) });
    await executor.dispose();
    assert.equal(summary.status, 'interrupted');
    assert.deepEqual(started, []);
    assert.equal(summary.completed, 1_000);
  });
});
