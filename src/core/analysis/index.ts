/** Study analysis for the curves panel: pure functions over trials, shared by the webview and tests. */
export * from './space';
export * from './history';
export * from './plots';
export * from './axis';
export * from './format';
export * from './rank';
export * from './timeline';
export * from './edf';
export { analyseStudy, topPair, type StudyModel, type ParamImportance, type ContourGrid, type ImportanceOptions } from './importance';
export * from './pareto';
