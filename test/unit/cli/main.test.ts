import * as assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main';
import { parseArgs, UsageError } from '../../../src/cli/args';
import { captureIO } from './capture';
import { commands } from '../../../src/cli/commands/index';

const capture = () => captureIO();

describe('hpstudio CLI', () => {
  it('prints help with --help and no arguments', async () => {
    for (const argv of [['--help'], [], ['-h']]) {
      const c = capture();
      assert.equal(await runCli(argv, c.io), 0);
      assert.match(c.out(), /Usage: hpstudio <command>/);
    }
  });

  it('prints the version with --version and -V', async () => {
    const c = capture();
    assert.equal(await runCli(['--version'], c.io), 0);
    assert.match(c.out(), /^\d+\.\d+\.\d+/);
  });

  it('rejects an unknown command with one line and exit code 2', async () => {
    const c = capture();
    assert.equal(await runCli(['frobnicate'], c.io), 2);
    assert.equal(c.err().trim().split('\n').length, 1);
    assert.match(c.err(), /unknown command "frobnicate"/);
  });

  it('rejects an unknown top-level option with exit code 2', async () => {
    const c = capture();
    assert.equal(await runCli(['--frob'], c.io), 2);
    assert.match(c.err(), /unknown option --frob/);
  });
});

describe('parseArgs', () => {
  const spec = { json: { type: 'flag' }, trials: { type: 'number', short: 'n' }, sampler: { type: 'string' }, tag: { type: 'string', multiple: true } } as const;

  it('reads flags, values with = and separate values, shorts and positionals', () => {
    const r = parseArgs(['a.yaml', '--json', '--trials=5', '--sampler', 'tpe', '-n', '7', '--tag', 'x', '--tag=y', '--', '--literal'], spec);
    assert.deepEqual(r.positional, ['a.yaml', '--literal']);
    assert.deepEqual(r.options, { json: true, trials: 7, sampler: 'tpe', tag: ['x', 'y'] });
  });

  it('throws UsageError on unknown options, missing and non-numeric values', () => {
    assert.throws(() => parseArgs(['--nope'], spec), UsageError);
    assert.throws(() => parseArgs(['--trials'], spec), /needs a value/);
    assert.throws(() => parseArgs(['--trials', 'abc'], spec), /needs a number/);
    assert.throws(() => parseArgs(['--json=1'], spec), /takes no value/);
  });
});

describe('hpstudio commands are loaded lazily', () => {
  it('lists each command with the summary its module declares', () => {
    for (const entry of commands) {
      const command = entry.load();
      assert.equal(command.name, entry.name);
      assert.equal(command.summary, entry.summary, entry.name);
    }
  });
});
