import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { StudyFileError, loadStudyFile, parseDuration, parseStudyFile } from '../../../src/core/study/studyFile';
import type { Distribution } from '../../../src/core/search/types';
import { formatIssue } from '../../../src/core/study/types';

const FIXTURES = path.join(__dirname, 'fixtures', 'studies');
const HEAD = 'program: train.py\nmetric: {name: loss}\n';

function parse(text: string, file = '/w/sweep.yaml') {
  return parseStudyFile(text, file, { displayName: 'sweep.yaml' });
}
function distOf(yamlParam: string): { dist: Distribution; warnings: string[] } {
  const r = parse(`${HEAD}parameters:\n  p: ${yamlParam}\n`);
  assert.equal(r.config.space.params.length, 1);
  return { dist: r.config.space.params[0].distribution, warnings: r.warnings.map(w => w.message) };
}
function errorsOf(text: string, file = '/w/sweep.yaml'): string[] {
  try {
    parse(text, file);
  } catch (err) {
    assert.ok(err instanceof StudyFileError, String(err));
    return err.issues.map(formatIssue);
  }
  assert.fail('expected the study file to be rejected');
}
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

describe('study file: W&B sweeps run unchanged', () => {
  it('reads a bayes + hyperband sweep (constants, categoricals, early_terminate)', () => {
    const { config, warnings } = loadStudyFile(path.join(FIXTURES, 'wandb-bayes-hyperband.yaml'));
    assert.deepEqual(warnings, []);
    assert.equal(config.name, 'wandb-bayes-hyperband');
    assert.equal(config.sampler, 'bayes');
    assert.equal(config.metric, 'val_loss');
    assert.equal(config.direction, 'minimize');
    assert.deepEqual(config.constants, { epochs: 27 });
    assert.deepEqual(
      config.space.params.map(p => [p.name, p.distribution]),
      [
        ['learning_rate', { type: 'float', low: 0.001, high: 0.1 }],
        ['optimizer', { type: 'categorical', choices: ['adam', 'sgd'] }],
        ['dropout', { type: 'categorical', choices: [0.15, 0.2, 0.25, 0.3, 0.4] }],
        ['hidden_layer_size', { type: 'categorical', choices: [96, 128, 148] }],
      ],
    );
    assert.deepEqual(config.pruner, { type: 'hyperband', s: 2, eta: 3, max_iter: 27 });
    assert.equal(config.launch.program, 'train.py');
    assert.equal(config.launch.cwd, FIXTURES);
  });

  it('reads dotted names, !!float bounds, int_uniform and command macros', () => {
    const { config } = loadStudyFile(path.join(FIXTURES, 'wandb-hydra.yaml'));
    assert.equal(config.direction, 'maximize');
    assert.deepEqual(config.space.params[0], { name: 'optimizer.config.learning_rate', distribution: { type: 'float', low: 1e-5, high: 0.1 } });
    assert.deepEqual(config.space.params[2].distribution, { type: 'int', low: 32, high: 256 });
    assert.deepEqual(config.launch.command, ['${env}', '${interpreter}', '${program}', '${args_no_hyphens}']);
  });

  it('turns nested parameters into dotted names', () => {
    const r = parse(`${HEAD}parameters:\n  optimizer:\n    parameters:\n      lr: {min: 0.1, max: 1}\n      kind: {value: adam}\n`);
    assert.deepEqual(r.config.space.params.map(p => p.name), ['optimizer.lr']);
    assert.deepEqual(r.config.constants, { 'optimizer.kind': 'adam' });
  });

  it('reads every key of our superset', () => {
    const { config, warnings } = loadStudyFile(path.join(FIXTURES, 'full.study.yaml'));
    assert.deepEqual(warnings, []);
    assert.equal(config.name, 'resnet-lr');
    assert.equal(config.description, 'every key the parser knows');
    assert.equal(config.sampler, 'tpe');
    assert.equal(config.target, 0.05);
    assert.deepEqual(config.limits, { trials: 40, parallel: 2, trialTimeoutMs: 30 * 60_000, flapping: { maxFailures: 5, windowMs: 120_000 } });
    assert.deepEqual(config.executor, {
      type: 'slurm', partition: 'gpu', account: 'ml-lab', time: '01:00:00', cpusPerTask: 4, gpus: 'a100:1', mem: '16G', arrayThrottle: 8, sbatch: ['--qos=high', '--constraint=ib'],
    });
    assert.deepEqual(config.pruner, { type: 'asha', min_resource: 1, reduction_factor: 3 });
    assert.equal(config.seed, 123);
    assert.equal(config.launch.argStyle, 'hydra');
    assert.equal(config.launch.interpreter, 'python3');
    assert.deepEqual(config.launch.env, { WANDB_MODE: 'offline' });
    assert.equal(config.metricRegex, 'val_loss=(?<val_loss>[0-9.e-]+)');
    assert.deepEqual(config.gpus, ['0', '1']);
    assert.equal(config.retryFailed, true);
    assert.deepEqual(config.space.params.find(p => p.name === 'wd')?.distribution, { type: 'float', low: 0, high: 0.1, step: 0.01 });
  });

  it('reads JSON study files', () => {
    const { config } = loadStudyFile(path.join(FIXTURES, 'study.json'));
    assert.equal(config.name, 'study');
    assert.equal(config.direction, 'maximize');
    assert.equal(config.limits.trials, 10);
    assert.deepEqual(config.space.params[1].distribution, { type: 'int', low: 1, high: 4 });
  });

  it('reads `command: [node, ${program}, ${args}]` (not valid YAML) as quoted macros, with a warning at each', () => {
    const r = parse(`${HEAD}parameters: {x: {min: 0, max: 1}}\ncommand: [node, \${program}, \${args}]\n`);
    assert.deepEqual(r.config.launch.command, ['node', '${program}', '${args}']);
    assert.deepEqual(
      r.warnings.map(w => [w.line, w.col]),
      [
        [4, 17],
        [4, 29],
      ],
    );
  });

  it('warns about unknown keys with their position and still reads the rest', () => {
    const r = parse(`${HEAD}parameters:\n  lr: {min: 0.1, max: 1, step: 2}\nmethdo: random\n`);
    assert.deepEqual(
      r.warnings.map(w => [w.line, w.col, w.message.split(' (')[0]]),
      [
        [4, 26, 'unknown key parameters.lr.step'],
        [5, 1, 'unknown key methdo'],
      ],
    );
    assert.equal(r.config.sampler, 'auto');
  });

  it('defaults: name from the file, minimize, auto sampler, one trial at a time, flapping 3 in 60 s', () => {
    const r = parseStudyFile(`${HEAD}parameters: {x: {values: [1, 2]}}\n`, '/w/my.study.yaml');
    assert.equal(r.config.name, 'my');
    assert.equal(r.config.direction, 'minimize');
    assert.equal(r.config.sampler, 'auto');
    assert.deepEqual(r.config.limits, { trials: undefined, parallel: 1, trialTimeoutMs: undefined, flapping: { maxFailures: 3, windowMs: 60_000 } });
    assert.deepEqual(r.config.pruner, { type: 'none' });
    assert.deepEqual(r.config.executor, { type: 'local' });
  });
});

