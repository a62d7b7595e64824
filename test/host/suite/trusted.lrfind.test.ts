// The learning-rate finder in the real VS Code host: offered by the hover and a CodeLens on the quickstart
// config's learning rate, run as a study through the worker, its result in the panel, Apply and Narrow.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LrFindView } from '../../../src/core/protocol/lrfind';
import { hoverTextAt, waitFor } from '../helpers';

describe('Find Learning Rate (quickstart)', function () {
  this.timeout(180_000);
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const config = () => vscode.Uri.file(path.join(root(), 'quickstart', 'config.json'));

  before(async () => {
    await vscode.extensions.getExtension('hpstudio.hpstudio')!.activate();
  });

  it('offers "Find learning rate" in the hover and as a CodeLens on the line of the rate', async () => {
    const doc = await vscode.workspace.openTextDocument(config());
    const line = doc.getText().split('\n').findIndex(l => l.includes('"lr"'));
    const hover = await waitFor('the hover of lr', async () => {
      const t = await hoverTextAt(config(), new vscode.Position(line, 4));
      return /Learning rate/.test(t) ? t : undefined;
    });
    assert.match(hover, /\[Find learning rate…\]\(command:hpstudio\.findLearningRate\?/);
    const lenses = await waitFor('the CodeLens', async () => {
      const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', config())) ?? [];
      const mine = all.filter(l => l.command?.command === 'hpstudio.findLearningRate');
      return mine.length ? mine : undefined;
    });
    assert.equal(lenses[0].range.start.line, line);
    assert.equal(lenses[0].command?.title, '$(pulse) Find learning rate');
    assert.deepEqual(lenses[0].command?.arguments?.[1], { param: 'lr' });
  });

  it('runs the lr-find through the worker and shows the curve, the suggestion and its reason', async () => {
    const result = await vscode.commands.executeCommand<{ study?: string; studyFile?: string; created?: boolean; started?: boolean; error?: string }>('hpstudio.findLearningRate', config(), { param: 'lr', yes: true });
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.study, 'quickstart-lrfind');
    assert.equal(result.studyFile, path.join(root(), 'quickstart', 'sweep.lrfind.study.yaml'));
    assert.equal(result.started, true);
    const view = await waitFor('the lr-find to finish with a suggestion', async () => {
      const v = await vscode.commands.executeCommand<LrFindView | undefined>('hpstudio.getLrFind', 'quickstart-lrfind');
      return v && v.state === 'finished' && v.verdict !== 'running' ? v : undefined;
    }, 150_000);
    assert.equal(view.verdict, 'ok', view.message);
    assert.equal(view.points.length, 11);
    assert.ok(view.suggested !== null && view.suggested > 0.005 && view.suggested < 0.5, `suggested ${view.suggested}`);
    assert.ok(view.points.some(p => p.status === 'diverged'), 'the quickstart diverges at the top of its range');
    assert.match(view.message, /falls fastest around .*diverges from .*Suggested lr = /);
    assert.equal(view.applyTarget, 'quickstart/config.json');
    assert.equal(view.narrowTarget, 'quickstart/sweep.yaml');
    // 11 short runs, then the second pass: 4 longer runs around the first suggestion (one below, two above), drawn apart.
    assert.equal(view.refined?.state, 'done', view.message);
    assert.equal(view.refined?.points.length, 4);
    assert.match(view.message, /The first pass pointed at [\d.]+ .*; refined: of [\d.]+, [\d.]+, [\d.]+, [\d.]+ run for 30 reports/);
    const shortRuns = view.curves.filter(c => view.points.some(p => p.trial === c.trial));
    assert.equal(view.curves.length, 15, 'short runs and longer runs drawn');
    assert.equal(shortRuns.length, 11);
    // Each short run was stopped before the program's 30 epochs. Reports a run makes between the pruner's decision
    // and its stop still arrive (more of them on a loaded machine), so their count is no tighter bound than that;
    // the decision itself is checked report by report in test/integration/lrfind/cli.test.ts.
    const long = shortRuns.filter(c => c.values.length >= 30);
    assert.deepEqual(long.map(c => c.trial), [], `short runs that ran to the end: ${long.map(c => `${c.trial} (${c.values.length} reports)`).join(', ')}`);
    // It is a study of its own kind: in the study list, resumable, with its sampler recorded.
    const studies = await vscode.commands.executeCommand<Array<{ name: string; sampler: string; state: string }>>('hpstudio.getStudies');
    assert.deepEqual(studies.filter(s => s.name === 'quickstart-lrfind').map(s => [s.sampler, s.state]), [['lr-find', 'finished']]);
    // Asked again, it is done already: the panel shows it, nothing runs.
    const again = await vscode.commands.executeCommand<{ started?: boolean; created?: boolean }>('hpstudio.findLearningRate', config(), { yes: true });
    assert.deepEqual([again.started, again.created], [false, false]);
  });

  it('Apply writes the suggestion into config.json, value only; Narrow brings the study range in around it', async () => {
    const view = (await vscode.commands.executeCommand<LrFindView>('hpstudio.getLrFind', 'quickstart-lrfind'))!;
    const before = fs.readFileSync(config().fsPath, 'utf8');
    const applied = await vscode.commands.executeCommand<{ applied: boolean; edits: number }>('hpstudio.applyLrFind', 'quickstart-lrfind', { preview: false });
    assert.deepEqual([applied.applied, applied.edits], [true, 1]);
    const doc = vscode.workspace.textDocuments.find(d => d.uri.fsPath === config().fsPath)!;
    assert.equal(doc.getText(), before.replace('"lr": 0.05', `"lr": ${view.suggested}`));
    const sweep = path.join(root(), 'quickstart', 'sweep.yaml');
    const narrowed = await vscode.commands.executeCommand<{ applied: boolean; low: number; high: number }>('hpstudio.narrowLrRange', 'quickstart-lrfind', { preview: false });
    assert.equal(narrowed.applied, true);
    assert.ok(narrowed.low < view.suggested! && narrowed.high > view.suggested!);
    const text = vscode.workspace.textDocuments.find(d => d.uri.fsPath === sweep)!.getText();
    assert.match(text, new RegExp(`lr:\\n    distribution: log_uniform_values\\n    min: ${narrowed.low}\\n    max: ${narrowed.high}\\n`));
    assert.match(text, /^# Quickstart study/, 'the rest of the study file stays');
  });

  it('says why a config has nothing to find', async () => {
    const bad = path.join(root(), 'quickstart', 'no-rate.json');
    fs.writeFileSync(bad, '{"batch_size": 32, "epochs": 3}\n');
    const r = await vscode.commands.executeCommand<{ error?: string }>('hpstudio.findLearningRate', vscode.Uri.file(bad), { yes: true });
    assert.match(r.error ?? '', /found no learning rate in .*no-rate\.json/);
  });
});
