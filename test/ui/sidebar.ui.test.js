// @ts-check
'use strict';
const assert = require('node:assert/strict');
const { openWorkbench, openFile, webviewFrame } = require('./workbench');

for (const theme of /** @type {const} */ (['dark', 'light'])) {
  describe(`workbench with the extension installed from the .vsix (${theme} theme)`, function () {
    this.timeout(180_000);
    /** @type {Awaited<ReturnType<typeof openWorkbench>>} */
    let wb;
    before(async () => {
      wb = await openWorkbench({ workspace: 'examples', theme });
    });
    after(async () => wb && (await wb.close()));

    it('activates on a YAML file and shows the Hyperparameter Studio sidebar', async () => {
      await openFile(wb.page, 'configs/model/mlp.yaml', 'learning_rate');
      // The activity-bar entry is contributed by the extension: it exists once the .vsix is installed.
      const entry = wb.page.locator('.activitybar .action-item a[aria-label^="Hyperparameter Studio"], .activitybar .action-item[aria-label^="Hyperparameter Studio"]').first();
      await entry.click();
      const frame = webviewFrame(wb.page);
      await frame.locator('#root[data-ready="true"] #scan').waitFor({ timeout: 60_000 });
      assert.match(await frame.locator('#studies h3').innerText(), /^Studies \(\d+\)$/);
      assert.match(await frame.locator('#configs h3').innerText(), /^Detected configs/);
      // The view renders with the theme's colours, not unstyled defaults.
      const bg = await frame.locator('#scan').evaluate(b => getComputedStyle(b).backgroundColor);
      assert.notEqual(bg, 'rgba(0, 0, 0, 0)');
      await wb.screenshot(`sidebar-${theme}`);
    });
  });
}
