// `npm test`: the whole suite — typecheck, lint, unit tests (plain node), tests inside a real VS Code
// extension host, and UI tests in a real browser. Installs what it needs (npm packages; code-server and
// chromium through test/host/setup.sh). Every step runs even if an earlier one failed, then a summary.
// `node scripts/test-all.mjs unit host` runs only the named steps.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDeps, root } from './ensure-deps.mjs';

ensureDeps();

const bin = name => join(root, 'node_modules', '.bin', name);
const steps = [
  { name: 'build', cmd: [process.execPath, join(root, 'scripts/build.mjs')] },
  { name: 'typecheck', cmd: [bin('tsc'), '-p', '.', '--noEmit'] },
  { name: 'lint', cmd: [bin('eslint'), 'src', 'media', 'test', 'scripts'] },
  // The unit tests evaluate a real scikit-learn model through shared/bench/ref.py: Debian's Python packages.
  { name: 'system', cmd: ['bash', join(root, 'scripts/setup-system.sh')] },
  { name: 'unit', cmd: [bin('mocha'), 'test/unit/**/*.test.ts'] },
  { name: 'host', cmd: [process.execPath, join(root, 'test/host/run.js')] },
  { name: 'ui', cmd: [process.execPath, join(root, 'test/ui/run.js')] },
];
const only = process.argv.slice(2);
const results = [];
for (const step of steps.filter(s => !only.length || only.includes(s.name))) {
  console.log(`\n▶ ${step.name}: ${step.cmd.map(c => c.replace(root + '/', '')).join(' ')}`);
  const started = Date.now();
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), { cwd: root, stdio: 'inherit' });
  results.push({ name: step.name, ok: r.status === 0, seconds: (Date.now() - started) / 1000 });
}
console.log('\nSummary');
for (const r of results) console.log(`  ${r.ok ? '✔' : '✘'} ${r.name.padEnd(10)} ${r.seconds.toFixed(1)} s`);
const failed = results.filter(r => !r.ok).length;
console.log(`steps: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
