// `npm test`: the whole suite — build, typecheck, lint, unit tests (pure, plain node, seconds),
// integration tests (real processes, Python, the worker process), the Slurm tests (a real single-node
// cluster), tests inside a real VS Code extension host, UI tests in a real browser, and every README
// development command run once in a fresh copy of the repository. Installs what it needs (npm packages;
// Debian packages through scripts/setup-system.sh; code-server and chromium through test/host/setup.sh).
// Every step runs even if an earlier one failed, then a summary with each step's time.
//
// Steps run side by side, up to HPSTUDIO_TEST_JOBS (default 3) at once, the longest chain first: on a
// busy 2-core machine one step at a time leaves the suite a third of the CPU, and the Slurm step mostly
// waits on the scheduler (it takes no slot). A step starts once the steps it needs have ended. Each
// writes test-results/logs/<step>.log, printed when it ends. Nothing two of them share is written by
// both: host and UI run the extension from different builds (dist/ for host, the .vsix packed once for
// UI, after build, which rewrites dist/ too); the clone step works in its own copy.
//
// `node scripts/test-all.mjs unit integration` runs only the named steps; HPSTUDIO_TEST_JOBS=1 runs
// them one after the other, in the order below, with their output as it comes.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDeps, root } from './ensure-deps.mjs';

ensureDeps();

const bin = name => join(root, 'node_modules', '.bin', name);
const mocha = (...args) => [bin('mocha'), ...args];
const vsix = join(root, 'test-results', 'hpstudio-ui.vsix');
// The integration tests that start a Slurm cluster: their own step, as they mostly wait on the scheduler.
const SLURM_TESTS = ['test/integration/slurm/**/*.test.ts', 'test/integration/runner/slurm.test.ts'];

/**
 * `seconds`: a typical time on a busy 2-core machine with the other steps beside it, to start the longest chain first. `slot: false`:
 * mostly waits, does not count towards HPSTUDIO_TEST_JOBS. `after`: steps that must have ended first
 * (when they are run at all). `requires`: steps run with this one even when only it is named.
 */
const steps = [
  { name: 'build', seconds: 10, cmd: [process.execPath, join(root, 'scripts/build.mjs')] },
  // Debian packages of the integration tests (Python with Optuna/scikit-learn/SciPy, Slurm, munge), and
  // code-server with chromium for the host and UI tests: installed once, before the steps that use them.
  { name: 'system', seconds: 5, slot: false, cmd: ['bash', '-c', 'bash scripts/setup-system.sh && bash test/host/setup.sh --chromium'] },
  { name: 'typecheck', seconds: 140, cmd: [bin('tsc'), '-p', '.', '--noEmit'] },
  { name: 'lint', seconds: 70, cmd: [bin('eslint'), 'src', 'media', 'test', 'scripts'] },
  { name: 'unit', seconds: 380, cmd: mocha('test/unit/**/*.test.ts') },
  // The .vsix the UI tests install: a production build into dist/, so after build and before host.
  { name: 'package', seconds: 30, after: ['build'], cmd: [process.execPath, join(root, 'scripts/package.mjs'), vsix, '--quiet'] },
  { name: 'integration', seconds: 450, after: ['system'], cmd: mocha('test/integration/**/*.test.ts', ...SLURM_TESTS.flatMap(t => ['--ignore', t])) },
  { name: 'slurm', seconds: 250, slot: false, after: ['system'], cmd: mocha(...SLURM_TESTS) },
  { name: 'host', seconds: 140, after: ['system', 'package'], cmd: [process.execPath, join(root, 'test/host/run.js')] },
  { name: 'ui', seconds: 570, after: ['system', 'package'], cmd: [process.execPath, join(root, 'test/ui/run.js')], env: { HPSTUDIO_VSIX: vsix }, requires: ['package'] },
  { name: 'clone', seconds: 360, after: ['system'], cmd: mocha('--timeout', '900000', 'test/clone/**/*.test.ts') },
];
const known = steps.map(s => s.name);
const only = process.argv.slice(2);
const unknown = only.filter(n => !known.includes(n));
if (unknown.length) {
  console.error(`unknown step ${unknown.join(', ')} (steps: ${known.join(', ')})`);
  process.exit(2);
}
const wanted = new Set(only.flatMap(n => [n, ...(steps.find(s => s.name === n).requires ?? [])]));
const chosen = steps.filter(s => !only.length || wanted.has(s.name));
const jobs = Math.max(1, Number(process.env.HPSTUDIO_TEST_JOBS ?? 3) || 3);
const logs = join(root, 'test-results', 'logs');
const results = new Map();
const started = Date.now();
const clock = () => `+${((Date.now() - started) / 1000).toFixed(0)} s`;
const shown = cmd => cmd.map(c => c.replace(root + '/', '')).join(' ');

