/** Shared by the worker tests (and the in-host study tests): a throwaway quickstart workspace and a look at the processes in it. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StudyEventMessage } from '../../../src/core/protocol/worker';
import { WorkerClient, type WorkerMessage } from '../../../src/core/worker/workerClient';

export const ROOT = path.resolve(__dirname, '../../..');
export const QUICKSTART = path.join(ROOT, 'examples/quickstart');

/** Copies the quickstart into a temp workspace; `edit` rewrites its sweep.yaml (e.g. a slower delay). */
export function quickstartWorkspace(edit: (yaml: string) => string = y => y): { dir: string; studyFile: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-worker-'));
  fs.copyFileSync(path.join(QUICKSTART, 'train.js'), path.join(dir, 'train.js'));
  const yaml = fs.readFileSync(path.join(QUICKSTART, 'sweep.yaml'), 'utf8');
  const studyFile = path.join(dir, 'sweep.yaml');
  fs.writeFileSync(studyFile, edit(yaml));
  return { dir, studyFile };
}

/** Pids of live processes whose working directory is inside `dir` (our trials run with cwd = the study folder). */
export function processesIn(dir: string): number[] {
  const real = fs.realpathSync(dir);
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // A zombie has exited; only its parent's wait is missing.
      if (/\) Z /.test(stat)) continue;
      if (cwd === real || cwd.startsWith(real + path.sep)) pids.push(Number(entry));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** A worker forked from source through esbuild-register, with every message and log line recorded. */
export function sourceWorker(env: Record<string, string> = {}): {
  client: WorkerClient;
  messages: WorkerMessage[];
  logs: Array<{ level: string; message: string }>;
  events: StudyEventMessage[];
  crashes: number[];
} {
  const messages: WorkerMessage[] = [];
  const logs: Array<{ level: string; message: string }> = [];
  const events: StudyEventMessage[] = [];
  const crashes: number[] = [];
  const client = new WorkerClient({
    modulePath: path.join(ROOT, 'src/worker/main.ts'),
    execArgv: ['-r', 'esbuild-register'],
    cwd: ROOT,
    env,
    onCrash: info => crashes.push(info.code ?? -1),
    log: (level, message) => logs.push({ level, message }),
  });
  client.onMessage(m => {
    messages.push(m);
    if (m.type === 'events') events.push(...m.events);
  });
  return { client, messages, logs, events, crashes };
}

/** Polls `probe` until it returns something other than undefined/false (shared with the in-host tests). */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 25));
  }
}
