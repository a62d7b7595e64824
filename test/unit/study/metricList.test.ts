import * as assert from 'node:assert/strict';
import { StudyFileError, parseStudyFile } from '../../../src/core/study/studyFile';
import { formatIssue } from '../../../src/core/study/types';

const PARAMS = 'parameters:\n  x: {min: 0.0, max: 1.0}\n';

function parse(text: string) {
  return parseStudyFile(text, '/w/sweep.yaml', { displayName: 'sweep.yaml' });
}
function errorsOf(text: string): string[] {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof StudyFileError, String(err));
    return err.issues.map(formatIssue);
  }
  assert.fail('expected the study file to be rejected');
}

describe('study file: metric as a list of objectives', () => {
  it('reads every objective in order; metric and direction are the first one’s', () => {
    const { config } = parse(`program: train.py\nmetric:\n  - {name: val_accuracy, goal: maximize}\n  - name: model_mb\n${PARAMS}`);
    assert.deepEqual(config.objectives, [
      { name: 'val_accuracy', direction: 'maximize' },
      { name: 'model_mb', direction: 'minimize' },
    ]);
    assert.equal(config.metric, 'val_accuracy');
    assert.equal(config.direction, 'maximize');
  });

  it('a one-item list is a plain single-metric study', () => {
    const { config } = parse(`program: train.py\nmetric: [{name: loss, goal: minimize}]\n${PARAMS}`);
    assert.equal(config.objectives, undefined);
    assert.equal(config.metric, 'loss');
  });

  it('the W&B mapping stays as it was (no objectives)', () => {
    const { config } = parse(`program: train.py\nmetric: {name: acc, goal: maximize, target: 0.9}\n${PARAMS}`);
    assert.equal(config.objectives, undefined);
    assert.equal(config.target, 0.9);
  });

  const cases: [string, string, RegExp][] = [
    ['duplicate name', 'metric:\n  - {name: a}\n  - {name: a, goal: maximize}\n', /^sweep\.yaml:4:12: metric\[1\]\.name "a" is already metric\[0\]/],
    ['bad goal', 'metric:\n  - {name: a}\n  - {name: b, goal: up}\n', /^sweep\.yaml:4:21: metric\[1\]\.goal must be one of minimize, maximize, got "up"/],
    ['target in a list', 'metric:\n  - {name: a, target: 0.1}\n  - {name: b}\n', /^sweep\.yaml:3:15: metric\[0\]\.target: a study with several metrics has no single target/],
    ['item not a mapping', 'metric:\n  - a\n  - {name: b}\n', /^sweep\.yaml:3:5: metric\[0\] must be a mapping \{name, goal\}, got "a"/],
    ['missing name', 'metric:\n  - {goal: maximize}\n  - {name: b}\n', /^sweep\.yaml:3:5: metric\[0\]\.name is required/],
    ['empty list', 'metric: []\n', /^sweep\.yaml:2:9: metric is an empty list/],
    ['single-objective method', 'method: gp\nmetric:\n  - {name: a}\n  - {name: b}\n', /^sweep\.yaml:2:9: method gp models one metric; with several \(metric: \[\.\.\.\]\) use /],
  ];
  for (const [title, text, expected] of cases) {
    it(`refuses ${title} with file:line:col`, () => {
      const errors = errorsOf(`program: train.py\n${text}${PARAMS}`);
      assert.ok(
        errors.some(e => expected.test(e)),
        `expected ${expected} in:\n${errors.join('\n')}`,
      );
    });
  }

  it('warns about an unknown key in an objective', () => {
    const { warnings } = parse(`program: train.py\nmetric:\n  - {name: a, gaol: maximize}\n  - {name: b}\n${PARAMS}`);
    assert.ok(warnings.some(w => /gaol/.test(w.message) && w.line === 3), JSON.stringify(warnings));
  });

  it('turns pruning off with a warning that says why', () => {
    const { config, warnings } = parse(`program: train.py\nmetric:\n  - {name: a}\n  - {name: b}\npruner: median\n${PARAMS}`);
    assert.deepEqual(config.pruner, { type: 'none' });
    assert.ok(
      warnings.some(w => /pruner is ignored: pruning is off in a study with several metrics/.test(w.message)),
      warnings.map(w => w.message).join('\n'),
    );
  });

  it('reads names the built-in line formats cannot read through one implicit regex', () => {
    const { config } = parse(`program: train.py\nmetric:\n  - {name: val mAP, goal: maximize}\n  - {name: val mAP 50, goal: maximize}\n${PARAMS}`);
    const re = new RegExp(config.metricRegex!);
    assert.equal(re.exec('val mAP 50: 0.7')?.groups?.name, 'val mAP 50');
    assert.equal(re.exec('val mAP=0.5')?.groups?.name, 'val mAP');
  });

  it('accepts nsga2 and motpe as methods', () => {
    for (const m of ['nsga2', 'motpe', 'tpe', 'auto', 'random']) {
      const { config } = parse(`program: train.py\nmethod: ${m}\nmetric:\n  - {name: a}\n  - {name: b}\n${PARAMS}`);
      assert.equal(config.sampler, m);
    }
  });
});
