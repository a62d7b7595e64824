/**
 * Issue #16 end to end through `hpstudio tune` with real trial processes: grid search past a
 * failing point (item 5), a metric lost to the 64 KB line limit and a chatty trial's log cap
 * (item 10), and a GP study resumed after 100,000 trials (item 4: it used to end with an internal
 * RangeError, exit 0, without running a trial).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { JOURNAL_FILE, JOURNAL_VERSION, readJournal, studyDirectory, type JournalRecord } from '../../../src/core/study/journal';
import { loadStudyFile } from '../../../src/core/study/studyFile';
import { captureIO } from '../../unit/cli/capture';

const CHATTY = path.resolve(__dirname, '../../fixtures/programs/chatty.js');

/** Fails when x is 2 (exit 3); prints `loss: …` otherwise. */
const TRAINER = `
const args = Object.fromEntries(process.argv.slice(2).map(a => a.replace(/^--/, '').split('=')));
if (args.a === '2') { console.error('boom: a=2'); process.exit(3); }
console.log('loss: ' + (Number(args.a) + (args.b === 'x' ? 0 : 0.5)));
`;

function studyFile(name: string, method: string, program: string, params: string, extra = ''): string {
  return `name: ${name}\nprogram: ${program}\ncommand:\n  - ${process.execPath}\n  - \${program}\n  - \${args}\nmethod: ${method}\nmetric: {name: loss, goal: minimize}\nparameters:\n${params}${extra}`;
}

describe('hpstudio tune under faults (issue #16)', function () {
  this.timeout(120_000);
  let ws: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-faults-'));
    fs.writeFileSync(path.join(ws, 'train.js'), TRAINER);
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  async function tune(...argv: string[]) {
    const c = captureIO({ cwd: ws });
    const code = await runCli(['tune', ...argv], c.io);
    return { code, out: c.out(), err: c.err() };
  }

  it('grid: a failing point runs once and every other point runs', async () => {
    fs.writeFileSync(path.join(ws, 'grid.yaml'), studyFile('grid', 'grid', 'train.js', '  a: {values: [1, 2, 3]}\n  b: {values: [x, y]}\n'));
    const r = await tune('grid.yaml', '--json');
    assert.equal(r.code, 0, r.err);
    const result = JSON.parse(r.out) as { completed: number; failed: number; trials: { params: { a: number; b: string }; state: string }[] };
    const points = result.trials.map(t => `${t.params.a}${t.params.b}`);
    assert.equal(new Set(points).size, 6, `ran ${points.join(' ')}`);
    assert.equal(result.completed, 4);
    assert.equal(result.failed, 2);
    assert.deepEqual(result.trials.filter(t => t.state === 'fail').map(t => t.params.a), [2, 2]);
  });

  it('a metric lost to the 64 KB line limit is reported as a cut line, not as never reported', async () => {
    fs.writeFileSync(path.join(ws, 'cut.yaml'), studyFile('cut', 'random', CHATTY, '  x: {min: 0, max: 1}\n  long: {value: 100}\n  no-final: {value: 1}\n'));
    const r = await tune('cut.yaml', '--trials', '1');
    const journal = readJournal(path.join(studyDirectory(ws, 'cut'), JOURNAL_FILE));
    const error = journal.study.trials[0].error ?? '';
    assert.match(error, /^the metric "loss" was not read: stdout: a line of 100 KB was cut at 64 KB; metrics after the cut are not read \(print it on a shorter line, or set metric_regex\)$/m);
    assert.doesNotMatch(error, /finished without reporting/);
    assert.match(r.err, /^warning: trial 0: stdout: a line of 100 KB was cut at 64 KB; metrics after the cut are not read$/m);
  });

  it('a chatty trial keeps the head and tail of its log and the CLI says so', async () => {
    fs.writeFileSync(path.join(ws, 'chatty.yaml'), studyFile('chatty', 'random', CHATTY, '  x: {min: 0, max: 1}\n  mb: {value: 17}\n'));
    const r = await tune('chatty.yaml', '--trials', '1', '--json');
    assert.equal(r.code, 0, r.err);
    assert.equal((JSON.parse(r.out) as { completed: number }).completed, 1, 'the metric after 17 MB of log is read');
    assert.match(r.err, /^warning: trial 0: stdout\.log reached 16 MB; keeping its first 16 MB and the last 8 MB–16 MB of the output \(stdout\.tail\.log\)$/m);
    const dir = path.join(studyDirectory(ws, 'chatty'), 'trials', '0');
    assert.ok(fs.statSync(path.join(dir, 'stdout.log')).size < 16 * 1024 * 1024 + 1024);
    assert.ok(fs.readFileSync(path.join(dir, 'stdout.tail.log'), 'utf8').endsWith('loss: 0.25\nLAST LINE\n'));
  });

  it('resumes a GP study of 100,000 finished trials and runs the next one', async () => {
    const file = path.join(ws, 'long.yaml');
    fs.writeFileSync(file, studyFile('long', 'gp', 'train.js', '  a: {min: 1, max: 3}\n  b: {values: [x, y]}\n'));
    const { config } = loadStudyFile(file);
    const dir = studyDirectory(ws, 'long');
    fs.mkdirSync(dir, { recursive: true });
    const records: JournalRecord[] = [{ op: 'study', v: JOURNAL_VERSION, name: 'long', space: config.space, direction: 'minimize', metric: 'loss', sampler: 'gp', seed: 7, studyFile: file, time: 1 }];
    for (let i = 0; i < 100_000; i++) {
      const a = 1 + ((i * 0.618034) % 1) * 0.9; // a < 1.9: none of them fails
      records.push({ op: 'trial', number: i, params: { a, b: i % 2 ? 'x' : 'y' }, state: 'running', pid: 1, host: 'elsewhere', time: 2 });
      records.push({ op: 'finish', number: i, state: 'complete', value: a + (i % 2 ? 0 : 0.5), time: 3 });
    }
    records.push({ op: 'state', state: 'stopped', reason: 'interrupted', time: 4 });
    fs.writeFileSync(path.join(dir, JOURNAL_FILE), records.map(r => JSON.stringify(r)).join('\n') + '\n');
    const r = await tune('long.yaml', '--resume', '--trials', '100001', '--json');
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.err, /no further point|RangeError/);
    const result = JSON.parse(r.out) as { completed: number; failed: number };
    assert.deepEqual([result.completed, result.failed], [100_001, 0]);
  });
});
