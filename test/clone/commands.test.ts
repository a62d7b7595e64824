/**
 * Every command of the README's Development table, and `npm start`, works on its own in a fresh clone:
 * the files git would check out and nothing else — no dist/, out/, media/build/, test-results/ or
 * .vscode-test/ left by earlier runs (the class of bug: `npm run test:ui` failing with ENOENT
 * test-results/hpstudio-ui.vsix because only other steps created that folder). node_modules is linked
 * from this clone: installing it is ensure-deps' job, and the lockfile is the same.
 *
 * Long commands run in a smoke form that still does every file-system step of the full one (install,
 * build, pack, copy workspaces, load every test file) and stops before the long part. The commands are
 * read from the README, so a row added there without a smoke form here fails this test.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
// The harness's plain-JS helpers (no declaration file).
const codeServer = require('../host/codeServer') as {
  freePort(): Promise<number>;
  launchBrowser(profile: string): Promise<import('playwright-core').BrowserContext>;
};
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

interface Smoke {
  /** Arguments after `npm run <name>`: the smoke form. */
  readonly args?: string[];
  /** What the command must have left in the clone (relative paths), and what it must have printed. */
  readonly files?: string[];
  readonly output?: RegExp;
}

const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const SMOKES: Record<string, Smoke> = {
  build: { files: ['dist/extension.js', 'dist/worker.js', 'dist/cli.js', 'media/build/curves.js', 'media/build/codicon.ttf'] },
  typecheck: { args: ['--listFilesOnly'], output: /src\/extension\/extension\.ts/ },
  // The lint step of `npm test` lints every file of this same tree; here the command runs in the fresh copy
  // (config, plugins, the with-deps wrapper) over one file of each linted folder.
  lint: {
    args: ['--format', 'json', '--ignore-pattern', '**/*.*', ...['src/extension/extension.ts', 'src/core/study/lock.ts', 'media/curves/main.ts', 'test/clone/commands.test.ts', 'scripts/test-all.mjs'].map(f => `--ignore-pattern=!${f}`)],
    output: /^(?=[\s\S]*"filePath":"[^"]*src\/extension\/extension\.ts")(?=[\s\S]*"filePath":"[^"]*scripts\/test-all\.mjs")/,
  },
  'test:unit': { args: ['--dry-run'], output: /\d{3,} passing/ },
  'test:integration': { args: ['--dry-run'], output: /\d{2,} passing/ },
  'test:host': { args: ['--dry-run'], files: ['out/host/suite/index.js'], output: /dry run: would run .*restricted/ },
  'test:ui': { args: ['--dry-run'], files: ['test-results/hpstudio-ui.vsix'], output: /\d+ passing/ },
  'test:clone': { args: ['--dry-run'], output: /\d+ passing/ },
  package: { files: [`hpstudio-${version}.vsix`] },
  bench: { args: ['hover'], files: ['test-results/bench/hover.json'] },
  'bench:optuna': { args: ['--seeds', '1', '--problems', 'branin', '--only', 'problems'], files: ['test-results/bench/optuna-compare.problems.json'], output: /branin/ },
  // The real run owns the machine's Slurm ports for minutes (test/integration/slurm runs a cluster study).
  'bench:slurm': { args: ['--dry-run'], output: /dry run: would start a 32-slot cluster/ },
};

