/**
 * Objectives that only exist in Python (svc_cancer trains a scikit-learn model) are evaluated by the
 * repository's own test/bench/optuna/problems.py in `serve` mode: one JSON object of parameters per
 * line in, one number (or `error: reason`) per line out, strictly in order.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Params } from '../../core/bench/problems';
import { PythonLines } from './pythonLines';


/** Where the evaluator sits inside the repository. */
export const EVALUATOR_IN_REPO = 'test/bench/optuna/problems.py';
/** Overrides the evaluator script (a file with the same `serve` protocol). */
export const EVALUATOR_ENV = 'HPSTUDIO_BENCH_EVALUATOR';

/**
 * The repository's problems.py, found by walking up from this module: src/cli/bench when run from the
 * sources, dist/ when bundled. Undefined outside a checkout (an installed .vsix ships no tests).
 */
export function repoEvaluatorScript(from = __dirname): string | undefined {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, EVALUATOR_IN_REPO);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** --evaluator, else $HPSTUDIO_BENCH_EVALUATOR, else the repository's problems.py. */
export function evaluatorScript(explicit?: string): string | undefined {
  return explicit || process.env[EVALUATOR_ENV] || repoEvaluatorScript();
}

export class PythonEvaluator {
  private readonly lines: PythonLines;
  private readonly name: string;

  constructor(problem: string, script = evaluatorScript()) {
    if (!script) throw new Error(`no evaluator for ${problem}: ${EVALUATOR_IN_REPO} is part of the source repository; outside it pass --evaluator PATH or set ${EVALUATOR_ENV}`);
    if (!existsSync(script)) throw new Error(`evaluator ${script} not found (pass --evaluator PATH or set ${EVALUATOR_ENV})`);
    this.name = path.basename(script);
    this.lines = new PythonLines([script, 'serve', problem], this.name);
  }

  evaluate(params: Params): Promise<number> {
    // Rejected rather than thrown, so callers awaiting a batch see every failure the same way.
    const text = JSON.stringify(params);
    return this.lines.request(text, line => {
      const v = Number(line);
      if (Number.isFinite(v)) return v;
      throw new Error(`${this.name} could not evaluate ${text}: ${line.replace(/^error: /, '').slice(0, 300)}`);
    });
  }

  close(): void {
    this.lines.close();
  }
}
