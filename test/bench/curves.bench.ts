/**
 * Curves panel in a real browser: bundles media/curves/main.ts into a standalone harness page (fake
 * `acquireVsCodeApi`, the webview CSP, VS Code theme variables), serves it on 127.0.0.1 and drives it
 * in headless Debian chromium. Measures first render (100×1,000 and 100×10,000 points), a 10 Hz live
 * stream (updates delivered vs applied, longest long task), JS heap after a 1,000- and a 10,000-trial
 * study, the other tabs' render time at 10,000 trials; checks that data strings render as text, that
 * bad messages are dropped and that a reloaded page restores from its state; saves screenshots.
 *
 *   node --expose-gc -r esbuild-register test/bench/curves.bench.ts        (CURVES_BENCH_FULL=1: 5 runs each)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext } from 'playwright-core';
import { bundleCurves, harnessFiles, serve, type Measure } from './curves/page';

const root = join(__dirname, '..', '..');
const full = process.env.CURVES_BENCH_FULL === '1';
const runs = full ? 5 : 3;
const outDir = join(root, 'test-results', 'bench');
const shotDir = join(root, 'test-results', 'screenshots');

// ---- the page's side: study generator and message helpers (injected before the bundle runs) ------

interface HarnessWindow {
  hpCurvesStats: { messages: number; dropped: number; pointsApplied: number; pointsRendered: number; renders: number; maxRenderMs: number; lastRenderAt: number; lastRenderMs: number };
  __posted: { type: string; [k: string]: unknown }[];
  __xss: number;
  /** Per worker, when its last generated trial ended (ms from the study's start). */
  __slotClock?: number[];
  hpCurves: { axis(tab: string): { min: number; max: number; log: boolean; labels: string[]; offScale: number } | null; redrawNow(): number };
  __bench: {
    study(trials: number, points: number, options?: { mixed?: boolean; firstTrial?: number; metrics?: string[] }): { trials: unknown[]; series: { trial: number; metric: string; steps: Float64Array; values: Float64Array }[] };
    send(message: unknown): void;
    sendStudy(study: { trials: unknown[]; series: unknown[] }, title: string, metrics: string[]): number;
    sendPoints(series: { steps: ArrayLike<number> }[]): number;
    rendered(points: number): Promise<number>;
    frames(n: number): Promise<number>;
    sleep(ms: number): Promise<void>;
  };
}

