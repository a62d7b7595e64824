/**
 * Sweep files as wandb reads them: PyYAML types, list/mapping values, nested parameters, W&B names and
 * distributions, sweep names with spaces, hyperband eta, metric names with a space, `command:` items.
 */
import * as assert from 'node:assert/strict';
import { buildTrialArgv } from '../../../src/core/runner/argv';
import { MetricRegex, parseMetricLine } from '../../../src/core/metrics/lines';
import { implicitMetricRegex, suggestedMetricLine } from '../../../src/core/metrics/suggest';
import { resolvePlain } from '../../../src/core/study/file/pyyaml';
import { parseStudyFile, StudyFileError, studyFolderName } from '../../../src/core/study/studyFile';
import { formatIssue } from '../../../src/core/study/types';

const HEAD = 'program: train.py\nmetric: {name: loss}\n';
const parse = (text: string) => parseStudyFile(text, '/w/sweep.yaml', { displayName: 'sweep.yaml' });
function errorsOf(text: string): string[] {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof StudyFileError, String(err));
    return err.issues.map(formatIssue);
  }
  return assert.fail('expected the study file to be rejected');
}
const argvOf = (text: string, params: Record<string, string | number | boolean | null>) => {
  const { config } = parse(text);
  return buildTrialArgv({ ...config.launch, interpreter: 'python' }, { ...config.constants, ...params }, { trialDir: '/w/t/0', platform: 'linux', env: {} }).argv;
};

describe('study file: values typed as PyYAML types them (what wandb reads)', () => {
  it('follows YAML 1.1: yes/on are booleans, 1e-5 is text, 1.0e-5 a float, 0x10 and 0755 ints, ~ None', () => {
    const { config } = parse(`${HEAD}parameters:\n  x: {values: [yes, off, 1e-5, 1.0e-5, 0x10, 0755, 1_000, 1:30, ~, "yes", .inf]}\n`.replace(', .inf', ''));
    assert.deepEqual(config.space.params[0].distribution, { type: 'categorical', choices: [true, false, '1e-5', 0.00001, 16, 493, 1000, 90, null, 'yes'] });
  });

  it('resolves plain scalars with the patterns of PyYAML’s resolver', () => {
    const cases: Array<[string, string]> = [
      ['True', 'bool'], ['NO', 'bool'], ['y', 'str'], ['null', 'none'], ['', 'none'], ['12', 'int'], ['-0b101', 'int'],
      ['1.5', 'float'], ['1.0e+5', 'float'], ['1.0e5', 'str'], ['.5', 'float'], ['-.inf', 'float'], ['.NaN', 'float'], ['1e3', 'str'], ['abc', 'str'],
    ];
    for (const [text, kind] of cases) assert.equal(resolvePlain(text).kind, kind, text);
  });

  it('passes command items as Python’s str() of their PyYAML value', () => {
    const argv = argvOf(`${HEAD}parameters: {x: {value: 1}, y: {values: [2]}}\ncommand: ['\${interpreter}', '\${program}', --epochs, 5, --lr, 1.0, --flag, yes, --eps, 1e-5, --w, 1.0e-5, '\${args}']\n`, {});
    assert.deepEqual(argv, ['python', 'train.py', '--epochs', '5', '--lr', '1.0', '--flag', 'True', '--eps', '1e-5', '--w', '1e-05', '--x=1']);
  });
});

