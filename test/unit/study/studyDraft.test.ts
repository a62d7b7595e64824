// "Tune Hyperparameters in This File…" as data: candidates, ranges, the launch guess and the study
// file, which must load with the real study-file parser.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectFile } from '../../../src/core/detect';
import type { DetectedFile } from '../../../src/core/detect/types';
import { parseStudyFile } from '../../../src/core/study/studyFile';
import {
  guessLaunch,
  looksLikeStudy,
  parseRangeInput,
  renderStudyFile,
  studyFilePath,
  studyNameFor,
  studySource,
  tuneCandidates,
  type ParamRange,
} from '../../../src/core/study/studyDraft';
const ROOT = path.resolve(__dirname, '../../..');

const WS = path.join(ROOT, 'test/fixtures/host-workspace');
const detect = (rel: string): DetectedFile => {
  const file = path.join(WS, rel);
  return detectFile(file, fs.readFileSync(file, 'utf8'));
};

describe('study draft: candidates and ranges', () => {
  it('ranks a Hydra model config by impact and pre-selects learning rate, weight decay and dropout', () => {
    const c = tuneCandidates(detect('configs/model/mlp.yaml'), 'hydra');
    assert.deepEqual(c.slice(0, 3).map(x => x.param), ['model.lr', 'model.weight_decay', 'model.dropout']);
    assert.ok(c.slice(0, 3).every(x => x.preselected));
    const lr = c[0];
    assert.equal(lr.rangeSource, 'knowledge');
    assert.ok(lr.range.type === 'float' && lr.range.log, 'learning rate is searched on a log scale');
    // Around the configured 1e-3, inside the typical 1e-6 – 1.
    assert.ok(lr.range.type === 'float' && lr.range.low < 0.001 && lr.range.high > 0.001 && lr.range.low >= 1e-6 && lr.range.high <= 1);
    const dropout = c.find(x => x.param === 'model.dropout')!;
    assert.deepEqual(dropout.range, { type: 'float', low: 0, high: 0.6, log: false });
    const layers = c.find(x => x.param === 'model.num_layers')!;
    assert.equal(layers.range.type, 'int');
    assert.equal(c.find(x => x.key === 'model._target_'), undefined, 'non-hyperparameters are not offered');
  });

  it('uses the flag names of an argparse script and offers batch sizes as powers of two near the default', () => {
    const c = tuneCandidates(detect('train.py'), 'flags');
    const names = c.map(x => x.param);
    assert.deepEqual(names.slice(0, 2), ['lr', 'batch-size']);
    const batch = c.find(x => x.param === 'batch-size')!;
    assert.equal(batch.range.type, 'categorical');
    assert.deepEqual(batch.range.type === 'categorical' && batch.range.choices, [16, 32, 64, 128, 256, 512]);
    const epochs = c.find(x => x.param === 'epochs')!;
    assert.equal(epochs.preselected, false, 'the training budget is not pre-selected');
    assert.equal(c.find(x => x.param === 'data'), undefined);
  });

  it('takes a search domain written in the file over the knowledge base', () => {
    const file: DetectedFile = {
      path: '/w/x.yaml',
      format: 'hydra',
      settings: [
        { key: 'lr', name: 'lr', canonical: 'learning_rate', kind: 'hyperparameter', value: null, raw: '', range: { line: 3, character: 0, endLine: 3, endCharacter: 2 }, search: { type: 'float', low: 0.01, high: 0.1, log: true } },
        { key: 'act', name: 'act', canonical: null, kind: 'hyperparameter', value: 'relu', raw: 'relu', range: { line: 4, character: 0, endLine: 4, endCharacter: 3 } },
        { key: 'style', name: 'style', canonical: null, kind: 'hyperparameter', value: 'fancy', raw: 'fancy', range: { line: 6, character: 0, endLine: 6, endCharacter: 5 } },
        { key: 'flag', name: 'flag', canonical: null, kind: 'hyperparameter', value: true, raw: 'true', range: { line: 5, character: 0, endLine: 5, endCharacter: 4 } },
      ],
    };
    const c = tuneCandidates(file, 'hydra');
    assert.deepEqual(c[0], { key: 'lr', param: 'lr', canonical: 'learning_rate', value: null, range: { type: 'float', low: 0.01, high: 0.1, log: true }, rangeSource: 'file', line: 3, rank: 0, preselected: true });
    // `act` is an alias the knowledge base knows (activation): its choices become the search.
    const act = c.find(x => x.key === 'act');
    assert.equal(act?.rangeSource, 'knowledge');
    assert.ok(act?.range.type === 'categorical' && act.range.choices.includes('relu') && act.range.choices.includes('gelu'));
    assert.equal(c.find(x => x.key === 'style'), undefined, 'a free-form string nobody knows has no range to search');
    assert.deepEqual(c.find(x => x.key === 'flag')?.range, { type: 'categorical', choices: [true, false] });
  });
});

