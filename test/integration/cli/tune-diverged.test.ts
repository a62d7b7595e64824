/**
 * A trial whose objective ends on NaN or ±Infinity diverged: it fails with "diverged: loss=nan at step N"
 * instead of completing with its last finite value (which could make it the best trial and be applied).
 * Real trial processes through `hpstudio tune`, one per way a value reaches the study: stdout lines
 * (key=value, JSON with Python's bare NaN/Infinity), Lightning metrics.csv, Hugging Face trainer_state.json
 * and a TensorBoard event file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { readJournal } from '../../../src/core/study/journal';
import { bestTrial } from '../../../src/core/study/summary';
import { eventFile } from '../../unit/metrics/tfevents-writer';
import { captureIO } from '../../unit/cli/capture';

/** Each mode is one way of reporting the objective; the last report decides. */
const TRAINER = `
const fs = require('fs');
const path = require('path');
const mode = process.argv.slice(2).map(a => a.split('='))[0][1];
const dir = process.env.HPSTUDIO_TRIAL_DIR;
const say = line => console.log(line);
switch (mode) {
  case 'finite': say('step=1 loss=0.9'); say('step=2 loss=0.2'); break;
  // 0.001 before the NaN: taken as the final value, this trial would be the best.
  case 'stdout_nan_end': say('step=1 loss=0.9'); say('step=2 loss=0.001'); say('step=3 loss=nan'); break;
  case 'stdout_recovers': say('step=1 loss=nan'); say('step=2 loss=0.3'); break;
  case 'json_inf_end': say('{"step": 4, "loss": 0.002}'); say('{"step": 5, "loss": Infinity}'); break;
  case 'minus_inf_end': say('loss=0.5'); say('loss=-inf'); break;
  case 'nan_then_crash': say('step=1 loss=0.003'); say('step=2 loss=nan'); console.error('RuntimeError: loss is nan'); process.exit(1);
  case 'csv_nan_end':
    fs.writeFileSync(path.join(dir, 'metrics.csv'), 'step,loss\\n1,0.5\\n2,0.004\\n3,nan\\n');
    break;
  case 'trainer_state_nan_end':
    fs.writeFileSync(path.join(dir, 'trainer_state.json'), JSON.stringify({ global_step: 30, log_history: [
      { epoch: 1, loss: 0.6, step: 10 }, { epoch: 2, loss: 0.005, step: 20 }, { epoch: 3, loss: 'NAN', step: 30 },
    ] }, null, 2).replace('"NAN"', 'NaN'));
    break;
  case 'tfevents_nan_end':
    fs.copyFileSync(path.join(process.cwd(), 'events.bin'), path.join(dir, 'events.out.tfevents.1700000000.host'));
    break;
}
`;

const MODES = ['finite', 'stdout_nan_end', 'stdout_recovers', 'json_inf_end', 'minus_inf_end', 'nan_then_crash', 'csv_nan_end', 'trainer_state_nan_end', 'tfevents_nan_end'];

interface TrialJson {
  number: number;
  state: string;
  value: number | null;
  params: { mode: string };
  error?: string;
}

describe('hpstudio tune: trials whose objective ends on NaN / Infinity', function () {
  this.timeout(120_000);
  let ws: string;
  before(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-diverged-'));
    fs.writeFileSync(path.join(ws, 'train.js'), TRAINER);
    fs.writeFileSync(
      path.join(ws, 'events.bin'),
      eventFile([
        { step: 100, scalars: [{ tag: 'loss', value: 0.4 }] },
        { step: 200, scalars: [{ tag: 'loss', value: 0.006 }] },
        { step: 300, scalars: [{ tag: 'loss', value: NaN }] },
      ]),
    );
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('fails each diverged trial with the metric, its value and step; the best trial is a finite one', async () => {
    const study = [
      'name: diverged',
      'program: train.js',
      `command: [${process.execPath}, "\${program}", "\${args}"]`,
      'method: grid',
      'metric: {name: loss, goal: minimize}',
      'flapping: false',
      // Every point at once: each mode runs exactly once, whatever the grid does after a failure.
      `parallel: ${MODES.length}`,
      'parameters:',
      `  mode: {values: [${MODES.join(', ')}]}`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), study);
    const c = captureIO({ cwd: ws, signal: new AbortController().signal, tty: false });
    const code = await runCli(['tune', 'sweep.yaml', '--json'], c.io);
    const result = JSON.parse(c.out()) as { completed: number; failed: number; best: { params: { mode: string }; value: number } | null; trials: TrialJson[] };
    const byMode = new Map(result.trials.map(t => [t.params.mode, t]));
    assert.equal(byMode.size, MODES.length, c.err());
    const expectFailed = (mode: string, error: RegExp) => {
      const t = byMode.get(mode)!;
      assert.equal(t.state, 'fail', `${mode}: ${JSON.stringify(t)}`);
      assert.equal(t.value, null, `${mode}: a diverged trial has no value`);
      assert.match(t.error ?? '', error, mode);
    };
    expectFailed('stdout_nan_end', /^diverged: loss=nan at step 3$/);
    expectFailed('json_inf_end', /^diverged: loss=inf at step 5$/);
    expectFailed('minus_inf_end', /^diverged: loss=-inf at step 2$/);
    expectFailed('csv_nan_end', /^diverged: loss=nan at step 3$/);
    expectFailed('trainer_state_nan_end', /^diverged: loss=nan at step 30$/);
    expectFailed('tfevents_nan_end', /^diverged: loss=nan at step 300$/);
    // A crash after the NaN keeps both facts and the program's own last words.
    expectFailed('nan_then_crash', /^diverged: loss=nan at step 2, then exited with code 1\n[^]*RuntimeError: loss is nan/);
    assert.equal(byMode.get('finite')!.state, 'complete');
    assert.equal(byMode.get('finite')!.value, 0.2);
    // NaN in the middle, finite at the end: completes with the final value.
    assert.equal(byMode.get('stdout_recovers')!.state, 'complete');
    assert.equal(byMode.get('stdout_recovers')!.value, 0.3);
    assert.equal(result.completed, 2);
    assert.equal(result.failed, MODES.length - 2);
    assert.equal(code, 0);
    assert.equal(result.best?.params.mode, 'finite', 'the best trial is the best finite one, not a diverged one');
    assert.equal(result.best?.value, 0.2);
    // What Apply best and the sidebar read: the journal.
    const journal = readJournal(path.join(ws, '.hpstudio', 'studies', 'diverged', 'journal.jsonl'));
    const best = bestTrial(journal.study.trials, 'minimize');
    assert.equal(journal.study.trials[best!.number].params.mode, 'finite');
    assert.match(c.err(), /^trial \d+ fail {2}loss=-( {2}best \S+ \(#\d+\))? {2}diverged: loss=nan at step 3$/m);
  });
});
