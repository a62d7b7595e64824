/** Messages between the extension (or CLI) and the background worker process. */
import { int, lit, obj, oneOf, str, union, type Check } from './validate';

export type ToWorker = { type: 'hello' } | { type: 'shutdown' };

export type FromWorker =
  | { type: 'hello'; version: string; pid: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export const toWorker: Check<ToWorker> = union<ToWorker>({
  hello: obj({ type: lit('hello') }),
  shutdown: obj({ type: lit('shutdown') }),
});

export const fromWorker: Check<FromWorker> = union<FromWorker>({
  hello: obj({ type: lit('hello'), version: str(100), pid: int }),
  log: obj({ type: lit('log'), level: oneOf('info', 'warn', 'error'), message: str(100_000) }),
});
