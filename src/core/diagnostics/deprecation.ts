import type { DetectedFile, Setting } from '../detect/types';
import { normalizeName } from '../knowledge/lookup';
import { modelMatches, type AssessContext } from '../knowledge/ranges';
import type { Deprecation, KnowledgeEntry } from '../knowledge/types';

/**
 * The version note that applies to a setting, if any: a key the library renamed or removed
 * (transformers 5 `warmup_ratio`, scikit-learn 1.8 `penalty`, LightGBM 4 `boosting: goss`). One
 * definition for the hover's version note and the `hp/deprecated` finding.
 */
export function deprecationFor(setting: Setting, file: DetectedFile, entry: KnowledgeEntry, context: AssessContext): Deprecation | undefined {
  const key = normalizeName((setting.key.split('.').pop() ?? setting.name).replace(/\[\d+\]$/, ''));
  const value = typeof setting.value === 'string' ? setting.value.trim().toLowerCase() : undefined;
  return entry.deprecations?.find(d =>
    d.keys.some(k => normalizeName(k) === key)
    && context.framework !== undefined && d.frameworks.includes(context.framework)
    && !(d.excludeFormats && file.format !== null && d.excludeFormats.includes(file.format))
    && (!d.values || (value !== undefined && d.values.includes(value)))
    && (!d.models || (context.model !== undefined && modelMatches(context.model, d.models))));
}
