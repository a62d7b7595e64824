/**
 * JSON as Python's `json.dumps` writes it: standard JSON plus the bare words `NaN`, `Infinity` and
 * `-Infinity` (Optuna's journal stores a diverged trial's NaN that way). Parsed by swapping those
 * words, outside strings, for sentinel strings that a reviver turns back into numbers.
 */

const SENTINEL = '\u0000hps-num:';

export function parsePythonJson(text: string): unknown {
  if (!/NaN|Infinity/.test(text)) return JSON.parse(text);
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const word = /^(?:-?Infinity|NaN)/.exec(text.slice(i, i + 9));
    if (word) {
      out += JSON.stringify(SENTINEL + word[0]);
      i += word[0].length - 1;
      continue;
    }
    out += c;
  }
  return JSON.parse(out, (_key, value: unknown) => {
    if (typeof value === 'string' && value.startsWith(SENTINEL)) {
      const word = value.slice(SENTINEL.length);
      return word === 'NaN' ? NaN : word === 'Infinity' ? Infinity : -Infinity;
    }
    return value;
  });
}
