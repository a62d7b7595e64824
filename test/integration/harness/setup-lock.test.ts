/**
 * test/host/setup.sh installs code-server once per machine: a second clone that starts while the first
 * is installing waits for it (a lock in the shared cache) instead of building a second copy.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SETUP = path.resolve(__dirname, '../../host/setup.sh');

/** Resolves once `stream` has printed something matching `re`. */
function printed(stream: NodeJS.ReadableStream, re: RegExp): Promise<string> {
  let text = '';
  return new Promise(resolve => {
    stream.on('data', chunk => {
      text += String(chunk);
      if (re.test(text)) resolve(text);
    });
  });
}

describe('test harness: one code-server install per machine', function () {
  this.timeout(120_000);
  let cache: string;
  let holder: number | undefined;
  beforeEach(() => {
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-cache-'));
  });
  afterEach(() => {
    if (holder) {
      try {
        process.kill(-holder, 'SIGKILL');
      } catch {
        /* gone */
      }
      holder = undefined;
    }
    fs.rmSync(cache, { recursive: true, force: true });
  });

  it('a second install waits for the one in progress and then uses it', async () => {
    // Another clone is installing: it holds the lock (-o: the flock process alone, not the sleep).
    const other = spawn('flock', ['-o', path.join(cache, '.install.lock'), 'sh', '-c', 'echo locked; exec sleep 1000'], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    holder = other.pid;
    await printed(other.stdout!, /locked/);
    const env = { ...process.env, HPSTUDIO_VSCODE_TEST_DIR: cache };
    const second = spawn('bash', [SETUP], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>(resolve => second.on('exit', code => resolve(code)));
    let stderr = '';
    second.stderr!.on('data', d => (stderr += String(d)));
    await printed(second.stderr!, /another clone is installing code-server into .*; waiting for it/);
    // The other install finishes: its completion mark appears, then it lets go of the lock.
    fs.mkdirSync(path.join(cache, 'code-server-4.100.3'), { recursive: true });
    fs.writeFileSync(path.join(cache, 'code-server-4.100.3', '.hpstudio-installed'), '');
    process.kill(-(other.pid as number), 'SIGTERM'); // flock and its sleep
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /code-server is ready/);
    assert.doesNotMatch(stderr, /hpstudio: installing code-server/, 'no second install');
  });

  it('an install that is marked complete is used without any work', async () => {
    fs.mkdirSync(path.join(cache, 'code-server-4.100.3'), { recursive: true });
    fs.writeFileSync(path.join(cache, 'code-server-4.100.3', '.hpstudio-installed'), '');
    const run = spawn('bash', [SETUP], { env: { ...process.env, HPSTUDIO_VSCODE_TEST_DIR: cache }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    run.stderr!.on('data', d => (stderr += String(d)));
    assert.equal(await new Promise(resolve => run.on('exit', resolve)), 0);
    assert.equal(stderr, '');
  });
});
