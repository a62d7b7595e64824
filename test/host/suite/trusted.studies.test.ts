// Tuning from the editor, in the real VS Code extension host: the worker is forked from dist/worker.js
// and trials are real processes running the quickstart trainer.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { processesIn, waitFor } from '../../integration/worker/helpers';
import { loadStudyFile } from '../../../src/core/study/studyFile';
import { readJournal } from '../../../src/core/study/journal';
import type { StudySnapshot } from '../../../src/core/study/studyIndex';

const studies = async () => (await vscode.commands.executeCommand<StudySnapshot[]>('hpstudio.getStudies')) ?? [];

describe('studies from the editor (trusted workspace)', function () {
  this.timeout(300_000);
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const quickstart = () => path.join(root(), 'quickstart');

  before(async () => {
    // Activate the extension (a YAML file does) before calling its commands.
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(quickstart(), 'sweep.yaml')));
    await waitFor('activation', () => vscode.extensions.getExtension('hpstudio.hpstudio')?.isActive);
  });

  it('runs the quickstart study to completion through hpstudio.startStudy', async () => {
    const uri = vscode.Uri.file(path.join(quickstart(), 'sweep.yaml'));
    const t0 = Date.now();
    const result = await vscode.commands.executeCommand<{ started: boolean; study: string; journalDir: string }>('hpstudio.startStudy', uri);
    assert.equal(result?.started, true, JSON.stringify(result));
    assert.equal(result.study, 'quickstart');
    const done = await waitFor('the study to finish', async () => (await studies()).find(s => s.name === 'quickstart' && s.state === 'finished'));
    const seconds = (Date.now() - t0) / 1000;
    console.log(`      quickstart from the editor: ${done.done} trials in ${seconds.toFixed(1)} s = ${((done.done / seconds) * 60).toFixed(1)} trials/min`);
    assert.equal(done.done, 16);
    assert.equal(done.counts.complete + done.counts.pruned + done.counts.fail, 16);
    assert.ok(done.counts.complete >= 1, 'some trials completed');
    assert.ok(done.best && Number.isFinite(done.best.value), 'the controller knows the best trial');
    const journal = readJournal(path.join(result.journalDir, 'journal.jsonl')).study;
    assert.equal(journal.trials.length, 16);
    for (const t of done.trials) assert.equal(journal.trials[t.number].state, t.state, `trial ${t.number} agrees with the journal`);
    assert.deepEqual(processesIn(quickstart()), []);
  });

  it('shows Start/Resume CodeLenses on a study file and Tune on a config', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(path.join(quickstart(), 'sweep.yaml')));
    const titles = lenses.map(l => l.command?.title ?? '');
    assert.ok(titles.includes('$(play) Start study'), titles.join(' | '));
    assert.ok(titles.includes('$(graph-line) Show curves'), titles.join(' | '));
    await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(root(), 'configs/model/mlp.yaml')));
    const config = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(path.join(root(), 'configs/model/mlp.yaml')));
    assert.ok(config.some(l => /^\$\(beaker\) Tune \d+ hyperparameters$/.test(l.command?.title ?? '')), config.map(l => l.command?.title).join(' | '));
  });

  it('stops a running study with hpstudio.stopStudy: no trial process survives', async () => {
    const dir = quickstart();
    const text = fs.readFileSync(path.join(dir, 'sweep.yaml'), 'utf8').replace('name: quickstart', 'name: stoppable').replace('delay_ms:\n    value: 40', 'delay_ms:\n    value: 500');
    const file = path.join(dir, 'stoppable.study.yaml');
    fs.writeFileSync(file, text);
    const result = await vscode.commands.executeCommand<{ started: boolean }>('hpstudio.startStudy', vscode.Uri.file(file));
    assert.equal(result?.started, true, JSON.stringify(result));
    await waitFor('two trial processes', () => processesIn(dir).length >= 2);
    await waitFor('the controller to see it running', async () => (await studies()).find(s => s.name === 'stoppable' && s.state === 'running' && s.runner === 'here'));
    const t0 = Date.now();
    const stopped = await vscode.commands.executeCommand<{ stopped: boolean; status: string }>('hpstudio.stopStudy', 'stoppable');
    const left = processesIn(dir);
    console.log(`      cancel-to-gone from the editor: ${Date.now() - t0} ms`);
    assert.deepEqual(stopped, { stopped: true, study: 'stoppable', status: 'interrupted' });
    assert.deepEqual(left, [], 'every trial process is gone when stopStudy resolves');
    const s = await waitFor('the stopped state', async () => (await studies()).find(x => x.name === 'stoppable' && x.state === 'stopped'));
    assert.ok(s.counts.waiting >= 1, 'interrupted trials are queued for resume');
  });

  it('reports a missing program clearly and the extension host keeps working', async () => {
    const dir = quickstart();
    const file = path.join(dir, 'missing.study.yaml');
    fs.writeFileSync(file, fs.readFileSync(path.join(dir, 'sweep.yaml'), 'utf8').replace('name: quickstart', 'name: missing').replace('program: train.js', 'program: no-such-train.js'));
    const result = await vscode.commands.executeCommand<{ started: boolean; error: string }>('hpstudio.startStudy', vscode.Uri.file(file), { quiet: true });
    assert.equal(result?.started, false);
    assert.match(result.error, /program no-such-train\.js not found in /);
    assert.ok(!fs.existsSync(path.join(root(), '.hpstudio/studies/missing')), 'nothing was started');
    // The host and the worker still answer.
    assert.ok((await studies()).some(s => s.name === 'quickstart'));
    const again = await vscode.commands.executeCommand<{ started: boolean; error?: string }>('hpstudio.startStudy', vscode.Uri.file(path.join(dir, 'sweep.yaml')), { quiet: true });
    assert.equal(again?.started, false);
    assert.match(again.error ?? '', /already exists/);
  });

  it('shows study-file errors with file:line:col before the study exists; once fixed, the same file starts (no "already exists")', async () => {
    const dir = quickstart();
    const file = path.join(dir, 'broken.study.yaml');
    const good = fs.readFileSync(path.join(dir, 'sweep.yaml'), 'utf8').replace('name: quickstart', 'name: broken').replace('run_cap: 16', 'run_cap: 4');
    const withTimeout = (t: string) => good.replace(/^trial_timeout: .*$/m, `trial_timeout: ${t}`);
    // A timeout no timer can measure and a grid over a continuous range (lr): both used to fail only once trials ran.
    fs.writeFileSync(file, withTimeout('0.0000001').replace(/^method: \w+$/m, 'method: grid'));
    const result = await vscode.commands.executeCommand<{ started: boolean; error: string }>('hpstudio.startStudy', vscode.Uri.file(file), { quiet: true });
    assert.equal(result?.started, false, JSON.stringify(result));
    assert.match(result.error, /broken\.study\.yaml:\d+:3: parameters\.lr: grid search needs a list of values/);
    assert.match(result.error, /broken\.study\.yaml:\d+:16: trial_timeout of 0\.0000001 is shorter than 1 ms/);
    assert.ok(!fs.existsSync(path.join(root(), '.hpstudio/studies/broken')), 'no study folder or journal');
    fs.writeFileSync(file, withTimeout('30d'));
    const fixed = await vscode.commands.executeCommand<{ started: boolean; error?: string }>('hpstudio.startStudy', vscode.Uri.file(file), { quiet: true });
    assert.equal(fixed?.started, true, JSON.stringify(fixed));
    const done = await waitFor('the fixed study to finish', async () => (await studies()).find(s => s.name === 'broken' && s.state === 'finished'));
    // trial_timeout: 30d is past 2^31 ms: trials must run to their end, not be stopped after 1 ms.
    assert.ok(done.counts.complete >= 1, JSON.stringify(done.counts));
    assert.equal(done.trials.filter(t => /timed out/.test(t.error ?? '')).length, 0, JSON.stringify(done.trials));
  });

  it('runs a study file again under the next free name (the card\'s "Run again"), leaving the first study as it was', async () => {
    const uri = vscode.Uri.file(path.join(quickstart(), 'sweep.yaml'));
    const result = await vscode.commands.executeCommand<{ started: boolean; study: string; journalDir: string }>('hpstudio.startStudy', uri, { rerun: true });
    assert.equal(result?.started, true, JSON.stringify(result));
    assert.equal(result.study, 'quickstart-2');
    assert.equal(result.journalDir, path.join(root(), '.hpstudio', 'studies', 'quickstart-2'));
    const stopped = await vscode.commands.executeCommand<{ stopped: boolean }>('hpstudio.stopStudy', 'quickstart-2');
    assert.equal(stopped?.stopped, true);
    assert.equal(readJournal(path.join(result.journalDir, 'journal.jsonl')).study.header.name, 'quickstart-2');
    const first = (await studies()).find(s => s.name === 'quickstart');
    assert.equal(first?.done, 16, 'the first study is untouched');
    assert.deepEqual(processesIn(quickstart()), []);
  });

  it('resumes a stopped study: finished trials are kept and the numbering continues', async () => {
    const before = (await studies()).find(s => s.name === 'stoppable')!;
    const kept = before.trials.filter(t => t.state === 'complete' || t.state === 'pruned');
    const result = await vscode.commands.executeCommand<{ started: boolean }>('hpstudio.resumeStudy', 'stoppable');
    assert.equal(result?.started, true, JSON.stringify(result));
    // The queued (interrupted) trials run first, under their own numbers.
    await waitFor('a running trial', async () => (await studies()).find(s => s.name === 'stoppable' && s.runner === 'here' && s.counts.running > 0));
    const stopped = await vscode.commands.executeCommand<{ stopped: boolean }>('hpstudio.stopStudy', 'stoppable');
    assert.equal(stopped?.stopped, true);
    const after = readJournal(path.join(before.journalDir, 'journal.jsonl')).study;
    for (const t of kept) assert.equal(after.trials[t.number].state, t.state);
    const rerun = after.trials.filter(t => t.retryOf !== undefined && t.number >= before.trials.length - before.counts.waiting);
    assert.ok(rerun.length >= 1, 'the re-queued trials ran again');
    assert.equal(new Set(after.trials.map(t => t.number)).size, after.trials.length, 'no duplicate trial numbers');
    assert.deepEqual(processesIn(quickstart()), []);
  });

  it('resumes a study whose runner died (reload mid-study): completed trials kept, the orphan failed, numbering continues', async () => {
    const dir = quickstart();
    const file = path.join(dir, 'crashed.study.yaml');
    fs.writeFileSync(file, fs.readFileSync(path.join(dir, 'sweep.yaml'), 'utf8').replace('name: quickstart', 'name: crashed').replace('run_cap: 16', 'run_cap: 4'));
    const config = loadStudyFile(file).config;
    // A runner that existed and is gone: its pid is dead, its lock and a running trial are left behind.
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise(r => dead.on('exit', r));
    const pid = dead.pid as number;
    const journalDir = path.join(root(), '.hpstudio', 'studies', 'crashed');
    fs.mkdirSync(journalDir, { recursive: true });
    const host = os.hostname();
    const records = [
      { op: 'study', v: 1, name: 'crashed', space: config.space, direction: 'minimize', metric: 'val_loss', sampler: 'auto', seed: 7, studyFile: file, time: 1 },
      { op: 'trial', number: 0, params: { lr: 0.05, batch_size: 32, hidden: 16, momentum: 0.5 }, state: 'running', pid, host, time: 2 },
      { op: 'value', number: 0, step: 1, value: 0.9 },
      { op: 'finish', number: 0, state: 'complete', value: 0.42, time: 3 },
      { op: 'trial', number: 1, params: { lr: 0.01, batch_size: 16, hidden: 8, momentum: 0.1 }, state: 'running', pid, host, time: 4 },
    ];
    fs.writeFileSync(path.join(journalDir, 'journal.jsonl'), records.map(r => JSON.stringify(r)).join('\n') + '\n');
    fs.writeFileSync(path.join(journalDir, 'lock'), JSON.stringify({ pid, host, time: Date.now() }));
    const crashed = await waitFor('the controller to see the crash', async () => (await studies()).find(s => s.name === 'crashed' && s.state === 'crashed'));
    assert.match(crashed.reason ?? '', new RegExp(`pid ${pid}`));

    const result = await vscode.commands.executeCommand<{ started: boolean }>('hpstudio.resumeStudy', 'crashed');
    assert.equal(result?.started, true, JSON.stringify(result));
    const done = await waitFor('the resumed study to finish', async () => (await studies()).find(s => s.name === 'crashed' && s.state === 'finished'));
    const journal = readJournal(path.join(journalDir, 'journal.jsonl')).study;
    assert.equal(journal.trials[0].state, 'complete');
    assert.equal(journal.trials[0].value, 0.42, 'the completed trial is kept as it was');
    assert.equal(journal.trials[1].state, 'fail');
    assert.match(journal.trials[1].error ?? '', /interrupted/);
    assert.deepEqual(journal.trials.map(t => t.number), journal.trials.map((_, i) => i), 'numbers continue without gaps or duplicates');
    assert.equal(done.done, 4);
    assert.deepEqual(processesIn(dir), []);
  });

  it('pauses a study whose trials keep failing fast, with their stderr (flapping guard)', async () => {
    const dir = quickstart();
    fs.writeFileSync(path.join(dir, 'broken.js'), "console.error('ImportError: no module named torch'); process.exit(3);\n");
    const file = path.join(dir, 'flappy.study.yaml');
    fs.writeFileSync(file, fs.readFileSync(path.join(dir, 'sweep.yaml'), 'utf8').replace('name: quickstart', 'name: flappy').replace('program: train.js', 'program: broken.js'));
    const result = await vscode.commands.executeCommand<{ started: boolean }>('hpstudio.startStudy', vscode.Uri.file(file));
    assert.equal(result?.started, true, JSON.stringify(result));
    const paused = await waitFor('the pause', async () => (await studies()).find(s => s.name === 'flappy' && s.state === 'paused'));
    assert.match(paused.reason ?? '', /Paused: 3 trials failed within .* ImportError: no module named torch/);
    assert.ok(paused.counts.fail >= 3, 'three fast failures (a trial running alongside may fail too)');
    assert.match(paused.trials[0].error ?? '', /exited with code 3\nImportError: no module named torch/);
    assert.deepEqual(processesIn(dir), []);
  });

  it('tuneFile writes a study file for a Hydra config that loads, without asking (non-interactive form)', async () => {
    const config = vscode.Uri.file(path.join(root(), 'configs/model/mlp.yaml'));
    const result = await vscode.commands.executeCommand<{ studyFile: string; study: string; params: string[] }>('hpstudio.tuneFile', config, {
      params: ['model.lr', 'model.dropout'],
      ranges: { 'model.dropout': '0 .. 0.3' },
      metric: 'val_loss',
      trials: 6,
      yes: true,
    });
    assert.ok(result?.studyFile, JSON.stringify(result));
    // Next to the config; numbered when an earlier study file for it exists (never overwritten).
    assert.equal(path.dirname(result.studyFile), path.join(root(), 'configs/model'));
    assert.match(path.basename(result.studyFile), /^mlp(-\d+)?\.study\.yaml$/);
    assert.deepEqual(result.params, ['model.lr', 'model.dropout']);
    const parsed = loadStudyFile(result.studyFile);
    assert.deepEqual(parsed.warnings, []);
    assert.equal(parsed.config.name, path.basename(result.studyFile, '.study.yaml'));
    assert.equal(parsed.config.launch.argStyle, 'hydra');
    assert.equal(parsed.config.limits.trials, 6);
    assert.deepEqual(parsed.config.space.params.find(p => p.name === 'model.dropout')?.distribution, { type: 'float', low: 0, high: 0.3 });
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, result.studyFile, 'the study file is opened for editing');
    const bad = await vscode.commands.executeCommand<{ error: string }>('hpstudio.tuneFile', config, { params: ['nope'], yes: true });
    assert.match(bad?.error ?? '', /no tunable hyperparameter "nope".*available: model\.lr/);
    const study = await vscode.commands.executeCommand<{ error: string }>('hpstudio.tuneFile', vscode.Uri.file(path.join(quickstart(), 'sweep.yaml')), { yes: true });
    assert.match(study?.error ?? '', /already a study file: start it with "Start Study"/);
    const badRange = await vscode.commands.executeCommand<{ error: string }>('hpstudio.tuneFile', config, { params: ['model.lr'], ranges: { 'model.lr': '0 .. 1 log' }, yes: true });
    assert.match(badRange?.error ?? '', /range of model\.lr: a log-scale range needs a positive low end/);
  });
});
