// @ts-check
'use strict';
const assert = require('node:assert/strict');
const { openWorkbench, openFile, frameWith, openSidebar } = require('./workbench');

/** Hovers the first editor token matching `token` until the hover matching `expect` shows; returns its locator. */
async function hover(page, token, expect) {
  const target = page.locator('.monaco-editor .view-lines span span', { hasText: token }).first();
  await target.waitFor({ timeout: 30_000 });
  const visible = page.locator('.monaco-hover:visible').first();
  for (let attempt = 0; attempt < 6; attempt++) {
    const box = await target.boundingBox();
    if (!box) throw new Error('the token has no box');
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    try {
      await visible.waitFor({ timeout: 8000 });
      if (expect.test(await visible.innerText())) return visible;
    } catch { /* no hover yet */ }
    await page.mouse.move(5, 5);
    await page.waitForTimeout(300);
  }
  throw new Error(`no hover matching ${expect}`);
}

/** Pixels drawn on a canvas (a blank chart has none but its axes). */
async function inked(frame, selector) {
  return frame.locator(selector).evaluate(c => {
    const canvas = /** @type {HTMLCanvasElement} */ (c);
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
    let n = 0;
    for (let i = 3; i < data.length; i += 4 * 5) if (data[i] > 0) n++;
    return n;
  });
}

const themes = /** @type {Array<'dark' | 'light'>} */ ((process.env.HPSTUDIO_UI_THEMES || 'dark,light').split(','));
for (const theme of themes) {
  describe(`the learning-rate finder from the hover to Apply (${theme} theme)`, function () {
    this.timeout(300_000);
    /** @type {Awaited<ReturnType<typeof openWorkbench>>} */
    let wb;
    before(async () => {
      wb = await openWorkbench({ workspace: 'examples', theme });
    });
    after(async () => wb && (await wb.close()));
    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && wb) await wb.screenshot(`failed-lrfind-${theme}-${this.currentTest.title.replace(/\W+/g, '-')}`);
    });

    it('the hover of the learning rate links "Find learning rate…", which runs the lr-find and opens its plot', async () => {
      await openFile(wb.page, 'quickstart/config.json', 'batch_size');
      const shown = await hover(wb.page, /^"lr"$/, /Learning rate ·/);
      const link = shown.locator('a', { hasText: 'Find learning rate…' });
      await link.waitFor({ timeout: 10_000 });
      await link.scrollIntoViewIfNeeded();
      await wb.screenshot(`lrfind-hover-${theme}`);
      await link.click();
      const panel = await frameWith(wb.page, '#root[data-verdict]', 60_000);
      // Live: the curve fills in as the short trials report, then the suggestion.
      await panel.locator('#root[data-verdict="ok"]').waitFor({ timeout: 180_000 });
      const verdict = await panel.locator('#verdict').innerText();
      assert.match(verdict, /lr = \d/);
      assert.match(verdict, /falls fastest around .*diverges from .*The first pass pointed at [\d.]+ \(half a step below where the floor begins\); refined: of [\d.]+, [\d.]+, [\d.]+, [\d.]+ run for \d+ reports, .*Suggested lr = [\d.]+\./s);
      assert.ok((await inked(panel, '#lr-curve')) > 400, 'the loss-vs-rate curve is drawn');
      assert.ok((await inked(panel, '#lr-runs')) > 400, 'the short runs are drawn');
      const rows = await panel.locator('table.points tr.status-diverged').count();
      assert.ok(rows >= 1, 'diverged rates are listed');
      await wb.page.mouse.move(5, 5);
      await wb.screenshot(`lrfind-panel-${theme}`);
    });

    it('Apply lists the change, then writes the suggested rate into config.json', async () => {
      const panel = await frameWith(wb.page, '#root[data-verdict="ok"]');
      const label = await panel.locator('#apply').innerText();
      const suggested = /lr = ([\d.e-]+)/.exec(label)?.[1];
      assert.ok(suggested, label);
      await panel.locator('#apply').click();
      const dialog = wb.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30_000 });
      assert.match(await dialog.innerText(), new RegExp(`lr: 0\\.05 → ${suggested.replace('.', '\\.')}`));
      await wb.screenshot(`lrfind-apply-${theme}`);
      await dialog.getByRole('button', { name: /^Apply$/ }).click();
      await panel.locator('.note', { hasText: /Applied to quickstart\/config\.json/ }).waitFor({ timeout: 30_000 });
      await openFile(wb.page, 'quickstart/config.json', 'batch_size');
      const text = (await wb.page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\s+/g, ' ');
      assert.match(text, new RegExp(`"lr": ${suggested.replace('.', '\\.')},`));
      assert.match(text, /"epochs": 30/, 'the other values stay');
    });

    it('Narrow brings the sweep’s range in around the suggestion; the sidebar lists the lr-find with it', async () => {
      // Back to the panel's tab (config.json was brought to the front to check the edit).
      await wb.page.locator('.tab', { hasText: 'Learning Rate: quickstart-lrfind' }).click();
      const panel = await frameWith(wb.page, '#root[data-verdict="ok"]');
      await panel.locator('#narrow').click();
      const dialog = wb.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30_000 });
      assert.match(await dialog.innerText(), /lr\.min: 0\.0005 → [\d.]+/);
      await dialog.getByRole('button', { name: /^Narrow$/ }).click();
      await panel.locator('.note', { hasText: /Narrowed quickstart\/sweep\.yaml/ }).waitFor({ timeout: 30_000 });
      const sidebar = await openSidebar(wb.page);
      const card = sidebar.locator('.study[data-study="quickstart-lrfind"]');
      await card.waitFor({ timeout: 30_000 });
      assert.match(await card.innerText(), /suggested lr = /);
      await card.locator('button[data-action="showLrFind"]').waitFor({ timeout: 10_000 });
      await wb.screenshot(`lrfind-sidebar-${theme}`);
    });
  });
}
