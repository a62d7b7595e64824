/**
 * What a study file is refused for at load, with its line:column, because the study would otherwise
 * fail only once its journal exists (issue #16 items 7 and 8): durations no timer can honour, an empty
 * search space, a grid that cannot be enumerated, a metric_regex without a named group, environment
 * names no process can receive, and parameter names that are not data in a JavaScript object.
 */
import * as assert from 'node:assert/strict';
import { MAX_GRID_POINTS } from '../../../src/core/search/samplers/basic';
import { parseStudyFile, StudyFileError } from '../../../src/core/study/studyFile';
import { formatIssue } from '../../../src/core/study/types';

const HEAD = 'program: train.py\nmetric: {name: loss}\n';
const X = 'parameters: {x: {values: [1, 2]}}\n';
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

function expectError(text: string, expected: RegExp): void {
  const errors = errorsOf(text);
  assert.ok(errors.some(e => expected.test(e)), `expected ${expected} in:\n${errors.join('\n')}`);
}

const DAY = 86_400_000;

describe('study file: durations (trial_timeout, flapping.window_s)', () => {
  it('keeps long timeouts past 2^31 ms exactly (30d, 25d, seconds as a number)', () => {
    assert.equal(parse(`${HEAD}${X}trial_timeout: 30d\n`).config.limits.trialTimeoutMs, 30 * DAY);
    assert.equal(parse(`${HEAD}${X}trial_timeout: 25d\n`).config.limits.trialTimeoutMs, 25 * DAY);
    assert.equal(parse(`${HEAD}${X}trial_timeout: 2592000\n`).config.limits.trialTimeoutMs, 30 * DAY);
    assert.equal(parse(`${HEAD}${X}trial_timeout: 1h30m\n`).config.limits.trialTimeoutMs, 5_400_000);
    assert.equal(parse(`${HEAD}${X}trial_timeout: 0.5\n`).config.limits.trialTimeoutMs, 500);
  });

  const refused: Array<[string, string, RegExp]> = [
    ['a duration under 1 ms', 'trial_timeout: 0.0000001\n', /^sweep\.yaml:4:16: trial_timeout of 0\.0000001 is shorter than 1 ms, which no timer can measure/],
    ['zero', 'trial_timeout: 0\n', /^sweep\.yaml:4:16: trial_timeout must be a positive duration, got 0$/],
    ['a negative number', 'trial_timeout: -5\n', /^sweep\.yaml:4:16: trial_timeout must be a positive duration, got -5$/],
    ['NaN', 'trial_timeout: .nan\n', /^sweep\.yaml:4:16: trial_timeout must be a positive duration, got \.nan$/],
    ['infinity', 'trial_timeout: .inf\n', /^sweep\.yaml:4:16: trial_timeout of \.inf is more than 100 years; leave trial_timeout out for no limit$/],
    ['a thousand years', 'trial_timeout: 365000d\n', /^sweep\.yaml:4:16: trial_timeout of 365000d is more than 100 years/],
    ['0s', 'trial_timeout: 0s\n', /^sweep\.yaml:4:16: trial_timeout must be a positive duration, got 0s$/],
    ['an unknown unit', 'trial_timeout: 3w\n', /^sweep\.yaml:4:16: trial_timeout must be a positive duration .*unknown unit "w"; the units are ms, s, m, h, d/],
    ['a flapping window under 1 ms', 'flapping: {max_failures: 3, window_s: 1e-9}\n', /^sweep\.yaml:4:39: flapping\.window_s of 1e-9 is shorter than 1 ms/],
    ['a flapping window of 0', 'flapping: {max_failures: 3, window_s: 0}\n', /^sweep\.yaml:4:39: flapping\.window_s must be a positive duration, got 0$/],
  ];
  for (const [title, line, expected] of refused) it(`refuses ${title} with its line:column`, () => expectError(`${HEAD}${X}${line}`, expected));
});

