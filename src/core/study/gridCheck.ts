/**
 * What grid search cannot run, found before a study starts (the sampler would only refuse it once the
 * journal exists): a parameter with no finite list of values, or more points than the grid sampler
 * enumerates. The study-file reader reports these at their line; `hpstudio tune --sampler grid` too.
 */
import { MAX_GRID_POINTS } from '../search/samplers/basic';
import { cardinality } from '../search/space';
import type { SearchSpace } from '../search/types';

export interface GridProblem {
  /** The parameter at fault; undefined when the grid as a whole is too large. */
  readonly param?: string;
  readonly message: string;
}

export function gridProblems(space: SearchSpace): GridProblem[] {
  const problems: GridProblem[] = [];
  const sizes: string[] = [];
  let size = 1;
  for (const p of space.params) {
    const n = cardinality(p.distribution);
    if (!Number.isFinite(n)) {
      problems.push({
        param: p.name,
        message: `grid search needs a list of values, and ${p.name} is a continuous range: give it values: [...] or a step (distribution: q_uniform with q), or use another method (random, sobol, tpe, gp)`,
      });
      continue;
    }
    size *= n;
    sizes.push(`${p.name}: ${count(n)}`);
  }
  if (problems.length === 0 && size > MAX_GRID_POINTS) {
    problems.push({
      message: `the grid has ${count(size)} points (${sizes.join(' × ')}), more than the ${count(MAX_GRID_POINTS)} grid search runs through: give fewer values or use random, sobol, tpe or gp`,
    });
  }
  return problems;
}

function count(n: number): string {
  return n < 1e15 ? n.toLocaleString('en-US') : n.toExponential(1).replace('e+', 'e');
}
