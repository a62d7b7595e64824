import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectFile, quickScan, listFiles } from '../../../src/core/detect';
import { workBudget } from '../../../src/core/detect/budget';
import { WorkspaceIndex, type IndexFiles } from '../../../src/core/workspace/workspaceIndex';

/** The real file system as the index's port, as the CLI would use it. */
function nodeFiles(root: string): IndexFiles {
  return {
    list: async () => listFiles(root),
    stat: async f => {
      const s = fs.statSync(f);
      return { size: s.size, mtime: s.mtimeMs };
    },
    read: async f => fs.readFileSync(f, 'utf8'),
  };
}

describe('WorkspaceIndex', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-index-'));
    fs.mkdirSync(path.join(root, 'configs', 'model'), { recursive: true });
    fs.writeFileSync(path.join(root, 'configs', 'model', 'mlp.yaml'), '_target_: m.MLP\nlr: 0.001\ndropout: 0.1\n');
    fs.writeFileSync(path.join(root, 'training_args.json'), JSON.stringify({ output_dir: 'out', learning_rate: 5e-5, per_device_train_batch_size: 8, num_train_epochs: 3 }));
    fs.writeFileSync(path.join(root, 'package.json'), '{"name":"x","scripts":{"build":"tsc"}}');
    fs.writeFileSync(path.join(root, 'notes.py'), 'print("hello")\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const make = (maxFileBytes = 1024 * 1024) => new WorkspaceIndex(nodeFiles(root), { quickScan, detectFile }, { maxFileBytes, batchSize: 2 });

  it('lists configs with their hyperparameter counts and first position, and nothing for non-ML files', async () => {
    const index = make();
    const result = await index.scanAll();
    assert.equal(result.files, 4);
    const configs = index.configs();
    assert.deepEqual(configs.map(c => path.relative(root, c.file)).sort(), ['configs/model/mlp.yaml', 'training_args.json']);
    const mlp = configs.find(c => c.file.endsWith('mlp.yaml'))!;
    assert.equal(mlp.hyperparameters, 2);
    assert.deepEqual(mlp.first, { line: 1, character: 0 });
  });

  it('skips files over the size cap with a clear problem entry', async () => {
    fs.writeFileSync(path.join(root, 'big.json'), JSON.stringify({ learning_rate: 0.1, pad: 'x'.repeat(5000) }));
    const index = make(2048);
    await index.scanAll();
    const problem = index.problemList().find(p => p.file.endsWith('big.json'));
    assert.match(problem?.message ?? '', /over the 2 KB limit/);
    assert.ok(!index.configs().some(c => c.file.endsWith('big.json')));
  });

  it('lists a file cut by the detection budget with its settings and the warning among the problems', async () => {
    const lines = ['import argparse', 'import torch', 'p = argparse.ArgumentParser()'];
    for (let i = 0; i < 3000; i++) lines.push(`p.add_argument("--lr${i}", type=float, default=1e-3)`);
    fs.writeFileSync(path.join(root, 'train.py'), lines.join('\n'));
    let t = 0;
    const tiny = (file: string, text: string) => detectFile(file, text, { budget: () => workBudget(20, () => t++) });
    const index = new WorkspaceIndex(nodeFiles(root), { quickScan, detectFile: tiny }, { maxFileBytes: 1024 * 1024 });
    await index.scanAll();
    const entry = index.configs().find(c => c.file.endsWith('train.py'));
    assert.ok(entry && entry.hyperparameters > 0 && entry.hyperparameters < 3000, `${entry?.hyperparameters}`);
    const problem = index.problemList().find(p => p.file.endsWith('train.py'));
    assert.match(problem?.message ?? '', /^train\.py: analysed the first [\d,]+ of 3,003 lines within the 0\.02 s CPU budget for one file; settings from line [\d,]+ on are not listed$/);
  });

  it('updates and removes single files and tells listeners', async () => {
    const index = make();
    await index.scanAll();
    let changes = 0;
    index.onDidChange(() => changes++);
    const file = path.join(root, 'configs', 'model', 'mlp.yaml');
    fs.writeFileSync(file, '_target_: m.MLP\nlr: 0.001\ndropout: 0.1\nweight_decay: 0.01\n');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await index.update(file);
    assert.equal(index.configs().find(c => c.file === file)?.hyperparameters, 3);
    index.remove(file);
    assert.ok(!index.configs().some(c => c.file === file));
    assert.equal(changes, 2);
  });

  it('reports an unreadable file instead of throwing', async () => {
    const index = new WorkspaceIndex({ ...nodeFiles(root), read: async () => { throw new Error('EACCES: permission denied'); } }, { quickScan, detectFile }, { maxFileBytes: 1e6 });
    await index.scanAll();
    assert.equal(index.configs().length, 0);
    assert.ok(index.problemList().every(p => /could not be read: EACCES/.test(p.message)));
  });
});
