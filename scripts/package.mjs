// `npm run package`: a production build packed by @vscode/vsce into hpstudio-<version>.vsix.
// Everything the extension runs is bundled, so node_modules is left out (--no-dependencies).
//   node scripts/package.mjs [out.vsix] [--quiet]   (--quiet: vsce's file listing only if it fails)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const named = args.find(a => !a.startsWith('--'));
const out = named ? resolve(named) : join(root, `hpstudio-${version}.vsix`);
// vsce does not create the folder it writes to (a fresh clone has no test-results/ or .vscode-test/).
mkdirSync(dirname(out), { recursive: true });
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '-o', out], {
  cwd: root,
  stdio: quiet ? 'pipe' : 'inherit',
  encoding: 'utf8',
});
if (r.status !== 0) {
  if (quiet) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  process.exit(r.status ?? 1);
}
const mb = statSync(out).size / 1024 / 1024;
console.log(`${out}: ${mb.toFixed(2)} MB`);
if (mb > 3) {
  console.error('the .vsix is over the 3 MB budget: check .vscodeignore');
  process.exit(1);
}
