import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyTargetRefusal } from '../../../src/core/apply/applyBest';
import { isInside, portableStudyFile, realInside, resolveStudyFile } from '../../../src/core/study/paths';

describe('portable journal paths', () => {
  it('stores a study file inside the workspace relative to it, with / separators; one outside stays absolute', () => {
    const ws = path.resolve('/work/proj');
    assert.equal(portableStudyFile(path.join(ws, 'configs', 'sweep.yaml'), ws), 'configs/sweep.yaml');
    assert.equal(portableStudyFile(path.resolve('/elsewhere/sweep.yaml'), ws), path.resolve('/elsewhere/sweep.yaml'));
    assert.equal(portableStudyFile(path.resolve('/work/project2/sweep.yaml'), ws), path.resolve('/work/project2/sweep.yaml'), 'a sibling with a common prefix is outside');
    assert.equal(portableStudyFile('', ws), '');
  });

  it('resolves a relative study file under the workspace wherever the study lives now (moved, cloned, remote)', () => {
    assert.equal(resolveStudyFile('configs/sweep.yaml', '/mnt/clone', () => false), path.join('/mnt/clone', 'configs', 'sweep.yaml'));
  });

  it('reads version-1 absolute paths: kept when inside the workspace, found again under it when the study moved', () => {
    const exists = (files: string[]) => (f: string) => files.includes(f);
    const ws = '/tmp/ws';
    assert.equal(resolveStudyFile('/tmp/ws/a/sweep.yaml', ws, exists(['/tmp/ws/a/sweep.yaml'])), '/tmp/ws/a/sweep.yaml');
    // The original clone's path: the longest tail that exists under the new workspace wins.
    const moved = exists([path.join(ws, 'quickstart', 'sweep.yaml'), path.join(ws, 'sweep.yaml')]);
    assert.equal(resolveStudyFile('/home/alice/clone/examples/quickstart/sweep.yaml', ws, moved), path.join(ws, 'quickstart', 'sweep.yaml'));
    // Even when the old path still exists elsewhere on this machine, the copy in this workspace is the study's.
    const both = exists(['/home/alice/clone/quickstart/sweep.yaml', path.join(ws, 'quickstart', 'sweep.yaml')]);
    assert.equal(resolveStudyFile('/home/alice/clone/quickstart/sweep.yaml', ws, both), path.join(ws, 'quickstart', 'sweep.yaml'));
    assert.equal(resolveStudyFile('/gone/sweep.yaml', ws, exists([])), '/gone/sweep.yaml', 'nothing found: the old path, which the caller reports as missing');
  });

  it('tells inside from outside, resolving symlinks that lead out of the folder', () => {
    assert.ok(isInside('/a/b', '/a/b/c.yaml'));
    assert.ok(isInside('/a/b', '/a/b'));
    assert.ok(!isInside('/a/b', '/a/bc/d.yaml'));
    assert.ok(!isInside('/a/b', '/a/b/../c.yaml'));
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-paths-'));
    try {
      const ws = path.join(root, 'ws');
      const out = path.join(root, 'outside');
      fs.mkdirSync(ws);
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'config.yaml'), 'lr: 0.1\n');
      fs.symlinkSync(out, path.join(ws, 'linked'));
      assert.ok(isInside(ws, path.join(ws, 'linked', 'config.yaml')), 'lexically inside');
      assert.ok(!realInside(ws, path.join(ws, 'linked', 'config.yaml')), 'really outside');
      assert.ok(realInside(ws, path.join(ws, 'not-yet', 'config.yaml')), 'a file not created yet inside the folder');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('Apply best refuses a target outside the study’s workspace folder, with what to do instead', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-apply-'));
    try {
      assert.equal(applyTargetRefusal('mlp', ws, path.join(ws, 'configs', 'mlp.yaml')), undefined);
      const refusal = applyTargetRefusal('mlp', ws, '/etc/passwd');
      assert.equal(refusal, `refused to write the best values of study "mlp" into /etc/passwd: it is outside the workspace folder ${ws} the study belongs to. Copy the values by hand, or open that folder and run the study there.`);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
