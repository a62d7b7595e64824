import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LrFindResult, LrTrial } from '../../../src/core/lrfind/analysis';
import { lrFindPhase, runLrFind } from '../../../src/core/lrfind/phases';
import { readLrFind } from '../../../src/core/lrfind/read';
import { firstPassRates, judgeRefinement, refineRules, refinementRates, REFINE_FACTORS, withRefinement } from '../../../src/core/lrfind/refine';
import { streamRules } from '../../../src/core/lrfind/stream';
import type { TrialLaunch } from '../../../src/core/runner/types';
import { JOURNAL_FILE, readJournal } from '../../../src/core/study/journal';
import { readStudySnapshot } from '../../../src/core/study/studyIndex';
import { parseStudyFile } from '../../../src/core/study/studyFile';
import type { StudyEvent } from '../../../src/core/study/types';
import { FakeExecutor } from '../study/fakeStudy';

/** An lr-find of 8 rates from 1e-3 to 10, 5 reports per first-pass run (so 15 per second-pass run). */
function lrConfig(dir: string) {
  const file = path.join(dir, 'quad.lrfind.study.yaml');
  const text = 'name: quad-lrfind\nprogram: t.js\nmethod: lr-find\nmetric: {name: loss, goal: minimize}\nparameters:\n  lr: {distribution: log_uniform_values, min: 0.001, max: 10}\ntrials: 8\nparallel: 2\npruner: {type: lr-find, max_reports: 5}\n';
  fs.writeFileSync(file, text);
  return parseStudyFile(text, file).config;
}

/**
 * Gradient descent on a quadratic seen through its loss: falls faster as the rate grows, up to 1;
 * above 2 it blows up. `lateBlowUp`: every run blows up after report 7 (only the second pass sees it).
 */
function curve(launch: TrialLaunch, lateBlowUp = false): number[] {
  const lr = launch.params.lr as number;
  return Array.from({ length: 40 }, (_, s) => {
    if (lr > 2 || (lateBlowUp && s > 7)) return 5 * Math.pow(2, s);
    return 0.1 + 5 * Math.exp(-Math.min(lr, 1) * s);
  });
}

