import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitFor, hoverTextAt } from '../helpers';

const root = () => vscode.workspace.workspaceFolders![0].uri;
const file = (...parts: string[]) => vscode.Uri.joinPath(root(), ...parts);

async function hoverAt(uri: vscode.Uri, line: number, character: number): Promise<string> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return hoverTextAt(uri, new vscode.Position(line, character));
}

describe('detection, hovers and diagnostics in the real extension host', () => {
  before(async () => {
    await vscode.extensions.getExtension('hpstudio.hpstudio')!.activate();
  });

  it('scans the workspace: finds the ML configs and skips package.json', async () => {
    const count = await vscode.commands.executeCommand<number>('hpstudio.scanWorkspace');
    assert.ok(typeof count === 'number' && count >= 5, `configs found: ${count}`);
  });

  it('hovers a YAML key with what it is, the value assessment and command links', async () => {
    const text = await hoverAt(file('configs', 'model', 'mlp.yaml'), 1, 1);
    assert.match(text, /[Ll]earning rate/);
    assert.match(text, /0\.001|1e-3/);
    assert.match(text, /command:hpstudio\.explainSetting/);
    assert.match(text, /command:hpstudio\.tuneFile/);
  });

  it('hovers a JSON value in a DeepSpeed config and flags the high AdamW learning rate, with where the range comes from', async () => {
    const text = await hoverAt(file('ds_config.json'), 5, 18);
    assert.match(text, /[Ll]earning rate/);
    assert.match(text, /unusual\*\*: 3e-2 is high for Adam\/AdamW under DeepSpeed: published recipes use 1e-7 – 1e-2/);
    assert.match(text, /\*\*Why:\*\* published range from DeepSpeedExamples cifar\/ds\\_config\.json/);
  });

  it('hovers an argparse option in Python', async () => {
    const text = await hoverAt(file('train.py'), 4, 23);
    assert.match(text, /[Mm]omentum/);
  });

  it('gives no hover on a non-ML JSON file', async () => {
    assert.equal(await hoverAt(file('package.json'), 0, 5), '');
  });

  it('reports wrong values in the Problems panel', async () => {
    const uri = file('bad_values.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diags = await waitFor('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(uri);
      return d.length >= 4 ? d : undefined;
    });
    const messages = diags.map(d => d.message).join('\n');
    assert.match(messages, /dropout: 1\.5 is invalid for dropout/);
    assert.match(messages, /not divisible by num_heads/);
    assert.match(messages, /momentum: 1\.2 is invalid for momentum/);
    assert.match(messages, /batch_size: 0 is invalid for batch size/);
    assert.deepEqual([...new Set(diags.map(d => d.code))].sort(), ['hp/heads-divisibility', 'hp/invalid-value', 'hp/unusual-value']);
    assert.ok(diags.every(d => d.source === 'Hyperparameter Studio'));
  });

  it('offers and applies the PyYAML quick fix in a W&B sweep', async () => {
    const uri = file('wandb_sweep.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diag = await waitFor('pyyaml diagnostic', () => vscode.languages.getDiagnostics(uri).find(d => /PyYAML/.test(d.message)));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range);
    const fix = actions.find(a => a.edit && /1\.0e-5/.test(a.title + JSON.stringify(a.edit)));
    assert.ok(fix?.edit, `a quick fix is offered: ${actions.map(a => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.lineAt(diag.range.start.line).text, /min: 1\.0e-5/);
    await waitFor('diagnostic cleared', () => (vscode.languages.getDiagnostics(uri).some(d => /PyYAML/.test(d.message)) ? undefined : true));
  });

  it('stays silent on files that are not ML configs', async () => {
    const uri = file('package.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    // No waiting on a clock: asking for a hover runs the detection of this document version if it has
    // not run yet, and the diagnostics are updated synchronously from that same detection.
    assert.equal(await hoverTextAt(uri, new vscode.Position(0, 5)), '');
    // Other extensions (the JSON schema validator) may report here; none of the findings may be ours.
    assert.deepEqual(vscode.languages.getDiagnostics(uri).filter(d => d.source === 'Hyperparameter Studio'), []);
  });

  it('explains a hyperparameter in a markdown page', async () => {
    const id = await vscode.commands.executeCommand<string>('hpstudio.explainSetting', 'lr');
    assert.equal(id, 'learning_rate');
    const page = await vscode.workspace.openTextDocument(vscode.Uri.parse('hpstudio-explain:/learning_rate.md'));
    assert.match(page.getText(), /^# /);
    assert.match(page.getText(), /## Defaults/);
  });
});

describe('"Tune this…" from a hover', () => {
  it('writes a study for the hovered key when the link passes the document as a URI string', async () => {
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'configs', 'model', 'mlp.yaml');
    const result = await vscode.commands.executeCommand<{ studyFile?: string; params?: string[]; error?: string }>('hpstudio.tuneFile', uri.toString(), { params: ['model.dropout'], yes: true });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.params, ['model.dropout']);
    assert.match(result.studyFile ?? '', /\.study\.yaml$/);
  });
});
