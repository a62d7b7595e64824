// `npm test`: the whole suite — build, typecheck, lint, unit tests (pure, plain node, seconds),
// integration tests (real processes, Python, a real Slurm cluster, the worker process), tests inside a
// real VS Code extension host, UI tests in a real browser, and every README development command run
// once in a fresh copy of the repository. Installs what it needs (npm packages; Debian packages through
// scripts/setup-system.sh; code-server and chromium through test/host/setup.sh). Every step runs even if
// an earlier one failed, then a summary with each step's time.
// `node scripts/test-all.mjs unit integration` runs only the named steps.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDeps, root } from './ensure-deps.mjs';

ensureDeps();

const bin = name => join(root, 'node_modules', '.bin', name);
const mocha = (...args) => [bin('mocha'), ...args];
const steps = [
  { name: 'build', cmd: [process.execPath, join(root, 'scripts/build.mjs')] },
  { name: 'typecheck', cmd: [bin('tsc'), '-p', '.', '--noEmit'] },
  { name: 'lint', cmd: [bin('eslint'), 'src', 'media', 'test', 'scripts'] },
  // Debian packages of the integration tests: Python with Optuna/scikit-learn/SciPy, Slurm and munge.
  { name: 'system', cmd: ['bash', join(root, 'scripts/setup-system.sh')] },
  { name: 'unit', cmd: mocha('test/unit/**/*.test.ts') },
  { name: 'integration', cmd: mocha('test/integration/**/*.test.ts') },
  { name: 'host', cmd: [process.execPath, join(root, 'test/host/run.js')] },
  { name: 'ui', cmd: [process.execPath, join(root, 'test/ui/run.js')] },
  { name: 'clone', cmd: mocha('--timeout', '900000', 'test/clone/**/*.test.ts') },
];
const known = steps.map(s => s.name);
const only = process.argv.slice(2);
const unknown = only.filter(n => !known.includes(n));
if (unknown.length) {
  console.error(`unknown step ${unknown.join(', ')} (steps: ${known.join(', ')})`);
  process.exit(2);
}
const results = [];
for (const step of steps.filter(s => !only.length || only.includes(s.name))) {
  console.log(`\n▶ ${step.name}: ${step.cmd.map(c => c.replace(root + '/', '')).join(' ')}`);
  const started = Date.now();
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), { cwd: root, stdio: 'inherit' });
  results.push({ name: step.name, ok: r.status === 0, seconds: (Date.now() - started) / 1000 });
}
console.log('\nSummary');
for (const r of results) console.log(`  ${r.ok ? '✔' : '✘'} ${r.name.padEnd(12)} ${r.seconds.toFixed(1)} s`);
const total = results.reduce((sum, r) => sum + r.seconds, 0);
const failed = results.filter(r => !r.ok).length;
console.log(`steps: ${results.length - failed} passed, ${failed} failed, ${(total / 60).toFixed(1)} min in all`);
process.exit(failed ? 1 : 0);
