// @ts-check
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { openWorkbench, openFile, webviewFrame } = require('./workbench');

/**
 * Hovers the first editor token whose text matches, the way a user does (mouse move), and returns the
 * hover's text from the DOM once it is the hover we expect. The token's box is measured anew on every
 * attempt: CodeLenses appearing above line 1 shift the text down after the file opens. Falls back to the
 * keyboard hover (Ctrl+K Ctrl+I) if the mouse hover keeps missing.
 * @param {RegExp} expect case-sensitive: the hover's title, e.g. /Batch size ·/
 */
async function hoverToken(page, tokenText, expect) {
  const token = page.locator('.monaco-editor .view-lines span span', { hasText: tokenText }).first();
  await token.waitFor({ timeout: 30_000 });
  const visibleHover = page.locator('.monaco-hover:visible').first();
  for (let attempt = 0; attempt < 5; attempt++) {
    const box = await token.boundingBox();
    if (!box) throw new Error(`token ${tokenText} has no box`);
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    try {
      await visibleHover.waitFor({ timeout: 15_000 });
      const text = await visibleHover.innerText();
      if (expect.test(text)) return text;
    } catch { /* no hover yet */ }
    await page.mouse.move(5, 5);
    await page.waitForTimeout(300);
  }
  await token.click();
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  await visibleHover.waitFor({ timeout: 15_000 });
  const text = await visibleHover.innerText();
  assert.match(text, expect);
  return text;
}

async function dismissHover(page) {
  await page.keyboard.press('Escape');
  await page.mouse.move(5, 5);
}

describe('hovers and the sidebar in the real workbench', function () {
  this.timeout(240_000);
  /** @type {Awaited<ReturnType<typeof openWorkbench>>} */
  let wb;
  before(async () => {
    wb = await openWorkbench({ workspace: 'examples', theme: 'dark' });
  });
  after(async () => wb && (await wb.close()));
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) await wb.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('explains a YAML key on hover', async () => {
    await openFile(wb.page, 'configs/model/mlp.yaml', 'learning_rate');
    const text = await hoverToken(wb.page, /^learning_rate$/, /Learning rate ·/);
    assert.match(text, /Hyperparameter/);
    assert.match(text, /3e-4|0\.0003/);
    // Inside published practice: no verdict badge, the range and where it comes from.
    assert.match(text, /within published practice for Adam\/AdamW: 1e-7 – 5e-2/);
    assert.match(text, /Why: range from torch\.optim\.Adam\/AdamW/);
    assert.doesNotMatch(text, /unusual|invalid/);
    assert.match(text, /Tune this/);
    await wb.screenshot('hover-yaml');
    await dismissHover(wb.page);
  });

  it('explains a JSON key on hover (HF TrainingArguments)', async () => {
    await openFile(wb.page, 'training_args.json', 'per_device_train_batch_size');
    const text = await hoverToken(wb.page, /^"per_device_train_batch_size"$/, /Batch size ·/);
    assert.match(text, /16/);
    assert.match(text, /[Ee]ffective batch/);
    await wb.screenshot('hover-json');
    await dismissHover(wb.page);
  });

  it('explains an argparse option in Python on hover', async () => {
    await openFile(wb.page, 'train_cnn.py', 'momentum');
    const text = await hoverToken(wb.page, /^"--momentum"$/, /Momentum ·/);
    assert.match(text, /0\.9/);
    await wb.screenshot('hover-python');
    await dismissHover(wb.page);
  });

  it('shows the invalid and unusual tiers with their reasons (RL Zoo file)', async () => {
    // Written into the throwaway workspace copy: a Stable-Baselines3 recipe with one broken and one odd value.
    fs.mkdirSync(path.join(wb.workspace, 'hyperparams'), { recursive: true });
    fs.writeFileSync(path.join(wb.workspace, 'hyperparams', 'ppo.yml'), 'CartPole-v1:\n  n_envs: 8\n  policy: MlpPolicy\n  learning_rate: 0.05\n  max_grad_norm: 0\n');
    await openFile(wb.page, 'hyperparams/ppo.yml', 'max_grad_norm');
    const invalid = await hoverToken(wb.page, /^max_grad_norm$/, /Gradient clipping \(max norm\) ·/);
    assert.match(invalid, /✖ invalid: 0 breaks training here: Stable-Baselines3 always calls clip_grad_norm_/);
    assert.match(invalid, /Default \(Stable-Baselines3\): 0\.5 \(SB3 PPO\)/);
    await wb.screenshot('hover-invalid');
    await dismissHover(wb.page);
    const unusual = await hoverToken(wb.page, /^learning_rate$/, /Learning rate ·/);
    assert.match(unusual, /⚠ unusual: 5e-2 is high for on-policy RL \(PPO, A2C, TRPO\): published recipes use 1e-5 – 3e-3/);
    assert.match(unusual, /Why: published range from Stable-Baselines3 defaults/);
    await wb.screenshot('hover-unusual');
    await dismissHover(wb.page);
  });

  it('lists the detected configs in the sidebar, grouped by format, and opens one on click', async () => {
    const entry = wb.page.locator('.activitybar .action-item a[aria-label^="Hyperparameter Studio"], .activitybar .action-item[aria-label^="Hyperparameter Studio"]').first();
    await entry.click();
    const frame = webviewFrame(wb.page);
    await frame.locator('.config .path', { hasText: 'mlp.yaml' }).first().waitFor({ timeout: 60_000 });
    const paths = await frame.locator('.config .path').allInnerTexts();
    assert.ok(paths.some(p => p.endsWith('training_args.json')), paths.join(', '));
    assert.ok(!paths.some(p => p.endsWith('README.md')), 'no non-config files');
    await wb.screenshot('sidebar-configs-dark');
    await frame.locator('.config', { hasText: 'training_args.json' }).first().click();
    await wb.page.waitForSelector('.tab.active >> text=training_args.json', { timeout: 60_000 });
  });
});
