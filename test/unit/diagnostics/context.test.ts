import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { detectFile } from '../../../src/core/detect';
import type { DetectedFile, Setting } from '../../../src/core/detect/types';
import { assessContextFor, diagnose, entryForSetting, unitFor } from '../../../src/core/diagnostics';
import { assessValue } from '../../../src/core/knowledge';

/**
 * Judgements that only context can make right: the false alarms the hand-labelled real-world corpus
 * exposed (test/unit/diagnostics/corpus.test.ts), each fixed as a general rule — the framework, the
 * sibling keys or the unit of the concept decide — and each checked against the framework's source.
 */

const REALWORLD = path.resolve(__dirname, '../../fixtures/realworld');

function real(fixture: string): { file: DetectedFile; text: string } {
  const full = path.join(REALWORLD, fixture);
  const text = readFileSync(full, 'utf8');
  return { file: detectFile(full, text, { force: true }), text };
}

function verdict(file: DetectedFile, key: string) {
  const s = file.settings.find(x => x.key === key);
  assert.ok(s, `${key} detected (have ${file.settings.map(x => x.key).slice(0, 40).join(', ')})`);
  const entry = entryForSetting(s, file);
  assert.ok(entry, `${key} has a knowledge entry`);
  return assessValue(entry, s.value, assessContextFor(s, file, entry));
}

let line = 0;
function setting(key: string, canonical: string | null, value: unknown, extra: Partial<Setting> = {}): Setting {
  const range = { line, character: 0, endLine: line, endCharacter: key.length };
  line++;
  return { key, name: key.split('.').pop() ?? key, canonical, kind: 'hyperparameter', value, raw: JSON.stringify(value) ?? '', range, valueRange: { ...range, character: key.length + 2, endCharacter: key.length + 6 }, ...extra };
}
const synthetic = (format: string, settings: Setting[]): DetectedFile => ({ path: 'config.yaml', format, settings });
const codesOf = (file: DetectedFile) => diagnose(file, '').map(f => `${f.range.line}:${f.code}`);

describe('heads divisibility: only models with attention', () => {
  // EleutherAI/gpt-neox megatron/model/gpt2_model.py (01ec4bc6) GPT2ModelPipe.init_specs: a layer whose
  // attention_config type is "mamba" becomes a ParallelMambaResidualLayerPipe ("rwkv" an RWKV block,
  // "gmlp"/"amlp" a GMLPBlock); only the other types build ParallelTransformerLayerPipe with attention heads.
  it('GPT-NeoX Mamba 2.8B (attention_config [[["mamba"], 64]]): the unused head count is no error', () => {
    const { file, text } = real('EleutherAI__gpt-neox/configs/mamba/mamba-2.8B.yml');
    assert.deepEqual(diagnose(file, text).filter(f => f.code === 'hp/heads-divisibility'), []);
  });

  it('the same sizes with attention layers (global, or a Mamba/attention hybrid) are still an error', () => {
    for (const layout of [[[['global'], 64]], [[['mamba', 'flash'], 32]]]) {
      const heads = setting('num_attention_heads', 'num_heads', 12);
      const f = synthetic('deepspeed', [setting('hidden_size', 'hidden_size', 2560), heads, setting('attention_config', null, layout, { kind: 'other' })]);
      assert.deepEqual(diagnose(f, '').map(x => x.code), ['hp/heads-divisibility'], JSON.stringify(layout));
    }
  });

  it('a model type without attention (HF model_type mamba, mamba_ssm MambaLMHeadModel, RWKV) is skipped, Jamba is not', () => {
    const check = (type: string) => codesOf(synthetic('hf-model-config', [setting('model_type', null, type, { kind: 'other' }), setting('hidden_size', 'hidden_size', 2560), setting('num_attention_heads', 'num_heads', 12)]));
    assert.deepEqual(check('mamba'), []);
    assert.deepEqual(check('mamba_ssm.models.mixer_seq_simple.MambaLMHeadModel'), []);
    assert.deepEqual(check('RwkvForCausalLM'), []);
    assert.equal(check('jamba').length, 1, 'Jamba interleaves attention layers');
  });
});

