// The multi-objective example as shipped (examples/multiobjective/sweep.yaml): its metric list is read
// as two objectives, and `method: auto` runs multi-objective TPE over its whole (small) budget — a
// metric list must never fall through to the single-objective GP/TPE paths of auto.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSampler } from '../../../src/core/search';
import { AutoSampler, motpeTrialsFor } from '../../../src/core/search/samplers/auto';
import type { Direction, StudyView } from '../../../src/core/search/types';
import { parseStudyFile } from '../../../src/core/study/studyFile';

const FILE = join(__dirname, '../../../examples/multiobjective/sweep.yaml');

describe('examples/multiobjective: the study file and auto', () => {
  const { config } = parseStudyFile(readFileSync(FILE, 'utf8'), FILE, { displayName: 'sweep.yaml' });

  it('lists accuracy to maximise and model size to minimise; auto, 24 trials, 4 tuned parameters', () => {
    assert.deepEqual(config.objectives, [
      { name: 'val_accuracy', direction: 'maximize' },
      { name: 'model_kb', direction: 'minimize' },
    ]);
    assert.equal(config.sampler, 'auto');
    assert.equal(config.limits.trials, 24);
    assert.deepEqual(config.space.params.map(p => p.name), ['n_estimators', 'max_depth', 'min_samples_leaf', 'max_features']);
  });

  it('auto picks MOTPE for every trial of that budget, NSGA-II only past it, never a single-objective strategy', () => {
    const view = (n: number, directions: Direction[] | null = config.objectives!.map(o => o.direction)): StudyView => ({
      space: config.space,
      direction: config.direction,
      ...(directions ? { directions } : {}),
      trials: Array.from({ length: n }, (_, i) => ({ number: i, state: 'complete', params: { n_estimators: 10, max_depth: 4, min_samples_leaf: 1, max_features: 0.5 }, value: 0.9, values: [0.9, 100], intermediate: new Map() })),
      budget: config.limits.trials,
    });
    const auto = new AutoSampler(3);
    assert.equal(motpeTrialsFor(24, 4), 24);
    for (const n of [0, 10, 23]) assert.equal(auto.strategyFor(view(n)), 'motpe', `after ${n} trials`);
    // A larger budget hands over to NSGA-II once MOTPE's share is spent.
    const k = motpeTrialsFor(300, 4);
    assert.equal(auto.strategyFor({ ...view(k), budget: 300 }), 'nsga2');
    // The same file with one metric would go to the single-objective strategies.
    assert.notEqual(auto.strategyFor(view(0, null)), 'motpe');
  });

  it('the auto sampler proposes values inside the example space (seeded)', () => {
    const sampler = createSampler('auto', 3);
    const v = view2();
    const proposal = sampler.sample(v);
    for (const p of config.space.params) {
      const value = proposal[p.name] as number;
      const d = p.distribution as { low: number; high: number };
      assert.ok(value >= d.low && value <= d.high, `${p.name}=${value}`);
    }
    function view2(): StudyView {
      return { space: config.space, direction: config.direction, directions: config.objectives!.map(o => o.direction), trials: [], budget: config.limits.trials };
    }
  });
});
