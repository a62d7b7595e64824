import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { guardDivergence, readDivergedMarker } from '../../../src/core/lrfind/guard';
import { LrFindPruner } from '../../../src/core/lrfind/pruner';
import { coarseToFine } from '../../../src/core/lrfind/sampler';
import { defaultPoints, logSpacedRates } from '../../../src/core/lrfind/spec';
import { judgeStream, streamRules } from '../../../src/core/lrfind/stream';
import { createPruner, createSampler } from '../../../src/core/search/index';
import type { FrozenTrial, StudyView } from '../../../src/core/search/types';
import type { MetricPoint } from '../../../src/core/metrics/types';
import type { TrialExecutor, TrialHandle, TrialOutcome } from '../../../src/core/runner/types';
import { parseStudyFile } from '../../../src/core/study/studyFile';

const space = { params: [{ name: 'lr', distribution: { type: 'float' as const, low: 1e-4, high: 1, log: true } }] };
const frozen = (number: number, lr: number, values: number[] = [], state: FrozenTrial['state'] = 'pruned'): FrozenTrial => ({ number, state, params: { lr }, intermediate: new Map(values.map((v, i) => [i, v])) });

describe('lr-find as a study kind', () => {
  it('spaces rates by decades and visits them coarse to fine (every prefix spans the range)', () => {
    assert.deepEqual(logSpacedRates(1e-4, 1, 5), [1e-4, 0.001, 0.01, 0.1, 1]);
    assert.equal(defaultPoints(1e-4, 1), 13);
    assert.equal(defaultPoints(0.1, 1), 8);
    assert.equal(defaultPoints(1e-9, 1e3), 16);
    for (const n of [1, 2, 5, 12, 16]) {
      const order = coarseToFine(n);
      assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
    }
    assert.deepEqual(coarseToFine(5).slice(0, 3), [2, 0, 4]);
  });

  it('the sampler proposes the rates not tried yet, in that order, and says when none is left', () => {
    const sampler = createSampler('lr-find', 0);
    assert.equal(sampler.name, 'lr-find');
    const view = (trials: FrozenTrial[]): StudyView => ({ space, direction: 'minimize', trials, budget: 5 });
    assert.deepEqual(sampler.sample(view([])), { lr: 0.01 });
    assert.deepEqual(sampler.sample(view([frozen(0, 0.01)])), { lr: 1e-4 });
    const all = [0.01, 1e-4, 1, 0.001, 0.1].map((lr, i) => frozen(i, lr));
    assert.deepEqual(sampler.sample(view(all.slice(0, 4))), { lr: 0.1 });
    assert.throws(() => sampler.sample(view(all)), /every rate of the lr-find has been tried/);
    const two = { params: [...space.params, { name: 'wd', distribution: { type: 'float' as const, low: 0, high: 1 } }] };
    assert.throws(() => sampler.sample({ space: two, direction: 'minimize', trials: [], budget: 4 }), /searches exactly one parameter \(the learning rate\); this study searches 2 \(lr, wd\)/);
  });

  it('a trial has said enough when it diverged, levelled off or gave its reports', () => {
    const rules = streamRules({ maxReports: 10 });
    assert.equal(judgeStream([1, 2.5], 'minimize', rules), 'diverged');
    assert.equal(judgeStream([1, 0.9, 2.5, 3], 'minimize', rules), 'diverged');
    // One spike of a noisy run is not divergence (the median of the latest three reports is judged).
    assert.equal(judgeStream([1, 0.9, 2.5], 'minimize', rules), undefined);
    assert.equal(judgeStream([1, 0.7, 3, 0.6], 'minimize', rules), undefined);
    assert.equal(judgeStream([1, 0.5, 0.3, 0.2], 'minimize', rules), undefined);
    assert.equal(judgeStream([1, 0.5, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2], 'minimize', rules), 'levelled');
    assert.equal(judgeStream(Array.from({ length: 10 }, (_, i) => 1 / (i + 1)), 'minimize', rules), 'budget');
    assert.equal(judgeStream([0.1, 0.3, 0.5], 'maximize', rules), undefined);
    assert.equal(judgeStream([0.5, 0.2, 0.1], 'maximize', rules), 'diverged');
    const pruner = createPruner({ type: 'lr-find', max_reports: 4 });
    assert.ok(pruner instanceof LrFindPruner);
    const study: StudyView = { space, direction: 'minimize', trials: [] };
    assert.equal(pruner.shouldPrune(study, frozen(0, 0.1, [1, 0.5, 0.4]), 2), false);
    assert.equal(pruner.shouldPrune(study, frozen(0, 0.1, [1, 0.5, 0.4, 0.3]), 3), true);
    assert.throws(() => createPruner({ type: 'lr-find', max_reports: 1 }), /lr-find: max_reports must be a whole number of at least 2/);
  });

  it('study files say method: lr-find and pruner: {type: lr-find, max_reports}', () => {
    const { config } = parseStudyFile('program: t.py\nmethod: lr-find\nmetric: {name: loss, goal: minimize}\nparameters:\n  lr: {distribution: log_uniform_values, min: 1e-4, max: 1}\ntrials: 9\npruner: {type: lr-find, max_reports: 6}\n', '/tmp/x.study.yaml');
    assert.equal(config.sampler, 'lr-find');
    assert.deepEqual(config.pruner, { type: 'lr-find', max_reports: 6 });
  });

  it('stops a trial whose metric turns NaN, and leaves a marker saying where', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-lrguard-'));
    const listeners: Array<(p: MetricPoint) => void> = [];
    const stops: string[] = [];
    const handle: TrialHandle = { trialNumber: 3, onMetric: l => listeners.push(l), done: new Promise<TrialOutcome>(() => {}), stop: async reason => void stops.push(reason) };
    const inner: TrialExecutor = { name: 'fake', launch: () => handle, dispose: async () => {} };
    const guarded = guardDivergence(inner, 'loss');
    guarded.launch({ study: 's', trialNumber: 3, params: { lr: 1 }, trialDir: dir, spec: { cwd: dir } });
    for (const l of listeners) l({ name: 'val_acc', step: 1, value: NaN });
    for (const l of listeners) l({ name: 'loss', step: 1, value: 0.5 });
    assert.deepEqual(stops, []);
    for (const l of listeners) l({ name: 'loss', step: 2, value: NaN });
    for (const l of listeners) l({ name: 'loss', step: 3, value: Infinity });
    assert.deepEqual(stops, ['prune']);
    assert.deepEqual(readDivergedMarker(dir), { step: 2, value: 'NaN' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
