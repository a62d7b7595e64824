// Entry point of the bundled CLI (dist/cli.js): wires the process to runCli.
import { runCli } from './main';

const controller = new AbortController();
let interrupted = 0;
const onSignal = (sig: NodeJS.Signals) => {
  interrupted++;
  // A second Ctrl-C means "now": the first one lets trials be stopped and the journal flushed.
  if (interrupted > 1) process.exit(130);
  process.stderr.write(`\nhpstudio: ${sig} received, stopping…\n`);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), signal: controller.signal })
  .then(code => {
    process.exitCode = code;
  })
  .catch(err => {
    process.stderr.write(`hpstudio: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
