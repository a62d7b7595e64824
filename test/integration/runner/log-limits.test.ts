/**
 * Issue #16 item 10 with real processes: a metric lost to the 64 KB line limit is reported as
 * such (it used to look as if the trial never printed it), and a chatty trial's logs are capped —
 * the head stays in stdout.log, the tail rotates between two files — instead of filling the disk.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MetricPoint } from '../../../src/core/metrics/types';
import { LocalExecutor } from '../../../src/core/runner/local';
import type { TrialLaunch } from '../../../src/core/runner/types';

const PROGRAM = path.resolve(__dirname, '../../fixtures/programs/chatty.js');

describe('runner/local: log limits (issue #16)', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-logcap-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  async function run(ex: LocalExecutor, args: string[]) {
    const launch: TrialLaunch = { study: 'caps', trialNumber: 0, params: {}, trialDir: path.join(root, 'trials', '0'), spec: { cwd: root, command: [process.execPath, PROGRAM, ...args] } };
    const handle = ex.launch(launch);
    const points: MetricPoint[] = [];
    const notes: string[] = [];
    handle.onMetric(p => points.push(p));
    handle.onNote?.(n => notes.push(n));
    const outcome = await handle.done;
    await ex.dispose();
    return { outcome, points, notes, dir: launch.trialDir };
  }

  it('reports a metric line cut at 64 KB with the line size, as the trial runs', async () => {
    const r = await run(new LocalExecutor(), ['--long=200', '--no-final']);
    assert.equal(r.outcome.exitCode, 0);
    assert.deepEqual(r.points.filter(p => p.name === 'val_loss'), [], 'the value past the cut is not read');
    assert.deepEqual(r.notes, ['stdout: a line of 200 KB was cut at 64 KB; metrics after the cut are not read']);
  });

  it('keeps the head and a rotating tail of a chatty trial, says so, and still reads every metric', async () => {
    const cap = { headBytes: 256 * 1024, tailBytes: 256 * 1024 };
    const r = await run(new LocalExecutor({ logLimits: cap }), ['--mb=3']);
    assert.equal(r.outcome.exitCode, 0);
    assert.equal(r.points.find(p => p.name === 'loss')?.value, 0.25, 'metrics are read from the stream, whatever the log keeps');
    const files = fs.readdirSync(r.dir).filter(f => f.startsWith('stdout')).sort();
    assert.deepEqual(files, ['stdout.log', 'stdout.tail.1.log', 'stdout.tail.log']);
    const size = (f: string) => fs.statSync(path.join(r.dir, f)).size;
    const head = fs.readFileSync(path.join(r.dir, 'stdout.log'), 'utf8');
    assert.ok(head.startsWith('FIRST LINE\n'));
    assert.ok(size('stdout.log') <= cap.headBytes + 200, `head ${size('stdout.log')} bytes`);
    assert.ok(head.endsWith('\n[hpstudio] stdout.log reached 256 KB: the rest of the output goes to stdout.tail.log and stdout.tail.1.log, which keep its last 128 KB–256 KB\n'), head.slice(-300));
    assert.ok(size('stdout.tail.log') + size('stdout.tail.1.log') <= cap.tailBytes, 'the tail stays within its cap');
    assert.ok(fs.readFileSync(path.join(r.dir, 'stdout.tail.log'), 'utf8').endsWith('loss: 0.25\nLAST LINE\n'));
    assert.deepEqual(r.notes, ['stdout.log reached 256 KB; keeping its first 256 KB and the last 128 KB–256 KB of the output (stdout.tail.log)']);
  });

  it('leaves a small log alone', async () => {
    const r = await run(new LocalExecutor({ logLimits: { headBytes: 1024 * 1024, tailBytes: 1024 * 1024 } }), []);
    assert.deepEqual(fs.readdirSync(r.dir).filter(f => f.startsWith('stdout')), ['stdout.log']);
    assert.equal(fs.readFileSync(path.join(r.dir, 'stdout.log'), 'utf8'), 'FIRST LINE\nloss: 0.25\nLAST LINE\n');
    assert.deepEqual(r.notes, []);
  });
});
