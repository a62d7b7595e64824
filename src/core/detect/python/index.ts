/**
 * Python sources (`@lezer/python`, error-tolerant, positions kept): module constants, config dicts
 * (mmengine `dict(…)`, Detectron2 `L(Class)(…)` and attribute / subscript overrides), calls of known
 * constructors, argparse `add_argument`, dataclass fields, Optuna `suggest_*`, Ray Tune domains and
 * scikit-learn grids. Simple arithmetic is constant-folded (`5e-4 * 1024 / 512`).
 */
import { UNLIMITED, type WorkBudget } from '../budget';
import { pythonTrees, type Cut, type PythonSource } from '../parsers/pythonSource';
import type { LineIndex } from '../text';
import type { Setting } from '../types';
import { PythonExtractor } from './extractor';
import { attachAlsoAt, CONFIG_STATEMENT, configByContent, frameworkOf, importsOf, pythonFormat } from './fileKind';

export interface PythonResult {
  readonly format: string | null;
  readonly settings: Setting[];
  /** Set when the budget ran out: which part of the file was analysed. */
  readonly warning?: string;
  /** With `warning`: the 0-based line where the analysis stopped. */
  readonly analysedLines?: number;
}

export function extractPython(path: string, source: PythonSource, lines: LineIndex, configModule = false, budget: WorkBudget = UNLIMITED): PythonResult {
  const { text } = source;
  const x = new PythonExtractor(text, lines);
  x.framework = frameworkOf(importsOf(text));
  // Long files are parsed in pieces (bounded memory); each piece's tree is read in order.
  let onlyAssignments = true;
  const cut: Cut = {};
  for (const tree of pythonTrees(source, budget, cut)) {
    x.run(tree, budget, cut);
    const end = cut.at ?? Infinity;
    for (let st = tree.topNode.firstChild; st && onlyAssignments && st.from < end; st = st.nextSibling) onlyAssignments = CONFIG_STATEMENT.test(st.name);
    if (cut.at !== undefined) break;
  }
  const names = new Set(x.rootEntries.map(e => e.key));
  const mm = configModule || names.has('_base_') || names.has('optim_wrapper') || names.has('param_scheduler') || names.has('train_cfg') || names.has('lr_config') || names.has('optimizer_config');
  const lazy = /detectron2/.test(x.imports) && /\bL(azyCall)?\b/.test(x.imports);
  const format = mm ? 'mmengine' : lazy ? 'detectron2-lazy' : undefined;
  if (format) x.framework = format === 'mmengine' ? 'mmengine' : 'detectron2';
  x.flushTree(text, lines, path, format ?? 'python');
  let settings = attachAlsoAt(x.out, x.alsoAt);
  // Past the cut the trees are partial or unread: list only what lies wholly above its line.
  const cutLine = cut.at === undefined ? undefined : lines.position(cut.at).line;
  if (cutLine !== undefined) settings = settings.filter(s => s.range.line < cutLine);
  const mlSignal = x.hasMlImport || mm || lazy || configByContent(path, onlyAssignments, settings);
  if (!mlSignal) {
    // Without an ML import only argparse options that clearly name hyperparameters count.
    const argparseHps = settings.filter(s => s.name.startsWith('-') && s.kind === 'hyperparameter' && s.canonical);
    if (argparseHps.length < 2) settings = [];
  }
  const optimizer = x.optimizerFromImport;
  if (optimizer) settings = settings.map(s => (s.kind === 'hyperparameter' && !s.optimizer && s.key.startsWith('optimizer.') ? { ...s, optimizer } : s));
  const fmt = format ?? pythonFormat(settings, x.imports, text);
  return { format: fmt, settings, ...(cutLine !== undefined ? { warning: budgetWarning(path, cutLine, lines, budget), analysedLines: cutLine } : {}) };
}

/** "train.py: analysed the first 41,000 of 52,000 lines within the 0.65 s budget; …" */
function budgetWarning(path: string, cutLine: number, lines: LineIndex, budget: WorkBudget): string {
  const name = path.split(/[\\/]/).pop() ?? path;
  const total = lines.position(Number.MAX_SAFE_INTEGER).line + 1;
  const n = (v: number) => v.toLocaleString('en-US');
  return `${name}: analysed the first ${n(cutLine)} of ${n(total)} lines within the ${budget.limitMs / 1000} s CPU budget for one file; settings from line ${n(cutLine + 1)} on are not listed`;
}
