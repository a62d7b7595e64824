// Restricted Mode: the learning-rate finder runs nothing, says why, and offers no CodeLens.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

describe('Restricted Mode: the learning-rate finder', () => {
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const config = () => vscode.Uri.file(path.join(root(), 'quickstart', 'config.json'));

  before(async () => {
    await vscode.extensions.getExtension('hpstudio.hpstudio')!.activate();
  });

  it('refuses Find Learning Rate, even through executeCommand, and writes nothing', async () => {
    const result = await vscode.commands.executeCommand<{ refused?: boolean; reason?: string }>('hpstudio.findLearningRate', config(), { yes: true });
    assert.equal(result?.refused, true, JSON.stringify(result));
    assert.match(result.reason ?? '', /disabled in Restricted Mode/);
    assert.ok(!fs.existsSync(path.join(root(), 'quickstart', 'sweep.lrfind.study.yaml')), 'no lr-find study file was written');
  });

  it('shows no Find learning rate CodeLens', async () => {
    await vscode.workspace.openTextDocument(config());
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', config())) ?? [];
    assert.deepEqual(lenses.filter(l => l.command?.command === 'hpstudio.findLearningRate'), []);
  });
});
