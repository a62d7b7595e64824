// @ts-check
// `npm run test:ui`: packs the extension into a .vsix, then runs the mocha UI tests in test/ui, which
// install it into a fresh code-server profile and drive the workbench with headless chromium.
'use strict';
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, ensureInstalled } = require('../host/codeServer');

ensureInstalled();
const vsix = path.join(ROOT, 'test-results', 'hpstudio-ui.vsix');
const pack = spawnSync(process.execPath, [path.join(ROOT, 'scripts/package.mjs'), vsix], { stdio: 'inherit' });
if (pack.status !== 0) process.exit(pack.status ?? 1);
const mocha = path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
const files = process.argv.slice(2).length ? process.argv.slice(2) : ['test/ui/*.ui.test.js'];
const r = spawnSync(process.execPath, [mocha, '--no-config', '--timeout', '180000', '--forbid-only', ...files], {
  cwd: ROOT, stdio: 'inherit', env: { ...process.env, HPSTUDIO_VSIX: vsix },
});
process.exit(r.status ?? 1);
