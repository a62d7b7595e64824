/** Pure builders of hover and explanation text; the extension wraps them in MarkdownStrings. */
export { renderHover, entryForSetting, describeSearch, judgeSearch } from './render';
export type { HoverExtras, HoverStudy } from './render';
export { renderExplanationPage, renderPlainText, renderAmbiguity } from './explain';
export { computeFacts, nearestSetting } from './facts';
export type { ComputedFact } from './facts';
export { prepareScopeIndex as prepareHoverIndex } from '../diagnostics/scope';
