import * as assert from 'node:assert/strict';
import { applyChoices } from '../../../src/core/apply/paretoChoice';

describe('Apply best: which trial of a multi-objective study', () => {
  it('lists the Pareto set, best first on the first metric, each with its values', () => {
    const choices = applyChoices({
      metric: 'accuracy',
      objectives: [
        { name: 'accuracy', direction: 'maximize' },
        { name: 'model_mb', direction: 'minimize' },
      ],
      pareto: [
        { number: 3, values: [0.91, 0.5], params: { width: 16 } },
        { number: 7, values: [0.97, 4.25], params: { width: 128 } },
      ],
      best: { number: 7, value: 0.97, params: { width: 128 } },
    });
    assert.deepEqual(
      choices.map(c => c.number),
      [7, 3],
    );
    assert.equal(choices[0].label, '#7  accuracy 0.97 ↑ · model_mb 4.25 ↓');
    assert.equal(choices[1].summary, 'accuracy 0.91, model_mb 0.5');
    assert.match(choices[1].detail, /width=16/);
  });

  it('one metric: the best trial alone; nothing completed: no choice', () => {
    assert.deepEqual(
      applyChoices({ metric: 'loss', best: { number: 2, value: 0.1, params: { lr: 0.01 } } }).map(c => c.number),
      [2],
    );
    assert.deepEqual(applyChoices({ metric: 'loss' }), []);
  });
});
