import type { CliCommand } from '../args';

/** One sub-command: what `hpstudio --help` lists, and how to load the module that runs it. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  /** Loads the command's module on first use: `hpstudio detect` never evaluates the tuner or the samplers. */
  load(): CliCommand;
}

/**
 * Every `hpstudio` sub-command, in the order `--help` lists them. A command module exports one
 * `CliCommand`; adding a command is one entry here (its summary must equal the module's, a unit test checks).
 */
export const commands: readonly CommandEntry[] = [
  { name: 'detect', summary: 'find the hyperparameters in config files and training scripts', load: () => (require('./detect') as typeof import('./detect')).detectCommand },
  { name: 'explain', summary: 'explain a hyperparameter (and judge a value): range, effects, defaults, pitfalls', load: () => (require('./explain') as typeof import('./explain')).explainCommand },
  { name: 'check', summary: 'lint hyperparameter configs like the editor does (text, JSON or SARIF; exit 1 on errors)', load: () => (require('./check') as typeof import('./check')).checkCommand },
  { name: 'tune', summary: 'run a study (W&B sweep file or superset): sample, run trials, prune, resume', load: () => (require('./tune') as typeof import('./tune')).tuneCommand },
  { name: 'status', summary: 'the studies of this folder: state, trials done of the budget, best', load: () => (require('./status') as typeof import('./status')).statusCommand },
  { name: 'lr-find', summary: 'find a learning rate: short trials at log-spaced rates, a loss-vs-rate curve and a suggestion', load: () => (require('./lrFind') as typeof import('./lrFind')).lrFindCommand },
  { name: 'runs', summary: 'print the runs, params and metric series the curves panel would read from a path', load: () => (require('./runs') as typeof import('./runs')).runsCommand },
  { name: 'bench', summary: 'benchmark a sampler/pruner on the benchmark problems (compare with Optuna)', load: () => (require('./bench') as typeof import('./bench')).benchCommand },
];
