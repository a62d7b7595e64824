import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMetricCollector } from '../../../src/core/metrics/collector';
import { CsvFollower, MAX_TRAINER_STATE_BYTES, splitCsvLine, TrainerStateFollower } from '../../../src/core/metrics/followers';
import type { MetricPoint } from '../../../src/core/metrics/types';

const brief = (points: readonly MetricPoint[]) => points.map((p) => `${p.name}@${p.step}=${p.value}`);

describe('metrics / metrics.csv and trainer_state.json followers', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-followers-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('Lightning metrics.csv', () => {
    it('reads sparse rows with the step column as x, then only appended rows', async () => {
      const file = path.join(dir, 'metrics.csv');
      fs.writeFileSync(file, 'epoch,step,train_loss,val_loss,val_acc\n0,49,0.91,,\n0,49,,0.85,0.61\n');
      const f = new CsvFollower(file);
      const first = await f.poll();
      assert.deepEqual(brief(first.points), ['train_loss@49=0.91', 'val_loss@49=0.85', 'val_acc@49=0.61']);
      assert.ok(first.points.every((p) => p.source === 'csv'));
      fs.appendFileSync(file, '1,99,0.62,,\n');
      assert.deepEqual(brief((await f.poll()).points), ['train_loss@99=0.62']);
      assert.deepEqual((await f.poll()).points, []);
    });

    it('waits for a row still being written, and takes it at the end', async () => {
      const file = path.join(dir, 'metrics.csv');
      fs.writeFileSync(file, 'step,loss\n1,0.5\n2,0.4');
      const f = new CsvFollower(file);
      assert.deepEqual(brief((await f.poll()).points), ['loss@1=0.5']);
      fs.appendFileSync(file, '5');
      assert.deepEqual((await f.poll()).points, []);
      assert.deepEqual(brief((await f.poll(true)).points), ['loss@2=0.45']);
    });

    it('survives the rewrite with a wider header that Lightning does when a new metric appears', async () => {
      const file = path.join(dir, 'metrics.csv');
      fs.writeFileSync(file, 'epoch,step,train_loss\n0,10,0.9\n0,20,0.8\n');
      const f = new CsvFollower(file);
      assert.equal((await f.poll()).points.length, 2);
      // Rewritten whole: same rows, new column, plus a new row using it.
      fs.writeFileSync(file, 'epoch,step,train_loss,val_loss\n0,10,0.9,\n0,20,0.8,\n0,20,,0.7\n');
      assert.deepEqual(brief((await f.poll()).points), ['val_loss@20=0.7']);
    });

    it('does not repeat rows when it catches the file mid-rewrite (shrunk, then grown back)', async () => {
      const file = path.join(dir, 'metrics.csv');
      fs.writeFileSync(file, 'step,loss\n1,3\n2,2\n3,1\n');
      const f = new CsvFollower(file);
      assert.equal((await f.poll()).points.length, 3);
      fs.writeFileSync(file, 'step,loss\n1,3\n');
      assert.deepEqual((await f.poll()).points, []);
      fs.writeFileSync(file, 'step,loss\n1,3\n2,2\n3,1\n4,0.5\n');
      assert.deepEqual(brief((await f.poll()).points), ['loss@4=0.5']);
    });

    it('without a step column counts per metric; quoted cells, NaN, text cells and ragged rows', async () => {
      const file = path.join(dir, 'metrics.csv');
      fs.writeFileSync(file, 'loss,"note, free text",acc\n1.5,"a, ""b""",0.1\nnan,x,0.2,EXTRA\n');
      const result = await new CsvFollower(file).poll();
      assert.deepEqual(brief(result.points), ['loss@1=1.5', 'acc@1=0.1', 'loss@2=NaN', 'acc@2=0.2']);
      assert.match(result.warnings.join('\n'), /row 2 has 4 cells but the header 3; extra cells ignored/);
      assert.deepEqual(splitCsvLine('a,"b,c","d""e",'), ['a', 'b,c', 'd"e', '']);
    });
  });

  describe('HF trainer_state.json', () => {
    const state = (history: object[]) => JSON.stringify({ best_metric: null, global_step: 500, epoch: 1.0, log_history: history, max_steps: 1000, num_train_epochs: 2 }, null, 2);

    it('emits log_history entries by their step, names other than step/epoch; only new entries on rewrite', async () => {
      const file = path.join(dir, 'trainer_state.json');
      fs.writeFileSync(file, state([
        { epoch: 0.2, grad_norm: 3.1, learning_rate: 4e-5, loss: 0.69, step: 100 },
        { epoch: 0.4, grad_norm: 2.2, learning_rate: 3e-5, loss: 0.52, step: 200 },
      ]));
      const f = new TrainerStateFollower(file);
      const first = await f.poll();
      assert.deepEqual(brief(first.points), ['grad_norm@100=3.1', 'learning_rate@100=0.00004', 'loss@100=0.69', 'grad_norm@200=2.2', 'learning_rate@200=0.00003', 'loss@200=0.52']);
      assert.ok(first.points.every((p) => p.source === 'trainer_state'));
      fs.writeFileSync(file, state([
        { epoch: 0.2, grad_norm: 3.1, learning_rate: 4e-5, loss: 0.69, step: 100 },
        { epoch: 0.4, grad_norm: 2.2, learning_rate: 3e-5, loss: 0.52, step: 200 },
        { epoch: 0.4, eval_loss: 0.47, eval_accuracy: 0.8, eval_runtime: 1.2, step: 200 },
      ]));
      assert.deepEqual(brief((await f.poll()).points), ['eval_loss@200=0.47', 'eval_accuracy@200=0.8', 'eval_runtime@200=1.2']);
      assert.deepEqual((await f.poll()).points, [], 'unchanged file, nothing read');
    });

    it('in a trial dir, checkpoint copies of the history are not emitted twice', async () => {
      fs.mkdirSync(path.join(dir, 'checkpoint-100'));
      fs.mkdirSync(path.join(dir, 'checkpoint-200'));
      fs.writeFileSync(path.join(dir, 'checkpoint-100', 'trainer_state.json'), state([{ loss: 1, step: 100 }]));
      fs.writeFileSync(path.join(dir, 'checkpoint-200', 'trainer_state.json'), state([{ loss: 1, step: 100 }, { loss: 0.5, step: 200 }]));
      const c = createMetricCollector({ trialDir: dir });
      assert.deepEqual(brief(await c.pollFiles()), ['loss@100=1', 'loss@200=0.5']);
    });

    it('waits on JSON caught mid-write and complains only once the writer is done', async () => {
      const file = path.join(dir, 'trainer_state.json');
      fs.writeFileSync(file, '{"log_history": [{"loss": 1, "st');
      const f = new TrainerStateFollower(file);
      assert.deepEqual(await f.poll(), { points: [], warnings: [] });
      const final = await f.poll(true);
      assert.match(final.warnings[0], /trainer_state\.json is not valid JSON \(.+\); ignored$/);
      fs.writeFileSync(file, state([{ loss: 1, step: 1 }]));
      assert.deepEqual(brief((await f.poll()).points), ['loss@1=1']);
    });

    it('says what is wrong with a file without log_history, and refuses a huge one', async () => {
      const file = path.join(dir, 'trainer_state.json');
      fs.writeFileSync(file, '{"global_step": 3}');
      assert.match((await new TrainerStateFollower(file).poll()).warnings[0], /has no log_history array; ignored/);
      fs.writeFileSync(file, '');
      fs.truncateSync(file, MAX_TRAINER_STATE_BYTES + 1); // sparse: no real 64 MiB written
      assert.match((await new TrainerStateFollower(file).poll()).warnings[0], /is 67108865 bytes, more than the 67108864 bytes read; ignored/);
    });
  });
});
