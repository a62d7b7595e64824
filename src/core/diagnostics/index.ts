/** Pure diagnostics rules over detection results; the extension maps findings to vscode.Diagnostic. */
export { diagnose, RULE_CODES } from './rules';
export type { DiagnoseOptions, Finding, Severity, TextEdit } from './rules';
export { isPyyamlConsumer, pyyamlFloatText, pyyamlReadsAsString, PYYAML_FORMATS } from './pyyaml';
export { nearestByCanonical, nearestByName, nearestSetting, siblingSetting, siblingsOf, settingByKey, numericValue, parentKey, leafName, prepareScopeIndex } from './scope';
