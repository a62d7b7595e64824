/** TOML (`toml-eslint-parser`, position-keeping AST) → ConfigNode, tables nested by their key path. */
import { parseTOML } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';
import { DetectLimitError, MAX_DEPTH, type ConfigEntry, type ConfigMap, type ConfigNode } from '../tree';
import { tomlSourceError } from './guards';

export interface TomlParseResult {
  readonly root: ConfigMap | undefined;
  readonly error?: string;
}

type MutableMap = { type: 'map'; start: number; end: number; entries: ConfigEntry[] };

/**
 * The first entry of each key, per map: looking keys up by scanning the entries made a file of
 * 40,000 tables quadratic (16 s).
 */
const keyIndex = new WeakMap<ConfigEntry[], Map<string, ConfigEntry>>();

function entryOf(map: MutableMap, key: string): ConfigEntry | undefined {
  let index = keyIndex.get(map.entries);
  if (!index) {
    index = new Map();
    for (const e of map.entries) if (!index.has(e.key)) index.set(e.key, e);
    keyIndex.set(map.entries, index);
  }
  return index.get(key);
}

function addEntry(map: MutableMap, entry: ConfigEntry): void {
  map.entries.push(entry);
  const index = keyIndex.get(map.entries);
  if (index && !index.has(entry.key)) index.set(entry.key, entry);
}

export function parseToml(text: string): TomlParseResult {
  const refused = tomlSourceError(text);
  if (refused) return { root: undefined, error: refused };
  let ast: AST.TOMLProgram;
  try {
    ast = parseTOML(text);
  } catch (err) {
    const e = err as { message?: string; lineNumber?: number; column?: number };
    if (err instanceof RangeError || /call stack/i.test(String(e.message))) return { root: undefined, error: 'TOML nesting is too deep to analyse' };
    const where = e.lineNumber ? ` at line ${e.lineNumber}, column ${e.column ?? 0}` : '';
    return { root: undefined, error: `TOML syntax error${where}: ${String(e.message ?? err).split('\n')[0]}` };
  }
  const root: MutableMap = { type: 'map', start: 0, end: text.length, entries: [] };
  try {
    const top = ast.body[0];
    for (const item of top?.body ?? []) {
      if (item.type === 'TOMLKeyValue') addKeyValue(root, item, text, 0);
      else if (item.type === 'TOMLTable') {
        const table = tableAt(root, item);
        for (const kv of item.body) addKeyValue(table, kv, text, 0);
      }
    }
  } catch (err) {
    if (err instanceof DetectLimitError) return { root: undefined, error: err.message };
    throw err;
  }
  return { root };
}

/** Finds or creates the map for `[a.b]` / `[[a.b]]`, keeping the header's last key as the key range. */
function tableAt(root: MutableMap, table: AST.TOMLTable): MutableMap {
  const keys = table.key.keys;
  let map = root;
  for (let i = 0; i < keys.length; i++) {
    const name = keyName(keys[i]);
    const last = i === keys.length - 1;
    let entry = entryOf(map, name);
    if (table.kind === 'array' && last) {
      const item: MutableMap = { type: 'map', start: table.range[0], end: table.range[1], entries: [] };
      if (!entry) {
        entry = { key: name, keyStart: keys[i].range[0], keyEnd: keys[i].range[1], value: { type: 'list', start: table.range[0], end: table.range[1], items: [] } };
        addEntry(map, entry);
      }
      if (entry.value.type === 'list') entry.value.items.push(item);
      return item;
    }
    if (!entry) {
      entry = { key: name, keyStart: keys[i].range[0], keyEnd: keys[i].range[1], value: { type: 'map', start: table.range[0], end: table.range[1], entries: [] } };
      addEntry(map, entry);
    }
    const v = entry.value;
    if (v.type === 'map') map = v as MutableMap;
    else if (v.type === 'list' && v.items.length > 0 && v.items[v.items.length - 1].type === 'map') map = v.items[v.items.length - 1] as MutableMap;
    else return map;
  }
  return map;
}

function keyName(k: AST.TOMLBare | AST.TOMLQuoted): string {
  return k.type === 'TOMLBare' ? k.name : k.value;
}

function addKeyValue(map: MutableMap, kv: AST.TOMLKeyValue, text: string, depth: number): void {
  const keys = kv.key.keys;
  let target = map;
  for (let i = 0; i < keys.length - 1; i++) {
    const name = keyName(keys[i]);
    let entry = entryOf(target, name);
    if (!entry || entry.value.type !== 'map') {
      entry = { key: name, keyStart: keys[i].range[0], keyEnd: keys[i].range[1], value: { type: 'map', start: kv.range[0], end: kv.range[1], entries: [] } };
      addEntry(target, entry);
    }
    target = entry.value as MutableMap;
  }
  const last = keys[keys.length - 1];
  addEntry(target, { key: keyName(last), keyStart: last.range[0], keyEnd: last.range[1], value: convertValue(kv.value, text, depth + 1) });
}

function convertValue(node: AST.TOMLContentNode, text: string, depth: number): ConfigNode {
  if (depth > MAX_DEPTH) throw new DetectLimitError(`TOML nesting deeper than ${MAX_DEPTH} levels; not analysed`);
  const [start, end] = node.range;
  if (node.type === 'TOMLArray') return { type: 'list', start, end, items: node.elements.map(e => convertValue(e, text, depth + 1)) };
  if (node.type === 'TOMLInlineTable') {
    const m: MutableMap = { type: 'map', start, end, entries: [] };
    for (const kv of node.body) addKeyValue(m, kv, text, depth + 1);
    return m;
  }
  const v = node.value as unknown;
  const value = typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v;
  return { type: 'scalar', start, end, value, raw: text.slice(start, end) };
}
