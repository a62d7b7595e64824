import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { ArgvError, buildTrialArgv, formatParamValue, hydraValue, PARAMS_FILE, validateParamName } from '../../../src/core/runner/argv';
import type { LaunchSpec } from '../../../src/core/runner/types';
import type { ParamValue } from '../../../src/core/search/types';

const cwd = '/home/user/study';
const trialDir = '/home/user/study/.hpstudio/trials/7';
const build = (spec: Partial<LaunchSpec>, params: Record<string, ParamValue> = {}) =>
  buildTrialArgv({ cwd, program: 'train.py', ...spec }, params, { trialDir, platform: 'linux' });

const HOSTILE = ['; rm -rf ~', '$(touch MARKER)', '`touch MARKER`', 'two words', '-rf', '--output=/etc/x', "it's \"quoted\"", 'a\nb', '*', '${HOME}'];

/**
 * Hydra's reading of a quoted value, written from its documented rules (hydra's
 * `_unescape_quoted_string`: runs of backslashes before a quote are halved, `\'` is a quote) plus
 * OmegaConf's `\${` escape. Used to check hydraValue round-trips.
 */
function hydraRead(token: string): string {
  if (!token.startsWith("'")) return token;
  const body = token.slice(1);
  let out = '';
  let i = 0;
  while (i < body.length) {
    if (body[i] === '\\') {
      let j = i;
      while (body[j] === '\\') j++;
      const run = j - i;
      if (body[j] === "'" && j === body.length - 1) {
        out += '\\'.repeat(run / 2);
        i = j;
      } else if (body[j] === "'") {
        out += `${'\\'.repeat((run - 1) / 2)}'`;
        i = j + 1;
      } else if (body.startsWith('${', j)) {
        out += `${'\\'.repeat((run - 1) / 2)}\${`;
        i = j + 2;
      } else {
        out += body.slice(i, j);
        i = j;
      }
    } else if (body[i] === "'" && i === body.length - 1) {
      i++;
    } else {
      out += body[i++];
    }
  }
  return out;
}

