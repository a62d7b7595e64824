/** Detection of every corpus file the way the CLI and the editor see it (with `_base_` / LazyConfig imports). */
import * as fs from 'node:fs';
import { detectFile, withLazyImports, withMmengineBases, type DetectedFile } from '../../src/core/detect';
import { emptyScore, loadCorpus, scoreFile, type Score } from './corpus';

const read = (p: string) => {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

export function detectCorpusFile(file: string): DetectedFile {
  const text = fs.readFileSync(file, 'utf8');
  const r = detectFile(file, text, {});
  return file.endsWith('.py') && !r.error ? withLazyImports(file, text, withMmengineBases(file, text, r, read), read) : r;
}

export function scoreCorpus(): { tuned: Score; heldout: Score } {
  const parts = { tuned: emptyScore(), heldout: emptyScore() };
  for (const labels of loadCorpus()) scoreFile(labels, detectCorpusFile(labels.file), parts[labels.split]);
  return parts;
}