describe('study draft: edited ranges', () => {
  const lr: ParamRange = { type: 'float', low: 1e-4, high: 1e-2, log: true };
  const bs: ParamRange = { type: 'int', low: 8, high: 64, log: false };
  it('parses ranges and lists', () => {
    assert.deepEqual(parseRangeInput('1e-5 .. 3e-3', lr), { type: 'float', low: 1e-5, high: 3e-3, log: true });
    assert.deepEqual(parseRangeInput('0.1 to 0.9 linear', lr), { type: 'float', low: 0.1, high: 0.9, log: false });
    assert.deepEqual(parseRangeInput('16 .. 256 log', bs), { type: 'int', low: 16, high: 256, log: true });
    assert.deepEqual(parseRangeInput('8, 16, 32', bs), { type: 'categorical', choices: [8, 16, 32] });
    assert.deepEqual(parseRangeInput('adam, "sgd", true', bs), { type: 'categorical', choices: ['adam', 'sgd', true] });
  });
  it('explains what is wrong with a bad range', () => {
    assert.match(parseRangeInput('', lr) as string, /enter a range/);
    assert.match(parseRangeInput('5 .. 1', lr) as string, /low end \(5\) must be below the high end \(1\)/);
    assert.match(parseRangeInput('0 .. 1 log', lr) as string, /log-scale range needs a positive low end/);
    assert.match(parseRangeInput('abc', lr) as string, /at least two comma-separated choices/);
    assert.match(parseRangeInput('a, a', lr) as string, /must be different/);
    assert.match(parseRangeInput('1,'.repeat(2000), lr) as string, /too long/);
  });
});

