/**
 * Optuna as a Proposer (src/core/bench/parallel.ts): a Python child runs the repository's
 * test/bench/optuna/ask_tell.py with Debian's python3-optuna, and we drive its study with ask/tell
 * over JSON lines. Our simulated schedule decides when trials start and end, so Optuna and our
 * samplers meet the same parallelism, durations and completion order.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Proposer } from '../../core/bench/parallel';
import type { ParamValue, SearchSpace } from '../../core/search/types';
import { PythonLines } from './pythonLines';

export const ASK_TELL_ENV = 'HPSTUDIO_OPTUNA_ASK_TELL';
export const ASK_TELL_IN_REPO = 'test/bench/optuna/ask_tell.py';
export const OPTUNA_SAMPLERS = ['tpe', 'tpe_cl', 'tpe_mv', 'tpe_mv_cl', 'cmaes', 'qmc', 'random'] as const;


/** ask_tell.py of the source checkout this CLI runs from (dist/ or src/cli/bench/), if there is one. */
export function askTellScript(): string | undefined {
  const fromEnv = process.env[ASK_TELL_ENV];
  if (fromEnv) return fromEnv;
  let dir = __dirname;
  for (let up = 0; up < 4; up++) {
    const candidate = join(dir, ASK_TELL_IN_REPO);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/** Optuna's view of our space; spaces Optuna cannot express the same way are refused. */
function optunaSpace(space: SearchSpace): Record<string, unknown>[] {
  return space.params.map(p => {
    const d = p.distribution;
    if (p.condition) throw new Error(`parameter "${p.name}" is conditional: the Optuna comparison takes flat spaces`);
    if (d.type === 'categorical') return { name: p.name, type: 'categorical', choices: d.choices };
    if (d.prior) throw new Error(`parameter "${p.name}" has a prior Optuna does not have`);
    return { name: p.name, type: d.type, low: d.low, high: d.high, log: d.log ?? false, step: d.step ?? null };
  });
}

type Answer = Record<string, unknown>;

/** One Python process; each study() starts a fresh Optuna study in it (import once, run many). */
export class OptunaAskTell {
  private readonly lines: PythonLines;

  constructor(script = askTellScript()) {
    if (!script || !existsSync(script)) {
      throw new Error(`Optuna's ask/tell runner (${ASK_TELL_IN_REPO}) is not here: run from a checkout of the repository or set ${ASK_TELL_ENV}`);
    }
    this.lines = new PythonLines([script], "Optuna's runner");
  }

  private request(msg: Answer): Promise<Answer> {
    return this.lines.request(JSON.stringify(msg), line => {
      let answer: Answer;
      try {
        answer = JSON.parse(line) as Answer;
      } catch {
        throw new Error(`Optuna's runner answered ${JSON.stringify(line.slice(0, 200))}`);
      }
      if (typeof answer.error === 'string') throw new Error(`Optuna: ${answer.error}`);
      return answer;
    });
  }

  /** A fresh Optuna study with `sampler` and `seed`, as a Proposer for runParallelStudy. */
  async study(sampler: string, seed: number, space: SearchSpace): Promise<Proposer> {
    await this.request({ op: 'study', sampler, seed, space: optunaSpace(space) });
    return {
      ask: async (_trials, number) => {
        const a = await this.request({ op: 'ask' });
        if (a.number !== number) throw new Error(`Optuna numbered trial ${number} as ${String(a.number)}`);
        return a.params as Record<string, ParamValue>;
      },
      tell: async (number, value) => {
        await this.request({ op: 'tell', number, value });
      },
    };
  }

  close(): void {
    this.lines.close();
  }
}