function injectHelpers(): void {
  const w = window as unknown as HarnessWindow;
  const frac = (x: number) => x - Math.floor(x);
  // A deterministic hash in [0, 1): parameters look sampled rather than laid out on a lattice.
  const rand = (i: number, k: number) => frac(Math.sin(i * 12.9898 + k * 78.233) * 43758.5453);
  const study: HarnessWindow['__bench']['study'] = (n, points, options = {}) => {
    const trials = [];
    const series = [];
    const first = options.firstTrial ?? 0;
    if (first === 0) w.__slotClock = [0, 0, 0, 0];
    const metrics = options.metrics ?? ['loss'];
    for (let i = first; i < first + n; i++) {
      const lr = 10 ** (-5 + 4 * rand(i, 1));
      const dropout = rand(i, 2) * 0.5;
      const optimizer = ['adam', 'sgd', 'rmsprop'][i % 3];
      const layers = 1 + Math.floor(rand(i, 3) * 8);
      const u = Math.log10(lr) + 3;
      const final = 0.1 + 0.08 * u * u + 0.3 * (dropout - 0.2) ** 2 + [0, 0.08, 0.03][i % 3] + 0.005 * layers;
      const speed = 0.35 + 0.25 * frac(i * 0.29);
      // A realistic mix for screenshots: some pruned early, a few failed, a few still running.
      const state = !options.mixed ? 'complete' : i % 11 === 5 ? 'fail' : i % 4 === 1 ? 'pruned' : i >= first + n - 5 ? 'running' : 'complete';
      const length = state === 'pruned' ? Math.floor(points * 0.3) : state === 'fail' ? Math.floor(points * 0.12) : state === 'running' ? Math.floor(points * 0.6) : points;
      for (const metric of metrics) {
        // Float64Array columns, as the extension host sends them.
        const steps = new Float64Array(length);
        const values = new Float64Array(length);
        for (let s = 0; s < length; s++) {
          steps[s] = s;
          const loss = final + (0.6 + 0.4 * frac(i * 0.71)) * (s + 1) ** -speed + 0.02 * (rand(i * 7919 + s, 4) - 0.5) * (1 + 3 / (s + 1));
          values[s] = metric === 'loss' ? loss : metric.startsWith('val_acc') ? Math.max(0, 1 - loss) : loss * 1.1;
        }
        series.push({ trial: i, metric, steps, values });
      }
      const lastLoss = series[series.length - metrics.length]?.values[length - 1];
      // A few trials diverge (as real studies do): values like 3.2e76 must not flatten the others.
      const diverged = options.mixed && i % 13 === 7;
      const value = diverged ? 3.2 * 10 ** (30 + (i % 47)) : state === 'complete' || state === 'pruned' ? final + 0.001 * (i % 7) : state === 'running' ? null : lastLoss ?? null;
      // Four parallel workers: each trial starts when its worker's previous one ended.
      const slot = i % 4;
      const durationMs = Math.round((state === 'pruned' ? 300 : state === 'fail' ? 120 : 1000) * (0.6 + rand(i, 5)));
      const startMs = (w.__slotClock ??= [0, 0, 0, 0])[slot] + Math.round(40 * rand(i, 6));
      w.__slotClock[slot] = startMs + durationMs;
      trials.push({ number: i, state, params: { lr, dropout, optimizer, layers }, value, durationMs: state === 'running' ? null : durationMs, startMs: 1_700_000_000_000 + startMs });
    }
    return { trials, series };
  };
  const send = (message: unknown) => window.postMessage(message, '*');
  const sendPoints = (series: { steps: ArrayLike<number> }[]) => {
    // The host's batching: at most 250,000 points per message.
    let batch: unknown[] = [];
    let count = 0;
    let total = 0;
    for (const s of series) {
      if (count + s.steps.length > 250_000 && batch.length) {
        send({ type: 'points', series: batch });
        batch = [];
        count = 0;
      }
      batch.push(s);
      count += s.steps.length;
      total += s.steps.length;
    }
    if (batch.length) send({ type: 'points', series: batch });
    return total;
  };
  w.__bench = {
    study,
    send,
    sendPoints,
    sendStudy: (s, title, metrics) => {
      send({ type: 'reset', title, key: `bench:${title}`, direction: 'minimize', metrics, metric: metrics[0], trials: s.trials });
      return sendPoints(s.series as { steps: ArrayLike<number> }[]);
    },
    rendered: points => new Promise(resolve => {
      const check = () => (w.hpCurvesStats.pointsRendered >= points ? resolve(w.hpCurvesStats.lastRenderAt) : setTimeout(check, 2));
      check();
    }),
    frames: n => new Promise(resolve => {
      const step = (k: number) => requestAnimationFrame(() => (k <= 1 ? resolve(performance.now()) : step(k - 1)));
      step(n);
    }),
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  };
}

