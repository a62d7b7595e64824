import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

type EnsureDeps = { depsUpToDate(dir: string): boolean };
// A real ES module (.mjs): loaded with the runtime's import(), which the TypeScript loader would rewrite.
const load = new Function('url', 'return import(url)') as (url: string) => Promise<EnsureDeps>;
const script = pathToFileURL(path.resolve(__dirname, '../../../scripts/ensure-deps.mjs')).href;

describe('scripts/ensure-deps: is node_modules what package-lock.json asks for?', () => {
  let dir: string;
  let depsUpToDate: EnsureDeps['depsUpToDate'];
  const lock = (packages: Record<string, { version: string; optional?: boolean }>) => JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'x' }, ...packages } });
  const write = (file: string, text: string, mtime: number) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    fs.utimesSync(file, mtime, mtime);
  };
  const want = { 'node_modules/a': { version: '1.0.0' }, 'node_modules/@esbuild/win32-x64': { version: '0.25.0', optional: true } };

  before(async () => {
    ({ depsUpToDate } = await load(script));
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-deps-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is not up to date without node_modules (a fresh clone)', () => {
    write(path.join(dir, 'package-lock.json'), lock(want), 1000);
    assert.equal(depsUpToDate(dir), false);
  });

  it('is up to date when npm installed after the lockfile was written', () => {
    write(path.join(dir, 'package-lock.json'), lock(want), 1000);
    write(path.join(dir, 'node_modules/.package-lock.json'), lock({}), 2000);
    assert.equal(depsUpToDate(dir), true);
  });

  it('compares versions when a checkout made the lockfile newer; optional platform packages may be missing', () => {
    write(path.join(dir, 'package-lock.json'), lock(want), 2000);
    write(path.join(dir, 'node_modules/.package-lock.json'), lock({ 'node_modules/a': { version: '1.0.0' } }), 1000);
    assert.equal(depsUpToDate(dir), true);
    write(path.join(dir, 'node_modules/.package-lock.json'), lock({ 'node_modules/a': { version: '0.9.0' } }), 1000);
    assert.equal(depsUpToDate(dir), false, 'a different version');
    write(path.join(dir, 'node_modules/.package-lock.json'), lock({}), 1000);
    assert.equal(depsUpToDate(dir), false, 'a missing package');
    write(path.join(dir, 'node_modules/.package-lock.json'), '{ torn', 1000);
    assert.equal(depsUpToDate(dir), false, 'an unreadable record');
  });
});
