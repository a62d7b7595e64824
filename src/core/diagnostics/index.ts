/** Pure diagnostics rules over detection results; the extension maps findings to vscode.Diagnostic. */
export { diagnose, RULE_CODES, RULES } from './rules';
export type { DiagnoseOptions, Finding, Severity, TextEdit } from './rules';
export { assessContextFor, entryForSetting, modelFor, unitFor } from './context';
export { deprecationFor } from './deprecation';
export { isPyyamlConsumer, pyyamlFloatText, pyyamlReadsAsString, PYYAML_FORMATS } from './pyyaml';
export { nearestByCanonical, nearestByName, nearestSetting, siblingSetting, siblingsOf, settingByKey, numericValue, parentKey, leafName, prepareScopeIndex } from './scope';
