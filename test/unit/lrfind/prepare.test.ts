import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LaunchGuessError, lrFindFileFor, lrFindInputKind, prepareLrFind } from '../../../src/core/lrfind/prepare';
import { LrFindInputError } from '../../../src/core/lrfind/source';

const QUICKSTART = path.resolve(__dirname, '../../../examples/quickstart');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hps-lrprep-'));
}

describe('preparing an lr-find', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('a config tuned by a study file: the study\'s launch, its range, the other parameters at the config\'s values', () => {
    const dir = tmp();
    dirs.push(dir);
    fs.cpSync(QUICKSTART, dir, { recursive: true });
    const input = path.join(dir, 'config.json');
    assert.equal(lrFindInputKind(input), 'config-study');
    const p = prepareLrFind({ input, workspace: dir, date: '2026-01-01' });
    assert.equal(p.studyFile, path.join(dir, 'sweep.lrfind.study.yaml'));
    assert.equal(p.created, true);
    assert.equal(p.config.name, 'quickstart-lrfind');
    assert.equal(p.config.sampler, 'lr-find');
    assert.deepEqual(p.config.space.params.map(x => x.name), ['lr']);
    assert.deepEqual(p.config.constants, { batch_size: 32, hidden: 16, momentum: 0, epochs: 30, delay_ms: 40 });
    assert.equal(p.config.limits.trials, 11);
    assert.deepEqual(p.config.pruner, { type: 'lr-find', max_reports: 10 });
    assert.equal(p.config.launch.program, 'train.js');
    assert.deepEqual(p.notes, ['trials run as sweep.yaml runs them (it tunes config.json)', "the study's other parameters are fixed at the config's values: batch_size=32, hidden=16, momentum=0"]);
    // Written once: the next call reuses it (and its study resumes); options that would change it are refused.
    const again = prepareLrFind({ input: path.join(dir, 'sweep.yaml'), workspace: dir });
    assert.equal(again.created, false);
    // From the config again, naming its rate as the hover does: the same lr-find, reused.
    assert.equal(prepareLrFind({ input, workspace: dir, param: 'lr' }).created, false);
    assert.equal(prepareLrFind({ input, workspace: dir }).studyFile, p.studyFile);
    assert.match(again.notes.join('\n'), /using sweep\.lrfind\.study\.yaml, written earlier/);
    assert.throws(() => prepareLrFind({ input: path.join(dir, 'sweep.yaml'), workspace: dir, points: 5 }), /exists already \(an earlier lr-find\); edit it, or pass --fresh/);
    const fresh = prepareLrFind({ input: path.join(dir, 'sweep.yaml'), workspace: dir, points: 5, fresh: true, studyExists: n => n === 'quickstart-lrfind' });
    assert.equal(fresh.config.name, 'quickstart-lrfind-2');
    assert.equal(fresh.config.limits.trials, 5);
    assert.throws(() => prepareLrFind({ input: fresh.studyFile, workspace: dir, points: 3 }), /is an lr-find already/);
    assert.equal(prepareLrFind({ input: fresh.studyFile, workspace: dir }).studyFile, fresh.studyFile);
  });

  it('a config alone: its learning rate, the knowledge base\'s range for its optimizer, a guessed program to confirm', () => {
    const dir = tmp();
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, 'conf'));
    fs.writeFileSync(path.join(dir, 'train.py'), 'print("loss: 1")\n');
    const input = path.join(dir, 'conf', 'model.yaml');
    fs.writeFileSync(input, 'optimizer:\n  _target_: torch.optim.AdamW\n  lr: 0.0003\n  weight_decay: 0.01\nbatch_size: 64\n');
    assert.equal(lrFindInputKind(input), 'config');
    let guess: LaunchGuessError | undefined;
    try {
      prepareLrFind({ input, workspace: dir });
    } catch (err) {
      guess = err as LaunchGuessError;
    }
    assert.ok(guess instanceof LaunchGuessError, String(guess));
    assert.equal(guess.guess?.program, '../train.py');
    assert.match(guess.message, /trials would run \.\.\/train\.py \(a guess: train\.py with Hydra overrides/);
    const p = prepareLrFind({ input, workspace: dir, acceptGuess: true, date: '2026-01-01' });
    assert.equal(p.studyFile, path.join(dir, 'conf', 'model.lrfind.study.yaml'));
    assert.equal(p.config.name, 'model-lrfind');
    assert.deepEqual(p.config.space.params.map(x => x.name), ['optimizer.lr']);
    const d = p.config.space.params[0].distribution as { low: number; high: number };
    assert.ok(d.low <= 3e-5 && d.high >= 3e-3 && Math.log10(d.high / d.low) <= 5, `${d.low} … ${d.high}`);
    assert.match(p.notes.join('\n'), /range of optimizer\.lr: the knowledge base \(.*Adam/);
    assert.equal(p.config.metric, 'loss');
    assert.equal(lrFindFileFor(input), p.studyFile);
  });

  it('keeps the study\'s executor: an lr-find of a Slurm study runs its trials as Slurm jobs', () => {
    const dir = tmp();
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'train.py'), 'print("loss: 1")\n');
    const input = path.join(dir, 'sweep.yaml');
    fs.writeFileSync(input, 'name: big\nprogram: train.py\nmethod: bayes\nmetric: {name: loss, goal: minimize}\nparameters:\n  learning_rate: {distribution: log_uniform_values, min: 1e-5, max: 1e-2}\n  epochs: {value: 3}\nexecutor:\n  type: slurm\n  partition: gpu\n  time: "00:30:00"\nrun_cap: 40\nparallel: 8\n');
    const p = prepareLrFind({ input, workspace: dir });
    assert.equal(p.config.executor.type, 'slurm');
    assert.equal((p.config.executor as { partition?: string }).partition, 'gpu');
    assert.equal(p.config.limits.parallel, 8);
    assert.deepEqual(p.config.space.params.map(x => x.name), ['learning_rate']);
    assert.deepEqual(p.config.constants, { epochs: 3 });
  });

  it('says what is missing: no learning rate, no program, a notebook', () => {
    const dir = tmp();
    dirs.push(dir);
    const input = path.join(dir, 'gbdt.yaml');
    fs.writeFileSync(input, 'max_depth: 6\nn_estimators: 300\nsubsample: 0.8\n');
    assert.throws(() => prepareLrFind({ input, workspace: dir }), (err: Error) => err instanceof LrFindInputError && /found no learning rate in .*gbdt\.yaml \(its hyperparameters: max_depth, n_estimators, subsample\); name the setting with --param NAME/.test(err.message));
    const lone = path.join(dir, 'train.yaml');
    fs.writeFileSync(lone, 'lr: 0.01\nepochs: 3\n');
    assert.throws(() => prepareLrFind({ input: lone, workspace: dir }), /cannot tell which program trains with train\.yaml; pass --program FILE/);
    const nb = path.join(dir, 'x.ipynb');
    fs.writeFileSync(nb, '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}');
    assert.throws(() => prepareLrFind({ input: nb, workspace: dir }), /an lr-find of a notebook runs through its study file/);
  });
});
