import { parseArgs, UsageError, type CliCommand, type CliIO } from '../args';
import { renderAmbiguity, renderPlainText } from '../../core/hover/explain';
import { assessValue, type Assessment } from '../../core/knowledge/assess';
import { allEntries, editDistance, findEntry, variantFor } from '../../core/knowledge/lookup';
import { FRAMEWORK_ALIASES, FRAMEWORK_LABELS, normalizeFramework, type KnowledgeEntry } from '../../core/knowledge/types';

const usage = `Usage: hpstudio explain <id-or-alias> [--framework NAME] [--optimizer NAME] [--value V] [--json]
       hpstudio explain --all [--json]

Explains a hyperparameter or run setting from the built-in knowledge base: what it does, typical
range, effect of raising or lowering it, framework defaults, pitfalls and documentation links.

Arguments:
  <id-or-alias>       a canonical id (learning_rate) or a name as written in configs (lr, eta, lora_r)

Options:
  --framework NAME    context for defaults, ranges and shared names (${Object.keys(FRAMEWORK_LABELS).filter(k => k !== 'other').join(', ')})
  --optimizer NAME    optimizer in effect (adamw, sgd…): picks the typical range for the value
  --value V           also judge this value (a number, "auto", "lin_0.001", a JSON list like [0.9,0.999])
  --all               every entry of the knowledge base
  --json              machine-readable output
  -h, --help          show this help

Exit codes: 0 explained (or a shared name listed with its meanings), 1 unknown name, 2 bad arguments.
`;

/** The stable JSON shape of one entry (`--all --json` prints an array of these). */
function entryJson(entry: KnowledgeEntry) {
  return {
    id: entry.id,
    title: entry.title,
    summary: entry.summary,
    kind: entry.kind,
    range: entry.range,
    effects: entry.effects,
    pitfalls: entry.pitfalls,
    defaults: entry.defaults,
    docs: entry.docs,
  };
}

/** Deepest list/object nesting a `--value` may have: real values are a pair or a list of lists. */
const MAX_VALUE_DEPTH = 32;

/** Nesting depth of a parsed JSON value, without recursion (a hostile value may be very deep). */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** `--value` text → the value a config would hold: numbers and JSON lists parsed, the rest kept as text. */
function parseValue(text: string): unknown {
  const trimmed = text.trim();
  if (/^[[{]/.test(trimmed)) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed) as unknown;
    } catch {
      throw new UsageError(`--value "${text.length > 80 ? `${text.slice(0, 80)}…` : text}" looks like JSON but does not parse`);
    }
    const depth = nestingDepth(value);
    if (depth > MAX_VALUE_DEPTH) throw new UsageError(`--value is nested ${depth} levels deep; at most ${MAX_VALUE_DEPTH} levels are judged`);
    return value;
  }
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  return text;
}

/** `--framework` text → a known framework id, or a usage error naming the known ones. */
function parseFramework(text: string): string {
  const id = normalizeFramework(text);
  if (id in FRAMEWORK_LABELS) return id;
  const known = Object.keys(FRAMEWORK_LABELS);
  const spellings = [...known, ...Object.keys(FRAMEWORK_ALIASES)];
  const typed = text.trim().toLowerCase();
  const closest = typed.length > 40 ? undefined : spellings.map(s => ({ s, d: editDistance(typed, s) })).sort((a, b) => a.d - b.d)[0];
  const hint = closest && closest.d <= Math.max(1, Math.floor(typed.length / 3)) ? ` — did you mean ${closest.s}?` : '.';
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  throw new UsageError(`unknown --framework "${shown}"${hint} Known: ${known.join(', ')} (also accepted: ${Object.keys(FRAMEWORK_ALIASES).join(', ')})`);
}

function write(io: CliIO, text: string): void {
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export const explainCommand: CliCommand = {
  name: 'explain',
  summary: 'explain a hyperparameter (and judge a value): range, effects, defaults, pitfalls',
  usage,
  async run(argv, io) {
    const args = parseArgs(argv, {
      framework: { type: 'string' },
      optimizer: { type: 'string' },
      value: { type: 'string' },
      all: { type: 'flag' },
      json: { type: 'flag' },
    });
    const json = args.options.json === true;
    const framework = typeof args.options.framework === 'string' ? parseFramework(args.options.framework) : undefined;
    const optimizer = args.options.optimizer as string | undefined;
    const valueText = args.options.value as string | undefined;

    if (args.options.all === true) {
      if (args.positional.length > 0) throw new UsageError('--all takes no <id-or-alias>');
      if (valueText !== undefined) throw new UsageError('--value needs a single <id-or-alias>, not --all');
      if (json) {
        write(io, JSON.stringify(allEntries().map(entryJson), null, 2));
      } else {
        const width = Math.max(...allEntries().map(e => e.id.length));
        write(io, allEntries().map(e => `${e.id.padEnd(width)}  ${e.kind === 'system' ? '[system] ' : ''}${e.summary}`).join('\n'));
      }
      return 0;
    }
    if (args.positional.length === 0) throw new UsageError('missing <id-or-alias> (or --all)');
    if (args.positional.length > 1) throw new UsageError(`expected one <id-or-alias>, got ${args.positional.length}: ${args.positional.join(' ')}`);
    const name = args.positional[0];
    if (name.length > 200) throw new UsageError(`<id-or-alias> is ${name.length} characters long; names are at most 200`);

    const found = findEntry(name, { framework, optimizer });
    if (found.status === 'unknown') {
      const hint = found.suggestions.length ? ` — did you mean ${found.suggestions.join(', ')}?` : ' (see `hpstudio explain --all`)';
      io.stderr.write(`hpstudio explain: no hyperparameter or setting named "${name}"${hint}\n`);
      return 1;
    }
    if (found.status === 'ambiguous') {
      if (json) {
        write(io, JSON.stringify({ name, ambiguous: true, meanings: found.candidates.map(c => ({ ...entryJson(c), appliesWhen: c.appliesWhen ?? null })) }, null, 2));
      } else {
        write(io, renderAmbiguity(name, found.candidates));
      }
      return 0;
    }
    const entry = found.entry;
    let assessment: Assessment | undefined;
    // `eta` alone says "boosting": judge against the boosting range even without --framework.
    const context = framework ?? variantFor(entry, undefined, name)?.frameworks[0];
    if (valueText !== undefined) assessment = assessValue(entry, parseValue(valueText), { framework: context, optimizer, key: name });
    if (json) {
      const payload = {
        ...entryJson(entry),
        explanation: entry.explanation,
        aliases: entry.aliases,
        ranges: entry.ranges ?? [],
        appliesWhen: entry.appliesWhen ?? null,
        notes: entry.notes ?? [],
        ...(assessment ? { value: valueText, assessment: { level: assessment.level, message: assessment.message, ...(assessment.why ? { why: assessment.why } : {}) } } : {}),
      };
      write(io, JSON.stringify(payload, null, 2));
    } else {
      write(io, renderPlainText(entry, { framework, name, value: valueText, assessment }));
    }
    return 0;
  },
};