describe('study file: W&B distributions', () => {
  it('int_uniform when both bounds are written as integers, uniform otherwise', () => {
    assert.deepEqual(distOf('{min: 1, max: 8}').dist, { type: 'int', low: 1, high: 8 });
    assert.deepEqual(distOf('{min: 1.0, max: 8}').dist, { type: 'float', low: 1, high: 8 });
    assert.deepEqual(distOf('{min: !!float 1, max: 8}').dist, { type: 'float', low: 1, high: 8 });
    assert.deepEqual(distOf('{min: 1e0, max: 8}').dist, { type: 'float', low: 1, high: 8 });
    assert.deepEqual(distOf('{distribution: int_uniform, min: 2, max: 5}').dist, { type: 'int', low: 2, high: 5 });
    assert.deepEqual(distOf('{distribution: uniform, min: 2, max: 5}').dist, { type: 'float', low: 2, high: 5 });
  });

  it('constant and categorical', () => {
    const r = parse(`${HEAD}parameters:\n  a: {distribution: constant, value: 3}\n  b: {distribution: categorical, values: [x, 2, true, null]}\n`);
    assert.deepEqual(r.config.constants, { a: 3 });
    assert.deepEqual(r.config.space.params[0].distribution, { type: 'categorical', choices: ['x', 2, true, null] });
  });

  it('log_uniform takes natural-log EXPONENT bounds', () => {
    const { dist, warnings } = distOf('{distribution: log_uniform, min: -9.21034, max: -2.302585}');
    assert.equal(dist.type, 'float');
    assert.ok(dist.type === 'float' && dist.log);
    if (dist.type !== 'float') return;
    close(dist.low, Math.exp(-9.21034));
    close(dist.high, Math.exp(-2.302585));
    assert.ok(Math.abs(dist.low - 1e-4) < 1e-9 && Math.abs(dist.high - 0.1) < 1e-7);
    assert.deepEqual(warnings, []);
  });

  it('warns when log_uniform bounds look like real values (a classic W&B mistake)', () => {
    const { dist, warnings } = distOf('{distribution: log_uniform, min: 0.00001, max: 0.1}');
    assert.ok(dist.type === 'float' && dist.low > 1 && dist.high < 1.2);
    assert.match(warnings[0], /exponent bounds.*log_uniform_values/);
  });

  it('log_uniform_values and inv_log_uniform_values take real values', () => {
    assert.deepEqual(distOf('{distribution: log_uniform_values, min: 1e-5, max: 0.1}').dist, { type: 'float', low: 1e-5, high: 0.1, log: true });
    assert.deepEqual(distOf('{distribution: inv_log_uniform_values, min: 1e-5, max: 0.1}').dist, { type: 'float', low: 1e-5, high: 0.1, log: true });
  });

  it('inv_log_uniform: log(1/X) uniform in [min, max] is X log-uniform in [e^-max, e^-min]', () => {
    const { dist } = distOf('{distribution: inv_log_uniform, min: 2.302585, max: 9.21034}');
    assert.ok(dist.type === 'float' && dist.log);
    if (dist.type !== 'float') return;
    close(dist.low, Math.exp(-9.21034));
    close(dist.high, Math.exp(-2.302585));
  });

  it('q_uniform: multiples of q, as an int or float step', () => {
    assert.deepEqual(distOf('{distribution: q_uniform, min: 0, max: 1, q: 0.25}').dist, { type: 'float', low: 0, high: 1, step: 0.25 });
    assert.deepEqual(distOf('{distribution: q_uniform, min: 8, max: 64, q: 8}').dist, { type: 'int', low: 8, high: 64, step: 8 });
    const off = distOf('{distribution: q_uniform, min: 0.05, max: 0.97, q: 0.1}');
    assert.deepEqual(off.dist, { type: 'float', low: 0.1, high: 0.9, step: 0.1 });
    assert.match(off.warnings[0], /multiples of q=0.1; searching \[0.1, 0.9\]/);
  });

  it('q_log_uniform(_values) with q=1 are integer log scales; other q lose the rounding, with a warning', () => {
    assert.deepEqual(distOf(`{distribution: q_log_uniform, min: 0, max: ${Math.log(1024)}}`).dist, { type: 'int', low: 1, high: 1024, log: true });
    assert.deepEqual(distOf('{distribution: q_log_uniform_values, min: 16, max: 512, q: 1}').dist, { type: 'int', low: 16, high: 512, log: true });
    const q = distOf('{distribution: q_log_uniform_values, min: 1, max: 100, q: 0.5}');
    assert.deepEqual(q.dist, { type: 'float', low: 1, high: 100, log: true });
    assert.match(q.warnings[0], /q=0.5 cannot be represented exactly/);
  });

  it('normal, q_normal, log_normal, q_log_normal map to mu ± 3 sigma, with a warning', () => {
    const n = distOf('{distribution: normal, mu: 1, sigma: 0.5}');
    assert.deepEqual(n.dist, { type: 'float', low: -0.5, high: 2.5 });
    assert.match(n.warnings[0], /unbounded; searched uniformly over mu ± 3 sigma = \[-0.5, 2.5\]/);
    assert.deepEqual(distOf('{distribution: normal}').dist, { type: 'float', low: -3, high: 3 });
    assert.deepEqual(distOf('{distribution: q_normal, mu: 0, sigma: 1, q: 0.5}').dist, { type: 'float', low: -3, high: 3, step: 0.5 });
    const ln = distOf('{distribution: log_normal, mu: 0, sigma: 1}');
    assert.ok(ln.dist.type === 'float' && ln.dist.log);
    if (ln.dist.type === 'float') {
      close(ln.dist.low, Math.exp(-3));
      close(ln.dist.high, Math.exp(3));
    }
    assert.match(ln.warnings[0], /log-uniformly over exp\(mu ± 3 sigma\)/);
    assert.match(distOf('{distribution: q_log_normal, mu: 0, sigma: 1, q: 2}').warnings[0], /without the quantization q=2/);
  });
});

