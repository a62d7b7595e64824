import type { Log, Region, ReportingDescriptor, Result } from 'sarif';
import type { SourceRange } from '../detect/types';
import type { Finding, Severity } from './rules';

/**
 * Findings as a SARIF 2.1.0 log, the format GitHub code scanning (and most CI dashboards) ingest.
 * Positions are 1-based in SARIF; ours are 0-based LSP positions counted in UTF-16 code units,
 * which SARIF states with `columnKind`.
 */

export interface LocatedFinding {
  /** Path relative to the checked root, `/`-separated (becomes the artifact URI). */
  readonly path: string;
  readonly finding: Finding;
}

export interface SarifTool {
  readonly version: string;
  /** Rule id → one-line description. */
  readonly rules: Readonly<Record<string, string>>;
  readonly informationUri?: string;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
/** Default level of each rule: what its findings usually are. */
const RULE_LEVEL: Readonly<Record<string, 'error' | 'warning' | 'note'>> = {
  'hp/invalid-value': 'error',
  'hp/heads-divisibility': 'error',
  'hp/deprecated': 'note',
  'hp/overridden': 'note',
};

function region(range: SourceRange): Region {
  return { startLine: range.line + 1, startColumn: range.character + 1, endLine: range.endLine + 1, endColumn: range.endCharacter + 1 };
}

/** `hp/invalid-value` → `InvalidValue`: SARIF rule names are PascalCase identifiers. */
function ruleName(id: string): string {
  return id.replace(/^.*\//, '').split('-').map(w => w[0].toUpperCase() + w.slice(1)).join('');
}

function result(item: LocatedFinding, ruleIndex: number): Result {
  const { finding, path } = item;
  const artifactLocation = { uri: encodeURI(path), uriBaseId: '%SRCROOT%' };
  const out: Result = {
    ruleId: finding.code,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [{ physicalLocation: { artifactLocation, region: region(finding.range) } }],
  };
  if (finding.fix) {
    out.fixes = [{
      description: { text: finding.fix.title },
      artifactChanges: [{
        artifactLocation,
        replacements: finding.fix.edits.map(e => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
      }],
    }];
  }
  return out;
}

export function toSarif(findings: readonly LocatedFinding[], tool: SarifTool): Log {
  const ids = Object.keys(tool.rules);
  const rules: ReportingDescriptor[] = ids.map(id => ({
    id,
    name: ruleName(id),
    shortDescription: { text: tool.rules[id] },
    defaultConfiguration: { level: RULE_LEVEL[id] ?? 'warning' },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'hpstudio', version: tool.version, semanticVersion: tool.version, ...(tool.informationUri ? { informationUri: tool.informationUri } : {}), rules } },
      columnKind: 'utf16CodeUnits',
      results: findings.map(f => result(f, ids.indexOf(f.finding.code))),
    }],
  };
}
