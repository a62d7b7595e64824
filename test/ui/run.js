// @ts-check
// `npm run test:ui`: packs the extension into a .vsix, then runs the mocha UI tests in test/ui, which
// install it into a fresh code-server profile and drive the workbench with headless chromium.
//   npm run test:ui -- [files…] [mocha options, e.g. -g "dark theme"]
//   npm run test:ui -- --dry-run   everything up to the browser: install, pack, list the tests
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { ROOT, CS_BIN, ensureInstalled } = require('../host/codeServer');

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
ensureInstalled({ chromium: true });
// `npm test` packs the .vsix once before steps run side by side (HPSTUDIO_VSIX): packing builds into
// dist/, which the host tests run from at the same time.
const packed = process.env.HPSTUDIO_VSIX && fs.existsSync(process.env.HPSTUDIO_VSIX) ? process.env.HPSTUDIO_VSIX : undefined;
const vsix = packed || path.join(ROOT, 'test-results', 'hpstudio-ui.vsix');
if (!packed) {
  const pack = spawnSync(process.execPath, [path.join(ROOT, 'scripts/package.mjs'), vsix, '--quiet'], { stdio: 'inherit' });
  if (pack.status !== 0) process.exit(pack.status ?? 1);
} else console.log(`using ${vsix} (packed by npm test)`);
if (dryRun && !fs.existsSync(CS_BIN)) {
  console.error(`test:ui: code-server is missing at ${CS_BIN}`);
  process.exit(1);
}
const mocha = path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
// Arguments naming files choose the tests; the rest are mocha options (-g …, --dry-run).
const files = args.filter(a => a.endsWith('.js') && !a.startsWith('-'));
const options = args.filter(a => !files.includes(a));
const r = spawnSync(process.execPath, [mocha, '--no-config', '--timeout', '300000', '--forbid-only', ...options, ...(files.length ? files : ['test/ui/*.ui.test.js'])], {
  cwd: ROOT, stdio: 'inherit', env: { ...process.env, HPSTUDIO_VSIX: vsix },
});
process.exit(r.status ?? 1);
