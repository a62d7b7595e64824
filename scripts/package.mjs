// `npm run package`: a production build packed by @vscode/vsce into hpstudio-<version>.vsix.
// Everything the extension runs is bundled, so node_modules is left out (--no-dependencies).
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = process.argv[2] ?? join(root, `hpstudio-${version}.vsix`);
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '-o', out], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
const mb = statSync(out).size / 1024 / 1024;
console.log(`${out}: ${mb.toFixed(2)} MB`);
if (mb > 3) {
  console.error('the .vsix is over the 3 MB budget: check .vscodeignore');
  process.exit(1);
}
