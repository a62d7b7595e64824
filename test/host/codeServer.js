// @ts-check
// Starts a real VS Code (code-server 4.100.3 = VS Code 1.100.3) on 127.0.0.1 and drives its workbench with
// Debian's chromium through playwright-core. Used by the in-host test shim and by the UI tests.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
/**
 * Where code-server lives: one install per machine in the user's cache, shared by every clone, so a
 * second clone starts in seconds. HPSTUDIO_VSCODE_TEST_DIR overrides it (a CI cache, a shared disk).
 */
const CACHE = process.env.HPSTUDIO_VSCODE_TEST_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'hpstudio');
const CS_DIR = path.join(CACHE, 'code-server-4.100.3');
const CS_BIN = path.join(CS_DIR, 'node_modules', '.bin', 'code-server');
const CHROMIUM = process.env.HPSTUDIO_CHROMIUM || '/usr/bin/chromium';

/**
 * Installs code-server (and, for the tests, chromium) when missing, through test/host/setup.sh: npm and
 * apt only, with progress on stderr.
 * @param {{ chromium?: boolean }} [options]
 */
function ensureInstalled(options = { chromium: true }) {
  // Without setup.sh's mark the install may have been cut short: setup.sh checks it (about a second).
  const ready = fs.existsSync(path.join(CS_DIR, '.hpstudio-installed'));
  if (ready && (!options.chromium || fs.existsSync(CHROMIUM))) return;
  const r = spawnSync('bash', [path.join(__dirname, 'setup.sh'), ...(options.chromium ? ['--chromium'] : [])], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('test/host/setup.sh failed: see the messages above');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh profile per run: settings from test/host/settings.json plus overrides. */
function makeProfile(settingsOverrides = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-vscode-'));
  const settings = { ...JSON.parse(fs.readFileSync(path.join(__dirname, 'settings.json'), 'utf8')), ...settingsOverrides };
  fs.mkdirSync(path.join(dir, 'ud', 'User'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'exts'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'xdg'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'ud', 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  return dir;
}

function profileEnv(profile) {
  // XDG_*: otherwise code-server and chromium write under ~/.config.
  return { ...process.env, XDG_CONFIG_HOME: path.join(profile, 'xdg'), XDG_DATA_HOME: path.join(profile, 'xdg') };
}

function installVsix(profile, vsix) {
  const r = spawnSync(CS_BIN, ['--user-data-dir', path.join(profile, 'ud'), '--extensions-dir', path.join(profile, 'exts'), '--install-extension', vsix], {
    env: profileEnv(profile), encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`installing ${vsix} into code-server failed:\n${r.stdout}\n${r.stderr}`);
}

/** Packs an extension folder (a test stand-in) into a VSIX with @vscode/vsce and installs it into the profile. */
async function installExtensionFolder(profile, dir) {
  const { createVSIX } = require('@vscode/vsce');
  const vsix = path.join(profile, `${path.basename(dir)}.vsix`);
  await createVSIX({ cwd: dir, packagePath: vsix, dependencies: false, allowMissingRepository: true, skipLicense: true });
  installVsix(profile, vsix);
}

/**
 * Starts code-server in its own process group (setsid-like `detached`), so stop() can kill the server,
 * the extension host and every trial it started in one go.
 * @param {{ profile: string, trust?: boolean, env?: Record<string,string> }} options
 */
async function startServer(options) {
  const port = await freePort();
  const args = ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--user-data-dir', path.join(options.profile, 'ud'), '--extensions-dir', path.join(options.profile, 'exts')];
  if (!options.trust) args.push('--disable-workspace-trust');
  const logFile = path.join(options.profile, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(CS_BIN, args, { detached: true, stdio: ['ignore', out, out], env: { ...profileEnv(options.profile), ...(options.env || {}) } });
  fs.closeSync(out);
  const exited = new Promise(resolve => child.once('exit', resolve));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited early; log: ${logFile}\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`code-server did not answer on port ${port}; log: ${logFile}`);
    await new Promise(r => setTimeout(r, 300));
  }
  return {
    port,
    logFile,
    async stop() {
      if (child.pid && child.pid > 0) {
        try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
        const timer = setTimeout(() => { try { process.kill(-(child.pid ?? 0), 'SIGKILL'); } catch { /* gone */ } }, 5000);
        await exited;
        clearTimeout(timer);
        // The extension host can outlive the server for a moment; make sure the group is gone.
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      }
    },
  };
}

/** Headless chromium with the flags this closed network needs (no background connections). */
async function launchBrowser(profile, viewport = { width: 1400, height: 900 }) {
  const { chromium } = require('playwright-core');
  const udd = path.join(profile, 'chromium');
  return chromium.launchPersistentContext(udd, {
    executablePath: CHROMIUM, headless: true, viewport,
    env: { ...process.env, XDG_CONFIG_HOME: udd },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

function workbenchUrl(port, folder, payload) {
  let url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

module.exports = { ROOT, CACHE, CS_DIR, CS_BIN, ensureInstalled, freePort, makeProfile, installVsix, installExtensionFolder, startServer, launchBrowser, workbenchUrl };
