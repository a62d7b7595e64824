// @ts-check
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { openWorkbench, openFile, runCommand, frameWith, openSidebar } = require('./workbench');

const themes = /** @type {Array<'dark' | 'light'>} */ ((process.env.HPSTUDIO_UI_THEMES || 'dark,light').split(',')); // narrow it while iterating
for (const theme of themes) {
  describe(`a study from the sidebar to its curves (${theme} theme)`, function () {
    this.timeout(300_000);
    /** @type {Awaited<ReturnType<typeof openWorkbench>>} */
    let wb;
    before(async () => {
      wb = await openWorkbench({ workspace: 'examples', theme });
    });
    after(async () => wb && (await wb.close()));
    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && wb) await wb.screenshot(`failed-${theme}-${this.currentTest.title.replace(/\W+/g, '-')}`);
    });

    it('starts the quickstart study from the sidebar and lists its trials as they finish', async () => {
      const sidebar = await openSidebar(wb.page);
      const entry = sidebar.locator('.config', { hasText: 'quickstart/sweep.yaml' }).first();
      await entry.locator('.start-study').click();
      const card = sidebar.locator('.study[data-study="quickstart"]');
      await card.waitFor({ timeout: 60_000 });
      await card.locator('.state-finished').waitFor({ timeout: 180_000 });
      const rows = await sidebar.locator('#trials tr.trial').count();
      assert.ok(rows >= 16, `trial rows: ${rows}`);
      const states = await sidebar.locator('#trials tr.trial').evaluateAll(trs => trs.map(tr => tr.className));
      assert.ok(states.some(c => c.includes('state-complete')), states.join(' '));
      // Sorting by value puts the best trial first.
      await sidebar.locator('#trials th[data-sort="value"]').click();
      const firstValue = await sidebar.locator('#trials tr.trial td').nth(2).innerText();
      assert.match(firstValue, /^\d|^\d\.\d/);
      // The table fits the default sidebar width: the Best column is whole, nothing scrolls sideways; values
      // are short, with the full value on hover; cut file names have their full name on hover too.
      const fit = await sidebar.locator('#trials').evaluate(section => {
        const box = (/** @type {Element} */ e) => e.getBoundingClientRect();
        const scroll = /** @type {HTMLElement} */ (section.querySelector('.table-scroll'));
        const best = /** @type {HTMLElement} */ (section.querySelector('th[data-sort="best"]'));
        const values = [...section.querySelectorAll('td.col-value')].map(td => ({ text: td.textContent ?? '', title: td.getAttribute('title') ?? '' }));
        return { bestRight: box(best).right, scrollRight: box(scroll).right, overflow: scroll.scrollWidth - scroll.clientWidth, width: box(scroll).width, values };
      });
      assert.ok(fit.bestRight <= fit.scrollRight + 1 && fit.overflow <= 1, JSON.stringify(fit));
      for (const v of fit.values) {
        assert.ok(v.text.length <= 7, JSON.stringify(v));
        if (v.title) assert.ok(Math.abs(Number(v.title) - Number(v.text.replace(/k$/, 'e3').replace(/M$/, 'e6').replace(/G$/, 'e9'))) <= Math.abs(Number(v.title)) * 0.01, JSON.stringify(v));
      }
      const paths = await sidebar.locator('.config .path').evaluateAll(spans => spans.map(s => [s.textContent, s.getAttribute('title')]));
      for (const [text, title] of paths) assert.equal(title, text);
      await wb.screenshot(`sidebar-study-${theme}`);
    });

    it('offers Resume / Run again / Open in a dialog when Start is clicked on a study file that has a study', async () => {
      const sidebar = await openSidebar(wb.page);
      const entry = sidebar.locator('.config', { hasText: 'quickstart/sweep.yaml' }).first();
      await entry.locator('.start-study').click();
      // A modal dialog, not a toast: the whole message is there to read, with the choices as buttons.
      const dialog = wb.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30_000 });
      const text = await dialog.innerText();
      assert.match(text, /Study "quickstart" already exists/);
      assert.match(text, /finished: 16 of 16 trials, best [\d.e-]+ in trial #\d+/);
      const buttons = await dialog.locator('.monaco-button').allInnerTexts();
      assert.ok(buttons.some(b => /Run Again as "quickstart-2"/.test(b)), buttons.join(' | '));
      assert.ok(buttons.includes('Open'), buttons.join(' | '));
      await wb.screenshot(`start-existing-study-${theme}`);
      await dialog.getByRole('button', { name: 'Open' }).click();
      // Open shows the existing study's curves; nothing new was started.
      const curves = await frameWith(wb.page, '#status');
      await curves.locator('#status', { hasText: /16 trials/ }).waitFor({ timeout: 60_000 });
      assert.ok(!fs.existsSync(path.join(wb.workspace, '.hpstudio/studies/quickstart-2')), 'no second study was created');
    });

    it('shows the live curves of every trial in the curves panel', async () => {
      const sidebar = await openSidebar(wb.page);
      await sidebar.locator('.study[data-study="quickstart"] button[data-action="showCurves"]').click();
      const curves = await frameWith(wb.page, '#status');
      await curves.locator('#status', { hasText: /16 trials/ }).waitFor({ timeout: 60_000 });
      const status = await curves.locator('#status').innerText();
      assert.match(status, /best #\d+ = /);
      // The objective comes from the journal; the other metrics the trials print come from their logs.
      await curves.locator('#metric option', { hasText: /^loss$/ }).waitFor({ state: 'attached', timeout: 15_000 });
      const metrics = await curves.locator('#metric option').allInnerTexts();
      assert.ok(metrics.includes('val_loss') && metrics.includes('loss'), metrics.join(', '));
      const drawn = await curves.locator('#trial option').count();
      assert.ok(drawn > 10, `trials drawn as curves: ${drawn - 1}`);
      // The learning-curve canvas really has lines on it: count distinct non-background pixels.
      const inked = await curves.locator('#canvas-curves').evaluate(c => {
        const canvas = /** @type {HTMLCanvasElement} */ (c);
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
        let n = 0;
        for (let i = 3; i < data.length; i += 4 * 7) if (data[i] > 0) n++;
        return n;
      });
      assert.ok(inked > 500, `inked pixels: ${inked}`);
      await wb.screenshot(`curves-${theme}`);
    });

    it('keeps the diverged trials off the scale in every plot, with distinct tick labels', async () => {
      // The quickstart's seed makes trials 7 and 8 diverge (val_loss 1e8 and 2e41): read them from the journal.
      const journal = fs.readFileSync(path.join(wb.workspace, '.hpstudio/studies/quickstart/journal.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l));
      const finished = journal.filter(r => r.op === 'finish' && typeof r.value === 'number');
      const outliers = finished.map(r => r.value).filter(v => v > 1e6);
      const healthy = finished.map(r => r.value).filter(v => v <= 1e6);
      assert.ok(outliers.length >= 1, `the quickstart study has diverged trials: ${finished.map(r => r.value).join(', ')}`);
      const curves = await frameWith(wb.page, '#status');
      /** @param {string} tab */
      const axisOf = async tab => {
        await curves.locator(`#tab-${tab}`).click();
        await curves.locator(`#tab-${tab}[aria-selected="true"]`).waitFor();
        for (let i = 0; i < 100; i++) {
          const axis = await curves.locator('body').evaluate((_, t) => /** @type {any} */ (window).hpCurves?.axis(t) ?? null, tab);
          if (axis && axis.labels.length) return axis;
          await wb.page.waitForTimeout(100);
        }
        throw new Error(`the ${tab} view reported no axis`);
      };
      for (const tab of ['history', 'parallel']) {
        const axis = await axisOf(tab);
        const where = `${tab}: ${JSON.stringify(axis)}`;
        assert.ok(axis.max < Math.min(...outliers), `the y range leaves the outliers out — ${where}`);
        // The best trials are always on the scale (the range is built around the bulk of the values).
        assert.ok(axis.min <= Math.min(...healthy), `the y range holds the best value — ${where}`);
        // Every value outside the drawn range is counted as off the scale (and drawn at its edge).
        const outside = finished.map(r => r.value).filter(v => v > axis.max || v < axis.min);
        assert.equal(axis.offScale, outside.length, where);
        assert.ok(outside.length >= outliers.length, where);
        assert.equal(new Set(axis.labels).size, axis.labels.length, `distinct tick labels — ${where}`);
        assert.ok(axis.labels.every(l => l.length <= 8), `short tick labels — ${where}`);
        assert.match(await curves.locator(`#note-${tab}`).innerText(), new RegExp(`${axis.offScale} values? off the scale`));
      }
      // Trials pruned after their first step are markers on the learning curves (a one-point line draws nothing).
      const steps = new Map();
      for (const r of journal) if (r.op === 'value') steps.set(r.number, (steps.get(r.number) ?? 0) + 1);
      const onePoint = [...steps].filter(([, n]) => n === 1).map(([t]) => t);
      assert.ok(onePoint.length >= 1, 'the quickstart has trials pruned after one step');
      await curves.locator('#tab-curves').click();
      const markers = await curves.locator('body').evaluate(() => /** @type {any} */ (window).hpCurves.markerTrials());
      const drawn = (await curves.locator('#trial option').allInnerTexts()).map(t => Number(/^#(\d+)/.exec(t)?.[1])).filter(Number.isFinite);
      for (const t of onePoint.filter(n => drawn.includes(n))) assert.ok(markers.includes(t), `trial ${t} (one point) is a marker: ${markers}`);
      for (const tab of ['curves', 'history', 'parallel', 'importance', 'slice', 'contour', 'timeline', 'edf']) {
        await curves.locator(`#tab-${tab}`).click();
        await curves.locator(`#tab-${tab}[aria-selected="true"]`).waitFor();
        await wb.page.waitForTimeout(300);
        await wb.screenshot(`quickstart-${tab}-${theme}`);
      }
      // The timeline has both parallel slots and every trial.
      assert.match(await curves.locator('#note-timeline').innerText(), /^16 trials on 2 parallel slots over /);
      // The README's pictures: the sidebar scrolled to the study, its curves and its history.
      const sidebar = await openSidebar(wb.page);
      await sidebar.locator('#studies').evaluate(e => e.scrollIntoView());
      for (const [tab, name] of [['curves', 'studio'], ['history', 'plots']]) {
        await curves.locator(`#tab-${tab}`).click();
        await wb.page.waitForTimeout(300);
        await wb.screenshot(`readme-${name}-${theme}`);
      }
    });

    it('applies the best values to config.json after showing every change', async () => {
      const sidebar = await openSidebar(wb.page);
      await sidebar.locator('.study[data-study="quickstart"] button[data-action="applyBest"]').click();
      const dialog = wb.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30_000 });
      assert.match(await dialog.innerText(), /lr: 0\.05 → /);
      await wb.screenshot(`apply-best-preview-${theme}`);
      await dialog.getByRole('button', { name: /^Apply$/ }).click();
      await openFile(wb.page, 'quickstart/config.json', 'batch_size');
      const text = await wb.page.locator('.monaco-editor .view-lines').first().innerText();
      assert.doesNotMatch(text.replace(/\s+/g, ' '), /"lr": 0\.05,/, 'lr was replaced by the best value');
      assert.match(text.replace(/\s+/g, ' '), /"epochs": 30/, 'values the study did not tune stay');
    });

    it('restores the curves panel after a window reload', async () => {
      await wb.page.keyboard.press('Control+S'); // the applied edit is in config.json's editor
      await runCommand(wb.page, 'Developer: Reload Window');
      await wb.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      // A restored panel in a background tab loads when the user selects it.
      await wb.page.locator('.tab', { hasText: 'Curves: Study quickstart' }).first().click({ timeout: 60_000 });
      const curves = await frameWith(wb.page, '#status', 90_000);
      await curves.locator('#status', { hasText: /16 trials/ }).waitFor({ timeout: 60_000 });
      await wb.screenshot(`curves-restored-${theme}`);
    });
  });
}
