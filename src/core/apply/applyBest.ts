/**
 * "Apply best to config": turns a trial's parameters into text edits of the source config. Only the
 * value's own characters are replaced, so comments, key order, quoting style and formatting stay as
 * the user wrote them.
 */
import type { DetectedFile, Setting, SourceRange } from '../detect/types';
import type { ParamValue } from '../search/types';
import { realInside } from '../study/paths';

/**
 * Why "Apply best" must not edit `target` for a study of the workspace folder `workspace`, or
 * undefined when it may. A study only ever writes into its own workspace folder: a journal copied
 * from elsewhere, a `# source:` line pointing out of the folder or a symlink leading out of it must
 * never make it edit someone else's files (symlinks are resolved before the check).
 */
export function applyTargetRefusal(study: string, workspace: string, target: string): string | undefined {
  if (realInside(workspace, target)) return undefined;
  return `refused to write the best values of study "${study}" into ${target}: it is outside the workspace folder ${workspace} the study belongs to. Copy the values by hand, or open that folder and run the study there.`;
}

export interface ValueEdit {
  readonly param: string;
  readonly key: string;
  readonly range: SourceRange;
  readonly oldText: string;
  readonly newText: string;
}

export interface ApplyPlan {
  readonly edits: ValueEdit[];
  /** Parameters with no matching setting in the file (left alone, reported to the user). */
  readonly unmatched: string[];
}

/** Shortest text that reads back as the same number, kept readable for small/large magnitudes. */
export function formatNumberLiteral(value: number, language: 'yaml' | 'json' | 'python' | 'toml' | 'ini'): string {
  if (!Number.isFinite(value)) return language === 'python' ? `float('${value > 0 ? 'inf' : value < 0 ? '-inf' : 'nan'}')` : String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  let text = String(value); // JS gives the shortest round-trip form
  // PyYAML (W&B, YOLO) reads 1e-05 as a string; a mantissa with a dot is a float everywhere.
  if (language === 'yaml' && /e/i.test(text)) {
    const [mantissa, exponent] = text.split(/e/i);
    text = `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${exponent}`;
  }
  return text;
}

function languageOf(path: string): 'yaml' | 'json' | 'python' | 'toml' | 'ini' {
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  if (/\.py$/i.test(path)) return 'python';
  if (/\.toml$/i.test(path)) return 'toml';
  if (/\.(conf|cfg|ini)$/i.test(path)) return 'ini';
  return 'json';
}

function formatValue(value: ParamValue, oldRaw: string, language: ReturnType<typeof languageOf>): string {
  if (typeof value === 'number') return formatNumberLiteral(value, language);
  if (typeof value === 'boolean') return language === 'python' ? (value ? 'True' : 'False') : String(value);
  if (value === null) return language === 'python' ? 'None' : language === 'yaml' ? 'null' : 'null';
  // Strings keep the quote style the file used; JSON always needs double quotes.
  const quote = /^'/.test(oldRaw) ? "'" : /^"/.test(oldRaw) || language === 'json' || language === 'python' || language === 'toml' ? '"' : '';
  if (!quote) return /^[\w./-]+$/.test(value) ? value : JSON.stringify(value);
  return quote === '"' ? JSON.stringify(value) : `'${value.replace(/'/g, "''")}'`;
}

/** Finds the setting a parameter name refers to: the exact key, then a unique key suffix, then the name. */
export function matchSetting(settings: readonly Setting[], param: string): Setting | undefined {
  const editable = settings.filter(s => s.valueRange && s.kind !== 'logged');
  const exact = editable.find(s => s.key === param);
  if (exact) return exact;
  const suffix = editable.filter(s => s.key.endsWith(`.${param}`));
  if (suffix.length === 1) return suffix[0];
  const byName = editable.filter(s => s.name === param || s.name === `--${param}` || s.name.replace(/-/g, '_') === param);
  return byName.length === 1 ? byName[0] : undefined;
}

/** The source text a range covers (0-based lines, exclusive end). */
function slice(lines: readonly string[], r: SourceRange): string {
  if (r.line === r.endLine) return (lines[r.line] ?? '').slice(r.character, r.endCharacter);
  return [(lines[r.line] ?? '').slice(r.character), ...lines.slice(r.line + 1, r.endLine), (lines[r.endLine] ?? '').slice(0, r.endCharacter)].join('\n');
}

/** `text` is the file's current content: edits are computed against exactly what is there. */
export function planApplyBest(file: DetectedFile, text: string, params: Readonly<Record<string, ParamValue>>): ApplyPlan {
  const language = languageOf(file.path);
  const lines = text.split(/\r?\n/);
  const edits: ValueEdit[] = [];
  const unmatched: string[] = [];
  for (const [param, value] of Object.entries(params)) {
    const setting = matchSetting(file.settings, param);
    if (!setting?.valueRange) {
      unmatched.push(param);
      continue;
    }
    const oldText = slice(lines, setting.valueRange);
    const newText = formatValue(value, oldText, language);
    if (newText === oldText) continue;
    edits.push({ param, key: setting.key, range: setting.valueRange, oldText, newText });
  }
  return { edits, unmatched };
}