/** Runs one step; with `log`, its output goes to that file and is printed when it ends. */
function run(step, log) {
  const env = { ...process.env, ...step.env };
  // The UI tests pack the .vsix themselves unless the package step made it.
  if (results.get('package')?.ok !== true) delete env.HPSTUDIO_VSIX;
  const fd = log ? openSync(log, 'w') : undefined;
  const t0 = Date.now();
  return new Promise(resolve => {
    const child = spawn(step.cmd[0], step.cmd.slice(1), { cwd: root, env, stdio: fd === undefined ? 'inherit' : ['ignore', fd, fd] });
    if (fd !== undefined) closeSync(fd);
    const finish = ok => {
      if (results.has(step.name)) return; // 'error' and 'exit' may both come
      const result = { name: step.name, ok, seconds: (Date.now() - t0) / 1000 };
      results.set(step.name, result);
      if (log) {
        console.log(`\n━━━ ${step.name}: ${shown(step.cmd)} (log: ${log.replace(root + '/', '')})`);
        process.stdout.write(readFileSync(log, 'utf8'));
        console.log(`━━━ ${ok ? '✔' : '✘'} ${step.name} ended in ${result.seconds.toFixed(1)} s (${clock()})`);
      }
      resolve(result);
    };
    child.on('error', err => {
      console.error(`${step.name}: ${err.message}`);
      finish(false);
    });
    child.on('exit', code => finish(code === 0));
  });
}

const names = new Set(chosen.map(s => s.name));
const needs = step => (step.after ?? []).filter(n => names.has(n));
/** Own time plus the longest chain of steps waiting for it. */
const chain = step => step.seconds + Math.max(0, ...chosen.filter(s => needs(s).includes(step.name)).map(chain));

if (jobs === 1) {
  for (const step of chosen) {
    console.log(`\n▶ ${step.name}: ${shown(step.cmd)}`);
    await run(step);
  }
} else {
  mkdirSync(logs, { recursive: true });
  const pending = [...chosen].sort((a, b) => chain(b) - chain(a));
  let busy = 0;
  let running = 0;
  await new Promise(resolveAll => {
    const next = () => {
      for (let i = 0; i < pending.length; ) {
        const step = pending[i];
        const ready = needs(step).every(n => results.has(n));
        if (!ready || (step.slot !== false && busy >= jobs)) {
          i++;
          continue;
        }
        pending.splice(i, 1);
        if (step.slot !== false) busy++;
        running++;
        console.log(`▶ ${step.name} started (${clock()}): test-results/logs/${step.name}.log`);
        void run(step, join(logs, `${step.name}.log`)).then(() => {
          if (step.slot !== false) busy--;
          running--;
          next();
        });
      }
      if (!pending.length && !running) resolveAll();
    };
    next();
  });
}

console.log('\nSummary');
const ordered = chosen.map(s => results.get(s.name)).filter(Boolean);
for (const r of ordered) console.log(`  ${r.ok ? '✔' : '✘'} ${r.name.padEnd(12)} ${r.seconds.toFixed(1)} s`);
const wall = (Date.now() - started) / 1000;
const failed = ordered.filter(r => !r.ok).length;
console.log(`steps: ${ordered.length - failed} passed, ${failed} failed, ${(wall / 60).toFixed(1)} min in all (${jobs > 1 ? `up to ${jobs} steps at once besides slurm` : 'one step at a time'})`);
process.exit(failed ? 1 : 0);
