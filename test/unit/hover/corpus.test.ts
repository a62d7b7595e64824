import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { detectFile, findSettingAt, type DetectedFile, type Setting } from '../../../src/core/detect';
import { assessContextFor } from '../../../src/core/diagnostics';
import { entryForSetting, renderHover } from '../../../src/core/hover';
import { assessValue } from '../../../src/core/knowledge';
import { loadCorpus, REALWORLD } from '../../realworld/corpus';

/** Real public files from the project's corpus (test/fixtures/realworld), through the real detection engine. */
function detect(fixture: string): { file: DetectedFile; text: string } {
  const full = path.join(REALWORLD, fixture);
  const text = readFileSync(full, 'utf8');
  return { file: detectFile(full, text, { force: true }), text };
}

function byKey(file: DetectedFile, key: string): Setting {
  const s = file.settings.find(x => x.key === key);
  assert.ok(s, `detection found ${key} (has: ${file.settings.map(x => x.key).slice(0, 30).join(', ')})`);
  return s;
}

const URIS = { tune: 'command:hpstudio.tuneFile', explain: 'command:hpstudio.explainSetting' };

describe('hover on real corpus files (detection → renderHover)', () => {
  it('DeepSpeed config with "auto": the hover says the value comes from the HF TrainingArguments', () => {
    const { file } = detect('microsoft__DeepSpeedExamples/training/autotuning/hf/dsconfigs/ds_config_fp16_z2.json');
    const md = renderHover(byKey(file, 'train_micro_batch_size_per_gpu'), file, { commandUris: URIS });
    assert.match(md, /^\*\*Batch size\*\* · \*Hyperparameter\*/);
    assert.match(md, /TrainingArguments/);
  });

  it('axolotl DPO QLoRA example: LoRA scale and effective batch computed from siblings', () => {
    const { file } = detect('axolotl-ai-cloud__axolotl/examples/mistral/dpo/mistral-dpo-qlora.yml');
    assert.match(renderHover(byKey(file, 'lora_r'), file), /\*\*LoRA scale:\*\* α \/ r = 16 \/ 8 = 2/);
    assert.match(renderHover(byKey(file, 'micro_batch_size'), file), /\*\*Effective batch:\*\* 16 \(micro\) × 4 \(accumulation\) = 64/);
  });

  it('RL Zoo A2C file: linear schedules keep their start value', () => {
    const { file } = detect('DLR-RM__rl-baselines3-zoo/hyperparams/a2c.yml');
    assert.match(renderHover(byKey(file, 'LunarLander-v3.learning_rate'), file), /`lin_0\.00083`: linear schedule/);
    assert.match(renderHover(byKey(file, 'LunarLander-v3.gamma'), file), /^\*\*Discount factor γ\*\*/);
  });

  it('XGBoost CLI conf: eta is boosting shrinkage and gamma the split-gain threshold', () => {
    const { file } = detect('dmlc__xgboost/demo/CLI/regression/machine.conf');
    const eta = renderHover(byKey(file, 'eta'), file);
    assert.match(eta, /^\*\*Learning rate \(boosting shrinkage\)\*\*/);
    assert.match(eta, /1 is within published practice for gradient boosting/, 'XGBoost\'s own demos train with eta 1');
    assert.match(renderHover(byKey(file, 'gamma'), file), /^\*\*Minimum split gain \(XGBoost gamma\)\*\*/);
  });

  it('DPO recipe: beta is the preference β with its own hover', () => {
    const { file } = detect('huggingface__alignment-handbook/recipes/zephyr-7b-beta/dpo/config_full.yaml');
    assert.match(renderHover(byKey(file, 'beta'), file), /^\*\*Preference β \(DPO \/ ORPO \/ KTO\)\*\*/);
  });

  it('Optuna LightGBM example: the dict key around suggest_int answers the hover (pattern 8)', () => {
    const { file, text } = detect('optuna__optuna-examples/lightgbm/lightgbm_simple.py');
    const lines = text.split('\n');
    const line = lines.findIndex(l => /"num_leaves": trial\.suggest_int/.test(l));
    const onKey = findSettingAt(file, line, lines[line].indexOf('"num_leaves"') + 2);
    const onName = findSettingAt(file, line, lines[line].lastIndexOf('"num_leaves"') + 2);
    assert.ok(onKey && onName, 'both the key and the suggest name carry the setting');
    assert.equal(onKey, onName);
    assert.match(renderHover(onKey, file), /\*\*Searched:\*\* int 2 … 256/);
  });

  it('a use of a setting (`lr=args.lr`) is explained as such, not as a second hyperparameter', () => {
    const { file } = detect('pytorch__examples/super_resolution/main.py');
    const use = file.settings.find(s => s.name === 'lr' && s.kind === 'use');
    assert.ok(use, 'the optimizer keyword is reported as a use');
    assert.equal(use.origin?.kind, 'reference');
    assert.match(renderHover(use, file), /\*Use of a setting\*/);
  });
});

describe('assessments on real corpus files', () => {
  it('never call a value from a real config invalid, booleans and words included', () => {
    const flagged: string[] = [];
    let judged = 0;
    let switches = 0;
    for (const labels of loadCorpus()) {
      if (labels.negative) continue;
      const text = readFileSync(labels.file, 'utf8');
      const file = detectFile(labels.file, text, { force: true });
      for (const s of file.settings) {
        if (s.kind !== 'hyperparameter' || s.search) continue;
        if (s.origin && s.origin.kind !== 'schedule') continue;
        const entry = entryForSetting(s, file);
        if (!entry) continue;
        judged++;
        // The hover's own context (framework, model, siblings, unit), and the key alone as `hpstudio explain` has it.
        for (const context of [assessContextFor(s, file, entry), { framework: s.framework, optimizer: s.optimizer, key: s.name }]) {
          const a = assessValue(entry, s.value, context);
          if (a.level === 'invalid') flagged.push(`${labels.fixture}: ${s.key} = ${JSON.stringify(s.value)} → ${a.level}: ${a.message}`);
          // A switch of a numeric concept (`apply_mask: true`, `model_ema: false`) is a value, never a mistake.
          if (typeof s.value === 'boolean' && a.level !== 'ok') flagged.push(`${labels.fixture}: ${s.key} = ${String(s.value)} → ${a.level}: ${a.message}`);
        }
        if (typeof s.value === 'boolean') switches++;
      }
    }
    assert.ok(judged > 1000, `judged ${judged} settings`);
    assert.ok(switches >= 20, `judged ${switches} booleans`);
    assert.deepEqual(flagged, []);
  });
});
