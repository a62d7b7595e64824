import * as assert from 'node:assert/strict';
import { applyEdits, narrowedRange, planNarrow } from '../../../src/core/lrfind/narrow';

describe('narrowing the study range around the suggestion', () => {
  it('is one decade around the suggestion, below where trials diverged', () => {
    assert.deepEqual(narrowedRange(0.01), { low: 0.0032, high: 0.032 });
    assert.deepEqual(narrowedRange(0.01, 0.02), { low: 0.0032, high: 0.015 });
  });

  it('edits only the numbers of min and max, block or flow style, comments and macros kept', () => {
    const block = '# my sweep\nprogram: train.py\ncommand: [node, ${program}, ${args}]\nparameters:\n  lr:\n    distribution: log_uniform_values\n    min: 0.0005   # low end\n    max: 1.0\n  batch: {values: [8, 16]}\n';
    const plan = planNarrow(block, 'lr', 0.0032, 0.032);
    assert.ok(!('error' in plan));
    assert.deepEqual(plan.edits.map(e => [e.what, e.oldText, e.newText]), [['min', '0.0005', '0.0032'], ['max', '1.0', '0.032']]);
    assert.equal(applyEdits(block, plan.edits), block.replace('min: 0.0005', 'min: 0.0032').replace('max: 1.0', 'max: 0.032'));
    const flow = 'command: [python, ${program}, ${args}]\nparameters:\n  lr: {distribution: log_uniform_values, min: 1e-5, max: 1e-1}\n';
    const p2 = planNarrow(flow, 'lr', 3.2e-5, 3.2e-4);
    assert.ok(!('error' in p2));
    assert.equal(applyEdits(flow, p2.edits), 'command: [python, ${program}, ${args}]\nparameters:\n  lr: {distribution: log_uniform_values, min: 0.000032, max: 0.00032}\n');
  });

  it('says why when the range cannot be edited', () => {
    assert.deepEqual(planNarrow('parameters:\n  lr: {values: [0.1, 0.01]}\n', 'lr', 1, 2), { error: 'parameters.lr.min is not a number in the study file' });
    assert.deepEqual(planNarrow('parameters:\n  wd: {min: 0, max: 1}\n', 'lr', 1, 2), { error: 'the study file has no parameter "lr" with min and max' });
  });
});
