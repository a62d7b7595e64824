/** Source ranges and the hover lookup (`findSettingAt`). */
import * as assert from 'node:assert/strict';
import { detectFile, findSettingAt, type DetectedFile } from '../../../src/core/detect';

const YAML = [
  'model:', //               0
  '  optimizer:', //         1
  '    lr: 3.0e-4', //       2
  '    weight_decay: 0.01', // 3
  'trainer:', //             4
  '  max_epochs: 20', //     5
  '  devices: [0, 1]', //    6
].join('\n');

describe('detect: positions and findSettingAt', () => {
  const file = detectFile('configs/exp.yaml', YAML, { force: true });

  it('gives the exact key range and value range (0-based, end exclusive)', () => {
    const lr = file.settings.find(s => s.key === 'model.optimizer.lr');
    assert.deepEqual(lr?.range, { line: 2, character: 4, endLine: 2, endCharacter: 6 });
    assert.deepEqual(lr?.valueRange, { line: 2, character: 8, endLine: 2, endCharacter: 14 });
    assert.equal(lr?.raw, '3.0e-4');
    assert.equal(lr?.value, 3e-4);
  });

  it('finds the setting under the cursor on its key or its value', () => {
    assert.equal(findSettingAt(file, 2, 4)?.key, 'model.optimizer.lr');
    assert.equal(findSettingAt(file, 2, 5)?.key, 'model.optimizer.lr');
    assert.equal(findSettingAt(file, 2, 10)?.key, 'model.optimizer.lr', 'inside the value');
    assert.equal(findSettingAt(file, 3, 7)?.key, 'model.optimizer.weight_decay');
    assert.equal(findSettingAt(file, 5, 3)?.key, 'trainer.max_epochs');
    assert.equal(findSettingAt(file, 6, 14)?.key, 'trainer.devices');
  });

  it('returns undefined between settings and outside the file', () => {
    assert.equal(findSettingAt(file, 0, 2), undefined, 'a mapping key with no value of its own');
    assert.equal(findSettingAt(file, 2, 0), undefined, 'indentation');
    assert.equal(findSettingAt(file, 99, 0), undefined);
    assert.equal(findSettingAt({ path: 'x', format: null, settings: [] }, 0, 0), undefined);
  });

  it('agrees with a linear scan on every position of a real-sized file', () => {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) lines.push(`block${i}:`, `  lr: ${i}e-4`, `  batch_size: ${i + 1}`, `  dropout: 0.${i % 10}`);
    const big: DetectedFile = detectFile('configs/big.yaml', lines.join('\n'), { force: true });
    assert.equal(big.settings.length, 1200);
    const linear = (line: number, ch: number) =>
      big.settings.find(s => {
        const inside = (r: { line: number; character: number; endLine: number; endCharacter: number } | undefined) =>
          !!r && r.line === line && r.endLine === line && r.character <= ch && ch <= r.endCharacter;
        return inside(s.range) || inside(s.valueRange);
      });
    for (let line = 0; line < lines.length; line += 7) {
      for (let ch = 0; ch <= lines[line].length + 1; ch++) assert.equal(findSettingAt(big, line, ch)?.key, linear(line, ch)?.key, `${line}:${ch}`);
    }
  });

  it('points at the keyword of a Python call and the name string of suggest_*/add_argument', () => {
    const py = ['import torch', 'opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)', 'x = trial.suggest_float("dropout", 0.1, 0.5)', 'parser.add_argument("--batch-size", type=int, default=64)'].join('\n');
    const r = detectFile('train.py', py);
    const lr = r.settings.find(s => s.key === 'SGD.lr');
    assert.deepEqual(lr?.range, { line: 1, character: 30, endLine: 1, endCharacter: 32 });
    const drop = r.settings.find(s => s.key === 'dropout');
    assert.deepEqual(drop?.range, { line: 2, character: 25, endLine: 2, endCharacter: 32 });
    const bs = r.settings.find(s => s.key === 'batch_size');
    assert.equal(bs?.name, '--batch-size');
    assert.deepEqual(bs?.range, { line: 3, character: 21, endLine: 3, endCharacter: 33 });
    assert.equal(findSettingAt(r, 1, 31)?.key, 'SGD.lr');
  });

  it('points at the key of JSON properties without the quotes', () => {
    const r = detectFile('training_args.json', '{\n  "learning_rate": 2e-5,\n  "num_train_epochs": 3,\n  "per_device_train_batch_size": 8\n}');
    assert.deepEqual(r.settings[0].range, { line: 1, character: 3, endLine: 1, endCharacter: 16 });
  });
});