/** `npm run X` commands of the README's "## Development" table, in order. */
function developmentCommands(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find(s => s.startsWith('Development'));
  assert.ok(section, 'README.md has a "## Development" section');
  const rows = section.split('\n').filter(l => l.startsWith('| `'));
  return rows.flatMap(row => [...row.split('|')[1].matchAll(/`npm run ([\w:]+)/g)].map(m => m[1]));
}

/** The files of this clone as git would check them out (tracked and new, not ignored), into `dest`. */
function freshClone(dest: string): void {
  const list = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  for (const rel of list.split('\0').filter(Boolean)) {
    const from = path.join(ROOT, rel);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
    fs.copyFileSync(from, path.join(dest, rel));
    fs.chmodSync(path.join(dest, rel), fs.statSync(from).mode);
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
  // A clone is a git repository: the workbench `npm start` opens sits inside one (its parent-folder prompt).
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=hpstudio', '-c', 'user.email=tests@hpstudio', ...args], { cwd: dest, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'fresh clone');
}

/** The environment of a user's shell: none of the npm_* variables of the `npm run` this test runs under. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function npm(clone: string, args: string[], env = userEnv()): { status: number | null; output: string } {
  const r = spawnSync('npm', args, { cwd: clone, env, encoding: 'utf8', maxBuffer: 256 << 20 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const tail = (text: string, lines = 60) => text.trim().split('\n').slice(-lines).join('\n');

/** Starts a long-running npm command in its own process group; resolves the first stdout match. */
function startLong(clone: string, args: string[], ready: RegExp, env: NodeJS.ProcessEnv) {
  const child = spawn('npm', args, { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
  const matched = new Promise<RegExpMatchArray>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const m = output.match(ready);
      if (m) resolve(m);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(code => reject(new Error(`npm ${args.join(' ')} exited (${code}) before printing ${ready}:\n${tail(output)}`)));
  });
  return {
    matched,
    output: () => output,
    /** SIGINT to the whole group, as Ctrl-C in a terminal; resolves once every process of it is gone. */
    async stop(): Promise<void> {
      const group = -(child.pid as number);
      try {
        process.kill(group, 'SIGINT');
      } catch {
        /* already gone */
      }
      await exited;
      // npm itself dies of the SIGINT; what matters is that nothing it started keeps running.
      for (;;) {
        try {
          process.kill(group, 0);
        } catch {
          return;
        }
        await new Promise(r => setTimeout(r, 100));
      }
    },
  };
}

describe('a fresh clone: every README development command works on its own', function () {
  this.timeout(600_000);
  let tmp: string;
  let clone: string;

  before(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hps-clone-')));
    clone = path.join(tmp, 'hpstudio');
    freshClone(clone);
    for (const leftover of ['dist', 'out', 'media/build', 'test-results', '.vscode-test']) assert.equal(fs.existsSync(path.join(clone, leftover)), false, `${leftover} in a fresh clone`);
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const commands = developmentCommands();

  it('the README lists the development commands, each a package.json script with a smoke form here', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.ok(commands.length >= 8, `commands found: ${commands.join(', ')}`);
    for (const name of commands) {
      assert.ok(scripts[name], `README lists npm run ${name}, package.json has no such script`);
      assert.ok(name === 'watch' || SMOKES[name], `README lists npm run ${name}: add its smoke form to test/clone/commands.test.ts`);
    }
  });

  for (const name of commands.filter(c => c !== 'watch')) {
    it(`npm run ${name}`, function () {
      const smoke = SMOKES[name];
      if (!smoke) this.skip();
      const args = ['run', name, ...(smoke.args?.length ? ['--', ...smoke.args] : [])];
      const r = npm(clone, args);
      assert.equal(r.status, 0, `npm ${args.join(' ')} failed in a fresh clone:\n${tail(r.output)}`);
      for (const file of smoke.files ?? []) assert.ok(fs.existsSync(path.join(clone, file)), `npm run ${name} did not write ${file}:\n${tail(r.output)}`);
      if (smoke.output) assert.match(r.output, smoke.output);
    });
  }

  it('npm run watch builds, then keeps watching until Ctrl-C', async () => {
    fs.rmSync(path.join(clone, 'dist'), { recursive: true, force: true });
    const watch = startLong(clone, ['run', 'watch'], /\[watch\] building \d+ targets; waiting for changes/, userEnv());
    try {
      await watch.matched;
      // esbuild's first build finishes after it started watching: wait for its output.
      while (!fs.existsSync(path.join(clone, 'dist/extension.js'))) await new Promise(r => setTimeout(r, 100));
    } finally {
      await watch.stop();
    }
  });

  it('npm start opens the extension and examples/ in a workbench without prompts beyond Workspace Trust', async () => {
    const port = await codeServer.freePort();
    const start = startLong(clone, ['start'], /http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+/, userEnv({ PORT: String(port) }));
    try {
      const [url] = await start.matched;
      assert.match(start.output(), /\[1\/4\][\s\S]*\[2\/4\][\s\S]*\[3\/4\][\s\S]*\[4\/4\]/, 'each step is announced');
      // (Paths into .vscode-test/, the conventional git-ignored folder of VS Code tooling, aside.)
      assert.doesNotMatch(start.output().replace(/\S*\.vscode-test\S*/g, ''), /\btests?\b/i, 'npm start talks about starting VS Code, not tests');
      assert.doesNotMatch(start.output(), /vsda|open-vsx|ENOTFOUND/, "code-server's chatter stays in its log");
      await lookAtWorkbench(url);
    } finally {
      await start.stop();
    }
    // Ctrl-C stopped code-server with it: nothing answers on the port any more.
    const answered = await fetch(`http://127.0.0.1:${port}/healthz`).then(() => true, () => false);
    assert.equal(answered, false, `code-server still answers after Ctrl-C:\n${tail(start.output())}`);
  });
});

