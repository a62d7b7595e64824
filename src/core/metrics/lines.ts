/**
 * Reading metrics out of a training program's console output, with no change to the program:
 * `loss=0.52`, `loss: 0.52` (Keras), `{'loss': 0.52, 'epoch': 1.0}` (HF Trainer), JSON lines,
 * tqdm / Lightning progress bars (their postfix), and a user-supplied regex.
 */

/** One value found on a line, before the collector assigns missing steps. */
export interface LineMetric {
  readonly name: string;
  readonly value: number;
  /** From a step key on the same line (`step`, `global_step`, `iteration`, `iter`, `epoch`, `Epoch 3/10`). */
  readonly step?: number;
}

/** Keys that give the x-axis rather than a metric; earlier entries win (finer-grained first). */
const STEP_KEYS = ['global_step', 'step', 'iteration', 'iter', 'epoch'] as const;
const STEP_KEY_SET: ReadonlySet<string> = new Set(STEP_KEYS);

/** Progress-bar bookkeeping that looks like a metric but is not one (Lightning's logger version). */
const IGNORED_KEYS: ReadonlySet<string> = new Set(['v_num']);

/** Longest line kept; longer ones are cut (a runaway progress bar must not grow memory without bound). */
export const MAX_LINE_LENGTH = 64 * 1024;

// ANSI CSI sequences (colours, cursor moves) and OSC sequences (terminal titles, hyperlinks).
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

const NUMBER_SOURCE = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf(?:inity)?)`;

/**
 * `key=value` / `key: value`. The key must start a word that is not part of a path or a file name
 * (`/ckpt/epoch=3-step=200.ckpt` is no metric) nor quoted (`'cuda:0'`), the value must end there (`2.1.0`, `12:30:45`,
 * `0.1/ckpt`, `10ms` are no numbers). PyTorch's `tensor(0.52, device='cuda:0')` is unwrapped.
 */
const KEY_VALUE = new RegExp(
  String.raw`(?<![\w./\\='"\x60-])([A-Za-z_][\w.\/-]*?)\s*([=:])\s*(?:tensor\(\s*)?(${NUMBER_SOURCE})(?![\w.]*[\w])(?![.:/]\d)(?!/)(?!,\d{3})(?!%\|)`,
  'gi',
);

/** `Epoch 3/10`, `epoch 3`, `Step 120` — a step key followed by a number with no separator. */
const STEP_WORD = /(?<![\w./\\-])(global_step|step|iteration|iter|epoch)\s+(\d+)(?:\s*\/\s*\d+)?(?![\w.]*\w)(?![.:]\d)/gi;

// Carriage returns and backspaces redraw the current terminal line.
// eslint-disable-next-line no-control-regex
const REDRAW = /[\r\x08]/;
// eslint-disable-next-line no-control-regex
const REDRAW_RUN = /[\r\x08]+/;
// eslint-disable-next-line no-control-regex
const REDRAW_SPLIT = /([\r\x08]+)/;

export function stripAnsi(text: string): string {
  return text.indexOf('\x1b') < 0 ? text : text.replace(ANSI, '');
}

/**
 * What a terminal would show for the line: the text after the last carriage return (tqdm redraws
 * its bar with `\r`; Keras with backspaces), ignoring the empty segment of a CRLF ending.
 */
export function visibleLine(line: string): string {
  const segments = line.split(REDRAW_RUN);
  for (let i = segments.length - 1; i >= 0; i--) {
    if (segments[i].trim() !== '') return segments[i];
  }
  return '';
}

export function parseNumber(text: string): number {
  const lower = text.toLowerCase().replace(/^\+/, '');
  if (lower === 'nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return Number(text);
}

/** Parses one complete, already visible line with the built-in formats. */
export function parseMetricLine(rawLine: string): LineMetric[] {
  const line = stripAnsi(rawLine).trim();
  if (line === '') return [];
  const braced = line.indexOf('{');
  if (braced >= 0 && line.endsWith('}')) {
    const record = parseDictLiteral(line.slice(braced));
    if (record) return fromRecord(record);
  }
  return fromKeyValues(line);
}

function fromRecord(record: ReadonlyMap<string, number>): LineMetric[] {
  const step = pickStep(record);
  const out: LineMetric[] = [];
  for (const [name, value] of record) {
    if (STEP_KEY_SET.has(name.toLowerCase()) || IGNORED_KEYS.has(name)) continue;
    out.push(step === undefined ? { name, value } : { name, value, step });
  }
  return out;
}

function pickStep(found: ReadonlyMap<string, number>): number | undefined {
  const lower = new Map<string, number>();
  for (const [k, v] of found) {
    const key = k.toLowerCase();
    if (STEP_KEY_SET.has(key) && !lower.has(key)) lower.set(key, v);
  }
  for (const key of STEP_KEYS) {
    const v = lower.get(key);
    // NaN or infinite steps cannot place a point on the x-axis: the line is still read, unstepped.
    if (v !== undefined && Number.isFinite(v)) return v;
  }
  return undefined;
}

/**
 * `using: 0 TPU cores`, `Total params: 7 (28 B)`: a `word: number` followed by more words is a
 * sentence, not a metric. Metric lists go on with a separator (` - `, `,`, `|`) or another key.
 */
function isProse(rest: string): boolean {
  return /^\s+[^\s\-|,;\]})]/.test(rest) && !/^\s+[A-Za-z_][\w./-]*\s*[=:]/.test(rest);
}

