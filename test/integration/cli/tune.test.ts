import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { readJournal } from '../../../src/core/study/journal';
import { captureIO } from '../../unit/cli/capture';

const capture = (cwd: string, signal = new AbortController().signal, tty = false) => captureIO({ cwd, signal, tty });

/**
 * A real trainer: prints one JSON line per epoch; the loss approaches (x - 0.3)^2; `fail: 1` exits 3.
 * With `hold_from: N` and `release: FILE`, trials numbered N and up stop after their first epoch until
 * FILE exists: a test can then act while they are certainly running, however slow the machine.
 */
const TRAINER = `
const fs = require('fs');
const args = Object.fromEntries(process.argv.slice(2).map(a => a.replace(/^--/, '').split('=')));
const x = Number(args.x);
if (args.fail === '1') { console.error('boom: x=' + x); process.exit(3); }
const epochs = Number(args.epochs || 3);
const held = Number(process.env.HPSTUDIO_TRIAL_ID) >= Number(args.hold_from ?? Infinity);
let i = 0;
const tick = () => {
  if (i === 1 && held && !fs.existsSync(args.release)) return setTimeout(tick, 20);
  console.log(JSON.stringify({ epoch: i, loss: (x - 0.3) ** 2 + 1 / (i + 1) }));
  if (++i < epochs) setTimeout(tick, Number(args.delay || 0)); else console.log(JSON.stringify({ loss: (x - 0.3) ** 2 }));
};
tick();
`;

function study(extra = '', params = '  x: {min: 0.0, max: 1.0}\n'): string {
  return `name: demo\nprogram: train.js\ncommand:\n  - ${process.execPath}\n  - \${program}\n  - \${args}\nmethod: random\nmetric: {name: loss, goal: minimize}\nparameters:\n${params}${extra}`;
}