describe('study file: W&B parameter shapes', () => {
  it('allows list and mapping values, passing them as Python reprs (a list choice is one value)', () => {
    const text = `${HEAD}parameters:\n  hidden: {values: [[32, 32], [64, 64]]}\n  opt: {value: {name: adam, betas: [0.9, 0.999]}}\n`;
    const { config } = parse(text);
    assert.deepEqual(config.space.params[0].distribution, { type: 'categorical', choices: ['[32, 32]', '[64, 64]'] });
    assert.deepEqual(config.constants, { opt: "{'betas': [0.9, 0.999], 'name': 'adam'}" });
    assert.deepEqual(argvOf(text, { hidden: '[64, 64]' }), ['python', 'train.py', '--hidden=[64, 64]', "--opt={'betas': [0.9, 0.999], 'name': 'adam'}"]);
  });

  it('refuses a string choice that reads like a list choice', () => {
    assert.match(errorsOf(`${HEAD}parameters:\n  h: {values: ["[1, 2]", [1, 2]]}\n`).join('\n'), /the string "\[1, 2\]" and a list or mapping with the same text/);
  });

  it('passes nested parameters as one dict (the official nested example), searched as dotted names', () => {
    const text = `${HEAD}parameters:\n  batch_size: {values: [32, 64]}\n  optimizer:\n    parameters:\n      lr: {values: [0.001, 0.0001]}\n      nadam:\n        parameters:\n          beta: {values: [0.9, 0.95]}\n`;
    const { config } = parse(text);
    assert.deepEqual(config.space.params.map(p => p.name), ['batch_size', 'optimizer.lr', 'optimizer.nadam.beta']);
    assert.deepEqual(argvOf(text, { batch_size: 32, 'optimizer.lr': 0.001, 'optimizer.nadam.beta': 0.9 }), ['python', 'train.py', '--batch_size=32', "--optimizer={'lr': 0.001, 'nadam': {'beta': 0.9}}"]);
  });

  it('accepts dotted names with numeric parts, as the W&B schema does, and passes them as one name', () => {
    const text = `${HEAD}parameters:\n  model.aggregate_feedforward.activations.0: {values: [relu, elu]}\n  enc.layers.0.lr: {min: 0.1, max: 0.4}\n`;
    assert.deepEqual(argvOf(text, { 'model.aggregate_feedforward.activations.0': 'elu', 'enc.layers.0.lr': 0.25 }), ['python', 'train.py', '--enc.layers.0.lr=0.25', '--model.aggregate_feedforward.activations.0=elu']);
  });

  it('refuses a dotted name that a nested parameter also gives', () => {
    assert.match(errorsOf(`${HEAD}parameters:\n  a.b: {values: [1]}\n  a:\n    parameters:\n      b: {values: [2]}\n`).join('\n'), /a\.b is defined twice/);
  });

  it('reads beta, q_beta and categorical_w_probabilities', () => {
    const { config, warnings } = parse(
      `${HEAD}parameters:\n  d: {distribution: beta, a: 2, b: 5}\n  e: {distribution: q_beta, a: 0.5, b: 0.5, q: 0.1}\n  f: {distribution: q_beta}\n  g: {values: [a, b, c], probabilities: [0.5, 0.3, 0.2]}\n`,
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      config.space.params.map(p => p.distribution),
      [
        { type: 'float', low: 0, high: 1, prior: { type: 'beta', a: 2, b: 5 } },
        { type: 'float', low: 0, high: 1, step: 0.1, prior: { type: 'beta', a: 0.5, b: 0.5 } },
        { type: 'int', low: 0, high: 1, step: 1, prior: { type: 'beta', a: 1, b: 1 } },
        { type: 'categorical', choices: ['a', 'b', 'c'], weights: [0.5, 0.3, 0.2] },
      ],
    );
  });

  it('says where a beta or probabilities section is wrong', () => {
    assert.match(errorsOf(`${HEAD}parameters:\n  d: {distribution: beta, a: 0}\n`).join('\n'), /^sweep\.yaml:4:\d+: parameters\.d\.a must be greater than 0/m);
    assert.match(errorsOf(`${HEAD}parameters:\n  g: {values: [a, b], probabilities: [1]}\n`).join('\n'), /^sweep\.yaml:4:\d+: parameters\.g\.probabilities has 1 numbers for 2 values/m);
    assert.match(parse(`${HEAD}parameters:\n  g: {values: [a, b], probabilities: [0.2, 0.2]}\n`).warnings.map(w => w.message).join('\n'), /add up to 0\.4, not 1/);
  });
});

