/**
 * A real single-node Slurm cluster for a test file: started by test/slurm/start-slurm.sh on free ports
 * under a short /tmp folder, stopped (and its folder removed) after. With or without accounting
 * (slurmdbd + MariaDB), with as many CPU slots as asked (more than the machine's cores is fine).
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const SCRIPTS = path.resolve(__dirname, '../../slurm');
export const PROGRAMS = path.join(SCRIPTS, 'programs');

export function slurmctldInstalled(): boolean {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'];
  return dirs.some((d) => d && fs.existsSync(path.join(d, 'slurmctld')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, [...args], { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Waits for a condition, checking every 100 ms; `limitMs` only bounds a hang (generous on purpose). */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, limitMs = 180_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface TestCluster {
  readonly base: string;
  /** Environment for Slurm clients: SLURM_CONF set. */
  readonly env: NodeJS.ProcessEnv;
  readonly node: string;
  readonly accounting: boolean;
  /** How long start-slurm.sh took, ms. */
  readonly startMs: number;
  /** Runs a Slurm client command against this cluster. */
  sh(command: string, ...args: string[]): Promise<{ code: number; output: string }>;
  stop(): Promise<void>;
}

export async function startCluster(options: { accounting: boolean; cpus?: number }): Promise<TestCluster> {
  // Short and unique: munge's socket path must fit in a UNIX socket name.
  const base = `/tmp/hps-s${process.pid}${options.accounting ? 'd' : 'n'}`;
  const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
  const clusterEnv: NodeJS.ProcessEnv = {
    ...process.env,
    SLURM_BASE: base,
    SLURM_ACCOUNTING: options.accounting ? 'dbd' : 'none',
    SLURM_CPUS: String(options.cpus ?? os.cpus().length),
    SLURM_CTLD_PORT: String(ports[0]),
    SLURM_D_PORT: String(ports[1]),
    SLURM_DBD_PORT: String(ports[2]),
    SLURM_DB_PORT: String(ports[3]),
  };
  const started = Date.now();
  const result = await run('bash', [path.join(SCRIPTS, 'start-slurm.sh')], clusterEnv, 600_000);
  const startMs = Date.now() - started;
  const env = { ...clusterEnv, SLURM_CONF: path.join(base, 'etc', 'slurm.conf') };
  const cluster: TestCluster = {
    base,
    env,
    node: os.hostname().split('.')[0],
    accounting: options.accounting,
    startMs,
    sh: (command, ...args) => run(command, args, env),
    stop: async () => {
      const stopped = await run('bash', [path.join(SCRIPTS, 'stop-slurm.sh')], { ...clusterEnv, SLURM_CLEAN: '1' }, 180_000);
      assert.equal(stopped.code, 0, `stop-slurm.sh reported leftovers:\n${stopped.output}`);
    },
  };
  if (result.code !== 0) {
    await run('bash', [path.join(SCRIPTS, 'stop-slurm.sh')], { ...clusterEnv, SLURM_CLEAN: '1' }, 180_000);
    assert.fail(`start-slurm.sh failed:\n${result.output}`);
  }
  return cluster;
}
