// Messages from the worker to the extension over the IPC channel `child_process.fork` opened.

/**
 * Sends a message to the parent process; after a disconnect, or while the channel closes, it is dropped
 * (there is nobody to tell; the journal has the story). The callback matters: when the parent closes the
 * channel, a write can fail (EPIPE) before our 'disconnect' event has run, and without a callback Node
 * emits that failure as an 'error' event on `process`, which nobody handles — the worker died with exit
 * code 1 in the middle of stopping its trials.
 */
export function sendToParent(message: unknown): void {
  if (!process.connected || !process.send) return;
  try {
    process.send(message, undefined, {}, () => undefined);
  } catch {
    /* channel closed between the check and the send */
  }
}
