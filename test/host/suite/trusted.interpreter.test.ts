// Without the Python extension (this suite runs with no other extension installed), trials use
// hpstudio.pythonPath when set, else python3 on PATH.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../helpers';

interface Choice {
  path?: string;
  source: string;
  description: string;
}

describe('the interpreter without the Python extension (fallback)', () => {
  const file = () => vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'quickstart', 'sweep.yaml'));

  before(async () => {
    await vscode.window.showTextDocument(file());
    await waitFor('activation', () => vscode.extensions.getExtension('hpstudio.hpstudio')?.isActive);
  });

  after(() => vscode.workspace.getConfiguration('hpstudio').update('pythonPath', undefined, vscode.ConfigurationTarget.Global));

  it('is python3 on PATH, saying why', async () => {
    assert.equal(vscode.extensions.getExtension('ms-python.python'), undefined);
    const choice = await vscode.commands.executeCommand<Choice>('hpstudio.getInterpreter', file());
    assert.equal(choice?.source, 'path');
    assert.equal(choice?.path, undefined);
    assert.match(choice?.description ?? '', /python3 on PATH \(no Python extension/);
  });

  it('is hpstudio.pythonPath when set', async () => {
    await vscode.workspace.getConfiguration('hpstudio').update('pythonPath', '/usr/bin/python3', vscode.ConfigurationTarget.Global);
    const choice = await waitFor('the setting', async () => {
      const c = await vscode.commands.executeCommand<Choice>('hpstudio.getInterpreter', file());
      return c?.source === 'setting' ? c : undefined;
    });
    assert.equal(choice.path, '/usr/bin/python3');
  });
});