describe('lr-find second pass', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-lrrefine-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const journalDir = () => path.join(dir, '.hpstudio', 'studies', 'quad-lrfind');

  it('places its rates one step below the suggestion and two above, inside the range and off the first pass grid', () => {
    const grid = [0.001, 0.0037, 0.0139, 0.0518, 0.193, 0.72, 2.68, 10];
    assert.deepEqual(refinementRates(0.05, grid, 0.001, 10), [0.029, 0.05, 0.087, 0.15]);
    // 0.72 × 1 would sit on the grid: it moves up by 1%; 0.72 ÷ √3 = 0.42 is off it already.
    assert.deepEqual(refinementRates(0.72, grid, 0.001, 10).slice(0, 2), [0.42, 0.727]);
    // Beyond the range: left out, above and below.
    assert.deepEqual(refinementRates(5, grid, 0.001, 10), [2.9, 5, 8.7]);
    assert.deepEqual(refinementRates(0.0015, grid, 0.001, 10), [0.0015, 0.0026, 0.0045]);
    assert.deepEqual([...REFINE_FACTORS].map(f => Number(f.toFixed(3))), [0.577, 1, 1.732, 3]);
  });

  it('picks the rate that ended lowest; the lowest rate that ended within the noise of it, when one did', () => {
    const rules = refineRules(streamRules({ maxReports: 4 }));
    assert.equal(rules.maxReports, 12);
    const run = (number: number, lr: number, end: number, wobble: number): LrTrial => ({
      number, lr, state: 'pruned', values: Array.from({ length: 12 }, (_, s) => [s, end + 1 / (s + 1) + (s % 2 ? wobble : -wobble)] as const),
    });
    const rates = [0.058, 0.1, 0.17, 0.3];
    const clear = judgeRefinement([run(8, 0.058, 0.7, 0.001), run(9, 0.1, 0.5, 0.001), run(10, 0.17, 0.3, 0.001), run(11, 0.3, 0.4, 0.001)], rates, 0.1, 'minimize', rules);
    assert.equal(clear.state, 'done');
    assert.equal(clear.chosen, 0.17);
    assert.equal(clear.lowest, 0.17);
    // A clear win below the first suggestion moves it down.
    const down = judgeRefinement([run(8, 0.058, 0.3, 0.001), run(9, 0.1, 0.5, 0.001), run(10, 0.17, 0.6, 0.001), run(11, 0.3, 0.9, 0.001)], rates, 0.1, 'minimize', rules);
    assert.equal(down.chosen, 0.058);
    // Above it by the noise alone, the rate below clearly worse: the first suggestion stays.
    const noisyUp = judgeRefinement([run(8, 0.058, 1.5, 0.2), run(9, 0.1, 0.5, 0.2), run(10, 0.17, 0.45, 0.2), run(11, 0.3, 0.6, 0.2)], rates, 0.1, 'minimize', rules);
    assert.ok(noisyUp.noise !== undefined && noisyUp.noise > 0.05 && 2 * noisyUp.noise < 1, `noise ${noisyUp.noise}`);
    assert.equal(noisyUp.lowest, 0.17);
    assert.equal(noisyUp.chosen, 0.1, 'within twice the noise of the lowest: the lower rate');
    // Lowest below it, nothing lower: that rate.
    const noisyDown = judgeRefinement([run(8, 0.058, 0.45, 0.2), run(9, 0.1, 0.5, 0.2), run(10, 0.17, 0.6, 0.2), run(11, 0.3, 0.7, 0.2)], rates, 0.1, 'minimize', rules);
    assert.equal(noisyDown.lowest, 0.058);
    assert.equal(noisyDown.chosen, 0.058);
    // The first suggestion's own run ended badly by chance while the rates on both sides ended level: the
    // lowest rate within the noise of the lowest loss, not the rate that ended lowest (the bench's MLP, seed
    // 4). Comparing the lowest with the first suggestion's run alone chose 0.17 here.
    const level = judgeRefinement([run(8, 0.058, 0.46, 0.05), run(9, 0.1, 0.9, 0.05), run(10, 0.17, 0.44, 0.05), run(11, 0.3, 0.8, 0.05)], rates, 0.1, 'minimize', rules);
    assert.ok(level.noise !== undefined && 2 * level.noise > 0.02 && 2 * level.noise < 0.36, `noise ${level.noise}`);
    assert.equal(level.lowest, 0.17);
    assert.equal(level.chosen, 0.058);
    // The reason says which rate ended lowest, which was taken and why.
    const first: LrFindResult = { param: 'lr', metric: 'loss', direction: 'minimize', verdict: 'ok', points: [], minimum: { lr: 0.2, loss: 1 }, suggested: 0.1, message: '', trials: 8, reports: 40 };
    const input = { param: 'lr', metric: 'loss', direction: 'minimize' as const, rules, trials: [] };
    assert.equal(withRefinement(first, level, input).suggested, 0.058);
    assert.match(withRefinement(first, level, input).message, /refined: of 0\.058, 0\.1, 0\.17, 0\.3 run for 12 reports, 0\.17 ended lowest \([\d.]+\) but 0\.058 \([\d.]+\) ended within twice the runs' noise \([\d.]+\) of it: the lowest such rate is taken \(a higher rate's noise floor shows late in training\)\. Suggested lr = 0\.058\.$/);
    assert.match(withRefinement(first, noisyUp, input).message, /0\.17 ended lowest \([\d.]+\) but 0\.1 \([\d.]+\) ended within twice the runs' noise \([\d.]+\) of it: the first suggestion, the lowest such rate, stays .*Suggested lr = 0\.1\.$/);
    assert.match(withRefinement(first, noisyDown, input).message, /0\.058 ended lowest \([\d.]+\)\. Suggested lr = 0\.058\.$/);
    assert.match(withRefinement(first, clear, input).message, /0\.17 ended lowest \([\d.]+\)\. Suggested lr = 0\.17\.$/);
    const waiting = judgeRefinement([run(8, 0.1, 0.5, 0)], rates, 0.1, 'minimize', rules);
    assert.equal(waiting.state, 'running');
    assert.equal(judgeRefinement([], rates, 0.1, 'minimize', rules).state, 'pending');
  });

  it('runs after the first pass: longer runs around the suggestion, in trials, reports and the reason', async () => {
    const config = lrConfig(dir);
    const executor = new FakeExecutor(l => ({ curve: curve(l) }));
    const summary = await runLrFind({ config, journalDir: journalDir(), executor });
    assert.equal(summary.status, 'finished');
    const result = readLrFind(readStudySnapshot(journalDir(), dir), config);
    const refined = result.refined;
    assert.ok(refined, result.message);
    assert.equal(refined.state, 'done', result.message);
    assert.equal(result.verdict, 'ok');
    assert.equal(refined.rates.length, 4);
    // Trials and reports count both passes; the second pass' runs gave 15 reports, the first pass' at most 5.
    const trials = readJournal(path.join(journalDir(), JOURNAL_FILE)).study.trials;
    assert.equal(trials.length, 8 + refined.rates.length);
    assert.equal(result.trials, trials.length);
    assert.equal(result.reports, trials.reduce((n, t) => n + t.intermediate.size, 0));
    const grid = firstPassRates(config.space, 8);
    for (const t of trials) {
      const second = !grid.includes(t.params.lr as number);
      if (second) assert.ok(t.intermediate.size >= 15 || t.state !== 'pruned', `second pass trial ${t.number}: ${t.intermediate.size} reports`);
      else assert.ok(t.intermediate.size <= 6, `first pass trial ${t.number}: ${t.intermediate.size} reports`);
    }
    assert.equal(result.suggested, refined.chosen);
    assert.match(result.message, /The first pass pointed at [\d.]+ .*; refined: of [\d.]+, [\d.]+, [\d.]+, [\d.]+ run for 15 reports, [\d.]+ ended lowest .*Suggested lr = [\d.]+\.$/);
    assert.equal(lrFindPhase(config, journalDir()).phase, 'done');
    // Running it again runs nothing.
    await runLrFind({ config, journalDir: journalDir(), executor, resume: true });
    assert.equal(readJournal(path.join(journalDir(), JOURNAL_FILE)).study.trials.length, trials.length);
  });

  it('resumes in the middle of the second pass after a kill, without running a rate twice', async () => {
    const config = lrConfig(dir);
    const abort = new AbortController();
    let finished = 0;
    const hang = new FakeExecutor(l => ({ curve: curve(l), hang: !firstPassRates(config.space, 8).includes(l.params.lr as number) && l.trialNumber > 8 }));
    const onEvent = (e: StudyEvent) => {
      if (e.type === 'trial-finished' && ++finished === 9) abort.abort();
    };
    const stopped = await runLrFind({ config, journalDir: journalDir(), executor: hang, signal: abort.signal, onEvent });
    assert.equal(stopped.status, 'interrupted');
    assert.equal(lrFindPhase(config, journalDir()).phase, 'refine');
    const partial = readLrFind(readStudySnapshot(journalDir(), dir), config);
    assert.equal(partial.verdict, 'running');
    assert.match(partial.message, /^Refining around [\d.]+: 1 of 4 longer runs done\.$/);
    const summary = await runLrFind({ config, journalDir: journalDir(), executor: new FakeExecutor(l => ({ curve: curve(l) })), resume: true });
    assert.equal(summary.status, 'finished');
    const result = readLrFind(readStudySnapshot(journalDir(), dir), config);
    assert.equal(result.refined?.state, 'done', result.message);
    const counted = readJournal(path.join(journalDir(), JOURNAL_FILE)).study.trials.filter(t => !(t.state === 'fail' && t.requeued));
    const rates = counted.map(t => t.params.lr);
    assert.equal(new Set(rates).size, rates.length, `no rate twice: ${rates.join(', ')}`);
    assert.equal(counted.length, 8 + 4);
  });

  it('says so when every longer run diverged, with no suggestion and what to try', async () => {
    const config = lrConfig(dir);
    await runLrFind({ config, journalDir: journalDir(), executor: new FakeExecutor(l => ({ curve: curve(l, true) })) });
    const result = readLrFind(readStudySnapshot(journalDir(), dir), config);
    assert.equal(result.verdict, 'refine-diverged', result.message);
    assert.equal(result.suggested, null);
    assert.match(result.message, /but every longer run diverged or failed \([\d.]+, [\d.]+, [\d.]+, [\d.]+, 15 reports each\)/);
    assert.match(result.advice ?? '', /^Lower the range's upper end to [\d.]+ and run again/);
    assert.equal(lrFindPhase(config, journalDir()).phase, 'done');
  });
});
