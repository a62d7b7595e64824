/**
 * Issue #16 item 5: a grid point whose trial failed counts as tried. Before the fix the grid
 * proposed the failing point again on every slot and the other points never ran.
 */
import * as assert from 'node:assert/strict';
import { GridSampler } from '../../../src/core/search/samplers/basic';
import { categoricalParam, defineSpace, intParam } from '../../../src/core/search/space';
import type { FrozenTrial, ParamValue } from '../../../src/core/search/types';

const space = defineSpace([intParam('layers', 1, 3), categoricalParam('act', ['relu', 'gelu'])]);
const key = (p: Readonly<Record<string, ParamValue>>) => `${p.layers}/${p.act}`;

describe('grid sampler: failed points', () => {
  it('does not propose a failed point again; every point runs once', () => {
    const sampler = new GridSampler(3);
    const trials: FrozenTrial[] = [];
    let failing: string | undefined;
    for (let i = 0; i < 6; i++) {
      const params = sampler.sample({ space, direction: 'minimize', trials });
      failing ??= key(params); // the first point always fails, like a config that crashes the program
      const fails = key(params) === failing;
      trials.push({ number: i, state: fails ? 'fail' : 'complete', params, value: fails ? undefined : i, intermediate: new Map() });
    }
    const keys = trials.map(t => key(t.params));
    assert.equal(new Set(keys).size, 6, `proposed ${keys.join(', ')}`);
    assert.equal(trials.filter(t => t.state === 'fail').length, 1);
  });
});
