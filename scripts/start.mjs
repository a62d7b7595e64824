// `npm start`: the extension in a real VS Code in your browser, with examples/ open. It builds the
// extension, installs code-server (VS Code in the browser; once per machine, in the user cache every
// clone shares) and this clone's .vsix into a VS Code profile of its own (.vscode-test/start-profile),
// then prints the URL. Each step says what it does and why; long steps report progress.
//   npm start                 PORT=8080 by default
//   npm start -- --check      start, load the workbench page once, stop (a smoke test of this script)
// Desktop VS Code users can instead run `code --extensionDevelopmentPath=. examples`.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureDeps, depsUpToDate, root } from './ensure-deps.mjs';

const require = createRequire(import.meta.url);
const check = process.argv.includes('--check');
const started = Date.now();
const seconds = since => `${((Date.now() - since) / 1000).toFixed(0)} s`;
const home = p => (p.startsWith(homedir() + '/') ? `~/${relative(homedir(), p)}` : p);
const step = (n, text) => console.log(`[${n}/4] ${text}`);

/**
 * What the workbench starts with: the extension and the examples' README, not prompts about a git
 * repository in the clone around examples/, update checks or marketplace lookups (offline they only
 * fail). Keys the user has set in this profile are left alone.
 */
const SETTINGS = {
  'workbench.startupEditor': 'readme',
  'git.openRepositoryInParentFolders': 'never',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'chat.commandCenter.enabled': false,
};

/**
 * Runs a command with its output in `log` (shown only if it fails) and a progress line every 15 s,
 * so a slow machine never looks stuck.
 */
function run(what, command, args, { env = process.env, log } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const out = createWriteStream(log, { flags: 'a' });
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const timer = setInterval(() => console.log(`      … still ${what} (${seconds(t0)})`), 15_000);
    child.on('error', err => {
      clearInterval(timer);
      reject(new Error(`could not run ${command}: ${err.message}`));
    });
    child.on('close', code => {
      clearInterval(timer);
      out.end();
      if (code === 0) return resolve(seconds(t0));
      const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-30).join('\n');
      reject(new Error(`${what} failed (exit ${code}); the end of ${relative(root, log)}:\n${tail}`));
    });
  });
}

/** Adds the SETTINGS keys the profile's settings.json does not set yet (comments and other keys stay). */
async function writeSettings(file) {
  const { applyEdits, modify, parse } = await import('jsonc-parser');
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '{}\n';
  const current = parse(text) ?? {};
  for (const [key, value] of Object.entries(SETTINGS)) {
    if (!(key in current)) text = applyEdits(text, modify(text, [key], value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
  }
  writeFileSync(file, text);
}

async function main() {
  console.log('Hyperparameter Studio: starting VS Code in your browser with the extension and examples/.');
  step(1, depsUpToDate() ? 'npm packages: up to date' : 'npm packages: installing them (npm ci, once per clone)…');
  ensureDeps();

  const codeServer = require('../test/host/codeServer.js');
  step(2, `VS Code in the browser (code-server 4.100.3) from ${home(codeServer.CS_DIR)}, shared by every clone on this machine`);
  codeServer.ensureInstalled({ chromium: false });

  const state = join(root, '.vscode-test');
  const profile = join(state, 'start-profile');
  mkdirSync(join(profile, 'ud', 'User'), { recursive: true });
  const log = join(profile, 'start.log');
  writeFileSync(log, '');
  const vsix = join(state, 'hpstudio-start.vsix');
  step(3, 'building the extension and packing it as a .vsix (what users install)…');
  console.log(`      done in ${await run('building and packing', process.execPath, [join(root, 'scripts/package.mjs'), vsix, '--quiet'], { log })}`);

  // Its own profile (settings, extensions, state): nothing of the user's VS Code is read or changed.
  const env = { ...process.env, XDG_CONFIG_HOME: join(profile, 'xdg'), XDG_DATA_HOME: join(profile, 'xdg') };
  const dirs = ['--user-data-dir', join(profile, 'ud'), '--extensions-dir', join(profile, 'exts')];
  await writeSettings(join(profile, 'ud', 'User', 'settings.json'));
  step(4, `installing it into this clone's VS Code profile (${relative(root, profile)})…`);
  console.log(`      done in ${await run('installing the extension', codeServer.CS_BIN, [...dirs, '--force', '--install-extension', vsix], { env, log })}`);

  const port = Number(process.env.PORT || 8080);
  const folder = join(root, 'examples');
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
  // code-server's own chatter (a missing proprietary vsda module, connection logs) goes to the log file.
  const serverLog = join(profile, 'code-server.log');
  const out = createWriteStream(serverLog, { flags: 'w' });
  const args = ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', ...dirs, folder];
  const server = spawn(codeServer.CS_BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr.pipe(out, { end: false });
  let listening = false;
  server.stdout.on('data', chunk => {
    out.write(chunk);
    if (listening || !/HTTP server listening/.test(String(chunk))) return;
    listening = true;
    console.log(`\nHyperparameter Studio is running in VS Code (code-server), ready in ${seconds(started)}:\n\n    ${url}\n`);
    console.log('VS Code first asks whether you trust the authors of the examples folder: answer "Yes, I trust the');
    console.log('authors" to tune (studies run programs from the workspace); detection and hovers work either way.');
    console.log(`Open quickstart/sweep.yaml and press "Start study". Server log: ${relative(root, serverLog)}. Ctrl-C stops.`);
    if (check) void smokeCheck(url).then(ok => stop(ok ? 0 : 1));
  });
  let exitCode;
  const stop = code => {
    exitCode ??= code;
    server.kill('SIGTERM');
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  server.on('exit', code => {
    if (!listening) console.error(`code-server exited (${code}) before it listened; its log:\n${readFileSync(serverLog, 'utf8').slice(-3000)}`);
    process.exit(exitCode ?? code ?? 0);
  });
}

/** --check: the workbench page answers with VS Code's HTML. */
async function smokeCheck(url) {
  try {
    const res = await fetch(url);
    const html = await res.text();
    const ok = res.ok && /vs\/code\/browser\/workbench\/workbench/.test(html);
    console.log(ok ? 'check: the workbench page loads' : `check: unexpected answer ${res.status}: ${html.slice(0, 300)}`);
    return ok;
  } catch (err) {
    console.error(`check: ${err.message}`);
    return false;
  }
}

main().catch(err => {
  console.error(`npm start: ${err.message}`);
  process.exit(1);
});
