// The background worker (forked by the extension with an IPC channel). It owns long-running studies so
// the extension host stays responsive; messages in both directions are validated against the protocol.
import { parseMessage } from '../core/protocol/validate';
import { toWorker, type FromWorker } from '../core/protocol/worker';

declare const HPSTUDIO_VERSION: string;

function send(message: FromWorker): void {
  process.send?.(message);
}

if (!process.send) {
  process.stderr.write('hpstudio worker: must be started with an IPC channel (child_process.fork)\n');
  process.exit(2);
}

process.on('message', raw => {
  const parsed = parseMessage(toWorker, raw);
  if (!parsed.ok) {
    send({ type: 'log', level: 'warn', message: `worker dropped a message: ${parsed.error}` });
    return;
  }
  const message = parsed.message;
  switch (message.type) {
    case 'hello':
      send({ type: 'hello', version: typeof HPSTUDIO_VERSION === 'string' ? HPSTUDIO_VERSION : 'dev', pid: process.pid });
      return;
    case 'shutdown':
      process.exit(0);
  }
});

// The extension host is our parent: when it goes away, so do we.
process.on('disconnect', () => process.exit(0));
