/** Public API of hyperparameter detection (pure Node, no `vscode`). */
export type { NotebookInfo, DetectedFile, SearchDomain, Setting, SettingKind, SourceRange } from './types';
export { detectFile, findSettingAt, normaliseOptimizer, DEFAULT_MAX_BYTES, type DetectOptions } from './detect';
export { quickScan, type QuickScanResult } from './quickScan';
export { detectWorkspace, indexWorkspace, listFiles, buildHydraIndex, withMmengineBases, withLazyImports, mmengineBases, DEFAULT_EXCLUDES, type IndexedFile, type ScanOptions } from './workspace';
export { classifyKey, type KeyContext, type Classification } from './classify';
export { knownCanonicalIds } from './vocabulary';
export { detectNotebook, detectNotebookCells, cellView, readNotebook, parametersCellIndex, isNotebookPath, NOTEBOOK_FORMAT, MAX_NOTEBOOK_BYTES, type NotebookCell, type NotebookContent, type NotebookCellKind } from './notebook';