/** `cpu_feature_guard.cc:182`, `train.py:42`: a source location, not a metric. */
const SOURCE_FILE = /\.(?:py|pyx|cc|cpp|cxx|c|h|hpp|cu|js|ts|java|go|rs|rb|sh)$/i;

/**
 * The key is the last word of a multi-word label (`Num Epochs = 2`, `Validation loss: 0.3`):
 * reporting it as `Epochs` or `loss` would mislabel it, so such lines are skipped. A key right
 * after a number or a separator (`epoch 3 loss: 0.5`, `- val_loss: 0.6`) or written `key=value`
 * after a word (`starting run lr=0.001`) is fine.
 */
function isLabelTail(before: string, match: string, separator: string): boolean {
  const previousWord = /(\S+)\s+$/.exec(before)?.[1];
  if (!previousWord || !/^[A-Za-z]+$/.test(previousWord)) return false;
  return separator === ':' || /\s[=:]/.test(match);
}

function fromKeyValues(line: string): LineMetric[] {
  const found = new Map<string, number>();
  const order: string[] = [];
  const add = (name: string, value: number) => {
    if (!found.has(name)) order.push(name);
    found.set(name, value);
  };
  for (const m of line.matchAll(STEP_WORD)) add(m[1].toLowerCase(), Number(m[2]));
  for (const m of line.matchAll(KEY_VALUE)) {
    const name = m[1].replace(/[./-]+$/, '');
    if (name === '') continue;
    const start = m.index ?? 0;
    if (m[2] === ':' && (isProse(line.slice(start + m[0].length)) || SOURCE_FILE.test(name))) continue;
    if (isLabelTail(line.slice(0, start), m[0], m[2])) continue;
    add(STEP_KEY_SET.has(name.toLowerCase()) ? name.toLowerCase() : name, parseNumber(m[3]));
  }
  if (order.length === 0) return [];
  const ordered = new Map(order.map((k) => [k, found.get(k) as number]));
  return fromRecord(ordered);
}

// ---------------------------------------------------------------------------------------------
// A small reader for one-line dict literals: JSON objects (also with NaN/Infinity, as Python's
// json.dumps writes them) and Python dict reprs (`{'loss': 0.5, 'ok': True, 'lr': nan}`).
// Nested objects are flattened with `/` (`{"train": {"loss": 1}}` → `train/loss`); strings,
// booleans, lists and null are skipped. Returns undefined when the text is not such a literal.

class DictReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  read(): Map<string, number> | undefined {
    const out = new Map<string, number>();
    try {
      this.skipSpace();
      this.readObject('', out, 0);
      this.skipSpace();
      if (this.pos !== this.text.length) return undefined;
    } catch {
      return undefined;
    }
    return out;
  }

  private fail(): never {
    throw new Error('not a dict literal');
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private readObject(prefix: string, out: Map<string, number>, depth: number): void {
    if (depth > 8 || this.text[this.pos] !== '{') this.fail();
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    while (true) {
      this.skipSpace();
      const key = this.readString();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail();
      this.pos++;
      this.skipSpace();
      const name = prefix === '' ? key : `${prefix}/${key}`;
      const c = this.text[this.pos];
      if (c === '{') this.readObject(name, out, depth + 1);
      else if (c === '[' || c === '(') this.skipBracketed();
      else if (c === '"' || c === "'") this.readString();
      else {
        const value = this.readBare();
        if (value !== undefined) out.set(name, value);
      }
      this.skipSpace();
      const sep = this.text[this.pos++];
      if (sep === '}') return;
      if (sep !== ',') this.fail();
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return;
      }
    }
  }

  private readString(): string {
    const quote = this.text[this.pos];
    if (quote !== '"' && quote !== "'") this.fail();
    let out = '';
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++];
      if (c === quote) return out;
      if (c === '\\') {
        const e = this.text[this.pos++];
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
      } else out += c;
    }
    return this.fail();
  }

  private skipBracketed(): void {
    const open = this.text[this.pos];
    const close = open === '[' ? ']' : ')';
    let depth = 0;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '"' || c === "'") {
        this.readString();
        continue;
      }
      this.pos++;
      if (c === open) depth++;
      else if (c === close && --depth === 0) return;
    }
    this.fail();
  }

  /** A number, nan/inf in any spelling, or a literal word that is skipped (true, None…). */
  private readBare(): number | undefined {
    const m = /^[^,}\s]+/.exec(this.text.slice(this.pos, this.pos + 64));
    if (!m) return this.fail();
    this.pos += m[0].length;
    const word = m[0];
    if (/^(true|false|null|none)$/i.test(word)) return undefined;
    if (new RegExp(`^(?:${NUMBER_SOURCE})$`, 'i').test(word)) return parseNumber(word);
    return this.fail();
  }
}

