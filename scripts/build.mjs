// One esbuild script for every target: the extension (node/cjs, `vscode` external), the worker and
// the CLI (node), the webviews (browser/iife, chart.js bundled) and, with --tests, the in-host test suite.
// Usage: node scripts/build.mjs [--watch] [--production] [--tests]
import * as esbuild from 'esbuild';
import { readFileSync, readdirSync, existsSync, rmSync, mkdirSync, copyFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const watch = args.has('--watch');
const production = args.has('--production');
const withTests = args.has('--tests') || watch;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const common = {
  bundle: true,
  sourcemap: production ? 'linked' : 'inline',
  minify: production,
  logLevel: 'warning',
  define: { HPSTUDIO_VERSION: JSON.stringify(pkg.version) },
  absWorkingDir: root,
};

// mainFields: prefer ESM builds — jsonc-parser's UMD build requires its modules dynamically, which a bundle cannot follow.
const nodeCommon = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], mainFields: ['module', 'main'] };

/** Each folder media/<view>/ with a main.ts is one webview bundle, media/build/<view>.js. */
const webviewEntries = readdirSync(join(root, 'media'), { withFileTypes: true })
  .filter(d => d.isDirectory() && existsSync(join(root, 'media', d.name, 'main.ts')))
  .map(d => ({ in: `media/${d.name}/main.ts`, out: d.name }));

const targets = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { worker: 'src/worker/main.ts' }, outdir: 'dist' },
  // The CLI is started for every command: minified, with its source map beside it rather than inline,
  // so node parses ~0.7 MB instead of ~4 MB before `hpstudio detect` can answer (cli-startup bench).
  { ...nodeCommon, entryPoints: { cli: 'src/cli/bin.ts' }, outdir: 'dist', minify: true, keepNames: true, sourcemap: 'linked' },
  { ...common, platform: 'browser', format: 'iife', target: 'chrome120', entryPoints: webviewEntries, outdir: 'media/build' },
];

if (withTests) {
  const suiteDir = join(root, 'test/host/suite');
  const suites = readdirSync(suiteDir).filter(f => f.endsWith('.ts')).map(f => `test/host/suite/${f}`);
  // Bundled (not transpiled file by file) so the suite runs in the extension host with no loader.
  targets.push({ ...nodeCommon, sourcemap: 'inline', entryPoints: suites, outdir: 'out/host/suite', external: ['vscode', 'mocha'] });
}

if (!watch) {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  rmSync(join(root, 'media/build'), { recursive: true, force: true });
}

// Codicons are served from media/ like everything else a webview loads (localResourceRoots is media/ only).
// SQLite (sql.js, for Optuna .db storages) is WebAssembly read from beside the bundles: dist/sql-wasm.wasm.
// The notebook runner (dist/notebook-runner.py) is read from there too.
function copyAssets() {
  mkdirSync(join(root, 'media/build'), { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(root, 'node_modules/@vscode/codicons/dist', f), join(root, 'media/build', f));
  mkdirSync(join(root, 'dist'), { recursive: true });
  copyFileSync(join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), join(root, 'dist/sql-wasm.wasm'));
  // Notebook trials run this Python file; the bundles find it next to themselves (src/core/notebook/launch.ts).
  copyFileSync(join(root, 'src/core/notebook/notebook-runner.py'), join(root, 'dist/notebook-runner.py'));
}

if (watch) {
  copyAssets();
  const contexts = await Promise.all(targets.map(t => esbuild.context(t)));
  await Promise.all(contexts.map(c => c.watch()));
  console.log(`[watch] building ${targets.length} targets; waiting for changes…`);
} else {
  const started = Date.now();
  await Promise.all(targets.map(t => esbuild.build(t)));
  copyAssets();
  console.log(`built ${targets.length} targets in ${Date.now() - started} ms`);
}