describe('learning rate under a Noam schedule is a scale factor', () => {
  // OpenNMT/OpenNMT-py onmt/utils/optimizers.py (97111d97): make_learning_rate_decay_fn returns noam_decay
  // for decay_method "noam" = model_size^-0.5 · min(step^-0.5, step · warmup_steps^-1.5) with model_size =
  // hidden_size, and Optimizer.learning_rate() returns that scale times the configured learning_rate.
  it('OpenNMT-py Transformer base (lr 2, hidden 512, warmup 8000): peak 2 × 512^-0.5 × 8000^-0.5 ≈ 9.9e-4 is judged on Adam', () => {
    const { file } = real('OpenNMT__OpenNMT-py/config/config-transformer-base-1GPU.yml');
    const a = verdict(file, 'learning_rate');
    assert.equal(a.level, 'ok', a.message);
    assert.match(a.message, /^2 is a scale factor, not the rate: the Noam schedule peaks at 2 × 512\^-0\.5 × 8000\^-0\.5 = 9\.882e-4 when warmup ends; 9\.882e-4 is within published practice for Adam\/AdamW/);
  });

  it('a peak that is too high for the optimizer is still reported, with the arithmetic', () => {
    const f = synthetic('opennmt', [setting('decay_method', 'lr_scheduler', 'noam'), setting('hidden_size', 'hidden_size', 64), setting('warmup_steps', 'warmup_steps', 10), setting('learning_rate', 'learning_rate', 100, { optimizer: 'adam' })]);
    const found = diagnose(f, '');
    assert.deepEqual(found.map(x => x.code), ['hp/unusual-value']);
    assert.match(found[0].message, /peaks at 100 × 64\^-0\.5 × 10\^-0\.5 = 3\.953 when warmup ends; 3\.953 is high for Adam\/AdamW/);
  });

  it('without the width or warmup the factor is judged on its own range; without noam lr 2 stays high for Adam', () => {
    const factor = assessValue('learning_rate', 2, { optimizer: 'adam', key: 'learning_rate', siblings: { decay_method: 'noam' } });
    assert.equal(factor.level, 'ok');
    assert.match(factor.message, /scale factor, not the rate/);
    assert.equal(assessValue('learning_rate', 2, { optimizer: 'adam', key: 'learning_rate', siblings: { decay_method: 'rsqrt' } }).level, 'unusual');
    assert.equal(assessValue('learning_rate', 500, { optimizer: 'adam', key: 'learning_rate', siblings: { decay_method: 'noam' } }).level, 'unusual');
  });
});

describe('OpenNMT-py param_init 0', () => {
  // OpenNMT-py onmt/model_builder.py (97111d97) build_model: `if param_init != 0.0: uniform_(…)` `elif
  // param_init_glorot: xavier_uniform_(…)` `else: raise ValueError("You need either param_init != 0 OR
  // init_glorot True")`, only when not starting from a checkpoint; opts.py: "Use 0 to not use initialization".
  for (const fixture of ['OpenNMT__OpenNMT-py/config/config-transformer-base-1GPU.yml', 'OpenNMT__OpenNMT-py/docs/source/examples/wiki_103/wiki_103.yaml']) {
    it(`${path.basename(fixture)}: 0 with param_init_glorot switches uniform init off`, () => {
      const a = verdict(real(fixture).file, 'param_init');
      assert.equal(a.level, 'ok', a.message);
      assert.match(a.message, /Xavier\/Glorot/);
    });
  }

  it('0 without Glorot and without a checkpoint is the ValueError OpenNMT-py raises; with train_from it is fine', () => {
    const bare = diagnose(synthetic('opennmt', [setting('param_init', 'init_scale', 0, { framework: 'opennmt' })]), '');
    assert.deepEqual(bare.map(f => f.code), ['hp/invalid-value']);
    assert.match(bare[0].message, /You need either param_init != 0 OR init_glorot True/);
    const resumed = synthetic('opennmt', [setting('param_init', 'init_scale', 0, { framework: 'opennmt' }), setting('train_from', null, 'model.pt', { kind: 'system' })]);
    assert.deepEqual(diagnose(resumed, ''), []);
  });
});

