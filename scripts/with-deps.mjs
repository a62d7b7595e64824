// Runs one development command after making sure what it needs is installed, so every `npm run …` of the
// README works on its own on a fresh clone:
//   node scripts/with-deps.mjs [--system] <tool|node> [args…]
// <tool> is a binary of node_modules/.bin (tsc, eslint, mocha …) or `node`; --system first installs the
// Debian packages the integration tests and the Optuna benchmark use (scripts/setup-system.sh).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { ensureDeps, root } from './ensure-deps.mjs';

const args = process.argv.slice(2);
const system = args[0] === '--system';
if (system) args.shift();
if (!args.length) {
  console.error('usage: node scripts/with-deps.mjs [--system] <tool|node> [args…]');
  process.exit(2);
}
ensureDeps();
if (system) {
  const r = spawnSync('bash', [join(root, 'scripts/setup-system.sh')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const [tool, ...rest] = args;
const local = join(root, 'node_modules', '.bin', tool);
const command = tool === 'node' ? process.execPath : existsSync(local) ? local : tool;
const r = spawnSync(command, rest, { cwd: process.cwd(), stdio: 'inherit' });
if (r.error) console.error(`${tool}: ${r.error.message}`);
process.exit(r.status ?? (r.signal ? 128 + (constants.signals[r.signal] ?? 0) : 1));
