// @ts-check
// `npm run test:host [-- suite] [-- --dry-run]`: runs the mocha suites in test/host/suite INSIDE a real
// VS Code extension host (--dry-run: everything up to starting VS Code), through
// @vscode/test-electron's runTests. On these machines desktop VS Code cannot be downloaded, so runTests is
// pointed at test/host/code-shim (code-server + chromium); HPSTUDIO_DESKTOP_VSCODE=1 makes the very same
// call download and use desktop VS Code instead, on a machine with internet.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { runTests } = require('@vscode/test-electron');
const { ROOT, ensureInstalled } = require('./codeServer');
const { copyCleanWorkspace, describeCopy } = require('./cleanCopy');

/** Each suite: which workspace fixture it opens and whether the folder is trusted. */
const suites = [
  { name: 'trusted', workspace: 'test/fixtures/host-workspace', trust: 'trusted' },
  { name: 'restricted', workspace: 'test/fixtures/host-workspace', trust: 'restricted' },
  // The Python extension cannot be downloaded here: this suite installs a stand-in under its id that
  // implements the documented API surface we use (test/host/python-stub).
  { name: 'python', workspace: 'test/fixtures/host-workspace', trust: 'trusted', extensions: ['test/host/python-stub'] },
];

function copyWorkspace(rel) {
  // Tests edit files (apply best, quick fixes): run them on a throwaway copy.
  // Without the user's state in this clone (a study `npm start` left in examples/.hpstudio …).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-ws-'));
  const notes = [describeCopy(rel, copyCleanWorkspace(path.join(ROOT, rel), dir))];
  // The studies run the real quickstart the README points users to, not a copy of it.
  notes.push(describeCopy('examples/quickstart', copyCleanWorkspace(path.join(ROOT, 'examples', 'quickstart'), path.join(dir, 'quickstart'))));
  for (const note of notes.filter(Boolean)) console.log(`test workspace: ${note}`);
  return dir;
}

async function main() {
  const desktop = process.env.HPSTUDIO_DESKTOP_VSCODE === '1';
  if (!desktop) ensureInstalled({ chromium: true });
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--tests'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const only = args.find(a => !a.startsWith('--'));
  const chosen = suites.filter(s => !only || s.name === only);
  if (!chosen.length) throw new Error(`no host suite "${only}" (suites: ${suites.map(s => s.name).join(', ')})`);
  let failed = 0;
  for (const suite of chosen) {
    const workspace = copyWorkspace(suite.workspace);
    console.log(`\n=== host suite "${suite.name}" (${suite.trust}) in ${workspace} ===`);
    if (dryRun) {
      // Everything up to starting VS Code: installed, built, workspace copied; the suite's files listed.
      const suiteDir = path.join(ROOT, 'out/host/suite');
      const files = fs.readdirSync(suiteDir).filter(f => f.endsWith('.test.js') && (f.startsWith(`${suite.name}.`) || f.startsWith('all.')));
      if (!fs.existsSync(path.join(suiteDir, 'index.js')) || !files.length) throw new Error(`the ${suite.name} suite was not built into ${suiteDir}`);
      console.log(`dry run: would run ${files.join(', ')} through ${desktop ? 'desktop VS Code' : 'test/host/code-shim'}`);
      fs.rmSync(workspace, { recursive: true, force: true });
      continue;
    }
    try {
      await runTests({
        ...(desktop ? {} : { vscodeExecutablePath: path.join(__dirname, 'code-shim') }),
        extensionDevelopmentPath: ROOT,
        extensionTestsPath: path.join(ROOT, 'out/host/suite/index.js'),
        // Desktop VS Code: --disable-extensions would disable the stand-ins too, so suites that install some keep the others.
        launchArgs: [workspace, ...(suite.extensions ? [] : ['--disable-extensions'])],
        extensionTestsEnv: {
          HPSTUDIO_SUITE: suite.name,
          HPSTUDIO_TRUST: suite.trust,
          HPSTUDIO_WORKSPACE: workspace,
          HPSTUDIO_HOST_EXTENSIONS: (suite.extensions || []).map(e => path.join(ROOT, e)).join(path.delimiter),
        },
      });
    } catch (err) {
      failed++;
      console.error(`host suite "${suite.name}" failed: ${err instanceof Error ? err.message : err}`);
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