describe('study draft: launch guess and study file', () => {
  const exists = (f: string) => fs.existsSync(f);
  it('runs a script itself with flags', () => {
    const g = guessLaunch({ configFile: path.join(WS, 'train.py'), workspace: WS, detected: detect('train.py'), launchConfigurations: [], exists });
    assert.deepEqual(g, { program: 'train.py', command: undefined, argStyle: 'flags', basis: 'train.py itself, with --name=value flags', needsConfirmation: false });
    const js = guessLaunch({ configFile: '/w/train.js', workspace: '/w', detected: { path: '/w/train.js', format: null, settings: [] }, launchConfigurations: [], exists });
    assert.deepEqual(js?.command, ['${env}', 'node', '${program}', '${args}']);
  });

  it('prefers the program of a python launch configuration, with its fixed args', () => {
    const g = guessLaunch({
      configFile: path.join(WS, 'configs/train.yaml'),
      workspace: WS,
      detected: detect('configs/train.yaml'),
      launchConfigurations: [{ type: 'node', request: 'launch', name: 'other' }, { type: 'debugpy', name: 'Train', program: '${workspaceFolder}/train.py', args: ['--data', '/d', '${command:pickArgs}'] }],
      exists,
    });
    assert.equal(g?.program, '../train.py');
    assert.equal(g?.argStyle, 'hydra');
    assert.deepEqual(g?.command, ['${env}', '${interpreter}', '${program}', '--data', '/d', '${args}']);
    assert.match(g?.basis ?? '', /launch configuration "Train"/);
  });

  it('guesses the nearest train.py with Hydra overrides for a Hydra config, to be confirmed', () => {
    const g = guessLaunch({ configFile: path.join(WS, 'configs/model/mlp.yaml'), workspace: WS, detected: detect('configs/model/mlp.yaml'), launchConfigurations: [], exists });
    assert.deepEqual(g && { program: g.program, argStyle: g.argStyle, needsConfirmation: g.needsConfirmation }, { program: '../../train.py', argStyle: 'hydra', needsConfirmation: true });
    const none = guessLaunch({ configFile: '/nowhere/x.yaml', workspace: '/nowhere', detected: { path: '/nowhere/x.yaml', format: null, settings: [] }, launchConfigurations: [], exists: () => false });
    assert.equal(none, undefined);
  });

  it('writes a study file the study parser loads, with the chosen parameters and the source header', () => {
    const configFile = path.join(WS, 'configs/model/mlp.yaml');
    const candidates = tuneCandidates(detect('configs/model/mlp.yaml'), 'hydra').filter(c => c.preselected);
    const launch = guessLaunch({ configFile, workspace: WS, detected: detect('configs/model/mlp.yaml'), launchConfigurations: [], exists })!;
    const text = renderStudyFile({ name: studyNameFor(configFile), source: 'mlp.yaml', launch, params: candidates, metric: 'val_loss', goal: 'minimize', trials: 12, parallel: 2, date: '2026-01-01' });
    assert.equal(studySource(text), 'mlp.yaml');
    const studyFile = path.join(WS, 'configs/model/mlp.study.yaml');
    const parsed = parseStudyFile(text, studyFile);
    assert.deepEqual(parsed.warnings, []);
    const config = parsed.config;
    assert.equal(config.name, 'mlp');
    assert.equal(config.metric, 'val_loss');
    assert.equal(config.limits.trials, 12);
    assert.equal(config.launch.argStyle, 'hydra');
    assert.equal(config.launch.program, '../../train.py');
    assert.deepEqual(config.space.params.map(p => p.name), candidates.map(c => c.param));
    const byName = new Map(config.space.params.map(p => [p.name, p.distribution]));
    for (const c of candidates) {
      const d = byName.get(c.param)!;
      if (c.range.type === 'categorical') assert.equal(d.type, 'categorical');
      else assert.deepEqual({ type: d.type, low: (d as { low: number }).low, high: (d as { high: number }).high, log: (d as { log?: boolean }).log ?? false }, { type: c.range.type, low: c.range.low, high: c.range.high, log: c.range.log });
    }
  });

  it('loads the study file of an argparse script with an int log range and categorical choices', () => {
    const candidates = tuneCandidates(detect('train.py'), 'flags');
    const params = [...candidates.filter(c => c.preselected), { param: 'hidden', range: { type: 'int', low: 4, high: 64, log: true } as ParamRange }];
    const launch = guessLaunch({ configFile: path.join(WS, 'train.py'), workspace: WS, detected: detect('train.py'), launchConfigurations: [], exists })!;
    const text = renderStudyFile({ name: 'train', source: 'train.py', launch, params, metric: 'accuracy', goal: 'maximize', trials: 5, parallel: 1, gpus: ['0', '1'], date: '2026-01-01' });
    const config = parseStudyFile(text, path.join(WS, 'train.study.yaml')).config;
    assert.deepEqual(config.gpus, ['0', '1']);
    assert.equal(config.direction, 'maximize');
    assert.deepEqual(config.space.params.find(p => p.name === 'hidden')?.distribution, { type: 'int', low: 4, high: 64, log: true });
    assert.equal(config.space.params.find(p => p.name === 'batch-size')?.distribution.type, 'categorical');
    assert.throws(() => renderStudyFile({ name: 'x', source: 'x', launch, params: [], metric: 'm', goal: 'minimize', trials: 1, parallel: 1, date: '' }), /at least one hyperparameter/);
  });

  it('names study files after the config and never overwrites one', () => {
    assert.equal(studyNameFor('/w/configs/my config!.yaml'), 'my-config-');
    assert.equal(studyNameFor('/w/.hidden.yaml'), 'hidden');
    const taken = new Set(['/w/train.study.yaml', '/w/train-2.study.yaml']);
    assert.equal(studyFilePath('/w/train.yaml', f => taken.has(f)), '/w/train-3.study.yaml');
  });

  it('recognises study files by name and content', () => {
    assert.equal(looksLikeStudy('/w/a.study.yaml', ''), true);
    assert.equal(looksLikeStudy('/w/sweep.yaml', 'program: t.py\nparameters:\n  lr: {min: 0.1, max: 1}\n'), true);
    assert.equal(looksLikeStudy('/w/sweep.yaml', 'parameters: {}\n'), false);
    assert.equal(looksLikeStudy('/w/train.yaml', 'program: t.py\nparameters: {}\n'), false);
  });
});
