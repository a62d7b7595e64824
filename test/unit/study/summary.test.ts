// The one definition of "done", "best", the budget and value printing that the loop, the study index,
// the CLI and the views share.
import * as assert from 'node:assert/strict';
import type { TrialState } from '../../../src/core/search/types';
import {
  bestSoFarText,
  bestTrial,
  bestValue,
  countsAgainstBudget,
  DEFAULT_TRIALS,
  formatParams,
  formatValue,
  standingText,
  trialResultText,
  frontSizeText,
  isBetter,
  isDone,
  plannedTrials,
  reachesTarget,
  tallyTrials,
} from '../../../src/core/study/summary';
import { parseStudyFile } from '../../../src/core/study/studyFile';

const trial = (number: number, state: TrialState, value?: number, requeued?: boolean) => ({ number, state, value, requeued, params: { x: number } });

describe('study summary rules', () => {
  it('compares values in the study direction', () => {
    assert.equal(isBetter('minimize', 1, 2), true);
    assert.equal(isBetter('minimize', 2, 2), false);
    assert.equal(isBetter('maximize', 3, 2), true);
    assert.equal(isBetter('maximize', 1, 2), false);
  });

  it('reaches the target with a value as good or better', () => {
    assert.equal(reachesTarget('minimize', 0.1, 0.1), true);
    assert.equal(reachesTarget('minimize', 0.05, 0.1), true);
    assert.equal(reachesTarget('minimize', 0.2, 0.1), false);
    assert.equal(reachesTarget('maximize', 0.95, 0.9), true);
    assert.equal(reachesTarget('maximize', 0.85, 0.9), false);
  });

  it('counts every trial against the budget except a failure queued again, and only ended ones as done', () => {
    const states: Array<[TrialState, boolean | undefined, boolean, boolean]> = [
      ['complete', undefined, true, true],
      ['pruned', undefined, true, true],
      ['fail', undefined, true, true],
      ['fail', true, false, false],
      ['running', undefined, true, false],
      ['waiting', undefined, true, false],
    ];
    for (const [state, requeued, counts, done] of states) {
      assert.equal(countsAgainstBudget({ state, requeued }), counts, `${state} requeued=${requeued} counts`);
      assert.equal(isDone({ state, requeued }), done, `${state} requeued=${requeued} done`);
    }
  });

  it('picks the best complete trial, the earliest of equal values, never a pruned or failed one', () => {
    const trials = [trial(0, 'pruned', 0.01), trial(1, 'complete', 0.5), trial(2, 'complete', 0.3), trial(3, 'complete', 0.3), trial(4, 'fail'), trial(5, 'complete', 0.9)];
    assert.equal(bestTrial(trials, 'minimize')?.number, 2);
    assert.equal(bestTrial(trials, 'maximize')?.number, 5);
    assert.equal(bestTrial([trial(0, 'pruned', 1), trial(1, 'running')], 'minimize'), undefined);
  });

  it('takes the best of intermediate values, ignoring NaN', () => {
    assert.equal(bestValue([0.5, Number.NaN, 0.2, 0.4], 'minimize'), 0.2);
    assert.equal(bestValue([0.5, Number.NaN, 0.2, 0.4], 'maximize'), 0.5);
    assert.equal(bestValue([Number.NaN], 'minimize'), undefined);
    assert.equal(bestValue([], 'maximize'), undefined);
  });

  it('tallies states, done trials and the best trial with its params', () => {
    const trials = [trial(0, 'complete', 2), trial(1, 'fail', undefined, true), trial(2, 'complete', 1), trial(3, 'pruned', 0.5), trial(4, 'running'), trial(5, 'waiting')];
    const { counts, done, best } = tallyTrials(trials, 'minimize');
    assert.deepEqual(counts, { complete: 2, pruned: 1, fail: 1, running: 1, waiting: 1 });
    assert.equal(done, 3, 'two complete and one pruned; the re-queued failure does not count');
    assert.deepEqual(best, { number: 2, value: 1, params: { x: 2 } });
  });

  it('plans the caller’s trials, else the file’s, else the grid’s size, else the default', () => {
    const file = (extra: string, method = 'grid') =>
      parseStudyFile(`program: t.py\nmethod: ${method}\nmetric: {name: loss}\nparameters:\n  a: {values: [1, 2, 3]}\n  b: {min: 1, max: 4}\n${extra}`, '/w/s.yaml').config;
    assert.equal(plannedTrials(file(''), 7), 7);
    assert.equal(plannedTrials(file('trials: 5\n')), 5);
    assert.equal(plannedTrials(file('')), 12, '3 choices × 4 integers');
    assert.equal(plannedTrials(file('', 'random')), DEFAULT_TRIALS);
  });

  it('prints values with 5 significant digits, in exponent form when tiny or huge', () => {
    assert.equal(formatValue(undefined), '-');
    assert.equal(formatValue(0), '0');
    assert.equal(formatValue(0.123456789), '0.12346');
    assert.equal(formatValue(42), '42');
    assert.equal(formatValue(1.5e-5), '1.500e-5');
    assert.equal(formatValue(-2.5e7), '-2.500e+7');
    assert.equal(formatValue(Number.NaN), 'NaN');
    assert.equal(formatParams({ lr: 0.00123456, batch: 32, opt: 'adam', warm: true }), 'lr=0.0012346 batch=32 opt=adam warm=true');
  });

  it('progress names the Pareto front size for several metrics, the best value otherwise', () => {
    assert.equal(frontSizeText(1), 'Pareto front: 1 trial');
    assert.equal(frontSizeText(7), 'Pareto front: 7 trials');
    const pareto = [{ number: 2 }, { number: 5 }];
    // With several metrics the first metric's best is not the answer, even when a best is known.
    assert.equal(bestSoFarText({ best: { value: 0.97 }, pareto, metric: 'val_accuracy' }, true), 'Pareto front: 2 trials');
    assert.equal(bestSoFarText({ best: { value: 0.125 }, metric: 'val_loss' }, true), 'best val_loss 0.125');
    assert.equal(bestSoFarText({ best: { value: 0.125 }, metric: 'val_loss' }), 'best 0.125');
    assert.equal(bestSoFarText({ metric: 'val_loss' }), null);
    assert.equal(bestSoFarText({ pareto: [] }), 'Pareto front: 0 trials');
  });

  it('a multi-objective study stands by its Pareto front, not its first metric (the "already exists" dialog, pick lists)', () => {
    const objectives = [{ name: 'val_accuracy', direction: 'maximize' as const }, { name: 'model_kb', direction: 'minimize' as const }];
    // The first metric's best (trial 0) is what the old sentence named.
    const mo = { metric: 'val_accuracy', objectives, best: { number: 0, value: 0.97 }, pareto: [{ number: 0 }, { number: 2 }] };
    assert.equal(standingText(mo), 'Pareto front: 2 trials');
    assert.equal(standingText({ ...mo, pareto: [] }), null);
    assert.equal(standingText({ best: { number: 4, value: 0.125 } }), 'best 0.125 in trial #4');
    assert.equal(standingText({}), null);
    assert.equal(trialResultText({ number: 2, state: 'complete', value: 0.91, values: [0.91, 12.5] }, mo), 'val_accuracy=0.91 model_kb=12.5 · on the Pareto front');
    assert.equal(trialResultText({ number: 1, state: 'complete', value: 0.9, values: [0.9, 40] }, mo), 'val_accuracy=0.9 model_kb=40 · off the front');
    assert.equal(trialResultText({ number: 3, state: 'fail' }, mo), '');
    assert.equal(trialResultText({ number: 3, state: 'complete', value: 0.0421 }, { metric: 'loss' }), 'loss 0.0421');
  });
});
