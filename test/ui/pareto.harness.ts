/**
 * The curves panel's Pareto view in a real browser (headless Debian chromium, the curves benchmark's
 * harness page): a two-objective study (accuracy ↑ vs model size ↓) and a three-objective one. Checks
 * from the page that the note counts the front the core computes, that a click on a front point
 * selects that trial (posted to the host), that the pair selector appears for three objectives and
 * that a one-metric study explains itself; saves screenshots in dark and light.
 *
 *   node -r esbuild-register test/ui/pareto.harness.ts      (exit 1 on a failed check)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { paretoPlot } from '../../src/core/analysis/pareto';
import type { CurvesTrial } from '../../src/core/protocol/curves';
import { bundleCurves, openHarness } from '../bench/curves/page';

const root = join(__dirname, '..', '..');
const shotDir = join(root, 'test-results', 'screenshots');

/** A seeded study: width and depth trade accuracy against size, with noise and a few failures. */
function study(n: number, objectives: 2 | 3): CurvesTrial[] {
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, (_, i): CurvesTrial => {
    const width = 8 + Math.floor(rand() * 248);
    const depth = 1 + Math.floor(rand() * 6);
    const acc = 0.99 - 0.5 / Math.sqrt(width * depth) - 0.04 * rand();
    const mb = (width * width * depth) / 20000 + 0.05 * rand();
    const ms = depth * 2 + width / 64 + rand();
    const values = objectives === 2 ? [acc, mb] : [acc, mb, ms];
    const failed = i % 17 === 5;
    return { number: i, state: failed ? 'fail' : 'complete', params: { width, depth }, value: failed ? null : acc, durationMs: 1000, startMs: i * 1000, ...(failed ? {} : { values }) };
  });
}

