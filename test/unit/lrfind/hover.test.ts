import * as assert from 'node:assert/strict';
import { detectFile } from '../../../src/core/detect';
import { renderHover } from '../../../src/core/hover/render';

const uris = { tune: 'command:hpstudio.tuneFile', explain: 'command:hpstudio.explainSetting', lrFind: 'command:hpstudio.findLearningRate?x' };

function hoverOf(path: string, text: string, key: string): string {
  const file = detectFile(path, text);
  const setting = file.settings.find(s => s.key === key);
  assert.ok(setting, `${key} detected in ${path}`);
  return renderHover(setting, file, { commandUris: uris });
}

describe('the learning-rate hover offers the finder', () => {
  it('links "Find learning rate…" on a learning rate, not on other settings nor on boosting shrinkage', () => {
    const yaml = 'optimizer:\n  name: adamw\n  lr: 0.0003\nbatch_size: 32\n';
    assert.match(hoverOf('train.yaml', yaml, 'optimizer.lr'), /\[Find learning rate…\]\(command:hpstudio\.findLearningRate\?x\)/);
    assert.doesNotMatch(hoverOf('train.yaml', yaml, 'batch_size'), /Find learning rate/);
    const xgb = 'import xgboost as xgb\nparams = {"eta": 0.3, "max_depth": 6}\nxgb.train(params, dtrain)\n';
    assert.doesNotMatch(hoverOf('fit.py', xgb, 'params.eta'), /Find learning rate/);
  });
});
