/**
 * Objectives that only exist in Python (svc_cancer trains a scikit-learn model) are evaluated by the
 * repository's own test/bench/optuna/problems.py in `serve` mode: one JSON object of parameters per
 * line in, one number (or `error: reason`) per line out, strictly in order.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Params } from '../../core/bench/problems';

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

/** Python with Optuna and scikit-learn: $HPSTUDIO_PYTHON, else Debian's /usr/bin/python3, else PATH. */
export function benchPython(): string {
  return process.env.HPSTUDIO_PYTHON || (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

interface Waiting {
  resolve: (v: number) => void;
  reject: (e: Error) => void;
  params: string;
}

export class PythonEvaluator {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private readonly waiting: Waiting[] = [];
  private stderr = '';
  private exited: string | undefined;

  constructor(problem: string, script = evaluatorScript()) {
    if (!script) throw new Error(`no evaluator for ${problem}: ${EVALUATOR_IN_REPO} is part of the source repository; outside it pass --evaluator PATH or set ${EVALUATOR_ENV}`);
    if (!existsSync(script)) throw new Error(`evaluator ${script} not found (pass --evaluator PATH or set ${EVALUATOR_ENV})`);
    const name = path.basename(script);
    this.child = spawn(benchPython(), [script, 'serve', problem], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onData(chunk, name));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-2000);
    });
    this.child.on('error', err => this.fail(`could not start ${benchPython()}: ${err.message}`));
    this.child.on('exit', (code, signal) => this.fail(`${name} exited (${signal ?? code})${this.stderr ? `: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
  }

  private onData(chunk: string, name: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line) continue;
      const w = this.waiting.shift();
      if (!w) continue;
      const v = Number(line);
      if (line !== '' && Number.isFinite(v)) w.resolve(v);
      else w.reject(new Error(`${name} could not evaluate ${w.params}: ${line.replace(/^error: /, '').slice(0, 300)}`));
    }
  }

  private fail(message: string): void {
    if (this.exited) return;
    this.exited = message;
    for (const w of this.waiting.splice(0)) w.reject(new Error(message));
  }

  evaluate(params: Params): Promise<number> {
    // Rejected rather than thrown, so callers awaiting a batch see every failure the same way.
    if (this.exited) return Promise.reject(new Error(this.exited));
    const text = JSON.stringify(params);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject, params: text });
      this.child.stdin.write(`${text}\n`);
    });
  }

  close(): void {
    this.exited ??= 'closed';
    this.child.stdin.end();
    this.child.kill();
  }
}
