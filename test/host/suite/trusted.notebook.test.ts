import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { hoverTextAt, waitFor } from '../helpers';

const root = () => vscode.workspace.workspaceFolders![0].uri;
const file = (...parts: string[]) => vscode.Uri.joinPath(root(), ...parts);

async function openNotebook(...parts: string[]): Promise<vscode.NotebookDocument> {
  const notebook = await vscode.workspace.openNotebookDocument(file(...parts));
  await vscode.window.showNotebookDocument(notebook);
  return notebook;
}

/** Hovers until the extension has detected the notebook (it does so right after the cells open). */
const hoverInCell = (cell: vscode.NotebookCell, line: number, character: number, expected: RegExp) =>
  waitFor(`a hover matching ${expected}`, async () => {
    const text = await hoverTextAt(cell.document.uri, new vscode.Position(line, character));
    return expected.test(text) ? text : undefined;
  });

describe('notebooks in the real extension host', () => {
  before(async () => {
    await vscode.extensions.getExtension('hpstudio.hpstudio')!.activate();
  });

  it('opens .ipynb files in the notebook editor, one text document per cell', async () => {
    const notebook = await openNotebook('notebooks', 'imdb.ipynb');
    assert.equal(notebook.notebookType, 'jupyter-notebook');
    assert.equal(notebook.cellCount, 42);
    assert.equal(notebook.cellAt(23).document.uri.scheme, 'vscode-notebook-cell');
  });

  it('hovers a hyperparameter inside a notebook cell with the same explanation as in a .py file', async () => {
    const notebook = await openNotebook('notebooks', 'imdb.ipynb');
    // Cell 23: `model.compile(optimizer=optimizers.RMSprop(lr=0.001),` on its line 2.
    const text = await hoverInCell(notebook.cellAt(23), 2, 44, /[Ll]earning rate/);
    assert.match(text, /0\.001|1e-3/);
    assert.match(text, /command:hpstudio\.explainSetting/);
    // Cell 29: `epochs=20,` in the call to fit.
    assert.match(await hoverInCell(notebook.cellAt(29), 2, 22, /[Ee]pochs?/), /20/);
    // A markdown cell and a line without a setting give nothing.
    assert.equal(await hoverTextAt(notebook.cellAt(1).document.uri, new vscode.Position(0, 3)), '');
    assert.equal(await hoverTextAt(notebook.cellAt(23).document.uri, new vscode.Position(0, 3)), '');
  });

  it('reads a cell with the imports and constants of the cells before it', async () => {
    const notebook = await openNotebook('notebooks', 'head.ipynb');
    // `lr=learning_rate` in cell 3 comes from the parameters cell (2); torch is imported in cell 0.
    const text = await hoverInCell(notebook.cellAt(3), 1, 42, /[Ll]earning rate/);
    assert.match(text, /\*\*Value:\*\* \*\*1e-3\*\*, taken from the reference `learning_rate`/);
    assert.match(text, /Default \(PyTorch\)/);
  });

  it('reports wrong values of a cell in the Problems panel, on that cell', async () => {
    const notebook = await openNotebook('notebooks', 'head.ipynb');
    const cell = notebook.cellAt(3).document;
    const diags = await waitFor('diagnostics of the cell', () => {
      const d = vscode.languages.getDiagnostics(cell.uri).filter(x => x.source === 'Hyperparameter Studio');
      return d.length >= 2 ? d : undefined;
    });
    const byMessage = (re: RegExp) => diags.find(d => re.test(d.message));
    // The wording is the diagnostics rules' own; what matters here is which value is flagged, and where.
    assert.equal(byMessage(/\b1\.5\b/)?.range.start.line, 0, diags.map(d => d.message).join('\n'));
    assert.equal(byMessage(/\b1\.2\b/)?.range.start.line, 1);
    assert.deepEqual(vscode.languages.getDiagnostics(notebook.cellAt(0).document.uri).filter(x => x.source === 'Hyperparameter Studio'), []);
    // The code-action provider answers for cells as for files (the Python rules offer no edit yet).
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', cell.uri, diags[0].range);
    assert.ok(Array.isArray(actions));
  });

  it('re-reads a cell as it is edited in the notebook editor', async () => {
    const notebook = await openNotebook('notebooks', 'head.ipynb');
    const cell = notebook.cellAt(3).document;
    const edit = new vscode.WorkspaceEdit();
    const line = cell.lineAt(1);
    edit.replace(cell.uri, line.range, line.text.replace('momentum=1.2', 'momentum=0.9'));
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('the momentum diagnostic to go', () => (vscode.languages.getDiagnostics(cell.uri).some(d => /momentum/.test(d.message)) ? undefined : true));
    assert.match(await hoverInCell(notebook.cellAt(3), 1, 62, /[Mm]omentum/), /0\.9/);
  });

  it('shows "Tune Hyperparameters in This Notebook…" as a CodeLens on the parameters cell only', async () => {
    const notebook = await openNotebook('notebooks', 'head.ipynb');
    const lenses = async (i: number) => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', notebook.cellAt(i).document.uri)) ?? [];
    const onParameters = await waitFor('the lens', async () => ((await lenses(2)).some(l => l.command?.command === 'hpstudio.tuneNotebook') ? lenses(2) : undefined));
    assert.equal(onParameters.find(l => l.command?.command === 'hpstudio.tuneNotebook')?.command?.title, '$(beaker) Tune Hyperparameters in This Notebook…');
    assert.ok(!(await lenses(3)).some(l => l.command?.command === 'hpstudio.tuneNotebook'));
  });

  it('writes a study whose program is the notebook and whose parameters are the parameters cell\'s', async () => {
    const result = await vscode.commands.executeCommand<{ studyFile?: string; params?: string[]; error?: string }>('hpstudio.tuneNotebook', file('notebooks', 'head.ipynb'), { yes: true, metric: 'val_loss', trials: 3 });
    assert.equal(result.error, undefined);
    assert.deepEqual([...(result.params ?? [])].sort(), ['batch_size', 'learning_rate']);
    const text = fs.readFileSync(result.studyFile!, 'utf8');
    assert.match(text, /^# source: head\.ipynb$/m);
    assert.match(text, /^program: head\.ipynb$/m);
    assert.match(text, /injected after its parameters cell/);
    assert.doesNotMatch(text, /^command:/m);
  });

  it('says what to do when the notebook has no parameters cell', async () => {
    const result = await vscode.commands.executeCommand<{ error?: string }>('hpstudio.tuneNotebook', file('notebooks', 'imdb.ipynb'), { yes: true });
    assert.match(result.error ?? '', /has no cell tagged "parameters"/);
  });

  describe('Apply best into a notebook', () => {
    const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
    function writeStudy(name: string, source: string, best: Record<string, number>) {
      const studyFile = path.join(root(), 'notebooks', `${name}.study.yaml`);
      fs.writeFileSync(studyFile, `# source: ${source}\nname: ${name}\nprogram: ${source}\nmethod: random\nmetric: {name: val_loss, goal: minimize}\nparameters:\n  learning_rate: {min: 0.0001, max: 0.1}\n  batch_size: {values: [32, 64, 128]}\n`);
      const dir = path.join(root(), '.hpstudio', 'studies', name);
      fs.mkdirSync(dir, { recursive: true });
      const space = { params: [{ name: 'learning_rate', distribution: { type: 'float', low: 1e-4, high: 0.1 } }, { name: 'batch_size', distribution: { type: 'categorical', choices: [32, 64, 128] } }] };
      const records = [
        { op: 'study', v: 1, name, space, direction: 'minimize', metric: 'val_loss', sampler: 'random', seed: 1, studyFile, time: 1 },
        { op: 'trial', number: 0, params: best, state: 'running', pid: 1, host: 'fixture', time: 2 },
        { op: 'finish', number: 0, state: 'complete', value: 0.2, time: 3 },
      ];
      fs.writeFileSync(path.join(dir, 'journal.jsonl'), records.map(r => JSON.stringify(r)).join('\n') + '\n');
    }
    const applyBest = (name: string) => waitFor('the study to be known', async () => {
      const r = await vscode.commands.executeCommand<{ applied: boolean; edits: number; error?: string }>('hpstudio.applyBest', name, { preview: false });
      return r.error?.includes('no study named') ? undefined : r;
    });

    it('edits the parameters cell through the notebook editor when the notebook is open', async () => {
      const notebook = await openNotebook('notebooks', 'head.ipynb');
      const onDisk = fs.readFileSync(notebook.uri.fsPath, 'utf8');
      writeStudy('head-apply', 'head.ipynb', { learning_rate: 0.0042, batch_size: 128 });
      const result = await applyBest('head-apply');
      assert.deepEqual({ applied: result.applied, edits: result.edits, error: result.error }, { applied: true, edits: 2, error: undefined });
      assert.equal(notebook.cellAt(2).document.getText(), 'learning_rate = 0.0042\nbatch_size = 128');
      assert.ok(notebook.isDirty, 'an unsaved edit in the editor, undoable like any other');
      assert.equal(fs.readFileSync(notebook.uri.fsPath, 'utf8'), onDisk);
    });

    it('rewrites only the changed lines of a notebook that is not open', async () => {
      const closed = path.join(root(), 'notebooks', 'closed.ipynb');
      const text = fs.readFileSync(path.join(root(), 'notebooks', 'head.ipynb'), 'utf8');
      fs.writeFileSync(closed, text);
      writeStudy('closed-apply', 'closed.ipynb', { learning_rate: 0.02, batch_size: 128 });
      const result = await applyBest('closed-apply');
      assert.deepEqual({ applied: result.applied, edits: result.edits }, { applied: true, edits: 2 });
      const after = fs.readFileSync(closed, 'utf8');
      assert.equal(after, text.replace('"learning_rate = 0.001\\n"', '"learning_rate = 0.02\\n"').replace('"batch_size = 64"', '"batch_size = 128"'));
      assert.ok(!vscode.workspace.notebookDocuments.some(nb => nb.uri.fsPath === closed), 'not opened to do it');
    });
  });
});
