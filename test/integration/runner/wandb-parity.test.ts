/**
 * The argv of a W&B sweep trial against wandb's own expansion: every command macro × every kind of
 * value (bool, None, float, int, str, list, nested dict). The expected argv comes from
 * wandb_agent_port.py, a port of wandb's `create_sweep_command`, `create_sweep_command_args` and the
 * agent's `_command_run`, run by /usr/bin/python3 so Python's own str()/repr/json.dumps produce it.
 *
 * Two differences are normalised, and each is checked separately: the agent runs `/usr/bin/env
 * <cmd>` where we resolve <cmd> in the trial's PATH ourselves (so a leading /usr/bin/env is dropped),
 * and its `${args_json_file}` is `wandb/sweep-<id>/config-<run>.json` where ours is params.json in the
 * trial folder (the file contents are compared instead).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { buildTrialArgv, PARAMS_FILE } from '../../../src/core/runner/argv';
import type { JsonValue } from '../../../src/core/runner/python';
import type { LaunchSpec, ParamLayout } from '../../../src/core/runner/types';
import type { ParamValue } from '../../../src/core/search/types';

const PYTHON = '/usr/bin/python3';
const PORT = path.join(__dirname, 'wandb_agent_port.py');
const cwd = '/home/user/study';
const trialDir = '/home/user/study/.hpstudio/studies/s/trials/3';
const environ = { HPS_TEST_VAR: 'from-env', HOME: '/home/someone' };

/** A parameter as the engine holds it (flat name, scalar or token) and as the agent receives it. */
interface ValueCase {
  readonly label: string;
  readonly params: Record<string, ParamValue>;
  readonly layout?: Record<string, ParamLayout>;
  /** What the W&B backend sends for the same run (top-level names → JSON values). */
  readonly received: Record<string, JsonValue>;
}

const scalar = (label: string, v: ParamValue): ValueCase => ({ label, params: { p: v }, received: { p: v } });
const structured = (label: string, v: JsonValue): ValueCase => {
  const token = JSON.stringify(v);
  return { label, params: { p: token }, layout: { p: { values: { [token]: v } } }, received: { p: v } };
};

const VALUES: ValueCase[] = [
  scalar('bool true', true),
  scalar('bool false', false),
  scalar('None', null),
  scalar('float 0.1', 0.1),
  scalar('float 1e-05', 0.00001),
  scalar('float 1.5e-07', 1.5e-7),
  scalar('whole float 2.0 (arrives as int 2)', 2.0),
  scalar('float 1e+21', 1e21),
  scalar('float 1e+16', 1e16),
  scalar('float 0.0001', 0.0001),
  scalar('float 123456.789', 123456.789),
  scalar('float -0.0', -0),
  scalar('float -2.5e-10', -2.5e-10),
  scalar('int 0', 0),
  scalar('int -3', -3),
  scalar('int 2**53', 2 ** 53),
  scalar('str adam', 'adam'),
  scalar('str with spaces', 'two words'),
  scalar("str with '", "it's"),
  scalar('str with both quotes', 'say "hi" it\'s'),
  scalar('str unicode', 'ünïcødé λ'),
  scalar('str empty', ''),
  scalar('str --x', '--x'),
  scalar('str ${args}', '${args}'),
  scalar('str tab/newline', 'a\tb\nc'),
  scalar('str emoji', '🚀 go'),
  scalar('str 1e-5 (kept as text)', '1e-5'),
  structured('list [32, 32]', [32, 32]),
  structured('list mixed', ['a', true, null, 1.5, "it's"]),
  structured('list empty', []),
  structured('list of lists', [[1, 2], [3]]),
  structured('dict with unsorted keys', { b: 1, a: { z: null, y: [1, 'x'] }, '10': 'ten', '9': 'nine' }),
  {
    label: 'nested parameters (official nested example)',
    params: { 'optimizer.lr': 0.001, 'optimizer.nadam.beta': 0.9, batch_size: 64 },
    layout: { 'optimizer.lr': { path: ['optimizer', 'lr'] }, 'optimizer.nadam.beta': { path: ['optimizer', 'nadam', 'beta'] } },
    received: { optimizer: { lr: 0.001, nadam: { beta: 0.9 } }, batch_size: 64 },
  },
  {
    label: 'several names (sorted order, dotted names with numeric parts)',
    params: { zeta: 1, b: true, a: false, B: 'x', _x: null, 'a.b': 2.5, 'a-b': 'y', 'enc.layers.0.lr': 0.01 },
    received: { zeta: 1, b: true, a: false, B: 'x', _x: null, 'a.b': 2.5, 'a-b': 'y', 'enc.layers.0.lr': 0.01 },
  },
  { label: 'no parameters', params: {}, received: {} },
];

