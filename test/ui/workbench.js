// @ts-check
// UI-test helpers: a real VS Code (code-server) with the extension installed from the .vsix, driven by
// chromium. Screenshots go to test-results/screenshots/ so a person can look at what users see.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, makeProfile, installVsix, startServer, launchBrowser, workbenchUrl } = require('../host/codeServer');

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
  // Tests change files: work on a throwaway copy of the workspace.
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-uiws-'));
  fs.cpSync(path.resolve(ROOT, options.workspace), workspace, { recursive: true });
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

/** Opens a workspace file through Quick Open, the way a user would, and waits for its editor. */
async function openFile(page, relativePath, expectText) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget:visible input', { timeout: 15_000 });
  await page.keyboard.type(relativePath);
  await page.waitForSelector(`.quick-input-list .monaco-list-row`, { timeout: 15_000 });
  await page.keyboard.press('Enter');
  if (expectText) await page.waitForSelector(`.monaco-editor .view-lines >> text=${expectText}`, { timeout: 30_000 });
}

/** Runs a command from the Command Palette by its title. */
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget:visible input', { timeout: 15_000 });
  await page.keyboard.type(title);
  await page.waitForSelector(`.quick-input-list .monaco-list-row >> text=${title}`, { timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/** The inner frame of a webview (VS Code nests our document in an iframe inside an iframe). */
function webviewFrame(page, index = 0) {
  return page.frameLocator('iframe.webview.ready').nth(index).frameLocator('#active-frame');
}

module.exports = { openWorkbench, openFile, runCommand, webviewFrame, SHOTS };
