import * as assert from 'node:assert/strict';
import { PARALLEL_GOAL_FACTOR, parallelGoal, type ParallelRecord } from '../../../src/cli/bench/parallelCompare';

function records(side: string, parallel: number, regrets: readonly number[]): ParallelRecord[] {
  return regrets.map((regret, seed) => ({ problem: 'hartmann6', side, parallel, seed, bestValueAfter: {}, regret, overheadMs: 0 }));
}

describe('parallel search goal (issue 15)', () => {
  // Two-moded regrets as hartmann6 gives them: a seed polishes the global basin (~1e-5) or stops in the
  // second one (0.12); the median flips with one seed, the count of seeds within the bar shows the edge.
  const sequential = records('ours:auto', 1, [1e-5, 2e-5, 3e-5, 0.12]);

  it('sets the bar at the factor times our sequential median and counts the seeds at or below it', () => {
    const atEight = records('ours:auto', 8, [1e-5, 0.12, 0.12, 3.75e-5]);
    const goal = parallelGoal([...sequential, ...atEight], 'ours:auto', [1, 8]);
    assert.equal(PARALLEL_GOAL_FACTOR, 1.5);
    assert.ok(Math.abs(goal.bar - 1.5 * 2.5e-5) < 1e-18);
    assert.deepEqual(
      goal.rows.map(r => [r.parallel, r.within, r.seeds]),
      [
        [1, 3, 4],
        [8, 2, 4],
      ],
    );
    // Half the seeds within: the median is the mean of one seed from each mode, far above the bar.
    assert.ok(goal.rows[1].median > goal.bar);
  });

  it("reads only the given side (Optuna's records at the same settings do not count)", () => {
    const optuna = records('optuna:tpe', 1, [5, 5, 5, 5]);
    const goal = parallelGoal([...sequential, ...optuna, ...records('ours:auto', 4, [1e-5, 1e-5, 1e-5, 0.12])], 'ours:auto', [1, 4]);
    assert.ok(Math.abs(goal.bar - 3.75e-5) < 1e-18);
    assert.deepEqual([goal.rows[1].within, goal.rows[1].median], [3, 1e-5]);
  });

  it('has no bar without a sequential run', () => {
    const goal = parallelGoal(records('ours:auto', 4, [1e-5]), 'ours:auto', [4]);
    assert.ok(Number.isNaN(goal.bar));
    assert.equal(goal.rows[0].within, 0);
  });
});
