import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ARG_STYLES, DISTRIBUTIONS, PRUNER_TYPES, STUDY_FILE_METHODS, STUDY_FILE_KEYS, loadStudyFile, quoteFlowMacros } from '../../../src/core/study/studyFile';

const ROOT = path.join(__dirname, '..', '..', '..');
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'study.schema.json'), 'utf8')) as Schema;

/** The subset of JSON Schema draft-07 the study schema uses. */
interface Schema {
  $schema?: string;
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  required?: string[];
  items?: Schema;
  minItems?: number;
  minProperties?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  format?: string;
  oneOf?: Schema[];
  anyOf?: Schema[];
  definitions?: Record<string, Schema>;
  description?: string;
}

const SUPPORTED = new Set([
  '$schema', '$id', '$ref', 'title', 'description', 'type', 'enum', 'enumDescriptions', 'const', 'properties', 'additionalProperties', 'required',
  'items', 'minItems', 'minProperties', 'minimum', 'maximum', 'exclusiveMinimum', 'pattern', 'format', 'oneOf', 'anyOf', 'definitions',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Returns the problems of `value` against `s` (empty when valid). */
function validate(value: unknown, s: Schema, at = '$'): string[] {
  if (s.$ref) {
    const name = s.$ref.replace('#/definitions/', '');
    return validate(value, schema.definitions![name], at);
  }
  const errors: string[] = [];
  if (s.type) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const t = typeOf(value);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) return [`${at}: expected ${types.join('|')}, got ${t}`];
  }
  if (s.enum && !s.enum.some(e => e === value)) errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if ('const' in s && s.const !== value) errors.push(`${at}: expected ${JSON.stringify(s.const)}`);
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) errors.push(`${at}: below minimum ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) errors.push(`${at}: above maximum ${s.maximum}`);
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) errors.push(`${at}: not above ${s.exclusiveMinimum}`);
  }
  if (typeof value === 'string' && s.pattern && !new RegExp(s.pattern).test(value)) errors.push(`${at}: does not match ${s.pattern}`);
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) errors.push(`${at}: fewer than ${s.minItems} items`);
    if (s.items) value.forEach((v, i) => errors.push(...validate(v, s.items!, `${at}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in obj)) errors.push(`${at}: missing ${r}`);
    if (s.minProperties !== undefined && Object.keys(obj).length < s.minProperties) errors.push(`${at}: fewer than ${s.minProperties} properties`);
    for (const [k, v] of Object.entries(obj)) {
      const p = s.properties?.[k];
      if (p) errors.push(...validate(v, p, `${at}.${k}`));
      else if (s.additionalProperties === false) errors.push(`${at}: unknown key ${k}`);
      else if (typeof s.additionalProperties === 'object') errors.push(...validate(v, s.additionalProperties, `${at}.${k}`));
    }
  }
  if (s.anyOf && !s.anyOf.some(sub => validate(value, sub, at).length === 0)) errors.push(`${at}: matches none of anyOf`);
  if (s.oneOf && s.oneOf.filter(sub => validate(value, sub, at).length === 0).length !== 1) errors.push(`${at}: must match exactly one of oneOf`);
  return errors;
}

function keywordsUsed(s: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(s)) s.forEach(x => keywordsUsed(x, out));
  else if (s && typeof s === 'object') {
    for (const [k, v] of Object.entries(s)) {
      out.add(k);
      // The keys of `properties` / `definitions` are names, not keywords: look only inside them.
      if (k === 'properties' || k === 'definitions') Object.values(v as object).forEach(x => keywordsUsed(x, out));
      else if (typeof v === 'object') keywordsUsed(v, out);
    }
  }
  return out;
}

/** YAML or JSON study text → plain data, the way the study-file parser reads it. */
function load(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  return parseYaml(quoteFlowMacros(text).text);
}

function studyFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...studyFilesUnder(p));
    else if (/sweep.*\.ya?ml$|\.study\.(ya?ml|json)$/i.test(e.name)) out.push(p);
  }
  return out;
}

const objectVariant = (s: Schema): Schema => s.oneOf?.find(x => x.type === 'object') ?? s;

