/** Hyperparameters in `.ipynb` files: cells, positions, context across cells, the parameters cell, bad files. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cellView, detectFile, findSettingAt, readNotebook, type DetectedFile, type Setting } from '../../../src/core/detect';
import { runCli } from '../../../src/cli/main';
import { captureIO } from '../cli/capture';
import { notebook, NOTEBOOKS } from './helpers';

const read = (name: string) => fs.readFileSync(path.join(NOTEBOOKS, name), 'utf8');
const find = (file: DetectedFile, key: string, cell?: number): Setting => {
  const s = file.settings.find(x => x.key === key && (cell === undefined || x.cell === cell));
  assert.ok(s, `no ${key}${cell !== undefined ? ` in cell ${cell}` : ''}; have ${file.settings.map(x => `${x.key}@${x.cell}`).join(', ')}`);
  return s;
};
const at = (s: Setting) => [s.cell, s.range.line, s.range.character, s.range.endLine, s.range.endCharacter];

describe('notebook detection', () => {
  it('finds the Keras settings of a real tutorial notebook in their cells, with positions inside the cell', () => {
    const file = detectFile(path.join(NOTEBOOKS, 'keras-imdb.ipynb'), read('keras-imdb.ipynb'));
    assert.equal(file.error, undefined);
    assert.equal(file.format, 'jupyter');
    assert.deepEqual(file.notebook, { cells: 42, codeCells: 22, kernel: 'python3' });
    // `model.compile(optimizer=optimizers.RMSprop(lr=0.001),` is line 2 of cell 23.
    const lr = find(file, 'RMSprop.lr', 23);
    assert.deepEqual(at(lr), [23, 2, 43, 2, 45]);
    assert.equal(lr.value, 0.001);
    assert.equal(lr.canonical, 'learning_rate');
    assert.deepEqual(at(find(file, 'fit.epochs', 29)), [29, 2, 20, 2, 26]);
    assert.equal(find(file, 'fit.batch_size', 29).value, 512);
    assert.equal(find(file, 'fit.epochs', 36).value, 4);
    // Every setting sits in a code cell; markdown cells and outputs ("val_loss: 0.4016") give none.
    const cells = readNotebook(read('keras-imdb.ipynb')).cells;
    for (const s of file.settings) assert.equal(cells[s.cell as number].kind, 'code', `${s.key} in cell ${s.cell}`);
    assert.ok(!file.settings.some(s => s.raw === '0.4016'));
  });

  it('gives later cells the framework imported by an earlier cell', () => {
    const cells = [
      { cell_type: 'code', source: ['import torch\n', 'from torch.optim import AdamW'] },
      { cell_type: 'markdown', source: 'We train with AdamW and lr=0.5.' },
      { cell_type: 'code', source: 'optimizer = AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)\n' },
    ];
    const file = detectFile('/w/train.ipynb', notebook(cells));
    const lr = find(file, 'AdamW.lr', 2);
    assert.equal(lr.framework, 'pytorch');
    assert.equal(lr.value, 3e-4);
    assert.deepEqual(at(lr), [2, 0, 38, 0, 40]);
    // The same cell without the import cell before it is not recognised as ML code.
    const alone = detectFile('/w/alone.ipynb', notebook([cells[2]]));
    assert.equal(alone.format, null);
    // Nothing from the markdown cell (which mentions lr=0.5).
    assert.ok(!file.settings.some(s => s.cell === 1));
  });

  it('reads the source as one string or as a list of lines alike', () => {
    const text = 'import torch\nopt = torch.optim.SGD(params, lr=0.1, momentum=0.9)\n';
    const asString = detectFile('/w/a.ipynb', notebook([{ cell_type: 'code', source: text }]));
    const asList = detectFile('/w/a.ipynb', notebook([{ cell_type: 'code', source: text.split(/(?<=\n)/) }]));
    assert.ok(asString.settings.length >= 2);
    assert.deepEqual(asList.settings, asString.settings);
  });

  it('keeps positions exact past IPython magics and skips cells in another language', () => {
    const file = detectFile(path.join(NOTEBOOKS, 'sklearn-decision-trees.ipynb'), read('sklearn-decision-trees.ipynb'));
    // Cell 4 has `%matplotlib inline` on line 16; its constants after it keep their lines.
    assert.deepEqual(at(find(file, 'PROJECT_ROOT_DIR', 4)), [4, 24, 0, 24, 16]);
    const depth = find(file, 'DecisionTreeClassifier.max_depth', 6);
    assert.deepEqual(at(depth), [6, 7, 34, 7, 43]);
    assert.equal(depth.framework, 'sklearn');
    const bash = detectFile('/w/b.ipynb', notebook([
      { cell_type: 'code', source: '!pip install torch\nimport torch\n%time x = 1\nopt = torch.optim.Adam(p, lr=0.01)' },
      { cell_type: 'code', source: '%%bash\nlr=0.5 python train.py --lr 0.5\n' },
    ]));
    assert.deepEqual(bash.settings.map(s => [s.key, s.cell, s.range.line, s.range.character]), [['Adam.lr', 0, 3, 26]]);
  });

  it('reads every assignment of the papermill parameters cell as a parameter (papermill\'s own test notebook)', () => {
    const file = detectFile(path.join(NOTEBOOKS, 'papermill-complex-parameters.ipynb'), read('papermill-complex-parameters.ipynb'));
    assert.equal(file.notebook?.parametersCell, 0);
    assert.deepEqual(file.settings.map(s => [s.key, s.value, s.kind, s.range.line, s.range.character]), [
      ['msg', null, 'hyperparameter', 0, 0],
      ['a', 2.25, 'hyperparameter', 1, 0],
      ['b', ['Hello', 'World'], 'hyperparameter', 2, 0],
      ['c', null, 'hyperparameter', 9, 0],
      ['d', null, 'hyperparameter', 11, 0],
    ]);
    // `d = a == 3` cannot be evaluated: the value is shown as written.
    assert.equal(find(file, 'd').raw, 'a == 3');
    assert.deepEqual(find(file, 'a').valueRange, { line: 1, character: 11, endLine: 1, endCharacter: 15 });
  });

  it('gives a parameters cell of known names their canonical ids and the framework of the notebook', () => {
    const file = detectFile('/w/p.ipynb', notebook([
      { cell_type: 'code', source: 'import torch' },
      { cell_type: 'code', source: 'learning_rate = 0.001\nepochs = 10\noutput_dir = "runs"\nseed = 1\n', metadata: { tags: ['parameters'] } },
    ]));
    assert.equal(file.notebook?.parametersCell, 1);
    const lr = find(file, 'learning_rate', 1);
    assert.equal(lr.canonical, 'learning_rate');
    assert.equal(lr.kind, 'hyperparameter');
    assert.equal(find(file, 'seed', 1).kind, 'system');
    assert.equal(file.settings.filter(s => s.key === 'learning_rate').length, 1, 'reported once');
  });

  it('cellView gives the settings of one cell for hovers', () => {
    const file = detectFile(path.join(NOTEBOOKS, 'keras-imdb.ipynb'), read('keras-imdb.ipynb'));
    const cell = cellView(file, 29);
    assert.deepEqual(cell.settings.map(s => s.key), ['fit.epochs', 'fit.batch_size']);
    assert.equal(findSettingAt(cell, 2, 22)?.key, 'fit.epochs');
    // Line 2 of another cell holds nothing at that column.
    assert.equal(findSettingAt(cellView(file, 36), 2, 22), undefined);
  });

  it('reports no settings and no error for notebooks without code cells, or in another language', () => {
    const onlyMarkdown = detectFile('/w/m.ipynb', notebook([{ cell_type: 'markdown', source: 'lr = 0.1' }]));
    assert.deepEqual([onlyMarkdown.format, onlyMarkdown.error, onlyMarkdown.settings.length], [null, undefined, 0]);
    const r = detectFile('/w/r.ipynb', notebook([{ cell_type: 'code', source: 'import torch\nopt = torch.optim.SGD(p, lr=0.1)' }], { kernelspec: { name: 'ir', language: 'R' } }));
    assert.equal(r.format, null);
  });
});

describe('notebook detection: bad files', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['invalid JSON', '{"cells": [ {"cell_type": "code", "source": "x"} ', /not valid JSON \(line 1: /],
    ['truncated file', read('keras-imdb.ipynb').slice(0, 3000), /not valid JSON/],
    ['nbformat 3', JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [{ cells: [{ cell_type: 'code', input: 'lr = 0.1' }] }] }), /nbformat 3 notebook: only nbformat 4 is read.*nbconvert --to notebook --nbformat 4/],
    ['a JSON file that is no notebook', '{"name": "x", "lr": 0.1}', /not a Jupyter notebook/],
    ['a number as source', notebook([{ cell_type: 'code', source: 42 }]), /cell 0: "source" must be a string or a list of strings, got number/],
    ['an object as source', notebook([{ cell_type: 'markdown', source: 'ok' }, { cell_type: 'code', source: { text: 'x' } }]), /cell 1: "source" must be a string or a list of strings, got an object/],
    ['a list of numbers as source', notebook([{ cell_type: 'code', source: ['a = 1\n', 2] }]), /cell 0: .* got a list holding number/],
    ['null as source', notebook([{ cell_type: 'code', source: null }]), /got null/],
    ['cells that are not a list', JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: { a: 1 } }), /"cells" must be a list/],
  ];
  for (const [name, text, message] of cases) {
    it(`${name}: a clear error, no settings, no exception`, () => {
      const file = detectFile('/w/bad.ipynb', text);
      assert.equal(file.format, null);
      assert.deepEqual(file.settings, []);
      assert.match(file.error ?? '', message);
    });
  }

  it('gives the line of a syntax error past skipped outputs in the original file', () => {
    const text = read('keras-imdb.ipynb');
    const at = text.lastIndexOf('"nbformat"');
    const broken = `${text.slice(0, at)}"nbformat" 4,${text.slice(text.indexOf('\n', at))}`;
    const line = broken.slice(0, at).split('\n').length;
    assert.match(detectFile('/w/b.ipynb', broken).error ?? '', new RegExp(`not valid JSON \\(line ${line}: ColonExpected\\)`));
  });

  it('reads a 20 MB notebook of embedded images, finding the settings after the outputs', () => {
    const base = JSON.parse(read('keras-imdb.ipynb'));
    const blob = Buffer.alloc(15 * 1024 * 1024, 7).toString('base64');
    base.cells[33].outputs.push({ data: { 'image/png': blob.match(/.{1,76}/g)?.join('\n') }, metadata: {}, output_type: 'display_data' });
    // Output text that looks like code is never read as code.
    base.cells[33].outputs.push({ name: 'stdout', output_type: 'stream', text: ['optimizer = torch.optim.SGD(p, lr=99.0)\n'] });
    const text = JSON.stringify(base, null, 1);
    assert.ok(text.length > 20 * 1024 * 1024);
    const file = detectFile('/w/big.ipynb', text);
    assert.equal(file.error, undefined);
    assert.deepEqual(at(find(file, 'fit.epochs', 36)), [36, 9, 28, 9, 34]);
    assert.ok(!file.settings.some(s => s.value === 99));
  });
});

describe('hpstudio detect on notebooks', () => {
  it('adds "cell" to each setting of --json, with line/character inside that cell', async () => {
    const c = captureIO();
    assert.equal(await runCli(['detect', path.join(NOTEBOOKS, 'keras-imdb.ipynb'), '--json'], c.io), 0);
    const [file] = JSON.parse(c.out()).files;
    assert.equal(file.format, 'jupyter');
    assert.equal(file.notebook.codeCells, 22);
    const lr = file.settings.find((s: { key: string }) => s.key === 'RMSprop.lr');
    assert.deepEqual([lr.cell, lr.line, lr.character, lr.value], [23, 2, 43, 0.001]);
  });

  it('shows the cell in the table, and finds notebooks in a directory even when they are large', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-nb-'));
    try {
      const big = JSON.parse(read('sklearn-decision-trees.ipynb'));
      big.cells[7].outputs.push({ data: { 'image/png': 'A'.repeat(3 * 1024 * 1024) }, metadata: {}, output_type: 'display_data' });
      fs.writeFileSync(path.join(dir, 'trees.ipynb'), JSON.stringify(big));
      fs.mkdirSync(path.join(dir, '.ipynb_checkpoints'));
      fs.writeFileSync(path.join(dir, '.ipynb_checkpoints', 'trees-checkpoint.ipynb'), JSON.stringify(big));
      const c = captureIO({ cwd: dir });
      assert.equal(await runCli(['detect', dir], c.io), 0);
      assert.match(c.out(), /trees\.ipynb {2}\[jupyter\]/);
      assert.match(c.out(), /DecisionTreeClassifier\.max_depth\s+max_depth\s+hyperparameter\s+2\s+cell 6 8:35/);
      assert.doesNotMatch(c.out(), /checkpoint/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
