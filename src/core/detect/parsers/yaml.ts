/**
 * YAML 1.2 (the `yaml` package, position-keeping AST) → ConfigNode. Merge keys (`<<: *anchor`)
 * are resolved here so RL Zoo style inheritance shows up as settings. Aliases are bounded by what
 * they expand to, not by how many there are: a file may alias a block a thousand times, but the
 * nodes all its aliases add up to stay under `maxAliasNodes`, so an alias bomb (billion laughs)
 * is refused after a bounded amount of work. Each alias finds its anchor in a table built in one
 * pass (the library's `Alias.resolve` walks the whole document per alias: quadratic).
 */
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, Parser, visit, type Alias, type Document, type Node as YamlNode } from 'yaml';
import { yamlSourceError } from './guards';
import { DetectLimitError, MAX_DEPTH, MAX_NODES, type ConfigEntry, type ConfigNode } from '../tree';

export interface YamlParseResult {
  readonly root: ConfigNode | undefined;
  /** Leading `# …` comment lines (Hydra's `# @package`, Lightning's version header). */
  readonly headerComments: string;
  readonly error?: string;
}

const FORGIVABLE = new Set(['MISSING_CHAR', 'MULTILINE_IMPLICIT_KEY']);

/** Nodes all aliases of one document may expand to together (the document's own nodes aside). */
export const MAX_ALIAS_NODES = 100_000;

export function parseYaml(text: string, maxAliasNodes = MAX_ALIAS_NODES): YamlParseResult {
  const headerComments = (text.match(/^(?:[ \t]*(?:#[^\n]*)?\r?\n)*/)?.[0] ?? '');
  const refused = yamlSourceError(text);
  if (refused) return { root: undefined, headerComments, error: refused };
  const doc = firstDocument(text);
  // PyYAML accepts a quoted scalar whose continuation lines are indented less than its key (RL Zoo's
  // `replay_buffer_kwargs: "dict(\n  …\n)"`); the yaml package reports it but still recovers the
  // mapping around it. Only those local errors are forgiven, and only when a mapping was recovered.
  const forgivable = doc.errors.length > 0 && doc.errors.every(e => FORGIVABLE.has(e.code)) && isMap(doc.contents);
  if (doc.errors.length > 0 && !forgivable) {
    const e = doc.errors[0];
    if (/call stack/i.test(e.message)) return { root: undefined, headerComments, error: 'YAML nesting is too deep to analyse' };
    const at = e.pos?.[0] ?? 0;
    const line = text.slice(0, at).split('\n').length;
    const where = ` at line ${line}, column ${at - text.lastIndexOf('\n', at - 1)}`;
    return { root: undefined, headerComments, error: `YAML syntax error${where}: ${e.message.split('\n')[0]}` };
  }
  const state: State = { aliasNodes: 0, nodes: 0, maxAliasNodes, anchors: anchorTable(doc) };
  try {
    return { root: doc.contents ? convert(doc, doc.contents as YamlNode, 0, state) : undefined, headerComments };
  } catch (err) {
    if (err instanceof DetectLimitError) return { root: undefined, headerComments, error: err.message };
    if (err instanceof RangeError) return { root: undefined, headerComments, error: 'YAML nesting is too deep to analyse' };
    throw err;
  }
}

/**
 * Several `---` documents (Kubernetes bundles, some sweeps): the first one with content decides.
 * Documents are composed one at a time and the rest never built (a file of 250,000 empty
 * documents used to cost 2 s and 270 MB).
 */
function firstDocument(text: string): Document.Parsed {
  const composer = new Composer({ uniqueKeys: false, prettyErrors: false, merge: true, strict: false, keepSourceTokens: false });
  let first: Document.Parsed | undefined;
  for (const doc of composer.compose(new Parser().parse(text))) {
    first ??= doc;
    if (doc.contents !== null || doc.errors.length > 0) return doc;
  }
  return first ?? (parseDocument('') as Document.Parsed);
}

interface State {
  nodes: number;
  /** Nodes converted while inside an alias expansion. */
  aliasNodes: number;
  readonly maxAliasNodes: number;
  /** Each alias → the node its anchor names (undefined: no such anchor before it). */
  readonly anchors: ReadonlyMap<Alias, YamlNode | undefined>;
  /** Alias expansions currently open (nodes converted meanwhile count against maxAliasNodes). */
  inAlias?: number;
}

/** Every alias's target, in one walk: YAML's rule is the last anchor of that name before the alias. */
function anchorTable(doc: Document): Map<Alias, YamlNode | undefined> {
  const latest = new Map<string, YamlNode>();
  const table = new Map<Alias, YamlNode | undefined>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) table.set(node, latest.get(node.source));
      else if (node.anchor) latest.set(node.anchor, node as YamlNode);
    },
  });
  return table;
}