/**
 * What a newcomer sees: the trust question (answered yes), then the extension's activity-bar entry and
 * the examples' README — and, once git has looked at the folder, no notification about a repository.
 */
async function lookAtWorkbench(url: string): Promise<void> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-start-browser-'));
  const browser = await codeServer.launchBrowser(profile);
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    fs.mkdirSync(SHOTS, { recursive: true });
    try {
      await look(page, url);
    } finally {
      await page.screenshot({ path: path.join(SHOTS, 'npm-start.png') }).catch(() => undefined);
    }
  } finally {
    await browser.close().catch(() => undefined);
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function look(page: import('playwright-core').Page, url: string): Promise<void> {
  await page.goto(url);
  const trust = page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors' });
  await trust.getByRole('button', { name: /Yes, I trust the authors/ }).click({ timeout: 120_000 });
  await page.locator('.activitybar li.action-item[aria-label^="Hyperparameter Studio"], .activitybar .action-item a[aria-label^="Hyperparameter Studio"]').first().waitFor({ timeout: 120_000 });
  await page.locator('.tab', { hasText: 'README.md' }).first().waitFor({ timeout: 120_000 });
  // The git extension runs only in a trusted folder; its Source Control view says it found the clone
  // around examples/ once it has looked — the moment it would have asked to open it.
  await page.locator('.activitybar li.action-item[aria-label^="Source Control"], .activitybar .action-item a[aria-label^="Source Control"]').first().click();
  await page.locator('.part.sidebar', { hasText: 'A Git repository was found in the parent folders' }).waitFor({ timeout: 120_000 });
  const toasts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
  assert.deepEqual(toasts.filter(t => /git|repositor|marketplace|extension/i.test(t)), [], `notifications: ${JSON.stringify(toasts)}`);
  assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no dialog after the trust question');
  // Back to what the newcomer came for (the screenshot shows it): the Studio sidebar, ready.
  await page.locator('.activitybar li.action-item[aria-label^="Hyperparameter Studio"], .activitybar .action-item a[aria-label^="Hyperparameter Studio"]').first().click();
  await sidebarShowsConfigs(page);
}

/** Polls every webview (the README preview is one too) until the Studio sidebar lists configs. */
async function sidebarShowsConfigs(page: import('playwright-core').Page): Promise<void> {
  for (;;) {
    const count = await page.locator('iframe.webview.ready').count();
    for (let i = 0; i < count; i++) {
      const frame = page.frameLocator('iframe.webview.ready').nth(i).frameLocator('#active-frame');
      if ((await frame.locator('#root[data-ready="true"] #configs .config').count().catch(() => 0)) > 0) return;
    }
    await page.waitForTimeout(250);
  }
}