describe('study file: name, pruning and metric as a W&B sweep has them', () => {
  it('stores a name with spaces under a safe folder and keeps the name for display', () => {
    const { config } = parse(`${HEAD}name: First Sweep\nparameters: {x: {values: [1]}}\n`);
    assert.equal(config.name, 'First-Sweep');
    assert.equal(config.displayName, 'First Sweep');
    assert.equal(studyFolderName('../evil'), 'evil');
    assert.equal(studyFolderName('plain_name-1.2'), 'plain_name-1.2');
    assert.equal(studyFolderName('学习率'), undefined);
    assert.equal(parse(`${HEAD}name: 学习率\nparameters: {x: {values: [1]}}\n`).config.name, 'sweep');
  });

  it('takes W&B hyperband eta 1.5 and refuses what the run would refuse, at load, with line:column', () => {
    const ok = parse(`${HEAD}parameters: {x: {values: [1]}}\nearly_terminate: {type: hyperband, min_iter: 3, eta: 1.5}\n`);
    assert.deepEqual(ok.config.pruner, { type: 'hyperband', min_iter: 3, eta: 1.5 });
    assert.match(errorsOf(`${HEAD}parameters: {x: {values: [1]}}\nearly_terminate: {type: hyperband, max_iter: 2, s: 1, eta: 3}\n`).join('\n'), /^sweep\.yaml:4:18: early_terminate: hyperband: max_iter\/eta is below 1/m);
    assert.match(errorsOf(`${HEAD}parameters: {x: {values: [1]}}\npruner: {type: hyperband, reduction_factor: 1.5}\n`).join('\n'), /^sweep\.yaml:4:9: pruner: reduction factor \(eta\) must be a number ≥ 2/m);
  });

  it('reads a metric name with a space from stdout and suggests a line that parses', () => {
    const { config } = parse('program: train.py\nmetric: {name: val mAP, goal: maximize}\nparameters: {x: {values: [1]}}\n');
    assert.ok(config.metricRegex, 'an implied regex for "val mAP"');
    const regex = new MetricRegex(config.metricRegex!);
    assert.deepEqual(regex.parse('epoch 3 val mAP: 0.61'), [{ name: 'val mAP', value: 0.61 }]);
    assert.deepEqual(regex.parse('val mAP=1e-3'), [{ name: 'val mAP', value: 0.001 }]);
    assert.deepEqual(parseMetricLine('{"val mAP": 0.5}'), [{ name: 'val mAP', value: 0.5 }]);
    assert.equal(suggestedMetricLine('val mAP', config.metricRegex), 'val mAP: 0.42');
    assert.equal(suggestedMetricLine('val mAP', undefined), '{"val mAP": 0.42}');
    assert.equal(implicitMetricRegex('val_loss'), undefined);
    assert.equal(suggestedMetricLine('val/loss', undefined), 'val/loss: 0.42');
  });
});

describe('study file: command: as wandb runs it', () => {
  it('passes no parameters to a command without an args macro', () => {
    assert.deepEqual(argvOf(`${HEAD}parameters: {x: {values: [1]}}\ncommand: ['\${interpreter}', '\${program}', --fixed]\n`, { x: 1 }), ['python', 'train.py', '--fixed']);
  });

  it('expands ${args_no_boolean_flags} and ${args_no_equals}', () => {
    const text = `${HEAD}parameters: {flag: {values: [true, false]}, lr: {values: [0.1]}}\ncommand: ['\${program}', '\${args_no_boolean_flags}', --, '\${args_no_equals}']\n`;
    assert.deepEqual(argvOf(text, { flag: true, lr: 0.1 }), ['train.py', '--flag', '--lr=0.1', '--', '--flag', 'True', '--lr', '0.1']);
    assert.deepEqual(argvOf(text, { flag: false, lr: 0.1 }), ['train.py', '--lr=0.1', '--', '--flag', 'False', '--lr', '0.1']);
  });

  it('warns about a macro wandb drops or passes literally', () => {
    const { warnings } = parse(`${HEAD}parameters: {x: {values: [1]}}\ncommand: ['\${interpreter}', '\${program}', '\${nope}', '--cfg=\${args_json_file}', '\${args}']\n`);
    const text = warnings.map(w => w.message).join('\n');
    assert.match(text, /\$\{nope\} is not a macro wandb knows, so it is dropped/);
    assert.match(text, /\$\{args_json_file\} inside "--cfg=\$\{args_json_file\}" is passed literally/);
  });

  it('keeps this project’s own formats as an opt-in arg_style', () => {
    assert.equal(parse(`${HEAD}parameters: {x: {values: [1]}}\n`).config.launch.argStyle, 'wandb');
    assert.deepEqual(argvOf(`${HEAD}arg_style: flags\nparameters: {x: {values: [true]}}\n`, { x: true }), ['python', '/w/train.py', '--x=true']);
  });
});
