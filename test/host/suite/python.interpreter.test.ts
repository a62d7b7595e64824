// The Python the user chose in the Python extension, in the real VS Code extension host. The Python
// extension cannot be downloaded on these machines, so this suite runs with a small test extension
// installed under its id (ms-python.python, test/host/python-stub) that implements exactly the
// documented API surface Hyperparameter Studio uses (from @vscode/python-extension's types). The
// test selects interpreters through that API as the "Python: Select Interpreter" command would:
// a venv it creates with `python3 -m venv`, then the system python, then a conda-layout env.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StudySnapshot } from '../../../src/core/study/studyIndex';
import { waitFor } from '../helpers';

interface Choice {
  path?: string;
  source: string;
  description: string;
  env?: Record<string, string>;
}
interface StubApi {
  environments: { updateActiveEnvironmentPath(p: string): Promise<void> };
}

const PROBE = `import argparse, json, os, sys
p = argparse.ArgumentParser()
p.add_argument("--tag", required=True)
p.add_argument("--x", type=int)
a = p.parse_args()
with open(f"probe-{a.tag}.json", "w") as f:
    json.dump({"executable": sys.executable, "prefix": sys.prefix, "conda": os.environ.get("CONDA_PREFIX"), "fake": os.environ.get("FAKE_CUDA_HOME")}, f)
print("loss: 0.5")
`;

describe('the Python extension’s interpreter (stand-in extension under ms-python.python)', function () {
  this.timeout(180_000);
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const dir = () => path.join(root(), 'probe');
  let api: StubApi;

  async function runProbe(tag: string): Promise<{ executable: string; prefix: string; conda: string | null; fake: string | null }> {
    const file = path.join(dir(), `${tag}.study.yaml`);
    fs.writeFileSync(file, `name: probe-${tag}\nprogram: probe.py\nmethod: random\nmetric: {name: loss}\ntrials: 1\nparameters:\n  tag: {value: ${tag}}\n  x: {values: [1]}\n`);
    const started = await vscode.commands.executeCommand<{ started: boolean }>('hpstudio.startStudy', vscode.Uri.file(file), { quiet: true });
    assert.equal(started?.started, true, JSON.stringify(started));
    await waitFor(`study probe-${tag} to finish`, async () => {
      const all = (await vscode.commands.executeCommand<StudySnapshot[]>('hpstudio.getStudies')) ?? [];
      return all.find(s => s.name === `probe-${tag}` && s.state === 'finished');
    }, 120_000);
    return JSON.parse(fs.readFileSync(path.join(dir(), `probe-${tag}.json`), 'utf8'));
  }

  const choiceFor = async () => (await vscode.commands.executeCommand<Choice>('hpstudio.getInterpreter', vscode.Uri.file(path.join(dir(), 'x.study.yaml')))) as Choice;

  before(async () => {
    fs.mkdirSync(dir(), { recursive: true });
    fs.writeFileSync(path.join(dir(), 'probe.py'), PROBE);
    const ext = vscode.extensions.getExtension('ms-python.python');
    assert.ok(ext, 'the stand-in Python extension is installed');
    api = (await ext.activate()) as StubApi;
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(root(), 'quickstart', 'sweep.yaml')));
    await waitFor('activation', () => vscode.extensions.getExtension('hpstudio.hpstudio')?.isActive);
  });

  it('runs trials with a venv selected in the Python extension', async () => {
    const venv = path.join(root(), '.venv');
    // Asynchronously: the extension host must stay responsive while the venv is made.
    await promisify(execFile)('/usr/bin/python3', ['-m', 'venv', venv]).catch(err => assert.fail(`python3 -m venv failed (apt-get install python3-venv): ${err.stderr ?? err}`));
    const python = path.join(venv, 'bin', 'python');
    await api.environments.updateActiveEnvironmentPath(python);
    const choice = await waitFor('the new choice', async () => ((await choiceFor()).path === python ? choiceFor() : undefined));
    assert.equal(choice.source, 'python-extension');
    assert.match(choice.description, /Python 3\.\d+\.\d+ \('\.venv', VirtualEnvironment\)/);
    const seen = await runProbe('venv');
    assert.equal(fs.realpathSync(seen.prefix), fs.realpathSync(venv), 'the trial ran inside the venv');
  });

  it('follows the user switching interpreters', async () => {
    await api.environments.updateActiveEnvironmentPath('/usr/bin/python3');
    await waitFor('the switch', async () => ((await choiceFor()).path === '/usr/bin/python3' ? true : undefined));
    const seen = await runProbe('system');
    assert.equal(seen.prefix, '/usr');
  });

  it('gives a conda env its activation variables (fake conda layout: conda itself cannot be installed here)', async () => {
    const prefix = path.join(root(), 'miniconda3', 'envs', 'fake');
    fs.mkdirSync(path.join(prefix, 'conda-meta'), { recursive: true });
    fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(prefix, 'etc', 'conda', 'activate.d'), { recursive: true });
    fs.symlinkSync('/usr/bin/python3', path.join(prefix, 'bin', 'python'));
    fs.writeFileSync(path.join(prefix, 'etc', 'conda', 'activate.d', 'cuda.sh'), 'export FAKE_CUDA_HOME="$CONDA_PREFIX/cuda"\n');
    await api.environments.updateActiveEnvironmentPath(path.join(prefix, 'bin', 'python'));
    const choice = await waitFor('the conda choice', async () => {
      const c = await choiceFor();
      return c.path === path.join(prefix, 'bin', 'python') ? c : undefined;
    });
    assert.equal(choice.env?.CONDA_PREFIX, prefix);
    const seen = await runProbe('conda');
    assert.equal(seen.conda, prefix);
    assert.equal(seen.fake, path.join(prefix, 'cuda'));
  });
});