describe('hpstudio tune', function () {
  this.timeout(120_000);
  let ws: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-tune-'));
    fs.writeFileSync(path.join(ws, 'train.js'), TRAINER);
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('runs real trials and prints exactly one JSON object with --json', async () => {
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), study('  epochs: {value: 3}\n'));
    const c = capture(ws);
    const code = await runCli(['tune', 'sweep.yaml', '--trials', '4', '--parallel', '2', '--seed', '5', '--json'], c.io);
    assert.equal(code, 0, c.err());
    const result = JSON.parse(c.out());
    assert.equal(c.out().trim().split('\n').length, 1);
    assert.equal(result.study, 'demo');
    assert.equal(result.completed, 4);
    assert.equal(result.pruned, 0);
    assert.equal(result.failed, 0);
    assert.equal(result.trials.length, 4);
    for (const t of result.trials) {
      assert.deepEqual(Object.keys(t).sort(), ['number', 'params', 'state', 'value']);
      // Final value = the summary line the trainer prints last.
      assert.ok(Math.abs(t.value - (t.params.x - 0.3) ** 2) < 1e-9, JSON.stringify(t));
    }
    const best = Math.min(...result.trials.map((t: { value: number }) => t.value));
    assert.equal(result.best.value, best);
    assert.deepEqual(Object.keys(result.best).sort(), ['number', 'params', 'value']);
    // One progress line per finished trial on a non-terminal stderr.
    assert.equal(c.err().split('\n').filter(l => /^trial \d+ complete {2}loss=/.test(l)).length, 4);
    assert.ok(fs.existsSync(path.join(ws, '.hpstudio', 'studies', 'demo', 'journal.jsonl')));
  });

  it('draws a progress bar when stderr is a terminal', async () => {
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), study());
    const c = capture(ws, undefined, true);
    assert.equal(await runCli(['tune', 'sweep.yaml', '--trials', '2'], c.io), 0);
    const ESC = String.fromCharCode(27);
    assert.ok(c.err().includes(`\r${ESC}[K[${'#'.repeat(24)}] 2/2  running 0  best loss=`), JSON.stringify(c.err()));
    assert.match(c.out(), /^study demo finished: 2 completed, 0 pruned, 0 failed\nbest loss=/);
  });

  it('prints study file errors as file:line:col and exits 2', async () => {
    fs.writeFileSync(path.join(ws, 'bad.yaml'), 'program: train.js\nparameters:\n  lr:\n    min: abc\n    max: 1\n');
    const c = capture(ws);
    assert.equal(await runCli(['tune', 'bad.yaml'], c.io), 2);
    assert.match(c.err(), /^bad\.yaml:4:10: parameters\.lr\.min must be a number, got "abc"$/m);
    assert.equal(fs.existsSync(path.join(ws, '.hpstudio')), false);
  });

  it('rejects bad arguments with exit 2', async () => {
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), study());
    for (const argv of [['tune'], ['tune', 'sweep.yaml', '--trials', '0'], ['tune', 'sweep.yaml', '--sampler', 'magic'], ['tune', 'a.yaml', 'b.yaml'], ['tune', 'sweep.yaml', '--seed', '-1']]) {
      const c = capture(ws);
      assert.equal(await runCli(argv, c.io), 2, argv.join(' '));
      assert.match(c.err(), /hpstudio tune: .*see `hpstudio tune --help`/);
    }
    const missing = capture(ws);
    assert.equal(await runCli(['tune', 'nope.yaml'], missing.io), 2);
    assert.match(missing.err(), /^nope\.yaml:1:1: study file not found/);
  });

  it('refuses --sampler grid over a continuous range as a study-file error (exit 2) before the study exists', async () => {
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), study());
    const c = capture(ws);
    assert.equal(await runCli(['tune', 'sweep.yaml', '--sampler', 'grid', '--trials', '3'], c.io), 2);
    assert.match(c.err(), /^sweep\.yaml:\d+:\d+: grid search \(--sampler grid\): grid search needs a list of values, and \S+ is a continuous range/m);
    assert.equal(fs.existsSync(path.join(ws, '.hpstudio', 'studies', 'demo')), false, 'no study folder, so a fixed rerun starts afresh');
  });

  it('refuses to overwrite an existing study and suggests --resume', async () => {
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), study());
    assert.equal(await runCli(['tune', 'sweep.yaml', '--trials', '1'], capture(ws).io), 0);
    const c = capture(ws);
    assert.equal(await runCli(['tune', 'sweep.yaml', '--trials', '1'], c.io), 1);
    assert.match(c.err(), /study "demo" already exists in .* \(created from .*sweep\.yaml\); continue it with --resume, or give the study a fresh name/);
  });

  it('records failing trials with their stderr and pauses after fast failures', async () => {
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), study('  fail: {value: 1}\nflapping: {max_failures: 2, window_s: 60}\n'));
    const c = capture(ws);
    assert.equal(await runCli(['tune', 'sweep.yaml', '--trials', '5', '--json'], c.io), 1);
    const result = JSON.parse(c.out());
    assert.equal(result.status, 'paused');
    assert.equal(result.failed, 2);
    assert.match(result.trials[0].error, /exited with code 3\nboom: x=/);
    assert.match(c.err(), /Paused: 2 trials failed/);
  });

  it('recovers from a SIGKILLed hpstudio process: finished trials stay, the orphaned ones fail and are re-queued', async () => {
    const release = path.join(ws, 'release');
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), study(`  epochs: {value: 5}\n  hold_from: {value: 2}\n  release: {value: ${JSON.stringify(release)}}\nretry_failed: true\n`));
    const journal = path.join(ws, '.hpstudio', 'studies', 'demo', 'journal.jsonl');
    const bin = path.join(__dirname, '..', '..', '..', 'src', 'cli', 'bin.ts');
    const cli = spawn(process.execPath, ['-r', require.resolve('esbuild-register'), bin, 'tune', 'sweep.yaml', '--trials', '5', '--parallel', '2'], { cwd: ws, stdio: 'ignore' });
    const exited = new Promise(resolve => cli.on('exit', resolve));
    // Kill -9 once two trials are complete and a held one is running with a value.
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (cli.exitCode !== null) {
          clearInterval(poll);
          reject(new Error('hpstudio ended before it could be killed'));
        }
        if (!fs.existsSync(journal)) return;
        const trials = readJournal(journal).study.trials;
        if (trials.length === 0 && cli.exitCode === null) return;
        if (trials.filter(t => t.state === 'complete').length >= 2 && trials.filter(t => t.state === 'running' && t.intermediate.size > 0).length >= 1) {
          clearInterval(poll);
          cli.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    await exited;
    fs.writeFileSync(release, ''); // the orphaned trials finish; resumed ones do not wait
    const before = readJournal(journal).study.trials;
    const orphans = before.filter(t => t.state === 'running');
    assert.ok(orphans.length >= 1);

    const c = capture(ws);
    assert.equal(await runCli(['tune', 'sweep.yaml', '--trials', '5', '--parallel', '2', '--resume', '--json'], c.io), 0, c.err());
    const result = JSON.parse(c.out());
    assert.match(c.err(), /took over study demo from pid \d+ on host .* \(worker 1\): its process .* is gone/);
    for (const t of before.filter(x => x.state === 'complete')) assert.equal(result.trials[t.number].value, t.value, 'finished trials are kept as they were');
    for (const o of orphans) {
      assert.equal(result.trials[o.number].state, 'fail');
      assert.match(result.trials[o.number].error, /^interrupted: its run \(pid \d+ on host .*\) is gone/);
      assert.ok(result.trials.some((t: { number: number; state: string; params: { x: number } }) => t.number > o.number && t.params.x === o.params.x && t.state === 'complete'), `trial ${o.number} re-queued`);
    }
    assert.equal(result.completed, 5);
    assert.deepEqual(result.trials.map((t: { number: number }) => t.number), result.trials.map((_: unknown, i: number) => i), 'no duplicate numbers');
  });

  it('stops every trial on Ctrl-C (exit 130) and --resume finishes without rerunning finished trials', async () => {
    const release = path.join(ws, 'release');
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), study(`  epochs: {value: 5}\n  hold_from: {value: 2}\n  release: {value: ${JSON.stringify(release)}}\n`));
    const controller = new AbortController();
    const c = capture(ws, controller.signal);
    const journal = path.join(ws, '.hpstudio', 'studies', 'demo', 'journal.jsonl');
    // Abort once the second wave of trials has started (trials 0-1 done, 2-3 running and held).
    const poll = setInterval(() => {
      if (fs.existsSync(journal) && readJournal(journal).study.trials.filter(t => t.state === 'complete').length >= 2) {
        const running = readJournal(journal).study.trials.filter(t => t.state === 'running');
        if (running.length > 0 && running.every(t => t.intermediate.size > 0)) {
          clearInterval(poll);
          controller.abort();
        }
      }
    }, 20);
    const code = await runCli(['tune', 'sweep.yaml', '--trials', '6', '--parallel', '2', '--json'], c.io);
    clearInterval(poll);
    assert.equal(code, 130, c.err());
    const first = JSON.parse(c.out());
    assert.equal(first.status, 'interrupted');
    const interrupted = first.trials.filter((t: { error?: string }) => /^interrupted/.test(t.error ?? ''));
    assert.ok(interrupted.length >= 1);
    const completedBefore = first.trials.filter((t: { state: string }) => t.state === 'complete').map((t: { number: number }) => t.number);

    fs.writeFileSync(release, '');
    const again = capture(ws);
    assert.equal(await runCli(['tune', 'sweep.yaml', '--trials', '6', '--parallel', '2', '--resume', '--json'], again.io), 0, again.err());
    const second = JSON.parse(again.out());
    assert.equal(second.status, 'finished');
    assert.equal(second.completed, 6);
    // Finished trials keep their numbers and values; interrupted points ran again under new numbers.
    for (const n of completedBefore) assert.deepEqual(second.trials[n], first.trials[n]);
    for (const t of interrupted) {
      const rerun = second.trials.find((x: { params: { x: number }; number: number; state: string }) => x.number > t.number && x.params.x === t.params.x && x.state === 'complete');
      assert.ok(rerun, `interrupted trial ${t.number} re-ran`);
    }
    // Each trial directory was started at most once (no rerun of a finished trial).
    const started = fs.readdirSync(path.join(ws, '.hpstudio', 'studies', 'demo', 'trials')).map(Number).sort((a, b) => a - b);
    assert.deepEqual(started, second.trials.map((t: { number: number }) => t.number));
  });
});
