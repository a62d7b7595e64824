/** Public API of hyperparameter detection (pure Node, no `vscode`). */
export type { NotebookInfo, DetectedFile, SearchDomain, Setting, SettingKind, SourceRange } from './types';
export { detectFile, findSettingAt, normaliseOptimizer, DEFAULT_MAX_BYTES, type DetectOptions } from './detect';
export { quickScan, type QuickScanResult } from './quickScan';
export { detectWorkspace, indexWorkspace, listFiles, buildHydraIndex, withMmengineBases, withLazyImports, mmengineBases, DEFAULT_EXCLUDES, type IndexedFile, type ScanOptions } from './workspace';
export { classifyKey, type KeyContext, type Classification } from './classify';
export { knownCanonicalIds } from './vocabulary';
export { detectNotebook, detectNotebookCells, cellView, readNotebook, parametersCellIndex, isNotebookPath, NOTEBOOK_FORMAT, MAX_NOTEBOOK_BYTES, type NotebookCell, type NotebookContent, type NotebookCellKind } from './notebook';
export { CONFIG_EXTENSIONS, CONFIG_FILE, CONFIG_GLOB, CONFIG_LANGUAGE_IDS, EXCLUDED_DIRS, EXCLUDED_GLOBS, inExcludedFolder, configLanguage } from './files';
export { detectDocument, diskReader, findVocabularyFile, type DocumentOptions } from './document';
export { parseVocabulary, applyVocabulary, vocabularyEntryFor, EMPTY_VOCABULARY, VOCABULARY_FILE, type UserVocabulary, type VocabularyProblem } from './userVocabulary';
