import * as assert from 'node:assert/strict';
import { detectFile } from '../../../src/core/detect';
import { formatNumberLiteral, planApplyBest } from '../../../src/core/apply/applyBest';

function apply(text: string, edits: ReturnType<typeof planApplyBest>['edits']): string {
  const lines = text.split('\n');
  // Edits are single-line value replacements; apply right to left so earlier ranges stay valid.
  for (const e of [...edits].sort((a, b) => b.range.line - a.range.line || b.range.character - a.range.character)) {
    const l = lines[e.range.line];
    lines[e.range.line] = l.slice(0, e.range.character) + e.newText + l.slice(e.range.endCharacter);
  }
  return lines.join('\n');
}

describe('planApplyBest', () => {
  it('replaces only the values in YAML, keeping comments, quotes and layout', () => {
    const text = "# model settings\nmodel:\n  lr: 0.001   # tuned by hand\n  dropout: 0.1\n  act: 'relu'\ntrainer:\n  batch_size: 32\n";
    const file = detectFile('/ws/configs/train.yaml', text);
    const plan = planApplyBest(file, text, { 'model.lr': 2.5e-5, dropout: 0.25, act: 'gelu', batch_size: 64, momentum: 0.9 });
    assert.deepEqual(plan.unmatched, ['momentum']);
    assert.equal(apply(text, plan.edits), "# model settings\nmodel:\n  lr: 0.000025   # tuned by hand\n  dropout: 0.25\n  act: 'gelu'\ntrainer:\n  batch_size: 64\n");
  });

  it('writes JSON strings with double quotes and leaves unchanged values alone', () => {
    const text = '{\n  "learning_rate": 5e-5,\n  "per_device_train_batch_size": 16,\n  "lr_scheduler_type": "linear",\n  "output_dir": "out"\n}\n';
    const file = detectFile('/ws/training_args.json', text);
    const plan = planApplyBest(file, text, { learning_rate: 3e-5, per_device_train_batch_size: 16, lr_scheduler_type: 'cosine' });
    assert.equal(plan.edits.length, 2);
    assert.equal(apply(text, plan.edits), '{\n  "learning_rate": 0.00003,\n  "per_device_train_batch_size": 16,\n  "lr_scheduler_type": "cosine",\n  "output_dir": "out"\n}\n');
  });

  it('never touches logged values or settings without a value range', () => {
    const text = '{"global_step": 10, "log_history": [{"learning_rate": 0.001, "loss": 1.0, "step": 10}], "best_model_checkpoint": null}\n';
    const file = detectFile('/ws/trainer_state.json', text);
    const plan = planApplyBest(file, text, { learning_rate: 0.5 });
    assert.deepEqual(plan.edits, []);
    assert.deepEqual(plan.unmatched, ['learning_rate']);
  });
});

describe('formatNumberLiteral', () => {
  it('round-trips and keeps a mantissa dot in YAML exponents (PyYAML reads 1e-05 as a string)', () => {
    assert.equal(formatNumberLiteral(1e-7, 'yaml'), '1.0e-7');
    assert.equal(formatNumberLiteral(1e-7, 'json'), '1e-7');
    assert.equal(formatNumberLiteral(64, 'yaml'), '64');
    assert.equal(Number(formatNumberLiteral(0.1 + 0.2, 'python')), 0.1 + 0.2);
  });
});
