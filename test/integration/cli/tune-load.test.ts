/**
 * `hpstudio tune` refuses a study file it cannot run with file:line:col and exit code 2 before the
 * study exists: no `.hpstudio/studies/<name>` folder is created, so fixing the file and running again
 * never meets "already exists" (issue #16 item 8). A `trial_timeout` past 2^31 ms lets trials run to
 * their end (item 7; Node's timers cut such a delay to 1 ms, which stopped every trial at once).
 * Real trial processes (node) where a trial runs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { storageProblem } from '../../../src/core/study/storageProblem';
import { captureIO } from '../../unit/cli/capture';

const TRAINER = "setTimeout(() => { console.log('step=1 loss=0.5'); console.log('step=2 loss=0.25'); }, 300);\n";
const HEAD = ['program: train.js', `command: [${JSON.stringify(process.execPath)}, "\${program}", "\${args}"]`, 'metric: {name: loss}'];

describe('hpstudio tune: study-file errors before anything runs; long timeouts', function () {
  this.timeout(60_000);
  let ws: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-load-'));
    fs.writeFileSync(path.join(ws, 'train.js'), TRAINER);
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  async function tune(lines: readonly string[], ...extra: string[]) {
    fs.writeFileSync(path.join(ws, 'study.yaml'), `${['name: s', ...lines].join('\n')}\n`);
    const c = captureIO({ cwd: ws, tty: false });
    const code = await runCli(['tune', 'study.yaml', '--json', ...extra], c.io);
    return { code, out: c.out(), err: c.err() };
  }

  it('runs trials to their end under trial_timeout: 30d (2.6e9 ms, past what a Node timer holds)', async () => {
    const r = await tune([...HEAD, 'trial_timeout: 30d', 'trials: 2', 'parallel: 2', 'parameters: {x: {values: [1, 2]}}']);
    const result = JSON.parse(r.out) as { completed: number; failed: number; trials: Array<{ state: string; value: number | null; error?: string }> };
    assert.equal(result.completed, 2, `${r.out}\n${r.err}`);
    assert.deepEqual(result.trials.map(t => [t.state, t.value]), [['complete', 0.25], ['complete', 0.25]]);
    assert.equal(r.code, 0);
  });

  const refused: Array<[string, string[], RegExp, string[]?]> = [
    ['a timeout under 1 ms', [...HEAD, 'trial_timeout: 0.0000001', 'parameters: {x: {values: [1]}}'], /^study\.yaml:5:16: trial_timeout of 0\.0000001 is shorter than 1 ms/m],
    ['empty parameters', [...HEAD, 'parameters: {}'], /^study\.yaml:5:13: parameters is empty/m],
    ['a grid of 10^12 points', [...HEAD, 'method: grid', 'parameters:', ...[0, 1, 2, 3].map(i => `  p${i}: {distribution: int_uniform, min: 1, max: 1000}`)], /^study\.yaml:5:9: method grid: the grid has 1,000,000,000,000 points/m],
    ['a grid over a continuous range', [...HEAD, 'method: grid', 'parameters:', '  lr: {min: 0.001, max: 0.1}'], /^study\.yaml:7:3: parameters\.lr: grid search needs a list of values/m],
    ['--sampler grid over a continuous range', [...HEAD, 'method: random', 'parameters:', '  lr: {min: 0.001, max: 0.1}'], /^study\.yaml:5:9: grid search \(--sampler grid\): grid search needs a list of values, and lr is a continuous range/m, ['--sampler', 'grid']],
    ['a metric_regex without a named group', [...HEAD, 'metric_regex: "loss=([0-9.]+)"', 'parameters: {x: {values: [1]}}'], /^study\.yaml:5:15: metric_regex: .*needs named groups/m],
    ['an env key with =', [...HEAD, 'env: {"A=B": "1"}', 'parameters: {x: {values: [1]}}'], /^study\.yaml:5:7: env: "A=B" cannot be an environment variable name/m],
    ['a parameter named __proto__', [...HEAD, 'parameters:', '  x: {values: [1]}', '  __proto__: {values: [1, 2]}'], /^study\.yaml:7:3: parameters: __proto__ cannot be a parameter name/m],
    ['a missing program', ['program: nope.js', `interpreter: ${JSON.stringify(process.execPath)}`, 'metric: {name: loss}', 'parameters: {x: {values: [1]}}'], /^study\.yaml:2:10: program nope\.js not found in /m],
  ];
  for (const [title, lines, expected, extra] of refused) {
    it(`refuses ${title}: exit 2, line:column, no study folder, and the same answer when run again`, async () => {
      for (let run = 0; run < 2; run++) {
        const r = await tune(lines, ...(extra ?? []));
        assert.equal(r.code, 2, `${r.err}\n${r.out}`);
        assert.match(r.err, expected);
        assert.equal(r.out, '', 'no summary: nothing ran');
        assert.ok(!fs.existsSync(path.join(ws, '.hpstudio')), 'no study folder or journal was created');
      }
    });
  }

  it('refuses a study file that is a folder, naming it (not a raw EISDIR)', async () => {
    fs.mkdirSync(path.join(ws, 'sweeps'));
    const c = captureIO({ cwd: ws, tty: false });
    const code = await runCli(['tune', 'sweeps'], c.io);
    assert.equal(code, 2, c.err());
    assert.match(c.err(), /^sweeps:1:1: \S+sweeps is a folder, not a study file: give the path of a \.yaml or \.json study file in it$/m);
    assert.doesNotMatch(c.err(), /EISDIR/);
  });

  it('says what to do when the study folder cannot be created (a file is in the way), not a raw errno message', async () => {
    fs.writeFileSync(path.join(ws, '.hpstudio'), 'not a folder');
    const r = await tune([...HEAD, 'parameters: {x: {values: [1]}}']);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^hpstudio tune: (a part of \S+ is a file where the study needs a folder \(ENOTDIR\)|\S+ is in the way of the study folder \(EEXIST\)): move/m);
    assert.doesNotMatch(r.err, /^hpstudio tune: E[A-Z]+:/m);
  });
});

describe('storageProblem: file-system errors said in words', () => {
  const errno = (code: string, p?: string) => Object.assign(new Error(`${code}: raw`), { code, ...(p ? { path: p } : {}) });
  it('names the study folder and what to do for a full disk, a read-only disk and a folder in the way', () => {
    assert.match(storageProblem(errno('ENOSPC'), '/w/.hpstudio/studies/s')!, /^no space left to write the study journal under \/w\/\.hpstudio\/studies\/s \(ENOSPC\): free some space/);
    assert.match(storageProblem(errno('EROFS', '/ro/.hpstudio'), '/ro/.hpstudio/studies/s')!, /^\/ro\/\.hpstudio is on a read-only file system \(EROFS\): run the study from a writable folder$/);
    assert.match(storageProblem(errno('EISDIR', '/w/.hpstudio/studies/s/journal.jsonl'), '/w/.hpstudio/studies/s')!, /journal\.jsonl is a folder where the study keeps a file \(EISDIR\)/);
    assert.match(storageProblem(errno('EACCES', '/w/.hpstudio'), '/w/.hpstudio/studies/s')!, /^no permission to write \/w\/\.hpstudio \(EACCES\)/);
  });
  it('leaves other errors alone', () => {
    assert.equal(storageProblem(new Error('boom'), '/w'), undefined);
    assert.equal(storageProblem(errno('ECONNRESET'), '/w'), undefined);
    assert.equal(storageProblem(undefined, '/w'), undefined);
  });
});
