/** JSON / JSONC (`jsonc-parser`, tolerant of comments and trailing commas) → ConfigNode. */
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { DetectLimitError, MAX_DEPTH, MAX_NODES, type ConfigEntry, type ConfigNode } from '../tree';

export interface JsonParseResult {
  readonly root: ConfigNode | undefined;
  readonly error?: string;
}

export function parseJson(text: string): JsonParseResult {
  const errors: ParseError[] = [];
  let tree: JsonNode | undefined;
  try {
    tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  } catch (err) {
    if (err instanceof RangeError) return { root: undefined, error: 'JSON nesting is too deep to analyse' };
    throw err;
  }
  if (errors.length > 0) {
    const e = errors[0];
    const line = text.slice(0, e.offset).split('\n').length;
    return { root: undefined, error: `JSON syntax error at line ${line}: ${printParseErrorCode(e.error)}` };
  }
  if (!tree) return { root: undefined };
  const state = { nodes: 0 };
  try {
    return { root: convert(text, tree, 0, state) };
  } catch (err) {
    if (err instanceof DetectLimitError) return { root: undefined, error: err.message };
    if (err instanceof RangeError) return { root: undefined, error: 'JSON nesting is too deep to analyse' };
    throw err;
  }
}

function convert(text: string, node: JsonNode, depth: number, state: { nodes: number }): ConfigNode {
  if (depth > MAX_DEPTH) throw new DetectLimitError(`JSON nesting deeper than ${MAX_DEPTH} levels; not analysed`);
  if (++state.nodes > MAX_NODES) throw new DetectLimitError(`JSON document has more than ${MAX_NODES} nodes; not analysed`);
  const start = node.offset;
  const end = node.offset + node.length;
  if (node.type === 'object') {
    const entries: ConfigEntry[] = [];
    for (const prop of node.children ?? []) {
      const [k, v] = prop.children ?? [];
      if (!k) continue;
      const value: ConfigNode = v ? convert(text, v, depth + 1, state) : { type: 'scalar', start: k.offset, end: k.offset, value: null, raw: '' };
      // The key range covers the name without its quotes.
      entries.push({ key: String(k.value), keyStart: k.offset + 1, keyEnd: k.offset + k.length - 1, value });
    }
    return { type: 'map', start, end, entries };
  }
  if (node.type === 'array') {
    return { type: 'list', start, end, items: (node.children ?? []).map(c => convert(text, c, depth + 1, state)) };
  }
  return { type: 'scalar', start, end, value: node.value ?? null, raw: text.slice(start, end) };
}
