import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { createMetricCollector } from '../../../src/core/metrics/collector';
import { LineSplitter, MAX_LINE_LENGTH, MetricRegex, parseDictLiteral, parseMetricLine, visibleLine } from '../../../src/core/metrics/lines';
import type { MetricPoint } from '../../../src/core/metrics/types';

const FIXTURES = path.resolve(__dirname, '../../fixtures/metrics/stdout');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const show = (points: readonly Pick<MetricPoint, 'name' | 'step' | 'value'>[]) => points.map((p) => `${p.name}@${p.step}=${p.value}`);

/** Everything a collector reads from `text` fed as the given chunks, ended. */
async function collect(chunks: readonly string[], regex?: string, stream: 'stdout' | 'stderr' = 'stdout'): Promise<string[]> {
  const c = createMetricCollector({ regex });
  const points: MetricPoint[] = [];
  for (const chunk of chunks) points.push(...c.pushText(stream, chunk));
  points.push(...(await c.end()));
  return show(points);
}

describe('metrics / console lines', () => {
  describe('real-looking training output', () => {
    it('Keras fit: the epoch summary line of each epoch, progress-bar redraws and the model summary ignored', async () => {
      const got = await collect([fixture('keras-fit.txt')]);
      assert.deepEqual(got, [
        'loss@1=0.2954', 'accuracy@1=0.9143', 'val_loss@1=0.1442', 'val_accuracy@1=0.9571',
        'loss@2=0.1421', 'accuracy@2=0.9578', 'val_loss@2=0.1085', 'val_accuracy@2=0.9672',
        'loss@3=0.1066', 'accuracy@3=0.9679', 'val_loss@3=0.0921', 'val_accuracy@3=0.9712',
      ]);
    });

    it('HF Trainer: python-dict lines, epoch as the step, NaN reported as a value', async () => {
      const got = await collect([fixture('hf-trainer.txt')]);
      assert.deepEqual(got, [
        'loss@0.27=0.6931', 'grad_norm@0.27=2.345', 'learning_rate@0.27=0.000048',
        'loss@0.53=0.5123', 'grad_norm@0.53=1.9021', 'learning_rate@0.53=0.000042',
        'eval_loss@1=0.4711', 'eval_accuracy@1=0.81', 'eval_runtime@1=1.234', 'eval_samples_per_second@1=330.1', 'eval_steps_per_second@1=41.3',
        'loss@1.33=NaN', 'grad_norm@1.33=NaN', 'learning_rate@1.33=0.000036',
        'train_runtime@2=60.1', 'train_samples_per_second@2=99.8', 'train_steps_per_second@2=6.256', 'train_loss@2=0.55',
      ]);
      assert.deepEqual(await collect([fixture('hf-trainer.stderr.txt')], undefined, 'stderr'), [], 'tqdm bars and warnings are noise');
    });

    it('Lightning: the last redraw of each epoch bar, with its postfix metrics; ANSI colours and v_num ignored', async () => {
      const got = await collect([fixture('lightning-progress.txt')]);
      assert.deepEqual(got, ['train_loss@0=0.9', 'val_loss@0=0.85', 'train_loss@1=0.61', 'val_loss@1=0.58', 'train_loss@2=0.412', 'val_loss@2=0.398']);
    });

    it('JSON lines: step key, nested objects flattened, strings skipped, the hyperparameter echo reported as lr', async () => {
      const got = await collect([fixture('jsonl.txt')]);
      assert.deepEqual(got, [
        'lr@1=0.001', 'batch_size@1=64',
        'loss@100=2.301', 'lr@100=0.001', 'loss@200=1.874', 'lr@200=0.001', 'grad_norm@200=5.2',
        'loss@300=NaN', 'lr@300=0.0005', 'loss@400=1.202', 'lr@400=0.0005', 'nested/val/acc@400=0.66',
      ]);
    });

    it('a configured regex with one group per metric and a step group', async () => {
      const regex = String.raw`\[it (?<step>\d+)\] objective -> (?<objective>\S+) \| best (?<best>\S+)`;
      assert.deepEqual(await collect([fixture('custom.txt')], regex), [
        'objective@10=0.35', 'best@10=0.35', 'objective@20=0.21', 'best@20=0.21', 'objective@30=0.24', 'best@30=0.21',
      ]);
    });
  });

  describe('what is not a metric', () => {
    const noise = [
      '2024-01-05 12:30:45,123 INFO torch 2.1.0 loaded',
      'version: 2.1.0',
      'time: 12:30:45',
      'Saving checkpoint to /tmp/lightning_logs/version_0/checkpoints/epoch=3-step=200.ckpt',
      'TensorBoard 2.15.1 at http://localhost:6006/ (Press CTRL+C to quit)',
      'TPU available: False, using: 0 TPU cores',
      'Total params: 101,770 (397.54 KB)',
      ' 45%|████▌     | 450/1000 [00:10<00:12, 43.2it/s]',
      'Downloading: 100%|██████████| 1.2G/1.2G [00:30<00:00, 40.1MB/s]',
      "device='cuda:0'",
      'elapsed=10ms',
      'ETA: 5s',
      'nanoseconds: lots',
      '{"name": "run-1", "ok": true}',
      '  Num Epochs = 2',
      'Validation loss: 0.31',
      '`Trainer.fit` stopped: `max_epochs=3` reached.',
      '2024-03-01 10:12:01.123456: I tensorflow/core/platform/cpu_feature_guard.cc:182] This TensorFlow binary is optimized',
    ];
    for (const line of noise) {
      it(JSON.stringify(line), () => assert.deepEqual(parseMetricLine(line), []));
    }
  });

  describe('numbers and steps', () => {
    it('reads scientific notation, signs, nan and inf in every spelling', () => {
      const got = parseMetricLine('a=1e-3 b=-2.5E+2 c=.5 d=+3 e=nan f=NaN g=inf h=-Infinity i=tensor(0.25)');
      assert.deepEqual(got.map((m) => [m.name, m.value]), [['a', 0.001], ['b', -250], ['c', 0.5], ['d', 3], ['e', NaN], ['f', NaN], ['g', Infinity], ['h', -Infinity], ['i', 0.25]]);
    });

    it('takes the finest step key of the line: global_step over step over iteration over epoch', () => {
      assert.equal(parseMetricLine('epoch=2 step=300 loss=1')[0].step, 300);
      assert.equal(parseMetricLine('epoch=2 global_step=900 step=3 loss=1')[0].step, 900);
      assert.equal(parseMetricLine('Epoch 3/10 - loss: 0.5')[0].step, 3);
      assert.equal(parseMetricLine('iteration 12 loss=1')[0].step, 12);
    });

    it('never uses NaN or inf as a step: the metric then counts on its own', async () => {
      assert.deepEqual(await collect(['step=nan loss=1\nstep=inf loss=2\nstep=5 loss=3\n']), ['loss@1=1', 'loss@2=2', 'loss@5=3']);
    });

    it('falls back to key=value reading when a braced line is not a dict', () => {
      assert.deepEqual(show(parseMetricLine('cfg {lr=0.1}').map((m) => ({ ...m, step: m.step ?? 0 }))), ['lr@0=0.1']);
      assert.equal(parseDictLiteral("{'a': 1, 'b': }"), undefined);
      assert.equal(parseDictLiteral('{"a": [1, {"b": 2}], "c": 3}')?.get('c'), 3);
    });
  });

  describe('chunk boundaries', () => {
    const texts = ['keras-fit.txt', 'hf-trainer.txt', 'lightning-progress.txt', 'jsonl.txt'].map((name) => [name, fixture(name)] as const);

    for (const [name, text] of texts) {
      it(`${name}: a split at every single position gives the same points`, async () => {
        const whole = await collect([text]);
        for (let i = 0; i <= text.length; i++) {
          assert.deepEqual(await collect([text.slice(0, i), text.slice(i)]), whole, `split at ${i}`);
        }
      });
    }

    it('any chunking of any fixture gives the same points (property)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...texts.map(([, t]) => t)), fc.array(fc.nat(), { maxLength: 40 }), async (text, cuts) => {
          const positions = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let last = 0;
          for (const p of positions) {
            chunks.push(text.slice(last, p));
            last = p;
          }
          chunks.push(text.slice(last));
          assert.deepEqual(await collect(chunks), await collect([text]));
        }),
        { numRuns: 200 },
      );
    });

    it('random text with CRs, backspaces and newlines: chunking never changes the lines (property)', () => {
      const alphabet = fc.constantFrom('a', 'b', '=', '1', ' ', '\r', '\n', '\x08', '\r\n');
      fc.assert(
        fc.property(fc.array(alphabet, { maxLength: 80 }).map((a) => a.join('')), fc.nat(80), (text, cut) => {
          const one = new LineSplitter();
          const whole = [...one.push(text), ...one.flush()];
          const two = new LineSplitter();
          const at = cut % (text.length + 1);
          const split = [...two.push(text.slice(0, at)), ...two.push(text.slice(at)), ...two.flush()];
          assert.deepEqual(split, whole);
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('bad input', () => {
    it('cuts a runaway line at MAX_LINE_LENGTH and warns once', () => {
      const warnings: number[] = [];
      const s = new LineSplitter((n) => warnings.push(n));
      for (let i = 0; i < 20; i++) s.push('x'.repeat(10_000));
      const [line] = s.push(' loss=1\n');
      assert.equal(line.length, MAX_LINE_LENGTH);
      assert.equal(warnings.length, 1);
      assert.deepEqual(s.push('loss=2\n'), ['loss=2'], 'the next line is read normally');
    });

    it('keeps one redraw of a progress bar that never ends its line', () => {
      const s = new LineSplitter(() => assert.fail('no line was overlong'));
      for (let i = 0; i < 100_000; i++) s.push(`\r${i}/100000 loss=${i}`);
      assert.deepEqual(s.flush(), ['99999/100000 loss=99999']);
    });

    it('a collector reports a cut line with its full size when the line ends', () => {
      const warnings: string[] = [];
      const c = createMetricCollector({ onWarning: (w) => warnings.push(w) });
      c.pushText('stderr', 'y'.repeat(MAX_LINE_LENGTH + 10));
      c.pushText('stderr', 'y'.repeat(100 * 1024));
      assert.deepEqual(warnings, [], 'the size is known when the line ends');
      c.pushText('stderr', ' loss=0.5\n');
      assert.deepEqual(warnings, ['stderr: a line of 164 KB was cut at 64 KB; metrics after the cut are not read']);
    });

    it('reports a cut line once per line, the first few by name and the rest as a count', async () => {
      const warnings: string[] = [];
      const c = createMetricCollector({ onWarning: (w) => warnings.push(w) });
      for (let i = 0; i < 10; i++) c.pushText('stdout', `${'z'.repeat(70 * 1024)}\n`);
      c.pushText('stdout', `${'z'.repeat(70 * 1024)} loss=1`);
      await c.end();
      assert.equal(warnings.length, 4);
      assert.deepEqual(warnings.slice(0, 3), Array(3).fill('stdout: a line of 70 KB was cut at 64 KB; metrics after the cut are not read'));
      assert.equal(warnings[3], '8 more lines were cut at 64 KB');
    });

    it('does not report a cut segment that a progress bar redrew', () => {
      const cut: number[] = [];
      const s = new LineSplitter((n) => cut.push(n));
      s.push(`${'#'.repeat(MAX_LINE_LENGTH + 5)}\r100% loss=0.1\n`);
      assert.deepEqual(cut, []);
    });

    it('rejects bad regexes with a message that says what is wrong', () => {
      assert.throws(() => new MetricRegex('(?<loss>'), /^Error: invalid metric regex "\(\?<loss>": /);
      assert.throws(() => new MetricRegex('loss=(\\d+)'), /needs named groups: \(\?<name>…\) and \(\?<value>…\), or one group per metric/);
      assert.throws(() => new MetricRegex('(?<loss>a)'.repeat(300)), /metric regex is too long \(3000 characters, at most 2000\)/);
    });

    it('a regex that matches non-numbers or the empty string reports nothing and does not hang', () => {
      assert.deepEqual(new MetricRegex('(?<name>\\w+)=(?<value>[\\w.]+)').parse('lr=fast loss=0.5'), [{ name: 'loss', value: 0.5 }]);
      assert.deepEqual(new MetricRegex('(?<loss>\\d*)').parse('no digits here'), []);
    });

    it('visibleLine shows what a terminal shows', () => {
      assert.equal(visibleLine('10%\r50%\r100% done\r\n'), '100% done');
      assert.equal(visibleLine('abc\x08\x08\x08xyz'), 'xyz');
      assert.equal(visibleLine('\r\r'), '');
    });
  });
});