async function main(): Promise<number> {
  mkdirSync(shotDir, { recursive: true });
  let theme: 'dark' | 'light' = 'dark';
  const harness = await openHarness(await bundleCurves(), () => theme, { width: 1100, height: 700 });
  const { url, context } = harness;
  const problems: string[] = [];
  const errors: string[] = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', e => errors.push(String(e)));
    const frames = () => page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))));
    const load = async (trials: CurvesTrial[], objectives: { name: string; direction: string }[] | undefined) => {
      await page.goto(`${url}?theme=${theme}`);
      await page.evaluate(() => sessionStorage.clear());
      await page.evaluate(
        ([t, o]) => window.postMessage({ type: 'reset', title: 'mnist-mlp · multi-objective', key: 'pareto-harness', direction: 'maximize', ...(o ? { objectives: o } : {}), metrics: ['accuracy'], metric: 'accuracy', trials: t }, '*'),
        [trials, objectives] as const,
      );
      await page.click('#tab-pareto');
      await page.waitForFunction(() => (document.getElementById('note-pareto')?.textContent ?? '') !== '');
      await frames();
      return (await page.textContent('#note-pareto')) ?? '';
    };
    const two = [
      { name: 'accuracy', direction: 'maximize' },
      { name: 'model_mb', direction: 'minimize' },
    ];
    const trials2 = study(120, 2);
    const expected = paretoPlot(trials2, ['maximize', 'minimize']);
    for (const t of ['dark', 'light'] as const) {
      theme = t;
      const note = await load(trials2, two);
      if (!note.startsWith(`${expected.front.length} of ${expected.points.length} complete trials on the Pareto front (accuracy ↑, model_mb ↓)`)) problems.push(`note (${t}): ${note}`);
      if (!(await page.isHidden('#pareto-pair'))) problems.push('pair selector shown for two objectives');
      await page.screenshot({ path: join(shotDir, `curves-pareto-${t}.png`) });
    }
    // A click on a front point selects that trial: find its pixel through the chart's scales.
    const target = expected.front[Math.floor(expected.front.length / 2)];
    const pixel = await page.evaluate(([x, y]) => window.hpCurves!.pixel('pareto', x, y), [target.values[0], target.values[1]] as const);
    if (pixel) {
      await page.mouse.click(pixel.x, pixel.y);
      const posted = await page.evaluate(() => (window as unknown as { __posted: { type: string; number?: number }[] }).__posted.filter(m => m.type === 'selectTrial').map(m => m.number));
      if (!posted.includes(target.number)) problems.push(`click on trial ${target.number} posted ${JSON.stringify(posted)}`);
      await frames();
      await page.screenshot({ path: join(shotDir, 'curves-pareto-light-selected.png') });
    } else {
      problems.push('the Pareto view has no chart to click');
    }
    theme = 'dark';
    const three = [...two, { name: 'latency_ms', direction: 'minimize' }];
    const note3 = await load(study(200, 3), three);
    if (await page.isHidden('#pareto-pair')) problems.push('no pair selector for three objectives');
    const options = await page.$$eval('#pareto-pair option', os => os.map(o => o.textContent));
    if (options.length !== 4 || options[0] !== 'all pairs') problems.push(`pairs: ${JSON.stringify(options)}`);
    // All pairs at once: a scatter matrix of three cells, each with the whole front highlighted.
    const cells = await page.$$eval('#pareto-grid .pareto-cell canvas', cs => cs.map(c => c.getBoundingClientRect().width));
    if (cells.length !== 3 || cells.some(w => w < 100)) problems.push(`matrix cells: ${JSON.stringify(cells)}`);
    const layers3 = await page.evaluate(() => window.hpCurves!.layers('pareto'));
    const front3 = paretoPlot(study(200, 3), ['maximize', 'minimize', 'minimize']).front.map(p => p.number).sort((a, b) => a - b);
    for (const pair of ['0,1', '0,2', '1,2']) {
      const got = layers3.find(l => l.name === `front ${pair}`)?.trials.slice().sort((a, b) => a - b);
      if (JSON.stringify(got) !== JSON.stringify(front3)) problems.push(`front of pair ${pair}: ${JSON.stringify(got)} ≠ ${JSON.stringify(front3)}`);
    }
    await page.screenshot({ path: join(shotDir, 'curves-pareto-dark-3obj-matrix.png') });
    await page.selectOption('#pareto-pair', '1,2');
    await frames();
    if ((await page.$$('#pareto-grid .pareto-cell')).length !== 1) problems.push('one pair picked: not one cell');
    await page.screenshot({ path: join(shotDir, 'curves-pareto-dark-3obj.png') });
    await page.click('#tab-hypervolume');
    await page.waitForFunction(() => (document.getElementById('note-hypervolume')?.textContent ?? '') !== '');
    await frames();
    const hvNote = (await page.textContent('#note-hypervolume')) ?? '';
    if (!/^Hypervolume [\d.]+ after \d+ complete trials .*Reference point: accuracy .*, model_mb .*, latency_ms .*worst value seen plus 10% of its range/.test(hvNote)) problems.push(`hypervolume note: ${hvNote}`);
    await page.screenshot({ path: join(shotDir, 'curves-hypervolume-dark-3obj.png') });
    if (!/complete trials on the Pareto front \(accuracy ↑, model_mb ↓, latency_ms ↓\)/.test(note3)) problems.push(`note (3): ${note3}`);
    const one = await load(study(30, 2).map(t => ({ ...t, values: undefined })), undefined);
    if (!one.startsWith('This study has one metric.')) problems.push(`one metric: ${one}`);
  } finally {
    await harness.close();
  }
  for (const e of errors) problems.push(`page error: ${e}`);
  for (const p of problems) console.error(`FAIL ${p}`);
  console.log(problems.length ? `${problems.length} problem(s)` : 'pareto view: all checks passed; screenshots in test-results/screenshots/curves-pareto-*.png');
  return problems.length ? 1 : 0;
}

main().then(
  code => process.exit(code),
  err => {
    console.error(err);
    process.exit(1);
  },
);
