// @ts-check
// Test workspaces start from a clean copy of the repository's folders, never from the user's state in
// this clone: what git ignores (the .hpstudio studies `npm start` leaves, caches, build output) is left
// out, and a tracked file with unstaged edits (say, Apply best from an `npm start` session) is copied as
// git has it staged. Folders outside the repository (fixtures a test wrote itself) are copied whole.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
/** Left out when git cannot tell (no .git, e.g. a source tarball): state our own tools and Python leave. */
const USER_STATE_NAMES = new Set(['.hpstudio', '__pycache__', '.ipynb_checkpoints', 'node_modules']);

/**
 * @param {string} root
 * @param {string[]} args
 */
function git(root, args) {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return r.status === 0 ? r.stdout : undefined;
}

/**
 * @param {string} root
 * @param {string} out NUL-separated repository-relative paths
 */
const absolutePaths = (root, out) => out.split('\0').filter(Boolean).map(p => path.join(root, p.replace(/\/$/, '')));

/**
 * One log line saying what a copy left out, if anything.
 * @param {string} label
 * @param {{ skipped: string[], fromIndex: string[] }} result
 */
function describeCopy(label, result) {
  const parts = [];
  if (result.skipped.length) parts.push(`left out ${result.skipped.join(', ')}`);
  if (result.fromIndex.length) parts.push(`took ${result.fromIndex.join(', ')} as staged in git (unstaged edits are not tested)`);
  return parts.length ? `${label}: ${parts.join('; ')}` : '';
}

/**
 * Copies `src` to `dest` (created) without user state; returns what it left out and what it took from
 * git's index instead of the working tree, relative to `src`, for the log.
 * @param {string} src
 * @param {string} dest
 * @param {string} [root] the repository (this one unless a test says otherwise)
 */
function copyCleanWorkspace(src, dest, root = ROOT) {
  const from = path.resolve(src);
  const inRepo = from.startsWith(root + path.sep);
  const ignoredOut = inRepo ? git(root, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--', from]) : '';
  const modifiedOut = inRepo ? git(root, ['diff', '-z', '--name-only', '--', from]) : '';
  const gitKnows = ignoredOut !== undefined && modifiedOut !== undefined;
  const ignored = gitKnows ? absolutePaths(root, ignoredOut) : [];
  const modified = gitKnows ? absolutePaths(root, modifiedOut) : [];
  const skipped = [];
  fs.cpSync(from, dest, {
    recursive: true,
    filter: p => {
      const skip = gitKnows ? ignored.some(i => p === i || p.startsWith(i + path.sep)) : inRepo && USER_STATE_NAMES.has(path.basename(p));
      if (skip) skipped.push(path.relative(from, p));
      return !skip;
    },
  });
  for (const file of modified) {
    const staged = spawnSync('git', ['show', `:${path.relative(root, file)}`], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    const target = path.join(dest, path.relative(from, file));
    if (staged.status !== 0) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, staged.stdout);
  }
  return { skipped, fromIndex: modified.map(f => path.relative(from, f)) };
}

module.exports = { copyCleanWorkspace, describeCopy, USER_STATE_NAMES };
