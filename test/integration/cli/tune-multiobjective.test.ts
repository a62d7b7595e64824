import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { dominates } from '../../../src/core/search/pareto';
import { readJournal } from '../../../src/core/study/journal';
import { captureIO } from '../../unit/cli/capture';

const capture = (cwd: string, tty = false) => captureIO({ cwd, signal: new AbortController().signal, tty });

/**
 * A real trainer with two metrics that trade off: accuracy rises with width, size grows with it;
 * `skip_mb: 1` never prints the size (a trial missing one objective).
 */
const TRAINER = `
const args = Object.fromEntries(process.argv.slice(2).map(a => a.replace(/^--/, '').split('=')));
const w = Number(args.width);
const acc = 1 - 1 / (1 + w) - 0.05 * Math.abs(Number(args.lr) - 0.3);
for (let epoch = 0; epoch < 2; epoch++) console.log(JSON.stringify({ epoch, accuracy: acc * (epoch + 1) / 2 }));
if (args.skip_mb !== '1') console.log('model_mb: ' + (0.5 * w).toFixed(4));
`;

const STUDY = (extra = '', method = 'auto') =>
  `name: mo\nprogram: train.js\ncommand:\n  - ${process.execPath}\n  - \${program}\n  - \${args}\nmethod: ${method}\nmetric:\n  - {name: accuracy, goal: maximize}\n  - {name: model_mb, goal: minimize}\nparameters:\n  width: {min: 1, max: 64}\n  lr: {min: 0.0, max: 1.0}\n${extra}`;

type Values = [number, number];
const minimized = (v: Values) => [-v[0], v[1]];

describe('hpstudio tune: several metrics (Pareto front)', function () {
  this.timeout(60_000);
  let ws: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-tune-mo-'));
    fs.writeFileSync(path.join(ws, 'train.js'), TRAINER);
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('--json gives best as the Pareto set [{number, values, params}] and every trial its values; the journal keeps them', async () => {
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), STUDY());
    const c = capture(ws);
    const code = await runCli(['tune', 'sweep.yaml', '--trials', '8', '--parallel', '2', '--seed', '3', '--json'], c.io);
    assert.equal(code, 0, c.err());
    const result = JSON.parse(c.out());
    assert.equal(result.completed, 8);
    for (const t of result.trials) {
      assert.equal(t.values.length, 2, JSON.stringify(t));
      const w = t.params.width as number;
      assert.ok(Math.abs(t.values[1] - 0.5 * w) < 1e-3, JSON.stringify(t));
      assert.equal(t.value, t.values[0]);
    }
    assert.ok(Array.isArray(result.best) && result.best.length >= 1);
    for (const b of result.best) assert.deepEqual(Object.keys(b).sort(), ['number', 'params', 'values']);
    // The set is exactly the trials no other trial dominates.
    const trials = result.trials as { number: number; values: Values }[];
    const front = trials.filter(t => !trials.some(o => dominates(minimized(o.values), minimized(t.values)))).map(t => t.number);
    assert.deepEqual(
      result.best.map((b: { number: number }) => b.number),
      front,
    );
    // Accuracy and size trade off here, so the front has more than one trial.
    assert.ok(front.length >= 2, JSON.stringify(trials));
    const journal = readJournal(path.join(ws, '.hpstudio', 'studies', 'mo', 'journal.jsonl')).study;
    assert.deepEqual(journal.header.objectives, [
      { name: 'accuracy', direction: 'maximize' },
      { name: 'model_mb', direction: 'minimize' },
    ]);
    for (const t of journal.trials) assert.deepEqual(t.values, trials[t.number].values);
    // hpstudio status reads the same front from the journal.
    const st = capture(ws);
    assert.equal(await runCli(['status', '--json'], st.io), 0, st.err());
    const status = JSON.parse(st.out());
    assert.deepEqual(status.objectives, journal.header.objectives);
    assert.deepEqual(status.best, result.best);
    const text = capture(ws);
    assert.equal(await runCli(['status'], text.io), 0);
    assert.match(text.out(), new RegExp(`Pareto front of ${front.length} trials:\\n {4}#${front[0]} {2}accuracy=`));
    // Progress lines name both metrics and the front's size.
    assert.ok(/^trial \d+ complete {2}accuracy=\S+ model_mb=\S+ {2}Pareto front: \d+ trials?$/m.test(c.err()), c.err());
  });

  it('prints the Pareto front for people, and a resumed study keeps it', async () => {
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), STUDY('', 'nsga2'));
    const c = capture(ws);
    assert.equal(await runCli(['tune', 'sweep.yaml', '--trials', '4', '--seed', '1'], c.io), 0, c.err());
    assert.match(c.out(), /^study mo finished: 4 completed, 0 pruned, 0 failed\nPareto front \(\d+ trials?; accuracy ↑, model_mb ↓\):\n {2}#\d+ {2}accuracy=\S+ model_mb=\S+ {2}width=/);
    const again = capture(ws);
    assert.equal(await runCli(['tune', 'sweep.yaml', '--trials', '6', '--resume', '--json'], again.io), 0, again.err());
    const result = JSON.parse(again.out());
    assert.equal(result.completed, 6);
    assert.ok(result.best.length >= 1 && result.best.every((b: { values: number[] }) => b.values.length === 2));
  });

  it('fails a trial that does not report every metric, saying which and how', async () => {
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), STUDY('  skip_mb: {value: 1}\n', 'random'));
    const c = capture(ws);
    await runCli(['tune', 'sweep.yaml', '--trials', '2', '--json'], c.io);
    const result = JSON.parse(c.out());
    assert.equal(result.completed, 0);
    assert.match(result.trials[0].error, /finished without reporting the metric "model_mb" \(a study with several metrics needs each one; print e\.g\./);
    assert.deepEqual(result.best, []);
  });

  it('says pruning is off, and refuses a one-metric sampler on the command line', async () => {
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), STUDY('pruner: median\n', 'random'));
    const c = capture(ws);
    assert.equal(await runCli(['tune', 'sweep.yaml', '--trials', '1'], c.io), 0, c.err());
    assert.match(c.err(), /pruning is off/);
    const bad = capture(ws);
    assert.equal(await runCli(['tune', 'sweep.yaml', '--sampler', 'gp', '--trials', '1'], bad.io), 2);
    assert.match(bad.err(), /--sampler gp models one metric; sweep\.yaml has 2/);
  });
});
