// Installs the npm dependencies when they are missing or differ from package-lock.json, so every
// `npm run …` in the README works on a fresh clone with nothing but node and npm. Only Node built-ins.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * npm keeps what it installed in node_modules/.package-lock.json. Up to date: newer than the lockfile,
 * or (a checkout touched the lockfile) every package the lockfile needs installed at its version —
 * platform-specific optional packages (esbuild's other OSes) are never installed and do not count.
 */
export function depsUpToDate(dir = root) {
  const installed = join(dir, 'node_modules', '.package-lock.json');
  const lock = join(dir, 'package-lock.json');
  if (!existsSync(installed)) return false;
  if (statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return true;
  try {
    const want = JSON.parse(readFileSync(lock, 'utf8')).packages ?? {};
    const have = JSON.parse(readFileSync(installed, 'utf8')).packages ?? {};
    return Object.entries(want).every(([name, p]) => name === '' || (have[name] ? have[name].version === p.version : p.optional === true));
  } catch {
    return false;
  }
}

export function ensureDeps() {
  if (depsUpToDate()) return;
  console.log('hpstudio: installing the npm dependencies (npm ci, once per clone; about a minute)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('npm ci failed; see the messages above');
    process.exit(r.status ?? 1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureDeps();
