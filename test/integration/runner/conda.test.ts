/**
 * Conda activation on fake conda layouts (conda itself cannot be installed on these machines: no
 * Debian package, and its installers download): an env whose activate.d script exports a variable,
 * with no conda executable (our own activation) and with a stand-in `conda` that implements `conda
 * run -p PREFIX --no-capture-output CMD…` the way conda does (activate, then run CMD). What real conda
 * adds beyond these (its shell hooks, env-specific PATH entries on Windows) is not covered here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { condaActivation, condaPrefixOf, findConda } from '../../../src/core/runner/conda';

const PY = '/usr/bin/python3';

function makeEnv(root: string, withScript = true): { prefix: string; python: string } {
  const prefix = path.join(root, 'miniconda3', 'envs', 'torch');
  fs.mkdirSync(path.join(prefix, 'conda-meta'), { recursive: true });
  fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true });
  const python = path.join(prefix, 'bin', 'python');
  fs.symlinkSync(PY, python);
  if (withScript) {
    const d = path.join(prefix, 'etc', 'conda', 'activate.d');
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'cuda.sh'), 'export FAKE_CUDA_HOME="$CONDA_PREFIX/cuda"\nexport FAKE_ORDER="${FAKE_ORDER}a"\n');
    fs.writeFileSync(path.join(d, 'zz.sh'), 'export FAKE_ORDER="${FAKE_ORDER}b"\n');
  }
  return { prefix, python };
}

describe('runner/conda: activation variables for trials', function () {
  this.timeout(30_000);
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-conda-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const base = { PATH: '/usr/bin:/bin', HOME: '/home/x' };

  it('is not a conda env without conda-meta', async () => {
    assert.equal(condaPrefixOf(PY), undefined);
    assert.equal(await condaActivation(PY, { baseEnv: base }), undefined);
  });

  it('without conda: sets PATH, CONDA_* and sources activate.d/*.sh in order', async () => {
    const { prefix, python } = makeEnv(root);
    assert.equal(findConda(prefix, { baseEnv: base }), undefined);
    const a = await condaActivation(python, { baseEnv: base });
    assert.ok(a);
    assert.equal(a.prefix, prefix);
    assert.equal(a.env.PATH, `${path.join(prefix, 'bin')}:/usr/bin:/bin`);
    assert.equal(a.env.CONDA_PREFIX, prefix);
    assert.equal(a.env.CONDA_DEFAULT_ENV, 'torch');
    assert.equal(a.env.FAKE_CUDA_HOME, path.join(prefix, 'cuda'));
    assert.equal(a.env.FAKE_ORDER, 'ab');
    assert.equal(a.env.HOME, undefined, 'only what activation changes');
    assert.match(a.how, /conda not found/);
  });

  it('with conda: takes what `conda run -p <prefix>` gives the interpreter', async () => {
    const { prefix, python } = makeEnv(root, false);
    const condaBin = path.join(root, 'miniconda3', 'bin');
    fs.mkdirSync(condaBin, { recursive: true });
    const log = path.join(root, 'conda-args');
    // A stand-in for `conda run`: activate (PATH, CONDA_PREFIX, a marker), then run the command.
    fs.writeFileSync(
      path.join(condaBin, 'conda'),
      `#!/bin/sh\necho "$@" > '${log}'\n[ "$1" = run ] && [ "$2" = -p ] && [ "$4" = --no-capture-output ] || exit 3\nexport CONDA_PREFIX="$3" PATH="$3/bin:$PATH" FROM_CONDA_RUN=1\nshift 4\nexec "$@"\n`,
      { mode: 0o755 },
    );
    assert.equal(findConda(prefix, { baseEnv: base }), path.join(condaBin, 'conda'));
    const a = await condaActivation(python, { baseEnv: base });
    assert.ok(a);
    assert.equal(a.env.FROM_CONDA_RUN, '1');
    assert.equal(a.env.CONDA_PREFIX, prefix);
    assert.match(fs.readFileSync(log, 'utf8'), new RegExp(`^run -p ${prefix} --no-capture-output ${python} -c `));
    assert.match(a.how, /conda run -p/);
  });

  it('reports a failing activation script clearly', async () => {
    const { prefix, python } = makeEnv(root);
    fs.writeFileSync(path.join(prefix, 'etc', 'conda', 'activate.d', 'bad.sh'), 'exit 7\n');
    await assert.rejects(condaActivation(python, { baseEnv: base }), /sh failed/);
  });
});
