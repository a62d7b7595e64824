// One parameter-value check for the three protocols, each with its own limits: the worker (JSON over
// IPC: finite numbers only), the curves panel and the sidebar (structured clone keeps NaN).
import * as assert from 'node:assert/strict';
import { parseCurvesMessage, hostToCurves } from '../../../src/core/protocol/curves';
import { hostToSidebar } from '../../../src/core/protocol/sidebar';
import { params, parseMessage, type Check } from '../../../src/core/protocol/validate';
import { studyEvent } from '../../../src/core/protocol/worker';

const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, i]));

/** Each protocol's params, reached through a real message of that protocol. */
const protocols: Record<string, (p: unknown) => { ok: boolean; error?: string }> = {
  worker: p => parseMessage(studyEvent, { type: 'trial-started', study: 'q', number: 0, params: p }),
  curves: p => parseCurvesMessage(hostToCurves, { type: 'trials', trials: [{ number: 0, state: 'running', params: p, value: null, durationMs: null }] }),
  sidebar: p =>
    parseMessage(hostToSidebar, {
      type: 'state',
      state: { scanning: false, trusted: true, configs: [], problems: [], message: null, studies: [], selectedStudy: null, trials: [{ number: 0, state: 'running', params: p, value: null, latest: null, best: null, durationMs: null }] },
    }),
};

describe('protocol: trial params', () => {
  it('every protocol takes numbers, strings, booleans and null', () => {
    for (const [name, parse] of Object.entries(protocols)) {
      const r = parse({ lr: 0.01, opt: 'adam', bn: true, none: null });
      assert.ok(r.ok, `${name}: ${r.error}`);
    }
  });

  it('every protocol refuses nested objects and arrays, naming the param', () => {
    for (const [name, parse] of Object.entries(protocols)) {
      for (const bad of [{ lr: { $gt: 1 } }, { lr: [1, 2] }, [1, 2], 'lr=1']) {
        const r = parse(bad);
        assert.equal(r.ok, false, `${name} refuses ${JSON.stringify(bad)}`);
        assert.match(r.error ?? '', /params/, name);
      }
    }
  });

  it('applies each protocol’s limits: non-finite numbers, string length, number of params, name length', () => {
    const expect = (name: string, value: unknown, ok: boolean) => assert.equal(protocols[name](value).ok, ok, `${name}: ${JSON.stringify(value)?.slice(0, 60)}`);
    // JSON over IPC turns NaN into null: the worker refuses non-finite numbers; webviews keep them.
    expect('worker', { lr: Infinity }, false);
    expect('curves', { lr: Number.NaN }, true);
    expect('sidebar', { lr: -Infinity }, true);
    expect('worker', { s: 'x'.repeat(100_000) }, true);
    expect('curves', { s: 'x'.repeat(1001) }, false);
    expect('sidebar', { s: 'x'.repeat(1001) }, false);
    expect('sidebar', { s: 'x'.repeat(1000) }, true);
    expect('worker', many(1_000), true);
    expect('worker', many(1_001), false);
    expect('curves', many(201), false);
    expect('sidebar', many(201), false);
    expect('curves', { ['n'.repeat(201)]: 1 }, false);
  });

  it('says what it expected and where', () => {
    const check: Check<unknown> = params({ maxKeys: 2, maxString: 5, maxName: 3, nonFinite: false });
    assert.throws(() => check({ a: Number.NaN }, 'trial.params'), /trial\.params\.a: expected a parameter value \(a finite number, boolean, null or string of at most 5 chars\), got number/);
    assert.throws(() => check({ a: 1, b: 2, c: 3 }, 'trial.params'), /trial\.params: more than 2 params/);
    assert.throws(() => check({ abcd: 1 }, 'trial.params'), /param name longer than 3 chars/);
    assert.throws(() => check(null, 'trial.params'), /trial\.params: expected object, got null/);
  });
});
