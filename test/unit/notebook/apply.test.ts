/** "Apply best" into a notebook file on disk: value-only edits of the parameters cell, nothing else moves. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { detectFile, readNotebook } from '../../../src/core/detect';
import { applyToNotebookText, planParametersCell } from '../../../src/core/notebook/applyNotebook';
import type { ParamValue } from '../../../src/core/search/types';
import { EXAMPLE_NOTEBOOK, notebook } from './helpers';

function apply(text: string, params: Record<string, ParamValue>) {
  const file = detectFile('/w/nb.ipynb', text);
  const cell = file.notebook?.parametersCell;
  const plan = planParametersCell(file, cell === undefined ? '' : readNotebook(text).cells[cell].source, params);
  if ('error' in plan) return plan;
  return { plan, text: applyToNotebookText(text, plan) };
}

describe('notebook apply best', () => {
  it('rewrites only the changed lines of the parameters cell of the example notebook', () => {
    const before = fs.readFileSync(EXAMPLE_NOTEBOOK, 'utf8');
    const result = apply(before, { learning_rate: 0.0123, hidden_units: 32, batch_size: 32, not_there: 1 });
    assert.ok(!('error' in result));
    assert.deepEqual(result.plan.edits.map(e => [e.key, e.oldText, e.newText]), [['learning_rate', '0.05', '0.0123'], ['hidden_units', '16', '32']]);
    assert.deepEqual(result.plan.unmatched, ['not_there']);
    const oldLines = before.split('\n');
    const newLines = result.text.split('\n');
    assert.equal(newLines.length, oldLines.length);
    const changed = oldLines.map((l, i) => [l, newLines[i]]).filter(([a, b]) => a !== b);
    assert.deepEqual(changed, [
      ['    "learning_rate = 0.05\\n",', '    "learning_rate = 0.0123\\n",'],
      ['    "hidden_units = 16\\n",', '    "hidden_units = 32\\n",'],
    ]);
    // The result is still the same notebook, with the new values detected.
    const again = detectFile('/w/nb.ipynb', result.text);
    assert.equal(again.settings.find(s => s.key === 'learning_rate')?.value, 0.0123);
  });

  it('writes Python literals into a source kept as one string', () => {
    const text = notebook([{ cell_type: 'code', source: 'import torch\n' }, { cell_type: 'code', source: 'lr = 0.1  # step size\nuse_amp = False\nname = "base"', metadata: { tags: ['parameters'] } }]);
    const result = apply(text, { lr: 1e-5, use_amp: true, name: 'wide' });
    assert.ok(!('error' in result));
    assert.equal(readNotebook(result.text).cells[1].source, 'lr = 0.00001  # step size\nuse_amp = True\nname = "wide"');
  });

  it('says so when the notebook has no parameters cell', () => {
    const result = apply(notebook([{ cell_type: 'code', source: 'import torch\nlr = 0.1\n' }]), { lr: 0.2 });
    assert.match(('error' in result ? result.error : ''), /no cell tagged "parameters"/);
  });
});
