import type { Assessment } from '../knowledge/assess';
import { variantFor } from '../knowledge/lookup';
import { describeRange } from '../knowledge/ranges';
import { FRAMEWORK_LABELS, type FrameworkId, type KnowledgeEntry, type TypicalRange } from '../knowledge/types';

/**
 * Long-form renderings of a knowledge-base entry: the "Explain more" markdown page and the plain
 * text `hpstudio explain` prints. Both show everything the hover leaves out.
 */

const frameworkLabel = (fw: string): string => FRAMEWORK_LABELS[fw as FrameworkId] ?? fw;

function rangeLine(range: TypicalRange): string {
  const scale = range.scale === 'log2' ? 'powers of two' : range.scale === 'log' ? 'log scale' : range.scale;
  return `${range.label ? `${range.label}: ` : ''}${describeRange(range)} [${scale}; from ${range.source}]`;
}

/** Version notes of the entry, one line each. */
function driftLines(entry: KnowledgeEntry): string[] {
  return (entry.deprecations ?? []).map(d => `${d.since}: ${d.message}`);
}

function kindText(entry: KnowledgeEntry): string {
  return entry.kind === 'system' ? 'System setting (not a model hyperparameter)' : 'Hyperparameter';
}

/**
 * The full "Explain more" page. With `value`/`assessment` (from the hovered setting) it opens with
 * the verdict on that value; with `framework`/`name` it uses the meaning that applies there.
 */
export function renderExplanationPage(entry: KnowledgeEntry, options: { framework?: string; name?: string; value?: string; assessment?: Assessment } = {}): string {
  const variant = variantFor(entry, options.framework, options.name);
  const effects = variant?.effects ?? entry.effects;
  const pitfalls = variant?.pitfalls ?? entry.pitfalls;
  const out: string[] = [];
  out.push(`# ${variant?.title ?? entry.title}`);
  out.push(`*${kindText(entry)}* · id \`${entry.id}\``);
  out.push(variant?.summary ?? entry.summary);
  out.push(variant?.explanation ?? entry.explanation);
  if (variant) out.push(`In other frameworks: ${entry.summary}`);
  if (entry.appliesWhen) out.push(`**This meaning applies** ${entry.appliesWhen}.`);
  if (options.value !== undefined && options.assessment) {
    out.push('## Your value');
    out.push(`\`${options.value.replace(/`/g, "'")}\`: **${options.assessment.level}**: ${options.assessment.message}`);
    if (options.assessment.why) out.push(`Why: ${options.assessment.why}`);
  }
  out.push('## Typical range');
  out.push([entry.range, ...(entry.ranges ?? [])].map(r => `- ${rangeLine(r)}`).join('\n'));
  out.push('## Effects');
  out.push(`- **Raise:** ${effects.raise}\n- **Lower:** ${effects.lower}`);
  out.push('## Defaults');
  out.push(['| Framework | Default |', '|---|---|', ...Object.entries(entry.defaults).map(([fw, text]) => `| ${frameworkLabel(fw)} | ${String(text).replace(/\|/g, '\\|')} |`)].join('\n'));
  if (entry.deprecations?.length) {
    out.push('## Version notes');
    out.push(driftLines(entry).map(l => `- ${l}`).join('\n'));
  }
  out.push('## Pitfalls');
  out.push(pitfalls.map(p => `- ${p}`).join('\n'));
  if (entry.notes?.length) {
    out.push('## Notes');
    out.push(entry.notes.map(n => `- ${n}`).join('\n'));
  }
  out.push('## Also written as');
  out.push(entry.aliases.map(a => `\`${a}\``).join(', '));
  out.push('## Documentation');
  out.push(entry.docs.map(d => `- <${d}>`).join('\n'));
  return `${out.join('\n\n')}\n`;
}

/** Plain text for terminals: same content as the page, no markdown. */
export function renderPlainText(entry: KnowledgeEntry, options: { framework?: string; name?: string; value?: string; assessment?: Assessment } = {}): string {
  const variant = variantFor(entry, options.framework, options.name);
  const effects = variant?.effects ?? entry.effects;
  const pitfalls = variant?.pitfalls ?? entry.pitfalls;
  const lines: string[] = [];
  const title = variant?.title ?? entry.title;
  lines.push(`${title} (${entry.id}) — ${kindText(entry)}`);
  lines.push(variant?.summary ?? entry.summary);
  lines.push('');
  lines.push(variant?.explanation ?? entry.explanation);
  if (entry.appliesWhen) lines.push(`This meaning applies ${entry.appliesWhen}.`);
  if (options.value !== undefined && options.assessment) {
    lines.push('');
    lines.push(`Value ${options.value}: ${options.assessment.level.toUpperCase()} — ${options.assessment.message}`);
    if (options.assessment.why) lines.push(`Why: ${options.assessment.why}`);
  }
  lines.push('');
  lines.push('Typical range:');
  for (const r of [entry.range, ...(entry.ranges ?? [])]) lines.push(`  ${rangeLine(r)}`);
  lines.push(`Raise: ${effects.raise}`);
  lines.push(`Lower: ${effects.lower}`);
  lines.push('Defaults:');
  const defaults = Object.entries(entry.defaults);
  const width = Math.max(...defaults.map(([fw]) => frameworkLabel(fw).length));
  for (const [fw, text] of defaults) {
    const mark = fw === options.framework ? '*' : ' ';
    lines.push(` ${mark}${frameworkLabel(fw).padEnd(width)}  ${text}`);
  }
  for (const d of driftLines(entry)) lines.push(`Version note: ${d}`);
  lines.push('Pitfalls:');
  for (const p of pitfalls) lines.push(`  - ${p}`);
  for (const n of entry.notes ?? []) lines.push(`Note: ${n}`);
  lines.push(`Also written as: ${entry.aliases.join(', ')}`);
  lines.push(`Docs: ${entry.docs.join('  ')}`);
  return `${lines.join('\n')}\n`;
}

/** For a shared name such as `gamma`: each meaning, where it applies and how to pick it. */
export function renderAmbiguity(name: string, candidates: readonly KnowledgeEntry[]): string {
  const lines = [`"${name}" has ${candidates.length} meanings; which one applies depends on where it is written:`, ''];
  for (const entry of candidates) {
    lines.push(`  ${entry.id} — ${entry.title}: ${entry.summary}`);
    if (entry.appliesWhen) lines.push(`      applies ${entry.appliesWhen}`);
  }
  lines.push('');
  lines.push(`Pick one with its id (hpstudio explain ${candidates[0].id}) or give context with --framework (e.g. --framework ${candidates.find(c => c.frameworks?.length)?.frameworks?.[0] ?? 'pytorch'}).`);
  return `${lines.join('\n')}\n`;
}