describe('the unit of a count decides its range', () => {
  it('derives units from key suffixes and Composer durations', () => {
    assert.equal(unitFor(setting('train.max_tokens', 'max_steps', 3e12)), 'tokens');
    assert.equal(unitFor(setting('model.freeze_finetune_updates', 'freezing', 10000)), 'steps');
    assert.equal(unitFor(setting('freeze_epochs', 'freezing', 1)), 'epochs');
    assert.equal(unitFor(setting('max_duration', 'max_steps', 1000, { origin: { kind: 'schedule', text: 'tok = tokens' } })), 'tokens');
    assert.equal(unitFor(setting('max_duration', 'max_steps', 1000, { origin: { kind: 'schedule', text: 'ba = batches' } })), 'steps');
    assert.equal(unitFor(setting('freeze', 'freezing', 10)), undefined);
  });

  // Lightning-AI/litgpt litgpt/args.py (26857050) TrainArgs.max_tokens: "Total number of tokens to train
  // on"; config_hub/pretrain/tinyllama.yaml sets 3e12 (3T tokens for a 1.1B model).
  it('LitGPT TinyLlama train.max_tokens 3e12 is a token budget, not a step count', () => {
    const a = verdict(real('Lightning-AI__litgpt/config_hub/pretrain/tinyllama.yaml').file, 'train.max_tokens');
    assert.equal(a.level, 'ok', a.message);
    assert.match(a.message, /training budget in tokens/);
    assert.equal(assessValue('max_steps', 3e12, { key: 'max_iters' }).level, 'unusual', 'as a step count it would be unusual');
  });

  // facebookresearch/fairseq fairseq/models/wav2vec/wav2vec2_asr.py (3d262bb2) Wav2Vec2AsrConfig
  // .freeze_finetune_updates (default 0): the encoder gets no gradient while num_updates < this value.
  for (const fixture of ['facebookresearch__fairseq/examples/wav2vec/config/finetuning/base_1h.yaml', 'facebookresearch__fairseq/examples/wav2vec/config/finetuning/vox_960h.yaml']) {
    it(`${path.basename(fixture)}: freeze_finetune_updates 10000 counts updates, not frozen layers`, () => {
      const a = verdict(real(fixture).file, 'model.freeze_finetune_updates');
      assert.equal(a.level, 'ok', a.message);
      assert.match(a.message, /freezing for the first updates/);
    });
  }

  it('a layer count stays judged as layers', () => {
    assert.equal(assessValue('freezing', 10000, { key: 'freeze_layers' }).level, 'unusual');
  });
});

describe('warmup next to the length of training', () => {
  // fairseq examples/hubert/config/pretrain/hubert_base_librispeech.yaml (3d262bb2): lr_scheduler
  // polynomial_decay with warmup_updates 32000 and optimization.max_update 400000 — 8% of training.
  it('HuBERT pre-training: 32,000 of 400,000 updates is judged as 8% of training', () => {
    const a = verdict(real('facebookresearch__fairseq/examples/hubert/config/pretrain/hubert_base_librispeech.yaml').file, 'lr_scheduler.warmup_updates');
    assert.equal(a.level, 'ok', a.message);
    assert.match(a.message, /^32000 of 400000 updates is 8% of training; 0\.08 is within published practice/);
  });

  it('a warmup of most of the run is unusual; a token budget is no denominator', () => {
    const long = synthetic('hydra', [setting('trainer.max_steps', 'max_steps', 1000), setting('scheduler.warmup_steps', 'warmup_steps', 900)]);
    assert.deepEqual(diagnose(long, '').map(f => f.code), ['hp/unusual-value']);
    assert.match(diagnose(long, '')[0].message, /900 of 1000 updates is 90% of training/);
    const tokens = synthetic('hydra', [setting('train.max_tokens', 'max_steps', 3e12), setting('train.lr_warmup_steps', 'warmup_steps', 50000)]);
    assert.deepEqual(diagnose(tokens, '').map(f => f.code), ['hp/unusual-value'], 'judged on the absolute range, not as 0% of 3e12');
  });
});

describe('LoRA+ ratio and timm crop scale', () => {
  // nikhil-ghosh-berkeley/loraplus README: loraplus_lr_ratio = η_B / η_A "should be ≥ 1"; axolotl docs
  // (config.qmd): "Recommended value is 2^4"; hiyouga/LLaMA-Factory examples/extras/loraplus uses 16.0.
  it('LLaMA-Factory LoRA+ example: loraplus_lr_ratio 16 is the recommended ratio, not a parameter-group multiplier', () => {
    const a = verdict(real('hiyouga__LLaMA-Factory/examples/extras/loraplus/llama3_lora_sft.yaml').file, 'loraplus_lr_ratio');
    assert.equal(a.level, 'ok', a.message);
    assert.match(a.message, /LoRA\+ learning-rate ratio/);
    assert.equal(assessValue('lr_multiplier', 16, { key: 'lr_mult' }).level, 'unusual', 'a backbone lr_mult of 16 is still unusual');
    assert.equal(assessValue('lr_multiplier', 0.5, { key: 'loraplus_lr_ratio' }).level, 'unusual', 'below 1 B would learn slower than A');
  });

  // huggingface/pytorch-image-models train.py (aa4b5850) --scale: type=float, nargs='+', default=[0.08, 1.0],
  // "Random resize scale", passed to RandomResizedCrop; torchvision RandomResizedCrop(scale=(0.08, 1.0)).
  it('timm --scale [0.08, 1.0] is a crop-area range; Ultralytics scale 1.0 is still an unusual gain', () => {
    const a = verdict(real('huggingface__pytorch-image-models/train.py').file, 'scale');
    assert.equal(a.level, 'ok', a.message);
    assert.equal(assessValue('geometric_augmentation', 1.2, { framework: 'pytorch', key: 'scale' }).level, 'unusual');
    assert.equal(assessValue('geometric_augmentation', 1, { framework: 'ultralytics', key: 'scale' }).level, 'unusual');
  });
});
