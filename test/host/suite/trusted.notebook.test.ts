import * as assert from 'node:assert/strict';
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
    assert.equal(byMessage(/p = 1\.5 is outside/)?.range.start.line, 0);
    assert.equal(byMessage(/momentum = 1\.2/)?.range.start.line, 1);
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
});