const COMMANDS: Array<{ label: string; command: string[] | null }> = [
  { label: 'no command (default)', command: null },
  { label: 'empty command (default)', command: [] },
  { label: '${args}', command: ['${env}', '${interpreter}', '${program}', '${args}'] },
  { label: '${args_no_hyphens}', command: ['${env}', '${interpreter}', '${program}', '${args_no_hyphens}'] },
  { label: '${args_no_equals}', command: ['${env}', '${interpreter}', '${program}', '${args_no_equals}'] },
  { label: '${args_no_boolean_flags}', command: ['${env}', '${interpreter}', '${program}', '${args_no_boolean_flags}'] },
  { label: '${args_json}', command: ['${env}', '${interpreter}', '${program}', '${args_json}'] },
  { label: '${args_json_file}', command: ['${env}', '${interpreter}', '${program}', '--config', '${args_json_file}'] },
  { label: '${args_json_file} inside a token (literal)', command: ['${interpreter}', '${program}', '--config=${args_json_file}'] },
  { label: '${args_dict}', command: ['${interpreter}', '${program}', '${args_dict}'] },
  { label: 'no args macro', command: ['${env}', '${interpreter}', '${program}', '--epochs', '3'] },
  { label: 'program first, no interpreter', command: ['${program}', '--subcommand=train', '${args}'] },
  { label: '${env} then a command on PATH', command: ['${env}', 'torchrun', '--nproc_per_node=4', '${program}', '${args}'] },
  { label: 'unknown macro dropped', command: ['${env}', '${interpreter}', '${unknown}', '${program}', '${args}'] },
  { label: 'macros inside tokens stay literal', command: ['${interpreter}', '${program}', 'x=${args}', '${args}x', '${program}.bak', '${args}'] },
  { label: '${envvar:…}', command: ['${interpreter}', '${program}', '--home=${envvar:HOME}', '${envvar:HPS_TEST_VAR}', '--m=${envvar:UNSET_ONE}', '${args}'] },
  { label: 'two args macros', command: ['${interpreter}', '${program}', '${args}', '--', '${args_no_hyphens}'] },
];

interface PortResult {
  argv: string[] | null;
  json_file: string | null;
  json_file_content: string | null;
  error: string | null;
}

function runPort(cases: object[]): PortResult[] {
  const r = spawnSync(PYTHON, [PORT], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`wandb_agent_port.py failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as PortResult[];
}

describe('runner/wandb: argv identical to wandb agent (every macro × every value kind)', function () {
  this.timeout(60_000);
  const table: Array<{ c: (typeof COMMANDS)[number]; v: ValueCase }> = [];
  for (const c of COMMANDS) for (const v of VALUES) table.push({ c, v });
  let expected: PortResult[] = [];

  before(() => {
    expected = runPort(table.map(({ c, v }) => ({ command: c.command, program: 'train.py', params: v.received, environ, windows: false })));
  });

  it(`covers ${COMMANDS.length} commands × ${VALUES.length} value kinds`, () => {
    assert.equal(expected.length, COMMANDS.length * VALUES.length);
  });

  for (const [i, { c, v }] of table.entries()) {
    it(`${c.label} × ${v.label}`, () => {
      const want = expected[i];
      assert.equal(want.error, null, `the port failed: ${want.error}`);
      const spec: LaunchSpec = { cwd, program: 'train.py', interpreter: 'python', argStyle: 'wandb', command: c.command ?? undefined, paramLayout: v.layout };
      const built = buildTrialArgv(spec, v.params, { trialDir, platform: 'linux', env: environ });
      let argv = [...(want.argv as string[])];
      if (argv[0] === '/usr/bin/env' && argv.length > 1) argv = argv.slice(1);
      const ours = path.join(trialDir, PARAMS_FILE);
      argv = argv.map(t => (t === want.json_file ? ours : t));
      assert.deepEqual(built.argv, argv);
      const file = built.files.find(f => f.path === ours);
      if (want.json_file_content !== null) assert.equal(file?.content, want.json_file_content);
    });
  }

  it('keeps /usr/bin/env when it is not first (only a leading one is our PATH lookup)', () => {
    const built = buildTrialArgv({ cwd, program: 'train.py', interpreter: 'python', argStyle: 'wandb', command: ['${interpreter}', '${env}', '${program}'] }, {}, { trialDir, platform: 'linux', env: environ });
    const [want] = runPort([{ command: ['${interpreter}', '${env}', '${program}'], program: 'train.py', params: {}, environ, windows: false }]);
    assert.deepEqual(built.argv, want.argv);
  });

  it('on Windows ${env} expands to nothing, as the agent deletes it there', () => {
    const built = buildTrialArgv({ cwd, program: 'train.py', interpreter: 'python', argStyle: 'wandb' }, { lr: 0.1 }, { trialDir, platform: 'win32', env: environ });
    const [want] = runPort([{ command: null, program: 'train.py', params: { lr: 0.1 }, environ, windows: true }]);
    assert.deepEqual(built.argv, want.argv);
  });
});
