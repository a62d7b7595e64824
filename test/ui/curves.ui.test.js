// @ts-check
// The curves panel in a real workbench: "Show Loss Curves" on a workspace with one finished study
// opens the panel, which renders the study with the theme's colours, shows a hostile metric name as
// text, switches plots, and comes back after a window reload (its serializer + getState).
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { openWorkbench, runCommand } = require('./workbench');

const HOSTILE = '<img src=x onerror="document.title=\'pwned\'">';

/** A workspace with one study journal: 6 trials (5 complete, 1 pruned), 20 steps of the metric each. */
function makeWorkspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-curves-ui-'));
  const studyDir = path.join(dir, '.hpstudio', 'studies', 'demo');
  fs.mkdirSync(studyDir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'README.md'), '# curves UI fixture\n');
  const records = [{
    op: 'study', v: 1, name: 'demo', direction: 'minimize', metric: HOSTILE, sampler: 'random', seed: 1, studyFile: path.join(dir, 'sweep.yaml'), time: 1,
    space: { params: [{ name: 'lr', distribution: { type: 'float', low: 1e-4, high: 1, log: true } }, { name: 'optimizer', distribution: { type: 'categorical', choices: ['adam', 'sgd'] } }] },
  }];
  for (let n = 0; n < 6; n++) {
    const lr = 10 ** (-4 + (n * 4) / 6);
    const final = 0.1 + 0.05 * (Math.log10(lr) + 2.5) ** 2 + (n % 2 ? 0.05 : 0);
    records.push({ op: 'trial', number: n, params: { lr, optimizer: n % 2 ? 'sgd' : 'adam' }, state: 'running', pid: 1, host: 'fixture', time: 2 + n });
    const steps = n === 3 ? 8 : 20;
    for (let step = 1; step <= steps; step++) records.push({ op: 'value', number: n, step, value: final + 1 / step });
    records.push({ op: 'finish', number: n, state: n === 3 ? 'pruned' : 'complete', value: final + 1 / steps, time: 30 + n });
  }
  fs.writeFileSync(path.join(studyDir, 'journal.jsonl'), records.map(r => JSON.stringify(r)).join('\n') + '\n');
  return dir;
}

/** The curves webview's document: the one webview frame whose page has the curves tabs. */
async function curvesFrame(page) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const frames = page.locator('iframe.webview.ready');
    const count = await frames.count();
    for (let i = 0; i < count; i++) {
      const frame = frames.nth(i).contentFrame().frameLocator('#active-frame');
      if (await frame.locator('#tab-curves').count().catch(() => 0)) return frame;
    }
    if (Date.now() > deadline) throw new Error('the curves panel did not appear');
    await page.waitForTimeout(500);
  }
}

for (const theme of /** @type {const} */ (['dark', 'light'])) {
  describe(`curves panel in the workbench (${theme} theme)`, function () {
    this.timeout(240_000);
    /** @type {Awaited<ReturnType<typeof openWorkbench>>} */
    let wb;
    /** @type {string} */
    let workspace;
    before(async () => {
      workspace = makeWorkspace();
      wb = await openWorkbench({ workspace, theme, trust: true });
    });
    after(async () => {
      if (wb) await wb.close();
      fs.rmSync(workspace, { recursive: true, force: true });
    });

    it('Show Loss Curves opens the study: all trials, the metric name as text, theme colours', async () => {
      await runCommand(wb.page, 'Hyperparameter Studio: Show Loss Curves');
      const frame = await curvesFrame(wb.page);
      const status = frame.locator('#status');
      await status.filter({ hasText: /^6 trials/ }).waitFor({ timeout: 60_000 });
      assert.match(await status.innerText(), /^6 trials \(5 complete, 0 running, 1 pruned, 0 failed\) · best #\d+ = /);
      // The hostile metric name is an <option>'s text, not markup: no element, no script ran.
      assert.equal(await frame.locator('#metric option').first().textContent(), HOSTILE);
      assert.equal(await frame.locator('#root img').count(), 0);
      assert.notEqual(await frame.locator('body').evaluate(() => document.title), 'pwned');
      // Colours come from the workbench theme's variables.
      const blue = await frame.locator('body').evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-charts-blue').trim());
      assert.match(blue, /^#|^rgb/);
      const box = await frame.locator('#canvas-curves').boundingBox();
      assert.ok(box && box.width > 300 && box.height > 150, `curves canvas ${JSON.stringify(box)}`);
      await wb.screenshot(`curves-ui-${theme}`);
    });

    it('switches to the study plots with the keyboard', async () => {
      const frame = await curvesFrame(wb.page);
      await frame.locator('#tab-curves').focus();
      // Learning curves → History → Parallel coordinates → Importance.
      for (let i = 0; i < 3; i++) await frame.locator('[role="tab"][aria-selected="true"]').press('ArrowRight');
      assert.equal(await frame.locator('#tab-importance').getAttribute('aria-selected'), 'true');
      assert.match(await frame.locator('#note-importance').innerText(), /over 6 finished trials|at least 2|same value/);
      await frame.locator('#tab-contour').click();
      assert.match(await frame.locator('#note-contour').innerText(), /Predicted objective .* lr × optimizer|optimizer × lr/);
      await wb.screenshot(`curves-ui-${theme}-contour`);
    });

    if (theme === 'dark') {
      it('comes back after a window reload (serializer + saved state)', async () => {
        // The panel saves its state shortly after a change (debounced): reload once that save is written.
        const frameBefore = await curvesFrame(wb.page);
        while (await frameBefore.locator('body').evaluate(() => window.hpCurvesStats.persistPending)) await wb.page.waitForTimeout(100);
        await runCommand(wb.page, 'Developer: Reload Window');
        await wb.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
        const frame = await curvesFrame(wb.page);
        await frame.locator('#status').filter({ hasText: /^6 trials/ }).waitFor({ timeout: 60_000 });
        // The panel reopened on the tab the user left it on.
        assert.equal(await frame.locator('#tab-contour').getAttribute('aria-selected'), 'true');
        await wb.screenshot('curves-ui-dark-restored');
      });
    }
  });
}
