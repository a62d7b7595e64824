// `npm run bench`: runs every test/bench/*.bench.ts (or the ones named on the command line) one after
// the other, each in its own node process so one benchmark's heap does not skew the next.
// Results are printed and written to test-results/bench/<name>.json by each benchmark.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2);
const all = readdirSync(join(root, 'test/bench')).filter(f => f.endsWith('.bench.ts')).sort();
const chosen = wanted.length ? all.filter(f => wanted.some(w => f.startsWith(w))) : all;
if (!chosen.length) {
  console.error(`no benchmark matches ${wanted.join(', ')}; have: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const file of chosen) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', '-r', 'esbuild-register', join('test/bench', file)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
