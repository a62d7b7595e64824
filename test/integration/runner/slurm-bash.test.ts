/** What a real bash makes of the Slurm executor's quoting and of the batch scripts it generates. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { buildArrayScript, buildBatchScript, shellQuote } from '../../../src/core/runner/slurm';

const HOSTILE = ["; rm -rf ~", '$(touch MARKER)', '`touch MARKER`', "it's", "'", "''", '\\', '"$HOME"', 'a\nb', '\t', '-n', '!!', '*', '~', '${IFS}', '%j', 'é✓', ''];

/**
 * Every value through one bash process: `printf '%s\0' <quoted>` per value, read back split at NUL.
 * One process per batch (not per value) keeps the property test fast on a loaded machine.
 */
function throughBash(values: readonly string[]): string[] {
  const script = values.map(v => `printf '%s\\0' ${shellQuote(v)}`).join('\n');
  const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('runner / Slurm scripts in a real bash', function () {
  this.timeout(60_000);

  it('shellQuote survives a real bash for hostile and random strings (property, seeded)', () => {
    assert.deepEqual(throughBash(HOSTILE), HOSTILE);
    const value = fc.string({ unit: 'binary', maxLength: 40 }).filter(s => !s.includes('\0'));
    // 15 batches of up to 20 strings: 300 random values through 15 bash processes.
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 20 }), values => {
      assert.deepEqual(throughBash(values), values);
    }), { numRuns: 15 });
    assert.throws(() => shellQuote('a\0b'), /NUL character/);
  });

  it('the generated batch script execs the argv with every value literal, exports the env, enters cwd', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-batch-'));
    try {
      const cwd = path.join(dir, "it's $(odd) dir");
      fs.mkdirSync(cwd);
      const script = buildBatchScript({
        argv: [process.execPath, '-e', 'console.log(JSON.stringify({ argv: process.argv.slice(1), env: process.env.EVIL, cwd: process.cwd() }))', ...HOSTILE],
        cwd,
        env: { EVIL: '$(touch MARKER)\'"`' },
        comment: 'line one\nline two',
      });
      assert.doesNotMatch(script, /^line two/m, 'a comment cannot inject a line');
      const file = path.join(dir, 'job.sh');
      fs.writeFileSync(file, script);
      const out = JSON.parse(execFileSync('bash', [file], { cwd: dir, encoding: 'utf8' })) as { argv: string[]; env: string; cwd: string };
      assert.deepEqual(out.argv, HOSTILE);
      assert.equal(out.env, '$(touch MARKER)\'"`');
      assert.equal(out.cwd, cwd);
      assert.equal(fs.existsSync(path.join(dir, 'MARKER')) || fs.existsSync(path.join(cwd, 'MARKER')), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the array script runs the i-th trial script for task i in a real bash, with #SBATCH lines first', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-array-'));
    try {
      const scripts = ['a', "b's dir"].map((name) => {
        fs.mkdirSync(path.join(dir, name));
        const file = path.join(dir, name, 'slurm-job.sh');
        fs.writeFileSync(file, `#!/bin/bash\necho "ran ${name.replace(/'/g, '')} $1"\n`);
        return file;
      });
      const script = buildArrayScript({ scripts, sbatchLines: ['--qos=high', '--constraint="a100|h100"'], comment: 'study s\n rm -rf /' });
      const lines = script.split('\n');
      assert.deepEqual(lines.slice(0, 3), ['#!/bin/bash', '#SBATCH --qos=high', '#SBATCH --constraint="a100|h100"']);
      assert.doesNotMatch(script, /^ rm -rf/m, 'a comment cannot inject a line');
      const file = path.join(dir, 'array.sh');
      fs.writeFileSync(file, script);
      const run = (task: string | undefined) => {
        const env = { ...process.env, SLURM_ARRAY_TASK_ID: task };
        if (task === undefined) delete env.SLURM_ARRAY_TASK_ID;
        try {
          return { out: execFileSync('bash', [file], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), code: 0 };
        } catch (err) {
          return { out: String((err as { stderr?: string }).stderr), code: (err as { status?: number }).status };
        }
      };
      assert.deepEqual(run('0'), { out: 'ran a \n', code: 0 });
      assert.deepEqual(run('1'), { out: 'ran bs dir \n', code: 0 });
      assert.deepEqual(run('2'), { out: 'hpstudio: no trial for array task 2\n', code: 97 });
      assert.equal(run(undefined).code, 97);
      assert.throws(() => buildArrayScript({ scripts: [], sbatchLines: [], comment: '' }), /needs at least one trial/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
