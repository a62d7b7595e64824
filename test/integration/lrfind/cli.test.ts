import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { readJournal } from '../../../src/core/study/journal';
import { judgeStream, streamRules } from '../../../src/core/lrfind/stream';
import { captureIO } from '../../unit/cli/capture';

const FIXTURES = path.resolve(__dirname, '../../fixtures/lrfind');
/**
 * How many steps the fixture program would train for if nobody stopped it: far more than any test
 * lives (15 ms a step), so a trial that ends at all was stopped, however slow the machine.
 */
const FULL_STEPS = 100_000;

/** A throwaway folder with the fixture program and a study file for it. */
function workspace(extraParams = '', params = '  lr: {distribution: log_uniform_values, min: 0.001, max: 10}\n'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-lrfind-cli-'));
  for (const f of ['quad.js', 'config.json']) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'sweep.yaml'), [
    '# source: config.json',
    'name: quad',
    'program: quad.js',
    'command: [node, ${program}, ${args}]',
    'method: tpe',
    'metric: {name: loss, goal: minimize}',
    'parameters:',
    params + extraParams + `  batch: {values: [4, 8, 16]}\n  delay_ms: {value: 15}\n  steps: {value: ${FULL_STEPS}}`,
    'run_cap: 30',
    'parallel: 2',
    'early_terminate: {type: hyperband, min_iter: 3}',
    '',
  ].join('\n'));
  return dir;
}

