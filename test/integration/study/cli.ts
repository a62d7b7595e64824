/** Real `hpstudio` processes for the fault and multi-worker tests: spawned from source, watched through their output and the journal. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJournal, type ParsedJournal } from '../../../src/core/study/journal';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'src', 'cli', 'bin.ts');

export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<number | string>;
}

export function startCli(args: readonly string[], cwd: string, env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, ['-r', require.resolve('esbuild-register'), BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', d => (out += String(d)));
  child.stderr!.on('data', d => (err += String(d)));
  const exited = new Promise<number | string>(resolve => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, pid: child.pid as number, stdout: () => out, stderr: () => err, exited };
}

/** Polls `probe` until it returns something other than undefined/false; says what it waited for when it gives up. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined | false;
    try {
      value = probe();
    } catch {
      value = undefined; // a journal caught mid-creation
    }
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 25));
  }
}

/** The journal as it is now, or undefined while it does not exist yet. */
export function journalNow(file: string): ParsedJournal | undefined {
  return fs.existsSync(file) ? readJournal(file) : undefined;
}

/** The journal's records, line by line (what was written, including records a replay would skip). */
export function rawRecords(file: string): Array<Record<string, unknown>> {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(l => l.trim())
    .map(l => JSON.parse(l) as Record<string, unknown>);
}

/**
 * A trainer that prints `loss` once per epoch (`--epochs`, `--delay` ms apart) and a final value; with
 * `--stubborn=1` it ignores SIGTERM. Like a job that logs to a file, it keeps training when nobody reads
 * its output any more (its runner was killed); while a file named `slow` exists in its folder each
 * epoch takes a second.
 */
export const TRAINER = `
const fs = require('fs');
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
const args = Object.fromEntries(process.argv.slice(2).map(a => a.replace(/^--/, '').split('=')));
if (args.stubborn === '1') process.on('SIGTERM', () => console.error('ignoring SIGTERM'));
const x = Number(args.x);
const epochs = Number(args.epochs || 3);
if (fs.existsSync('slow')) args.delay = 1000;
let i = 0;
const tick = () => {
  console.log(JSON.stringify({ epoch: i, loss: (x - 0.3) ** 2 + 1 / (i + 1) }));
  if (++i < epochs) setTimeout(tick, Number(args.delay || 0)); else console.log(JSON.stringify({ loss: (x - 0.3) ** 2 }));
};
tick();
`;

export function studyYaml(name: string, extra = ''): string {
  return `name: ${name}\nprogram: train.js\ncommand:\n  - ${process.execPath}\n  - \${program}\n  - \${args}\nmethod: random\nmetric: {name: loss, goal: minimize}\nparameters:\n  x: {min: 0.0, max: 1.0}\n${extra}`;
}

/**
 * The journal lines that explain what became of some trials, for a failure message: who joined (worker
 * number → pid), who was fenced or left, and every record about those trials, each with its line number.
 */
export function journalStory(file: string, numbers: readonly number[]): string {
  const wanted = new Set(numbers);
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => {
      if (!line.trim()) return false;
      try {
        const r = JSON.parse(line) as Record<string, unknown>;
        return r.op === 'worker' || r.op === 'fence' || r.op === 'leave' || (typeof r.number === 'number' && wanted.has(r.number)) || (r.op === 'trial' && wanted.has(r.retryOf as number));
      } catch {
        return true; // a torn or corrupt line says something too
      }
    })
    .map(({ line, i }) => `  ${i + 1}: ${line}`)
    .join('\n');
}
