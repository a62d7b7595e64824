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

/** The process group in /proc/<pid>/stat (the fields after the command's closing parenthesis: state, ppid, pgrp). */
function groupOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/**
 * Pids of live processes whose working directory is inside `dir` (our trials run with cwd = the study
 * folder). `trialsOnly` leaves out the test's own process group: a CLI the test spawned from source
 * and the esbuild service esbuild-register starts for it (an orphan of a killed CLI exits only once it
 * reads the end of its stdin) — trials always lead process groups of their own.
 */
export function processesIn(dir: string, options: { trialsOnly?: boolean } = {}): number[] {
  const real = fs.realpathSync(dir);
  const ours = groupOf(fs.readFileSync('/proc/self/stat', 'utf8'));
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // A zombie has exited; only its parent's wait is missing.
      if (/\) Z /.test(stat)) continue;
      if (options.trialsOnly && groupOf(stat) === ours) continue;
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
  /** The worker's last stderr lines at each unexpected exit (for failure messages). */
  crashStderr: string[];
} {
  const messages: WorkerMessage[] = [];
  const logs: Array<{ level: string; message: string }> = [];
  const events: StudyEventMessage[] = [];
  const crashes: number[] = [];
  const crashStderr: string[] = [];
  const client = new WorkerClient({
    modulePath: path.join(ROOT, 'src/worker/main.ts'),
    execArgv: ['-r', 'esbuild-register'],
    cwd: ROOT,
    env,
    onCrash: info => {
      crashes.push(info.code ?? -1);
      crashStderr.push(info.stderr);
    },
    log: (level, message) => logs.push({ level, message }),
  });
  client.onMessage(m => {
    messages.push(m);
    if (m.type === 'events') events.push(...m.events);
  });
  return { client, messages, logs, events, crashes, crashStderr };
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
