/**
 * One test per pattern of misses found on real repositories (issue #10), each on a real public file of
 * test/fixtures/realworld. The rules are general (names, context, help text, content), never per file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectDocument, diskReader, findSettingAt, type DetectedFile, type Setting } from '../../../src/core/detect';
import { REALWORLD } from './helpers';

function detect(fixture: string): { file: DetectedFile; text: string } {
  const full = path.join(REALWORLD, fixture);
  const text = fs.readFileSync(full, 'utf8');
  return { file: detectDocument(full, text, { read: diskReader() }), text };
}

function byName(file: DetectedFile, name: string, nth = 0): Setting {
  const all = file.settings.filter(s => s.name === name || s.key.endsWith(`.${name}`) || s.key === name);
  assert.ok(all[nth], `${name} among ${file.settings.map(s => s.name).slice(0, 40).join(', ')}`);
  return all[nth];
}

const idOf = (file: DetectedFile, name: string) => {
  const s = byName(file, name);
  return [s.canonical, s.kind];
};

describe('pattern 1: vocabularies of other ecosystems', () => {
  it('fairseq: max_update, max_tokens, _name choices, lr lists, layerdrop, freeze_finetune_updates', () => {
    const { file } = detect('facebookresearch__fairseq/examples/wav2vec/config/finetuning/base_1h.yaml');
    assert.equal(file.format, 'fairseq');
    assert.deepEqual(idOf(file, 'max_update'), ['max_steps', 'hyperparameter']);
    assert.deepEqual(idOf(file, 'max_tokens'), ['batch_size', 'hyperparameter']);
    assert.deepEqual(file.settings.filter(s => s.name === '_name' && s.kind === 'hyperparameter').map(s => [s.key.split('.').slice(-2)[0], s.canonical, s.value]), [['optimizer', 'optimizer', 'adam'], ['lr_scheduler', 'lr_scheduler', 'tri_stage']]);
    assert.deepEqual([byName(file, 'lr').canonical, byName(file, 'lr').value], ['learning_rate', [0.00005]]);
    assert.deepEqual(idOf(file, 'layerdrop'), ['layer_drop', 'hyperparameter']);
    assert.deepEqual(idOf(file, 'freeze_finetune_updates'), ['freezing', 'hyperparameter']);
  });

  it('OpenNMT-py, Composer durations, GPT-NeoX, preference β and the word-LM flags', () => {
    const onmt = detect('OpenNMT__OpenNMT-py/config/config-transformer-base-1GPU.yml').file;
    for (const [k, id] of [['layers', 'num_layers'], ['transformer_ff', 'ffn_size'], ['word_vec_size', 'embedding_dim'], ['heads', 'num_heads'], ['decay_method', 'lr_scheduler']]) assert.equal(byName(onmt, k).canonical, id, k);
    const composer = detect('mosaicml__llm-foundry/scripts/train/yamls/pretrain/gpt2-small.yaml').file;
    assert.deepEqual([byName(composer, 'max_duration').canonical, byName(composer, 'max_duration').value, byName(composer, 'max_duration').raw], ['max_steps', 33696, '33696ba']);
    assert.deepEqual([byName(composer, 't_warmup').canonical, byName(composer, 't_warmup').value], ['warmup_steps', 100]);
    assert.equal(byName(composer, 'alpha_f').canonical, 'min_lr');
    assert.equal(byName(composer, 'clipping_threshold').canonical, 'grad_clip_norm');
    const neox = detect('EleutherAI__gpt-neox/configs/125M-json.yml').file;
    assert.equal(byName(neox, 'train_iters').canonical, 'max_steps');
    assert.deepEqual([byName(neox, 'warmup').canonical, byName(neox, 'warmup').value], ['warmup_ratio', 0.01]);
    assert.equal(byName(detect('huggingface__alignment-handbook/recipes/zephyr-7b-beta/dpo/config_full.yaml').file, 'beta').canonical, 'preference_beta');
    assert.equal(byName(detect('hiyouga__LLaMA-Factory/examples/train_lora/qwen3_lora_dpo.yaml').file, 'pref_beta').canonical, 'preference_beta');
    const lm = detect('pytorch__examples/word_language_model/main.py').file;
    for (const [k, id] of [['--nlayers', 'num_layers'], ['--nhid', 'hidden_size'], ['--emsize', 'embedding_dim'], ['--clip', 'grad_clip_norm'], ['--bptt', 'seq_length']]) assert.equal(byName(lm, k).canonical, id, k);
  });
});

describe('pattern 2: help text says what an unknown option is', () => {
  it('argparse help and dataclass metadata decide the id', () => {
    const lm = detect('pytorch__examples/word_language_model/main.py').file;
    assert.equal(byName(lm, '--model').canonical, 'architecture', 'help: which network to build');
    assert.equal(byName(lm, '--use-optimizer').canonical, 'optimizer', 'help: AdamW instead of plain SGD');
    const dpo = detect('huggingface__trl/trl/trainer/dpo_config.py').file;
    assert.deepEqual(idOf(dpo, 'beta'), ['preference_beta', 'hyperparameter']);
    assert.equal(byName(dpo, 'loss_type').canonical, 'preference_loss');
  });
});

describe('pattern 3: Python config modules without a marker', () => {
  it('a nanoGPT config (assignments only, no ML import) is an ML config; a Sphinx conf.py is not', () => {
    const nano = detect('karpathy__nanoGPT/config/train_shakespeare_char.py').file;
    assert.notEqual(nano.format, null);
    for (const [k, id] of [['batch_size', 'batch_size'], ['block_size', 'context_length'], ['n_layer', 'num_layers'], ['learning_rate', 'learning_rate'], ['warmup_iters', 'warmup_steps']]) assert.equal(byName(nano, k).canonical, id, k);
    assert.equal(detect('pallets__flask/docs/conf.py').file.format, null);
    assert.equal(detect('KellerJordan__Muon/setup.py').file.format, null);
  });

  it('an mm-style dataset file without _base_ or optim_wrapper, and a dataclass of arguments', () => {
    const ds = detect('open-mmlab__mmpretrain/configs/_base_/datasets/imagenet_bs32.py').file;
    assert.equal(ds.format, 'mmengine');
    assert.equal(byName(ds, 'batch_size').canonical, 'batch_size');
    assert.equal(byName(detect('huggingface__trl/trl/trainer/kto_config.py').file, 'learning_rate').canonical, 'learning_rate');
  });
});

describe('pattern 4: the right word for another concept', () => {
  it('BatchNorm momentum, plateau patience, evaluation length, rollout length, on/off switches, split sizes', () => {
    const timm = detect('huggingface__pytorch-image-models/train.py').file;
    assert.equal(byName(timm, '--bn-momentum').canonical, 'normalization');
    assert.equal(byName(timm, '--patience-epochs').canonical, 'lr_plateau_patience');
    assert.equal(byName(timm, '--warmup-lr').canonical, 'warmup_start_factor');
    const eval_ = byName(detect('Lightning-AI__litgpt/config_hub/finetune/llama-2-7b/lora.yaml').file, 'max_iters');
    assert.notEqual(eval_.kind, 'hyperparameter', 'eval.max_iters is not the training length');
    const ppo = detect('vwxyzjn__cleanrl/cleanrl/ppo.py').file;
    assert.equal(byName(ppo, 'num_steps').canonical, 'rollout_length');
    assert.equal(byName(ppo, 'anneal_lr').canonical, 'lr_scheduler');
    assert.equal(byName(ppo, 'gamma').canonical, 'discount_factor');
    assert.equal(ppo.settings.find(s => s.name === 'batch_size' && s.kind === 'hyperparameter'), undefined, 'help: filled in at run time');
    assert.notEqual(byName(detect('hiyouga__LLaMA-Factory/examples/train_full/qwen3_full_sft.yaml').file, 'max_samples').canonical, 'subsample');
    assert.notEqual(byName(detect('huggingface__peft/examples/alora_finetuning/alora_finetuning.py').file, '--val_set_size').canonical, 'val_split', '500 rows');
    assert.equal(byName(detect('optuna__optuna-examples/lightgbm/lightgbm_simple.py').file, 'test_size').canonical, 'val_split', '0.25 of the rows');
  });
});

describe('pattern 5: references pass a setting on', () => {
  it('keywords and assignments that name an existing setting are uses; a computed value is a setting', () => {
    const alora = detect('huggingface__peft/examples/alora_finetuning/alora_finetuning.py').file;
    const r = alora.settings.find(s => s.name === 'r');
    assert.deepEqual([r?.kind, r?.canonical, r?.origin?.text], ['use', 'lora_rank', 'lora_r']);
    const nano = detect('karpathy__nanoGPT/train.py').file;
    assert.equal(nano.settings.find(s => s.name === 'lr' && s.key.startsWith('param_group'))?.kind, 'use');
    const xgb = detect('dmlc__xgboost/demo/guide-python/cross_validation.py').file;
    const spw = xgb.settings.find(s => s.name === 'scale_pos_weight');
    assert.deepEqual([spw?.kind, spw?.canonical, spw?.raw], ['hyperparameter', 'scale_pos_weight', 'ratio']);
  });
});

describe('pattern 6: names built from parts', () => {
  it('model-prefixed Optuna names, f-string names and RL Zoo keyword strings', () => {
    const sk = detect('optuna__optuna-examples/sklearn/sklearn_simple.py').file;
    assert.equal(byName(sk, 'svc_c').canonical, 'svm_c');
    assert.equal(byName(sk, 'rf_max_depth').canonical, 'max_depth');
    const kt = detect('keras-team__keras-io/guides/keras_tuner/visualize_tuning.py').file;
    assert.deepEqual([byName(kt, 'units_{}').canonical, byName(kt, 'filters_{}').canonical], ['hidden_size', 'channels']);
    const { file, text } = detect('DLR-RM__rl-baselines3-zoo/hyperparams/dqn.yml');
    const arch = file.settings.find(s => s.key === 'CartPole-v1.policy_kwargs.net_arch');
    assert.deepEqual([arch?.canonical, arch?.value], ['hidden_size', [256, 256]]);
    const line = text.split('\n')[arch!.range.line];
    assert.equal(line.slice(arch!.range.character, arch!.range.endCharacter), 'net_arch', 'the range is the name inside the string');
  });
});

describe('pattern 7: formats', () => {
  it('OpenNMT-py and fairseq files get their own format, never hf-training-args', () => {
    assert.equal(detect('OpenNMT__OpenNMT-py/docs/source/examples/wiki_103/wiki_103.yaml').file.format, 'opennmt');
    assert.equal(detect('facebookresearch__fairseq/examples/roberta/config/pretraining/base.yaml').file.format, 'fairseq');
  });
});

describe('pattern 8: every place a setting is named answers a hover', () => {
  it('the dict key around suggest_int and the suggest name give the same setting', () => {
    const { file, text } = detect('optuna__optuna-examples/lightgbm/lightgbm_simple.py');
    const lines = text.split('\n');
    const line = lines.findIndex(l => l.includes('"num_leaves": trial.suggest_int'));
    const onKey = findSettingAt(file, line, lines[line].indexOf('"num_leaves"') + 3);
    const onName = findSettingAt(file, line, lines[line].lastIndexOf('"num_leaves"') + 3);
    assert.ok(onKey?.search && onKey === onName);
    assert.equal(onKey.canonical, 'num_leaves');
  });

  it('a keyword around hp.Int carries it too', () => {
    const { file, text } = detect('ua-datalab__QNLP/learning_keras_tuner.py');
    const lines = text.split('\n');
    const line = lines.findIndex(l => l.includes('units=hp.Int('));
    const s = findSettingAt(file, line, lines[line].indexOf('units=') + 1);
    assert.deepEqual([s?.canonical, s?.search?.type], ['hidden_size', 'int']);
  });
});