export function parseDictLiteral(text: string): Map<string, number> | undefined {
  return new DictReader(text).read();
}

// ---------------------------------------------------------------------------------------------

/** A user regex: named groups `name`/`value` (and optional `step`), or one named group per metric. */
export class MetricRegex {
  private readonly re: RegExp;
  private readonly metricGroups: string[];
  private readonly nameValue: boolean;

  constructor(source: string) {
    if (source.length > 2000) throw new Error(`metric regex is too long (${source.length} characters, at most 2000)`);
    let re: RegExp;
    try {
      re = new RegExp(source, 'g');
    } catch (e) {
      throw new Error(`invalid metric regex ${JSON.stringify(source)}: ${(e as Error).message}`);
    }
    const groups = [...source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]);
    this.nameValue = groups.includes('name') && groups.includes('value');
    this.metricGroups = groups.filter((g) => g !== 'name' && g !== 'value' && g !== 'step');
    if (!this.nameValue && this.metricGroups.length === 0) {
      throw new Error(
        `metric regex ${JSON.stringify(source)} needs named groups: (?<name>…) and (?<value>…), or one group per metric such as (?<loss>…)`,
      );
    }
    this.re = re;
  }

  /** Whether a match can yield the metric `name` (a `name`/`value` pair yields any). */
  canRead(name: string): boolean {
    return this.nameValue || this.metricGroups.includes(name);
  }

  /** The metrics the regex finds on the line; empty when it does not match. */
  parse(rawLine: string): LineMetric[] {
    const line = stripAnsi(rawLine);
    const out: LineMetric[] = [];
    this.re.lastIndex = 0;
    for (const m of line.matchAll(this.re)) {
      if (m[0] === '') break; // an empty match would loop for ever on some engines; nothing to read anyway
      const groups = m.groups ?? {};
      const stepText = groups.step;
      const stepValue = stepText === undefined ? undefined : parseNumber(stepText.trim());
      const step = stepValue !== undefined && Number.isFinite(stepValue) ? stepValue : undefined;
      const push = (name: string, text: string | undefined) => {
        if (text === undefined) return;
        const value = parseNumber(text.trim());
        if (Number.isNaN(value) && !/nan/i.test(text)) return; // not a number at all
        out.push(step === undefined ? { name, value } : { name, value, step });
      };
      if (this.nameValue && groups.name) push(groups.name, groups.value);
      for (const g of this.metricGroups) push(g, groups[g]);
    }
    return out;
  }
}

/**
 * Cuts a stream into lines across arbitrary chunk boundaries. Keeps only the visible part of a
 * pending line (after its last carriage return), so a progress bar that redraws for hours without a
 * newline holds one bar's worth of memory, and at most MAX_LINE_LENGTH characters of one line.
 */
export class LineSplitter {
  private pending = '';
  /** Characters of the pending (visible) line dropped beyond MAX_LINE_LENGTH. */
  private dropped = 0;

  /** Called when a line that was cut at MAX_LINE_LENGTH ends, with its full length. */
  constructor(private readonly onOverlong?: (length: number) => void) {}

  push(chunk: string): string[] {
    const lines: string[] = [];
    let start = 0;
    let nl = chunk.indexOf('\n');
    while (nl >= 0) {
      this.append(chunk.slice(start, nl));
      lines.push(visibleLine(this.pending));
      this.endLine();
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    this.append(chunk.slice(start));
    return lines;
  }

  /** The trailing partial line, if any. */
  flush(): string[] {
    const rest = visibleLine(this.pending);
    this.endLine();
    return rest === '' ? [] : [rest];
  }

  private endLine(): void {
    if (this.dropped > 0) this.onOverlong?.(this.pending.length + this.dropped);
    this.pending = '';
    this.dropped = 0;
  }

  private append(text: string): void {
    if (text === '') return;
    let next = this.pending + text;
    // Drop redrawn segments: keep from the start of the last segment visibleLine could pick.
    if (REDRAW.test(text)) {
      const parts = next.split(REDRAW_SPLIT);
      let keepFrom = parts.length - 1;
      while (keepFrom > 0 && (keepFrom % 2 === 1 || parts[keepFrom].trim() === '')) keepFrom--; // odd indices: separators
      // A cut segment that was redrawn is not what the line shows: its cut no longer matters.
      if (keepFrom > 0) this.dropped = 0;
      next = parts.slice(keepFrom).join('');
    }
    if (next.length > MAX_LINE_LENGTH) {
      this.dropped += next.length - MAX_LINE_LENGTH;
      next = next.slice(0, MAX_LINE_LENGTH);
    }
    this.pending = next;
  }
}