describe('study file JSON Schema', () => {
  it('is draft-07 and uses only keywords the checker below understands', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const unknown = [...keywordsUsed(schema)].filter(k => !SUPPORTED.has(k));
    assert.deepEqual(unknown, []);
  });

  it('lists every key the parser accepts, and no other', () => {
    const props = schema.properties!;
    const keys = (s: Schema) => Object.keys(s.properties ?? {}).sort();
    assert.deepEqual(Object.keys(props).sort(), [...STUDY_FILE_KEYS.top].sort());
    assert.deepEqual(keys(objectVariant(props.metric)), [...STUDY_FILE_KEYS.metric].sort());
    // A list item of a multi-objective metric: name and goal (target is read only to refuse it).
    assert.deepEqual(keys(schema.definitions!.objective), [...STUDY_FILE_KEYS.objective].filter(k => k !== 'target').sort());
    assert.deepEqual(keys(schema.definitions!.parameter), [...STUDY_FILE_KEYS.parameter].sort());
    assert.deepEqual(keys(props.early_terminate), [...STUDY_FILE_KEYS.early_terminate].sort());
    assert.deepEqual(keys(objectVariant(props.pruner)), [...STUDY_FILE_KEYS.pruner].sort());
    assert.deepEqual(keys(objectVariant(props.executor)), [...STUDY_FILE_KEYS.executor].sort());
    assert.deepEqual(keys(objectVariant(props.flapping)), [...STUDY_FILE_KEYS.flapping].sort());
  });

  it('has the parser’s enums and a description on every key', () => {
    const props = schema.properties!;
    assert.deepEqual(props.method.enum, [...STUDY_FILE_METHODS]);
    assert.deepEqual(schema.definitions!.parameter.properties!.distribution.enum, [...DISTRIBUTIONS]);
    assert.deepEqual(objectVariant(props.pruner).properties!.type.enum, [...PRUNER_TYPES]);
    assert.deepEqual(props.arg_style.enum, [...ARG_STYLES]);
    for (const [k, v] of Object.entries(props)) assert.ok(v.description, `${k} has no description`);
    for (const [k, v] of Object.entries(schema.definitions!.parameter.properties!)) assert.ok(v.description, `parameters.*.${k} has no description`);
  });

  const fixtures = path.join(__dirname, 'fixtures', 'studies');
  const files = [...fs.readdirSync(fixtures).map(f => path.join(fixtures, f)), ...studyFilesUnder(path.join(ROOT, 'examples'))];
  for (const file of files) {
    it(`accepts ${path.relative(ROOT, file)} (and so does the parser)`, () => {
      assert.deepEqual(validate(load(file), schema), []);
      loadStudyFile(file);
    });
  }

  it('rejects what the parser rejects (the checker and the schema can fail)', () => {
    const base = { program: 't.py', parameters: { lr: { min: 0.1, max: 1 } } };
    const bad: Array<[string, unknown]> = [
      ['method', { ...base, method: 'bogus' }],
      ['distribution', { ...base, parameters: { lr: { distribution: 'gamma', min: 0, max: 1 } } }],
      ['parallel', { ...base, parallel: 0 }],
      ['parameter key', { ...base, parameters: { lr: { min: 0, max: 1, mni: 3 } } }],
      ['empty parameter', { ...base, parameters: { lr: {} } }],
      ['goal', { ...base, metric: { name: 'loss', goal: 'up' } }],
      ['objective goal', { ...base, metric: [{ name: 'acc', goal: 'maximize' }, { name: 'mb', goal: 'down' }] }],
      ['objective target', { ...base, metric: [{ name: 'acc', goal: 'maximize', target: 0.9 }, { name: 'mb' }] }],
      ['empty metric list', { ...base, metric: [] }],
      ['executor', { ...base, executor: { type: 'k8s' } }],
      ['timeout', { ...base, trial_timeout: 'soon' }],
      ['program or command', { parameters: base.parameters }],
      ['nested', { ...base, parameters: { opt: { parameters: { lr: { min: 'x', max: 1 } } } } }],
    ];
    for (const [what, doc] of bad) assert.notDeepEqual(validate(doc, schema), [], what);
    assert.deepEqual(validate({ ...base, trial_timeout: '1h30m', executor: 'local', pruner: 'median', flapping: false }, schema), []);
    assert.deepEqual(validate({ ...base, method: 'nsga2', metric: [{ name: 'val_accuracy', goal: 'maximize' }, { name: 'model_mb' }] }, schema), []);
  });
});
