/** Shared pieces of the notebook tests: the fixture folder and a builder for small nbformat 4 files. */
import * as path from 'node:path';

export const NOTEBOOKS = path.join(__dirname, '..', '..', 'fixtures', 'notebooks');

export interface CellSpec {
  readonly cell_type: string;
  readonly source: unknown;
  readonly metadata?: Record<string, unknown>;
}

/** An nbformat 4 notebook's JSON text with these cells (code cells get empty outputs). */
export function notebook(cells: readonly CellSpec[], metadata: Record<string, unknown> = { kernelspec: { name: 'python3', language: 'python', display_name: 'Python 3' } }): string {
  return JSON.stringify({
    cells: cells.map(c => ({ cell_type: c.cell_type, metadata: c.metadata ?? {}, source: c.source, ...(c.cell_type === 'code' ? { execution_count: null, outputs: [] } : {}) })),
    metadata,
    nbformat: 4,
    nbformat_minor: 5,
  }, null, 1);
}

/** Debian's Python, where `npm test`'s system step installs nbclient, nbformat and ipykernel. */
export const NOTEBOOK_PYTHON = process.env.HPSTUDIO_TEST_PYTHON ?? '/usr/bin/python3';

export const EXAMPLE_NOTEBOOK = path.join(__dirname, '..', '..', '..', 'examples', 'notebook', 'moons.ipynb');

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Polls `read` until it returns a value: waiting for a condition, never for a fixed time. */
export async function waitFor<T>(what: string, read: () => T | undefined, limitMs = 60_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
