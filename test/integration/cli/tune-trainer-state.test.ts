import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { captureIO } from '../../unit/cli/capture';

/**
 * A Hugging Face-style trainer: logs nothing on stdout and saves trainer_state.json into its trial
 * directory with Python's json.dumps, as Trainer does; its fp16 loss scaler overflows once, so the file
 * holds bare NaN / Infinity. The objective (eval_loss) must still be read from it.
 */
const TRAINER = `
import json, os, sys
x = float(sys.argv[1].split("=")[1])
history = [
    {"epoch": 0.5, "grad_norm": float("inf"), "learning_rate": 4e-05, "loss": float("nan"), "step": 10},
    {"epoch": 0.5, "eval_loss": 1.0 + x, "step": 10},
    {"epoch": 1.0, "grad_norm": float("nan"), "learning_rate": 3e-05, "loss": 0.9, "step": 20},
    {"epoch": 1.0, "eval_loss": (x - 0.3) ** 2, "step": 20},
]
with open(os.path.join(os.environ["HPSTUDIO_TRIAL_DIR"], "trainer_state.json"), "w") as f:
    f.write(json.dumps({"global_step": 20, "log_history": history}, indent=2, sort_keys=True) + "\\n")
`;

describe('hpstudio tune with a trainer that only writes trainer_state.json', function () {
  this.timeout(60_000);
  let ws: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-tune-hf-'));
    fs.writeFileSync(path.join(ws, 'train.py'), TRAINER);
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('takes the metric from a file holding NaN / Infinity (fp16 overflow) instead of failing the trial', async () => {
    const study = 'name: hf\nprogram: train.py\ncommand: [/usr/bin/python3, ${program}, ${args}]\nmethod: random\nmetric: {name: eval_loss, goal: minimize}\nparameters:\n  x: {min: 0.0, max: 1.0}\n';
    fs.writeFileSync(path.join(ws, 'sweep.yaml'), study);
    const c = captureIO({ cwd: ws, signal: new AbortController().signal, tty: false });
    const code = await runCli(['tune', 'sweep.yaml', '--trials', '2', '--seed', '3', '--json'], c.io);
    assert.equal(code, 0, c.err());
    const result = JSON.parse(c.out()) as { completed: number; failed: number; trials: Array<{ params: { x: number }; value: number; state: string }> };
    assert.equal(result.failed, 0, c.err());
    assert.equal(result.completed, 2);
    for (const t of result.trials) assert.ok(Math.abs(t.value - (t.params.x - 0.3) ** 2) < 1e-9, JSON.stringify(t));
  });
});