describe('study file: errors that would otherwise surface once the study exists', () => {
  it('refuses an empty parameters mapping', () => {
    expectError(`${HEAD}parameters: {}\n`, /^sweep\.yaml:3:13: parameters is empty: give at least one hyperparameter to search/);
  });

  it('refuses parameters that are all constants (every trial would be the same; no sampler runs it)', () => {
    expectError(`${HEAD}parameters:\n  seed: {value: 1}\n  epochs: {value: 3}\n`, /^sweep\.yaml:4:3: parameters has nothing to search: seed, epochs are constants/);
  });

  it('refuses a grid over a continuous range, at that parameter', () => {
    expectError(`method: grid\n${HEAD}parameters:\n  x: {values: [1, 2]}\n  lr: {min: 0.001, max: 0.1}\n`, /^sweep\.yaml:6:3: parameters\.lr: grid search needs a list of values, and lr is a continuous range/);
  });

  it(`refuses a grid of 10^12 points (more than ${MAX_GRID_POINTS.toLocaleString('en-US')}), at method`, () => {
    const params = Array.from({ length: 4 }, (_, i) => `  p${i}: {distribution: int_uniform, min: 1, max: 1000}\n`).join('');
    expectError(`method: grid\n${HEAD}parameters:\n${params}`, /^sweep\.yaml:1:9: method grid: the grid has 1,000,000,000,000 points \(p0: 1,000 × p1: 1,000 × p2: 1,000 × p3: 1,000\)/);
  });

  it('accepts a grid of steps and lists, and a continuous range for other methods', () => {
    assert.equal(parse(`method: grid\n${HEAD}parameters:\n  x: {values: [1, 2]}\n  w: {distribution: q_uniform, min: 0, max: 1, q: 0.25}\n`).config.space.params.length, 2);
    assert.equal(parse(`method: random\n${HEAD}parameters:\n  lr: {min: 0.001, max: 0.1}\n`).config.space.params.length, 1);
  });

  it('refuses a metric_regex without a named group, and says which group the objective needs', () => {
    expectError(`${HEAD}${X}metric_regex: 'loss=([0-9.]+)'\n`, /^sweep\.yaml:4:15: metric_regex: .*needs named groups/);
    expectError(`program: train.py\nmetric: {name: val_loss}\n${X}metric_regex: 'val_loss=(?<value>[0-9.]+)'\n`, /^sweep\.yaml:4:15: metric_regex: .*needs named groups.*; for the objective write \(\?<val_loss>…\)$/);
  });

  it('warns when a metric_regex names other metrics but not the objective (the usual formats still read it)', () => {
    const { warnings } = parse(`${HEAD}${X}metric_regex: 'acc=(?<acc>[0-9.]+)'\n`);
    assert.match(warnings.map(formatIssue).join('\n'), /^sweep\.yaml:4:15: metric_regex has no \(\?<loss>…\) group/m);
    assert.deepEqual(parse(`${HEAD}${X}metric_regex: 'L=(?<loss>[0-9.]+)'\n`).warnings, []);
  });

  const badEnv: Array<[string, string, RegExp]> = [
    ['a name with =', 'env: {"A=B": "1"}\n', /^sweep\.yaml:4:7: env: "A=B" cannot be an environment variable name: it contains "="/],
    ['an empty name', 'env: {"": "1"}\n', /^sweep\.yaml:4:7: env: "" cannot be an environment variable name: it is empty/],
    ['a NUL in a name', 'env: {"A\\0B": "1"}\n', /^sweep\.yaml:4:7: env: "A\\u0000B" cannot be an environment variable name: it contains a NUL character/],
    ['__proto__', 'env: {__proto__: "1"}\n', /^sweep\.yaml:4:7: env: "__proto__" cannot be an environment variable name: it is reserved/],
    ['a NUL in a value', 'env: {A: "x\\0y"}\n', /^sweep\.yaml:4:10: env\.A contains a NUL character/],
  ];
  for (const [title, line, expected] of badEnv) it(`refuses env with ${title}`, () => expectError(`${HEAD}${X}${line}`, expected));

  for (const name of ['__proto__', 'constructor', 'prototype']) {
    it(`refuses a parameter named ${name} (it was silently dropped)`, () => {
      expectError(`${HEAD}parameters:\n  x: {values: [1]}\n  ${name}: {values: [1, 2]}\n`, new RegExp(`^sweep\\.yaml:5:3: parameters: ${name} cannot be a parameter name`));
    });
  }

  it('refuses __proto__ inside a nested parameter and in a dotted name', () => {
    expectError(`${HEAD}parameters:\n  opt:\n    parameters:\n      __proto__: {values: [1, 2]}\n`, /^sweep\.yaml:6:7: parameters: __proto__ cannot be a parameter name/);
    expectError(`${HEAD}parameters:\n  a.__proto__: {values: [1, 2]}\n`, /^sweep\.yaml:4:3: parameters: __proto__ cannot be a parameter name/);
  });

  it('keeps __proto__ as a data key inside a value (passed to the program, never a prototype)', () => {
    const { config } = parse(`${HEAD}parameters:\n  x: {values: [1, 2]}\n  opt: {value: {__proto__: {polluted: 1}, lr: 2}}\n`);
    assert.match(String(config.constants.opt), /'__proto__': \{'polluted': 1\}/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
