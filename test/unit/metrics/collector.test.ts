import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMetricCollector, MAX_METRIC_NAMES } from '../../../src/core/metrics/collector';
import type { MetricPoint } from '../../../src/core/metrics/types';
import { eventFile } from './tfevents-writer';

const brief = (points: readonly MetricPoint[]) => points.map((p) => `${p.source}:${p.name}@${p.step}=${p.value}`);

describe('metrics / createMetricCollector', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-collector-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('parses stdout and stderr separately, across chunk boundaries, with per-metric counters', () => {
    const c = createMetricCollector({});
    assert.deepEqual(brief(c.pushText('stdout', 'loss=0.9\nlo')), ['stdout:loss@1=0.9']);
    assert.deepEqual(brief(c.pushText('stderr', 'loss=5')), [], 'stderr keeps its own partial line');
    assert.deepEqual(brief(c.pushText('stdout', 'ss=0.8 acc=0.1\n')), ['stdout:loss@2=0.8', 'stdout:acc@1=0.1']);
    const [p] = c.pushText('stderr', '\n');
    assert.equal(p.source, 'stderr');
    assert.equal(p.step, 3, 'the counter is per metric name, shared by both streams');
    assert.ok(typeof p.wallTime === 'number' && Math.abs(p.wallTime - Date.now() / 1000) < 60);
  });

  it('reports a trailing partial line only at end()', async () => {
    const c = createMetricCollector({});
    assert.deepEqual(brief(c.pushText('stdout', 'epoch 1 loss=0.5\nepoch 2 loss=0.4')), ['stdout:loss@1=0.5']);
    assert.deepEqual(brief(c.pushText('stderr', 'val_loss: 0.7')), []);
    assert.deepEqual(brief(await c.end()), ['stdout:loss@2=0.4', 'stderr:val_loss@1=0.7']);
  });

  it('uses the configured regex before the built-in formats', () => {
    const c = createMetricCollector({ regex: String.raw`^it (?<step>\d+) obj (?<objective>\S+)` });
    assert.deepEqual(brief(c.pushText('stdout', 'it 7 obj 1.5e-2\nloss=3\n')), ['stdout:objective@7=0.015', 'stdout:loss@1=3']);
  });

  it('rejects an invalid regex with a readable message', () => {
    assert.throws(() => createMetricCollector({ regex: '(?<loss>[0-9' }), /invalid metric regex "\(\?<loss>\[0-9": /);
    assert.throws(() => createMetricCollector({ regex: 'loss (\\d+)' }), /needs named groups/);
  });

  it('follows tfevents, metrics.csv and trainer_state.json below the trial dir', async () => {
    fs.mkdirSync(path.join(dir, 'runs', 'Nov27'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'runs', 'Nov27', 'events.out.tfevents.1700000000.host.1.0'), eventFile([{ step: 5, scalars: [{ tag: 'train/loss', value: 0.5 }] }]));
    fs.mkdirSync(path.join(dir, 'lightning_logs', 'version_0'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'lightning_logs', 'version_0', 'metrics.csv'), 'epoch,step,train_loss\n0,49,0.75\n');
    fs.writeFileSync(path.join(dir, 'trainer_state.json'), JSON.stringify({ global_step: 10, log_history: [{ loss: 1.25, step: 10, epoch: 0.5 }] }));
    const c = createMetricCollector({ trialDir: dir });
    assert.deepEqual(brief(await c.pollFiles()).sort(), ['csv:train_loss@49=0.75', 'tfevents:train/loss@5=0.5', 'trainer_state:loss@10=1.25']);
    assert.deepEqual(await c.pollFiles(), [], 'a second poll with no change reports nothing');
    fs.appendFileSync(path.join(dir, 'lightning_logs', 'version_0', 'metrics.csv'), '0,99,0.5\n');
    assert.deepEqual(brief(await c.pollFiles()), ['csv:train_loss@99=0.5']);
  });

  it('ignores a trial dir that does not exist yet and picks files up once they appear', async () => {
    const missing = path.join(dir, 'later');
    const c = createMetricCollector({ trialDir: missing });
    assert.deepEqual(await c.pollFiles(), []);
    fs.mkdirSync(missing);
    fs.writeFileSync(path.join(missing, 'metrics.csv'), 'step,loss\n1,2\n');
    assert.deepEqual(brief(await c.pollFiles()), ['csv:loss@1=2']);
  });

  it('finds a metric file that appears late, at the latest when the trial ends', async () => {
    fs.writeFileSync(path.join(dir, 'metrics.csv'), 'step,loss\n1,2\n');
    const c = createMetricCollector({ trialDir: dir });
    const seen = brief(await c.pollFiles());
    fs.mkdirSync(path.join(dir, 'tb'));
    fs.writeFileSync(path.join(dir, 'tb', 'events.out.tfevents.5.host'), eventFile([{ step: 7, scalars: [{ tag: 'acc', value: 0.5 }] }]));
    seen.push(...brief(await c.pollFiles()), ...brief(await c.end()));
    assert.deepEqual(seen, ['csv:loss@1=2', 'tfevents:acc@7=0.5']);
    assert.deepEqual(await c.end(), [], 'a second end() reads nothing again');
  });

  it('keeps at most MAX_METRIC_NAMES names and refuses absurdly long ones, warning once each way', () => {
    const warnings: string[] = [];
    const c = createMetricCollector({ onWarning: (w) => warnings.push(w) });
    const text = Array.from({ length: MAX_METRIC_NAMES + 50 }, (_, i) => `m${i}=1`).join('\n') + '\n';
    const points = c.pushText('stdout', text);
    assert.equal(points.length, MAX_METRIC_NAMES);
    assert.deepEqual(brief(c.pushText('stdout', 'm0=2\n')), ['stdout:m0@2=2'], 'known names still flow');
    assert.deepEqual(warnings, [`more than ${MAX_METRIC_NAMES} different metric names; new names are ignored from now on`]);
    const other = createMetricCollector({ onWarning: (w) => warnings.push(w) });
    assert.deepEqual(other.pushText('stdout', `${'k'.repeat(300)}=1\n`), []);
    assert.match(warnings[1], /a metric name of 300 characters \(more than 200\) was ignored/);
  });

  it('serialises overlapping polls so nothing is emitted twice', async () => {
    fs.writeFileSync(path.join(dir, 'metrics.csv'), 'step,loss\n1,2\n2,1\n');
    const c = createMetricCollector({ trialDir: dir });
    const [a, b, d] = await Promise.all([c.pollFiles(), c.pollFiles(), c.pollFiles()]);
    assert.deepEqual(brief([...a, ...b, ...d]), ['csv:loss@1=2', 'csv:loss@2=1']);
  });
});
