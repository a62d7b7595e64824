// Entry point of the bundled CLI (dist/cli.js): wires the process to runCli.
import { runCli } from './main';

const controller = new AbortController();
const kill = new AbortController();
let interrupted = 0;
// The first Ctrl-C stops the trials (SIGTERM, SIGKILL after their grace period) and records them as
// interrupted; a second one skips the grace period — it never skips the kill, and the process exits
// only once every trial's process group is gone and the journal says so.
const onSignal = (sig: NodeJS.Signals) => {
  interrupted++;
  if (interrupted === 1) {
    process.stderr.write(`\nhpstudio: ${sig} received, stopping the trials… (again to kill them now)\n`);
    controller.abort();
  } else if (interrupted === 2) {
    process.stderr.write(`\nhpstudio: ${sig} received again: killing every trial now (SIGKILL), then exiting\n`);
    kill.abort();
  } else {
    process.stderr.write('\nhpstudio: still waiting for the trials to be gone (kill -9 this process to leave them running; --resume stops them later)\n');
  }
};
// A closed terminal (SIGHUP) makes writes to it fail: that must not end the process before its trials.
process.stderr.on('error', () => undefined);
process.stdout.on('error', () => undefined);
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), signal: controller.signal, killSignal: kill.signal })
  .then(code => {
    process.exitCode = code;
  })
  .catch(err => {
    process.stderr.write(`hpstudio: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
