/**
 * Python sources (`@lezer/python`, error-tolerant, positions kept): module constants, config dicts
 * (mmengine `dict(…)`, Detectron2 `L(Class)(…)` and attribute / subscript overrides), calls of known
 * constructors, argparse `add_argument`, dataclass fields, Optuna `suggest_*`, Ray Tune domains and
 * scikit-learn grids. Simple arithmetic is constant-folded (`5e-4 * 1024 / 512`).
 */
import { pythonTrees, type PythonSource } from '../parsers/pythonSource';
import type { LineIndex } from '../text';
import type { Setting } from '../types';
import { PythonExtractor } from './extractor';
import { attachAlsoAt, CONFIG_STATEMENT, configByContent, frameworkOf, importsOf, pythonFormat } from './fileKind';

export interface PythonResult {
  readonly format: string | null;
  readonly settings: Setting[];
}

export function extractPython(path: string, source: PythonSource, lines: LineIndex, configModule = false): PythonResult {
  const { text } = source;
  const x = new PythonExtractor(text, lines);
  x.framework = frameworkOf(importsOf(text));
  // Long files are parsed in pieces (bounded memory); each piece's tree is read in order.
  let onlyAssignments = true;
  for (const tree of pythonTrees(source)) {
    x.run(tree);
    for (let st = tree.topNode.firstChild; st && onlyAssignments; st = st.nextSibling) onlyAssignments = CONFIG_STATEMENT.test(st.name);
  }
  const names = new Set(x.rootEntries.map(e => e.key));
  const mm = configModule || names.has('_base_') || names.has('optim_wrapper') || names.has('param_scheduler') || names.has('train_cfg') || names.has('lr_config') || names.has('optimizer_config');
  const lazy = /detectron2/.test(x.imports) && /\bL(azyCall)?\b/.test(x.imports);
  const format = mm ? 'mmengine' : lazy ? 'detectron2-lazy' : undefined;
  if (format) x.framework = format === 'mmengine' ? 'mmengine' : 'detectron2';
  x.flushTree(text, lines, path, format ?? 'python');
  let settings = attachAlsoAt(x.out, x.alsoAt);
  const mlSignal = x.hasMlImport || mm || lazy || configByContent(path, onlyAssignments, settings);
  if (!mlSignal) {
    // Without an ML import only argparse options that clearly name hyperparameters count.
    const argparseHps = settings.filter(s => s.name.startsWith('-') && s.kind === 'hyperparameter' && s.canonical);
    if (argparseHps.length < 2) settings = [];
  }
  const optimizer = x.optimizerFromImport;
  if (optimizer) settings = settings.map(s => (s.kind === 'hyperparameter' && !s.optimizer && s.key.startsWith('optimizer.') ? { ...s, optimizer } : s));
  const fmt = format ?? pythonFormat(settings, x.imports, text);
  return { format: fmt, settings };
}
