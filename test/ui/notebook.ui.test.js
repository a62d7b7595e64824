// @ts-check
// A notebook tuned from the sidebar, as a user does it: the example notebook (examples/notebook/moons.ipynb)
// in the notebook editor with its CodeLens, "Tune…" on its sidebar entry, the QuickPicks accepted as
// offered, "Start", then the curves growing while the trials run on real Jupyter kernels, and a trial's
// executed notebook opened from the trial table.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { openWorkbench, frameWith, openSidebar } = require('./workbench');

/** Processes whose working directory is `dir` (a notebook trial's kernel runs in the notebook's folder). */
function processesIn(dir) {
  const pids = [];
  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/cwd`) === dir) pids.push(Number(pid));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/**
 * Accepts every step of the tune flow as offered (pre-selected parameters, suggested ranges, metric) until
 * `done` holds. The quick-input widget hides between steps, so it is polled rather than followed.
 */
async function acceptQuickInputs(page, done) {
  const widget = page.locator('.quick-input-widget');
  const titles = [];
  const deadline = Date.now() + 120_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`the tune flow did not finish; steps seen: ${titles.join(' | ')}`);
    if (!(await widget.isVisible())) {
      await page.waitForTimeout(200);
      continue;
    }
    const title = await widget.locator('.quick-input-title').innerText().catch(() => '');
    if (titles[titles.length - 1] !== title) titles.push(title);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
  }
  return titles;
}

describe('a notebook tuned from the sidebar, with live curves', function () {
  this.timeout(600_000);
  /** @type {Awaited<ReturnType<typeof openWorkbench>>} */
  let wb;
  before(async () => {
    // Debian's Python has nbclient and ipykernel (npm test's system step installs them).
    wb = await openWorkbench({ workspace: 'examples', theme: 'dark', settings: { 'hpstudio.pythonPath': '/usr/bin/python3', 'hpstudio.tuning.parallel': 2 } });
  });
  after(async () => wb && (await wb.close()));
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) await wb.screenshot(`failed-notebook-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('opens the notebook from the sidebar in the notebook editor, with the Tune CodeLens on its parameters cell and a hover in a cell', async () => {
    const sidebar = await openSidebar(wb.page);
    const entry = sidebar.locator('.config', { hasText: 'notebook/moons.ipynb' }).first();
    await entry.waitFor({ timeout: 60_000 });
    assert.match(await entry.locator('.badge').innerText(), /^[1-9]\d*$/);
    await entry.locator('.path').click();
    await wb.page.locator('.notebook-editor:visible').first().waitFor({ timeout: 60_000 });
    const lens = wb.page.locator('.notebook-editor .codelens-decoration', { hasText: 'Tune Hyperparameters in This Notebook' });
    await lens.first().waitFor({ timeout: 60_000 });
    // Hover `learning_rate` in the parameters cell.
    const line = wb.page.locator('.notebook-editor:visible .view-line', { hasText: 'learning_rate = 0.05' }).first();
    const hover = wb.page.locator('.monaco-hover-content', { hasText: /Learning rate/ });
    // Re-measured on each attempt: the CodeLens above the cell shifts its lines once it appears.
    for (let attempt = 0; attempt < 10 && !(await hover.first().isVisible()); attempt++) {
      const box = await line.boundingBox();
      if (box) await wb.page.mouse.move(box.x + 30, box.y + box.height / 2);
      await hover.first().waitFor({ timeout: 3_000 }).catch(() => undefined);
    }
    await hover.first().waitFor({ timeout: 10_000 });
    await wb.screenshot('notebook-editor-codelens-hover');
    await wb.page.keyboard.press('Escape');
  });

  it('lists the notebook in the sidebar and tunes it from there: trials run and the curves grow live', async () => {
    const sidebar = await openSidebar(wb.page);
    const entry = sidebar.locator('.config', { hasText: 'notebook/moons.ipynb' }).first();
    await entry.locator('.tune-file').click();
    // The study file opens once every step is answered; "Start" in the notification runs it.
    const studyTab = wb.page.locator('.tab', { hasText: 'moons.study.yaml' }).first();
    const titles = await acceptQuickInputs(wb.page, () => studyTab.isVisible());
    assert.match(titles[0], /Tune hyperparameters of moons\.ipynb/);
    assert.ok(titles.some(t => /^Range of learning_rate/.test(t)), titles.join(' | '));
    await wb.page.locator('.notifications-toasts .monaco-button', { hasText: /^Start$/ }).first().click({ timeout: 30_000 });
    const card = sidebar.locator('.study[data-study="moons"]');
    await card.waitFor({ timeout: 60_000 });
    await card.locator('.state-running').waitFor({ timeout: 60_000 });
    await sidebar.locator('#trials tr.trial.state-complete').first().waitFor({ timeout: 180_000 });
    await wb.screenshot('notebook-sidebar-running');

    await card.locator('button[data-action="showCurves"]').click();
    const curves = await frameWith(wb.page, '#status');
    await curves.locator('#status', { hasText: /\d+ trials?/ }).waitFor({ timeout: 60_000 });
    const inked = () => curves.locator('#canvas-curves').evaluate(c => {
      const canvas = /** @type {HTMLCanvasElement} */ (c);
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let n = 0;
      for (let i = 3; i < data.length; i += 4 * 7) if (data[i] > 0) n++;
      return n;
    });
    const first = await inked();
    assert.ok(first > 200, `the curves canvas is drawn: ${first} inked pixels`);
    // Live: more complete trials are drawn while the study still runs, without reopening the panel. Counted
    // from the status line and the trial picker (one option per drawn curve), not from inked pixels: a live
    // update may rescale the axis and ink fewer of them.
    const complete = async () => Number(/(\d+) complete/.exec(await curves.locator('#status').innerText())?.[1] ?? 0);
    const drawnCurves = () => curves.locator('#trial option:not([value=""])').count();
    const [completeBefore, drawnBefore] = [await complete(), await drawnCurves()];
    const deadline = Date.now() + 240_000;
    while ((await complete()) <= completeBefore && Date.now() < deadline) await wb.page.waitForTimeout(500);
    assert.ok((await complete()) > completeBefore, `the curves panel counted more complete trials while the study ran (${completeBefore} before)`);
    assert.ok((await drawnCurves()) >= Math.max(drawnBefore, 1), `curves drawn: ${drawnBefore} before, ${await drawnCurves()} after`);
    assert.ok((await inked()) > 200, 'the curves canvas is still drawn after the live update');
    await wb.screenshot('notebook-curves-live');
  });

  it('opens the executed notebook of a trial from the trial table, then stops the study leaving no kernel', async () => {
    const sidebar = await openSidebar(wb.page);
    // One trial, named by its number: the table re-sorts as trials finish, so `.first()` may move between reads.
    const trial = Number(await sidebar.locator('#trials tr.trial.state-complete').first().getAttribute('data-trial'));
    // The condition the button needs: the trial's executed copy is on disk (written before its kernel exits).
    const executed = path.join(wb.workspace, '.hpstudio', 'studies', 'moons', 'trials', String(trial), 'executed.ipynb');
    assert.ok(fs.existsSync(executed), `trial ${trial} is complete but ${executed} does not exist`);
    await sidebar.locator(`#trials tr.trial[data-trial="${trial}"] .open-notebook`).click();
    await wb.page.locator('.tab', { hasText: 'executed.ipynb' }).first().waitFor({ timeout: 30_000 });
    await wb.page.locator('.notebook-editor .view-line', { hasText: `Parameters of trial ${trial}, injected by Hyperparameter Studio` }).first().waitFor({ timeout: 30_000 });
    await wb.screenshot('notebook-executed-trial');
    const card = sidebar.locator('.study[data-study="moons"]');
    if (await card.locator('.state-running').count()) {
      await card.locator('button[data-action="stop"]').click();
      await card.locator('.state-stopped, .state-finished').first().waitFor({ timeout: 60_000 });
    }
    await wb.screenshot('notebook-study-stopped');
    // No kernel of the study is left: nothing runs in the notebook's folder any more.
    const folder = path.join(wb.workspace, 'notebook');
    const deadline = Date.now() + 30_000;
    while (processesIn(folder).length > 0 && Date.now() < deadline) await wb.page.waitForTimeout(200);
    assert.deepEqual(processesIn(folder), [], 'kernels left running');
  });
});
