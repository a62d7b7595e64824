/**
 * Readers against files the real tools wrote: CatBoost's `catboost_info/` (its TensorBoard file is named
 * exactly `events.out.tfevents`) checked against the error tables CatBoost wrote next to it, and a Hugging
 * Face trainer_state.json with the bare NaN / Infinity Python's json.dumps writes after an fp16 overflow.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMetricCollector } from '../../../src/core/metrics/collector';
import { metricFileKind } from '../../../src/core/metrics/followers';
import { detectRunFormat, openRun, type RunPoint, type RunUpdate } from '../../../src/core/metrics/runs';

const FIXTURES = path.resolve(__dirname, '../../fixtures/metrics');
const CATBOOST = path.join(FIXTURES, 'catboost', 'catboost_info');
const TRAINER_STATE = path.join(FIXTURES, 'hf', 'fp16-overflow', 'trainer_state.json');

/** CatBoost's own `<set>_error.tsv`: iteration and metric columns, one row per iteration. */
function errorTable(file: string): { metric: string; rows: Array<[number, number]> } {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const metric = header.split('\t')[1];
  return { metric, rows: lines.map(l => l.split('\t')).map(([i, v]) => [Number(i), Number(v)]) };
}

/** Event files hold float32 scalars; the table holds the same numbers printed with 10 digits. */
function assertSameCurve(points: RunPoint[], table: ReturnType<typeof errorTable>): void {
  assert.equal(points.length, table.rows.length);
  points.forEach((p, i) => {
    const [step, value] = table.rows[i];
    assert.equal(p.name, table.metric);
    assert.equal(p.step, step);
    assert.ok(Math.abs(p.value - value) <= 1e-6 * Math.max(1, Math.abs(value)), `step ${step}: ${p.value} vs ${value}`);
  });
}

async function readAll(target: string): Promise<RunUpdate> {
  const source = await openRun(target);
  const first = await source.poll();
  const again = await source.poll();
  assert.deepEqual([again.runs, again.points], [[], []], 'a second poll of unchanged files adds nothing');
  return first;
}

describe('metrics / files written by the real tools', () => {
  describe('CatBoost catboost_info/ (TensorBoard file without a suffix)', () => {
    it('recognises any file name containing "tfevents", as TensorBoard does', () => {
      for (const name of ['events.out.tfevents', 'events.out.tfevents.1700000000.host.1.0', 'events.out.tfevents.1.profile-empty', 'my.tfevents.log']) {
        assert.equal(metricFileKind(name), 'tfevents', name);
      }
      assert.equal(metricFileKind('events.out'), undefined);
    });

    it('reads learn/events.out.tfevents: the same curve as CatBoost\'s learn_error.tsv', async () => {
      const file = path.join(CATBOOST, 'learn', 'events.out.tfevents');
      assert.equal(await detectRunFormat(file), 'tensorboard');
      const update = await readAll(file);
      assert.deepEqual(update.warnings, []);
      assertSameCurve(update.points, errorTable(path.join(CATBOOST, 'learn_error.tsv')));
    });

    it('opens the catboost_info/ folder as two runs, learn and test', async () => {
      const update = await readAll(CATBOOST);
      assert.deepEqual(update.runs.map(r => r.id), ['learn', 'test']);
      assertSameCurve(update.points.filter(p => p.run === 'learn'), errorTable(path.join(CATBOOST, 'learn_error.tsv')));
      assertSameCurve(update.points.filter(p => p.run === 'test'), errorTable(path.join(CATBOOST, 'test_error.tsv')));
    });

    it('a tuning trial that trains CatBoost reports its curve too', async () => {
      const trialDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-catboost-'));
      try {
        fs.cpSync(CATBOOST, path.join(trialDir, 'catboost_info'), { recursive: true });
        const collector = createMetricCollector({ trialDir });
        const points = await collector.end();
        assert.equal(points.filter(p => p.source === 'tfevents').length, errorTable(path.join(CATBOOST, 'learn_error.tsv')).rows.length + errorTable(path.join(CATBOOST, 'test_error.tsv')).rows.length);
      } finally {
        fs.rmSync(trialDir, { recursive: true, force: true });
      }
    });
  });

  describe('Hugging Face trainer_state.json after an fp16 overflow (NaN / Infinity)', () => {
    it('reads every logged number, the non-finite ones included', async () => {
      const raw = fs.readFileSync(TRAINER_STATE, 'utf8');
      assert.match(raw, /"loss": NaN/, 'the fixture holds what Python writes');
      assert.throws(() => JSON.parse(raw), SyntaxError, 'strict JSON refuses it');
      const update = await readAll(TRAINER_STATE);
      assert.deepEqual(update.warnings, []);
      const by = (name: string) => update.points.filter(p => p.name === name).map(p => [p.step, p.value]);
      assert.deepEqual(by('loss'), [[10, 2.3026], [20, NaN], [30, 1.8421], [40, 1.5127], [50, 1.3312]]);
      assert.deepEqual(by('grad_norm'), [[10, 7.918], [20, Infinity], [30, NaN], [40, 3.207], [50, 2.644]]);
      assert.deepEqual(by('eval_loss'), [[20, 2.0114], [40, -Infinity], [60, 1.2248]]);
    });

    it('is recognised by its content under another name', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-hf-'));
      try {
        const renamed = path.join(dir, 'state-at-60.json');
        fs.copyFileSync(TRAINER_STATE, renamed);
        assert.equal(await detectRunFormat(renamed), 'trainer-state');
        assert.equal((await readAll(renamed)).points.length, 27, "loss, grad_norm, learning_rate ×5 and four eval_* ×3");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
