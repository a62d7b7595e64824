/** The knowledge base: entries, lookup, value assessment. Pure data and functions, no I/O. */
export * from './types';
export { allEntries, getEntry, findEntry, normalizeName, suggest, variantFor } from './lookup';
export type { FindResult, LookupContext } from './lookup';
export { assessValue, formatNumber, selectRange, optimizerMatches, parseNumeric, SIBLING_AWARE_IDS } from './assess';
export type { Assessment, AssessContext, AssessLevel } from './assess';