async function lrFind(dir: string, ...args: string[]) {
  const c = captureIO({ cwd: dir });
  const code = await runCli(['lr-find', ...args], c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('hpstudio lr-find (real trials)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('finds the rate of a study file: short trials, the curve, a suggestion, and --json as the issue asks', async () => {
    const dir = workspace();
    dirs.push(dir);
    const r = await lrFind(dir, 'sweep.yaml', '--json');
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { param: string; suggested: number; points: [number, number | null][]; trials: number; steps: number; verdict: string; message: string };
    assert.deepEqual(Object.keys(json).slice(0, 5), ['param', 'suggested', 'points', 'trials', 'steps']);
    assert.equal(json.param, 'lr');
    // 13 short runs across the range, then the second pass: the suggestion, one rate below it and two above, run longer.
    assert.equal(json.trials, 17);
    assert.equal(json.points.length, 13);
    const refined = (json as unknown as { refined: { rates: number[]; reports: number; points: [number, number | null][]; chosen: number | null } }).refined;
    assert.equal(refined.rates.length, 4);
    assert.equal(refined.reports, 30);
    assert.equal(refined.points.length, 4);
    assert.equal(json.suggested, refined.chosen);
    assert.match(json.message, /refined: of [\d.]+, [\d.]+, [\d.]+, [\d.]+ run for 30 reports, [\d.]+ ended lowest/);
    assert.ok(json.suggested > 0.1 && json.suggested < 2, `suggested ${json.suggested}: ${json.message}`);
    // Rates above 2 diverge: at the edge, with null for their loss.
    for (const [lr, loss] of json.points) if (lr > 2.2) assert.equal(loss, null, `lr ${lr}`);
    assert.match(json.message, /diverges from 2\.1/);
    // Cheap: every trial was stopped by the pruner (state pruned = stopped while its program ran; one that
    // ended by itself would be complete), and the pruner's own rules, replayed on the journaled reports,
    // had said "enough" within the pass' budget (10 reports, 30 in the second pass). Reports that arrive
    // between that decision and the process group's end are kept and counted: every report used is in
    // the count.
    const lrStudy = readJournal(path.join(dir, '.hpstudio/studies/quad-lrfind/journal.jsonl')).study;
    const reports = lrStudy.trials.reduce((n, t) => n + t.intermediate.size, 0);
    assert.equal(json.steps, reports);
    for (const t of lrStudy.trials) {
      // The second pass (trials 13–16) runs to its budget unless it diverges: no early "levelled off".
      const budget = t.number < 13 ? 10 : 30;
      const rules = t.number < 13 ? streamRules() : streamRules({ maxReports: 30, minReports: 31 });
      const values = [...t.intermediate.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
      const decided = values.findIndex((_, k) => judgeStream(values.slice(0, k + 1), 'minimize', rules) !== undefined) + 1;
      const what = `trial ${t.number}: ${t.state} after ${values.length} reports, stop decided at ${decided}`;
      assert.equal(t.state, 'pruned', what);
      assert.ok(decided >= 1 && decided <= budget, what);
      assert.ok(values.length < FULL_STEPS, what);
    }
    // The lr-find study file: the study's launch, one parameter, the constants, the other one fixed from the config.
    const text = fs.readFileSync(path.join(dir, 'sweep.lrfind.study.yaml'), 'utf8');
    assert.match(text, /^# source: config\.json$/m);
    assert.match(text, /^# study: sweep\.yaml$/m);
    assert.match(text, /^method: lr-find$/m);
    assert.match(text, /^ {2}batch:\n {4}value: 8$/m);
    assert.match(text, /^ {2}delay_ms:\n {4}value: 15$/m);
    assert.match(text, new RegExp(`^ {2}steps:\\n {4}value: ${FULL_STEPS}$`, 'm'));
    assert.match(text, /^command: \[node, "\$\{program\}", "\$\{args\}"\]$/m);
    assert.doesNotMatch(text, /early_terminate|run_cap/);
    // Running it again resumes the finished lr-find: no new trial, the same answer.
    const again = await lrFind(dir, 'sweep.yaml', '--json');
    assert.equal(again.code, 0, again.err);
    assert.deepEqual(JSON.parse(again.out), json);
    assert.equal(readJournal(path.join(dir, '.hpstudio/studies/quad-lrfind/journal.jsonl')).study.trials.length, 17);
  });

  it('prints the curve and the reason as text, and resumes an interrupted lr-find without repeating a rate', async () => {
    const dir = workspace();
    dirs.push(dir);
    const abort = new AbortController();
    const c = captureIO({ cwd: dir, signal: abort.signal });
    const first = runCli(['lr-find', 'sweep.yaml', '--points', '8'], c.io);
    // Stop once two trials are done (the journal says so).
    const journal = path.join(dir, '.hpstudio/studies/quad-lrfind/journal.jsonl');
    for (;;) {
      await new Promise(r => setTimeout(r, 20));
      if (fs.existsSync(journal) && (fs.readFileSync(journal, 'utf8').match(/"op":"finish"/g) ?? []).length >= 2) break;
    }
    abort.abort();
    assert.equal(await first, 130, c.err());
    assert.match(c.err(), /interrupted: run the same command again to resume/);
    const second = await lrFind(dir, 'sweep.yaml');
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /^lr-find quad-lrfind \(sweep\.lrfind\.study\.yaml\): 12 trials/m);
    assert.match(second.out, /^ {2}second pass, 30 reports each:$/m);
    assert.match(second.out, /The loss falls fastest around .*The first pass pointed at [\d.]+ .*; refined: .*Suggested lr = [\d.]+\./);
    assert.match(second.out, /To apply it, set lr to [\d.]+ in config\.json/);
    // The second pass' table marks the suggested rate (not necessarily the one that ended lowest).
    const suggested = /Suggested lr = ([\d.e-]+)\./.exec(second.out)?.[1] ?? '?';
    assert.match(second.out, new RegExp(`^ +${suggested.replace('.', '\\.')} +[\\d.e-]+ +\\d+ {2}← suggested$`, 'm'));
    const trials = readJournal(journal).study.trials.filter(t => !(t.state === 'fail' && t.requeued));
    const rates = trials.map(t => t.params.lr);
    assert.equal(new Set(rates).size, rates.length, `no rate twice: ${rates.join(', ')}`);
    assert.equal(trials.length, 8 + 4);
  });

  it('a config: its learning rate, a program given, a new lr-find study file next to it', async () => {
    const dir = workspace();
    dirs.push(dir);
    fs.rmSync(path.join(dir, 'sweep.yaml'));
    const r = await lrFind(dir, 'config.json', '--program', 'quad.js', '--range', '0.01 .. 10', '--steps', '6', '--json');
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { suggested: number; trials: number; study: string };
    assert.equal(json.study, 'config-lrfind');
    // 10 rates across three decades, then the second pass' 4 (18 reports each: 3 × --steps).
    assert.equal(json.trials, 14);
    assert.equal((json as unknown as { refined: { reports: number } }).refined.reports, 18);
    const text = fs.readFileSync(path.join(dir, 'config.lrfind.study.yaml'), 'utf8');
    assert.match(text, /^# source: config\.json$/m);
    assert.match(text, /max_reports: 6/);
    assert.match(r.err, /range of lr: as given/);
  });

  it('bad inputs get a clear message each: no learning-rate parameter, a program that ignores it, every run diverging', async () => {
    const none = workspace('', '');
    dirs.push(none);
    const a = await lrFind(none, 'sweep.yaml');
    assert.equal(a.code, 2);
    assert.equal(a.err.trim(), 'hpstudio lr-find: sweep.yaml has no learning-rate parameter (it searches batch); name the one to sweep with --param NAME');
    const b = await lrFind(none, 'sweep.yaml', '--param', 'lr');
    assert.equal(b.code, 2);
    assert.equal(b.err.trim(), 'hpstudio lr-find: sweep.yaml has no parameter "lr" (it searches batch)');

    const ignoring = workspace('  ignore_lr: {value: 1}\n');
    dirs.push(ignoring);
    const c = await lrFind(ignoring, 'sweep.yaml', '--json');
    assert.equal(c.code, 1, c.err);
    const cj = JSON.parse(c.out) as { verdict: string; suggested: null; message: string; advice: string };
    assert.equal(cj.verdict, 'ignored');
    assert.equal(cj.suggested, null);
    assert.match(cj.message, /the program seems to ignore lr/);
    assert.match(cj.advice, /Check that the program reads lr/);

    const exploding = workspace('  explode: {value: 1}\n');
    dirs.push(exploding);
    const d = await lrFind(exploding, 'sweep.yaml');
    assert.equal(d.code, 1, d.err);
    assert.match(d.out, /Every trial diverged, even at the lowest rate \(0\.001\)\./);
    assert.match(d.out, /Lower the range, e\.g\. 1e-6 … 0\.001/);
  });

  it('refuses bad arguments with usage errors', async () => {
    const dir = workspace();
    dirs.push(dir);
    assert.equal((await lrFind(dir)).code, 2);
    const r = await lrFind(dir, 'sweep.yaml', '--range', '1 .. 0.1');
    assert.equal(r.code, 2);
    assert.match(r.err, /--range needs 0 < low < high/);
    const p = await lrFind(dir, 'sweep.yaml', '--points', '2');
    assert.match(p.err, /--points must be a whole number from 3 to 200/);
    const m = await lrFind(dir, 'missing.yaml');
    assert.match(m.err, /missing\.yaml does not exist/);
  });
});
