/** The fast output skipper reads every notebook exactly as the full JSON tokenizer does (seeded property test). */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { readNotebook } from '../../../src/core/detect';

// Strings full of what trips a hand-written scanner: quotes, backslashes, brackets, unicode.
const nasty = fc.string({ unit: fc.constantFrom('"', '\\', '[', ']', '{', '}', ':', ',', ' ', '\n', 'a', 'é', '𝛼', 'outputs', '\\"') as fc.Arbitrary<string>, maxLength: 30 });
const output = fc.oneof(
  fc.record({ output_type: fc.constant('stream'), name: fc.constant('stdout'), text: fc.array(nasty, { maxLength: 4 }) }),
  fc.record({ output_type: fc.constant('display_data'), metadata: fc.dictionary(nasty, nasty, { maxKeys: 2 }), data: fc.record({ 'image/png': nasty, 'text/plain': fc.array(nasty, { maxLength: 2 }) }) }),
);
const cell = fc.record({
  cell_type: fc.constantFrom('code', 'markdown', 'raw'),
  metadata: fc.record({ tags: fc.array(fc.constantFrom('parameters', 'x', 'outputs'), { maxLength: 2 }) }),
  source: fc.oneof(nasty, fc.array(nasty, { maxLength: 4 })),
  outputs: fc.array(output, { maxLength: 3 }),
  attachments: fc.dictionary(nasty, fc.record({ 'image/png': nasty }), { maxKeys: 2 }),
});
const notebook = fc.record({ cells: fc.array(cell, { maxLength: 5 }), metadata: fc.record({ kernelspec: fc.record({ name: fc.constant('python3'), language: fc.constant('python') }) }), nbformat: fc.constant(4), nbformat_minor: fc.constant(5) });

describe('notebook reader: skipping outputs', () => {
  it('reads the same cells with and without the fast skipper, whatever the strings hold', () => {
    const seed = Number(process.env.FC_SEED ?? 20261206);
    try {
      fc.assert(fc.property(notebook, fc.constantFrom(0, 1, 2), (nb, indent) => {
        const text = JSON.stringify(nb, null, indent);
        assert.deepEqual(readNotebook(text), readNotebook(text, { skipOutputs: false }));
      }), { seed, numRuns: 400 });
    } catch (err) {
      throw new Error(`seed ${seed}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });

  it('falls back to the full reader on text it cannot skip safely (unbalanced outputs)', () => {
    const text = '{"cells": [{"cell_type": "code", "source": "x", "outputs": [ {"a": "b"} ';
    assert.deepEqual(readNotebook(text), readNotebook(text, { skipOutputs: false }));
    assert.match(readNotebook(text).error ?? '', /not valid JSON/);
  });
});
