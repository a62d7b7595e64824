import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { detectFile, findSettingAt, type DetectedFile, type Setting } from '../../../src/core/detect';
import { entryForSetting, renderHover } from '../../../src/core/hover';
import { assessValue } from '../../../src/core/knowledge';

/** Real public files from the shared corpus, run through the real detection engine. */
const CORPUS = path.resolve(__dirname, '../../../../shared/corpus/positive');

/** Corpus names are `owner__repo__path__to__file`; detection sees the in-repo path. */
function detect(name: string): { file: DetectedFile; text: string } {
  const text = readFileSync(path.join(CORPUS, name), 'utf8');
  const inRepo = name.split('__').slice(2).join('/');
  return { file: detectFile(inRepo, text, { force: true }), text };
}

function byKey(file: DetectedFile, key: string): Setting {
  const s = file.settings.find(x => x.key === key);
  assert.ok(s, `detection found ${key} (has: ${file.settings.map(x => x.key).slice(0, 30).join(', ')})`);
  return s;
}

const URIS = { tune: 'command:hpstudio.tuneFile', explain: 'command:hpstudio.explainSetting' };

describe('hover on real corpus files (detection → renderHover)', () => {
  it('DeepSpeed ZeRO-2 config: "auto" values name the HF argument they come from', () => {
    const { file } = detect('huggingface__transformers__tests__deepspeed__ds_config_zero2.json');
    const md = renderHover(byKey(file, 'optimizer.params.lr'), file, { commandUris: URIS });
    assert.match(md, /^\*\*Learning rate\*\* · \*Hyperparameter\*/);
    assert.match(md, /filled in at launch from the HF TrainingArguments \(`learning_rate`\)/);
    const clip = renderHover(byKey(file, 'gradient_clipping'), file);
    assert.match(clip, /`max_grad_norm`/);
  });

  it('DeepSpeed cifar config: Adam LR judged against the from-scratch range, betas checked as a pair', () => {
    const { file } = detect('microsoft__DeepSpeedExamples__cifar__ds_config.json');
    const lr = renderHover(byKey(file, 'optimizer.params.lr'), file);
    assert.match(lr, /1e-3 is within published practice/);
    const betas = renderHover(byKey(file, 'optimizer.params.betas'), file);
    assert.match(betas, /Adam betas/);
    assert.match(betas, /β1 0\.8, β2 0\.999 are both within published practice/);
  });

  it('axolotl LoRA example: LoRA scale and effective batch computed from siblings', () => {
    const { file } = detect('axolotl-ai-cloud__axolotl__examples__llama-3__lora-8b.yml');
    assert.match(renderHover(byKey(file, 'lora_r'), file), /\*\*LoRA scale:\*\* α \/ r = 16 \/ 32 = 0\.5/);
    assert.match(renderHover(byKey(file, 'lora_alpha'), file), /\*\*LoRA scale:\*\* α \/ r = 16 \/ 32 = 0\.5/);
    assert.match(renderHover(byKey(file, 'micro_batch_size'), file), /\*\*Effective batch:\*\* 2 \(micro\) × 4 \(accumulation\) = 8 × number of devices/);
    const lr = renderHover(byKey(file, 'learning_rate'), file);
    assert.match(lr, /2e-4 is within published practice for AdamW \(HF Trainer\)/);
  });

  it('RL Zoo PPO file: schedules and rollout size per environment block', () => {
    const { file } = detect('DLR-RM__rl-baselines3-zoo__hyperparams__ppo.yml');
    const lr = renderHover(byKey(file, 'atari.learning_rate'), file);
    assert.match(lr, /`lin_2\.5e-4`: linear schedule/);
    assert.match(lr, /start value 2\.5e-4 is within published practice for on-policy RL/);
    assert.match(renderHover(byKey(file, 'atari.n_steps'), file), /\*\*Rollout size:\*\* 128 \(n\\_steps\) × 8 \(n\\_envs\) = 1024 transitions per update/);
    const gamma = file.settings.find(s => s.name === 'gamma' && s.kind === 'hyperparameter');
    assert.ok(gamma, 'an RL gamma is detected');
    assert.match(renderHover(gamma, file), /^\*\*Discount factor γ\*\*/);
  });

  it('XGBoost CLI conf: eta is boosting shrinkage and gamma the split-gain threshold', () => {
    const { file } = detect('dmlc__xgboost__demo__CLI__binary_classification__mushroom.conf');
    const eta = renderHover(byKey(file, 'eta'), file);
    assert.match(eta, /^\*\*Learning rate \(boosting shrinkage\)\*\*/);
    assert.match(eta, /1 is within published practice for gradient boosting: 1e-3 – 1/);
    assert.match(renderHover(byKey(file, 'gamma'), file), /^\*\*Minimum split gain \(XGBoost gamma\)\*\*/);
  });

  it('BERT config: architecture settings with HF defaults', () => {
    const { file } = detect('google-research__bert__bert_config.json');
    const heads = renderHover(byKey(file, 'num_attention_heads'), file);
    assert.match(heads, /^\*\*Attention heads\*\*/);
    assert.match(heads, /\*\*Default \(HF Transformers\):\*\* 12 \(BERT-base\)/);
    assert.match(renderHover(byKey(file, 'hidden_dropout_prob'), file), /0\.1 is within published practice for dropout/);
  });

  it('Optuna example: the hover shows the suggest_* search space', () => {
    const { file } = detect('optuna__optuna-examples__pytorch__pytorch_simple.py');
    const lr = file.settings.find(s => s.name === 'lr' && s.search);
    assert.ok(lr, 'suggest_float("lr", …) is detected');
    assert.match(renderHover(lr, file), /\*\*Searched:\*\* log-uniform 1e-5 … 1e-1/);
    const opt = file.settings.find(s => s.name === 'optimizer' && s.search);
    assert.ok(opt);
    assert.match(renderHover(opt, file), /choice of 3: Adam, RMSprop, SGD/);
  });

  it('finds the setting under the cursor and renders its hover', () => {
    const { file, text } = detect('ashleve__lightning-hydra-template__configs__experiment__example.yaml');
    const line = text.split('\n').findIndex(l => /^\s+lr:/.test(l));
    assert.ok(line >= 0);
    const character = text.split('\n')[line].indexOf('lr') + 1;
    const s = findSettingAt(file, line, character);
    assert.ok(s, 'a setting covers the cursor');
    assert.equal(s.key, 'model.lr');
    assert.match(renderHover(s, file), /^\*\*Learning rate\*\* · \*Hyperparameter\* · `model\.lr`/);
  });
});

describe('assessments on real corpus files', () => {
  it('never call a value from a real config invalid or unusual', () => {
    const flagged: string[] = [];
    let judged = 0;
    for (const name of readdirSync(CORPUS)) {
      const { file } = detect(name);
      for (const s of file.settings) {
        if (s.kind === 'logged' || s.search || (s.origin && s.origin.kind !== 'schedule')) continue;
        const entry = entryForSetting(s, file);
        if (!entry) continue;
        judged++;
        const a = assessValue(entry, s.value, { framework: s.framework, optimizer: s.optimizer, key: s.name });
        if (a.level === 'invalid' || a.level === 'unusual') flagged.push(`${name}: ${s.key} = ${JSON.stringify(s.value)} → ${a.level}: ${a.message}`);
      }
    }
    assert.ok(judged > 300, `judged ${judged} settings`);
    assert.deepEqual(flagged, []);
  });
});
