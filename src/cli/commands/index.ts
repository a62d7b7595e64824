import type { CliCommand } from '../args';
import { benchCommand } from './bench';
import { checkCommand } from './check';
import { detectCommand } from './detect';
import { explainCommand } from './explain';
import { runsCommand } from './runs';
import { tuneCommand } from './tune';

/**
 * Every `hpstudio` sub-command, in the order `--help` lists them. A command module exports one
 * `CliCommand`; adding a command is one import and one entry here.
 */
export const commands: readonly CliCommand[] = [
  detectCommand,
  explainCommand,
  checkCommand,
  tuneCommand,
  runsCommand,
  benchCommand,
];