describe('runner/argv: buildTrialArgv', () => {
  it('uses the default command: interpreter, absolute program, one --name=value token per param', () => {
    const r = build({}, { lr: 0.001, optimizer: 'adam', epochs: 10 });
    assert.deepEqual(r.argv, ['python3', '/home/user/study/train.py', '--lr=0.001', '--optimizer=adam', '--epochs=10']);
    assert.equal(r.programPath, '/home/user/study/train.py');
  });

  it('keeps hostile values as one literal token each', () => {
    const params = Object.fromEntries(HOSTILE.map((v, i) => [`p${i}`, v]));
    const r = build({}, params);
    assert.equal(r.argv.length, 2 + HOSTILE.length);
    HOSTILE.forEach((v, i) => assert.equal(r.argv[2 + i], `--p${i}=${v}`));
  });

  it('drops ${env}, uses the spec interpreter and expands every macro', () => {
    const r = build(
      {
        command: ['${env}', '${interpreter}', '${program}', '${args}', '${args_no_hyphens}', '${args_json}', '--config=${args_json_file}', 'hydra.run.dir=${now:%H}'],
        interpreter: '/opt/py/bin/python',
      },
      { lr: 0.5, name: 'x y' },
    );
    assert.deepEqual(r.argv, [
      '/opt/py/bin/python',
      '/home/user/study/train.py',
      '--lr=0.5',
      '--name=x y',
      'lr=0.5',
      'name=x y',
      '{"lr":0.5,"name":"x y"}',
      `--config=${path.join(trialDir, PARAMS_FILE)}`,
      'hydra.run.dir=${now:%H}',
    ]);
  });

  it('always writes params.json with the exact parameters', () => {
    const params = { lr: 1e-5, use_amp: true, tag: null, 'model.depth': 3 };
    const r = build({}, params);
    const file = r.files.find(f => f.path === path.join(trialDir, PARAMS_FILE));
    assert.ok(file);
    assert.deepEqual(JSON.parse(file.content), params);
  });

  it('resolves the program against cwd, so a program named like an option stays a path', () => {
    const r = build({ program: '-c' });
    assert.equal(r.argv[1], '/home/user/study/-c');
  });

  it('appends params per argStyle when the command has no args macro', () => {
    assert.deepEqual(build({ command: ['./run.sh'] }, { lr: 0.1 }).argv, ['./run.sh', '--lr=0.1']);
    assert.deepEqual(build({ argStyle: 'hydra' }, { 'model.lr': 0.1, opt: 'adam' }).argv, ['python3', '/home/user/study/train.py', 'model.lr=0.1', 'opt=adam']);
    assert.deepEqual(build({ command: ['./run.sh', '${args_json}'], argStyle: 'hydra' }, { lr: 0.1 }).argv, ['./run.sh', '{"lr":0.1}']);
  });

  it('Hydra-escapes ${args_no_hyphens} when argStyle is hydra, and only then', () => {
    const params = { name: 'a,b', flag: 'true' };
    assert.deepEqual(build({ command: ['x', '${args_no_hyphens}'] }, params).argv, ['x', 'name=a,b', 'flag=true']);
    assert.deepEqual(build({ command: ['x', '${args_no_hyphens}'], argStyle: 'hydra' }, params).argv, ['x', "name='a,b'", "flag='true'"]);
  });

  it('writes a nested, PyYAML-safe override.yaml and passes its path', () => {
    const r = build({ argStyle: 'override-file' }, { 'model.lr': 1e-7, 'model.depth': 4, opt: 'yes', big: 1e21, on: true, none: null });
    const file = path.join(trialDir, 'override.yaml');
    assert.deepEqual(r.argv, ['python3', '/home/user/study/train.py', file]);
    const content = r.files.find(f => f.path === file)?.content ?? '';
    // PyYAML reads `1e-7` as a string: the writer must put a dot in the mantissa.
    assert.match(content, /lr: 1\.0e-7/);
    assert.match(content, /big: 1\.0e\+21/);
    assert.match(content, /"on": true/);
    assert.deepEqual(parseYaml(content), { model: { lr: 1e-7, depth: 4 }, opt: 'yes', big: 1e21, on: true, none: null });
  });

  it('writes override.json when asked, and {} for no params', () => {
    const r = build({ argStyle: 'override-file', overrideFormat: 'json' }, { 'a.b': 'x' });
    assert.deepEqual(JSON.parse(r.files.find(f => f.path.endsWith('override.json'))?.content ?? ''), { a: { b: 'x' } });
    assert.equal(build({ argStyle: 'override-file' }).files.find(f => f.path.endsWith('override.yaml'))?.content, '{}\n');
  });

  it('refuses conflicting dotted params in an override file', () => {
    assert.throws(() => build({ argStyle: 'override-file' }, { a: 1, 'a.b': 2 }), /conflict/);
    assert.throws(() => build({ argStyle: 'override-file' }, { 'a.b': 2, a: 1 }), /conflict/);
  });

  it('uses python on Windows and python3 elsewhere', () => {
    assert.equal(buildTrialArgv({ cwd, program: 'x.py' }, {}, { trialDir, platform: 'win32' }).argv[0], 'python');
    assert.equal(build({}).argv[0], 'python3');
  });

  it('gives clear errors for a bad spec', () => {
    assert.throws(() => build({ command: [] }), /command is empty/);
    assert.throws(() => build({ command: ['${env}'] }), /no program to run/);
    assert.throws(() => build({ program: undefined }), /names no program/);
    assert.throws(() => build({ command: ['x', '--a=${args}'] }), (e: unknown) => e instanceof ArgvError && /\$\{args\} must be a whole command element/.test(e.message));
    assert.throws(() => build({ cwd: 'relative/dir' }), /absolute/);
    assert.throws(() => build({ argStyle: 'weird' as LaunchSpec['argStyle'] }), /unknown argStyle/);
    assert.throws(() => build({ command: 'python train.py' as unknown as string[] }), /list of strings/);
  });

  it('refuses huge values with a hint instead of failing with E2BIG', () => {
    assert.throws(() => build({}, { blob: 'x'.repeat(200_000) }), /limit is 131071.*args_json_file/);
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${i}`, 'y'.repeat(100_000)]));
    assert.throws(() => build({}, many), /command line is \d+ bytes/);
  });

  it('refuses values that cannot be passed losslessly', () => {
    assert.throws(() => build({}, { lr: NaN }), /lr is NaN/);
    assert.throws(() => build({}, { lr: Infinity }), /only finite numbers/);
    assert.throws(() => build({}, { s: 'a\0b' }), /NUL/);
    assert.throws(() => build({}, { o: { x: 1 } as unknown as ParamValue }), /type object/);
    assert.throws(() => build({}, { o: [1] as unknown as ParamValue }), /type array/);
    assert.throws(() => build({}, null as unknown as Record<string, ParamValue>), /must be an object/);
  });
});

describe('runner/argv: parameter names', () => {
  it('accepts what the W&B sweep schema accepts: identifiers, dotted paths (numeric parts too) and hyphens', () => {
    for (const name of ['lr', '_x', 'model.optimizer.lr', 'batch-size', 'layer_2.units', 'a.b-c', 'enc.layers.0.lr', 'a..b', 'a.', 'a.-b']) validateParamName(name);
  });

  it('refuses names that could become options or overrides', () => {
    for (const name of ['', '-lr', '--output', 'a b', 'a=b', '+x', '~x', '.a', '1abc', 'a/b', 'ä', 'x;rm', '$(x)', 'x'.repeat(201)]) {
      assert.throws(() => validateParamName(name), ArgvError, name);
      assert.throws(() => build({}, { [name]: 1 }), /parameter name|empty name|longer than/, name);
    }
  });
});

describe('runner/argv: value formatting', () => {
  it('prints numbers with the shortest round-trip text and one convention for integral floats', () => {
    assert.equal(formatParamValue(0.1), '0.1');
    assert.equal(formatParamValue(1e-5), '0.00001');
    assert.equal(formatParamValue(1e-7), '1e-7');
    assert.equal(formatParamValue(1.0), '1');
    assert.equal(formatParamValue(-0), '-0');
    assert.equal(formatParamValue(0.1 + 0.2), '0.30000000000000004');
    assert.equal(formatParamValue(true), 'true');
    assert.equal(formatParamValue(null), 'null');
    assert.equal(formatParamValue('  x '), '  x ');
  });

  it('round-trips every finite double', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), v => Object.is(Number(formatParamValue(v)), v)));
  });
});

describe('runner/argv: hydraValue', () => {
  it('leaves plain identifiers and non-strings unquoted', () => {
    assert.equal(hydraValue('adam'), 'adam');
    assert.equal(hydraValue(3e-4), '0.0003');
    assert.equal(hydraValue(false), 'false');
    assert.equal(hydraValue(null), 'null');
  });

  it('quotes strings Hydra would read as another type or split', () => {
    assert.equal(hydraValue('true'), "'true'");
    assert.equal(hydraValue('NULL'), "'NULL'");
    assert.equal(hydraValue('inf'), "'inf'");
    assert.equal(hydraValue('1'), "'1'");
    assert.equal(hydraValue('a,b'), "'a,b'");
    assert.equal(hydraValue('k=v'), "'k=v'");
    assert.equal(hydraValue('two words'), "'two words'");
    assert.equal(hydraValue(''), "''");
  });

  it('escapes quotes, trailing backslashes and interpolations', () => {
    assert.equal(hydraValue("it's"), "'it\\'s'");
    assert.equal(hydraValue('C:\\dir\\'), "'C:\\dir\\\\'");
    assert.equal(hydraValue('${oc.env:HOME}'), "'\\${oc.env:HOME}'");
  });

  it('round-trips any string through Hydra quoting rules', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', "'", '\\', '$', '{', '}', ',', ' ', '=', 'x') }), s => hydraRead(hydraValue(s)) === s));
  });
});