describe('study file: errors carry file:line:col', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['non-number bound', 'parameters:\n  lr:\n    min: abc\n    max: 1\n', /^sweep\.yaml:3:10: parameters\.lr\.min must be a number, got "abc"$/],
    ['unknown method', `method: bogus\n${HEAD}parameters: {x: {values: [1]}}\n`, /^sweep\.yaml:1:9: method must be one of grid, random, bayes, tpe, gp, sobol, cmaes, nsga2, motpe, auto, lr-find, got "bogus"$/],
    ['bad goal', 'program: t.py\nmetric:\n  name: acc\n  goal: up\nparameters: {x: {values: [1]}}\n', /^sweep\.yaml:4:9: metric\.goal must be one of minimize, maximize, got "up"$/],
    ['YAML syntax', `${HEAD}parameters:\n  x: {values: [1, 2}\n`, /^sweep\.yaml:4:\d+: /],
    ['duplicate key', `${HEAD}parameters:\n  x: {values: [1]}\n  x: {values: [2]}\n`, /^sweep\.yaml:5:3: .*[Uu]nique/],
    ['max below min', `${HEAD}parameters:\n  x:\n    min: 5\n    max: 1\n`, /^sweep\.yaml:6:10: parameters\.x\.max \(1\) must be greater than min \(5\)$/],
    ['log values at zero', `${HEAD}parameters:\n  lr: {distribution: log_uniform_values, min: 0, max: 1}\n`, /^sweep\.yaml:4:47: parameters\.lr\.min must be positive for log_uniform_values, got 0$/],
    ['fractional int bound', `${HEAD}parameters:\n  n: {distribution: int_uniform, min: 1.5, max: 4}\n`, /^sweep\.yaml:4:39: parameters\.n\.min must be a whole number for int_uniform, got 1\.5$/],
    ['empty values', `${HEAD}parameters:\n  n: {values: []}\n`, /^sweep\.yaml:4:15: parameters\.n\.values must not be empty$/],
    ['bad duration', `${HEAD}parameters: {x: {values: [1]}}\ntrial_timeout: soon\n`, /^sweep\.yaml:4:16: trial_timeout must be a positive duration/],
    ['parallel 0', `${HEAD}parameters: {x: {values: [1]}}\nparallel: 0\n`, /^sweep\.yaml:4:11: parallel must be a whole number from 1 to 1024, got 0$/],
    ['unknown executor', `${HEAD}parameters: {x: {values: [1]}}\nexecutor: {type: kubernetes}\n`, /^sweep\.yaml:4:18: executor\.type must be one of local, slurm, got "kubernetes"$/],
    ['not a mapping', '- program: a\n', /^sweep\.yaml:1:1: a study file must be a mapping/],
    ['Slurm time in words', `${HEAD}parameters: {x: {values: [1]}}\nexecutor:\n  type: slurm\n  time: two hours\n`, /^sweep\.yaml:6:9: executor\.time must be a Slurm time limit: minutes \(90\), "H:MM:SS" \("01:30:00"\) or "D-HH:MM:SS" \("2-00:00:00"\), got "two hours"$/],
    ['Slurm memory with a space', `${HEAD}parameters: {x: {values: [1]}}\nexecutor: {type: slurm, mem: 16 GB}\n`, /^sweep\.yaml:4:30: executor\.mem must be a memory size such as 16G, 512M or 16000 \(megabytes\), got "16 GB"$/],
    ['Slurm gpus as a list', `${HEAD}parameters: {x: {values: [1]}}\nexecutor: {type: slurm, gpus: [0, 1]}\n`, /^sweep\.yaml:4:31: executor\.gpus must be a GPU count \(2\) or type:count \("a100:2"\), got a list$/],
    ['Slurm cpus_per_task 0', `${HEAD}parameters: {x: {values: [1]}}\nexecutor: {type: slurm, cpus_per_task: 0}\n`, /^sweep\.yaml:4:40: executor\.cpus_per_task must be a whole number ≥ 1, got 0$/],
    ['Slurm partition with a shell character', `${HEAD}parameters: {x: {values: [1]}}\nexecutor: {type: slurm, partition: "gpu;ls"}\n`, /^sweep\.yaml:4:36: executor\.partition must be a partition name/],
    ['Slurm account with a space', `${HEAD}parameters: {x: {values: [1]}}\nexecutor: {type: slurm, account: "my lab"}\n`, /^sweep\.yaml:4:34: executor\.account must be an account name/],
    ['sbatch line the executor owns', `${HEAD}parameters: {x: {values: [1]}}\nexecutor:\n  type: slurm\n  sbatch:\n    - --qos=high\n    - --output=/tmp/x\n`, /^sweep\.yaml:8:7: executor\.sbatch\[1\]: --output is set by Hyperparameter Studio \(each trial writes stdout\.log in its folder\)$/],
    ['sbatch line with its own key', `${HEAD}parameters: {x: {values: [1]}}\nexecutor: {type: slurm, sbatch: ["#SBATCH --time=10"]}\n`, /^sweep\.yaml:4:34: executor\.sbatch\[0\]: --time has its own setting: use time$/],
    ['sbatch line with a line break', `${HEAD}parameters: {x: {values: [1]}}\nexecutor: {type: slurm, sbatch: ["--qos=a\\nrm -rf ~"]}\n`, /^sweep\.yaml:4:34: executor\.sbatch\[0\]: must be one line/],
    ['array_throttle 0', `${HEAD}parameters: {x: {values: [1]}}\nexecutor: {type: slurm, array_throttle: 0}\n`, /^sweep\.yaml:4:41: executor\.array_throttle must be a whole number ≥ 1, got 0$/],
    ['alias', `${HEAD}anchors: &b {min: 0, max: 1}\nparameters:\n  x: *b\n`, /^sweep\.yaml:5:6: parameters\.x must be a mapping .*alias \(\*b\)/],
    ['hyperband without bounds', `${HEAD}parameters: {x: {values: [1]}}\nearly_terminate: {type: hyperband, eta: 3}\n`, /^sweep\.yaml:4:18: early_terminate \(hyperband\) needs min_iter or max_iter$/],
    ['bad regex', `${HEAD}parameters: {x: {values: [1]}}\nmetric_regex: "loss=(["\n`, /^sweep\.yaml:4:15: metric_regex is not a valid regular expression/],
    ['missing parameters', HEAD, /^sweep\.yaml:1:1: parameters is required/],
    ['command as a string', `${HEAD}parameters: {x: {values: [1]}}\ncommand: python train.py\n`, /^sweep\.yaml:4:10: command must be a list of arguments/],
    ['unknown distribution', `${HEAD}parameters:\n  x: {distribution: gamma, min: 0, max: 1}\n`, /^sweep\.yaml:4:21: parameters\.x\.distribution must be one of constant, categorical, int_uniform/],
    ['negative sigma', `${HEAD}parameters:\n  x: {distribution: normal, sigma: -1}\n`, /^sweep\.yaml:4:36: parameters\.x\.sigma must be positive, got -1$/],
    ['option-like parameter name', `${HEAD}parameters:\n  "--output": {values: [1]}\n`, /^sweep\.yaml:4:3: parameters: parameter name "--output" must start with a letter or _/],
  ];
  for (const [title, text, expected] of cases) {
    it(title, () => {
      const errors = errorsOf(text);
      assert.ok(
        errors.some(e => expected.test(e)),
        `expected ${expected} in:\n${errors.join('\n')}`,
      );
    });
  }

  it('reports several problems at once', () => {
    const errors = errorsOf(`${HEAD}parameters:\n  a: {min: x, max: 1}\n  b: {values: 3}\nparallel: -2\n`);
    assert.equal(errors.length, 3, errors.join('\n'));
  });

  it('gives positions in JSON study files too', () => {
    const errors = errorsOf('{\n  "program": "t.py",\n  "parameters": {\n    "lr": {"min": "x", "max": 1}\n  }\n}\n', '/w/s.json');
    assert.ok(errors.some(e => /^sweep\.yaml:4:19: parameters\.lr\.min must be a number, got "x"$/.test(e)), errors.join('\n'));
  });

  it('refuses huge files before parsing', () => {
    assert.throws(() => parse(`${HEAD}parameters: {x: {values: [1]}}\n# ${'x'.repeat(1024 * 1024)}\n`), /larger than 1048576 bytes/);
  });

  it('survives a deep nesting bomb with a clear error, not a stack overflow', () => {
    const deep = `${HEAD}parameters:\n  x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    assert.throws(() => parse(deep), StudyFileError);
  });
});

describe('parseDuration', () => {
  it('reads seconds and unit suffixes', () => {
    assert.equal(parseDuration('30'), 30_000);
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('30m'), 1_800_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('2d'), 172_800_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('soon'), undefined);
    assert.equal(parseDuration('30 minutes'), undefined);
    assert.equal(parseDuration(''), undefined);
  });
});