// ---- server, bundle, browser ---------------------------------------------------------------------

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  mkdirSync(shotDir, { recursive: true });
  const script = await bundleCurves(true);
  let theme: 'dark' | 'light' = 'dark';
  const server = await serve(harnessFiles(script, () => theme));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const userDataDir = mkdtempSync(join(tmpdir(), 'hpstudio-curves-bench-'));
  const context: BrowserContext = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const measures: Measure[] = [];
  const problems: string[] = [];
  // Timings on a shared 2-core machine mean little without the load they were taken under.
  const loadBefore = loadavg()[0];
  const consoleErrors: string[] = [];
  let dialogs = 0;
  try {
    await context.addInitScript(injectHelpers);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', m => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', e => consoleErrors.push(String(e)));
    page.on('dialog', d => {
      dialogs++;
      void d.dismiss();
    });
    const open = async (t: 'dark' | 'light') => {
      theme = t;
      await page.goto(`${url}?theme=${t}`);
      await page.evaluate(() => sessionStorage.clear());
      await page.reload();
      await page.waitForFunction(() => (window as unknown as HarnessWindow).__posted.some(m => m.type === 'ready'));
    };

    // 1. First render: reset + all points posted → the frame that has drawn them all.
    await open('dark');
    for (const [trials, points, target] of [[100, 1_000, 150], [100, 10_000, 150]] as const) {
      const times: number[] = [];
      const paint: number[] = [];
      for (let r = 0; r < runs; r++) {
        const result = await page.evaluate(async ([n, p]) => {
          const b = (window as unknown as HarnessWindow).__bench;
          const s = b.study(n, p);
          b.send({ type: 'reset', title: 'empty', key: 'bench:empty', direction: 'minimize', metrics: [], metric: null, trials: [] });
          await b.frames(2);
          const base = (window as unknown as HarnessWindow).hpCurvesStats.pointsApplied;
          const t0 = performance.now();
          const total = b.sendStudy(s, `${n}x${p}`, ['loss']);
          const drawn = await b.rendered(base + total);
          const painted = await b.frames(1);
          return { render: drawn - t0, paint: painted - t0 };
        }, [trials, points] as const);
        times.push(result.render);
        paint.push(result.paint);
      }
      const m = median(times);
      measures.push({ name: `first render ${trials}×${points.toLocaleString('en')} (median of ${runs})`, value: m, unit: 'ms', target: `≤ ${target}`, ok: m <= target });
      measures.push({ name: `  …until the next frame is painted`, value: median(paint), unit: 'ms' });
    }

    // 2. Live updates at 10 Hz: 10 of 100×1,000 series get a point every 100 ms, 100 times.
    const live = await page.evaluate(async () => {
      const w = window as unknown as HarnessWindow;
      const b = w.__bench;
      const base = w.hpCurvesStats.pointsApplied;
      const total = b.sendStudy(b.study(100, 1_000), 'live', ['loss']);
      await b.rendered(base + total);
      await b.sleep(300);
      const longTasks: number[] = [];
      const observer = new PerformanceObserver(list => list.getEntries().forEach(e => longTasks.push(e.duration)));
      observer.observe({ type: 'longtask', buffered: false } as PerformanceObserverInit);
      const before = { ...w.hpCurvesStats };
      w.hpCurvesStats.maxRenderMs = 0;
      const updates = 100;
      for (let k = 0; k < updates; k++) {
        const series = [];
        for (let j = 0; j < 10; j++) series.push({ trial: (k * 10 + j) % 100, metric: 'loss', steps: [1_000 + Math.floor((k * 10 + j) / 100)], values: [0.5 + 0.01 * Math.sin(k + j)] });
        b.send({ type: 'points', series });
        await b.sleep(100);
      }
      await b.rendered(before.pointsApplied + updates * 10);
      await b.sleep(200);
      observer.disconnect();
      const after = w.hpCurvesStats;
      // End to end: the CSV the panel exports must hold every streamed point.
      w.__posted.length = 0;
      (document.getElementById('export-csv') as HTMLButtonElement).click();
      const csv = String(w.__posted.find(m => m.type === 'exportCsv')?.csv ?? '');
      const perTrial = new Map<number, number>();
      for (const line of csv.split('\n').slice(1)) if (line) perTrial.set(Number(line.split(',')[0]), (perTrial.get(Number(line.split(',')[0])) ?? 0) + 1);
      return {
        delivered: updates,
        applied: after.messages - before.messages - (after.dropped - before.dropped),
        pointsApplied: after.pointsApplied - before.pointsApplied,
        frames: after.renders - before.renders,
        maxFrameMs: after.maxRenderMs,
        longTasks: longTasks.length,
        longestTask: longTasks.length ? Math.max(...longTasks) : 0,
        csvPoints: [...perTrial.values()].reduce((a, x) => a + x, 0),
        csvMin: Math.min(...perTrial.values()),
      };
    });
    measures.push({ name: 'live 10 Hz: updates delivered', value: live.delivered, unit: 'msgs' });
    measures.push({ name: 'live 10 Hz: updates applied', value: live.applied, unit: 'msgs', target: `= ${live.delivered}`, ok: live.applied === live.delivered && live.pointsApplied === live.delivered * 10 });
    measures.push({ name: 'live 10 Hz: frames rendered', value: live.frames, unit: 'frames' });
    measures.push({ name: 'live 10 Hz: longest long task', value: live.longestTask, unit: 'ms', target: '≤ 50 (0 = none)', ok: live.longestTask <= 50 });
    measures.push({ name: 'live 10 Hz: long tasks', value: live.longTasks, unit: 'tasks' });
    measures.push({ name: 'live 10 Hz: slowest frame of our own JS (incl. chart.update)', value: live.maxFrameMs, unit: 'ms' });
    measures.push({ name: 'live 10 Hz: points in the exported CSV', value: live.csvPoints, unit: 'pts', target: '= 101,000', ok: live.csvPoints === 101_000 && live.csvMin === 1_010 });
    if (live.applied !== live.delivered) problems.push(`live updates lost: ${live.applied}/${live.delivered}`);
    if (live.csvPoints !== 101_000) problems.push(`CSV after live updates holds ${live.csvPoints} points, expected 101,000`);

    // 3. Memory: stream a study in batches of 100 trials (100 points each); heap at 1,000 and 10,000 trials.
    await open('dark');
    const cdp = await context.newCDPSession(page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize / 1024 / 1024;
    };
    const heapEmpty = await heap();
    const stream = (from: number, to: number) =>
      page.evaluate(async ([a, z]) => {
        const w = window as unknown as HarnessWindow;
        const b = w.__bench;
        if (a === 0) b.send({ type: 'reset', title: '10k', key: 'bench:10k', direction: 'minimize', metrics: ['loss'], metric: 'loss', trials: [] });
        let slowest = 0;
        for (let first = a; first < z; first += 100) {
          const s = b.study(100, 100, { firstTrial: first });
          const t0 = performance.now();
          const base = w.hpCurvesStats.pointsApplied;
          b.send({ type: 'trials', trials: s.trials });
          const total = b.sendPoints(s.series);
          await b.rendered(base + total);
          await b.frames(1);
          slowest = Math.max(slowest, performance.now() - t0);
        }
        return slowest;
      }, [from, to] as const);
    const slowest1k = await stream(0, 1_000);
    const heap1k = await heap();
    const slowest10k = await stream(1_000, 10_000);
    const heap10k = await heap();
    measures.push({ name: 'JS heap: empty panel', value: heapEmpty, unit: 'MB' });
    measures.push({ name: 'JS heap: 1,000 trials × 100 points', value: heap1k, unit: 'MB' });
    measures.push({ name: 'JS heap: 10,000 trials × 100 points', value: heap10k, unit: 'MB', target: '< 10× the 1,000-trial heap', ok: heap10k < 10 * heap1k });
    measures.push({ name: 'slowest 100-trial batch (to painted) up to 10,000', value: Math.max(slowest1k, slowest10k), unit: 'ms' });
    // The study plots over all 10,000 trials (importance/slice/contour fit the forest on at most 400 of them):
    // first showing the tab (chart creation included), then redrawing it after 100 trials changed.
    const studyTarget: Record<string, number | undefined> = { history: 150, parallel: 150, timeline: 150 };
    for (const tab of ['history', 'parallel', 'timeline', 'edf', 'importance', 'slice', 'contour'] as const) {
      const result = await page.evaluate(async t => {
        const w = window as unknown as HarnessWindow;
        const b = w.__bench;
        const t0 = performance.now();
        (document.getElementById(`tab-${t}`) as HTMLButtonElement).click();
        await b.frames(1);
        const shown = performance.now() - t0;
        // An update: 100 trials get new values (as when a batch finishes); wait for the frame that draws it.
        const s = b.study(100, 0, { firstTrial: 4_000 });
        for (const trial of s.trials as { value: number | null }[]) trial.value = (trial.value ?? 0.5) * 0.9;
        const renders = w.hpCurvesStats.renders;
        const t1 = performance.now();
        b.send({ type: 'trials', trials: s.trials });
        while (w.hpCurvesStats.renders === renders) await b.frames(1);
        await b.frames(1);
        const update = performance.now() - t1;
        const frameMs = w.hpCurvesStats.lastRenderMs;
        // The view's own redraw (data → chart or canvas drawing calls), 7 times: on a shared machine the
        // fastest run is the one the other processes interfered with least.
        const redraws: number[] = [];
        for (let k = 0; k < 7; k++) {
          redraws.push(w.hpCurves.redrawNow());
          await b.frames(1);
        }
        redraws.sort((x, y) => x - y);
        return { shown, update, frameMs, redrawMin: redraws[0], redrawMedian: redraws[3] };
      }, tab);
      const target = studyTarget[tab];
      measures.push({ name: `tab "${tab}" at 10,000 trials: first shown (click → painted)`, value: result.shown, unit: 'ms', ...(target ? { target: `≤ ${target}`, ok: result.shown <= target } : {}) });
      measures.push({ name: `tab "${tab}" at 10,000 trials: 100 trials changed → painted`, value: result.update, unit: 'ms', ...(target ? { target: `≤ ${target}`, ok: result.update <= target } : {}) });
      measures.push({ name: `  …of which our frame (JS incl. chart update)`, value: result.frameMs, unit: 'ms' });
      measures.push({ name: `  redraw, fastest of 7 (median ${result.redrawMedian.toFixed(0)} ms)`, value: result.redrawMin, unit: 'ms', ...(target ? { target: `≤ ${target}`, ok: result.redrawMin <= target } : {}) });
      await page.screenshot({ path: join(shotDir, `curves-harness-10k-${tab}.png`) });
    }
    // Live 10 Hz on a study plot at 10,000 trials: every 100 ms 10 trials finish and 10 points arrive.
    await page.click('#tab-history');
    const liveStudy = await page.evaluate(async () => {
      const w = window as unknown as HarnessWindow;
      const b = w.__bench;
      const before = { ...w.hpCurvesStats };
      w.hpCurvesStats.maxRenderMs = 0;
      const updates = 50;
      for (let k = 0; k < updates; k++) {
        const s = b.study(10, 1, { firstTrial: 10_000 + k * 10 });
        b.send({ type: 'trials', trials: s.trials });
        b.send({ type: 'points', series: s.series });
        await b.sleep(100);
      }
      await b.rendered(before.pointsApplied + updates * 10);
      const after = w.hpCurvesStats;
      return { delivered: updates * 2, applied: after.messages - before.messages - (after.dropped - before.dropped), maxFrameMs: after.maxRenderMs, trials: (document.getElementById('status')?.textContent ?? '').split(' ')[0] };
    });
    measures.push({ name: 'live 10 Hz on "history" at 10,000 trials: messages applied', value: liveStudy.applied, unit: 'msgs', target: `= ${liveStudy.delivered}`, ok: liveStudy.applied === liveStudy.delivered && liveStudy.trials === '10500' });
    measures.push({ name: 'live 10 Hz on "history" at 10,000 trials: slowest frame', value: liveStudy.maxFrameMs, unit: 'ms', target: '≤ 150', ok: liveStudy.maxFrameMs <= 150 });
    if (liveStudy.applied !== liveStudy.delivered || liveStudy.trials !== '10500') problems.push(`live study updates lost: ${JSON.stringify(liveStudy)}`);
    await page.screenshot({ path: join(shotDir, 'curves-harness-10k-contour.png') });
    await cdp.detach();

    // 4. Hostile strings render as text; malformed messages are dropped and logged.
    await open('dark');
    const xss = await page.evaluate(async () => {
      const w = window as unknown as HarnessWindow;
      const b = w.__bench;
      const evil = '<img src=x onerror="window.__xss=1">';
      const s = b.study(6, 50, { metrics: [evil] });
      for (const t of s.trials as { params: Record<string, unknown> }[]) t.params['<b onmouseover="window.__xss=2">p</b>'] = '<script>window.__xss=3</script>';
      b.send({ type: 'reset', title: '<img src=x onerror="window.__xss=4">', key: 'bench:xss', direction: 'minimize', metrics: [evil], metric: evil, trials: s.trials });
      b.sendPoints(s.series);
      w.__posted.length = 0;
      b.send({ type: 'points', series: [{ trial: 1, metric: 'loss', steps: ['1'], values: [1] }] });
      b.send({ type: 'command', command: 'workbench.action.terminal.new' });
      await b.sleep(100);
      await b.frames(2);
      for (const t of ['importance', 'slice', 'parallel']) (document.getElementById(`tab-${t}`) as HTMLButtonElement).click();
      await b.frames(2);
      (document.getElementById('tab-curves') as HTMLButtonElement).click();
      await b.frames(2);
      const option = (document.getElementById('metric') as HTMLSelectElement).options[0];
      return {
        injected: document.querySelectorAll('#root img, #root b, #root script').length,
        xss: w.__xss,
        optionText: option?.textContent ?? '',
        title: document.getElementById('title')?.textContent ?? '',
        dropped: w.hpCurvesStats.dropped,
        logs: w.__posted.filter(m => m.type === 'log').map(m => String(m.message)),
      };
    });
    await page.screenshot({ path: join(shotDir, 'curves-harness-xss.png') });
    const xssOk = xss.injected === 0 && xss.xss === 0 && dialogs === 0 && xss.optionText === '<img src=x onerror="window.__xss=1">' && xss.title.startsWith('<img');
    measures.push({ name: 'hostile names rendered as text (no element, no script)', value: xssOk ? 1 : 0, unit: 'bool', target: '= 1', ok: xssOk });
    measures.push({ name: 'malformed/unknown messages dropped and logged', value: xss.dropped, unit: 'msgs', target: '= 2', ok: xss.dropped === 2 && xss.logs.length === 2 });
    if (!xssOk) problems.push(`XSS check failed: ${JSON.stringify(xss)}`);
    if (xss.dropped !== 2) problems.push(`expected 2 dropped messages, got ${xss.dropped}: ${xss.logs.join(' | ')}`);

    // 5. Screenshots (dark and light) of a realistic study, then a reload that restores from state.
    for (const t of ['dark', 'light'] as const) {
      await open(t);
      await page.evaluate(async () => {
        const b = (window as unknown as HarnessWindow).__bench;
        const s = b.study(40, 200, { mixed: true, metrics: ['loss', 'val_accuracy'] });
        const total = b.sendStudy(s, 'mnist-mlp · study 3 (40 trials)', ['loss', 'val_accuracy']);
        await b.rendered(total);
        await b.frames(2);
      });
      await page.screenshot({ path: join(shotDir, `curves-harness-${t}.png`) });
      if (t === 'dark') {
        for (const tab of ['history', 'parallel', 'importance', 'slice', 'contour', 'timeline', 'edf'] as const) {
          await page.click(`#tab-${tab}`);
          const axis = await page.evaluate(async v => {
            const w = window as unknown as HarnessWindow;
            await w.__bench.frames(2);
            return w.hpCurves.axis(v);
          }, tab);
          await page.screenshot({ path: join(shotDir, `curves-harness-${t}-${tab}.png`) });
          // The mixed study has diverged trials (1e30 and beyond): the value axes must leave them off the scale.
          if ((tab === 'history' || tab === 'parallel' || tab === 'slice' || tab === 'edf') && (!axis || axis.max > 100 || axis.offScale < 1 || new Set(axis.labels).size !== axis.labels.length)) {
            problems.push(`${tab}: value axis not robust or labels repeat: ${JSON.stringify(axis)}`);
          }
        }
        await page.click('#tab-curves');
      } else {
        for (const tab of ['history', 'parallel', 'importance', 'slice', 'contour', 'timeline', 'edf'] as const) {
          await page.click(`#tab-${tab}`);
          await page.evaluate(() => (window as unknown as HarnessWindow).__bench.frames(2));
          await page.screenshot({ path: join(shotDir, `curves-harness-${t}-${tab}.png`) });
        }
        await page.click('#tab-curves');
      }
    }
    // A live theme switch (light → dark), done the way the workbench does it: new variables on <html>, new body class.
    const darkVariables = readFileSync(join(__dirname, 'curves/theme-dark.css'), 'utf8').match(/--vscode-[\w-]+:\s*[^;]+/g) ?? [];
    await page.evaluate(async variables => {
      for (const v of variables) {
        const i = v.indexOf(':');
        document.documentElement.style.setProperty(v.slice(0, i).trim(), v.slice(i + 1).trim());
      }
      document.body.classList.replace('vscode-light', 'vscode-dark');
      await (window as unknown as HarnessWindow).__bench.frames(3);
    }, darkVariables);
    await page.screenshot({ path: join(shotDir, 'curves-harness-switched-to-dark.png') });
    // Restore: wait for the debounced setState, reload, and see the study before the host says anything.
    await page.selectOption('#trial', '12');
    await page.waitForTimeout(2_300);
    const t0 = Date.now();
    await page.reload();
    const restored = await page.evaluate(async () => {
      const w = window as unknown as HarnessWindow;
      await w.__bench.frames(2);
      return { status: document.getElementById('status')?.textContent ?? '', first: w.__posted[0]?.type, selected: (document.getElementById('trial') as HTMLSelectElement).value, at: performance.now() };
    });
    measures.push({ name: 'reload → restored from getState (before any host message)', value: Date.now() - t0, unit: 'ms' });
    const restoreOk = restored.status.startsWith('40 trials') && restored.first === 'ready' && restored.selected === '12';
    measures.push({ name: 'restored 40 trials and the selection from state', value: restoreOk ? 1 : 0, unit: 'bool', target: '= 1', ok: restoreOk });
    if (!restoreOk) problems.push(`restore failed: ${JSON.stringify(restored)}`);
    await page.screenshot({ path: join(shotDir, 'curves-harness-restored.png') });
  } finally {
    await context.close();
    server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  if (consoleErrors.length) problems.push(`console errors: ${consoleErrors.slice(0, 5).join(' | ')}`);

  const load = { before: loadBefore, after: loadavg()[0], cores: cpus().length };
  const nameWidth = Math.max(...measures.map(m => m.name.length));
  console.log(`\ncurves panel in headless chromium (${full ? 'full' : 'quick'} mode; load average ${load.before.toFixed(1)} → ${load.after.toFixed(1)} on ${load.cores} cores)\n`);
  console.log(`${'measure'.padEnd(nameWidth)}  ${'value'.padStart(10)}  unit   target`);
  for (const m of measures) {
    const value = m.unit === 'bool' ? (m.value ? 'yes' : 'no') : m.value >= 100 ? m.value.toFixed(0) : m.value.toFixed(1);
    console.log(`${m.name.padEnd(nameWidth)}  ${value.padStart(10)}  ${m.unit.padEnd(5)}  ${m.target ? `${m.target} ${m.ok ? 'ok' : 'MISSED'}` : ''}`);
  }
  if (problems.length) console.log(`\nproblems:\n- ${problems.join('\n- ')}`);
  writeFileSync(join(outDir, 'curves.json'), JSON.stringify({ mode: full ? 'full' : 'quick', when: new Date().toISOString(), load, measures, problems }, null, 2));
  console.log(`\nwrote test-results/bench/curves.json and test-results/screenshots/curves-harness-*.png`);
  // Correctness problems fail the run; a missed timing target is reported, not fatal (shared 2-core machine).
  if (problems.length) process.exitCode = 1;
}

void main().catch(err => {
  console.error(err);
  process.exit(1);
});