function convert(doc: Document, node: YamlNode, depth: number, state: State): ConfigNode {
  if (depth > MAX_DEPTH) throw new DetectLimitError(`YAML nesting deeper than ${MAX_DEPTH} levels; not analysed`);
  if (++state.nodes > MAX_NODES) throw new DetectLimitError(`YAML document has more than ${MAX_NODES.toLocaleString('en-US')} nodes; not analysed`);
  if (state.inAlias && ++state.aliasNodes > state.maxAliasNodes) {
    throw new DetectLimitError(`YAML aliases expand to more than ${state.maxAliasNodes.toLocaleString('en-US')} nodes (an alias bomb?); not analysed`);
  }
  const [start, valueEnd] = node.range ?? [0, 0, 0];
  if (isAlias(node)) {
    const target = state.anchors.get(node);
    if (!target) return { type: 'scalar', start, end: valueEnd, value: null, raw: `*${node.source}` };
    state.inAlias = (state.inAlias ?? 0) + 1;
    let inner: ConfigNode;
    try {
      inner = convert(doc, target, depth + 1, state);
    } finally {
      state.inAlias--;
    }
    // A scalar alias reads as its target's value but sits where the alias is written.
    return inner.type === 'scalar' ? { ...inner, start, end: valueEnd, raw: `*${node.source}` } : inner;
  }
  if (isScalar(node)) {
    const raw = sourceOf(node);
    let value = node.value;
    // `!!float 20000` / `!!int "3"`: honour the explicit tag when the library left a string.
    if (typeof value === 'string' && /(float|int)$/.test(node.tag ?? '') && /^[-+]?(\d[\d_]*\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.trim())) value = Number(value.replace(/_/g, ''));
    return { type: 'scalar', start, end: valueEnd, value, raw };
  }
  if (isMap(node)) {
    const entries: ConfigEntry[] = [];
    const merged: ConfigEntry[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const keyText = keyNode && isScalar(keyNode) ? keyNode.value : keyNode ? String(keyNode) : '';
      const [ks, ke] = keyNode?.range ?? [start, start];
      if (typeof keyText === 'symbol' || keyText === '<<') {
        // Merge key: bring in the mapped entries that this map does not override.
        const sources = pair.value && isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const src of sources) {
          if (!src) continue;
          const resolved = convert(doc, src as YamlNode, depth + 1, state);
          if (resolved.type !== 'map') continue;
          const aliasText = isAlias(src) ? `*${src.source}` : '<<';
          for (const e of resolved.entries) merged.push({ ...e, keyStart: ks, keyEnd: ke, inherited: e.inherited ?? aliasText });
        }
        continue;
      }
      const value: ConfigNode = pair.value
        ? convert(doc, pair.value as YamlNode, depth + 1, state)
        : { type: 'scalar', start: ke, end: ke, value: null, raw: '' };
      entries.push({ key: String(keyText), keyStart: ks, keyEnd: ke, value });
    }
    const own = new Set(entries.map(e => e.key));
    const seen = new Set<string>();
    for (const e of merged) {
      if (own.has(e.key) || seen.has(e.key)) continue; // explicit keys win; the first merge source wins
      seen.add(e.key);
      entries.push(e);
    }
    return { type: 'map', start, end: valueEnd, entries };
  }
  if (isSeq(node)) {
    const items = node.items.map(item => (item ? convert(doc, item as YamlNode, depth + 1, state) : ({ type: 'scalar', start, end: start, value: null, raw: '' } as ConfigNode)));
    return { type: 'list', start, end: valueEnd, items };
  }
  return { type: 'scalar', start, end: valueEnd, value: null, raw: '' };
}

function sourceOf(node: { source?: unknown; value: unknown }): string {
  return typeof node.source === 'string' ? node.source : String(node.value);
}
