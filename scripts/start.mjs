// `npm start`: builds the extension, installs it into a local code-server (a real VS Code in the browser)
// with the examples/ workspace open, and prints the URL. Desktop VS Code users can instead run
// `code --extensionDevelopmentPath=. examples`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDeps, root } from './ensure-deps.mjs';

ensureDeps();
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('bash', [join(root, 'test/host/setup.sh')]);
const vsix = join(root, '.vscode-test', 'hpstudio-start.vsix');
run(process.execPath, [join(root, 'scripts/package.mjs'), vsix]);

const cache = join(root, '.vscode-test');
const profile = join(cache, 'start-profile');
const codeServer = join(cache, 'code-server-4.100.3', 'node_modules', '.bin', 'code-server');
const env = { ...process.env, XDG_CONFIG_HOME: join(profile, 'xdg'), XDG_DATA_HOME: join(profile, 'xdg') };
const dirs = ['--user-data-dir', join(profile, 'ud'), '--extensions-dir', join(profile, 'exts')];
mkdirSync(join(profile, 'ud', 'User'), { recursive: true });
const settings = join(profile, 'ud', 'User', 'settings.json');
if (!existsSync(settings)) writeFileSync(settings, JSON.stringify({ 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'workbench.startupEditor': 'none' }, null, 2));
run(codeServer, [...dirs, '--force', '--install-extension', vsix], { env });

const port = Number(process.env.PORT || 8080);
const folder = join(root, 'examples');
const server = spawn(codeServer, ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', ...dirs, folder], { env, stdio: ['ignore', 'pipe', 'pipe'] });
server.stderr.pipe(process.stderr);
let announced = false;
server.stdout.on('data', chunk => {
  if (!announced && /HTTP server listening/.test(String(chunk))) {
    announced = true;
    console.log(`\nHyperparameter Studio is running in VS Code (code-server):\n\n    http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}\n\nPress Ctrl-C to stop.`);
  }
});
const stop = () => server.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', code => process.exit(code ?? 0));
