import * as assert from 'node:assert/strict';
import { textTable } from '../../../src/cli/bench/textTable';

describe('textTable (the benchmarks’ aligned tables)', () => {
  it('left-aligns the first column, right-aligns the others, two spaces apart, no final newline', () => {
    assert.equal(
      textTable([
        ['problem', 'ours p=1', 'ours p=8'],
        ['hartmann6', '4.44e-5', '5.63e-5'],
        ['svc', '9.28e-6', '1'],
      ]),
      ['problem    ours p=1  ours p=8', 'hartmann6   4.44e-5   5.63e-5', 'svc         9.28e-6         1'].join('\n'),
    );
  });

  it('takes missing cells of a short row as empty, and no rows as no text', () => {
    assert.equal(textTable([['a', 'bb'], ['ccc']]), 'a    bb\nccc    ');
    assert.equal(textTable([]), '');
  });
});
