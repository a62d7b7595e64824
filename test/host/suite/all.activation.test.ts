import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../helpers';

const EXTENSION_ID = 'hpstudio.hpstudio';

describe('activation in a real VS Code extension host', () => {
  const folder = () => vscode.workspace.workspaceFolders?.[0]?.uri;

  it('runs in the real VS Code host with the workspace open', () => {
    assert.ok(vscode.version.startsWith('1.'), `VS Code version ${vscode.version}`);
    assert.ok(folder(), 'a workspace folder is open');
  });

  it('activates when a YAML file is opened', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder()!, 'configs', 'model', 'mlp.yaml'));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'yaml');
    await waitFor('activation', () => ext.isActive || undefined);
    assert.equal(path.basename(ext.extensionPath) !== '', true);
  });

  it('registers every contributed command', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['hpstudio.scanWorkspace', 'hpstudio.tuneFile', 'hpstudio.showCurves', 'hpstudio.stopStudy', 'hpstudio.explainSetting']) {
      assert.ok(all.includes(id), `${id} is registered`);
    }
  });

  it('contributes the activity-bar container, the sidebar webview view and the untrusted-workspace capability', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    assert.equal(pkg.contributes.viewsContainers.activitybar[0].title, 'Hyperparameter Studio');
    assert.equal(pkg.contributes.views.hpstudio[0].id, 'hpstudio.sidebar');
    assert.equal(pkg.contributes.views.hpstudio[0].type, 'webview');
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  it('opens the sidebar view without errors', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.hpstudio');
    await vscode.commands.executeCommand('hpstudio.sidebar.focus');
  });
});
