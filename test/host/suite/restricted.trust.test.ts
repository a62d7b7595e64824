// Restricted Mode in the real VS Code host: tuning runs nothing, says why, and hides its CodeLenses,
// while detection and hovers keep working.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { processesIn, waitFor } from '../../integration/worker/helpers';

describe('Restricted Mode', function () {
  this.timeout(180_000);
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const mlp = () => vscode.Uri.file(path.join(root(), 'configs/model/mlp.yaml'));
  const sweep = () => vscode.Uri.file(path.join(root(), 'quickstart/sweep.yaml'));

  before(async () => {
    await vscode.window.showTextDocument(mlp());
    await waitFor('activation', () => vscode.extensions.getExtension('hpstudio.hpstudio')?.isActive);
  });

  it('is really in Restricted Mode', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('refuses every tuning command, even through executeCommand, and says why', async () => {
    const calls: Array<[string, ...unknown[]]> = [
      ['hpstudio.tuneFile', mlp(), { yes: true, params: ['model.lr'] }],
      ['hpstudio.tuneFile', mlp(), { yes: true, start: true }],
      ['hpstudio.startStudy', sweep()],
      ['hpstudio.resumeStudy', 'quickstart'],
      ['hpstudio.stopStudy', 'quickstart'],
    ];
    for (const [command, ...args] of calls) {
      const result = await vscode.commands.executeCommand<{ refused?: boolean; reason?: string }>(command, ...args);
      assert.equal(result?.refused, true, `${command} is refused: ${JSON.stringify(result)}`);
      assert.match(result.reason ?? '', /disabled in Restricted Mode/);
    }
    assert.ok(!fs.existsSync(path.join(root(), '.hpstudio', 'studies')), 'no study was created');
    assert.ok(!fs.existsSync(path.join(root(), 'configs/model/mlp.study.yaml')), 'no study file was written');
    assert.deepEqual(processesIn(path.join(root(), 'quickstart')), [], 'no trial process runs');
  });

  it('shows no tuning CodeLenses', async () => {
    for (const uri of [mlp(), sweep()]) {
      // The CodeLens command needs the document loaded in the editor's model service.
      await vscode.workspace.openTextDocument(uri);
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
      const ours = lenses.filter(l => (l.command?.command ?? '').startsWith('hpstudio.'));
      assert.deepEqual(ours.map(l => l.command?.title), [], `no tuning lens on ${path.basename(uri.fsPath)}`);
    }
  });

  it('keeps detection and hovers working', async () => {
    const doc = await vscode.workspace.openTextDocument(mlp());
    const line = doc.getText().split('\n').findIndex(l => /^\s*lr\s*:/.test(l));
    assert.ok(line >= 0, 'the fixture has an lr line');
    const character = doc.lineAt(line).text.indexOf('lr') + 1;
    const hovers = await waitFor('a hover', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, character));
      return h && h.length > 0 ? h : undefined;
    });
    const text = hovers.flatMap(h => h.contents.map(c => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /learning rate/i);
  });
});
