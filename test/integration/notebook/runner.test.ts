/**
 * Notebook trials end to end on a real Jupyter kernel (Debian's nbclient/ipykernel): the launch plan
 * runs notebook-runner.py, the LocalExecutor collects metrics from its stdout. Waits are on conditions
 * (a metric arrived, a file exists, a process is gone), never on wall-clock guesses.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalExecutor } from '../../../src/core/runner/local';
import { isProcessAlive, isZombie } from '../../../src/core/runner/process-group';
import type { TrialLaunch } from '../../../src/core/runner/types';
import type { MetricPoint } from '../../../src/core/metrics/types';
import type { ParamValue } from '../../../src/core/search/types';
import { EXAMPLE_NOTEBOOK, NOTEBOOK_PYTHON, notebook, waitFor, type CellSpec } from '../../unit/notebook/helpers';

const isGone = (pid: number) => !isProcessAlive(pid) || isZombie(pid);
const code = (source: string, tags?: string[]): CellSpec => ({ cell_type: 'code', source, ...(tags ? { metadata: { tags } } : {}) });

describe('notebook trials on a real kernel', function () {
  this.timeout(120_000);
  let dir: string;
  let executor: LocalExecutor;
  let count = 0;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-nbrun-'));
    executor = new LocalExecutor({ graceMs: 5000 });
  });
  afterEach(async () => {
    await executor.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return name;
  };
  const trial = (program: string, params: Record<string, ParamValue> = {}): TrialLaunch => {
    const trialNumber = count++;
    return { study: 'nb', trialNumber, params, trialDir: path.join(dir, 'trials', String(trialNumber)), spec: { cwd: dir, program, interpreter: NOTEBOOK_PYTHON } };
  };
  const executed = (t: TrialLaunch) => JSON.parse(fs.readFileSync(path.join(t.trialDir, 'executed.ipynb'), 'utf8'));
  const text = (v: string | string[]) => (Array.isArray(v) ? v.join('') : v);

  it('runs the example notebook with the trial values injected after the parameters cell, leaving the notebook untouched', async () => {
    fs.copyFileSync(EXAMPLE_NOTEBOOK, path.join(dir, 'moons.ipynb'));
    const before = fs.readFileSync(path.join(dir, 'moons.ipynb'), 'utf8');
    const t = trial('moons.ipynb', { learning_rate: 0.2, hidden_units: 8, epochs: 5 });
    const handle = executor.launch(t);
    const points: MetricPoint[] = [];
    handle.onMetric(p => points.push(p));
    const outcome = await handle.done;
    assert.equal(outcome.exitCode, 0, outcome.stderrTail);
    const valLoss = points.filter(p => p.name === 'val_loss');
    assert.deepEqual(valLoss.map(p => p.step), [1, 2, 3, 4, 5]);
    assert.ok(valLoss.every(p => Number.isFinite(p.value)));
    const nb = executed(t);
    assert.deepEqual(nb.cells[1].metadata.tags, ['parameters']);
    assert.deepEqual(nb.cells[2].metadata.tags, ['injected-parameters']);
    assert.match(text(nb.cells[2].source), /^learning_rate = 0\.2$/m);
    assert.match(text(nb.cells[2].source), /^hidden_units = 8$/m);
    assert.match(text(nb.cells[2].source), /^epochs = 5$/m);
    assert.ok(nb.cells.some((c: { outputs?: Array<{ text?: string | string[] }> }) => (c.outputs ?? []).some(o => /epoch=5 /.test(text(o.text ?? '')))));
    assert.equal(fs.readFileSync(path.join(dir, 'moons.ipynb'), 'utf8'), before);
  });

  it('injects at the top when there is no parameters cell, and quotes strings and booleans the Python way', async () => {
    const program = write('plain.ipynb', notebook([code("print(f'mode={mode!r} flag={flag!r} none={none!r}')\nprint('metric_x: 1')")]));
    const t = trial(program, { mode: "it's \"odd\"", flag: true, none: null });
    const outcome = await executor.launch(t).done;
    assert.equal(outcome.exitCode, 0, outcome.stderrTail);
    const nb = executed(t);
    assert.deepEqual(nb.cells[0].metadata.tags, ['injected-parameters']);
    assert.match(text(nb.cells[1].outputs[0].text), /mode='it\\'s "odd"' flag=True none=None/);
  });

  it('streams metrics while a cell is still running', async () => {
    const go = path.join(dir, 'go');
    const program = write('live.ipynb', notebook([
      code('steps = 3', ['parameters']),
      code(`import os, time\nfor step in range(1, steps + 1):\n    print(f"step={step} loss={1 / step}", flush=True)\n    while step == 1 and not os.path.exists(${JSON.stringify(go)}):\n        time.sleep(0.05)`),
    ]));
    const t = trial(program);
    const handle = executor.launch(t);
    let settled = false;
    void handle.done.then(() => (settled = true));
    const points: MetricPoint[] = [];
    handle.onMetric(p => points.push(p));
    // The first metric arrives while the cell waits for `go`: the trial has not ended.
    await waitFor('the first metric', () => (points.some(p => p.name === 'loss') ? true : undefined));
    assert.equal(settled, false);
    fs.writeFileSync(go, '');
    const outcome = await handle.done;
    assert.equal(outcome.exitCode, 0, outcome.stderrTail);
    assert.deepEqual(points.filter(p => p.name === 'loss').map(p => p.step), [1, 2, 3]);
  });

  it('stopping interrupts the cell, shuts the kernel down and leaves no process', async () => {
    const program = write('forever.ipynb', notebook([
      code('import os, time\nprint(f"kernel pid is {os.getpid()}", flush=True)'),
      code('i = 0\nwhile True:\n    i += 1\n    print(f"step={i} loss={1 / i}", flush=True)\n    time.sleep(0.1)'),
    ]));
    const t = trial(program);
    const handle = executor.launch(t);
    const points: MetricPoint[] = [];
    handle.onMetric(p => points.push(p));
    await waitFor('a metric', () => (points.length > 0 ? true : undefined));
    // stdout.log is written behind the metrics stream: wait for the line there, not for the clock.
    const kernelPid = await waitFor('the kernel pid in stdout.log', () => {
      const m = /kernel pid is (\d+)/.exec(fs.readFileSync(path.join(t.trialDir, 'stdout.log'), 'utf8'));
      return m ? Number(m[1]) : undefined;
    });
    assert.ok(kernelPid > 0 && isProcessAlive(kernelPid));
    await handle.stop('prune');
    const outcome = await handle.done;
    assert.equal(outcome.stopReason, 'prune');
    assert.ok(isGone(kernelPid), `kernel ${kernelPid} still running`);
    assert.match(outcome.stderrTail, /stopped; the kernel is shut down/);
    // The executed copy keeps what ran before the stop.
    assert.ok(executed(t).cells[2].outputs.length > 0);
  });

  const failures: Array<[string, CellSpec[], RegExp]> = [
    ['a cell that raises', [code('x = 1'), { cell_type: 'markdown', source: 'text' }, code('y = 2'), code('print("loss: 0.5")\n1 / 0')], /notebook failed in cell 3: ZeroDivisionError: division by zero/],
    ['a cell that asks for input()', [code('name = input("your name? ")')], /cell 0 called input\(\), but a trial runs headless/],
    ['a kernel that dies', [code('import os, signal'), code('os.kill(os.getpid(), signal.SIGKILL)')], /the kernel died while running cell 1/],
  ];
  for (const [name, cells, message] of failures) {
    it(`${name}: a failed trial with the cell and the error, not a hang`, async () => {
      const t = trial(write('bad.ipynb', notebook(cells)));
      const outcome = await executor.launch(t).done;
      assert.equal(outcome.exitCode, 1, outcome.stderrTail);
      assert.match(outcome.stderrTail, message);
      assert.ok(fs.existsSync(path.join(t.trialDir, 'executed.ipynb')), 'the executed copy is kept');
    });
  }

  it('a traceback of the failing cell reaches stderr and the executed notebook', async () => {
    const t = trial(write('tb.ipynb', notebook([code('def f():\n    raise ValueError("bad lr")\nf()')])));
    const outcome = await executor.launch(t).done;
    assert.match(outcome.stderrTail, /ValueError: bad lr/);
    assert.match(outcome.stderrTail, /----> 3 f\(\)/);
    const errorOutput = executed(t).cells[1].outputs.find((o: { output_type: string }) => o.output_type === 'error');
    assert.equal(errorOutput.ename, 'ValueError');
  });

  const unreadable: Array<[string, string, RegExp]> = [
    ['invalid JSON', '{"cells": [', /is not valid JSON/],
    ['an nbformat 3 notebook', JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [] }), /nbformat 3 notebook; only nbformat 4 runs/],
    ['a cell source that is a number', notebook([code(42 as unknown as string)]), /cell 0: "source" must be a string or a list of strings/],
    ['no code cells', notebook([{ cell_type: 'markdown', source: '# only prose' }]), /has no code cells: there is nothing to run/],
  ];
  for (const [name, text, message] of unreadable) {
    it(`${name}: the trial fails at once with a clear message`, async () => {
      const outcome = await executor.launch(trial(write('x.ipynb', text))).done;
      assert.equal(outcome.exitCode, 2, outcome.stderrTail);
      assert.match(outcome.stderrTail, message);
    });
  }
});
