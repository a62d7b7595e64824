import * as fs from 'node:fs';
import { detectFile, withLazyImports, withMmengineBases } from '../../src/core/detect';
import { emptyScore, loadCorpus, scoreFile, summary } from './corpus';
const read = (p: string) => { try { return fs.readFileSync(p, 'utf8'); } catch { return undefined; } };
const parts = { tuned: emptyScore(), heldout: emptyScore() };
for (const l of loadCorpus()) {
  const text = fs.readFileSync(l.file, 'utf8');
  let r = detectFile(l.file, text, {});
  if (l.file.endsWith('.py') && !r.error) r = withLazyImports(l.file, text, withMmengineBases(l.file, text, r, read), read);
  scoreFile(l, r, parts[l.split]);
}
console.log(summary('tuned', parts.tuned));
console.log(summary('held-out', parts.heldout));
if (process.env.SHOW) {
  const s = parts.tuned;
  console.log([...s.misses, '---', ...s.mislabels, '---', ...s.formatErrors].join('\n'));
}
