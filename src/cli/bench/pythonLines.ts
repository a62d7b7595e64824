/**
 * A Python child of the benchmarks that answers each request line with one line (the evaluator of the
 * reference problems, Optuna's ask/tell runner): requests are answered in order, and an exit or a
 * failed start rejects every request still waiting, with the end of its stderr.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';

/** Python with Optuna and scikit-learn: $HPSTUDIO_PYTHON, else Debian's /usr/bin/python3, else PATH. */
export function benchPython(): string {
  return process.env.HPSTUDIO_PYTHON || (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

/**
 * Runs a Python script of the benchmarks to its end (`args[0]` is the script) and resolves with its
 * stdout; a failed start or a non-zero exit rejects with the end of its stderr.
 */
export function runBenchPython(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(benchPython(), [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('exit', code => {
      if (code !== 0) reject(new Error(`${basename(args[0])} ${args.slice(1).join(' ')} failed (${code}): ${err.slice(-800)}`));
      else resolve(out);
    });
  });
}

interface Waiting {
  /** Reads the answer line; throws an Error that rejects the request. */
  readonly read: (line: string) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (e: Error) => void;
}

export class PythonLines {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private readonly waiting: Waiting[] = [];
  private stderr = '';
  private exited: string | undefined;

  /** `name` says who exited in messages ("problems.py", "Optuna's runner"). */
  constructor(args: readonly string[], name: string) {
    this.child = spawn(benchPython(), [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.onData(chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-2000)));
    this.child.on('error', err => this.fail(`could not start ${benchPython()}: ${err.message}`));
    this.child.on('exit', (code, signal) => this.fail(`${name} exited (${signal ?? code})${this.stderr ? `: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
  }

  /** Sends one line; `read` turns the answer line into the result (or throws). Rejected, never thrown, once the child is gone. */
  request<T>(line: string, read: (answer: string) => T): Promise<T> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ read, resolve: resolve as (value: unknown) => void, reject });
      this.child.stdin.write(`${line}\n`);
    });
  }

  close(): void {
    this.exited ??= 'closed';
    this.child.stdin.end();
    this.child.kill();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line) continue;
      const w = this.waiting.shift();
      if (!w) continue;
      try {
        w.resolve(w.read(line));
      } catch (err) {
        w.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  private fail(message: string): void {
    if (this.exited) return;
    this.exited = message;
    for (const w of this.waiting.splice(0)) w.reject(new Error(message));
  }
}
