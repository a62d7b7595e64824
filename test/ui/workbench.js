// @ts-check
// UI-test helpers: a real VS Code (code-server) with the extension installed from the .vsix, driven by
// chromium. Screenshots go to test-results/screenshots/ so a person can look at what users see.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, makeProfile, installVsix, startServer, launchBrowser, workbenchUrl } = require('../host/codeServer');
const { copyCleanWorkspace, describeCopy } = require('../host/cleanCopy');

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

/**
 * @param {{ workspace: string, theme?: 'dark' | 'light', settings?: Record<string, unknown>, trust?: boolean }} options
 */
async function openWorkbench(options) {
  const vsix = process.env.HPSTUDIO_VSIX;
  if (!vsix) throw new Error('HPSTUDIO_VSIX is not set: run the UI tests through `npm run test:ui`');
  const themeName = options.theme === 'light' ? 'Default Light Modern' : 'Default Dark Modern';
  const profile = makeProfile({ 'workbench.colorTheme': themeName, 'security.workspace.trust.enabled': !!options.trust, ...(options.settings || {}) });
  installVsix(profile, vsix);
  // Tests change files: work on a throwaway copy of the workspace, without the user's state in this
  // clone (a study `npm start` left in examples/.hpstudio would be offered for resume, say).
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-uiws-'));
  const note = describeCopy(options.workspace, copyCleanWorkspace(path.resolve(ROOT, options.workspace), workspace));
  if (note) console.log(`      test workspace: ${note}`);
  const server = await startServer({ profile, trust: !!options.trust });
  const browser = await launchBrowser(profile);
  const page = browser.pages()[0] || (await browser.newPage());
  const consoleLines = [];
  page.on('console', m => consoleLines.push(`[${m.type()}] ${m.text()}`));
  await page.goto(workbenchUrl(server.port, workspace));
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
  fs.mkdirSync(SHOTS, { recursive: true });
  return {
    page, workspace, server, consoleLines,
    /** @param {string} name */
    async screenshot(name) {
      const file = path.join(SHOTS, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await browser.close().catch(() => {});
      await server.stop();
      fs.rmSync(workspace, { recursive: true, force: true });
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens a workspace file from the Explorer, the way a user would: expand each folder, click the file.
 * (Quick Open depends on ripgrep's file search, which can lag on a cold start.)
 */
async function openFile(page, relativePath, expectText) {
  const explorer = page.locator('.activitybar .action-item a[aria-label^="Explorer"], .activitybar .action-item[aria-label^="Explorer"]').first();
  if (!(await page.locator('.explorer-folders-view').isVisible())) await explorer.click();
  const parts = relativePath.split('/');
  for (let i = 0; i < parts.length; i++) {
    const row = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${parts[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
    await row.waitFor({ timeout: 60_000 });
    const isFolder = i < parts.length - 1;
    if (isFolder && (await row.getAttribute('aria-expanded')) === 'true') continue;
    await row.click();
  }
  await page.waitForSelector(`.tab.active >> text=${parts[parts.length - 1]}`, { timeout: 60_000 });
  if (expectText) await page.waitForSelector(`.monaco-editor .view-lines >> text=${expectText}`, { timeout: 30_000 });
}

/**
 * Runs a command from the Command Palette by its title. Retried: right after start-up the workbench can
 * swallow the first F1 or keystrokes (a notification, the explorer restoring).
 */
async function runCommand(page, title) {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget:visible input', { timeout: 30_000 });
      await page.keyboard.type(title);
      await page.waitForSelector(`.quick-input-list .monaco-list-row >> text=${title}`, { timeout: 30_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (err) {
      await page.keyboard.press('Escape');
      if (attempt === 3) throw err;
      await page.waitForTimeout(2_000);
    }
  }
}

/** The webview frame (sidebar or panel) that contains `selector`. */
async function frameWith(page, selector, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const outer = page.frameLocator('iframe.webview.ready');
    const count = await page.locator('iframe.webview.ready').count();
    for (let i = 0; i < count; i++) {
      const inner = outer.nth(i).frameLocator('#active-frame');
      if ((await inner.locator(selector).count().catch(() => 0)) > 0) return inner;
    }
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector}`);
    await page.waitForTimeout(250);
  }
}

/** The Studio sidebar's webview, opened from the activity bar unless it is already showing. */
async function openSidebar(page) {
  // Clicking the activity-bar entry of a view that is already open would close it: the entry of the
  // open container is marked `checked`, so look before clicking (no guessing how long a frame takes).
  const entry = page.locator('.activitybar li.action-item').filter({ has: page.locator('[aria-label^="Hyperparameter Studio"]') })
    .or(page.locator('.activitybar li.action-item[aria-label^="Hyperparameter Studio"]')).first();
  await entry.waitFor({ timeout: 60_000 });
  if (!(await entry.evaluate(li => li.classList.contains('checked')))) await entry.click();
  return frameWith(page, '#root[data-ready="true"] #studies');
}

/** The inner frame of a webview (VS Code nests our document in an iframe inside an iframe). */
function webviewFrame(page, index = 0) {
  return page.frameLocator('iframe.webview.ready').nth(index).frameLocator('#active-frame');
}

module.exports = { openWorkbench, openFile, runCommand, webviewFrame, frameWith, openSidebar, SHOTS };
