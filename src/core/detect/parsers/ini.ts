/**
 * INI-style `key = value` files (XGBoost / LightGBM CLI `.conf`, `setup.cfg`-like): a line scanner
 * is enough — there is no nesting beyond `[section]` headers.
 */
import type { ConfigEntry, ConfigMap, ConfigNode } from '../tree';

// `key = value` (the separator is the first `=`; `key: value` only on lines without one).
const LINE_EQ = /^([ \t]*)([^#;=\s][^=\n]*?)[ \t]*=[ \t]*(.*?)[ \t]*$/;
const LINE_COLON = /^([ \t]*)([^#;:\s][^:\n]*?)[ \t]*:[ \t]*(.*?)[ \t]*$/;

export function parseIni(text: string): ConfigMap {
  const root: { type: 'map'; start: number; end: number; entries: ConfigEntry[] } = { type: 'map', start: 0, end: text.length, entries: [] };
  let section: ConfigEntry[] = root.entries;
  let offset = 0;
  for (const line of text.split('\n')) {
    const body = line.endsWith('\r') ? line.slice(0, -1) : line;
    const trimmed = body.trim();
    const header = /^\[([^\]]+)\]$/.exec(trimmed);
    if (header && !/=/.test(trimmed)) {
      const name = header[1].trim();
      const col = body.indexOf(name);
      const map: ConfigMap = { type: 'map', start: offset, end: offset + body.length, entries: [] };
      root.entries.push({ key: name, keyStart: offset + col, keyEnd: offset + col + name.length, value: map });
      section = map.entries;
    } else if (trimmed && !trimmed.startsWith('#') && !trimmed.startsWith(';')) {
      const m = body.includes('=') ? LINE_EQ.exec(body) : LINE_COLON.exec(body);
      if (m) {
        const keyStart = offset + m[1].length;
        const key = m[2];
        const rawValue = stripComment(m[3]);
        const valueStart = offset + body.indexOf(m[3], m[1].length + key.length);
        section.push({ key, keyStart, keyEnd: keyStart + key.length, value: scalar(rawValue, valueStart) });
      }
    }
    offset += line.length + 1;
  }
  return root;
}

function stripComment(value: string): string {
  if (/^["']/.test(value)) return value;
  const hash = value.search(/\s[#;]/);
  return (hash >= 0 ? value.slice(0, hash) : value).trim();
}

function scalar(raw: string, start: number): ConfigNode {
  let value: unknown = raw;
  if (/^["'].*["']$/.test(raw)) value = raw.slice(1, -1);
  else if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) value = Number(raw);
  else if (/^(true|false)$/i.test(raw)) value = raw.toLowerCase() === 'true';
  return { type: 'scalar', start, end: start + raw.length, value, raw };
}
