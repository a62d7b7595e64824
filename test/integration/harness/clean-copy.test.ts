/**
 * The host and UI tests copy workspaces with test/host/cleanCopy.js: never the user's state in the clone
 * (the study `npm start` left in examples/.hpstudio, unstaged Apply-best edits), always the project's files.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// A plain-JS helper of the host/UI harness (no declaration file).
const { copyCleanWorkspace } = require('../../host/cleanCopy') as {
  copyCleanWorkspace(src: string, dest: string, root?: string): { skipped: string[]; fromIndex: string[] };
};

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** Every file under `dir`, relative, sorted. */
function files(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter(f => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('test harness: workspaces are copied without the user state of the clone', function () {
  this.timeout(60_000);
  let tmp: string;
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, stdio: 'pipe' });

  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hps-cleancopy-')));
    repo = path.join(tmp, 'clone');
    write(path.join(repo, '.gitignore'), '.hpstudio/\n__pycache__/\n');
    write(path.join(repo, 'examples/quickstart/config.json'), '{"lr": 0.05}\n');
    write(path.join(repo, 'examples/quickstart/sweep.yaml'), 'name: quickstart\n');
    write(path.join(repo, 'examples/README.md'), 'examples\n');
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'fixture');
    // What an `npm start` session leaves behind: a study with absolute paths, an applied best value,
    // Python's bytecode cache; and a new example file the developer is still writing (not ignored).
    write(path.join(repo, 'examples/.hpstudio/studies/quickstart/journal.jsonl'), `{"op":"study","studyFile":"${repo}/examples/quickstart/sweep.yaml"}\n`);
    write(path.join(repo, 'examples/quickstart/.hpstudio/trials/0/stdout.log'), 'x\n');
    write(path.join(repo, 'examples/__pycache__/train.cpython-311.pyc'), 'x');
    write(path.join(repo, 'examples/quickstart/config.json'), '{"lr": 0.0123}\n');
    write(path.join(repo, 'examples/new_example.yaml'), 'lr: 0.1\n');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('leaves out what git ignores and takes unstaged edits of tracked files as staged', () => {
    const dest = path.join(tmp, 'ws');
    const result = copyCleanWorkspace(path.join(repo, 'examples'), dest, repo);
    assert.deepEqual(files(dest), ['README.md', 'new_example.yaml', 'quickstart/config.json', 'quickstart/sweep.yaml']);
    assert.equal(fs.readFileSync(path.join(dest, 'quickstart/config.json'), 'utf8'), '{"lr": 0.05}\n');
    assert.deepEqual(result.skipped.sort(), ['.hpstudio', '__pycache__', 'quickstart/.hpstudio']);
    assert.deepEqual(result.fromIndex, ['quickstart/config.json']);
    // The user's clone is untouched.
    assert.equal(fs.readFileSync(path.join(repo, 'examples/quickstart/config.json'), 'utf8'), '{"lr": 0.0123}\n');
    assert.ok(fs.existsSync(path.join(repo, 'examples/.hpstudio/studies/quickstart/journal.jsonl')));
  });

  it('tests staged edits: what the developer added is what the tests see', () => {
    git('add', 'examples/quickstart/config.json');
    const dest = path.join(tmp, 'ws');
    copyCleanWorkspace(path.join(repo, 'examples'), dest, repo);
    assert.equal(fs.readFileSync(path.join(dest, 'quickstart/config.json'), 'utf8'), '{"lr": 0.0123}\n');
  });

  it('without git, leaves out .hpstudio and caches by name', () => {
    fs.rmSync(path.join(repo, '.git'), { recursive: true });
    const dest = path.join(tmp, 'ws');
    copyCleanWorkspace(path.join(repo, 'examples'), dest, repo);
    assert.deepEqual(files(dest), ['README.md', 'new_example.yaml', 'quickstart/config.json', 'quickstart/sweep.yaml']);
  });

  it('copies a folder outside the repository whole (a fixture the test wrote, journal included)', () => {
    const fixture = path.join(tmp, 'fixture');
    write(path.join(fixture, '.hpstudio/studies/demo/journal.jsonl'), '{}\n');
    const dest = path.join(tmp, 'ws');
    copyCleanWorkspace(fixture, dest, repo);
    assert.deepEqual(files(dest), ['.hpstudio/studies/demo/journal.jsonl']);
  });
});
