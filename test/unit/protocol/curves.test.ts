import { strict as assert } from 'node:assert';
import { batchSeries, CURVES_LIMITS, curvesToHost, hostToCurves, parseCurvesMessage, type CurvesSeries } from '../../../src/core/protocol/curves';

const trial = { number: 3, state: 'running', params: { lr: 0.01, opt: 'adam', flag: true, none: null }, value: null, durationMs: null };
const reset = { type: 'reset', title: 'study', key: 'journal:/x', direction: 'minimize', metrics: ['loss', '<img src=x onerror=alert(1)>'], metric: 'loss', trials: [trial] };

describe('protocol: curves messages', () => {
  it('accepts every well-formed host → webview message', () => {
    for (const m of [
      reset,
      { type: 'points', series: [{ trial: 3, metric: 'loss', steps: [0, 1, 2], values: [1, NaN, Infinity] }, { trial: 4, metric: 'acc', steps: [], values: [] }] },
      { type: 'trials', trials: [{ ...trial, state: 'complete', value: 0.25, durationMs: 1200 }] },
      { type: 'select', trial: 3 },
      { type: 'select', trial: null },
    ]) {
      const parsed = parseCurvesMessage(hostToCurves, m);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      assert.deepEqual(parsed.message, m);
    }
  });

  it('accepts every well-formed webview → host message', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'selectTrial', number: 7 },
      { type: 'exportCsv', csv: 'trial,metric,step,value\n0,loss,1,0.5\n' },
      { type: 'exportPng', dataUrl: 'data:image/png;base64,iVBORw0KGgo=', tab: 'history' },
      { type: 'setMetric', metric: 'val_loss' },
      { type: 'log', level: 'warn', message: 'hello' },
    ]) {
      const parsed = parseCurvesMessage(curvesToHost, m);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    }
  });

  const rejects: [string, unknown, RegExp][] = [
    ['unknown type', { type: 'explode' }, /unknown message type "explode"/],
    ['no type', { trial: 1 }, /unknown message type undefined/],
    ['not an object', 'ready', /unknown message type/],
    ['null', null, /unknown message type/],
    ['extra field', { type: 'select', trial: 1, html: '<b>' }, /html: unexpected field/],
    ['bad state', { ...reset, trials: [{ ...trial, state: 'exploded' }] }, /trials\[0\]\.state/],
    ['fractional trial number', { type: 'select', trial: 1.5 }, /trial: expected integer/],
    ['nested param object', { ...reset, trials: [{ ...trial, params: { lr: { $gt: 1 } } }] }, /params\.lr/],
    ['string step', { type: 'points', series: [{ trial: 1, metric: 'loss', steps: ['1'], values: [1] }] }, /steps\[0\]: expected finite number/],
    ['NaN step', { type: 'points', series: [{ trial: 1, metric: 'loss', steps: [NaN], values: [1] }] }, /steps\[0\]/],
    ['length mismatch', { type: 'points', series: [{ trial: 1, metric: 'loss', steps: [1, 2], values: [1] }] }, /2 steps but 1 values/],
    ['long metric name', { type: 'points', series: [{ trial: 1, metric: 'x'.repeat(CURVES_LIMITS.nameLength + 1), steps: [], values: [] }] }, /metric: expected string of at most/],
    ['too many points', { type: 'points', series: [{ trial: 1, metric: 'loss', steps: new Array(CURVES_LIMITS.pointsPerMessage + 1).fill(1), values: new Array(CURVES_LIMITS.pointsPerMessage + 1).fill(1) }] }, /more than 250000 points/],
    ['too many points across series', { type: 'points', series: Array.from({ length: 3 }, (_, i) => ({ trial: i, metric: 'm', steps: new Array(100_000).fill(0), values: new Array(100_000).fill(0) })) }, /series\[2\]\.steps: message carries more than/],
    ['too many trials', { type: 'trials', trials: new Array(CURVES_LIMITS.trials + 1).fill(trial) }, /array of at most 100000/],
    ['too many params', { ...reset, trials: [{ ...trial, params: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`p${i}`, i])) }] }, /more than 200 params/],
    ['huge param string', { ...reset, trials: [{ ...trial, params: { s: 'x'.repeat(5000) } }] }, /params\.s: expected a parameter value \(a number, boolean, null or string of at most 1000 chars\)/],
    ['non-png data url', { type: 'exportPng', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=', tab: 'curves' }, /data:image\/png/],
    ['unknown tab', { type: 'exportPng', dataUrl: 'data:image/png;base64,AA==', tab: 'other' }, /tab/],
    ['command id smuggled in', { type: 'command', command: 'workbench.action.terminal.new' }, /unknown message type "command"/],
    ['bad log level', { type: 'log', level: 'fatal', message: 'x' }, /level/],
    ['oversized log', { type: 'log', level: 'info', message: 'x'.repeat(CURVES_LIMITS.logLength + 1) }, /message: expected string/],
  ];
  for (const [label, message, error] of rejects) {
    it(`rejects ${label}`, () => {
      const toHost = typeof message === 'object' && message !== null && ['exportPng', 'command', 'log'].includes((message as { type: string }).type);
      const parsed = toHost ? parseCurvesMessage(curvesToHost, message) : parseCurvesMessage(hostToCurves, message);
      assert.equal(parsed.ok, false);
      assert.match((parsed as { error: string }).error, error);
    });
  }

  it('accepts Float64Array columns (how the host sends points) and counts them against the cap', () => {
    const ok = parseCurvesMessage(hostToCurves, { type: 'points', series: [{ trial: 1, metric: 'loss', steps: new Float64Array([0, 1]), values: new Float64Array([0.5, NaN]) }] });
    assert.ok(ok.ok);
    assert.ok(ok.message.type === 'points' && ok.message.series[0].values instanceof Float64Array);
    const big = new Float64Array(CURVES_LIMITS.pointsPerMessage + 1);
    const tooMany = parseCurvesMessage(hostToCurves, { type: 'points', series: [{ trial: 1, metric: 'loss', steps: big, values: big }] });
    assert.equal(tooMany.ok, false);
    const infiniteStep = parseCurvesMessage(hostToCurves, { type: 'points', series: [{ trial: 1, metric: 'loss', steps: new Float64Array([Infinity]), values: new Float64Array([1]) }] });
    assert.match((infiniteStep as { error: string }).error, /steps\[0\]: expected finite number/);
    const wrongTyped = parseCurvesMessage(hostToCurves, { type: 'points', series: [{ trial: 1, metric: 'loss', steps: new Int8Array([1]), values: [1] }] });
    assert.match((wrongTyped as { error: string }).error, /expected array or Float64Array/);
  });

  it('turns a throwing getter into a dropped message instead of an exception', () => {
    const hostile = { type: 'select', get trial(): number { throw new Error('boom'); } };
    const parsed = parseCurvesMessage(hostToCurves, hostile);
    assert.equal(parsed.ok, false);
    assert.match((parsed as { error: string }).error, /malformed message: boom/);
  });

  it('batches series under the per-message cap, splitting long series, and every batch validates', () => {
    const series: CurvesSeries[] = Array.from({ length: 30 }, (_, t) => ({ trial: t, metric: 'loss', steps: Array.from({ length: 1000 }, (_, i) => i), values: Array.from({ length: 1000 }, (_, i) => 1 / (i + 1)) }));
    series.push({ trial: 99, metric: 'loss', steps: Array.from({ length: 25_000 }, (_, i) => i), values: new Array(25_000).fill(0.5) });
    series.push({ trial: 100, metric: 'loss', steps: [], values: [] });
    const batches = batchSeries(series, 10_000);
    let total = 0;
    for (const b of batches) {
      const n = b.series.reduce((a, s) => a + s.steps.length, 0);
      assert.ok(n <= 10_000, `batch of ${n}`);
      total += n;
      assert.ok(parseCurvesMessage(hostToCurves, b).ok);
    }
    assert.equal(total, 55_000);
    const trial99 = batches.flatMap(b => b.series).filter(s => s.trial === 99);
    assert.deepEqual(trial99.map(s => s.steps.length), [10_000, 10_000, 5_000]);
    assert.deepEqual(trial99.flatMap(s => Array.from(s.steps)).slice(9_998, 10_002), [9_998, 9_999, 10_000, 10_001]);
  });
});
