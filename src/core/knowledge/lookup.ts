import { architectureEntries } from './architecture';
import { classicalEntries } from './classical';
import { dataEntries } from './data';
import { detectionIdEntries } from './detectionIds';
import { extraEntries } from './extra';
import { optimisationEntries } from './optimisation';
import { regularisationEntries } from './regularisation';
import { scheduleEntries } from './schedule';
import { rlEntries } from './rl';
import { systemsEntries } from './systems';
import { treeEntries } from './trees';
import type { EntryVariant, KnowledgeEntry } from './types';


const ENTRIES: readonly KnowledgeEntry[] = [
  ...optimisationEntries,
  ...scheduleEntries,
  ...regularisationEntries,
  ...architectureEntries,
  ...treeEntries,
  ...classicalEntries,
  ...rlEntries,
  ...dataEntries,
  ...systemsEntries,
  ...extraEntries,
  ...detectionIdEntries,
];

/** Case-, dash- and underscore-insensitive form used for every name comparison. */
export function normalizeName(name: string): string {
  return name.trim().replace(/^-+/, '').toLowerCase().replace(/[-_\s]+/g, '');
}

const byId = new Map<string, KnowledgeEntry>();
const byAlias = new Map<string, KnowledgeEntry[]>();
for (const entry of ENTRIES) {
  if (byId.has(entry.id)) throw new Error(`knowledge base: duplicate id ${entry.id}`);
  byId.set(entry.id, entry);
  for (const alias of new Set([entry.id, ...entry.aliases].map(normalizeName))) {
    const list = byAlias.get(alias) ?? [];
    list.push(entry);
    byAlias.set(alias, list);
  }
}

export function allEntries(): readonly KnowledgeEntry[] {
  return ENTRIES;
}

export function getEntry(id: string): KnowledgeEntry | undefined {
  return byId.get(id);
}

/** What is known around a name: used to pick one meaning of a shared alias such as `gamma`. */
export interface LookupContext {
  readonly framework?: string;
  readonly optimizer?: string;
  /** Full dotted key (`model.scheduler.gamma`): its segments count as evidence too. */
  readonly key?: string;
  /** Names of the other settings in the same scope or file. */
  readonly siblings?: readonly string[];
}

export type FindResult =
  | { readonly status: 'found'; readonly entry: KnowledgeEntry; readonly via: 'id' | 'alias' | 'context' }
  | { readonly status: 'ambiguous'; readonly candidates: readonly KnowledgeEntry[] }
  | { readonly status: 'unknown'; readonly suggestions: readonly string[] };

/** Last meaningful segment of a written key: `model.optimizer.lr` → `lr`, `clf__C` → `C`. */
function lastSegment(name: string): string {
  const dotted = name.split('.').pop() ?? name;
  const piped = dotted.split('__').pop() ?? dotted;
  return piped.replace(/\[\d+\]$/, '');
}

function candidatesFor(name: string): KnowledgeEntry[] {
  const direct = byAlias.get(normalizeName(name));
  if (direct) return direct;
  const tail = lastSegment(name);
  return tail !== name ? byAlias.get(normalizeName(tail)) ?? [] : [];
}

function contextScore(entry: KnowledgeEntry, context: LookupContext): number {
  let score = 0;
  const hints = new Set((entry.siblingHints ?? []).map(normalizeName));
  if (context.framework && entry.frameworks?.includes(context.framework)) score += 1;
  for (const sibling of context.siblings ?? []) if (hints.has(normalizeName(lastSegment(sibling)))) score += 2;
  // Parent segments of the key are strong evidence: `lr_scheduler.gamma`, `param_scheduler[0].gamma`.
  const parents = (context.key ?? '').split('.').slice(0, -1).map(s => normalizeName(s.replace(/\[\d+\]/g, '')));
  for (const parent of parents) {
    if (hints.has(parent) || [...hints].some(h => h.length > 4 && parent.includes(h))) score += 3;
  }
  return score;
}

/**
 * Looks a name up: exact id first, then alias (case-, `-`/`_`-insensitive, last key segment as a
 * fallback). A name shared by several entries is settled by the context when it points one way,
 * otherwise every candidate is returned so the caller can list the meanings.
 */
export function findEntry(idOrAlias: string, context: LookupContext = {}): FindResult {
  const exact = byId.get(idOrAlias.trim()) ?? byId.get(idOrAlias.trim().toLowerCase().replace(/-/g, '_'));
  if (exact) return { status: 'found', entry: exact, via: 'id' };
  const candidates = candidatesFor(idOrAlias);
  if (candidates.length === 1) return { status: 'found', entry: candidates[0], via: 'alias' };
  if (candidates.length === 0) return { status: 'unknown', suggestions: suggest(idOrAlias) };
  const scored = candidates.map(entry => ({ entry, score: contextScore(entry, context) })).sort((a, b) => b.score - a.score);
  if (scored[0].score > 0 && scored[0].score > scored[1].score) return { status: 'found', entry: scored[0].entry, via: 'context' };
  return { status: 'ambiguous', candidates };
}

const modelKey = (model: string): string => model.toLowerCase().replace(/^.*\./, '').replace(/[^a-z0-9]/g, '');

/**
 * Title/summary/explanation as they read under a framework or model (boosting `learning_rate` in
 * XGBoost or a scikit-learn GradientBoostingClassifier, but not in an MLPClassifier).
 */
export function variantFor(entry: KnowledgeEntry, framework: string | undefined, name?: string, model?: string): EntryVariant | undefined {
  if (framework) {
    const byFramework = entry.variants?.find(v => v.frameworks.includes(framework));
    if (byFramework) return byFramework;
  }
  if (model) {
    const m = modelKey(model);
    const byModel = entry.variants?.find(v => v.models?.some(x => m.includes(x)));
    if (byModel) return byModel;
  }
  if (name === undefined) return undefined;
  const n = normalizeName(lastSegment(name));
  return entry.variants?.find(v => v.aliases?.some(a => normalizeName(a) === n));
}

/** Levenshtein distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return prev[b.length];
}

/** Up to three ids or aliases close to a misspelt name ("did you mean"). */
export function suggest(name: string): string[] {
  const target = normalizeName(name);
  // No known name is longer than ~40 characters; anything much longer cannot be a typo of one.
  if (!target || target.length > 64) return [];
  const limit = Math.max(1, Math.floor(target.length / 3));
  const scored: Array<{ text: string; distance: number }> = [];
  for (const entry of ENTRIES) {
    for (const candidate of [entry.id, ...entry.aliases]) {
      const n = normalizeName(candidate);
      if (Math.abs(n.length - target.length) > limit && !(n.startsWith(target) && target.length >= 3)) continue;
      const distance = n.startsWith(target) && target.length >= 3 ? 0.5 : editDistance(target, n);
      scored.push({ text: candidate === entry.id ? entry.id : `${candidate} (${entry.id})`, distance });
    }
  }
  const seen = new Set<string>();
  return scored
    .filter(s => s.distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.text.length - b.text.length)
    .filter(s => !seen.has(s.text) && seen.add(s.text))
    .slice(0, 3)
    .map(s => s.text);
}
