// The quickstart example is what a new user runs first, and its plots must show how diverged trials
// stay off the scale: its seed puts two too-high learning rates among the first random trials.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { robustRange, scoredTrials } from '../../../src/core/analysis';
import { readJournal } from '../../../src/core/study/journal';
import { captureIO } from '../../unit/cli/capture';

const QUICKSTART = path.resolve(__dirname, '../../../examples/quickstart');

describe('examples/quickstart', function () {
  this.timeout(120_000);
  let ws: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-quickstart-'));
    for (const f of ['train.js', 'sweep.yaml', 'config.json']) fs.copyFileSync(path.join(QUICKSTART, f), path.join(ws, f));
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('has diverging trials (7 and 8) that the plots leave off the scale', async () => {
    // One at a time: the first nine trials are the sampler's seeded random start, the same in any run.
    const io = captureIO({ cwd: ws });
    const code = await runCli(['tune', 'sweep.yaml', '--trials', '9', '--parallel', '1'], io.io);
    assert.equal(code, 0, io.err());
    const trials = readJournal(path.join(ws, '.hpstudio/studies/quickstart/journal.jsonl')).study.trials;
    const diverged = trials.filter(t => typeof t.value === 'number' && t.value > 1e6);
    assert.deepEqual(diverged.map(t => [t.number, t.state]), [[7, 'pruned'], [8, 'pruned']], JSON.stringify(trials.map(t => [t.number, t.state, t.value])));
    const values = scoredTrials(trials.map(t => ({ number: t.number, params: t.params, value: t.value }))).map(t => t.value);
    const range = robustRange(values);
    assert.equal(range.above, 2, `range ${JSON.stringify(range)} over ${values.join(', ')}`);
    assert.ok(range.max < 10, `the healthy trials fill the axis: max ${range.max}`);
  });
});
