import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkProgram, LaunchError, resolveExecutable, type FileKind } from '../../../src/core/runner/resolve';

function executable(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, 0o755);
  return file;
}

describe('runner/resolve: resolveExecutable (POSIX, real files)', () => {
  let root: string;
  let study: string;
  let bin: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-resolve-'));
    study = path.join(root, 'study');
    bin = path.join(root, 'bin');
    fs.mkdirSync(study);
    fs.mkdirSync(bin);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('finds a bare name on PATH and returns its absolute path', () => {
    const py = executable(path.join(bin, 'python3'));
    assert.equal(resolveExecutable('python3', { cwd: study, pathEnv: `/nonexistent:${bin}` }), py);
  });

  it('never takes a bare name from the workspace, even when PATH has "." or an empty entry', () => {
    executable(path.join(study, 'python3'));
    for (const pathEnv of ['.', '', ':', `.:${path.join(root, 'empty')}`, 'study']) {
      assert.throws(() => resolveExecutable('python3', { cwd: study, pathEnv }), (e: unknown) => e instanceof LaunchError && e.message === 'python3 not found on PATH', pathEnv);
    }
  });

  it('skips a non-executable match and says so when nothing else is found', () => {
    fs.writeFileSync(path.join(bin, 'train'), 'not executable');
    assert.throws(() => resolveExecutable('train', { cwd: study, pathEnv: bin }), /train not found on PATH \(.*train exists but is not executable\)/);
    const other = path.join(root, 'bin2');
    const real = executable(path.join(other, 'train'));
    assert.equal(resolveExecutable('train', { cwd: study, pathEnv: `${bin}:${other}` }), real);
  });

  it('runs ./prog from the study folder only when written with ./ and inside it', () => {
    const prog = executable(path.join(study, 'scripts', 'run.sh'));
    assert.equal(resolveExecutable('./scripts/run.sh', { cwd: study, pathEnv: '' }), prog);
    assert.throws(() => resolveExecutable('scripts/run.sh', { cwd: study, pathEnv: '' }), /relative path; write \.\/scripts\/run\.sh/);
    executable(path.join(root, 'outside.sh'));
    assert.throws(() => resolveExecutable('./../outside.sh', { cwd: study, pathEnv: '' }), /points outside the study folder/);
    assert.throws(() => resolveExecutable('./missing.sh', { cwd: study, pathEnv: '' }), new RegExp(`\\./missing\\.sh not found in ${study}`));
  });

  it('checks absolute paths as given', () => {
    const py = executable(path.join(bin, 'python'));
    assert.equal(resolveExecutable(py, { cwd: study, pathEnv: '' }), py);
    assert.throws(() => resolveExecutable(path.join(bin, 'nope'), { cwd: study }), /nope not found$/);
    assert.throws(() => resolveExecutable(bin, { cwd: study }), /is a directory/);
    fs.writeFileSync(path.join(bin, 'plain'), 'x');
    assert.throws(() => resolveExecutable(path.join(bin, 'plain'), { cwd: study }), /is not executable/);
  });

  it('rejects empty and NUL commands and a relative cwd', () => {
    assert.throws(() => resolveExecutable('', { cwd: study }), /empty/);
    assert.throws(() => resolveExecutable('py\0thon', { cwd: study }), /NUL/);
    assert.throws(() => resolveExecutable('python3', { cwd: 'rel' }), /must be absolute/);
  });

  it('checkProgram names the missing script and the folder', () => {
    assert.throws(() => checkProgram('train.py', path.join(study, 'train.py'), study), (e: unknown) => e instanceof LaunchError && e.message === `train.py not found in ${study}`);
    assert.throws(() => checkProgram('/abs/train.py', '/abs/train.py', study), /^LaunchError: \/abs\/train\.py not found$/);
    assert.throws(() => checkProgram('scripts', path.join(study), study), /is a directory/);
    fs.writeFileSync(path.join(study, 'train.py'), 'print(1)');
    checkProgram('train.py', path.join(study, 'train.py'), study);
  });
});

describe('runner/resolve: resolveExecutable (Windows rules, fake file system)', () => {
  const files = (kinds: Record<string, FileKind>) => (p: string): FileKind => kinds[p.toLowerCase()] ?? 'missing';
  const base = { cwd: 'C:\\work\\study', platform: 'win32' as const, pathExt: '.COM;.EXE;.BAT;.CMD' };

  it('tries PATHEXT extensions and returns the .exe', () => {
    const probe = files({ 'c:\\python312\\python.exe': 'executable' });
    assert.equal(resolveExecutable('python', { ...base, pathEnv: 'C:\\Windows;C:\\Python312', probe }), 'C:\\Python312\\python.exe');
  });

  it('refuses a .cmd/.bat hit with a message naming the CVE, never a shell fallback', () => {
    const probe = files({ 'c:\\shims\\python.cmd': 'executable', 'c:\\python312\\python.exe': 'executable' });
    assert.throws(() => resolveExecutable('python', { ...base, pathEnv: 'C:\\shims;C:\\Python312', probe }), /batch file.*CVE-2024-27980/);
    assert.throws(() => resolveExecutable('C:\\tools\\train.bat', { ...base, probe: files({ 'c:\\tools\\train.bat': 'executable' }) }), /\.bat\/\.cmd batch file/);
  });

  it('skips relative PATH entries and strips quotes', () => {
    const probe = files({ 'c:\\work\\study\\python.exe': 'executable', 'c:\\program files\\py\\python.exe': 'executable' });
    assert.equal(resolveExecutable('python', { ...base, pathEnv: '.;study;"C:\\Program Files\\py"', probe }), 'C:\\Program Files\\py\\python.exe');
  });

  it('resolves .\\prog inside the study folder', () => {
    const probe = files({ 'c:\\work\\study\\run.exe': 'executable' });
    assert.equal(resolveExecutable('.\\run', { ...base, pathEnv: '', probe }), 'C:\\work\\study\\run.exe');
  });
});
