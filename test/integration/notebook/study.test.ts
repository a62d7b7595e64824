/**
 * Notebook studies through `hpstudio tune` (the same core the extension's worker runs): real kernels,
 * the journal, pruning while the notebook is still running, and a notebook that fails.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { readJournal } from '../../../src/core/study/journal';
import { isProcessAlive, isZombie } from '../../../src/core/runner/process-group';
import { captureIO } from '../../unit/cli/capture';
import { EXAMPLE_NOTEBOOK, NOTEBOOK_PYTHON, notebook } from '../../unit/notebook/helpers';

const journalOf = (ws: string, name: string) => {
  const trials = readJournal(path.join(ws, '.hpstudio', 'studies', name, 'journal.jsonl')).study.trials;
  return { trials, trial: (n: number) => trials.find(t => t.number === n) };
};
const trialDir = (ws: string, name: string, n: number) => path.join(ws, '.hpstudio', 'studies', name, 'trials', String(n));

describe('notebook studies with hpstudio tune', function () {
  this.timeout(300_000);
  let ws: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-nbstudy-'));
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('tunes the example notebook: every trial a completed run with its executed copy kept', async () => {
    fs.copyFileSync(EXAMPLE_NOTEBOOK, path.join(ws, 'moons.ipynb'));
    fs.writeFileSync(path.join(ws, 'moons.study.yaml'), [
      'name: moons',
      'program: moons.ipynb',
      `interpreter: ${NOTEBOOK_PYTHON}`,
      'method: random',
      'metric: {name: val_loss, goal: minimize}',
      'parameters:',
      '  learning_rate: {distribution: log_uniform_values, min: 0.01, max: 0.5}',
      '  hidden_units: {values: [4, 16]}',
      '  epochs: {value: 4}',
      '',
    ].join('\n'));
    const before = fs.readFileSync(path.join(ws, 'moons.ipynb'), 'utf8');
    const c = captureIO({ cwd: ws });
    const code = await runCli(['tune', 'moons.study.yaml', '--trials', '3', '--seed', '2', '--json'], c.io);
    assert.equal(code, 0, c.err());
    const result = JSON.parse(c.out());
    assert.equal(result.completed, 3, c.err());
    const journal = journalOf(ws, 'moons');
    for (let n = 0; n < 3; n++) {
      const executed = JSON.parse(fs.readFileSync(path.join(trialDir(ws, 'moons', n), 'executed.ipynb'), 'utf8'));
      const injected = executed.cells.find((cell: { metadata: { tags?: string[] } }) => cell.metadata.tags?.includes('injected-parameters'));
      const lr = journal.trial(n)?.params.learning_rate;
      assert.match(injected.source.join(''), new RegExp(`^learning_rate = ${String(lr).replace('.', '\\.')}$`, 'm'));
      // Per-epoch values reached the journal as intermediate values (steps 1..4).
      assert.deepEqual([...(journal.trial(n)?.intermediate.keys() ?? [])], [1, 2, 3, 4]);
    }
    assert.equal(fs.readFileSync(path.join(ws, 'moons.ipynb'), 'utf8'), before, 'the user\'s notebook is never modified');
  });

  it('prunes a trial while its notebook is still running, and its kernel goes with it', async () => {
    fs.writeFileSync(path.join(ws, 'slow.ipynb'), notebook([
      { cell_type: 'code', source: 'x = 0.0', metadata: { tags: ['parameters'] } },
      { cell_type: 'code', source: 'import os, time\nopen(f"kernel-{x}.pid", "w").write(str(os.getpid()))' },
      { cell_type: 'code', source: 'for step in range(1, 101):\n    print(f"step={step} loss={x + 1 / step}", flush=True)\n    time.sleep(0.02 if x == 0 else 0.1)' },
    ]));
    fs.writeFileSync(path.join(ws, 'slow.study.yaml'), [
      'name: slow',
      'program: slow.ipynb',
      `interpreter: ${NOTEBOOK_PYTHON}`,
      'method: grid',
      'metric: {name: loss, goal: minimize}',
      'parameters:',
      '  x: {values: [0, 5]}',
      'pruner: {type: median, n_startup_trials: 1, n_warmup_steps: 2}',
      'parallel: 1',
      '',
    ].join('\n'));
    const c = captureIO({ cwd: ws });
    // Seed 2 orders the grid x=0 then x=5: the good trial sets the median the slow one is judged by.
    const code = await runCli(['tune', 'slow.study.yaml', '--seed', '2', '--json'], c.io);
    assert.equal(code, 0, c.err());
    const journal = journalOf(ws, 'slow');
    assert.deepEqual(journal.trials.map(t => t.params.x), [0, 5], 'grid order of seed 2');
    assert.equal(journal.trial(0)?.state, 'complete');
    const pruned = journal.trial(1);
    assert.equal(pruned?.state, 'pruned', c.err());
    // Pruned mid-notebook: far fewer than the 100 steps the cell would print.
    assert.ok((pruned?.intermediate.size ?? 0) < 50, `${pruned?.intermediate.size} steps reported`);
    const kernel = Number(fs.readFileSync(path.join(ws, 'kernel-5.pid'), 'utf8'));
    assert.ok(!isProcessAlive(kernel) || isZombie(kernel), `kernel ${kernel} of the pruned trial still runs`);
  });

  it('a notebook that fails in cell 2 gives failed trials with the cell and the traceback, and the journal keeps them', async () => {
    fs.writeFileSync(path.join(ws, 'broken.ipynb'), notebook([
      { cell_type: 'code', source: 'lr = 0.1', metadata: { tags: ['parameters'] } },
      { cell_type: 'markdown', source: 'Then it breaks.' },
      { cell_type: 'code', source: 'print(f"loss: {lr}")\nraise RuntimeError(f"diverged at lr={lr}")' },
    ]));
    fs.writeFileSync(path.join(ws, 'broken.study.yaml'), `name: broken\nprogram: broken.ipynb\ninterpreter: ${NOTEBOOK_PYTHON}\nmethod: random\nmetric: {name: loss, goal: minimize}\nparameters:\n  lr: {min: 0.01, max: 1.0}\n`);
    const c = captureIO({ cwd: ws });
    await runCli(['tune', 'broken.study.yaml', '--trials', '2', '--json'], c.io);
    const journal = journalOf(ws, 'broken');
    const failed = journal.trials.filter(t => t.state === 'fail');
    assert.ok(failed.length >= 1, c.err());
    assert.match(failed[0].error ?? '', /notebook failed in cell 2: RuntimeError: diverged at lr=/);
    assert.match(failed[0].error ?? '', /RuntimeError +Traceback|Traceback/);
    assert.ok(fs.existsSync(path.join(trialDir(ws, 'broken', failed[0].number), 'executed.ipynb')));
  });
});
