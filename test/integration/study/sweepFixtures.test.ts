/**
 * Public W&B sweep files (test/fixtures/sweeps, see SOURCES.md) run unchanged through the real study
 * engine against stand-ins of their programs: every trial must parse its arguments and exit 0.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createExecutor } from '../../../src/core/study/executor';
import { runStudy } from '../../../src/core/study/runStudy';
import { loadStudyFile } from '../../../src/core/study/studyFile';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sweeps');
const folders = fs.readdirSync(FIXTURES).filter(f => fs.statSync(path.join(FIXTURES, f)).isDirectory());

describe('public W&B sweep files run unchanged against stand-ins of their programs', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-sweeps-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('has at least 10 public sweep files', () => assert.ok(folders.length >= 10, String(folders.length)));

  for (const folder of folders) {
    it(folder, async () => {
      const dir = path.join(tmp, folder);
      fs.cpSync(path.join(FIXTURES, folder), dir, { recursive: true });
      const file = fs.readdirSync(dir).find(f => /\.ya?ml$/.test(f)) as string;
      const { config: loaded } = loadStudyFile(path.join(dir, file));
      assert.equal(loaded.launch.argStyle, 'wandb');
      const bin = path.join(dir, 'bin');
      const env = fs.existsSync(bin) ? { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` } : undefined;
      const config = { ...loaded, seed: 7, launch: { ...loaded.launch, interpreter: 'python3', ...(env ? { env: { ...loaded.launch.env, ...env } } : {}) } };
      const executor = createExecutor(config);
      try {
        const summary = await runStudy({ config, journalDir: path.join(dir, '.hpstudio', 'studies', config.name), executor, trials: 3, parallel: 1 });
        assert.equal(summary.trials.length, 3);
        for (const t of summary.trials) assert.notEqual(t.state, 'fail', `trial ${t.number} ${JSON.stringify(t.params)} failed: ${t.error}`);
      } finally {
        await executor.dispose();
      }
    });
  }
});
