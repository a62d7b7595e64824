// @ts-check
// A multi-objective study from the sidebar to its Pareto view, in a real workbench: the example in
// examples/multiobjective (accuracy ↑ against model size ↓ of a scikit-learn forest, Debian's python3)
// is started from the sidebar; once its trials are done, the curves panel's Pareto view must highlight
// exactly the non-dominated trials computed here from the journal, mute the others, and select the
// trial whose point is clicked; the hypervolume history and the parallel coordinates (one axis per
// metric) are checked too. Screenshots in dark and light.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { openWorkbench, frameWith, openSidebar } = require('./workbench');

const STUDY = 'forest-tradeoff';

/** Complete trials of the journal with both values: [{number, values: [accuracy, kb]}]. */
function completeTrials(workspace) {
  const journal = fs.readFileSync(path.join(workspace, '.hpstudio/studies', STUDY, 'journal.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l));
  return journal.filter(r => r.op === 'finish' && r.state === 'complete' && Array.isArray(r.values)).map(r => ({ number: r.number, values: r.values }));
}

/** Trials no other trial beats on both metrics (accuracy maximised, size minimised): written out here, not the extension's code. */
function nonDominated(trials) {
  const beats = (a, b) => a.values[0] >= b.values[0] && a.values[1] <= b.values[1] && (a.values[0] > b.values[0] || a.values[1] < b.values[1]);
  return trials.filter(t => !trials.some(o => beats(o, t))).map(t => t.number).sort((a, b) => a - b);
}

const sorted = (/** @type {number[]} */ a) => [...a].sort((x, y) => x - y);
const alphaOf = (/** @type {string} */ colour) => Number(/rgba\([^)]*,\s*([\d.]+)\)/.exec(colour)?.[1] ?? 1);

const themes = /** @type {Array<'dark' | 'light'>} */ ((process.env.HPSTUDIO_UI_THEMES || 'dark,light').split(','));
for (const theme of themes) {
  describe(`a multi-objective study from the sidebar to its Pareto front (${theme} theme)`, function () {
    this.timeout(600_000);
    /** @type {Awaited<ReturnType<typeof openWorkbench>>} */
    let wb;
    before(async () => {
      // Debian's python3 has scikit-learn (npm test's system step installs python3-sklearn).
      wb = await openWorkbench({ workspace: 'examples', theme, settings: { 'hpstudio.pythonPath': '/usr/bin/python3' } });
    });
    after(async () => wb && (await wb.close()));
    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && wb) await wb.screenshot(`failed-mo-${theme}-${this.currentTest.title.replace(/\W+/g, '-')}`);
    });

    it('starts the example from the sidebar and runs its trials', async () => {
      const sidebar = await openSidebar(wb.page);
      await sidebar.locator('.config', { hasText: 'multiobjective/sweep.yaml' }).first().locator('.start-study').click();
      const card = sidebar.locator(`.study[data-study="${STUDY}"]`);
      await card.waitFor({ timeout: 60_000 });
      await card.locator('.state-finished').waitFor({ timeout: 480_000 });
      const trials = completeTrials(wb.workspace);
      assert.ok(trials.length >= 20, `complete trials: ${trials.length}`);
      // The card names both metrics and the front's size, not the first metric's best.
      const meta = card.locator('.study-meta');
      await meta.filter({ hasText: `Pareto front: ${nonDominated(trials).length} trial` }).waitFor({ timeout: 30_000 });
      assert.match(await meta.innerText(), /val_accuracy ↑, model_kb ↓ · Pareto front: \d+ trials?$/);
      await wb.screenshot(`mo-sidebar-${theme}`);
    });

    it("the sidebar's trial table shows every metric and stars the Pareto front, not the first metric's value and best", async () => {
      const sidebar = await openSidebar(wb.page);
      await sidebar.locator(`.study[data-study="${STUDY}"] .study-meta`).click();
      const table = sidebar.locator('#trials table.trial-table.multi-objective');
      await table.waitFor({ timeout: 30_000 });
      const headers = (await table.locator('th').allInnerTexts()).map(h => h.replace(/ [▾▴]$/, '').trim());
      assert.ok(headers.includes('val_accuracy ↑') && headers.includes('model_kb ↓') && headers.includes('★'), headers.join(' | '));
      assert.ok(!headers.includes('Value') && !headers.includes('Best') && !headers.includes('Latest'), headers.join(' | '));
      const trials = completeTrials(wb.workspace);
      const starred = (await table.locator('tr.trial.on-front').evaluateAll(rows => rows.map(r => Number(r.getAttribute('data-trial'))))).sort((a, b) => a - b);
      assert.deepEqual(starred, nonDominated(trials));
      assert.equal(await table.locator('tr.trial.on-front td.col-front .codicon-star-full').count(), starred.length);
      // The star column and every metric fit the default sidebar width (nothing cut off on the right).
      const fits = await sidebar.locator('#trials .table-scroll').evaluate(el => el.scrollWidth <= el.clientWidth + 1);
      assert.ok(fits, 'the trial table is wider than the sidebar');
      // Each metric's cell holds that trial's value (three significant digits; the tooltip has it in full).
      const one = trials.find(t => t.number === starred[0]);
      const cells = await table.locator(`tr.trial[data-trial="${starred[0]}"] td.col-objective`).evaluateAll(tds => tds.map(td => Number(td.getAttribute('title'))));
      assert.deepEqual(cells, /** @type {any} */ (one).values);
      // Sorting by model_kb ↓ puts the smallest model first.
      await table.locator('th[data-sort="obj1"]').click();
      const firstRow = Number(await sidebar.locator('#trials tr.trial').first().getAttribute('data-trial'));
      assert.equal(firstRow, [...trials].sort((a, b) => a.values[1] - b.values[1] || a.number - b.number)[0].number);
      await wb.screenshot(`mo-sidebar-trials-${theme}`);
    });

    it('highlights the non-dominated trials, mutes the others and selects a clicked trial', async () => {
      const sidebar = await openSidebar(wb.page);
      await sidebar.locator(`.study[data-study="${STUDY}"] button[data-action="showCurves"]`).click();
      const curves = await frameWith(wb.page, '#status');
      const trials = completeTrials(wb.workspace);
      const front = nonDominated(trials);
      // The status line gives the front's size, not the first metric's best.
      await curves.locator('#status', { hasText: `Pareto front: ${front.length} trial` }).waitFor({ timeout: 60_000 });
      // The trial picker tags the front's trials, not the first metric's best.
      const tags = await curves.locator('select#trial option').evaluateAll(os => os.map(o => o.textContent ?? ''));
      const tagged = tags.filter(t => t.includes('(Pareto front)')).map(t => Number(/^#(\d+)/.exec(t)?.[1])).sort((a, b) => a - b);
      assert.deepEqual(tagged, front, tags.join(' | '));
      assert.ok(!tags.some(t => t.includes('(best)')), tags.join(' | '));
      await curves.locator('#tab-pareto').click();
      const layers = async () => curves.locator('body').evaluate(() => /** @type {any} */ (window).hpCurves.layers('pareto'));
      let drawn = await layers();
      for (let i = 0; i < 100 && (drawn.find(l => l.name === 'front')?.trials.length ?? 0) === 0; i++) {
        await wb.page.waitForTimeout(100);
        drawn = await layers();
      }
      const byName = Object.fromEntries(drawn.map(l => [l.name, l]));
      assert.deepEqual(sorted(byName.front.trials), front, JSON.stringify(drawn));
      const dominated = trials.map(t => t.number).filter(n => !front.includes(n));
      assert.deepEqual(sorted(byName.dominated.trials), sorted(dominated));
      // Muted: translucent and smaller than the front's points.
      assert.ok(alphaOf(byName.dominated.colour) < 0.6 && alphaOf(byName.front.colour) === 1, `${byName.dominated.colour} vs ${byName.front.colour}`);
      assert.ok(byName.dominated.radius < byName.front.radius);
      assert.match(await curves.locator('#note-pareto').innerText(), new RegExp(`^${front.length} of ${trials.length} complete trials on the Pareto front \\(val_accuracy ↑, model_kb ↓\\)`));
      await wb.screenshot(`mo-pareto-${theme}`);
      // Click the middle point of the front: that trial becomes the selection.
      const target = trials.find(t => t.number === front[Math.floor(front.length / 2)]);
      const at = await curves.locator('#canvas-pareto').evaluate((canvas, v) => {
        const p = /** @type {any} */ (window).hpCurves.pixel('pareto', v[0], v[1]);
        const box = canvas.getBoundingClientRect();
        return p && { x: p.x - box.left, y: p.y - box.top };
      }, /** @type {any} */ (target).values);
      assert.ok(at, 'the Pareto view has a chart');
      await curves.locator('#canvas-pareto').click({ position: at });
      for (let i = 0; i < 50 && !(await layers()).find(l => l.name === 'selected')?.trials.length; i++) await wb.page.waitForTimeout(100);
      assert.deepEqual((await layers()).find(l => l.name === 'selected')?.trials, [/** @type {any} */ (target).number]);
      await wb.screenshot(`mo-pareto-selected-${theme}`);
    });

    it('shows the hypervolume history and one parallel-coordinates axis per metric', async () => {
      const curves = await frameWith(wb.page, '#status');
      const fronts = () => curves.locator('body').evaluate(() => /** @type {any} */ (window).hpCurves.fronts());
      const frontsBefore = await fronts();
      await curves.locator('#tab-hypervolume').click();
      const note = curves.locator('#note-hypervolume');
      await note.filter({ hasText: /^Hypervolume / }).waitFor({ timeout: 30_000 });
      const trials = completeTrials(wb.workspace);
      assert.match(await note.innerText(), new RegExp(`after ${trials.length} complete trials .*Reference point: val_accuracy [\\d.]+, model_kb [\\d.k]+ — per objective the worst value seen plus 10% of its range`));
      const hv = await curves.locator('body').evaluate(() => /** @type {any} */ (window).hpCurves.layers('hypervolume'));
      const improved = hv.find(l => l.name === 'improved').trials;
      // The first complete trial always moves the (empty) front; every trial is drawn once.
      assert.equal(improved[0], Math.min(...trials.map(t => t.number)));
      assert.deepEqual(sorted(hv.flatMap(l => (l.name === 'selected' ? [] : l.trials))), sorted(trials.map(t => t.number)));
      await wb.screenshot(`mo-hypervolume-${theme}`);
      await curves.locator('#tab-parallel').click();
      let columns = [];
      for (let i = 0; i < 50 && !columns.length; i++) {
        columns = await curves.locator('body').evaluate(() => /** @type {any} */ (window).hpCurves.columns('parallel'));
        if (!columns.length) await wb.page.waitForTimeout(100);
      }
      assert.deepEqual(columns.slice(-2), ['val_accuracy ↑', 'model_kb ↓']);
      assert.match(await curves.locator('#note-parallel').innerText(), /one axis per metric, coloured by Pareto rank/);
      await wb.screenshot(`mo-parallel-${theme}`);
      // The timeline outlines the Pareto front's trials, not the first metric's best.
      await curves.locator('#tab-timeline').click();
      const front = nonDominated(trials);
      await curves.locator('#note-timeline', { hasText: `outlined: the ${front.length} trial` }).waitFor({ timeout: 30_000 });
      const marked = await curves.locator('body').evaluate(() => /** @type {any} */ (window).hpCurves.layers('timeline'));
      const outlined = marked.find(l => l.name === 'front')?.trials ?? [];
      const selected = marked.find(l => l.name === 'selected')?.trials ?? [];
      assert.deepEqual(sorted(outlined), front, JSON.stringify(marked));
      // The store computed the front at most once per change of the trials, however many views and
      // tabs (hypervolume, parallel, timeline, trial picker, status line) asked for it.
      const frontsAfter = await fronts();
      assert.ok(frontsAfter.computed - frontsBefore.computed <= frontsAfter.changes - frontsBefore.changes && frontsAfter.computed <= frontsAfter.changes, JSON.stringify({ frontsBefore, frontsAfter }));
      assert.ok(selected.length <= 1, JSON.stringify(marked));
      await wb.screenshot(`mo-timeline-${theme}`);
    });
  });
}
