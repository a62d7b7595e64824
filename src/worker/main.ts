// The background worker (forked by the extension with an IPC channel). It owns long-running studies so
// the extension host stays responsive; messages in both directions are validated against the protocol.
// When its parent goes away (disconnect), or on SIGTERM/SIGINT or a `shutdown` message, it stops every
// trial process group, waits for the journals to be flushed and closed, and exits.
import type { FromWorker } from '../core/protocol/worker';
import { WorkerHost } from './host';
import { sendToParent } from './parentChannel';

declare const HPSTUDIO_VERSION: string;

if (!process.send) {
  process.stderr.write('hpstudio worker: must be started with an IPC channel (child_process.fork)\n');
  process.exit(2);
}

// Trials inherit this process's environment. The editor's own variables are not theirs: with
// ELECTRON_RUN_AS_NODE an Electron-based tool a trial starts would run as plain Node, and VSCODE_*
// would make a script believe it runs inside the editor. (fork needed them to start us; we do not.)
for (const name of Object.keys(process.env)) {
  if (name === 'ELECTRON_RUN_AS_NODE' || name.startsWith('VSCODE_')) delete process.env[name];
}

const send = (message: FromWorker): void => sendToParent(message);

const host = new WorkerHost({
  send,
  version: typeof HPSTUDIO_VERSION === 'string' ? HPSTUDIO_VERSION : 'dev',
  heartbeatMs: envNumber('HPSTUDIO_HEARTBEAT_MS'),
  onShutdownRequested: () => exitAfterShutdown('asked to shut down'),
});

function envNumber(name: string): number | undefined {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

let exiting = false;
function exitAfterShutdown(reason: string): void {
  // Asked again while stopping: the trials are killed now (never left running), then we exit.
  if (exiting) return host.killAll();
  exiting = true;
  if (host.runningStudies > 0) send({ type: 'log', level: 'info', message: `worker stopping (${reason}): stopping every trial` });
  host.shutdown().then(
    () => process.exit(0),
    err => {
      // The extension reports an unexpected exit with the worker's last stderr lines: say why here.
      process.stderr.write(`hpstudio worker: stopping failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}

process.on('message', raw => host.handle(raw));

// The extension host is our parent: when it goes away, so do we — after stopping every trial.
process.on('disconnect', () => exitAfterShutdown('the extension went away'));
process.on('SIGTERM', () => exitAfterShutdown('SIGTERM'));
process.on('SIGINT', () => exitAfterShutdown('SIGINT'));
