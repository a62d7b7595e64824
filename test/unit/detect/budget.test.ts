/**
 * Issue #16 item 9: the per-file work budget. A counting clock (one "millisecond" per look at the
 * budget) makes the cut deterministic; the real CPU clock is only measured in
 * test/bench/detect-bounds.bench.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UNLIMITED, workBudget, type Clock, type WorkBudget } from '../../../src/core/detect/budget';
import { detectFile, detectNotebookCells } from '../../../src/core/detect';
import type { DetectedFile } from '../../../src/core/detect/types';

/** A clock that advances one unit each time it is read. */
const counting = (): Clock => {
  let t = 0;
  return () => t++;
};
const budgetOf = (looks: number) => () => workBudget(looks, counting());

/** three lines of set-up, then `n` argparse options `--lr_i` (8,000 → ~100 k tokens: several parse pieces). */
const longFile = (n: number) => ["import argparse\nimport torch\np = argparse.ArgumentParser()", ...Array.from({ length: n }, (_, i) => `p.add_argument("--lr${i}", type=float, default=${i + 1}e-4)`)].join('\n') + '\n';

describe('detect: per-file work budget (issue #16 item 9)', () => {
  it('stops a long file when a tiny budget runs out and lists the settings above the line it names', () => {
    const text = longFile(8000);
    const full = detectFile('train.py', text, { force: true, budget: budgetOf(1e12) });
    const part = detectFile('train.py', text, { force: true, budget: budgetOf(20) });
    assert.equal(full.warning, undefined);
    const m = /^train\.py: analysed the first ([\d,]+) of 8,004 lines within the 0\.02 s CPU budget for one file; settings from line ([\d,]+) on are not listed$/.exec(part.warning ?? '');
    assert.ok(m, `warning: ${part.warning}`);
    const analysed = Number(m[1].replace(/,/g, ''));
    assert.equal(Number(m[2].replace(/,/g, '')), analysed + 1);
    assert.ok(analysed > 1 && analysed < 8000, `cut at ${analysed}`);
    // Exactly the settings above the cut, identical to the full analysis's.
    assert.deepEqual(part.settings, full.settings.filter(s => s.range.line < analysed));
    assert.ok(part.settings.length > 0 && part.settings.length < full.settings.length);
    assert.equal(part.error, undefined);
    assert.equal(part.format, full.format);
  });

  it('a budget spent during the extractor walk (after parsing) also cuts at a statement, with the warning', () => {
    const text = longFile(3000);
    // The parse never runs out (it asks for a share of the budget); the extractor's 3rd look does.
    let looks = 0;
    const walkOnly = (): WorkBudget => ({ limitMs: 700, spent: (share = 1) => share === 1 && ++looks > 2 });
    const part = detectFile('train.py', text, { force: true, budget: walkOnly });
    const full = detectFile('train.py', text, { force: true, budget: () => UNLIMITED });
    assert.match(part.warning ?? '', /^train\.py: analysed the first [\d,]+ of 3,004 lines within the 0\.7 s CPU budget/);
    const analysed = Number(/first ([\d,]+)/.exec(part.warning ?? '')?.[1]);
    assert.deepEqual(part.settings, full.settings.filter(s => s.range.line < analysed));
    // One look per 64 top-level statements: the 3rd look, at the 192nd statement, cuts above it.
    assert.equal(analysed, 191);
    assert.equal(part.settings.length, 191 - 3);
  });

  it('a budget no file needs leaves detection unchanged and silent', () => {
    const text = longFile(2000);
    const a: DetectedFile = detectFile('train.py', text, { force: true, budget: () => UNLIMITED });
    const b = detectFile('train.py', text, { force: true, budget: () => workBudget(1e12, counting()) });
    assert.deepEqual(b, a);
    assert.equal(a.warning, undefined);
  });

  it('the default budget leaves every Python fixture\'s detection unchanged and without a warning', function () {
    this.timeout(120_000);
    const files = fs.readdirSync('test/fixtures', { recursive: true, withFileTypes: true })
      .filter(d => d.isFile() && d.name.endsWith('.py'))
      .map(d => path.join(d.parentPath, d.name));
    assert.ok(files.length > 100, `${files.length} fixtures`);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const budgeted = detectFile(file, text, { force: true });
      assert.equal(budgeted.warning, undefined, file);
      assert.deepEqual(budgeted, detectFile(file, text, { force: true, budget: () => UNLIMITED }), file);
    }
  });

  it('a notebook cut by the budget names the cell and line where the analysis stopped', () => {
    const setup = { index: 0, kind: 'code' as const, source: 'import argparse\nimport torch\np = argparse.ArgumentParser()', tags: [] };
    const note = { index: 1, kind: 'markdown' as const, source: '# options', tags: [] };
    const options = { index: 2, kind: 'code' as const, source: longFile(3000).split('\n').slice(3).join('\n'), tags: [] };
    let looks = 0;
    const walkOnly = (): WorkBudget => ({ limitMs: 700, spent: (share = 1) => share === 1 && ++looks > 2 });
    const r = detectNotebookCells('nb.ipynb', { cells: [setup, note, options], language: 'python' }, { budget: walkOnly });
    // The 192nd statement is the 189th option: cell 3 as VS Code numbers cells from 1, line 189.
    assert.equal(r.warning, 'nb.ipynb: analysed the code up to cell 3, line 189 within the CPU budget for one file; settings from there on are not listed');
    assert.equal(r.settings.length, 188);
    assert.ok(r.settings.every(s => s.cell === 2 && s.range.line < 188));
  });
});
