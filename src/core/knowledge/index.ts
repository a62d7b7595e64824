/** The knowledge base: entries, lookup, value assessment. Pure data and functions, no I/O. */
export * from './types';
export { allEntries, getEntry, findEntry, normalizeName, suggest, variantFor } from './lookup';
export type { FindResult, LookupContext } from './lookup';
export { assessValue, lowerTitle, parseNumeric, SIBLING_AWARE_IDS } from './assess';
export type { Assessment, AssessLevel } from './assess';
export { boundsText, defaultFor, describeRange, findKeyword, formatNumber, isKnownFramework, modelMatches, normalizeModel, optimizerMatches, selectRange, unsetMessage } from './ranges';
export type { AssessContext } from './ranges';
