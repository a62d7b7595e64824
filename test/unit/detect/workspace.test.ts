/** Directory scanning: exclusions, virtualenvs, size caps, the quick scan. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectWorkspace, indexWorkspace, listFiles, quickScan } from '../../../src/core/detect';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hpstudio-detect-'));
  for (const [rel, text] of Object.entries(files)) {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }
  return root;
}

const HP = 'learning_rate: 0.001\nbatch_size: 32\nnum_epochs: 10\n';

describe('detect: workspace scanning', () => {
  let root = '';
  before(() => {
    root = tree({
      'configs/train.yaml': HP,
      'src/model.py': 'import torch\nLR = 3e-4\nEPOCHS = 5\n',
      'README.md': '# lr: 0.1',
      'node_modules/pkg/config.yaml': HP,
      '.git/hooks/cfg.yaml': HP,
      '.venv/lib/hp.yaml': HP,
      'myenv/pyvenv.cfg': 'home = /usr/bin\n',
      'myenv/lib/site/hp.yaml': HP,
      '__pycache__/x.yaml': HP,
      'dist/hp.yaml': HP,
      'build/hp.yaml': HP,
      '.hpstudio/journal.yaml': HP,
      'data/big.json': `{"lr": 0.1, "pad": "${'x'.repeat(300_000)}"}`,
      'docker-compose.yml': 'services:\n  web:\n    image: nginx\n',
      'notes/todo.yaml': 'items:\n  - buy milk\n',
    });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('lists files without the excluded folders and virtualenvs', () => {
    const rel = listFiles(root).map(f => path.relative(root, f).split(path.sep).join('/')).sort();
    assert.deepEqual(rel, ['README.md', 'configs/train.yaml', 'data/big.json', 'docker-compose.yml', 'notes/todo.yaml', 'src/model.py']);
  });

  it('accepts extra exclusions', () => {
    const rel = listFiles(root, { exclude: ['notes', 'data'] }).map(f => path.relative(root, f).split(path.sep).join('/')).sort();
    assert.deepEqual(rel, ['README.md', 'configs/train.yaml', 'docker-compose.yml', 'src/model.py']);
  });

  it('indexes with the quick scan and reports files above the size cap without reading them', () => {
    const index = indexWorkspace(root, { maxBytes: 100_000 });
    const byName = new Map(index.map(f => [path.relative(root, f.path).split(path.sep).join('/'), f]));
    assert.equal(byName.get('configs/train.yaml')?.candidate, true);
    assert.equal(byName.get('src/model.py')?.candidate, true);
    assert.equal(byName.get('docker-compose.yml')?.candidate, false);
    assert.equal(byName.get('notes/todo.yaml')?.candidate, false);
    assert.match(byName.get('data/big.json')?.skipped ?? '', /larger than 98 KB/);
    assert.ok(!byName.has('README.md'), 'only config and source extensions are indexed');
  });

  it('detects the ML files of a directory and only those', () => {
    const results = detectWorkspace(root, { maxBytes: 100_000 });
    const rel = results.map(r => path.relative(root, r.path).split(path.sep).join('/')).sort();
    assert.deepEqual(rel, ['configs/train.yaml', 'data/big.json', 'src/model.py']);
    assert.match(results.find(r => r.path.endsWith('big.json'))?.error ?? '', /larger/);
    assert.equal(results.find(r => r.path.endsWith('train.yaml'))?.format, 'ml-yaml');
  });

  it('stops when the signal is aborted', () => {
    const controller = new AbortController();
    controller.abort();
    assert.deepEqual(detectWorkspace(root, { signal: controller.signal }), []);
  });
});

describe('detect: quickScan', () => {
  const cases: Array<[string, string, boolean, string?]> = [
    ['configs/model/net.yaml', 'lr: 0.1\n', true],
    ['notes.yaml', 'lr: 0.1\n', false],
    ['notes.yaml', 'lr: 0.1\nweight_decay: 0.01\n', true],
    ['ds_config.json', '{"zero_optimization": {"stage": 2}}', true, 'deepspeed'],
    ['trainer_state.json', '{"log_history": []}', true, 'hf-trainer-state'],
    ['search_space.json', '{"lr": {"_type": "loguniform", "_value": [0.001, 0.1]}}', true, 'nni'],
    ['train.py', 'import torch\n', true],
    ['util.py', 'import os\nx = 1\n', false],
    ['tune.py', 'lr = trial.suggest_float("lr", 1e-5, 1e-1)\n', true, 'optuna'],
    ['package.json', '{"learning_rate": 1, "batch_size": 2}', false],
    ['.github/workflows/ci.yml', 'lr: 1\nepochs: 2\n', false],
    ['docker-compose.yml', 'lr: 1\nepochs: 2\n', false],
    ['image.png', 'lr: 1\nepochs: 2\n', false],
    ['sweep.yaml', 'method: bayes\nparameters:\n  lr: {min: 0.1}\n', true, 'wandb-sweep'],
    ['main.py', 'parser.add_argument("--lr", default=0.1)\n', true],
    ['grid.py', 'grid = {"clf__C": [1, 10], "clf__gamma": [0.1]}\n', false],
    ['configs/grid.yaml', 'clf__max_depth: [3, 5]\n', true],
  ];
  for (const [p, text, candidate, format] of cases) {
    it(`${p}: ${JSON.stringify(text.slice(0, 30))} → ${candidate}${format ? ` (${format})` : ''}`, () => {
      const r = quickScan(p, text);
      assert.equal(r.candidate, candidate);
      if (format) assert.equal(r.format, format);
    });
  }
});
