/**
 * Detection bugs found by cross-review on real public files (issues #10/#11 follow-up), each fixed as a
 * general rule and tested on the real file (test/fixtures/realworld, labelled by hand; SOURCES.md) plus
 * a counter-example, so the rule cannot silently widen.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectDocument, detectFile, diskReader, type DetectedFile, type Setting } from '../../../src/core/detect';
import { diagnose, modelFor, siblingsOf } from '../../../src/core/diagnostics';
import { REALWORLD } from './helpers';

const RECIPES = path.resolve(__dirname, '../../fixtures/recipes');

function real(fixture: string, root = REALWORLD): { file: DetectedFile; text: string } {
  const full = path.join(root, fixture);
  const text = fs.readFileSync(full, 'utf8');
  return { file: detectDocument(full, text, { read: diskReader() }), text };
}

const own = (file: DetectedFile) => file.settings.filter(s => s.origin?.kind !== 'inherited');
const at = (file: DetectedFile, line: number) => own(file).filter(s => s.range.line === line - 1);
const byKey = (file: DetectedFile, key: string): Setting => {
  const s = file.settings.find(x => x.key === key);
  assert.ok(s, `${key} among ${file.settings.map(x => x.key).slice(0, 50).join(', ')}`);
  return s;
};
const row = (s: Setting) => [s.key, s.canonical, s.kind, s.value];
const py = (text: string, name = 'train.py') => detectFile(name, `import torch\n${text}`, { force: true });

describe('tuple and chained assignments pair element-wise', () => {
  // facebookresearch/detectron2 configs/common/models/mask_rcnn_vitdet.py: `embed_dim, depth, num_heads, dp =
  // 768, 12, 12, 0.1`, then `drop_path_rate=dp` inside L(ViT)(…).
  it('Detectron2 ViTDet: each name gets its own value; `dp` is the drop-path setting, `drop_path_rate=dp` its use', () => {
    const { file } = real('facebookresearch__detectron2/configs/common/models/mask_rcnn_vitdet.py');
    assert.deepEqual(at(file, 14).map(row), [
      ['embed_dim', 'embedding_dim', 'hyperparameter', 768],
      ['depth', 'num_layers', 'hyperparameter', 12],
      ['num_heads', 'num_heads', 'hyperparameter', 12],
      ['dp', 'drop_path', 'hyperparameter', 0.1],
    ]);
    assert.deepEqual(row(byKey(file, 'model.backbone.net.drop_path_rate')), ['model.backbone.net.drop_path_rate', 'drop_path', 'use', 0.1]);
    assert.deepEqual(at(file, 49).map(s => [s.key, s.value]), [['model.roi_heads.box_head.conv_norm', 'LN'], ['model.roi_heads.mask_head.conv_norm', 'LN']]);
  });

  it('parenthesised targets pair too; an unpacked call or a count mismatch gives nothing', () => {
    const f = py('(lr, momentum) = (0.1, 0.9)\nbatch_size, epochs = get_sizes()\ndropout, weight_decay = 0.1, 0.2, 0.3\n');
    assert.deepEqual(own(f).map(s => [s.key, s.value]), [['lr', 0.1], ['momentum', 0.9]]);
  });
});

describe('presets chosen at run time keep their own blocks', () => {
  // karpathy/nanoGPT model.py GPT.from_pretrained: config_args = {'gpt2': dict(n_layer=12, n_head=12,
  // n_embd=768), …, 'gpt2-xl': dict(n_layer=48, n_head=25, n_embd=1600)}[model_type].
  it('nanoGPT from_pretrained: one block per preset, so each n_head sits next to its own n_embd', () => {
    const { file, text } = real('karpathy__nanoGPT/model.py');
    const heads = own(file).filter(s => s.name === 'n_head' && s.key.startsWith('config_args.'));
    assert.deepEqual(heads.map(s => [s.key, s.value]), [
      ['config_args.gpt2.n_head', 12], ['config_args.gpt2-medium.n_head', 16], ['config_args.gpt2-large.n_head', 20], ['config_args.gpt2-xl.n_head', 25],
    ]);
    const xl = heads[3];
    assert.deepEqual(siblingsOf(file, xl).map(s => [s.name, s.value]), [['n_layer', 48], ['n_embd', 1600]]);
    assert.deepEqual(diagnose(file, text).filter(f => f.code === 'hp/heads-divisibility'), [], '1600 / 25 = 64 within its own preset');
  });

  it('a preset whose head count does not divide its own width is flagged on its line', () => {
    const f = py("def load(kind):\n    presets = {'a': dict(n_layer=2, n_head=4, n_embd=64), 'b': dict(n_layer=2, n_head=5, n_embd=64)}[kind]\n");
    const found = diagnose(f, '').filter(x => x.code === 'hp/heads-divisibility');
    assert.equal(found.length, 1);
    assert.match(found[0].message, /n_embd = 64 is not divisible by n_head = 5/);
  });
});

describe('loop variables and accumulators are not settings', () => {
  // pytorch/examples distributed/rpc/ddp_rpc/main.py: `batch_size = 0` … `while …: batch_size += 1`
  // counts the samples of a generated batch; lr=0.05 of the DistributedOptimizer is the setting.
  it('pytorch/examples DDP + RPC: the batch counter is no batch size; the real settings stay', () => {
    const { file } = real('pytorch__examples/distributed/rpc/ddp_rpc/main.py');
    assert.deepEqual(own(file).filter(s => s.kind === 'hyperparameter').map(s => [s.key, s.canonical]), [
      ['EMBEDDING_DIM', 'embedding_dim'], ['DistributedOptimizer.lr', 'learning_rate'],
    ]);
  });

  it('module-level counters updated in a loop go; a setting adjusted once (nanoGPT `//= ddp_world_size`) stays', () => {
    const f = py('iterations = 0\nlr = 0.1\nfor batch in loader:\n    iterations += 1\n    step(lr)\n');
    assert.deepEqual(own(f).map(s => s.key), ['lr']);
    const rollout = py('def collect(env, n_steps=2048):\n    n_steps = 0\n    while not done:\n        n_steps = n_steps + 1\n');
    assert.deepEqual(own(rollout).map(s => [s.key, s.value]), [['collect.n_steps', 2048]], 'the parameter default is the setting, the loop counter is not');
    const { file } = real('karpathy__nanoGPT/train.py');
    assert.equal(byKey(file, 'gradient_accumulation_steps').kind, 'hyperparameter');
  });

  it('an empty local container filled by the code (`layers = []`) is not a layer count', () => {
    const f = py('def build(num_layers=4):\n    layers = []\n    for i in range(num_layers):\n        layers.append(i)\n    return layers\n');
    assert.deepEqual(own(f).map(s => [s.key, s.canonical]), [['build.num_layers', 'num_layers']]);
  });
});

describe('right word, wrong concept (pattern 4) on real files', () => {
  // barbagroup/chuang-dissertation-repro-pack modulus/helpers/schedulers.py: Hydra structured configs of
  // torch schedulers. ReduceLROnPlateau(eps=1e-8) is the smallest LR change it applies (torch docs: "if the
  // difference between new and old lr is smaller than eps, the update is ignored"), not an optimizer ε.
  it('ReduceLROnPlateau eps belongs to the plateau scheduler; CyclicLR step sizes and gamma to the schedule', () => {
    const { file } = real('barbagroup__chuang-dissertation-repro-pack/modulus/helpers/schedulers.py');
    assert.equal(byKey(file, 'ReduceLROnPlateauConf.eps').canonical, 'lr_plateau_patience');
    assert.equal(byKey(file, 'ReduceLROnPlateauConf.min_lr').value, 0, '`0.` at the end of a line is the number 0');
    assert.equal(byKey(file, 'CyclicLRConf.step_size_up').canonical, 'schedule_length');
    assert.equal(byKey(file, 'CyclicLRConf.gamma').canonical, 'lr_decay_factor');
    assert.equal(own(py('opt = torch.optim.Adam(params, lr=1e-3, eps=1e-8)\n')).find(s => s.name === 'eps')?.canonical, 'optimizer_eps');
  });

  // keras-team/keras-io examples/vision/mnist_convnet.py: layers.Dense(num_classes, activation="softmax").
  it('Keras output layer: the class count and softmax are no hidden size or activation choice', () => {
    const { file } = real('keras-team__keras-io/examples/vision/mnist_convnet.py');
    assert.deepEqual(at(file, 48).map(row), []);
    assert.deepEqual(at(file, 42).map(s => s.canonical), ['channels', 'kernel_size', 'activation']);
    assert.deepEqual(row(byKey(file, 'compile.optimizer')), ['compile.optimizer', 'optimizer', 'hyperparameter', 'adam']);
    const hidden = py('from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])\n');
    assert.deepEqual(own(hidden).filter(s => s.name === 'units').map(s => s.value), [64]);
  });

  // huggingface/pytorch-image-models legacy_train.py: --val-split NAME default 'validation' names a split.
  it('timm: --val-split/--train-split name splits; a fraction is still a split ratio', () => {
    const { file } = real('huggingface__pytorch-image-models/legacy_train.py');
    assert.deepEqual(['val_split', 'train_split'].map(k => byKey(file, k).kind), ['other', 'other']);
    assert.equal(byKey(file, 'validation_batch_size').canonical, 'eval_batch_size');
    assert.equal(byKey(file, 'in_chans').kind, 'other', 'input channels are the data’s shape');
    assert.deepEqual([byKey(file, 'input_size').canonical, byKey(file, 'no_resume_opt').kind], ['image_size', 'other']);
    const ratio = py("import argparse\np = argparse.ArgumentParser()\np.add_argument('--val-split', type=float, default=0.1)\np.add_argument('--lr', type=float, default=0.1)\n");
    assert.equal(own(ratio).find(s => s.key === 'val_split')?.canonical, 'val_split');
  });

  // microsoft/LightGBM examples/python-guide/advanced_example.py: `pkl_bst.predict(X_test, num_iteration=7)`
  // predicts with the first 7 trees of a trained booster; pytorch/examples word_language_model/main.py:
  // `export_onnx(path, batch_size=1, seq_len=args.bptt)` traces the trained model with a dummy batch.
  it('keywords of calls that use a trained model (predict, export, generate) are no training settings', () => {
    const lgb = real('microsoft__LightGBM/examples/python-guide/advanced_example.py').file;
    assert.deepEqual(at(lgb, 92).map(row), []);
    assert.equal(byKey(lgb, 'params.num_leaves').kind, 'hyperparameter', 'the params dict of the same file stays');
    const lm = real('pytorch__examples/word_language_model/main.py').file;
    assert.deepEqual(at(lm, 242).map(row), []);
    assert.equal(byKey(lm, 'batch_size').canonical, 'batch_size', 'the --batch_size flag stays');
    const chargpt = real('karpathy__minGPT/projects/chargpt/chargpt.py').file;
    assert.deepEqual(at(chargpt, 101).map(row), [], 'sampling settings of generate()');
    const fit = own(py('model.fit(x, y, batch_size=128, epochs=15)\nmodel.predict(x, batch_size=1024)\n', 'keras_train.py'));
    assert.deepEqual(fit.map(s => [s.key, s.value]), [['fit.batch_size', 128], ['fit.epochs', 15]]);
  });
});

describe('references with a fallback and a framework\'s own list-valued spelling', () => {
  // huggingface/peft examples/alora_finetuning/alora_finetuning.py: LoraConfig(target_modules=(
  // lora_target_modules.split(",") if lora_target_modules else [...])) passes the --lora_target_modules flag on.
  it('`x.split(",") if x else [...]` and `args.lr or 1e-3` pass a setting on; a choice between literals is a value', () => {
    const { file } = real('huggingface__peft/examples/alora_finetuning/alora_finetuning.py');
    const targets = byKey(file, 'LoraConfig.target_modules');
    assert.deepEqual([targets.kind, targets.canonical, targets.origin?.kind], ['use', 'lora_targets', 'reference']);
    assert.equal(byKey(file, 'lora_target_modules').kind, 'hyperparameter', 'the flag is the setting');
    const kinds = own(py('opt = torch.optim.AdamW(params, lr=args.lr or 1e-3, weight_decay=(wd if wd is not None else 0.01))\ncfg = LoraConfig(r=8, target_modules=["q_proj"] if small else ["q_proj", "v_proj"])\n'));
    assert.deepEqual(kinds.filter(s => s.canonical).map(s => [s.name, s.kind]), [['lr', 'use'], ['weight_decay', 'use'], ['r', 'hyperparameter'], ['target_modules', 'hyperparameter']]);
  });

  // hiyouga/LLaMA-Factory examples/train_lora/qwen3_lora_dpo.yaml: `lora_target: all` (LLaMA-Factory's
  // name for PEFT target_modules; a word value, so the numeric name patterns could not read it).
  it('LLaMA-Factory lora_target is the LoRA target modules, whatever its word value', () => {
    const { file } = real('hiyouga__LLaMA-Factory/examples/train_lora/qwen3_lora_dpo.yaml');
    assert.deepEqual(row(byKey(file, 'lora_target')), ['lora_target', 'lora_targets', 'hyperparameter', 'all']);
  });
});

describe('calls written another way: partial, brackets, computed values', () => {
  // facebookresearch/detectron2 configs/common/models/mask_rcnn_vitdet.py: norm_layer=partial(nn.LayerNorm, eps=1e-6).
  it('partial(Cls, k=v) reads k as a keyword of Cls (the LayerNorm ε, not the optimizer ε)', () => {
    const { file } = real('facebookresearch__detectron2/configs/common/models/mask_rcnn_vitdet.py');
    assert.deepEqual(at(file, 26).filter(s => s.name === 'eps').map(row), [['LayerNorm.eps', 'normalization', 'hyperparameter', 1e-6]]);
    assert.deepEqual(own(py('from functools import partial\nopt = partial(torch.optim.SGD, lr=0.1, momentum=0.9)\n')).map(s => [s.key, s.canonical]), [['SGD.lr', 'learning_rate'], ['SGD.momentum', 'momentum']]);
  });

  // detectron2 configs/Misc/torchvision_imagenet_R_50.py: model=(ResNet)(block=Bottleneck, layers=[3, 4, 6, 3]).
  it('(ResNet)(layers=[…]) is a ResNet call; its layers are the blocks per stage', () => {
    const { file } = real('facebookresearch__detectron2/configs/Misc/torchvision_imagenet_R_50.py');
    assert.deepEqual(at(file, 104).filter(s => s.kind === 'hyperparameter').map(s => [s.name, s.canonical, s.value]), [['layers', 'num_layers', [3, 4, 6, 3]]]);
  });

  // detectron2 configs/common/coco_schedule.py: WarmupParamScheduler(warmup_length=1000 / total_steps_16bs, …).
  it('a computed keyword value of an unknown class is the setting, with its expression as raw value', () => {
    const { file } = real('facebookresearch__detectron2/configs/common/coco_schedule.py');
    const w = own(file).find(s => s.name === 'warmup_length');
    assert.deepEqual(w && [w.canonical, w.kind, w.raw], ['warmup_ratio', 'hyperparameter', '1000 / total_steps_16bs']);
    assert.deepEqual(own(py('s = Sched(warmup_length=total or fallback, learning_rate=base)\n')).filter(s => s.kind === 'hyperparameter'), [], 'no number, nothing computed here');
  });

  it('PEFT IA3Config is read like LoraConfig (its name was misspelt with a Cyrillic letter)', () => {
    // An unknown class only yields literal values of unmistakable names; a known one also the settings it is handed.
    const ia3 = own(py('from peft import IA3Config\nimport argparse\np = argparse.ArgumentParser()\np.add_argument("--lr", type=float, default=3e-3)\nargs = p.parse_args()\ncfg = IA3Config(task_type="CAUSAL_LM", target_modules=args.target_modules)\n'));
    assert.deepEqual(ia3.filter(s => s.key.startsWith('IA3')).map(s => [s.key, s.canonical, s.kind]), [['IA3Config.target_modules', 'lora_targets', 'use']]);
  });
});

describe('W&B sweep parameters: constants and siblings (a searched parameter is always tuned)', () => {
  // borkh/mcbm-ring-reco sweep_configs.py: a W&B sweep built as a Python dict; `input_shape`/`output_shape`
  // are fixed `value:` entries carrying the data's shape to every run, `decay` sits next to `decay_steps`.
  it('a fixed data shape is no hyperparameter; a searched or tunable constant stays; siblings give `decay` its meaning', () => {
    const { file } = real('borkh__mcbm-ring-reco/sweep_configs.py');
    // The loss function is the task's, fixed for every run (`loss: {value: "mse"}`; `compile(loss=…)` alike).
    assert.deepEqual([...at(file, 13), ...at(file, 30), ...at(file, 31)].filter(s => s.kind === 'hyperparameter').map(row), []);
    assert.deepEqual(row(byKey(file, 'sweep_config.dropout')), ['sweep_config.dropout', 'dropout', 'hyperparameter', 0.1]);
    assert.equal(byKey(file, 'sweep_config.decay').canonical, 'lr_decay_factor');
    const yaml = detectFile('sweep.yaml', 'method: random\nmetric: {name: loss, goal: minimize}\nparameters:\n  input_shape: {values: [[32, 32], [64, 64]]}\n  output_shape: {value: 10}\n  loss: {values: [mse, huber]}\n  batch_size: {value: 32}\n  decay: {value: 0.01}\n', { force: true });
    assert.deepEqual(yaml.settings.filter(s => s.kind === 'hyperparameter').map(s => [s.name, s.canonical]), [['input_shape', null], ['loss', null], ['batch_size', 'batch_size'], ['decay', 'weight_decay']]);
  });
});

describe('mmengine pipelines: a transform\'s type is context, an optimizer\'s type a choice', () => {
  // open-mmlab/mmpretrain configs/_base_/datasets/imagenet_bs32.py: train_pipeline of dict(type=…) transforms.
  it('the transform type is reported (not a hyperparameter) and gives its siblings their model', () => {
    const { file } = real('open-mmlab__mmpretrain/configs/_base_/datasets/imagenet_bs32.py');
    assert.deepEqual(row(byKey(file, 'train_pipeline[1].type')), ['train_pipeline[1].type', null, 'other', 'RandomResizedCrop']);
    assert.equal(modelFor(byKey(file, 'train_pipeline[1].scale'), file), 'RandomResizedCrop');
    const { file: schedule } = real('open-mmlab__mmpretrain/configs/_base_/schedules/imagenet_bs256.py', RECIPES);
    assert.deepEqual(row(byKey(schedule, 'optim_wrapper.optimizer.type')), ['optim_wrapper.optimizer.type', 'optimizer', 'hyperparameter', 'SGD']);
    assert.equal(byKey(schedule, 'param_scheduler.type').canonical, 'lr_scheduler');
  });
});

describe('RL Zoo: quoted values continued left of their key (as PyYAML reads them)', () => {
  // DLR-RM/rl-baselines3-zoo hyperparams/sac.yml and tqc.yml: HER blocks write
  // `replay_buffer_kwargs: "dict(\n    …\n  )"` with the closing line at the key's column.
  it('sac.yml: the value is whole and the next key is policy_kwargs, at its own line', () => {
    const { file } = real('DLR-RM__rl-baselines3-zoo/hyperparams/sac.yml');
    const kwargs = byKey(file, 'FetchReach-v1.replay_buffer_kwargs');
    assert.equal(kwargs.value, "dict( goal_selection_strategy='future', n_sampled_goal=4 )");
    const policy = byKey(file, 'FetchReach-v1.policy_kwargs');
    assert.deepEqual([policy.range.line + 1, policy.range.character, policy.canonical], [202, 2, 'policy_kwargs']);
  });

  it('tqc.yml and every other zoo file: no key is made of a string’s tail', () => {
    for (const name of ['sac', 'tqc', 'ppo', 'ppo_lstm']) {
      const { file } = real(`DLR-RM__rl-baselines3-zoo/hyperparams/${name}.yml`, RECIPES);
      assert.equal(file.format, 'rl-zoo', name);
      assert.deepEqual(file.settings.filter(s => /[()]/.test(s.key)).map(s => s.key), [], name);
    }
  });

  it('a YAML error after such a value still points at the right line of the file', () => {
    const text = 'Env-v1:\n  kwargs: "dict(\n  a=1\n  )"\n  ok: 1\nbad: [\n';
    const f = detectFile('hyperparams/x.yml', text, { force: true });
    assert.match(f.error ?? '', /line (6|7)/);
  });
});
