import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../helpers';

function curvesTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap(g => g.tabs).filter(t => t.input instanceof vscode.TabInputWebview && /hpstudio\.curves/.test((t.input as vscode.TabInputWebview).viewType));
}

describe('the curves panel', () => {
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  before(async () => {
    await vscode.extensions.getExtension('hpstudio.hpstudio')!.activate();
  });

  it('opens existing runs (a Lightning metrics.csv) in a curves panel', async () => {
    const dir = path.join(root(), 'lightning_logs', 'version_0');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'metrics.csv'), 'epoch,step,train_loss,val_loss\n0,10,0.9,\n0,10,,0.95\n1,20,0.6,\n1,20,,0.7\n');
    const result = await vscode.commands.executeCommand<{ shown: string | null }>('hpstudio.openCurves', vscode.Uri.file(path.join(dir, 'metrics.csv')));
    assert.match(result.shown ?? '', /^run:.*metrics\.csv$/);
    const tab = await waitFor('the curves tab', () => curvesTabs().find(t => /metrics\.csv/.test(t.label)));
    assert.match(tab.label, /^Curves: metrics\.csv/);
  });

  it('says clearly when a file has no curves to read', async () => {
    const result = await vscode.commands.executeCommand<{ shown: string | null; reason?: string }>('hpstudio.openCurves', vscode.Uri.file(path.join(root(), 'package.json')));
    assert.equal(result.shown, null);
    assert.match(result.reason ?? '', /package\.json has no curves/);
  });

  // The fixtures the unit tests read: written by Debian's python3-optuna and as MLflow's FileStore writes.
  const fixtures = path.resolve(__dirname, '../../../test/fixtures/metrics');

  it('opens an Optuna SQLite storage (.db, read through the bundled sql.js) with every trial as a run', async () => {
    const db = path.join(root(), 'optuna-study.db');
    fs.copyFileSync(path.join(fixtures, 'optuna', 'study.db'), db);
    const result = await vscode.commands.executeCommand<{ shown: string | null; runs?: number; reason?: string }>('hpstudio.openCurves', vscode.Uri.file(db));
    assert.match(result.shown ?? '', /^run:.*optuna-study\.db$/, result.reason);
    assert.equal(result.runs, 11, 'eight lr-sweep trials and three two-objectives trials; the deleted study is hidden');
    const tab = await waitFor('the .db curves tab', () => curvesTabs().find(t => /optuna-study\.db/.test(t.label)));
    assert.match(tab.label, /^Curves: optuna-study\.db \(optuna-rdb\)/);
  });

  it('opens an MLflow mlruns folder with its live runs', async () => {
    const mlruns = path.join(root(), 'mlruns');
    fs.cpSync(path.join(fixtures, 'mlflow', 'generated', 'mlruns'), mlruns, { recursive: true });
    const result = await vscode.commands.executeCommand<{ shown: string | null; runs?: number; reason?: string }>('hpstudio.openCurves', vscode.Uri.file(mlruns));
    assert.match(result.shown ?? '', /^run:.*mlruns$/, result.reason);
    assert.equal(result.runs, 5, 'six runs logged, one deleted; the .trash experiment hidden');
    await waitFor('the mlruns curves tab', () => curvesTabs().find(t => /^Curves: mlruns \(mlflow\)/.test(t.label)));
  });

  it('says what a folder with nothing readable holds and what it expected', async () => {
    const folder = path.join(root(), 'not-runs');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'hello');
    const result = await vscode.commands.executeCommand<{ shown: string | null; reason?: string }>('hpstudio.openCurves', vscode.Uri.file(folder));
    assert.equal(result.shown, null);
    assert.match(result.reason ?? '', /not-runs: no runs in not-runs: looked at 1 file \(notes\.txt\) in 1 folder, .* Expected a TensorBoard log directory/);
  });

  it('shows the curves of a study by name and reuses the panel', async () => {
    const dir = path.join(root(), '.hpstudio', 'studies', 'curves-fixture');
    fs.mkdirSync(dir, { recursive: true });
    const records = [
      { op: 'study', v: 1, name: 'curves-fixture', space: { params: [{ name: 'lr', distribution: { type: 'float', low: 1e-4, high: 1, log: true } }] }, direction: 'minimize', metric: 'val_loss', sampler: 'random', seed: 1, studyFile: path.join(root(), 'wandb_sweep.yaml'), time: 1 },
      { op: 'trial', number: 0, params: { lr: 0.01 }, state: 'running', pid: 1, host: 'fixture', time: 2 },
      { op: 'value', number: 0, step: 1, value: 0.9 },
      { op: 'finish', number: 0, state: 'complete', value: 0.9, time: 3 },
    ];
    fs.writeFileSync(path.join(dir, 'journal.jsonl'), records.map(r => JSON.stringify(r)).join('\n') + '\n');
    const first = await vscode.commands.executeCommand<{ shown: string | null }>('hpstudio.showCurves', 'curves-fixture');
    assert.match(first.shown ?? '', /^journal:.*curves-fixture/);
    await waitFor('the study tab', () => curvesTabs().find(t => /curves-fixture/.test(t.label)));
    const before = curvesTabs().length;
    await vscode.commands.executeCommand('hpstudio.showCurves', 'curves-fixture');
    assert.equal(curvesTabs().length, before, 'the same study reuses its panel');
  });
});
